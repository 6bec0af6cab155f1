"""Errors where the eye is (issue 17, point 2): after OK, focus and scroll go to the first error and a
summary sits at the top; required fields are marked; links inside the drawer never throw the draft
away. (The quota counter and the disabled Add at the limit: tests/browser/test_rule_form.py.)"""

import pytest
from playwright.sync_api import expect

from .helpers import DINGTALK_KEY, htmx_idle

pytestmark = pytest.mark.browser

WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef"


def open_drawer(page, live_server, login, owner, workspace):
    login(page, live_server, owner)
    page.set_viewport_size({"width": 1366, "height": 700})
    page.goto(f"{live_server.url}/workspaces/{workspace.pk}/configuration/event-notifications/")
    page.get_by_test_id("create-notice-rule").click()
    drawer = page.get_by_test_id("rule-drawer")
    expect(drawer).to_be_visible()
    drawer.get_by_test_id("event-source").select_option(label="DLC job")
    htmx_idle(page)
    return drawer


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def test_after_ok_focus_goes_to_the_first_error_and_a_summary_lists_them_all(
        page, live_server, login, owner, activated_workspace):
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    for _ in range(2):
        drawer.get_by_test_id("add-target").click()
        htmx_idle(page)
    drawer.get_by_test_id("rule-ok").click()
    summary = drawer.get_by_test_id("rule-errors")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Rule name: Rule name is required.")
    expect(summary).to_contain_text("Event target 3: Webhook")
    name = drawer.get_by_test_id("rule-name")
    expect(name).to_be_focused()
    expect(name).to_have_attribute("aria-invalid", "true")
    assert summary.evaluate("e => e.getBoundingClientRect().top") < name.evaluate("e => e.getBoundingClientRect().top")

    # The first error now further down (the third target's webhook): focus and scroll go there.
    drawer.get_by_test_id("rule-name").fill("dlc-failures")
    drawer.get_by_label("Job Failed").check()
    for index in range(2):
        drawer.get_by_test_id("target").nth(index).get_by_label("Webhook").fill(WEBHOOK)
        drawer.get_by_test_id("target").nth(index).get_by_label("Signing Key").fill(DINGTALK_KEY)
    drawer.get_by_test_id("target").nth(2).get_by_label("Signing Key").fill(DINGTALK_KEY)
    drawer.get_by_test_id("rule-ok").click()
    third_webhook = drawer.get_by_test_id("target").nth(2).get_by_label("Webhook")
    expect(third_webhook).to_be_focused()
    expect(third_webhook).to_have_attribute("aria-invalid", "true")
    assert in_view(page, third_webhook), "the first error is scrolled into view"
    expect(drawer.get_by_test_id("rule-errors")).to_contain_text("Event target 3: Webhook")
    expect(drawer.get_by_test_id("target").nth(0).get_by_label("Webhook")).to_have_value(WEBHOOK)  # nothing lost


def test_the_summary_links_lead_to_their_fields(page, live_server, login, owner, activated_workspace):
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_test_id("rule-ok").click()
    summary = drawer.get_by_test_id("rule-errors")
    expect(summary).to_be_visible()
    summary.get_by_role("link", name="Event Types").first.click()
    assert page.evaluate("() => document.activeElement.id") == "event-types" or "event-types" in page.url


def test_required_fields_are_marked_before_anything_is_typed(page, live_server, login, owner, activated_workspace):
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    expect(drawer).to_contain_text("* Required field")
    for label in ("Rule name", "Event Source", "Delivery Method", "Webhook", "Signing Key"):
        marker = drawer.locator("label, legend", has_text=label).first.locator(".req")
        expect(marker).to_have_text("*")
    expect(drawer.get_by_test_id("rule-name")).to_have_attribute("aria-required", "true")
    expect(drawer.get_by_label("Signing Key")).to_have_attribute("aria-required", "true")
    htmx_idle(page)
    drawer.get_by_test_id("delivery-method").select_option(label="Lark notification")
    expect(drawer.locator("label", has_text="Signing Secret")).to_contain_text("(optional)")


def test_no_link_inside_the_drawer_throws_the_draft_away(page, live_server, login, owner, activated_workspace):
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_test_id("rule-name").fill("keep-me")
    drawer.get_by_test_id("delivery-method").select_option(label="Voice call, text message, and email")
    htmx_idle(page)
    expect(drawer.get_by_test_id("no-contacts").first).to_be_visible()
    drawer.get_by_test_id("rule-ok").click()  # with errors: the summary's links too
    expect(drawer.get_by_test_id("rule-errors")).to_be_visible()
    links = drawer.locator("a[href]")
    for index in range(links.count()):
        link = links.nth(index)
        href, target = link.get_attribute("href"), link.get_attribute("target")
        closes = link.get_attribute("data-dialog-close") is not None  # Cancel: leaving is what it says
        assert href.startswith("#") or target == "_blank" or closes, f"{href} would leave the drawer"
    with page.expect_popup() as popup:
        drawer.get_by_test_id("contacts-link").first.click()
    assert "/account/contacts/" in popup.value.url
    expect(drawer.get_by_test_id("rule-name")).to_have_value("keep-me")
