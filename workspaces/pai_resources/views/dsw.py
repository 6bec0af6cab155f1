"""Model Development and Training > Interactive Modeling (DSW): what only instances have, image saving
(its buttons on the detail page, and the change they post)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workspaces.models import DswInstance
from workspaces.pai_resources.selectors import dsw_instance_get
from workspaces.pai_resources.services.dsw import IMAGE_ACTIONS, IMAGE_TRANSITIONS, dsw_image_set_status
from workspaces.pai_resources.services.transitions import allowed_targets
from workspaces.tenancy.selectors import workspace_get_for_user

from .common import action_perform, lifecycle_actions, state_label


def dsw_image_actions(instance, user=None) -> dict:
    """The image-saving buttons of an instance's page (saving starts only while it is Running)."""
    image_allowed = allowed_targets(IMAGE_TRANSITIONS, instance.image_status, DswInstance.ImageStatus.values)
    if instance.status != DswInstance.Status.RUNNING:
        image_allowed = [s for s in image_allowed if s != DswInstance.ImageStatus.SAVING]
    return {"image_actions": lifecycle_actions(IMAGE_ACTIONS, image_allowed)}


@login_required
@require_POST
def dsw_image(request, workspace_id, instance_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    instance = dsw_instance_get(workspace=workspace, actor=request.user, instance_id=instance_id)
    target = request.POST.get("image_status", "")
    action_perform(request,
                   lambda: dsw_image_set_status(instance=instance, image_status=target, actor=request.user),
                   success=_("Image of %(name)s: %(status)s.") % {"name": instance.name, "status": state_label(target)})
    return redirect("dsw-detail", workspace_id=workspace.pk, instance_id=instance.pk)
