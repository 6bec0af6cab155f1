"""The month picker in a real browser: HTMX swaps the summary in place and the address follows."""

import datetime

import pytest

from notifications.services.usage import usage_record

pytestmark = pytest.mark.browser

def test_picking_a_month_swaps_the_summary_in_place_and_updates_the_address(page, login, screenshot, live_server,
                                                                             owner, account):
    usage_record(account_id=account.pk, count=450, now=datetime.datetime(2025, 3, 10, 4, tzinfo=datetime.UTC))
    usage_record(account_id=account.pk, count=60, now=datetime.datetime(2025, 3, 11, 4, tzinfo=datetime.UTC))
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/account/usage/?month=2025-02")
    page.evaluate("window.__same_document = true")

    page.get_by_test_id("usage-next-month").click()

    page.wait_for_url("**/account/usage/?month=2025-03")
    assert page.get_by_test_id("usage-sent").inner_text() == "510"
    assert page.get_by_test_id("usage-amount-due").inner_text() == "USD 0.010"
    assert page.get_by_test_id("usage-notice-100").is_visible()
    assert page.locator('[data-testid="usage-chart"] g[data-day="2025-03-10"]').get_attribute("data-count") == "450"
    assert page.evaluate("window.__same_document") is True  # swapped in place, not reloaded
    screenshot(page, "usage-march")
