"""Sending a delivery again from the start: Redeliver (one dead or retrying delivery, by a user) and
the reset that Recover shares with it (`resend_fields`)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import Delivery
from notifications.services.delivery import delivery_enqueue
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import BUS, Check, operation


class RedeliverRefused(Exception):
    """The delivery's state does not allow a redelivery (it succeeded, or is being sent now).
    `current` is its status value; REDELIVERABLE the values that would be accepted."""

    def __init__(self, message: str, *, current: str):
        super().__init__(message)
        self.current = current


REDELIVERABLE = (Delivery.Status.DEAD, Delivery.Status.RETRYING)


def resend_fields(now) -> dict:
    """What sends a delivery again from the start (redeliver, recover): pending and due now, unclaimed,
    a fresh deadline, and no longer waiting for its bot, so a digest carries it only if it waits again."""
    return {"status": Delivery.Status.PENDING, "next_attempt_at": now, "claimed_until": None, "updated_at": now,
            "deadline_at": now + timedelta(seconds=settings.DELIVERY_DEADLINE_SECONDS), "waiting_since": None}


@operation(Check("eventbridge:PutEvents", BUS),
           values=lambda workspace, **_: {"account": workspace.account, "workspace": workspace.name}, enforce=False)
def delivery_redeliver(*, delivery_id: int, actor) -> Delivery:
    """Send a `dead` or `retrying` delivery again now: back to pending, with a fresh deadline.
    Needs eventbridge:PutEvents on the event's bus. Raises RedeliverRefused for a delivery that
    succeeded or is being sent right now."""
    delivery = Delivery.objects.select_related("event__workspace__account").get(pk=delivery_id)
    workspace = delivery.event.workspace
    delivery_redeliver.authorize(actor, workspace=workspace)
    now = timezone.now()
    with transaction.atomic():
        updated = (
            Delivery.objects.filter(pk=delivery.pk, status__in=REDELIVERABLE)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(**resend_fields(now))
        )
        if not updated:
            delivery.refresh_from_db()
            if delivery.status in REDELIVERABLE:
                raise RedeliverRefused("This delivery is being sent right now; try again in a moment.",
                                       current=delivery.status)
            raise RedeliverRefused(
                f"Only a delivery whose status is {' or '.join(REDELIVERABLE)} can be redelivered; "
                f"this one's status is {delivery.status}.", current=delivery.status)
        old_status = delivery.status
        delivery.refresh_from_db()
        audit_record(actor=actor, account=workspace.account, action="delivery.redeliver", obj=delivery,
                     changes={"status": [old_status, delivery.status]})
        delivery_enqueue(delivery=delivery)
    return delivery
