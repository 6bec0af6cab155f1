"""The first-time setup in a real browser: ServiceNotEnable, Activate for Free, Grant Access, then
Create Notice Rule, with a screenshot of each step (test-artifacts/screenshots/)."""

import pytest
from playwright.sync_api import expect

from workspaces.models import EventBus, ServiceLinkedRole

pytestmark = pytest.mark.browser


def test_an_owner_activates_eventbridge_and_grants_access_up_to_create_notice_rule(
    page, live_server, login, screenshot, owner, workspace
):
    login(page, live_server, owner)
    expect(page.get_by_role("link", name="ws_demo")).to_be_visible()
    screenshot(page, "1-workspace-list")

    page.get_by_role("link", name="ws_demo").click()
    expect(page.locator(".tabs").first).to_contain_text("Configuration")
    screenshot(page, "2-workspace-details")

    page.get_by_test_id("tab-configuration").click()
    expect(page.locator(".breadcrumb li")).to_have_text(  # one breadcrumb style: Workspaces > workspace > ...
        ["Workspaces", "ws_demo", "Configuration", "Event Notification Configuration"])
    notice = page.get_by_test_id("service-not-enable")
    expect(notice).to_contain_text("ServiceNotEnable")
    expect(notice).to_contain_text("EventBridge service has not been activated")
    screenshot(page, "3-service-not-enable")

    url_before = page.url
    page.get_by_role("button", name="Activate for Free").click()
    expect(page.get_by_role("button", name="Grant Access")).to_be_visible()
    expect(page.get_by_test_id("service-not-enable")).to_have_count(0)
    expect(page.get_by_test_id("event-buses")).to_contain_text("pai-system-ws_demo")
    assert page.url == url_before  # swapped in place by HTMX, no page load
    assert EventBus.objects.filter(workspace=workspace, name="pai-system-ws_demo").exists()
    screenshot(page, "4-grant-access")

    page.get_by_role("button", name="Grant Access").click()
    expect(page.get_by_test_id("create-notice-rule")).to_be_visible()
    expect(page.get_by_test_id("rules-table")).to_be_visible()
    assert ServiceLinkedRole.objects.filter(account=workspace.account).exists()
    screenshot(page, "5-create-notice-rule")

    page.reload()  # the state is on the server, not in the page
    expect(page.get_by_test_id("create-notice-rule")).to_be_visible()


def test_the_buttons_work_without_javascript(browser, live_server, login, screenshot, owner, workspace):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1366, "height": 860})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, live_server, owner)
        page.goto(f"{live_server.url}/workspaces/{workspace.pk}/configuration/event-notifications/")
        page.get_by_role("button", name="Activate for Free").click()
        expect(page.get_by_role("button", name="Grant Access")).to_be_visible()
        page.get_by_role("button", name="Grant Access").click()
        expect(page.get_by_test_id("create-notice-rule")).to_be_visible()
        screenshot(page, "no-js-ready")
    finally:
        context.close()
