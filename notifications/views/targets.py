"""A target's health on the rules page: Test Connectivity with its saved settings, re-enable, and
Recover ("redeliver everything that failed since T") with its live progress (an htmx-polled partial).
Thin faces over notifications.services.connectivity, .health and .recovery."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from console.feedback import toast
from notifications.models import Recovery
from notifications.selectors.rules import target_get_in_workspace
from notifications.services.connectivity import connectivity_test_saved
from notifications.services.health import EnableRefused, target_enable
from notifications.services.recovery import RecoveryRefused, recovery_get, recovery_progress, recovery_start
from notifications.templatetags.notice_rules import rules_section_context
from notifications.views.rules import tab_url
from workspaces.tenancy.selectors import workspace_get_for_user

SECTION = "notifications/rules/_section.html"
PROGRESS = "notifications/rules/_recovery.html"


def _target(request, workspace_id, target_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    target = target_get_in_workspace(workspace=workspace, target_id=target_id)
    if target is None:
        raise Http404("No such target")
    return workspace, target


def _section(request, workspace, message: str, *, error: bool = False):
    if not request.htmx:
        return redirect(tab_url(workspace))
    context = rules_section_context(user=request.user, workspace=workspace, csrf_token=get_token(request))
    return toast(render(request, SECTION, context), message, **({"level": "error"} if error else {}))


@login_required
@require_POST
def target_test_saved(request, workspace_id, target_id):
    """Test Connectivity of a saved target (the banner's first step back for a disabled target)."""
    workspace, target = _target(request, workspace_id, target_id)
    result = connectivity_test_saved(actor=request.user, target=target)
    return _section(request, workspace, result.display + (" You can re-enable the target now." if result.ok and
                                                          target.health == "disabled" else ""), error=not result.ok)


@login_required
@require_POST
def target_reenable(request, workspace_id, target_id):
    workspace, target = _target(request, workspace_id, target_id)
    try:
        target_enable(actor=request.user, target_id=target.pk)
    except EnableRefused as exc:
        return _section(request, workspace, str(exc), error=True)
    return _section(request, workspace, "Target re-enabled: new events are delivered to it again. Recover the "
                                        "skipped ones with Recover.")


def console_time(value: str):
    """A datetime-local input's value, aware (the console's time zone when it names none); None when not a time."""
    parsed = parse_datetime(value or "")
    if parsed is None:
        return None
    return timezone.make_aware(parsed, timezone.get_default_timezone()) if timezone.is_naive(parsed) else parsed


def _scope(value: str) -> dict:
    kind, _, pk = (value or "").partition(":")
    if kind in ("rule", "target") and pk.isdigit():
        return {f"{kind}_id": int(pk)}
    return {}


def _progress(request, workspace, recovery, *, errors=(), status: int = 200):
    context = {"workspace": workspace, "errors": list(errors), "recovery": recovery,
               "progress": recovery_progress(recovery=recovery) if recovery else None}
    return render(request, PROGRESS, context, status=status)


@login_required
@require_POST
def recovery_create(request, workspace_id):
    """Start a recovery (or show the one running for the same scope) and its progress."""
    workspace = workspace_get_for_user(request.user, workspace_id)
    since = console_time(request.POST.get("since", ""))
    if since is None:
        return _progress(request, workspace, None, errors=["Since: enter a date and time (YYYY-MM-DD HH:MM)."],
                         status=400)
    try:
        recovery = recovery_start(actor=request.user, workspace=workspace, since=since,
                                  **_scope(request.POST.get("scope", "")))
    except RecoveryRefused as exc:
        return _progress(request, workspace, None, errors=[str(exc)], status=400)
    if not request.htmx:
        return redirect(reverse("recovery-progress", kwargs={"workspace_id": workspace.pk, "recovery_id": recovery.pk}))
    return _progress(request, workspace, recovery)


@login_required
@require_GET
def recovery_detail(request, workspace_id, recovery_id):
    """The progress partial; htmx polls it every second while the recovery runs."""
    workspace = workspace_get_for_user(request.user, workspace_id)
    try:
        recovery = recovery_get(actor=request.user, workspace=workspace, recovery_id=recovery_id)
    except (Recovery.DoesNotExist, ValueError):
        raise Http404("No such recovery") from None
    return _progress(request, workspace, recovery)
