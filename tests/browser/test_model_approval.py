"""Approve a Pending model version in the console, then find both model events in the event log."""

import pytest

from workspaces.pai_resources.services.model_registry import model_create, model_version_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_approving_a_model_version_in_the_console_shows_both_model_events_in_the_event_log(
    page, login, screenshot, live_server, owner, activated_workspace
):
    model = model_create(workspace=activated_workspace, name="resnet50", actor=owner)
    model_version_create(model=model, version_name="1.1.0", approval_status="Pending", actor=owner)
    base = f"{live_server.url}/workspaces/{activated_workspace.pk}"

    login(page, live_server, owner)
    page.goto(f"{base}/models/")
    page.click("text=resnet50")
    row = page.locator("[data-testid=version-row][data-version='1.1.0']")
    assert row.locator("[data-status]").inner_text() == "Pending"
    screenshot(page, "1-pending")

    row.locator("[data-testid=version-approved]").click()
    dialog = page.get_by_test_id("confirm-approval")  # final, so the console asks first
    dialog.get_by_test_id("confirm-ok").click()
    page.wait_for_selector("text=Version 1.1.0 is now Approved.")
    assert row.locator("[data-status]").inner_text() == "Approved"
    assert row.locator("[data-testid=version-approved]").count() == 0  # Approved is final
    screenshot(page, "2-approved")

    page.click("aside.sidenav >> text=Event Log")
    page.wait_for_selector("[data-testid=events-table]")
    rows = page.locator("[data-testid=event-row]")
    assert rows.count() == 2
    types = sorted(rows.nth(i).get_attribute("data-event-type") for i in range(2))
    assert types == ["pai:ModelManagement:ModelVersionApproved", "pai:ModelManagement:ModelVersionStatusChanged"]
    table = page.locator("[data-testid=events-table]").inner_text()
    assert "Model Version Approved for Publishing" in table and "Model Version Status Changed" in table
    assert table.count("Published") == 2
    screenshot(page, "3-event-log")

    page.select_option("[data-testid=filter-type]", "pai:ModelManagement:ModelVersionApproved")
    # A function, not an expression: Playwright evaluates a bare expression with eval(), which the
    # console's Content-Security-Policy refuses.
    page.wait_for_function("() => document.querySelectorAll('[data-testid=event-row]').length === 1")
    assert "type=pai" in page.url  # the filter is in the address (hx-push-url)

    page.locator("[data-testid=event-row] a").first.click()
    page.get_by_test_id("tab-body").click()  # the event detail is in tabs
    envelope = page.locator("[data-testid=event-envelope]").inner_text()
    assert '"type": "pai:ModelManagement:ModelVersionApproved"' in envelope
    assert '"aliyuneventbusname": "pai-system-ws_demo"' in envelope
    screenshot(page, "4-event-detail")
