"""One send on the wire and nothing else: the adapter called with the message and its context, the
answer or the error kept with the send's start time. No database: a routing pass's threads run it
(notifications.services.delivery_pool), and so does a single send (delivery.attempt_send)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from console.crypto import UNREADABLE_MESSAGE, secrets_unreadable
from notifications.channels.base import DeliveryError, SendContext, SendResult
from notifications.channels.message import Message
from notifications.models import Delivery, DeliveryAttempt

logger = logging.getLogger(__name__)


@dataclass
class Sent:
    """What one send came back with: the receiver's answer or the error, and when it started."""

    started: float
    result: SendResult | None = None
    error: DeliveryError | None = None
    finished: float | None = None  # time.monotonic() when the answer or the error came
    finished_at: datetime | None = None


def send_context(delivery: Delivery, attempt: DeliveryAttempt) -> SendContext:
    """The adapter's context of one send (read from the database: build it before a thread sends)."""
    event = delivery.event
    return SendContext(delivery_id=delivery.pk, attempt=attempt.number, event_origin=event.origin,
                       publisher_id=event.published_by_id, tenant_networks=event.account.outbound_allowed_networks)


def attempt_transmit(delivery: Delivery, attempt: DeliveryAttempt, *, channel, config: dict, secrets: dict,
                     message: Message, context: SendContext) -> Sent:
    """The send itself and nothing else: no database, so that a thread of a routing pass may run it."""
    sent = Sent(started=time.monotonic())
    try:
        if secrets_unreadable(secrets):
            # Retryable: a worker started with the wrong keys is fixed by restarting it with the right ones.
            logger.error("delivery %s: %s", delivery.pk, UNREADABLE_MESSAGE)
            raise DeliveryError(UNREADABLE_MESSAGE, permanent=False)
        sent.result = channel.adapter.send(message, config, secrets, context)
    except DeliveryError as exc:
        sent.error = exc
    except Exception as exc:  # a bug in an adapter must not lose the delivery: record it, retry
        logger.exception("delivery %s: the %s adapter failed unexpectedly", delivery.pk, channel.key)
        sent.error = DeliveryError(f"internal error: {exc.__class__.__name__}: {exc}"[:500], permanent=False)
    sent.finished, sent.finished_at = time.monotonic(), timezone.now()
    return sent
