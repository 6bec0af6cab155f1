"""Retention: delete history older than EVENT_RETENTION_DAYS (events with their deliveries and
attempts) and AUDIT_RETENTION_DAYS (audit entries), and expired sessions. Run daily by beat
(`console.tasks.prune_history`) and by `manage.py prune`.

Deletes go in bounded batches, each in its own short transaction, as set-based SQL: a batch picks
at most PRUNE_BATCH_SIZE ids by an index, then one DELETE per table removes their rows. Nothing is
collected in Python, so pruning millions of rows costs a few statements per batch and never holds
long locks. An event is kept while it still matters: a delivery of it is pending or retrying, or
it is published and not routed yet (the outbox). A redelivery that starts while a batch runs keeps
its delivery and so its event.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

ACTIVE_DELIVERY_STATUSES = ("pending", "retrying")


@dataclass
class PruneResult:
    events: int = 0
    deliveries: int = 0
    attempts: int = 0
    audit_entries: int = 0
    sessions: int = 0
    batches: int = 0
    complete: bool = True  # False: stopped by the time budget; the next run goes on
    cutoffs: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"events": self.events, "deliveries": self.deliveries, "attempts": self.attempts,
                "audit_entries": self.audit_entries, "sessions": self.sessions, "batches": self.batches,
                "complete": self.complete}


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def prunable_events(cutoff):
    """Events older than `cutoff` that no longer matter: no pending or retrying delivery, not
    waiting in the outbox. Ordered by id (the primary key walks them oldest first)."""
    Event = apps.get_model("notifications", "Event")
    Delivery = apps.get_model("notifications", "Delivery")
    active = Delivery.objects.filter(event=OuterRef("pk"), status__in=ACTIVE_DELIVERY_STATUSES)
    return (Event.objects.filter(created_at__lt=cutoff)
            .exclude(Q(status="published", routed_at__isnull=True))
            .exclude(Exists(active))
            .order_by("pk"))


def _delete_events(ids: list[int]) -> tuple[int, int, int]:
    """Attempts, then deliveries, then events of these ids, in three statements. Deliveries that
    became active meanwhile (a redelivery) stay, and so does their event."""
    Event = apps.get_model("notifications", "Event")
    Delivery = apps.get_model("notifications", "Delivery")
    Attempt = apps.get_model("notifications", "DeliveryAttempt")
    marks = ", ".join(["%s"] * len(ids))
    active = ", ".join(["%s"] * len(ACTIVE_DELIVERY_STATUSES))
    delivery, event, attempt = _table(Delivery), _table(Event), _table(Attempt)
    d_event, d_status = _column(Delivery, "event"), _column(Delivery, "status")
    a_delivery = _column(Attempt, "delivery")
    finished = f"{d_event} IN ({marks}) AND {d_status} NOT IN ({active})"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {attempt} WHERE {a_delivery} IN (SELECT id FROM {delivery} WHERE {finished})",
                       [*ids, *ACTIVE_DELIVERY_STATUSES])
        attempts = cursor.rowcount
        cursor.execute(f"DELETE FROM {delivery} WHERE {finished}", [*ids, *ACTIVE_DELIVERY_STATUSES])
        deliveries = cursor.rowcount
        cursor.execute(f"DELETE FROM {event} WHERE id IN ({marks}) AND NOT EXISTS "
                       f"(SELECT 1 FROM {delivery} WHERE {delivery}.{d_event} = {event}.id)", ids)
        events = cursor.rowcount
    return events, deliveries, attempts


def _prune_by_ids(queryset, batch_size: int, deadline: float | None) -> tuple[int, int, bool]:
    """Delete the rows of `queryset` (a model without dependent rows: one DELETE by primary key per
    batch). Returns (rows, batches, complete)."""
    rows = batches = 0
    while True:
        if deadline is not None and time.monotonic() > deadline:
            return rows, batches, False
        with transaction.atomic():
            keys = list(queryset.values_list("pk", flat=True)[:batch_size])
            if keys:
                rows += queryset.model._base_manager.filter(pk__in=keys)._raw_delete(queryset.db)
        batches += bool(keys)
        if len(keys) < batch_size:
            return rows, batches, True


def prune_history(*, now=None, event_days: int | None = None, audit_days: int | None = None,
                  batch_size: int | None = None, max_seconds: float | None = None) -> PruneResult:
    """Delete what is past retention, batch by batch; stop early (complete=False) after
    `max_seconds`, the next run goes on where this one stopped."""
    now = now or timezone.now()
    event_days = settings.EVENT_RETENTION_DAYS if event_days is None else event_days
    audit_days = settings.AUDIT_RETENTION_DAYS if audit_days is None else audit_days
    batch_size = batch_size or settings.PRUNE_BATCH_SIZE
    deadline = time.monotonic() + max_seconds if max_seconds else None
    result = PruneResult(cutoffs={"events": now - timedelta(days=event_days),
                                  "audit": now - timedelta(days=audit_days)})

    after = 0  # events kept (still active) are stepped over, not read again
    while True:
        if deadline is not None and time.monotonic() > deadline:
            result.complete = False
            break
        with transaction.atomic():
            ids = list(prunable_events(result.cutoffs["events"]).filter(pk__gt=after)
                       .values_list("pk", flat=True)[:batch_size])
            if ids:
                events, deliveries, attempts = _delete_events(ids)
                result.events += events
                result.deliveries += deliveries
                result.attempts += attempts
                result.batches += 1
                after = ids[-1]
        if len(ids) < batch_size:
            break

    AuditLogEntry = apps.get_model("workspaces", "AuditLogEntry")
    old_audit = AuditLogEntry._base_manager.filter(created_at__lt=result.cutoffs["audit"]).order_by("pk")
    rows, batches, complete = _prune_by_ids(old_audit, batch_size, deadline)
    result.audit_entries, result.batches = rows, result.batches + batches
    result.complete = result.complete and complete

    Session = apps.get_model("sessions", "Session")
    expired = Session._base_manager.filter(expire_date__lt=now).order_by("pk")
    rows, batches, complete = _prune_by_ids(expired, batch_size, deadline)
    result.sessions, result.batches = rows, result.batches + batches
    result.complete = result.complete and complete
    logger.info("pruned %s", result.as_dict())
    return result
