"""Model Development and Training > Deep Learning Containers: jobs, their lifecycle and timeout."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from workspaces.pai_resources.selectors import dlc_job_get
from workspaces.pai_resources.services.dlc import (
    ACTIONS,
    TRANSITIONS,
    dlc_job_set_timeout,
)
from workspaces.pai_resources.services.transitions import StateConflict, allowed_targets
from workspaces.tenancy.selectors import workspace_get_for_user

from .common import lifecycle_actions
from .forms import DlcSchedulingForm, form_add_service_errors
from .kinds import detail_context


@login_required
@require_http_methods(["GET", "POST"])
def dlc_job_detail(request, workspace_id, job_id):
    """The job, its lifecycle buttons, and its scheduling settings (POST here changes the timeout)."""
    workspace = workspace_get_for_user(request.user, workspace_id)
    job = dlc_job_get(workspace=workspace, actor=request.user, job_id=job_id)
    form = DlcSchedulingForm(request.POST or None, initial={"timeout_minutes": job.timeout_minutes})
    if request.method == "POST" and form.is_valid():
        try:
            dlc_job_set_timeout(job=job, timeout_minutes=form.cleaned_data["timeout_minutes"], actor=request.user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        except StateConflict as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Scheduling settings saved.")
            return redirect("dlc-job-detail", workspace_id=workspace.pk, job_id=job.pk)
    return render(request, "workspaces/resources/dlc_detail.html", detail_context("dlc", job, {
        "workspace": workspace, "job": job, "form": form,
        "actions": lifecycle_actions(ACTIONS, allowed_targets(TRANSITIONS, job.status, list(ACTIONS))),
    }, user=request.user))
