"""Reads of the event log, scoped to one workspace (looked up through the user's account first)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from notifications import catalog
from notifications.models import Event
from workspaces.iam.permissions import authorize
from workspaces.tenancy.bus import bus_arn

FILTERS = ("source", "type", "status")


def event_filters_clean(params) -> dict[str, str]:
    """The filters of a query (`source`, `type`, `status`), checked against the catalog. Empty
    values mean "any". Raises ValidationError naming the field and the allowed values."""
    cleaned = {name: (params.get(name) or "").strip() for name in FILTERS}
    errors: dict[str, list[str]] = {}
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


def events_for_workspace(*, workspace, actor, source: str = "", type: str = "", status: str = ""):  # noqa: A002
    """The workspace's events, newest first, optionally filtered."""
    authorize(actor, "eventbridge:QueryEvent", bus_arn(workspace))
    events = Event.objects.filter(workspace=workspace).select_related("resource_owner")
    if source:
        events = events.filter(source=source)
    if type:
        events = events.filter(type=type)
    if status:
        events = events.filter(status=status)
    return events.order_by("-created_at", "-id")


def event_get(*, workspace, actor, event_pk) -> Event:
    authorize(actor, "eventbridge:QueryEvent", bus_arn(workspace))
    try:
        return Event.objects.select_related("workspace", "bus", "model", "resource_owner").get(
            workspace=workspace, pk=int(event_pk)
        )
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404("No such event") from None
