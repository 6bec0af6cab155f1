"""Digests: the deliveries waiting for a full (or throttled) bot go out as one message at its next
free slot, each marked delivered by it; one notification is counted; a target can turn them off.

The bot's window is filled by taking its slots, and "a minute later" is the window emptied (the
limiter's own rows), so no test sleeps."""

import pytest
from django.utils import timezone

from notifications.channels.digest import DigestItem, digest_message
from notifications.channels.dingtalk.adapter import DingTalkAdapter
from notifications.channels.dingtalk.renderer import render as dingtalk_render
from notifications.channels.lark.renderer import render as lark_render
from notifications.channels.wecom.renderer import render as wecom_render
from notifications.models import Delivery, DeliveryAttempt, RateLimitBucket, UsageCounter
from notifications.services.delivery import delivery_send
from notifications.services.ratelimit import rate_limit_acquire
from notifications.services.routing import event_route

from .builders import add_target, make_rule, raise_event

SECRET = "SEC" + "d1ge57" * 8


@pytest.fixture
def bot(activated_workspace, fake_dingtalk, settings):
    settings.RATE_LIMIT_REDIS_URL = ""
    bot = fake_dingtalk.add_bot(secret=SECRET)
    rule = make_rule(activated_workspace, types=("JobFailed", "JobTimeout"))
    bot.target = add_target(rule, "dingtalk", secrets={"webhook": bot.webhook, "signing_secret": SECRET})
    bot.target.language = "en-US"
    bot.target.save()
    return bot


def fill_window(bot):
    """Twenty sends in the last minute: the bot's window is full."""
    for _ in range(20):
        slot = rate_limit_acquire(channel_key="dingtalk", identity=bot.webhook, limits=DingTalkAdapter.rate_limits)
        assert slot.taken


def a_minute_later():
    """The window (and any pause) has passed, and the waiting deliveries are due."""
    RateLimitBucket.objects.update(hits=[], paused_until=0)
    Delivery.objects.filter(status__in=("pending", "retrying")).update(next_attempt_at=timezone.now())


def events_waiting(workspace, names_and_types):
    ids = []
    for number, (name, type_name) in enumerate(names_and_types):
        event = raise_event(workspace, resource_id=100 + number, name=name, type_name=type_name)
        event_route(event_id=event.pk)
        ids.append(Delivery.objects.get(event=event).pk)
    return ids


def test_the_deliveries_waiting_for_a_full_bot_go_out_as_one_digest_at_its_next_slot(
        bot, activated_workspace, fake_dingtalk, account, owner_client):
    fill_window(bot)
    ids = events_waiting(activated_workspace, [("train-a", "JobFailed"), ("train-b", "JobTimeout"),
                                              ("train-c", "JobFailed")])
    assert [delivery_send(delivery_id=pk) for pk in ids] == ["rate_limited"] * 3
    assert fake_dingtalk.requests == [] and Delivery.objects.filter(waiting_since__isnull=False).count() == 3

    a_minute_later()
    assert delivery_send(delivery_id=ids[1]) == "succeeded"

    [message] = fake_dingtalk.messages_for(bot)
    text = message.json["markdown"]["text"]
    assert message.json["markdown"]["title"].startswith(f"PAI · 3 more events in {activated_workspace.name} since ")
    assert "**2 × Job Failed, 1 × Job Timeout**" in text
    assert [line.split("](")[0] for line in text.splitlines() if line.startswith("- [")] == \
        ["- [train-a", "- [train-b", "- [train-c"]
    assert f"/workspaces/{activated_workspace.pk}/events/?since=" in text and "source=dlc_job" in text
    assert message.json["msgUuid"].startswith("digest-")
    digest = DeliveryAttempt.objects.get(delivery_id=ids[1])
    assert (digest.digest_size, digest.carried_by_id, digest.outcome) == (3, None, "succeeded")
    for pk in (ids[0], ids[2]):
        [carried] = DeliveryAttempt.objects.filter(delivery_id=pk)
        assert (carried.carried_by_id, carried.outcome, carried.http_status) == (digest.pk, "succeeded", 200)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}
    assert UsageCounter.objects.get(account=account).count == 1  # one message, one notification

    # The deliver task of each runs again (a redelivered broker message): nothing more is sent.
    assert [delivery_send(delivery_id=pk) for pk in ids] == ["skipped"] * 3
    assert len(fake_dingtalk.requests) == 1 and DeliveryAttempt.objects.count() == 3

    # The event's page says which message carried its delivery, with a link to it.
    carried_event = Delivery.objects.get(pk=ids[0]).event
    page = owner_client.get(f"/workspaces/{activated_workspace.pk}/events/{carried_event.pk}/?tab=deliveries")
    digest_event = Delivery.objects.get(pk=ids[1]).event_id
    assert (f'Delivered in <a href="/workspaces/{activated_workspace.pk}/events/{digest_event}/?tab=deliveries'
            f'#attempt-{digest.pk}">digest #{digest.pk}</a>') in page.content.decode()


def test_with_digests_off_the_waiting_deliveries_go_one_by_one(bot, activated_workspace, fake_dingtalk):
    bot.target.digest = False
    bot.target.save()
    fill_window(bot)
    ids = events_waiting(activated_workspace, [("train-a", "JobFailed"), ("train-b", "JobFailed")])
    assert [delivery_send(delivery_id=pk) for pk in ids] == ["rate_limited"] * 2

    a_minute_later()
    assert delivery_send(delivery_id=ids[0]) == "succeeded"

    [message] = fake_dingtalk.messages_for(bot)
    assert "train-a" in message.json["markdown"]["text"] and "more events" not in message.json["markdown"]["title"]
    assert Delivery.objects.get(pk=ids[1]).status == "pending"
    assert delivery_send(delivery_id=ids[1]) == "succeeded"
    assert not DeliveryAttempt.objects.filter(carried_by__isnull=False).exists()


def test_a_throttle_answer_pauses_the_bot_for_its_penalty_then_one_digest_carries_what_waited(
        bot, activated_workspace, fake_dingtalk, settings):
    fake_dingtalk.fail_with(130101, seconds=60)
    [first] = events_waiting(activated_workspace, [("train-a", "JobFailed")])
    assert delivery_send(delivery_id=first) == "retrying"
    bucket = RateLimitBucket.objects.get()
    assert 590 < bucket.paused_until - timezone.now().timestamp() <= 600  # DingTalk's 10 minutes

    later = events_waiting(activated_workspace, [("train-b", "JobFailed"), ("train-c", "JobTimeout")])
    assert [delivery_send(delivery_id=pk) for pk in later] == ["rate_limited"] * 2  # paused: nothing sent
    assert len(fake_dingtalk.requests) == 1

    fake_dingtalk.code_failure.code = None
    a_minute_later()
    assert delivery_send(delivery_id=later[0]) == "succeeded"

    assert len(fake_dingtalk.requests) == 2
    [digest_message_sent] = fake_dingtalk.messages_for(bot)
    assert "3 more events" in digest_message_sent.json["markdown"]["title"]
    throttled, carried = DeliveryAttempt.objects.filter(delivery_id=first).order_by("number")
    assert (throttled.provider_code, throttled.outcome_class) == ("130101", "throttled")
    assert carried.carried_by.delivery_id == later[0]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"succeeded"}


ITEMS = [DigestItem("pai:DLC:JobFailed", f"job-{n}", f"https://console.example.com/e/{n}") for n in range(9)] + \
        [DigestItem("pai:DLC:JobTimeout", f"slow-{n}", f"https://console.example.com/e/t{n}") for n in range(3)]


@pytest.mark.parametrize(("channel", "language", "expected"), [
    ("dingtalk", "en-US", ["#### PAI · 12 more events in llm_training since 10:02",
                           "**9 × Job Failed, 3 × Job Timeout**",
                           "- [job-0](https://console.example.com/e/0): Job Failed", "- … and 7 more",
                           "[View these events in the event log](https://console.example.com/log)"]),
    ("dingtalk", "zh-CN", ["#### PAI · 工作空间 llm_training 自 10:02 起另有 12 个事件",
                           "**任务失败 × 9，任务超时 × 3**",
                           "- [job-0](https://console.example.com/e/0)：任务失败", "- … 另有 7 个",
                           "[在事件日志中查看这些事件](https://console.example.com/log)"]),
    ("wecom", "en-US", ['**<font color="warning">PAI · 12 more events in llm_training since 10:02</font>**',
                        "> 9 × Job Failed, 3 × Job Timeout"]),
    ("lark", "zh-CN", ["**任务失败 × 9，任务超时 × 3**", "- … 另有 7 个"]),
])
def test_a_digest_renders_in_each_chat_format_and_language(channel, language, expected):
    message = digest_message(items=ITEMS, workspace="llm_training", since="10:02",
                             log_link="https://console.example.com/log", channel=channel, language=language,
                             digest_id="digest-7")
    payload = {"dingtalk": dingtalk_render, "wecom": wecom_render, "lark": lark_render}[channel](message)
    text = {"dingtalk": lambda p: p["markdown"]["text"], "wecom": lambda p: p["markdown"]["content"],
            "lark": lambda p: p["card"]["elements"][0]["text"]["content"]}[channel](payload)
    for line in expected:
        assert line in text.splitlines()
    if channel == "lark":
        assert payload["card"]["header"]["title"]["content"] == "PAI · 工作空间 llm_training 自 10:02 起另有 12 个事件"
        assert payload["card"]["elements"][1]["actions"][0]["url"] == "https://console.example.com/log"


def test_a_recovered_delivery_is_sent_again_on_its_own_unless_it_waits_again(
        bot, activated_workspace, fake_dingtalk, owner, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from notifications.services.recovery import recovery_run, recovery_start

    fill_window(bot)
    dead, waiting = events_waiting(activated_workspace, [("train-a", "JobFailed"), ("train-b", "JobFailed")])
    assert [delivery_send(delivery_id=pk) for pk in (dead, waiting)] == ["rate_limited"] * 2
    Delivery.objects.filter(pk=dead).update(status="dead", next_attempt_at=None)  # it waited past its deadline
    with django_capture_on_commit_callbacks(execute=False):
        recovery = recovery_start(actor=owner, workspace=activated_workspace,
                                  since=timezone.now() - timedelta(hours=1))
        assert recovery_run(recovery_id=recovery.pk) == 1
    assert Delivery.objects.get(pk=dead).waiting_since is None  # sent again from the start

    a_minute_later()
    assert delivery_send(delivery_id=waiting) == "succeeded"  # alone: the recovered one is not carried
    assert delivery_send(delivery_id=dead) == "succeeded"
    texts = [message.json["markdown"]["title"] for message in fake_dingtalk.messages_for(bot)]
    assert len(texts) == 2 and not any("more events" in text for text in texts)
    assert not DeliveryAttempt.objects.filter(carried_by__isnull=False).exists()
