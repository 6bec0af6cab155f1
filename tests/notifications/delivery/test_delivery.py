from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Delivery, UsageCounter
from notifications.services.delivery import (
    deliveries_requeue_overdue,
    delivery_send,
    retry_delay,
)
from notifications.services.redeliver import RedeliverRefused, delivery_redeliver
from notifications.services.routing import event_route
from workspaces.iam.permissions import AccessDenied

from .builders import add_target, enqueued, make_rule, raise_event

SECRET = "SEC" + "0123456789abcdef" * 4


@pytest.fixture
def dingtalk_delivery(activated_workspace, fake_dingtalk):
    bot = fake_dingtalk.add_bot(secret=SECRET)
    add_target(make_rule(activated_workspace), "dingtalk", secrets={"webhook": bot.webhook, "signing_secret": SECRET})
    event_route(event_id=raise_event(activated_workspace, name="nightly-train").pk)
    delivery = Delivery.objects.get()
    delivery.bot = bot
    return delivery


def make_due(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_delivered_message_succeeds_records_its_attempt_and_counts_one_notification(dingtalk_delivery, fake_dingtalk,
                                                                                      account):
    assert delivery_send(delivery_id=dingtalk_delivery.pk) == "succeeded"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempt_count, delivery.claimed_until) == ("succeeded", 1, None)
    [attempt] = delivery.attempts.all()
    assert (attempt.outcome, attempt.http_status, attempt.provider_code) == ("succeeded", 200, "0")
    assert attempt.finished_at >= attempt.started_at and attempt.duration_ms > 0
    assert dingtalk_delivery.bot.token not in attempt.request_url
    assert "access_token=••••••" in attempt.request_url and "sign=••••••" in attempt.request_url
    assert UsageCounter.objects.get(account=account).count == 1
    [message] = fake_dingtalk.messages_for(dingtalk_delivery.bot)
    assert "nightly-train" in message.json["markdown"]["text"]


def test_a_retryable_failure_schedules_a_retry_with_backoff(dingtalk_delivery, fake_dingtalk,
                                                            django_capture_on_commit_callbacks):
    fake_dingtalk.fail_next(1, status=502)
    with django_capture_on_commit_callbacks() as callbacks:
        assert delivery_send(delivery_id=dingtalk_delivery.pk) == "retrying"
    delivery = Delivery.objects.get()
    assert delivery.status == "retrying" and delivery.last_error == "HTTP 502"
    assert delivery.next_attempt_at > timezone.now() - timedelta(seconds=1)
    [(queue, delivery_id, countdown)] = enqueued(callbacks)
    assert (queue, delivery_id) == ("chat", delivery.pk)
    [attempt] = delivery.attempts.all()
    assert (attempt.outcome, attempt.http_status, attempt.permanent) == ("failed", 502, False)
    make_due(delivery)
    assert delivery_send(delivery_id=delivery.pk) == "succeeded"
    assert list(delivery.attempts.values_list("number", "outcome")) == [(1, "failed"), (2, "succeeded")]


def test_the_bots_retry_after_wins_over_a_shorter_backoff(dingtalk_delivery, fake_dingtalk, settings,
                                                          django_capture_on_commit_callbacks):
    settings.DELIVERY_RETRY_BASE_SECONDS = 0.01
    fake_dingtalk.fail_next(1, status=429, headers={"Retry-After": "120"})
    with django_capture_on_commit_callbacks() as callbacks:
        delivery_send(delivery_id=dingtalk_delivery.pk)
    [(_, _, countdown)] = enqueued(callbacks)
    assert countdown == 120.0
    delivery = Delivery.objects.get()
    assert timedelta(seconds=119) < delivery.next_attempt_at - timezone.now() <= timedelta(seconds=120)


def test_backoff_is_exponential_with_full_jitter_and_capped(settings):
    settings.DELIVERY_RETRY_BASE_SECONDS = 1.0
    settings.DELIVERY_RETRY_MAX_SECONDS = 30.0
    assert all(0 <= retry_delay(attempt=1) <= 1 for _ in range(50))
    assert all(0 <= retry_delay(attempt=4) <= 8 for _ in range(50))
    assert max(retry_delay(attempt=4) for _ in range(200)) > 4  # jitter spans the whole range
    assert all(retry_delay(attempt=30) <= 30 for _ in range(50))
    assert retry_delay(attempt=1, retry_after=45) == 45


def test_a_permanent_failure_makes_the_delivery_dead_at_once(activated_workspace, fake_dingtalk):
    bot = fake_dingtalk.add_bot(secret=SECRET)
    add_target(make_rule(activated_workspace), "dingtalk", secrets={"webhook": bot.webhook,
                                                                    "signing_secret": "SECbad1"})
    event_route(event_id=raise_event(activated_workspace).pk)
    delivery = Delivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk) == "dead"
    delivery.refresh_from_db()
    assert delivery.status == "dead" and delivery.last_error.startswith("310000")
    attempt = delivery.attempts.get()
    assert (attempt.provider_code, attempt.permanent) == ("310000", True)
    assert "sign not match" in attempt.response_body


def test_a_retryable_failure_past_the_deadline_is_dead(dingtalk_delivery, fake_dingtalk):
    Delivery.objects.filter(pk=dingtalk_delivery.pk).update(deadline_at=timezone.now() + timedelta(milliseconds=1))
    fake_dingtalk.fail_next(1, status=500)
    assert delivery_send(delivery_id=dingtalk_delivery.pk) == "dead"
    assert "deadline" in Delivery.objects.get().last_error


def test_a_delivery_being_sent_by_another_worker_is_left_alone(dingtalk_delivery, fake_dingtalk):
    Delivery.objects.filter(pk=dingtalk_delivery.pk).update(claimed_until=timezone.now() + timedelta(seconds=30))
    assert delivery_send(delivery_id=dingtalk_delivery.pk) == "skipped"
    assert fake_dingtalk.requests == []


def test_finished_gone_and_not_yet_due_deliveries_are_skipped_quietly(dingtalk_delivery, fake_dingtalk):
    Delivery.objects.filter(pk=dingtalk_delivery.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert delivery_send(delivery_id=dingtalk_delivery.pk) == "skipped"
    Delivery.objects.filter(pk=dingtalk_delivery.pk).update(status="succeeded", next_attempt_at=None)
    assert delivery_send(delivery_id=dingtalk_delivery.pk) == "skipped"
    assert delivery_send(delivery_id=123456) == "skipped"
    assert fake_dingtalk.requests == []


def test_a_deleted_target_makes_the_delivery_dead(dingtalk_delivery):
    dingtalk_delivery.target.delete()
    assert delivery_send(delivery_id=dingtalk_delivery.pk) == "dead"
    assert Delivery.objects.get().last_error == "the target was deleted"


def test_over_the_bots_rate_limit_the_delivery_waits_without_an_attempt(activated_workspace, fake_dingtalk,
                                                                        django_capture_on_commit_callbacks):
    bot = fake_dingtalk.add_bot()
    add_target(make_rule(activated_workspace), "dingtalk", secrets={"webhook": bot.webhook})
    for number in range(21):
        event_route(event_id=raise_event(activated_workspace, resource_id=number).pk)
    deliveries = list(Delivery.objects.order_by("id"))
    assert [delivery_send(delivery_id=d.pk) for d in deliveries[:20]] == ["succeeded"] * 20
    with django_capture_on_commit_callbacks() as callbacks:
        assert delivery_send(delivery_id=deliveries[20].pk) == "rate_limited"
    last = Delivery.objects.get(pk=deliveries[20].pk)
    assert (last.status, last.attempt_count, last.attempts.count()) == ("pending", 0, 0)
    [(_, _, countdown)] = enqueued(callbacks)
    assert 55 < countdown < 70  # until the first send of the minute leaves the window
    assert len(fake_dingtalk.requests) == 20


def test_redeliver_sends_a_dead_delivery_again_with_a_fresh_deadline(dingtalk_delivery, owner, settings,
                                                                    django_capture_on_commit_callbacks):
    Delivery.objects.filter(pk=dingtalk_delivery.pk).update(status="dead", deadline_at=timezone.now())
    with django_capture_on_commit_callbacks() as callbacks:
        delivery = delivery_redeliver(delivery_id=dingtalk_delivery.pk, actor=owner)
    assert delivery.status == "pending"
    assert delivery.deadline_at > timezone.now() + timedelta(seconds=settings.DELIVERY_DEADLINE_SECONDS - 60)
    assert [delivery_id for _, delivery_id, _ in enqueued(callbacks)] == [delivery.pk]
    from workspaces.models import AuditLogEntry

    assert AuditLogEntry.objects.filter(action="delivery.redeliver", object_id=str(delivery.pk)).exists()
    assert delivery_send(delivery_id=delivery.pk) == "succeeded"


def test_a_succeeded_delivery_cannot_be_redelivered(dingtalk_delivery, owner):
    delivery_send(delivery_id=dingtalk_delivery.pk)
    with pytest.raises(RedeliverRefused, match="whose status is dead or retrying .* status is succeeded"):
        delivery_redeliver(delivery_id=dingtalk_delivery.pk, actor=owner)


def test_redeliver_needs_put_events(dingtalk_delivery, subuser):
    Delivery.objects.filter(pk=dingtalk_delivery.pk).update(status="dead")
    with pytest.raises(AccessDenied):
        delivery_redeliver(delivery_id=dingtalk_delivery.pk, actor=subuser)


def test_overdue_deliveries_whose_task_was_lost_are_enqueued_again(dingtalk_delivery, empty_broker_queues,
                                                                  django_capture_on_commit_callbacks):
    Delivery.objects.filter(pk=dingtalk_delivery.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks() as callbacks:
        assert deliveries_requeue_overdue() == 1
    assert [delivery_id for _, delivery_id, _ in enqueued(callbacks)] == [dingtalk_delivery.pk]
    with django_capture_on_commit_callbacks() as callbacks:
        assert deliveries_requeue_overdue() == 0  # due again from now: not before another grace period
