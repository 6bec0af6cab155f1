"""Model Development and Training > Interactive Modeling (DSW): instances and image saving."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from workspaces.models import DswInstance
from workspaces.pai_resources.selectors import dsw_instance_get
from workspaces.pai_resources.services.dsw import (
    ACTIONS,
    IMAGE_ACTIONS,
    IMAGE_TRANSITIONS,
    TRANSITIONS,
    dsw_image_set_status,
)
from workspaces.pai_resources.services.transitions import allowed_targets
from workspaces.tenancy.selectors import workspace_get_for_user

from .common import action_perform, lifecycle_actions
from .kinds import detail_context


@login_required
@require_GET
def dsw_detail(request, workspace_id, instance_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    instance = dsw_instance_get(workspace=workspace, actor=request.user, instance_id=instance_id)
    image_allowed = allowed_targets(IMAGE_TRANSITIONS, instance.image_status, DswInstance.ImageStatus.values)
    if instance.status != DswInstance.Status.RUNNING:
        image_allowed = [s for s in image_allowed if s != DswInstance.ImageStatus.SAVING]
    return render(request, "workspaces/resources/dsw_detail.html", detail_context("dsw", instance, {
        "workspace": workspace, "instance": instance,
        "actions": lifecycle_actions(ACTIONS, allowed_targets(TRANSITIONS, instance.status,
                                                              DswInstance.Status.values)),
        "image_actions": lifecycle_actions(IMAGE_ACTIONS, image_allowed),
    }, user=request.user))


@login_required
@require_POST
def dsw_image(request, workspace_id, instance_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    instance = dsw_instance_get(workspace=workspace, actor=request.user, instance_id=instance_id)
    target = request.POST.get("image_status", "")
    action_perform(request,
                   lambda: dsw_image_set_status(instance=instance, image_status=target, actor=request.user),
                   success=f"Image of {instance.name}: {target}.")
    return redirect("dsw-detail", workspace_id=workspace.pk, instance_id=instance.pk)
