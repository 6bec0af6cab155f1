"""Workspace Details > Configuration > Event Notification Configuration: the ServiceNotEnable notice
with Activate for Free, then Grant Access, then the notice rules (owned by the rules section).

The two buttons post with HTMX and the server re-renders the `setup` partial; without JavaScript
they are ordinary form posts answered with a redirect back to the tab."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from workspaces.iam.audit import access_denied_record
from workspaces.iam.permissions import AccessDenied
from workspaces.tenancy.selectors import event_notifications_tab, workspace_get_for_user
from workspaces.tenancy.services.eventbridge import eventbridge_activate, service_role_grant

TEMPLATE = "workspaces/event_notifications.html"


def _refused(request, workspace, exc: AccessDenied):
    """Shown on the tab itself (not the generic 403 page) so the user keeps the context; recorded
    in the audit log as the console middleware would."""
    access_denied_record(actor=request.user, error=exc, request=request)
    return _answer(request, workspace, error=str(exc))


def _answer(request, workspace, *, error: str = "", notice: str = ""):
    """The re-rendered setup partial (HTMX), or back to the tab (a plain form post)."""
    if request.htmx:
        # htmx swaps 2xx answers only, so a refusal comes back as 200 with the red notice in it.
        context = event_notifications_tab(user=request.user, workspace=workspace, error=error, notice=notice)
        return render(request, f"{TEMPLATE}#setup", context)
    if error:
        context = event_notifications_tab(user=request.user, workspace=workspace, error=error)
        return render(request, TEMPLATE, context, status=403)
    messages.success(request, notice)
    return redirect("workspace-event-notifications", workspace_id=workspace.pk)


@login_required
@require_GET
def event_notifications(request, workspace_id: int):
    workspace = workspace_get_for_user(request.user, workspace_id)
    return render(request, TEMPLATE, event_notifications_tab(user=request.user, workspace=workspace))


@login_required
@require_POST
def eventbridge_activate_view(request, workspace_id: int):
    workspace = workspace_get_for_user(request.user, workspace_id)
    try:
        result = eventbridge_activate(actor=request.user, account=workspace.account)
    except AccessDenied as exc:
        return _refused(request, workspace, exc)
    if result.activated_now:
        names = ", ".join(bus.name for bus in result.buses_created) or "none yet"
        notice = f"EventBridge is activated. Event buses created: {names}."
    else:
        notice = "EventBridge was already activated for this account."
    workspace.refresh_from_db()
    return _answer(request, workspace, notice=notice)


@login_required
@require_POST
def service_role_grant_view(request, workspace_id: int):
    workspace = workspace_get_for_user(request.user, workspace_id)
    try:
        result = service_role_grant(actor=request.user, account=workspace.account)
    except AccessDenied as exc:
        return _refused(request, workspace, exc)
    notice = (f"Access granted: the service-linked role {result.role.name} was created." if result.created
              else f"The service-linked role {result.role.name} already exists.")
    return _answer(request, workspace, notice=notice)
