"""The Create Notice Rule drawer in a real browser: fields swapped by the server without a reload,
the quota counter, saving, and the row actions."""

import pytest
from playwright.sync_api import expect

from notifications.models import Rule

from .helpers import htmx_idle

pytestmark = pytest.mark.browser

DINGTALK_WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef"
SIGNING_KEY = "SEC0123456789abcdef0123456789abcdef0123456789abcdef"


def open_drawer(page, live_server, login, owner, workspace):
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{workspace.pk}/configuration/event-notifications/")
    page.get_by_test_id("create-notice-rule").click()
    drawer = page.get_by_test_id("rule-drawer")
    expect(drawer).to_be_visible()
    expect(drawer).to_contain_text("Configure event types")
    expect(drawer).to_contain_text("Configure event targets")
    return drawer


def test_choosing_dingtalk_shows_the_signing_key_and_choosing_wecom_removes_it(
        page, live_server, login, screenshot, owner, activated_workspace):
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    url = page.url
    target = drawer.get_by_test_id("target").first
    method = target.get_by_test_id("delivery-method")
    method.select_option(label="WeCom notification")
    expect(target.get_by_label("Signing Key")).to_have_count(0)
    expect(drawer.get_by_test_id("target").first.get_by_label("Webhook")).to_be_visible()
    htmx_idle(page)
    drawer.get_by_test_id("delivery-method").first.select_option(label="DingTalk notification")
    expect(drawer.get_by_test_id("target").first.get_by_label("Signing Key")).to_be_visible()
    screenshot(page, "dingtalk-signing-key")
    htmx_idle(page)
    drawer.get_by_test_id("delivery-method").first.select_option(label="WeCom notification")
    expect(drawer.get_by_label("Signing Key")).to_have_count(0)
    assert page.url == url  # swapped by HTMX, no page load


def test_switching_the_source_to_model_offers_http_and_eas_update_and_withdraws_contacts(
        page, live_server, login, screenshot, owner, activated_workspace):
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    options = drawer.get_by_test_id("delivery-method").first.locator("option")
    expect(options).to_contain_text(["DingTalk notification", "WeCom notification", "Lark notification",
                                     "Voice call, text message, and email"])
    drawer.get_by_test_id("event-source").select_option(label="Model")
    expect(drawer.get_by_test_id("event-types")).to_contain_text("Model Version Approved for Publishing")
    expect(drawer.get_by_test_id("event-types")).not_to_contain_text("Job Failed")
    options = drawer.get_by_test_id("delivery-method").first.locator("option")
    expect(options).to_have_text(["DingTalk notification", "WeCom notification", "Lark notification", "HTTP/HTTPS",
                                  "EAS service update"])
    expect(drawer.get_by_test_id("scope")).to_contain_text("Specified models")
    htmx_idle(page)
    drawer.get_by_test_id("delivery-method").first.select_option(label="HTTP/HTTPS")
    test_button = drawer.get_by_test_id("test-connectivity")
    expect(test_button).to_be_disabled()
    expect(drawer.get_by_test_id("target").first).to_contain_text("not available for HTTP/HTTPS")
    screenshot(page, "model-source")


def test_at_the_limit_add_is_disabled_with_a_quota_link_and_past_it_the_counter_turns_red(
        page, live_server, login, owner, activated_workspace):
    from notifications.services.contacts import contact_create

    for name in ("Alice", "Tony"):
        contact_create(actor=owner, account=owner.account, name=name, email=f"{name.lower()}@example.com")
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    units = drawer.get_by_test_id("target-units")
    expect(units).to_contain_text("1 / 5")
    drawer.get_by_label("Webhook").first.fill(DINGTALK_WEBHOOK)
    for count in range(2, 6):
        htmx_idle(page)
        drawer.get_by_test_id("add-target").click()
        expect(drawer.get_by_test_id("target")).to_have_count(count)
        expect(units).to_contain_text(f"{count} / 5")
    # At the limit: no sixth target, and a link to request more that opens in a new tab (the draft stays).
    expect(drawer.get_by_test_id("add-target")).to_be_disabled()
    link = drawer.get_by_test_id("request-quota")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("href", "/account/quotas/")
    expect(units).to_have_attribute("data-over", "false")
    # Past the limit (two contacts under one target): the counter turns red and says so.
    htmx_idle(page)
    drawer.get_by_test_id("delivery-method").last.select_option(label="Voice call, text message, and email")
    htmx_idle(page)
    drawer.get_by_test_id("target").last.get_by_test_id("field-email").get_by_label("Alice").check()
    htmx_idle(page)
    drawer.get_by_test_id("target").last.get_by_test_id("field-email").get_by_label("Tony").check()
    expect(units).to_contain_text("6 / 5 (over the limit)")
    expect(units).to_have_attribute("data-over", "true")
    # htmx settles the class attribute 20 ms after the swap (data-over lands at once), so wait on the colour
    # itself rather than reading it once: the console's danger red.
    expect(units).to_have_css("color", "rgb(196, 38, 29)")
    expect(drawer.get_by_test_id("targets-error")).to_have_text("This rule uses 6 target units; the limit is 5.")
    expect(drawer.get_by_label("Webhook").first).to_have_value(DINGTALK_WEBHOOK)  # nothing typed is lost
    htmx_idle(page)
    drawer.get_by_test_id("target").last.get_by_test_id("field-email").get_by_label("Tony").uncheck()
    expect(units).to_contain_text("5 / 5")
    expect(drawer.get_by_test_id("targets-error")).to_have_count(0)


def test_a_saved_rule_appears_in_the_table_and_can_be_disabled_and_deleted(
        page, live_server, login, screenshot, owner, activated_workspace):
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_test_id("event-source").select_option(label="DLC job")
    htmx_idle(page)
    drawer.get_by_test_id("rule-ok").click()
    expect(drawer.locator(".field-error", has_text="Rule name is required.")).to_be_visible()  # under the field
    htmx_idle(page)
    drawer.get_by_test_id("rule-name").fill("job-failures")
    drawer.get_by_label("Job Failed").check()
    drawer.get_by_label("Webhook").fill(DINGTALK_WEBHOOK)
    drawer.get_by_label("Signing Key").fill(SIGNING_KEY)
    screenshot(page, "filled")
    drawer.get_by_test_id("rule-ok").click()
    expect(page.get_by_test_id("rule-drawer")).to_have_count(0)
    row = page.get_by_test_id("rule-row").filter(has_text="job-failures")
    expect(row).to_contain_text("DLC job")
    expect(row).to_contain_text("Job Failed")
    expect(row).to_contain_text("DingTalk notification")
    expect(row.get_by_test_id("rule-status")).to_have_text("Enabled")
    assert SIGNING_KEY not in page.content() and "0123456789abcdef0123456789abcdef" not in page.content()
    screenshot(page, "saved")
    row.get_by_test_id("rule-disable").click()
    expect(row.get_by_test_id("rule-status")).to_have_text("Disabled")
    expect(row.locator(".tag-grey")).to_be_visible()
    assert Rule.objects.get().enabled is False
    row.get_by_test_id("rule-delete").click()
    expect(page.get_by_test_id("confirm-delete")).to_contain_text("This cannot be undone.")
    page.get_by_test_id("confirm-delete").get_by_test_id("confirm-ok").click()
    expect(page.get_by_test_id("rule-row")).to_have_count(0)
    assert not Rule.objects.exists()


def test_editing_keeps_the_saved_signing_key_when_left_blank(page, live_server, login, owner, activated_workspace):
    from notifications.services.rules import rule_create

    rule = rule_create(actor=owner, workspace=activated_workspace, name="edit-me", source="dlc_job",
                       event_types=["pai:DLC:JobFailed"],
                       targets=[{"method": "dingtalk", "values": {"webhook": DINGTALK_WEBHOOK,
                                                                   "signing_secret": SIGNING_KEY}}])
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{activated_workspace.pk}/configuration/event-notifications/")
    page.get_by_test_id("rule-row").filter(has_text="edit-me").get_by_test_id("rule-edit").click()
    drawer = page.get_by_test_id("rule-drawer")
    expect(drawer).to_contain_text("Edit Notice Rule edit-me")
    expect(drawer.get_by_test_id("saved-secret").first).to_contain_text("••••••")
    assert SIGNING_KEY not in page.content()
    drawer.get_by_label("Job Timeout").check()
    drawer.get_by_test_id("rule-ok").click()
    expect(page.get_by_test_id("rule-drawer")).to_have_count(0)
    expect(page.get_by_test_id("rule-row").filter(has_text="edit-me")).to_contain_text("Job Timeout")
    assert rule.targets.get().secrets["signing_secret"] == SIGNING_KEY


def test_event_type_groups_do_not_repeat_their_label_and_offer_select_all(
        page, live_server, login, owner, activated_workspace):
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_test_id("event-source").select_option(label="DLC job")
    types = drawer.get_by_test_id("event-types")
    expect(types).to_contain_text("Job progress")
    assert types.inner_text().count("Automatic Fault Tolerance") == 1  # a group of one is its checkbox alone
    htmx_idle(page)
    group = types.locator("fieldset", has_text="Job progress")
    group.get_by_test_id("select-group").click()
    expect(group.get_by_role("checkbox", checked=True)).to_have_count(group.get_by_role("checkbox").count())
    expect(types.get_by_label("Job Preempted")).not_to_be_checked()  # another group is left alone
    htmx_idle(page)
    group.get_by_test_id("select-group").click()  # now "Clear"
    expect(group.get_by_role("checkbox", checked=True)).to_have_count(0)


def test_wording_names_eas_and_calls_the_http_endpoint_a_webhook(page, live_server, login, owner,
                                                                 activated_workspace):
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_test_id("event-source").select_option(label="Model")
    htmx_idle(page)
    drawer.get_by_test_id("delivery-method").select_option(label="HTTP/HTTPS")
    expect(drawer.get_by_test_id("target").first.get_by_label("Webhook")).to_be_visible()
    htmx_idle(page)
    drawer.get_by_test_id("delivery-method").select_option(label="EAS service update")
    expect(drawer.get_by_test_id("target").first).to_contain_text("or EAS service update targets")
