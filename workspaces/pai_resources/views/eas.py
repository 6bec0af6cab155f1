"""Model Deployment > Elastic Algorithm Service: running services, their version and history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from workspaces.pai_resources.selectors import eas_service_get, eas_services_list, model_versions_in_workspace
from workspaces.pai_resources.services.eas import (
    ACTIONS,
    TRANSITIONS,
    eas_service_create,
    eas_service_set_status,
    eas_service_switch_version,
)
from workspaces.pai_resources.services.transitions import StateConflict, allowed_targets
from workspaces.tenancy.selectors import workspace_get_for_user

from .common import action_perform, lifecycle_actions
from .forms import EasServiceCreateForm, EasSwitchVersionForm, form_add_service_errors


@login_required
@require_http_methods(["GET", "POST"])
def eas_service_list(request, workspace_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    services = eas_services_list(workspace=workspace, actor=request.user)
    form = EasServiceCreateForm(request.POST or None, versions=model_versions_in_workspace(workspace=workspace))
    if request.method == "POST" and form.is_valid():
        try:
            service = eas_service_create(workspace=workspace, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, f"EAS service {service.name} is running.")
            return redirect("eas-service-detail", workspace_id=workspace.pk, service_id=service.pk)
    return render(request, "workspaces/resources/eas_list.html",
                  {"workspace": workspace, "services": services, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def eas_service_detail(request, workspace_id, service_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    service = eas_service_get(workspace=workspace, actor=request.user, service_id=service_id)
    form = EasSwitchVersionForm(request.POST or None, versions=model_versions_in_workspace(workspace=workspace),
                                initial={"model_version": service.model_version_id})
    if request.method == "POST" and form.is_valid():
        try:
            revision = eas_service_switch_version(service=service, actor=request.user,
                                                  model_version=form.cleaned_data["model_version"],
                                                  reason=form.cleaned_data["reason"] or "Switched by hand")
        except ValidationError as error:
            form_add_service_errors(form, error)
        except StateConflict as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request,
                             f"Revision {revision.number}: {service.name} now serves {revision.model_version}.")
            return redirect("eas-service-detail", workspace_id=workspace.pk, service_id=service.pk)
    return render(request, "workspaces/resources/eas_detail.html", {
        "workspace": workspace, "service": service, "form": form,
        "actions": lifecycle_actions(ACTIONS, allowed_targets(TRANSITIONS, service.status, ACTIONS)),
    })


@login_required
@require_POST
def eas_service_status(request, workspace_id, service_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    service = eas_service_get(workspace=workspace, actor=request.user, service_id=service_id)
    target = request.POST.get("status", "")
    action_perform(request, lambda: eas_service_set_status(service=service, status=target, actor=request.user),
                   success=f"EAS service {service.name} is now {target}.")
    return redirect("eas-service-detail", workspace_id=workspace.pk, service_id=service.pk)
