"""Replay (console): a workspace's page with the form (from, to, source, event types, one rule or
all) and the list of its replays, each running one's row polled by htmx for its progress, with
Cancel. Linked from the event log. Thin faces over notifications.services.replay."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from console.feedback import toast
from notifications import catalog
from notifications.models import ReplayJob
from notifications.services.replay import (
    ReplayBusy,
    ReplayRefused,
    replay_cancel,
    replay_delivered,
    replay_get,
    replay_list,
    replay_rules,
    replay_sending,
    replay_start,
)
from notifications.views.targets import console_time
from workspaces.tenancy.selectors import workspace_get_for_user

PAGE = "notifications/replays/page.html"
ROW = "notifications/replays/_row.html"
LISTED = 20


def _row_of(job) -> dict:
    """A replay's row: polled while the job runs or some of its deliveries are still to send."""
    return {"job": job, "delivered": replay_delivered(job),
            "polled": job.is_active or (job.deliveries_created and replay_sending(job))}


def _rows(jobs) -> list[dict]:
    return [_row_of(job) for job in jobs]


def _context(request, workspace, *, values=None, errors=None) -> dict:
    now = timezone.localtime()
    values = values or {"start": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
                        "end": now.strftime("%Y-%m-%dT%H:%M"), "source": "", "event_types": [], "rule": ""}
    return {"workspace": workspace, "values": values, "errors": errors or {},
            "rows": _rows(replay_list(actor=request.user, workspace=workspace)[:LISTED]),
            "can_start": replay_start.allowed(request.user, workspace=workspace),
            "sources": catalog.SOURCES, "rules": replay_rules(workspace=workspace),
            "retention_days": settings.EVENT_RETENTION_DAYS, "max_events": settings.REPLAY_MAX_EVENTS}


def _start(request, workspace):
    post = request.POST
    values = {"start": post.get("start", ""), "end": post.get("end", ""), "source": post.get("source", ""),
              "event_types": post.getlist("event_types"), "rule": post.get("rule", "")}
    start, end = console_time(values["start"]), console_time(values["end"]) if values["end"] else None
    errors = {}
    if start is None:
        errors["start"] = "From: enter a date and time (YYYY-MM-DD HH:MM)."
    if values["end"] and end is None:
        errors["end"] = "To: enter a date and time (YYYY-MM-DD HH:MM), or leave it empty for now."
    if not errors:
        try:
            replay_start(actor=request.user, workspace=workspace, start=start, end=end, source=values["source"],
                         event_types=values["event_types"],
                         rule_id=int(values["rule"]) if values["rule"].isdigit() else None)
        except ReplayRefused as exc:
            errors[{"window": "start", "event_types": "event_types"}.get(exc.field, exc.field)] = str(exc)
        except ReplayBusy as exc:
            errors["start"] = str(exc)
    if errors:  # the page again, with the values entered and the errors next to their fields
        return render(request, PAGE, _context(request, workspace, values=values, errors=errors), status=400)
    return redirect(reverse("replay-page", kwargs={"workspace_id": workspace.pk}))


@login_required
@require_http_methods(["GET", "POST"])
def replay_page(request, workspace_id):
    """GET: the form and the replays; POST: start one, then back to the page (its row shows the progress)."""
    workspace = workspace_get_for_user(request.user, workspace_id)
    if request.method == "POST":
        return _start(request, workspace)
    return render(request, PAGE, _context(request, workspace))


def _job(request, workspace_id, replay_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    try:
        return workspace, replay_get(actor=request.user, workspace=workspace, job_id=replay_id)
    except ReplayJob.DoesNotExist:
        raise Http404("No such replay") from None


def _row(request, workspace, job, *, status: int = 200):
    context = {"workspace": workspace, "row": _row_of(job),
               "can_start": replay_start.allowed(request.user, workspace=workspace)}
    return render(request, ROW, context, status=status)


@login_required
@require_GET
def replay_row(request, workspace_id, replay_id):
    """One replay's row; htmx polls it every second while the replay is queued or running."""
    workspace, job = _job(request, workspace_id, replay_id)
    return _row(request, workspace, job)


@login_required
@require_POST
def replay_cancel_view(request, workspace_id, replay_id):
    workspace, job = _job(request, workspace_id, replay_id)
    try:
        job = replay_cancel(actor=request.user, workspace=workspace, job_id=job.pk)
    except ReplayRefused as exc:
        if not request.htmx:
            return redirect(reverse("replay-page", kwargs={"workspace_id": workspace.pk}))
        return toast(_row(request, workspace, job), str(exc), level="error")
    if not request.htmx:
        return redirect(reverse("replay-page", kwargs={"workspace_id": workspace.pk}))
    return toast(_row(request, workspace, job), "Replay cancelled: it stops before its next chunk of events.")
