"""Sending one delivery: claim it, respect the bot's rate limit, record the attempt before the send
and complete it after, then decide: succeeded, retry later (exponential backoff with full jitter,
Retry-After honoured, until the deadline), or dead.

A delivery is sent at least once. Two workers handed the same delivery (a re-enqueue after a lost
task, a redelivery) do not send it at once: the first claims it with a conditional UPDATE and the
other returns quietly.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from console.crypto import secrets_unreadable
from console.queues import queues_with_waiting_messages
from notifications.channels.answers import THROTTLED
from notifications.channels.base import DeliveryError, mask_url, trim
from notifications.channels.message import Message
from notifications.channels.registry import CHANNELS_BY_KEY
from notifications.models import Delivery, DeliveryAttempt, TargetHealth
from notifications.services.delivery_transmit import Sent, attempt_transmit, send_context
from notifications.services.digests import (
    delivery_waits,
    digest_attempts_open,
    digest_claim,
    digest_message_for,
    digest_record,
    waiting_fields,
)
from notifications.services.health import target_delivery_recorded
from notifications.services.messages import message_for_delivery
from notifications.services.outcomes import delivery_outcome_record
from notifications.services.platform_events import platform_event_delivery_dead
from notifications.services.ratelimit import RateLimitSlot, rate_limit_acquire, rate_limit_pause, rate_limit_sent
from notifications.services.usage import usage_record

logger = logging.getLogger(__name__)

ACTIVE = (Delivery.Status.PENDING, Delivery.Status.RETRYING)
DELIVER_TASK = "notifications.tasks.deliver"
# A task may arrive a little before the delivery's next attempt is due (clocks, ETA rounding).
EARLY_SLACK_SECONDS = 2
# How long a claim holds: longer than any send can take (timeouts are hard), then it lapses.
CLAIM_MARGIN_SECONDS = 30
# Overdue by more than this, a pending delivery's task is presumed lost and is enqueued again.
OVERDUE_GRACE_SECONDS = 60
REQUEUE_BATCH = 500
ATTEMPT_OUTCOME_FIELDS = ("finished_at", "duration_ms", "http_status", "provider_code", "response_body", "request_url",
                          "outcome", "error", "permanent", "outcome_class", "reason")


def retry_delay(*, attempt: int, retry_after: float | None = None) -> float:
    """Full-jitter exponential backoff: uniform(0, min(max, base * 2^(attempt-1))); a receiver's
    Retry-After wins when it is longer."""
    base = float(settings.DELIVERY_RETRY_BASE_SECONDS)
    ceiling = min(float(settings.DELIVERY_RETRY_MAX_SECONDS), base * (2 ** max(0, attempt - 1)))
    delay = random.uniform(0, ceiling)
    if retry_after is not None and retry_after > delay:
        delay = retry_after
    return delay


def delivery_enqueue(*, delivery: Delivery, countdown: float | None = None) -> None:
    """Send the delivery's task to its channel's queue once the current transaction commits. A broker
    that refuses is logged: the overdue sweeper enqueues the delivery later."""
    channel = CHANNELS_BY_KEY.get(delivery.channel)
    if channel is None:
        logger.error("delivery %s has unknown channel %r", delivery.pk, delivery.channel)
        return
    # The broker may hand a long-delayed task to another worker after its visibility timeout: keep
    # countdowns below it. A task that arrives early is skipped and the sweeper takes it when due.
    limit = float(getattr(settings, "CELERY_VISIBILITY_TIMEOUT", 3600)) / 2
    countdown = min(countdown, limit) if countdown else None
    transaction.on_commit(partial(task_send, channel.queue, delivery.pk, countdown), robust=True)


def _enqueue_ids(channel, rows) -> None:
    """Enqueue deliveries of `channel` by id: (delivery id, countdown) pairs."""
    for delivery_id, countdown in rows:
        delivery_enqueue(delivery=Delivery(pk=delivery_id, channel=channel.key), countdown=countdown)


def task_send(queue: str, delivery_id: int, countdown: float | None) -> None:
    """The one deliver task, by name, on the channel's queue (notifications.tasks imports this module)."""
    try:
        current_app.send_task(DELIVER_TASK, args=[delivery_id], countdown=countdown, queue=queue)
    except Exception:  # kombu's OperationalError and friends: the row stays due for the sweeper
        logger.warning("could not enqueue delivery %s; the sweeper will retry", delivery_id, exc_info=True)


def delivery_target(delivery: Delivery) -> tuple[dict, dict]:
    """The adapter's view of the recipient: the target's config and secrets, plus the contact this
    delivery is for (a contacts target reaches several)."""
    target = delivery.target
    config = dict(target.config or {})
    # Secrets no key can read stay marked as such: the send records a failed attempt saying so.
    secrets = target.secrets if secrets_unreadable(target.secrets) else dict(target.secrets or {})
    if delivery.contact_id is not None:
        contact = delivery.contact
        config["contact"] = {"name": contact.name, "mobile": contact.mobile, "email": contact.email}
    return config, secrets


def _claim_until(now):
    """When a claim taken now lapses: longer than any send can take (its timeouts are hard)."""
    lease = float(settings.OUTBOUND_CONNECT_TIMEOUT) + float(settings.OUTBOUND_READ_TIMEOUT) + CLAIM_MARGIN_SECONDS
    return now + timedelta(seconds=lease)


def _claim(delivery_id: int, now) -> bool:
    return bool(
        Delivery.objects.filter(pk=delivery_id, status__in=ACTIVE)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=EARLY_SLACK_SECONDS)))
        .update(claimed_until=_claim_until(now))
    )


def _finish(delivery: Delivery, **fields) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(claimed_until=None, updated_at=timezone.now(), **fields)


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery once. Returns what happened: "succeeded", "retrying", "dead",
    "rate_limited", or "skipped" (gone, finished, not yet due, or being sent by another worker)."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return "skipped"
    try:
        return _send_claimed(delivery_id, now)
    except Exception:
        delivery_release(delivery_id)
        raise


def delivery_release(delivery_id: int) -> None:
    """The database failed under a claimed send (the task retries): let the next try claim it at once."""
    try:
        Delivery.objects.filter(pk=delivery_id).update(claimed_until=None)
    except Exception:  # still failing: the claim lapses by itself
        logger.warning("could not release the claim on delivery %s", delivery_id)


def _send_claimed(delivery_id: int, now) -> str:
    delivery = Delivery.objects.select_related("event__workspace", "event__account__message_settings", "target",
                                               "contact").get(pk=delivery_id)
    channel = CHANNELS_BY_KEY.get(delivery.channel)
    if channel is None or delivery.target is None:
        reason = "the target was deleted" if delivery.target is None else f"unknown channel {delivery.channel!r}"
        _finish(delivery, status=Delivery.Status.DEAD, last_error=reason, next_attempt_at=None)
        delivery_outcome_record(delivery, outcome="dead", error=reason)
        return "dead"
    if delivery.target.health == TargetHealth.DISABLED:  # not attempted, not billed; a recover sends it
        reason = skipped_reason(delivery.target)
        _finish(delivery, status=Delivery.Status.SKIPPED, last_error=reason, next_attempt_at=None)
        delivery_outcome_record(delivery, outcome="skipped", error=reason)
        return "skipped"
    adapter = channel.adapter
    config, secrets = delivery_target(delivery)
    slot = _slot(channel, config, secrets)
    if not slot.taken:  # the bot's window is full: wait for room (or a digest), no attempt, nothing dropped
        _finish(delivery, next_attempt_at=now + timedelta(seconds=slot.wait), **waiting_fields(delivery, now))
        delivery_enqueue(delivery=delivery, countdown=slot.wait)
        delivery_outcome_record(delivery, outcome="rate_limited", wait_seconds=slot.wait)
        return "rate_limited"

    # The others waiting for this bot ride along: one digest (notifications.services.digests).
    carried = digest_claim(delivery, channel=channel, now=now, claim_until=_claim_until(now))
    # The attempt and its count in one commit: the claimed row's count numbers the attempt.
    with transaction.atomic():
        attempt = _attempt_open(delivery, number=delivery.attempt_count + 1, adapter=adapter, config=config,
                                secrets=secrets)
        attempt.save(force_insert=True)
        Delivery.objects.filter(pk=delivery.pk).update(attempt_count=F("attempt_count") + 1)
        carried_attempts = digest_attempts_open(attempt, carried) if carried else []
    message = (digest_message_for(delivery, carried, attempt=attempt) if carried
               else message_for_delivery(delivery.event, delivery.target, channel.key,
                                         replay_job_id=delivery.replay_job_id))
    return attempt_send(delivery, attempt, channel=channel, config=config, secrets=secrets, slot=slot,
                        message=message, carried=carried_attempts)


def skipped_reason(target) -> str:
    return f"skipped: the target is disabled ({target.disabled_reason})"[:1024]


def _slot(channel, config: dict, secrets: dict) -> RateLimitSlot:
    adapter = channel.adapter
    return rate_limit_acquire(channel_key=channel.key, identity=adapter.rate_limit_identity(config, secrets),
                              limits=adapter.rate_limits)


def _attempt_open(delivery: Delivery, *, number: int, adapter, config: dict, secrets: dict) -> DeliveryAttempt:
    """The attempt row written (by the caller, in its transaction) before the send."""
    return DeliveryAttempt(delivery=delivery, number=number, started_at=timezone.now(),
                           request_url=mask_url(adapter.destination(config, secrets))[:1024])


@dataclass
class FirstSend:
    """A new delivery claimed for its first send by the routing task itself: its target's config and
    secrets, the bot's rate-limit slot and attempt 1, not yet saved (routing writes both with the
    delivery, in one transaction, before the send). `wait` is set instead when the bot's window is
    full: nothing is claimed, and the delivery goes through its queue after that many seconds."""

    config: dict
    secrets: dict
    slot: RateLimitSlot
    attempt: DeliveryAttempt | None = None
    wait: float | None = None


def delivery_claim_first(delivery: Delivery, *, channel, now) -> FirstSend:
    """Claim an unsaved new delivery for a send right now (see FirstSend)."""
    config, secrets = delivery_target(delivery)
    slot = _slot(channel, config, secrets)
    if not slot.taken:
        delivery.next_attempt_at = now + timedelta(seconds=slot.wait)
        delivery.waiting_since = now
        return FirstSend(config, secrets, slot, wait=slot.wait)
    delivery.claimed_until = _claim_until(now)
    delivery.attempt_count = 1
    attempt = _attempt_open(delivery, number=1, adapter=channel.adapter, config=config, secrets=secrets)
    return FirstSend(config, secrets, slot, attempt=attempt)


def attempt_send(delivery: Delivery, attempt: DeliveryAttempt, *, channel, config: dict, secrets: dict,
                 slot: RateLimitSlot, message: Message, carried: list[DeliveryAttempt] = ()) -> str:
    """Send a claimed delivery whose attempt row is committed; then record the outcome, the
    delivery's new state and the usage count in one commit (`carried`: the attempts of the other
    deliveries a digest carries, completed with it)."""
    sent = attempt_transmit(delivery, attempt, channel=channel, config=config, secrets=secrets, message=message,
                            context=send_context(delivery, attempt))
    rate_limit_settle(sent, delivery, channel=channel, config=config, secrets=secrets, slot=slot)
    with transaction.atomic():
        outcome = attempt_record(delivery, attempt, sent, channel=channel, carried=carried)
    attempt_recorded(delivery, attempt, outcome=outcome, message=message)
    return outcome


def rate_limit_settle(sent: Sent, delivery: Delivery, *, channel, config: dict, secrets: dict,
                      slot: RateLimitSlot) -> None:
    """After the send: its slot counts from now; a platform that throttled the bot pauses it for all."""
    rate_limit_sent(slot)
    throttle_settle(sent, delivery, channel=channel, config=config, secrets=secrets)


def throttle_settle(sent: Sent, delivery: Delivery, *, channel, config: dict, secrets: dict) -> None:
    """A platform that throttled the bot (its answer says for how long) pauses it for every worker."""
    error = sent.error
    if error is not None and error.klass == THROTTLED and error.retry_after:
        # The platform throttles this bot: every worker waits the platform's window.
        rate_limit_pause(channel_key=channel.key, identity=channel.adapter.rate_limit_identity(config, secrets),
                         seconds=error.retry_after)
        delivery_waits(delivery, timezone.now())  # after the pause: one digest of all that waited


def attempt_record(delivery: Delivery, attempt: DeliveryAttempt, sent: Sent, *, channel,
                   carried: list[DeliveryAttempt] = ()) -> str:
    """The attempt's outcome, the delivery's new state, its target's health and the usage count (and
    a digest's carried attempts), in the caller's transaction (one per send, or one for a routing
    pass's sends). Returns the outcome."""
    _attempt_complete(attempt, sent)
    outcome = _decide(delivery, number=attempt.number, error=sent.error)
    target_delivery_recorded(target_id=delivery.target_id, error=sent.error, dead=outcome == "dead")
    if carried:
        retry_at = Delivery.objects.filter(pk=delivery.pk).values_list("next_attempt_at", flat=True).first()
        _enqueue_ids(channel, digest_record(attempt, list(carried), outcome=outcome, retry_at=retry_at))
    return outcome


def attempt_recorded(delivery: Delivery, attempt: DeliveryAttempt, *, outcome: str, message: Message) -> None:
    """After the record's commit: the outcome logged and counted; a dead delivery told as a platform event."""
    delivery_outcome_record(delivery, outcome=outcome, attempt=attempt, error=attempt.error,
                            event_uuid=message.event_id)
    if outcome == "dead":
        platform_event_delivery_dead(delivery=delivery, reason=attempt.reason or attempt.error)


def _attempt_complete(attempt: DeliveryAttempt, sent: Sent) -> None:
    attempt_fill(attempt, sent)
    attempt.save(update_fields=ATTEMPT_OUTCOME_FIELDS)


def attempt_fill(attempt: DeliveryAttempt, sent: Sent) -> None:
    """The attempt's outcome fields from the send's answer or error (not saved): when the send ended
    and how long it took, not when its outcome is recorded (a pass records its sends together)."""
    result, error = sent.result, sent.error
    source = result if error is None else error
    attempt.finished_at = sent.finished_at or timezone.now()
    attempt.duration_ms = round(((sent.finished or time.monotonic()) - sent.started) * 1000, 2)
    attempt.http_status = source.http_status
    attempt.provider_code = (source.provider_code or "")[:32]
    attempt.response_body = trim(source.response_body or "")
    if source.request_url:
        attempt.request_url = mask_url(source.request_url)[:1024]
    if error is None:
        attempt.outcome, attempt.error, attempt.permanent = DeliveryAttempt.Outcome.SUCCEEDED, "", None
    else:
        attempt.outcome, attempt.error, attempt.permanent = DeliveryAttempt.Outcome.FAILED, error.message[:1024], \
            error.permanent
        attempt.outcome_class, attempt.reason = error.klass, (error.words or "")[:512]


def _decide(delivery: Delivery, *, number: int, error: DeliveryError | None) -> str:
    now = timezone.now()
    if error is None:
        deliveries_succeeded([delivery.pk], now)
        usage_record(account_id=delivery.event.account_id, count=1)
        return "succeeded"
    last_error = error.message[:1024]
    if error.permanent:
        _finish(delivery, status=Delivery.Status.DEAD, next_attempt_at=None, last_error=last_error)
        return "dead"
    delay = retry_delay(attempt=number, retry_after=error.retry_after)
    next_at = now + timedelta(seconds=delay)
    if next_at > delivery.deadline_at:
        _finish(delivery, status=Delivery.Status.DEAD, next_attempt_at=None,
                last_error=f"{last_error} (gave up: the delivery deadline passed)"[:1024])
        return "dead"
    _finish(delivery, status=Delivery.Status.RETRYING, next_attempt_at=next_at, last_error=last_error)
    delivery_enqueue(delivery=delivery, countdown=delay)
    return "retrying"


def deliveries_succeeded(delivery_ids: list[int], now) -> None:
    """These deliveries are done: succeeded now, nothing due, no claim (one send, or a pass's)."""
    Delivery.objects.filter(pk__in=delivery_ids).update(
        status=Delivery.Status.SUCCEEDED, succeeded_at=now, next_attempt_at=None, last_error="", claimed_until=None,
        updated_at=now)


def deliveries_requeue_overdue(*, grace_seconds: float = OVERDUE_GRACE_SECONDS, limit: int = REQUEUE_BATCH) -> int:
    """Enqueue again the pending and retrying deliveries whose next attempt is well overdue (their
    task was lost: a broker restart, a worker killed while holding it). Sending twice is prevented
    by the claim; at worst a receiver sees the same event id again.

    A delivery whose channel queue still holds messages no worker has taken is left alone: its own
    message may be among them (a queue nobody consumes, or a backlog), and a copy would only grow
    the queue. It is enqueued again once its queue has drained and it is still overdue."""
    now = timezone.now()
    overdue = list(
        Delivery.objects.filter(status__in=ACTIVE, next_attempt_at__lt=now - timedelta(seconds=grace_seconds))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at")[:limit]
    )
    queue_of = {d.pk: getattr(CHANNELS_BY_KEY.get(d.channel), "queue", "") for d in overdue}
    waiting = queues_with_waiting_messages({queue for queue in queue_of.values() if queue})
    requeued = [delivery for delivery in overdue if queue_of[delivery.pk] not in waiting]
    for delivery in requeued:
        # Due again from now: the next sweep waits another grace period before trying once more.
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now)
        delivery_enqueue(delivery=delivery)
    if requeued:
        logger.info("re-enqueued %s overdue deliveries", len(requeued))
    if len(requeued) < len(overdue):
        held = sorted({queue_of[d.pk] for d in overdue if queue_of[d.pk] in waiting})
        logger.warning("%s overdue deliveries not re-enqueued: queue %s still holds messages no worker has taken "
                       "(is a worker consuming it?)", len(overdue) - len(requeued), ", ".join(held))
    return len(requeued)
