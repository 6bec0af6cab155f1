"""The deliveries section of an event's page: re-rendered by HTMX while deliveries are under way,
and the Redeliver button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from notifications.models import Delivery
from notifications.selectors.deliveries import delivery_get
from notifications.selectors.events import event_get
from notifications.services.redeliver import RedeliverRefused, delivery_redeliver
from workspaces.tenancy.selectors import workspace_get_for_user

PARTIAL = "notifications/events/_deliveries.html"


@login_required
@require_GET
def event_deliveries(request, workspace_id, event_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    event = event_get(workspace=workspace, actor=request.user, event_pk=event_id)
    return render(request, PARTIAL, {"workspace": workspace, "event": event})


@login_required
@require_POST
def delivery_redeliver_view(request, workspace_id, delivery_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    delivery = delivery_get(workspace=workspace, actor=request.user, delivery_pk=delivery_id)
    try:
        delivery_redeliver(delivery_id=delivery.pk, actor=request.user)
        level, text = "info", f"Redelivery of the {delivery.recipient_label or delivery.channel} delivery is under way."
    except RedeliverRefused as refusal:
        level, text = "error", str(refusal)
    except Delivery.DoesNotExist:
        level, text = "error", "The delivery no longer exists."
    event = delivery.event
    if request.htmx:
        return render(request, PARTIAL, {"workspace": workspace, "event": event, "redeliver_message": text,
                                         "redeliver_level": level})
    (messages.info if level == "info" else messages.error)(request, text)
    return redirect(reverse("event-detail", kwargs={"workspace_id": workspace.pk, "event_id": event.pk})
                    + "?tab=deliveries")
