"""Model Development and Training > Visualized Modeling (Designer): flow tasks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workspaces.models import FlowTask
from workspaces.pai_resources.selectors import flow_task_get, flow_tasks_list
from workspaces.pai_resources.services.flow import ACTIONS, TRANSITIONS, flow_task_create, flow_task_set_status
from workspaces.pai_resources.services.transitions import allowed_targets
from workspaces.tenancy.selectors import workspace_get_for_user

from .common import action_perform, lifecycle_actions
from .forms import FlowTaskCreateForm, form_add_service_errors


@login_required
@require_http_methods(["GET", "POST"])
def flow_task_list(request, workspace_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    tasks = flow_tasks_list(workspace=workspace, actor=request.user)
    form = FlowTaskCreateForm(request.POST or None, initial={"run": True})
    if request.method == "POST" and form.is_valid():
        try:
            task = flow_task_create(workspace=workspace, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, f"Flow task {task.name} created ({task.status}).")
            return redirect("flow-task-detail", workspace_id=workspace.pk, task_id=task.pk)
    return render(request, "workspaces/resources/flow_list.html",
                  {"workspace": workspace, "tasks": tasks, "form": form})


@login_required
@require_GET
def flow_task_detail(request, workspace_id, task_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    task = flow_task_get(workspace=workspace, actor=request.user, task_id=task_id)
    return render(request, "workspaces/resources/flow_detail.html", {
        "workspace": workspace, "task": task,
        "actions": lifecycle_actions(ACTIONS, allowed_targets(TRANSITIONS, task.status, FlowTask.Status.values)),
    })


@login_required
@require_POST
def flow_task_status(request, workspace_id, task_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    task = flow_task_get(workspace=workspace, actor=request.user, task_id=task_id)
    target = request.POST.get("status", "")
    action_perform(request, lambda: flow_task_set_status(task=task, status=target, actor=request.user),
                   success=f"Flow task {task.name} is now {target}.")
    return redirect("flow-task-detail", workspace_id=workspace.pk, task_id=task.pk)
