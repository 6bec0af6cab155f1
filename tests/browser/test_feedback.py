"""Feedback on every action (issue 17, point 1): what is in flight says so (disabled, a spinner and a
verb) and lists dim while they refresh; every create, edit, enable, disable and delete ends with a
toast naming the object; Test Connectivity says where it failed, in words a user can act on."""

import pytest
from playwright.sync_api import expect

from notifications.models import Rule

from .helpers import DINGTALK_KEY, Held, htmx_idle

pytestmark = pytest.mark.browser

TAB = "/workspaces/{}/configuration/event-notifications/"


def open_drawer(page, live_server, login, owner, workspace):
    login(page, live_server, owner)
    page.goto(live_server.url + TAB.format(workspace.pk))
    page.get_by_test_id("create-notice-rule").click()
    drawer = page.get_by_test_id("rule-drawer")
    expect(drawer).to_be_visible()
    return drawer


def dimmed(page, selector):
    page.wait_for_function(f"() => Number(getComputedStyle(document.querySelector({selector!r})).opacity) < 1")


def toast(page, text):
    return page.get_by_test_id("toast").filter(has_text=text)


def test_test_connectivity_shows_testing_while_in_flight_then_the_bots_own_answer(
        page, live_server, login, owner, activated_workspace, fake_dingtalk):
    bot = fake_dingtalk.add_bot(secret=DINGTALK_KEY)
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_label("Webhook").fill(bot.webhook)
    drawer.get_by_label("Signing Key").fill("SECthisIsNotTheRobotsKey0123456789")
    button = drawer.get_by_test_id("test-connectivity")
    held = Held(page, "**/rules/test-connectivity/")
    button.click()
    held.wait()
    expect(button).to_be_disabled()
    expect(button).to_have_text("Testing…", use_inner_text=True)
    held.release()
    result = drawer.get_by_test_id("connectivity-result")
    expect(result).to_have_attribute("data-reason", "bot")
    expect(result).to_contain_text("The bot refused the test message: error 310000")
    expect(result).to_contain_text("sign not match")
    expect(button).to_be_enabled()
    expect(button).to_have_text("Test Connectivity", use_inner_text=True)


def test_a_name_that_does_not_resolve_is_not_called_a_refusal(page, live_server, login, owner, activated_workspace,
                                                                  settings):
    settings.WEBHOOK_EXTRA_HOSTS = ["robot.invalid"]  # .invalid never resolves (RFC 6761)
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_label("Webhook").fill("http://robot.invalid/robot/send?access_token=abc")
    drawer.get_by_label("Signing Key").fill(DINGTALK_KEY)
    drawer.get_by_test_id("test-connectivity").click()
    result = drawer.get_by_test_id("connectivity-result")
    # Two real lookups (the form's, at most 2 s; the send's, at most the 3 s connect timeout) on a
    # resolver that is sometimes slow to say "no such name".
    expect(result).to_have_attribute("data-reason", "dns", timeout=10_000)
    expect(result).to_contain_text("Could not reach robot.invalid (DNS lookup failed). The bot was not contacted.")
    expect(result).not_to_contain_text("refused")
    expect(result).not_to_contain_text("Errno")


def test_a_closed_port_is_a_connection_failure_not_a_refusal(page, live_server, login, owner, activated_workspace,
                                                             outbound_to_fakes):
    import socket

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_test_id("delivery-method").select_option(label="Lark notification")
    htmx_idle(page)
    drawer.get_by_label("Webhook").fill(f"http://127.0.0.1:{port}/open-apis/bot/v2/hook/abc")
    drawer.get_by_test_id("test-connectivity").click()
    result = drawer.get_by_test_id("connectivity-result")
    expect(result).to_have_attribute("data-reason", "connect")
    expect(result).to_contain_text("Could not connect to 127.0.0.1.")
    expect(result).to_contain_text("Connection refused")


def test_saving_shows_saving_then_a_toast_and_each_row_action_its_own(page, live_server, login, owner,
                                                                       activated_workspace, fake_dingtalk):
    bot = fake_dingtalk.add_bot(secret=DINGTALK_KEY)
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_test_id("event-source").select_option(label="DLC job")
    htmx_idle(page)
    drawer.get_by_test_id("rule-name").fill("dlc-failures")
    drawer.get_by_label("Job Failed").check()
    drawer.get_by_label("Webhook").fill(bot.webhook)
    drawer.get_by_label("Signing Key").fill(DINGTALK_KEY)
    ok = drawer.get_by_test_id("rule-ok")
    held = Held(page, "**/rules/new/", method="POST")
    ok.click()
    held.wait()
    expect(ok).to_be_disabled()
    expect(ok).to_have_text("Saving…", use_inner_text=True)
    held.release()
    expect(toast(page, "Notice rule dlc-failures created.")).to_be_visible()
    row = page.get_by_test_id("rule-row").filter(has_text="dlc-failures")

    row.get_by_test_id("rule-edit").click()
    page.get_by_test_id("rule-drawer").get_by_label("Job Timeout").check()
    page.get_by_test_id("rule-drawer").get_by_test_id("rule-ok").click()
    expect(toast(page, "Notice rule dlc-failures saved.")).to_be_visible()

    section = page.get_by_test_id("rules-section")
    held = Held(page, "**/disable/")
    row.get_by_test_id("rule-disable").click()
    held.wait()
    expect(section).to_have_class("refreshing htmx-request")  # the list is dimmed while it refreshes
    dimmed(page, "[data-testid=rules-section]")
    expect(row.get_by_test_id("rule-disable")).to_contain_text("Disabling…", use_inner_text=True)
    held.release()
    expect(toast(page, "Notice rule dlc-failures disabled")).to_be_visible()
    row.get_by_test_id("rule-enable").click()
    expect(toast(page, "Notice rule dlc-failures enabled.")).to_be_visible()
    row.get_by_test_id("rule-delete").click()
    page.get_by_test_id("confirm-delete").get_by_test_id("confirm-ok").click()
    expect(toast(page, "Notice rule dlc-failures deleted.")).to_be_visible()
    assert not Rule.objects.exists()


def test_the_event_log_dims_while_a_filter_refreshes_it(page, live_server, login, owner, activated_workspace):
    from tests.notifications.delivery.builders import raise_event

    raise_event(activated_workspace, name="train-1")
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{activated_workspace.pk}/events/")
    log = page.get_by_test_id("event-log")
    held = Held(page, "**/events/?*")
    page.get_by_test_id("filter-status").select_option("not_published")
    held.wait()
    expect(log).to_have_class("refreshing htmx-request")
    dimmed(page, "[data-testid=event-log]")
    held.release()
    expect(page.get_by_test_id("events-empty")).to_contain_text("No events match these filters")


def test_contacts_and_quota_requests_end_with_a_toast_naming_them(page, live_server, login, owner, workspace):
    login(page, live_server, owner)
    page.goto(f"{live_server.url}/account/contacts/new/")
    page.get_by_label("Name").fill("Alice")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_role("button", name="OK").click()
    expect(toast(page, "Contact Alice created.")).to_be_visible()
    page.get_by_test_id("contact-delete").click()
    page.get_by_test_id("confirm-delete-contact").get_by_test_id("confirm-ok").click()
    expect(toast(page, "Contact Alice deleted.")).to_be_visible()
    page.goto(f"{live_server.url}/account/quotas/")
    page.get_by_label("Target units per rule").fill("20")
    page.get_by_role("button", name="Submit Request").click()
    expect(toast(page, "Quota increase request for 20 target units per rule submitted")).to_be_visible()


def test_creating_a_workspace_ends_with_a_toast(page, live_server, login, owner, account):
    login(page, live_server, owner)
    page.get_by_test_id("open-create-workspace").click()
    dialog = page.get_by_test_id("create-workspace-dialog")
    dialog.get_by_label("Workspace name").fill("llm_training")
    dialog.get_by_test_id("create-workspace").click()
    expect(toast(page, "Workspace llm_training created.")).to_be_visible()
    expect(page.get_by_test_id("workspace-table")).to_contain_text("llm_training")
