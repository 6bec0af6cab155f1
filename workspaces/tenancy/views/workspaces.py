"""Workspace list (with Create Workspace) and Workspace Details."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from workspaces.iam.audit import access_denied_record
from workspaces.iam.permissions import AccessDenied
from workspaces.tenancy.models import SERVICE_LINKED_ROLE_NAME
from workspaces.tenancy.selectors import eventbridge_status_get, workspace_get_authorized, workspaces_list_authorized
from workspaces.tenancy.services.workspaces import DESCRIPTION_MAX, NAME_RULE, workspace_create


class WorkspaceCreateForm(forms.Form):
    # Lengths and characters are checked by the service, which words the messages.
    name = forms.CharField(help_text=gettext_lazy(NAME_RULE), required=False, strip=True)  # the service's rule
    description = forms.CharField(required=False, help_text=format_lazy(gettext_lazy("At most {count} characters."),
                                                                         count=DESCRIPTION_MAX))


def _list_context(request, form, created=None):
    user = request.user
    account = user.account
    return {
        "workspaces": workspaces_list_authorized(user).select_related("created_by", "event_bus").order_by("name"),
        "form": form,
        "created": created,
        "account": account,
        "can_create": bool(account) and workspace_create.allowed(user, account=account),
    }


@login_required
@require_http_methods(["GET", "POST"])
def workspace_list(request):
    """The home page. POST creates a workspace; with HTMX the panel (form and table) re-renders."""
    template = "workspaces/workspace_list.html"
    form = WorkspaceCreateForm(request.POST or None)
    status = 200
    created = None
    if request.method == "POST":
        if request.user.account is None:
            raise AccessDenied("pai:CreateWorkspace", "acs:pai:*:*:workspace/*")
        if form.is_valid():
            try:
                workspace = workspace_create(
                    actor=request.user, account=request.user.account,
                    name=form.cleaned_data["name"], description=form.cleaned_data["description"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except AccessDenied as exc:
                access_denied_record(actor=request.user, error=exc, request=request)
                form.add_error(None, str(exc))
                status = 403
            else:
                if not request.htmx:
                    messages.success(request, _("Workspace %(name)s created.") % {"name": workspace.name})
                    return redirect("workspace-list")
                form, created = WorkspaceCreateForm(), workspace
        if form.errors and status == 200:
            status = 400
        if request.htmx:
            # htmx swaps 2xx answers only; the errors are in the partial.
            response = render(request, f"{template}#workspace-panel", _list_context(request, form, created))
            if created is not None:
                from console.feedback import toast

                toast(response, _("Workspace %(name)s created.") % {"name": created.name})
            return response
    return render(request, template, _list_context(request, form), status=status)


@login_required
def workspace_detail(request, workspace_id: int):
    workspace = workspace_get_authorized(request.user, workspace_id)
    bus = getattr(workspace, "event_bus", None)  # the reverse one-to-one raises when there is none
    return render(request, "workspaces/workspace_detail.html", {
        "workspace": workspace,
        "event_bus": bus,
        "status": eventbridge_status_get(account=workspace.account),
        "role_name": SERVICE_LINKED_ROLE_NAME,
        "active_tab": "overview",
    })
