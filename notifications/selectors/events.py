"""Reads of the event log, scoped to one workspace (looked up through the user's account first)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from notifications import catalog
from notifications.models import Event
from workspaces.iam.operations import BUS, Check, operation

FILTERS = ("source", "type", "status", "since")
SINCE_RULE = "an ISO 8601 date and time, e.g. 2026-11-30T08:00:00Z (a date alone means its midnight, UTC)"


def since_parsed(text: str) -> datetime | None:
    """`since` as an aware datetime (naive values are UTC), None when it is not one."""
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.combine(day, time.min) if day is not None else None
    except ValueError:  # well formed but impossible (2026-02-30)
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def event_filters_clean(params) -> dict[str, str]:
    """The filters of a query (`source`, `type`, `status`, `since`), checked against the catalog.
    Empty values mean "any". Raises ValidationError naming the field and the allowed values."""
    cleaned = {name: (params.get(name) or "").strip() for name in FILTERS}
    errors: dict[str, list[str]] = {}
    if cleaned["since"] and since_parsed(cleaned["since"]) is None:
        errors["since"] = [f"{cleaned['since'][:64]!r} is not a date and time; use {SINCE_RULE}."]
    if cleaned["source"] and cleaned["source"] not in catalog.SOURCES_BY_KEY:
        errors["source"] = [f"Unknown event source {cleaned['source']!r}; choose one of "
                            f"{', '.join(catalog.SOURCES_BY_KEY)}."]
    if cleaned["type"] and cleaned["type"] not in catalog.EVENT_TYPES_BY_KEY:
        errors["type"] = [f"Unknown event type {cleaned['type']!r}; the catalog's types look like "
                          "pai:ModelManagement:ModelVersionApproved."]
    if cleaned["status"] and cleaned["status"] not in Event.Status.values:
        errors["status"] = [f"Unknown status {cleaned['status']!r}; choose one of {', '.join(Event.Status.values)}."]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _bus(workspace, **_) -> dict:
    return {"account": workspace.account, "workspace": workspace.name}


@operation(Check("eventbridge:QueryEvent", BUS), values=_bus)
def events_for_workspace(*, workspace, actor, source: str = "", type: str = "", status: str = "",  # noqa: A002
                         since: str = ""):
    """The workspace's events, newest first, optionally filtered (`since`: created at or after it)."""
    events = Event.objects.filter(workspace=workspace).select_related("resource_owner")
    if source:
        events = events.filter(source=source)
    if type:
        events = events.filter(type=type)
    if status:
        events = events.filter(status=status)
    if since:
        moment = since_parsed(since)
        if moment is None:
            raise ValidationError({"since": [f"Use {SINCE_RULE}."]})
        events = events.filter(created_at__gte=moment)
    return events.order_by("-created_at", "-id")


@operation(Check("eventbridge:QueryEvent", BUS), values=_bus)
def event_get(*, workspace, actor, event_pk) -> Event:
    try:
        return Event.objects.select_related("workspace", "bus", "model", "resource_owner").get(
            workspace=workspace, pk=int(event_pk)
        )
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404("No such event") from None
