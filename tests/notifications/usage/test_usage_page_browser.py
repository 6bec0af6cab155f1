"""The month picker in a real browser: HTMX swaps the summary in place and the address follows."""

import datetime

import pytest
from django.conf import settings

from notifications.services.usage import usage_record

pytestmark = pytest.mark.browser

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--no-first-run"]


@pytest.fixture
def browser_page(live_server, client, owner):
    """A Chromium page signed in as the owner (tests/browser/conftest.py had no shared fixture yet)."""
    from playwright.sync_api import sync_playwright

    client.force_login(owner)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        page = context.new_page()
        yield page
        browser.close()


def test_picking_a_month_swaps_the_summary_in_place_and_updates_the_address(browser_page, live_server, account):
    usage_record(account_id=account.pk, count=450, now=datetime.datetime(2025, 3, 10, 4, tzinfo=datetime.UTC))
    usage_record(account_id=account.pk, count=60, now=datetime.datetime(2025, 3, 11, 4, tzinfo=datetime.UTC))
    page = browser_page
    page.goto(f"{live_server.url}/account/usage/?month=2025-02")
    page.evaluate("window.__same_document = true")

    page.get_by_test_id("usage-next-month").click()

    page.wait_for_url("**/account/usage/?month=2025-03")
    assert page.get_by_test_id("usage-sent").inner_text() == "510"
    assert page.get_by_test_id("usage-amount-due").inner_text() == "USD 0.010"
    assert page.get_by_test_id("usage-notice-100").is_visible()
    assert page.locator('[data-testid="usage-chart"] g[data-day="2025-03-10"]').get_attribute("data-count") == "450"
    assert page.evaluate("window.__same_document") is True  # swapped in place, not reloaded
    page.screenshot(path=str(settings.VAR_DIR / "usage-page.png"), full_page=True)
