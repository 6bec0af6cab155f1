"""Model Development and Training > Visualized Modeling (Designer): flow tasks."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from workspaces.models import FlowTask
from workspaces.pai_resources.selectors import flow_task_get
from workspaces.pai_resources.services.flow import ACTIONS, TRANSITIONS
from workspaces.pai_resources.services.transitions import allowed_targets
from workspaces.tenancy.selectors import workspace_get_for_user

from .common import lifecycle_actions
from .kinds import detail_context


@login_required
@require_GET
def flow_task_detail(request, workspace_id, task_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    task = flow_task_get(workspace=workspace, actor=request.user, task_id=task_id)
    return render(request, "workspaces/resources/flow_detail.html", detail_context("flow", task, {
        "workspace": workspace, "task": task,
        "actions": lifecycle_actions(ACTIONS, allowed_targets(TRANSITIONS, task.status, FlowTask.Status.values)),
    }, user=request.user))
