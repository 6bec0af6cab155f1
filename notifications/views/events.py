"""The event log of a workspace and the detail of one event (console pages)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_GET

from notifications import catalog
from notifications.models import Delivery, Event
from notifications.selectors.events import FILTERS, event_filters_clean, event_get, events_for_workspace
from workspaces.tenancy.selectors import workspace_get_for_user

PAGE_SIZE = 25


def _filters(params) -> tuple[dict[str, str], dict]:
    try:
        filters = event_filters_clean(params)
    except ValidationError as error:
        return {name: "" for name in FILTERS}, error.message_dict
    # Choosing another source drops a type that belongs to the previous one.
    if filters["source"] and filters["type"] and not catalog.get_source(filters["source"]).has_type(filters["type"]):
        filters["type"] = ""
    return filters, {}


@login_required
@require_GET
def event_log(request, workspace_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    filters, errors = _filters(request.GET)
    events = events_for_workspace(workspace=workspace, actor=request.user, **filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "workspace": workspace,
        "page": page,
        "filters": filters,
        "filter_errors": errors,
        "query": urlencode({name: value for name, value in filters.items() if value}),
        "sources": catalog.SOURCES,
        "type_sources": [catalog.get_source(filters["source"])] if filters["source"] else catalog.SOURCES,
        "statuses": Event.Status.choices,
    }
    template = "notifications/events/log.html#log" if request.htmx else "notifications/events/log.html"
    return render(request, template, context)


EVENT_TABS = ("basic", "body", "deliveries")  # Basic information, Event body, Delivery records


@login_required
@require_GET
def event_detail(request, workspace_id, event_id):
    """One event, in tabs (`?tab=`): basic information, the event body (CloudEvents envelope), and the
    delivery records with their attempts. The server renders the chosen tab; htmx swaps it in."""
    workspace = workspace_get_for_user(request.user, workspace_id)
    event = event_get(workspace=workspace, actor=request.user, event_pk=event_id)
    tab = request.GET.get("tab") if request.GET.get("tab") in EVENT_TABS else "basic"
    counts = dict(Delivery.objects.filter(event=event).values_list("status").annotate(n=Count("id")))
    context = {
        "workspace": workspace,
        "event": event,
        "tab": tab,
        "delivery_counts": [(label, counts[value]) for value, label in Delivery.Status.choices if counts.get(value)],
        "delivery_total": sum(counts.values()),
        "envelope_json": json.dumps(event.envelope, indent=2, ensure_ascii=False, sort_keys=False),
    }
    if request.htmx and request.htmx.target == "event-tabs":
        return render(request, "notifications/events/detail.html#tabs", context)
    return render(request, "notifications/events/detail.html", context)
