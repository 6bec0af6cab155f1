"""DSW (Interactive Modeling) instances: their status, and saving their image.

Creating an instance raises *Creating*; every later move raises the catalog event of the state it
enters. Saving the image (only while the instance runs) raises *Saving Image*, then *Image Saved
Successfully* or *Image Save Failed*.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from notifications.services.events import publish
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import DSW_INSTANCE, Check, operation
from workspaces.iam.permissions import workspace_arn
from workspaces.models import DswInstance

from .console_paths import console_path
from .model_registry import requested_resource_name, resource_name_checked
from .transitions import StateConflict, allowed_targets, transition_apply

S = DswInstance.Status
I = DswInstance.ImageStatus  # noqa: E741  (as the model names it)
KIND = "DSW instance"
IMAGE_KIND = "DSW instance image"

TRANSITIONS: dict[str, frozenset[str]] = {
    S.CREATING: frozenset({S.RUNNING, S.FAILED}),
    S.RUNNING: frozenset({S.STOPPING, S.FAILED}),
    S.STOPPING: frozenset({S.STOPPED, S.FAILED}),
    S.STOPPED: frozenset({S.RUNNING}),  # started again
    S.FAILED: frozenset(),
}
# The state an action enters -> (the action's label, the event it raises).
ACTIONS: dict[str, tuple[str, str]] = {
    S.RUNNING: (gettext_noop("Mark running"), "InstanceRunning"),
    S.STOPPING: (gettext_noop("Stop"), "InstanceStopping"),
    S.STOPPED: (gettext_noop("Mark stopped"), "InstanceStopped"),
    S.FAILED: (gettext_noop("Fail"), "InstanceFailed"),
}

IMAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    I.NONE: frozenset({I.SAVING}),
    I.SAVING: frozenset({I.SAVED, I.SAVE_FAILED}),
    I.SAVED: frozenset({I.SAVING}),
    I.SAVE_FAILED: frozenset({I.SAVING}),
}
IMAGE_ACTIONS: dict[str, tuple[str, str]] = {
    I.SAVING: (gettext_noop("Save image"), "ImageSaving"),
    I.SAVED: (gettext_noop("Image saved"), "ImageSaved"),
    I.SAVE_FAILED: (gettext_noop("Image save failed"), "ImageSaveFailed"),
}


def dsw_instance_arn(workspace, name: str) -> str:
    return workspace_arn("paidsw", workspace, f"instance/{name}")


def _publish(instance: DswInstance, *, type_name: str, old: str, new: str, actor) -> None:
    publish(
        workspace=instance.workspace, source="dsw_instance", type_name=type_name, resource_id=instance.pk,
        resource_name=instance.name, old_status=old, new_status=new, actor=actor,
        resource_owner=instance.created_by,
        console_path=console_path("dsw-detail", workspace_id=instance.workspace_id, instance_id=instance.pk),
        extra={"instanceStatus": instance.status, "imageStatus": instance.image_status},
    )


def _instance_values(instance, **_) -> dict:
    return {"account": instance.workspace.account, "workspace": instance.workspace.name, "instance": instance.name}


@operation(Check("paidsw:CreateInstance", DSW_INSTANCE), values=lambda workspace, name="", **_: {
    "account": workspace.account, "workspace": workspace.name,
    "instance": requested_resource_name(name, noun="Instance")})
def dsw_instance_create(*, workspace, name: str, actor=None) -> DswInstance:
    name = resource_name_checked(name, noun="Instance")
    with transaction.atomic():
        instance = DswInstance.objects.create(workspace=workspace, name=name,
                                              created_by=actor if getattr(actor, "pk", None) else None)
        _publish(instance, type_name="InstanceCreating", old="", new=S.CREATING, actor=actor)
        audit_record(actor=actor, account=workspace.account, action="dsw_instance.create", obj=instance,
                     changes={"status": [None, S.CREATING]})
    return instance


# Views ask before judging the rest of the input (a refusal is 403, not 400); a name given is checked first.
dsw_instance_create_authorize = dsw_instance_create.authorize


@operation(Check("paidsw:UpdateInstance", DSW_INSTANCE), values=_instance_values)
def dsw_instance_set_status(*, instance: DswInstance, status: str, actor=None) -> DswInstance:
    if status not in ACTIONS:
        raise ValidationError({"status": [f"Status must be one of {', '.join(ACTIONS)}, not {status or 'empty'}."]})
    with transaction.atomic():
        old = transition_apply(obj=instance, kind=KIND, table=TRANSITIONS, target=status)
        _publish(instance, type_name=ACTIONS[status][1], old=old, new=status, actor=actor)
        audit_record(actor=actor, account=instance.workspace.account, action="dsw_instance.set_status",
                     obj=instance, changes={"status": [old, status]})
    return instance


@operation(Check("paidsw:UpdateInstance", DSW_INSTANCE), values=_instance_values)
def dsw_image_set_status(*, instance: DswInstance, image_status: str, actor=None) -> DswInstance:
    """Save the image (Saving) and finish saving it (Saved or SaveFailed)."""
    if image_status not in IMAGE_ACTIONS:
        raise ValidationError({"image_status": [
            f"Image status must be one of {', '.join(IMAGE_ACTIONS)}, not {image_status or 'empty'}."
        ]})
    with transaction.atomic():
        status = DswInstance.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
        if image_status == I.SAVING and status != S.RUNNING:
            # The instance's state is what refuses: `current` names it, `allowed` its moves (the way to Running).
            allowed = allowed_targets(TRANSITIONS, status, list(TRANSITIONS))
            raise StateConflict(f"cannot save the image of a DSW instance that is {status}: it must be Running; "
                                + (f"from {status} it may move to: {', '.join(allowed)}" if allowed
                                   else f"{status} is final, it allows no move"),
                                current=status, allowed=allowed)
        old = transition_apply(obj=instance, kind=IMAGE_KIND, table=IMAGE_TRANSITIONS, target=image_status,
                               field="image_status")
        _publish(instance, type_name=IMAGE_ACTIONS[image_status][1], old=old, new=image_status, actor=actor)
        audit_record(actor=actor, account=instance.workspace.account, action="dsw_instance.set_image_status",
                     obj=instance, changes={"image_status": [old, image_status]})
    return instance
