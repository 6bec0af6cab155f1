"""The notification system's own events (issue 19 item 5): Target Disabled, Delivery Dead, Quota Nearly
Used, Replay Finished, raised through the normal publish path after the operation commits, routed by
the same rules, and the safety rules: no notice to a target about itself, no cascade, no loop, an
operation never broken by its notice, nothing recorded on a bus that is not ready."""

import logging

import pytest

from notifications.channels.composer import MessageSettings, message_for_event
from notifications.models import Delivery, Event, Target, UsageCounter
from notifications.services import platform_events
from notifications.services.delivery import delivery_send
from notifications.services.platform_events import platform_event_raise, platform_event_replay_finished
from notifications.services.put_events import EntryError, entry_validate
from notifications.services.routing import event_route
from notifications.services.rules import rule_update
from notifications.services.usage import usage_record
from tests.factories import rule_made, workspace_ready
from tests.notifications.delivery.builders import add_target, make_rule, raise_event
from tests.notifications.rules.conftest import dingtalk

TD = "pai:NotificationSystem:TargetDisabled"
DD = "pai:NotificationSystem:DeliveryDead"
QNU = "pai:NotificationSystem:QuotaNearlyUsed"


@pytest.fixture(autouse=True)
def _deliveries_through_their_queues(settings):
    settings.DELIVERY_INLINE_MAX = 0  # routing sends nothing itself: `pump` sends each delivery


def pump(capture, rounds=8):
    """Run what workers would: commit callbacks, routing of new events, sends of pending deliveries,
    until nothing is left."""
    for _ in range(rounds):
        with capture(execute=True):
            events = list(Event.objects.filter(status="published", routed_at__isnull=True).values_list("pk", flat=True))
            for pk in events:
                event_route(event_id=pk)
            pending = list(Delivery.objects.filter(status="pending").order_by("id").values_list("pk", flat=True))
            for pk in pending:
                delivery_send(delivery_id=pk)
        if not events and not pending:
            return
    raise AssertionError("still busy: a loop?")


def data(event):
    return event.envelope["data"]


def texts(fake, bot):
    return [request.json["markdown"]["text"] for request in fake.messages_for(bot)]


@pytest.fixture
def watch(activated_workspace):
    """A rule taking every type of the Notification system source (no types listed)."""
    return make_rule(activated_workspace, source="notification_system", types=(), name="watch-setup")


def test_a_disabled_target_is_announced_to_the_others_never_to_itself_and_notices_do_not_cascade(
        activated_workspace, watch, fake_dingtalk, django_capture_on_commit_callbacks):
    revoked, healthy = fake_dingtalk.add_bot(), fake_dingtalk.add_bot()
    fake_dingtalk.revoke(revoked)
    job_target = add_target(make_rule(activated_workspace, name="train-failures"), "dingtalk",
                            secrets={"webhook": revoked.webhook})
    watcher_down = add_target(watch, "dingtalk", secrets={"webhook": revoked.webhook})  # revoked too
    watcher = add_target(watch, "dingtalk", secrets={"webhook": healthy.webhook})
    Target.objects.filter(pk=watcher.pk).update(language="en-US")
    job_event = raise_event(activated_workspace, name="resnet50-train")

    pump(django_capture_on_commit_callbacks)

    job_delivery = Delivery.objects.get(event=job_event)
    assert job_delivery.status == "dead"
    about_job_target = Event.objects.get(type=TD, resource_id=str(job_target.pk))
    assert (data(about_job_target)["chain"], data(about_job_target)["ruleName"]) == ("0", "train-failures")
    assert "robot was disabled" in data(about_job_target)["reason"]
    assert data(about_job_target)["consoleUrl"].endswith(f"/workspaces/{activated_workspace.pk}/rules/")
    # Its delivery to the revoked watcher died and disabled that one: announced (chain 1) to the others only.
    about_watcher = Event.objects.get(type=TD, resource_id=str(watcher_down.pk))
    assert data(about_watcher)["chain"] == "1"
    assert list(Delivery.objects.filter(event=about_watcher).values_list("target_id", flat=True)) == [watcher.pk]
    assert Target.objects.get(pk=watcher_down.pk).health == "disabled"
    # One Delivery Dead: the job's delivery; the watcher's dead deliveries of notices raise none.
    [dead] = Event.objects.filter(type=DD)
    assert (data(dead)["deliveryId"], data(dead)["originalEventType"]) == (str(job_delivery.pk), "pai:DLC:JobFailed")
    assert data(dead)["consoleUrl"].endswith(f"/workspaces/{activated_workspace.pk}/events/{job_event.pk}/"
                                             "?tab=deliveries")
    received = texts(fake_dingtalk, healthy)
    assert len(received) == 3
    headings = {text.splitlines()[0]: text for text in received}
    assert sorted(headings) == [
        "#### PAI · Delivery Dead: train-failures / DingTalk notification",
        "#### PAI · Target Disabled: train-failures / DingTalk notification",
        "#### PAI · Target Disabled: watch-setup / DingTalk notification"]
    dead_text = headings["#### PAI · Delivery Dead: train-failures / DingTalk notification"]
    assert "- **Event type**: pai:DLC:JobFailed" in dead_text
    assert f"/events/{job_event.pk}/?tab=deliveries)" in dead_text


def test_a_target_disabled_by_a_notice_about_a_notice_raises_nothing(
        activated_workspace, watch, fake_dingtalk, django_capture_on_commit_callbacks):
    bot = fake_dingtalk.add_bot()
    fake_dingtalk.revoke(bot)
    target = add_target(watch, "dingtalk", secrets={"webhook": bot.webhook})
    platform_event_raise(workspace_id=activated_workspace.pk, type_name="TargetDisabled",
                         resource_kind="NotificationTarget", resource_id=999, resource_name="other / Lark",
                         data={"chain": "1"})

    pump(django_capture_on_commit_callbacks)

    assert Target.objects.get(pk=target.pk).health == "disabled"
    assert Event.objects.filter(type=TD).count() == 1 and not Event.objects.filter(type=DD).exists()


def test_a_failing_notice_never_breaks_the_operation_that_caused_it(
        activated_workspace, fake_dingtalk, monkeypatch, caplog, django_capture_on_commit_callbacks):
    def broken(**_):
        raise RuntimeError("the bus is on fire")

    monkeypatch.setattr(platform_events, "publish", broken)
    bot = fake_dingtalk.add_bot()
    fake_dingtalk.revoke(bot)
    target = add_target(make_rule(activated_workspace), "dingtalk", secrets={"webhook": bot.webhook})
    raise_event(activated_workspace)

    with caplog.at_level(logging.ERROR, logger="notifications.services.platform_events"):
        pump(django_capture_on_commit_callbacks)

    assert Delivery.objects.get().status == "dead" and Target.objects.get(pk=target.pk).health == "disabled"
    assert Event.objects.count() == 1
    assert {r.getMessage() for r in caplog.records} == {
        f"could not raise platform event TargetDisabled in workspace {activated_workspace.pk}",
        f"could not raise platform event DeliveryDead in workspace {activated_workspace.pk}"}


def test_a_bus_not_activated_records_nothing(workspace, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        platform_event_replay_finished(workspace=workspace, job_id=3, replayed=1, delivered=1, failed=0, actor=owner)
    assert not Event.objects.exists()


def test_quota_nearly_used_when_the_free_tier_crosses_80_percent_once_a_month(
        activated_workspace, watch, account, owner, django_capture_on_commit_callbacks):
    workspace_ready(account=account, owner=owner, name="ws_quiet")  # ready, but no rule listens there
    with django_capture_on_commit_callbacks(execute=True):
        usage_record(account_id=account.pk, count=399)
    assert not Event.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        usage_record(account_id=account.pk, count=2)  # 399 -> 401: crosses 400 of 500
        usage_record(account_id=account.pk, count=1)
    [event] = Event.objects.all()  # in the workspace that listens only
    assert (event.workspace, event.type, event.resource_id, event.status) == (
        activated_workspace, QNU, "free-tier", "published")
    assert {k: data(event)[k] for k in ("quota", "used", "limit", "percent", "resourceKind")} == {
        "quota": "free_tier", "used": "401", "limit": "500", "percent": "80", "resourceKind": "FreeTier"}
    assert data(event)["consoleUrl"].endswith("/account/usage/")
    UsageCounter.objects.update(count=0)  # crossing again in the same month: already told
    with django_capture_on_commit_callbacks(execute=True):
        usage_record(account_id=account.pk, count=450)
    assert Event.objects.count() == 1


def test_quota_nearly_used_when_a_rule_reaches_80_percent_of_its_target_units(
        activated_workspace, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rule = rule_made(activated_workspace, actor=owner, targets=[dingtalk()] * 3)
    assert not Event.objects.exists()  # 3 of 5
    with django_capture_on_commit_callbacks(execute=True):
        rule_update(actor=owner, rule=rule, name=rule.name, source="dlc_job", event_types=["pai:DLC:JobFailed"],
                    targets=[dingtalk()] * 4)
    [event] = Event.objects.all()
    assert (event.type, event.resource_id, event.resource_name, event.resource_owner_id) == (
        QNU, str(rule.pk), "job-failures", owner.pk)
    assert (data(event)["quota"], data(event)["used"], data(event)["limit"], data(event)["percent"]) == (
        "rule_units", "4", "5", "80")
    assert data(event)["consoleUrl"].endswith("/account/quotas/")
    for count in (3, 4):  # down and up again in the same month: once per month
        with django_capture_on_commit_callbacks(execute=True):
            rule_update(actor=owner, rule=rule, name=rule.name, source="dlc_job",
                        event_types=["pai:DLC:JobFailed"], targets=[dingtalk()] * count)
    assert Event.objects.count() == 1


def test_replay_finished_carries_its_counts_in_both_languages(
        activated_workspace, watch, owner, fake_dingtalk, settings, django_capture_on_commit_callbacks):
    bot = fake_dingtalk.add_bot()
    Target.objects.filter(pk=add_target(watch, "dingtalk", secrets={"webhook": bot.webhook}).pk).update(
        language="zh-CN")
    with django_capture_on_commit_callbacks(execute=True):
        platform_event_replay_finished(workspace=activated_workspace, job_id=17, rule_name="new-rule", rule_id=5,
                                       replayed=500, delivered=498, failed=2, actor=owner)
    pump(django_capture_on_commit_callbacks)
    event = Event.objects.get()
    assert (event.resource_name, data(event)["operator"], data(event)["replayed"]) == (
        "Replay 17 (new-rule)", owner.username, "500")
    [text] = texts(fake_dingtalk, bot)
    assert text.splitlines()[0] == "#### PAI · 事件重放完成：Replay 17 (new-rule)"
    assert "- **事件**：重放 500 个，成功 498 个，失败 2 个" in text
    assert f"[在控制台查看]({settings.CONSOLE_BASE_URL}/workspaces/{activated_workspace.pk}/events/)" in text
    english = message_for_event(event, channel="email", language="en-US", settings_=MessageSettings())
    assert english.title == "Replay Finished: Replay 17 (new-rule)"
    assert "Events: 500 replayed, 498 delivered, 2 failed" in english.body


def test_put_events_cannot_forge_a_notification_system_event():
    with pytest.raises(EntryError) as refused:
        entry_validate({"id": "e-1", "source": "acs.pai", "specversion": "1.0", "type": TD})
    assert refused.value.message == ("Event type 'pai:NotificationSystem:TargetDisabled' is raised by the console "
                                     "itself (Notification system); PutEvents cannot publish it.")
