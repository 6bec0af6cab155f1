"""Target health in a real browser: a DingTalk robot disabled in its group (the fake answers 400102)
shows its target disabled with the reason in a banner and a badge; Test Connectivity then Re-enable
bring it back; Recover shows its progress live (polled) while the skipped events are delivered."""

import pytest
from playwright.sync_api import expect

from notifications.models import Delivery, Recovery
from notifications.services.delivery import delivery_send
from notifications.services.recovery import recovery_run
from notifications.services.routing import event_route
from tests.notifications.delivery.builders import add_target, make_rule, raise_event

pytestmark = pytest.mark.browser


def test_health_badge_banner_re_enable_and_recover_with_progress(
        page, live_server, login, screenshot, owner, activated_workspace, fake_dingtalk, settings):
    settings.DELIVERY_INLINE_MAX = 4  # routing sends the event's one delivery itself
    bot = fake_dingtalk.add_bot()
    add_target(make_rule(activated_workspace, name="nightly"), "dingtalk", secrets={"webhook": bot.webhook})
    fake_dingtalk.revoke(bot)
    for n in (1, 2, 3):
        event_route(event_id=raise_event(activated_workspace, name=f"job-{n}", resource_id=n).pk)
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["dead", "skipped", "skipped"]

    login(page, live_server, owner)
    page.goto(f"{live_server.url}/workspaces/{activated_workspace.pk}/configuration/event-notifications/")
    banner = page.get_by_test_id("target-disabled-banner")
    expect(banner).to_contain_text("robot was disabled")
    expect(page.get_by_test_id("target-health")).to_have_attribute("data-health", "disabled")
    expect(banner.get_by_test_id("target-reenable")).to_be_disabled()  # no successful test yet
    screenshot(page, "disabled")

    fake_dingtalk.restore(bot)
    banner.get_by_test_id("target-test").click()
    expect(page.get_by_test_id("target-reenable")).to_be_enabled()
    page.get_by_test_id("target-reenable").click()
    expect(page.get_by_test_id("target-disabled-banner")).to_have_count(0)
    expect(page.get_by_test_id("target-health")).to_have_attribute("data-health", "healthy")

    page.get_by_test_id("recover").locator("summary").click()
    page.get_by_test_id("recover-start").click()
    status = page.get_by_test_id("recovery-status")
    expect(status).to_have_attribute("data-status", "running")
    screenshot(page, "recovering")
    # The worker's part, done here: the recovery's task, then each delivery's.
    recovery = Recovery.objects.get()
    assert recovery_run(recovery_id=recovery.pk) == 3
    for pk in Delivery.objects.filter(status="pending").values_list("pk", flat=True):
        assert delivery_send(delivery_id=pk) == "succeeded"
    expect(status).to_have_attribute("data-status", "finished")  # the polled partial caught up
    expect(page.get_by_test_id("recovery-succeeded")).to_have_text("3")
    expect(page.get_by_test_id("recovery-total")).to_have_text("3")
    screenshot(page, "recovered")
    assert len(fake_dingtalk.messages_for(bot)) == 3 + 1  # three events and the test message
