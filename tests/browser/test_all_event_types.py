"""The drawer's "All event types of this source" choice in a real browser: the first choice above the
grouped types; ticking it clears the single types and ticking a single type clears it (the server
re-renders the form, no script of ours); saved, the table says "All event types"; edited, it is ticked."""

import pytest
from playwright.sync_api import expect

from notifications.models import RoutingKey, Rule

from .helpers import htmx_idle
from .test_rule_form import DINGTALK_WEBHOOK, SIGNING_KEY, open_drawer

pytestmark = pytest.mark.browser


def test_all_event_types_and_single_types_clear_each_other_and_the_rule_takes_every_type(
        page, live_server, login, screenshot, owner, activated_workspace):
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_test_id("event-source").select_option(label="DLC job")
    htmx_idle(page)
    types = drawer.get_by_test_id("event-types")
    every = types.get_by_label("All event types of this source")
    first_box = types.get_by_role("checkbox").first
    expect(first_box).to_have_attribute("data-testid", "all-event-types")  # the first choice
    expect(every).not_to_be_checked()
    url = page.url

    types.get_by_label("Job Failed").check()
    types.get_by_label("Job Timeout").check()
    every.check()
    expect(types.get_by_label("Job Failed")).not_to_be_checked()  # cleared by the server's re-render
    expect(types.get_by_label("Job Timeout")).not_to_be_checked()
    expect(every).to_be_checked()
    expect(every).to_be_focused()  # the re-render keeps the user's place
    htmx_idle(page)

    types.get_by_label("Job Preempted").check()
    expect(every).not_to_be_checked()
    expect(types.get_by_label("Job Preempted")).to_be_checked()
    htmx_idle(page)
    every.check()
    expect(types.get_by_label("Job Preempted")).not_to_be_checked()
    htmx_idle(page)
    screenshot(page, "all-event-types")
    assert page.url == url  # swapped by htmx, no page load

    drawer.get_by_test_id("rule-name").fill("everything")
    drawer.get_by_label("Webhook").fill(DINGTALK_WEBHOOK)
    drawer.get_by_label("Signing Key").fill(SIGNING_KEY)
    drawer.get_by_test_id("rule-ok").click()
    expect(page.get_by_test_id("rule-drawer")).to_have_count(0)
    row = page.get_by_test_id("rule-row").filter(has_text="everything")
    expect(row.get_by_test_id("rule-event-types")).to_contain_text("All event types")
    expect(row.get_by_test_id("rule-event-types")).to_contain_text("including types added later")
    rule = Rule.objects.get(name="everything")
    assert not rule.event_types.exists() and RoutingKey.objects.filter(rule=rule).count() == 10

    row.get_by_test_id("rule-edit").click()
    drawer = page.get_by_test_id("rule-drawer")
    expect(drawer).to_contain_text("Edit Notice Rule everything")
    expect(drawer.get_by_label("All event types of this source")).to_be_checked()
    expect(drawer.get_by_test_id("event-types").get_by_role("checkbox", checked=True)).to_have_count(1)


def test_ok_with_neither_all_nor_a_type_names_the_choice(page, live_server, login, owner, activated_workspace):
    drawer = open_drawer(page, live_server, login, owner, activated_workspace)
    drawer.get_by_test_id("rule-name").fill("nothing-chosen")
    drawer.get_by_label("Webhook").fill(DINGTALK_WEBHOOK)
    drawer.get_by_label("Signing Key").fill(SIGNING_KEY)
    drawer.get_by_test_id("rule-ok").click()
    expect(drawer.locator("#event-types-error")).to_have_text(
        "Choose event types of Flow task, or All event types of this source.")
    assert not Rule.objects.exists()
