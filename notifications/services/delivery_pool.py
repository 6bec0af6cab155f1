"""Sending a routing pass's first attempts side by side: the sends run on a bounded pool of threads
(settings.ROUTE_SEND_THREADS), each thread with its own keep-alive session
(`notifications.channels.outbound.http_session`), so one pass's chat and HTTP sends overlap their
waits on the receivers instead of queueing behind each other.

Only the send runs on a thread; everything that reads or writes the database stays on the caller's
thread: the message and the send's context are built before, and the outcomes are recorded after,
all of them in one commit (`attempts_send_together`; one commit each if that one is refused). Each
attempt row was committed before its send, as for a single send (`notifications.services.delivery.attempt_send`).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from console.bulk import rows_update
from console.threads import process_pool
from notifications.channels.message import Message
from notifications.models import Delivery, DeliveryAttempt
from notifications.services.delivery import (
    ATTEMPT_OUTCOME_FIELDS,
    FirstSend,
    attempt_fill,
    attempt_record,
    attempt_recorded,
    deliveries_succeeded,
    delivery_enqueue,
    delivery_release,
    throttle_settle,
)
from notifications.services.delivery_transmit import Sent, attempt_transmit, send_context
from notifications.services.health import targets_delivered
from notifications.services.ratelimit import rate_limit_sent_many
from notifications.services.usage import usage_record

logger = logging.getLogger(__name__)

@dataclass
class FirstAttempt:
    """A new delivery whose attempt 1 is committed, ready for its send."""

    delivery: Delivery
    channel: object
    first: FirstSend
    message: Message

    @property
    def attempt(self) -> DeliveryAttempt:
        return self.first.attempt


def attempts_send_together(items: list[FirstAttempt]) -> dict[str, int]:
    """Send every item at once (bounded by the pool), then record every outcome in one commit.
    Returns the count per outcome. Should the one commit fail, each send is recorded on its own;
    a delivery whose record fails again is released and enqueued to its channel's queue (sent
    again: at least once), and a DatabaseError raised at the end (the task retries)."""
    if not items:
        return {}
    contexts = [send_context(item.delivery, item.attempt) for item in items]
    if len(items) == 1:
        sents = [_transmit(items[0], contexts[0])]
    else:
        sents = list(process_pool("send", settings.ROUTE_SEND_THREADS).map(_transmit, items, contexts))
    # Every slot counts from now: when the pass's last send ended, never before its own.
    rate_limit_sent_many([item.first.slot for item in items])
    for item, sent in zip(items, sents, strict=True):
        throttle_settle(sent, item.delivery, channel=item.channel, config=item.first.config,
                        secrets=item.first.secrets)
    try:
        with transaction.atomic():
            outcomes = _record_together(items, sents)
    except Exception:
        # One commit for many sends takes several row locks (the usage counter, a failing target):
        # two passes may deadlock, and one is refused. Record each send on its own instead.
        logger.warning("could not record %s sends of a routing pass together; one by one", len(items), exc_info=True)
        outcomes = [_record_alone(item, sent) for item, sent in zip(items, sents, strict=True)]
    counts: dict[str, int] = {}
    for item, outcome in zip(items, outcomes, strict=True):
        if outcome is None:
            counts["requeued"] = counts.get("requeued", 0) + 1
            continue
        attempt_recorded(item.delivery, item.attempt, outcome=outcome, message=item.message)
        counts[outcome] = counts.get(outcome, 0) + 1
    if counts.get("requeued"):
        raise DatabaseError(f"{counts['requeued']} sends of a routing pass could not be recorded; queued again")
    return counts


def _record_together(items: list[FirstAttempt], sents: list[Sent]) -> list[str]:
    """Every send's outcome, in the caller's transaction. The successes, most of a pass, in a few
    statements whatever their number: their attempts in one bulk UPDATE, their deliveries in one,
    the usage count once per account, a failing target's health once per target. A failure decides
    its retry, its death and its target's health one by one (`attempt_record`)."""
    outcomes = [attempt_record(item.delivery, item.attempt, sent, channel=item.channel)
                if sent.error is not None else "succeeded" for item, sent in zip(items, sents, strict=True)]
    succeeded = sorted((item for item, sent in zip(items, sents, strict=True) if sent.error is None),
                       key=lambda item: item.delivery.pk)  # rows locked in one order: no deadlock between passes
    if not succeeded:
        return outcomes
    for item, sent in zip(items, sents, strict=True):
        if sent.error is None:
            attempt_fill(item.attempt, sent)
    rows_update(DeliveryAttempt, [item.attempt for item in succeeded], ATTEMPT_OUTCOME_FIELDS)
    now = timezone.now()
    deliveries_succeeded([item.delivery.pk for item in succeeded], now)
    per_account = Counter(item.delivery.event.account_id for item in succeeded)
    for account_id, count in sorted(per_account.items()):
        usage_record(account_id=account_id, count=count)
    targets_delivered(target_ids={item.delivery.target_id for item in succeeded if item.delivery.target_id})
    return outcomes


def _record_alone(item: FirstAttempt, sent: Sent) -> str | None:
    """One send's record in its own commit; None when the database refuses it too: the delivery is
    released and goes to its channel's queue (sent again: at least once)."""
    try:
        with transaction.atomic():
            return attempt_record(item.delivery, item.attempt, sent, channel=item.channel)
    except Exception:
        logger.warning("could not record the send of delivery %s; queueing it again", item.delivery.pk, exc_info=True)
        delivery_release(item.delivery.pk)
        delivery_enqueue(delivery=item.delivery)
        return None


def _transmit(item: FirstAttempt, context) -> Sent:
    return attempt_transmit(item.delivery, item.attempt, channel=item.channel, config=item.first.config,
                            secrets=item.first.secrets, message=item.message, context=context)
