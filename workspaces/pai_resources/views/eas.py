"""Model Deployment > Elastic Algorithm Service: running services, their version and history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from workspaces.pai_resources.selectors import eas_service_get, model_versions_in_workspace
from workspaces.pai_resources.services.eas import (
    ACTIONS,
    TRANSITIONS,
    eas_service_switch_version,
)
from workspaces.pai_resources.services.transitions import StateConflict, allowed_targets
from workspaces.tenancy.selectors import workspace_get_for_user

from .common import lifecycle_actions
from .forms import EasSwitchVersionForm, form_add_service_errors
from .kinds import detail_context


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
    return render(request, "workspaces/resources/eas_detail.html", detail_context("eas", service, {
        "workspace": workspace, "service": service, "form": form,
        "actions": lifecycle_actions(ACTIONS, allowed_targets(TRANSITIONS, service.status, ACTIONS)),
    }, user=request.user))
