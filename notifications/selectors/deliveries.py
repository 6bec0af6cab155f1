"""Reads of deliveries and their attempts, scoped to one workspace (looked up through the user's
account first, so another account's deliveries are a 404)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.http import Http404

from notifications.models import Delivery, DeliveryAttempt
from workspaces.iam.operations import BUS, Check, operation


def _with_attempts(queryset):
    return queryset.select_related("event", "rule", "target").prefetch_related(
        # A carried attempt links to the digest's (its delivery's event page).
        Prefetch("attempts", queryset=DeliveryAttempt.objects.select_related("carried_by__delivery")
                 .order_by("number"))
    )


def deliveries_for_event(*, event):
    """The event's deliveries with their attempts (for the event's page; its view authorized)."""
    return _with_attempts(Delivery.objects.filter(event=event)).order_by("id")


def delivery_filters_clean(params) -> dict:
    """`event` (the event's numeric id) and `status`, checked; empty means any."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    event = (params.get("event") or "").strip()
    if event:
        if event.isdigit() and len(event) < 19:
            cleaned["event"] = int(event)
        else:
            errors["event"] = [f"event must be an event's numeric id, not {event[:40]!r}."]
    status = (params.get("status") or "").strip()
    if status:
        if status in Delivery.Status.values:
            cleaned["status"] = status
        else:
            errors["status"] = [f"Unknown status {status[:40]!r}; choose one of {', '.join(Delivery.Status.values)}."]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _bus(workspace, **_) -> dict:
    return {"account": workspace.account, "workspace": workspace.name}


@operation(Check("eventbridge:QueryEvent", BUS), values=_bus)
def deliveries_for_workspace(*, workspace, actor, event: int | None = None, status: str = ""):
    # By the copied workspace: one range of the delivery_list index, newest first.
    deliveries = Delivery.objects.filter(workspace=workspace).select_related("event", "rule")
    if event is not None:
        deliveries = deliveries.filter(event_id=event)
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-id")


@operation(Check("eventbridge:QueryEvent", BUS), values=_bus)
def delivery_get(*, workspace, actor, delivery_pk) -> Delivery:
    try:
        return _with_attempts(Delivery.objects.filter(event__workspace=workspace)).get(pk=int(delivery_pk))
    except (Delivery.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such delivery") from None


def delivery_counts(*, event_ids) -> dict[int, dict[str, int]]:
    """Each event's deliveries counted by status, every status present (0 when none), plus `total`:
    one query for a page of events."""
    counts = {event_id: {**dict.fromkeys(Delivery.Status.values, 0), "total": 0} for event_id in event_ids}
    rows = (Delivery.objects.filter(event_id__in=list(counts)).order_by().values("event_id", "status")
            .annotate(n=Count("id")))
    for row in rows:
        counts[row["event_id"]][row["status"]] = row["n"]
        counts[row["event_id"]]["total"] += row["n"]
    return counts


def attempts_of(*, delivery_ids, last_only: bool) -> dict[int, list[DeliveryAttempt]]:
    """The attempts of a page of deliveries, in order (only each one's last with `last_only`): one query."""
    attempts = DeliveryAttempt.objects.filter(delivery_id__in=list(delivery_ids))
    if last_only:
        last = DeliveryAttempt.objects.filter(delivery_id=OuterRef("delivery_id")).order_by("-number")
        attempts = attempts.filter(number=Subquery(last.values("number")[:1]))
    found: dict[int, list[DeliveryAttempt]] = {delivery_id: [] for delivery_id in delivery_ids}
    for attempt in attempts.order_by("delivery_id", "number"):
        found[attempt.delivery_id].append(attempt)
    return found
