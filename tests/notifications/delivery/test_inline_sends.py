"""The routing task sends an event's few chat/HTTP deliveries itself (one task hop): the attempt is
written with the delivery before the send, the outcome after; anything else goes through the
channel queues as before."""

import pytest
from django.db import DatabaseError

from notifications.channels.registry import get_channel
from notifications.models import Delivery, DeliveryAttempt, UsageCounter
from notifications.services import routing
from notifications.services.ratelimit import rate_limit_acquire
from notifications.services.routing import event_route

from .builders import add_target, enqueued, make_rule, raise_event

pytestmark = pytest.mark.inline_sends

SECRET = "SEC" + "0123456789abcdef" * 4


def dingtalk_targets(workspace, fake_dingtalk, count, rule=None):
    rule = rule or make_rule(workspace)
    bots = [fake_dingtalk.add_bot(secret=SECRET) for _ in range(count)]
    for bot in bots:
        add_target(rule, "dingtalk", secrets={"webhook": bot.webhook, "signing_secret": SECRET})
    return bots


def test_an_event_with_one_bot_is_sent_by_its_routing_task(activated_workspace, fake_dingtalk, account,
                                                           django_capture_on_commit_callbacks):
    [bot] = dingtalk_targets(activated_workspace, fake_dingtalk, 1)
    event = raise_event(activated_workspace, name="nightly-train")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert event_route(event_id=event.pk) == 1

    assert enqueued(callbacks) == []  # no second task hop
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempt_count, delivery.claimed_until) == ("succeeded", 1, None)
    [attempt] = delivery.attempts.all()
    assert (attempt.number, attempt.outcome, attempt.http_status, attempt.provider_code) == (1, "succeeded", 200, "0")
    assert attempt.finished_at >= attempt.started_at and "access_token=••••••" in attempt.request_url
    [message] = fake_dingtalk.messages_for(bot)
    assert "nightly-train" in message.json["markdown"]["text"]
    assert UsageCounter.objects.get(account=account).count == 1
    event.refresh_from_db()
    assert event.routed_at is not None

    assert event_route(event_id=event.pk) == 0  # routed again (a duplicate task): nothing new, nothing sent
    assert len(fake_dingtalk.messages_for(bot)) == 1 and DeliveryAttempt.objects.count() == 1


def test_up_to_the_limit_every_bot_is_sent_inline_and_beyond_it_every_one_is_queued(
    activated_workspace, fake_dingtalk, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_INLINE_MAX = 3
    inline_bots = dingtalk_targets(activated_workspace, fake_dingtalk, 3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event_route(event_id=raise_event(activated_workspace).pk)
    assert enqueued(callbacks) == []
    assert all(len(fake_dingtalk.messages_for(bot)) == 1 for bot in inline_bots)

    other = make_rule(activated_workspace, name="four")
    dingtalk_targets(activated_workspace, fake_dingtalk, 4, rule=other)
    Delivery.objects.all().delete()
    sent_before = len(fake_dingtalk.requests)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert event_route(event_id=raise_event(activated_workspace, resource_id=2).pk) == 7

    assert len(fake_dingtalk.requests) == sent_before  # 7 deliveries: all through the chat queue
    assert sorted(queue for queue, _, _ in enqueued(callbacks)) == ["chat"] * 7
    assert not DeliveryAttempt.objects.exists()


def test_a_mix_with_a_channel_that_is_not_sent_inline_goes_through_the_queues(
    activated_workspace, fake_dingtalk, django_capture_on_commit_callbacks
):
    from notifications.models import Contact

    rule = make_rule(activated_workspace)
    dingtalk_targets(activated_workspace, fake_dingtalk, 1, rule=rule)
    contact = Contact.objects.create(account=activated_workspace.account, name="Ann", email="ann@example.com")
    add_target(rule, "contacts", contacts=[(contact, "email")])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert event_route(event_id=raise_event(activated_workspace).pk) == 2

    assert sorted(queue for queue, _, _ in enqueued(callbacks)) == [
        "chat", "email"]
    assert fake_dingtalk.requests == []


def test_setting_the_limit_to_zero_sends_everything_through_the_queues(
    activated_workspace, fake_dingtalk, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_INLINE_MAX = 0
    dingtalk_targets(activated_workspace, fake_dingtalk, 1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event_route(event_id=raise_event(activated_workspace).pk)
    assert [queue for queue, _, _ in enqueued(callbacks)] == ["chat"]
    assert fake_dingtalk.requests == []


def test_a_bot_whose_window_is_full_waits_in_its_queue_with_no_attempt(
    activated_workspace, fake_dingtalk, django_capture_on_commit_callbacks
):
    [bot] = dingtalk_targets(activated_workspace, fake_dingtalk, 1)
    channel = get_channel("dingtalk")
    identity = channel.adapter.rate_limit_identity({}, {"webhook": bot.webhook, "signing_secret": SECRET})
    while rate_limit_acquire(channel_key="dingtalk", identity=identity, limits=channel.adapter.rate_limits).taken:
        pass  # fill the bot's minute

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event_route(event_id=raise_event(activated_workspace).pk)

    [(queue, delivery_id, countdown)] = enqueued(callbacks)
    delivery = Delivery.objects.get()
    assert (queue, delivery_id) == ("chat", delivery.pk)
    assert 0 < countdown <= 61.25 * 1.1  # a minute, with the safety margin and up to 10 % jitter
    assert (delivery.status, delivery.attempt_count, delivery.claimed_until) == ("pending", 0, None)
    assert fake_dingtalk.requests == [] and not DeliveryAttempt.objects.exists()


def test_a_retryable_failure_inline_is_retried_through_the_queue(activated_workspace, fake_dingtalk,
                                                                django_capture_on_commit_callbacks):
    dingtalk_targets(activated_workspace, fake_dingtalk, 1)
    fake_dingtalk.fail_next(1, status=502)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event_route(event_id=raise_event(activated_workspace).pk)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempt_count, delivery.last_error) == ("retrying", 1, "HTTP 502")
    [(queue, delivery_id, countdown)] = enqueued(callbacks)
    assert (queue, delivery_id) == ("chat", delivery.pk) and countdown is not None
    assert list(delivery.attempts.values_list("number", "outcome", "permanent")) == [(1, "failed", False)]


def test_a_database_failure_while_recording_hands_the_rest_to_the_queue(
    activated_workspace, fake_dingtalk, monkeypatch, django_capture_on_commit_callbacks
):
    dingtalk_targets(activated_workspace, fake_dingtalk, 2)
    real = routing.attempt_send
    calls = []

    def failing_first(delivery, attempt, **kwargs):
        calls.append(delivery.pk)
        if len(calls) == 1:
            raise DatabaseError("server closed the connection unexpectedly")
        return real(delivery, attempt, **kwargs)

    monkeypatch.setattr(routing, "attempt_send", failing_first)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(DatabaseError):
        event_route(event_id=raise_event(activated_workspace).pk)

    deliveries = list(Delivery.objects.order_by("id"))
    assert [d.claimed_until for d in deliveries] == [None, None]  # released for the queue's workers
    assert sorted(d for _, d, _ in enqueued(callbacks)) == [d.pk for d in deliveries]
    assert len(calls) == 1 and fake_dingtalk.requests == []
