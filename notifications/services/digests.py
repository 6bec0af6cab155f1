"""Digests: when a bot's rate-limit window is full (or the platform throttled it), the deliveries
waiting for it are not sent one by one as slots free up. The first of them to get a slot carries
the others: one message, "12 more events in llm_training since 10:02: 9 × Job Failed, 3 × Job
Timeout" (notifications.channels.digest), in the target's language.

The delivery service calls this module at its seams:
- a delivery that finds its bot's window full, or is throttled, is marked waiting (`waiting_since`);
- a delivery that takes a slot claims the target's other waiting deliveries (`digest_claim`; the
  same conditional claim as a send, so a delivery is in at most one message at a time), and its
  attempt becomes the digest's (`digest_size`); each carried delivery gets an attempt of its own
  pointing at it (`carried_by`), written before the send and completed after it with the digest's
  outcome (`digest_record`).

One message is one notification (usage counts the carrier's send once). The digest is sent at a
slot the rate limiter gave, so never more than the platform's limit; nothing is dropped: a failed
digest leaves its deliveries waiting (a retryable failure) or sends them one by one (a refused
digest). A digest task that runs twice finds its carrier claimed or finished and sends nothing.
A target with `digest` off keeps the one-by-one behaviour.
"""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from notifications.channels.digest import DigestItem, digest_message, digest_supported
from notifications.channels.message import Message, event_console_url
from notifications.models import Delivery, DeliveryAttempt
from notifications.services.messages import account_message_language

ACTIVE = (Delivery.Status.PENDING, Delivery.Status.RETRYING)
# The most deliveries one digest carries (the rest wait for the next slot): bounded claims and rows.
MAX_CARRIED = 500
CARRIED_FIELDS = ("finished_at", "duration_ms", "http_status", "provider_code", "outcome", "error", "permanent",
                  "outcome_class", "reason")


def digests_enabled(delivery: Delivery, channel) -> bool:
    """The target folds waiting deliveries into digests: it is on, and its channel has a window."""
    target = delivery.target
    return bool(target is not None and target.digest and channel.adapter.rate_limits
                and digest_supported(channel.key))


def waiting_fields(delivery: Delivery, now) -> dict:
    """The fields that mark a delivery as waiting for its bot (kept from its first wait)."""
    return {"waiting_since": delivery.waiting_since or now}


def delivery_waits(delivery: Delivery, now) -> None:
    """Mark a delivery waiting for its bot (after a throttle answer)."""
    Delivery.objects.filter(pk=delivery.pk, waiting_since__isnull=True).update(waiting_since=now)


def _unclaimed(now) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def digest_claim(delivery: Delivery, *, channel, now, claim_until) -> list[Delivery]:
    """Claim the other deliveries waiting for the same bot of the same target (oldest events first),
    for the digest `delivery` is about to send; [] when there are none or digests are off."""
    if not digests_enabled(delivery, channel):
        return []
    waiting = (Delivery.objects.filter(target_id=delivery.target_id, channel=delivery.channel,
                                       recipient_key=delivery.recipient_key, status__in=ACTIVE,
                                       waiting_since__isnull=False)
               .exclude(pk=delivery.pk).filter(_unclaimed(now)).order_by("event__created_at", "id"))
    candidates = list(waiting.values_list("pk", flat=True)[:MAX_CARRIED])
    # One conditional UPDATE each: a delivery another worker has just claimed stays its.
    claimed = [pk for pk in candidates
               if Delivery.objects.filter(pk=pk, status__in=ACTIVE).filter(_unclaimed(now))
               .update(claimed_until=claim_until)]
    return list(Delivery.objects.filter(pk__in=claimed).select_related("event__workspace")
                .order_by("event__created_at", "id"))


def digest_attempts_open(attempt: DeliveryAttempt, carried: list[Delivery]) -> list[DeliveryAttempt]:
    """Write (in the caller's transaction, after the carrier's attempt) one attempt per carried
    delivery, pointing at the digest's attempt."""
    attempt.digest_size = len(carried) + 1
    attempt.save(update_fields=["digest_size"])
    rows = [DeliveryAttempt(delivery=d, number=d.attempt_count + 1, started_at=attempt.started_at,
                            request_url=attempt.request_url, carried_by=attempt) for d in carried]
    DeliveryAttempt.objects.bulk_create(rows)
    Delivery.objects.filter(pk__in=[d.pk for d in carried]).update(attempt_count=F("attempt_count") + 1)
    return rows


def digest_log_link(carrier: Delivery, events) -> str:
    """The event log of the workspace, filtered to the digest's events: their source (their type
    when they share one) since the first of them."""
    event = carrier.event
    params = {"since": min(e.created_at for e in events).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    sources, types = {e.source for e in events}, {e.type for e in events}
    if len(sources) == 1:
        params["source"] = sources.pop()
        if len(types) == 1:
            params["type"] = types.pop()
    path = reverse("event-log", kwargs={"workspace_id": event.workspace_id})
    return f"{settings.CONSOLE_BASE_URL}{path}?{urlencode(params)}"


def digest_message_for(carrier: Delivery, carried: list[Delivery], *, attempt: DeliveryAttempt) -> Message:
    """The digest of the carrier and the deliveries it carries, in the target's language."""
    events = sorted([carrier.event, *(d.event for d in carried)], key=lambda e: (e.created_at, e.pk))
    language = carrier.target.language or account_message_language(carrier.event.account)
    items = [DigestItem(e.type, e.resource_name or e.resource_id or e.subject, event_console_url(e)) for e in events]
    since = timezone.localtime(events[0].created_at).strftime("%H:%M")
    return digest_message(items=items, workspace=carrier.event.workspace.name, since=since,
                          log_link=digest_log_link(carrier, events), channel=carrier.channel, language=language,
                          digest_id=f"digest-{attempt.pk}")


def digest_record(attempt: DeliveryAttempt, carried_attempts: list[DeliveryAttempt], *, outcome: str,
                  retry_at=None) -> list[tuple[int, float | None]]:
    """Complete the carried deliveries' attempts with the digest's outcome (in the caller's
    transaction, with the carrier's). Returns the (delivery id, countdown) the caller enqueues
    again: after a retryable failure they wait for the next slot (still waiting: the next digest
    carries them); after a refused digest each goes on its own at once."""
    if not carried_attempts:
        return []
    now = timezone.now()
    ids = [row.delivery_id for row in carried_attempts]
    for row in carried_attempts:
        for name in CARRIED_FIELDS:
            setattr(row, name, getattr(attempt, name))
    DeliveryAttempt.objects.bulk_update(carried_attempts, CARRIED_FIELDS)
    carried = Delivery.objects.filter(pk__in=ids)
    Delivery.objects.filter(pk=attempt.delivery_id).update(waiting_since=None)
    if outcome == "succeeded":
        carried.update(status=Delivery.Status.SUCCEEDED, succeeded_at=now, next_attempt_at=None, last_error="",
                       claimed_until=None, waiting_since=None, updated_at=now)
        return []
    error = f"in digest #{attempt.pk}: {attempt.error}"[:1024]
    if outcome == "retrying" and retry_at is not None:
        carried.update(status=Delivery.Status.RETRYING, next_attempt_at=retry_at, last_error=error,
                       claimed_until=None, updated_at=now)
        Delivery.objects.filter(pk=attempt.delivery_id).update(waiting_since=now)
        countdown = max(0.0, (retry_at - now).total_seconds())
        return [(pk, countdown) for pk in ids]
    # The digest was refused (or its carrier ran out of time): the others go one by one.
    carried.update(next_attempt_at=now, last_error=error, claimed_until=None, waiting_since=None, updated_at=now)
    return [(pk, None) for pk in ids]

