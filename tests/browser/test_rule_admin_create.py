"""In Chromium, under the CSP: an operator adds an all-types DLC notice rule in Django admin (pick the
workspace, Refresh, pick the source, Refresh, tick All event types, fill the DingTalk target, Save)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_csp import RECORD_VIOLATIONS, violations
from tests.notifications.rules.conftest import DINGTALK_WEBHOOK, SIGNING_KEY

pytestmark = pytest.mark.browser


def test_an_operator_adds_an_all_types_rule_in_admin(page, live_server, activated_workspace):
    from notifications.models import Rule
    from tests.conftest import PASSWORD
    from workspaces.models import User

    User.objects.create_superuser(username="root", password=PASSWORD)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/notifications/rule/add/")
    page.select_option("#id_workspace", str(activated_workspace.pk))
    page.click("input[name=_refresh]")
    page.fill("#id_name", "all-dlc")
    page.select_option("#id_source", "dlc_job")
    page.click("input[name=_refresh]")
    expect(page.locator("#id_event_types")).to_contain_text("Job Preempted")
    expect(page.locator("#id_name")).to_have_value("all-dlc")
    page.check("#id_all_event_types")
    page.fill("#id_t0-webhook", DINGTALK_WEBHOOK)
    page.fill("#id_t0-signing_secret", SIGNING_KEY)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("Rule all-dlc created")
    expect(page.locator("#content")).to_contain_text("All event types")
    rule = Rule.objects.get(name="all-dlc")
    assert rule.source == "dlc_job" and not rule.event_types.exists()
    assert violations(page) == []
