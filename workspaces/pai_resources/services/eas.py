"""EAS (Elastic Algorithm Service) inference services bound to a model version, and their history.

Every switch of version is a numbered revision. The delivery path's *EAS service update* target
calls `eas_service_switch_version` with its delivery id: delivering the same event twice switches
once. EAS raises no catalog events.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from workspaces.iam.audit import audit_record
from workspaces.iam.operations import EAS_SERVICE, Check, operation
from workspaces.iam.permissions import workspace_arn
from workspaces.models import EasService, EasServiceRevision, ModelVersion

from .model_registry import requested_resource_name, resource_name_checked
from .transitions import StateConflict, transition_apply

S = EasService.Status
KIND = "EAS service"
TRANSITIONS: dict[str, frozenset[str]] = {S.RUNNING: frozenset({S.STOPPED}), S.STOPPED: frozenset({S.RUNNING})}
ACTIONS: dict[str, str] = {S.STOPPED: gettext_noop("Stop"), S.RUNNING: gettext_noop("Start")}


def eas_service_arn(workspace, name: str) -> str:
    return workspace_arn("eas", workspace, f"service/{name}")


def _version_in_workspace(workspace, model_version) -> ModelVersion:
    if model_version is None or model_version.model.workspace_id != workspace.pk:
        raise ValidationError({"model_version": ["Choose a model version of this workspace."]})
    return model_version


def _service_values(service, **_) -> dict:
    return {"account": service.workspace.account, "workspace": service.workspace.name, "service": service.name}


@operation(Check("eas:CreateService", EAS_SERVICE), values=lambda workspace, name="", **_: {
    "account": workspace.account, "workspace": workspace.name,
    "service": requested_resource_name(name, noun="Service")})
def eas_service_create(*, workspace, name: str, model_version: ModelVersion, actor=None) -> EasService:
    """A running service serving `model_version`; its first revision records that."""
    name = resource_name_checked(name, noun="Service")
    if EasService.objects.filter(workspace=workspace, name=name).exists():
        raise ValidationError({"name": [f"An EAS service named {name} already exists in workspace {workspace.name}."]})
    _version_in_workspace(workspace, model_version)
    with transaction.atomic():
        service = EasService.objects.create(workspace=workspace, name=name, model_version=model_version,
                                            created_by=actor if getattr(actor, "pk", None) else None)
        EasServiceRevision.objects.create(service=service, number=1, model_version=model_version,
                                          reason="Service created")
        audit_record(actor=actor, account=workspace.account, action="eas_service.create", obj=service,
                     changes={"model_version": [None, str(model_version)]})
    return service


# Views ask before judging the rest of the input (a refusal is 403, not 400); a name given is checked first.
eas_service_create_authorize = eas_service_create.authorize


@operation(Check("eas:UpdateService", EAS_SERVICE), values=_service_values)
def eas_service_switch_version(
    *, service: EasService, model_version: ModelVersion, reason: str, delivery_id: int | None = None,
    actor=None, remote_response: str = "", cause: dict | None = None,
) -> EasServiceRevision:
    """Switch a running service to `model_version`, recording a revision. With a `delivery_id` the
    switch happens once per delivery: a repeat returns the revision already recorded. A stopped
    service is refused with StateConflict (the update target names a *running* service). `cause`
    ({"event": ..., "publisher": ...} for an EAS update target) is written into the audit entry."""
    workspace = service.workspace
    _version_in_workspace(workspace, model_version)
    if delivery_id is not None:
        done = EasServiceRevision.objects.filter(service=service, delivery_id=delivery_id).first()
        if done is not None:
            return done
    try:
        with transaction.atomic():
            locked = EasService.objects.select_for_update().get(pk=service.pk)
            if locked.status != S.RUNNING:
                raise StateConflict(f"cannot switch EAS service {locked.name}: it is {locked.status}, not Running")
            previous = locked.model_version
            number = (locked.revisions.aggregate(top=Max("number"))["top"] or 0) + 1
            revision = EasServiceRevision.objects.create(
                service=locked, number=number, model_version=model_version, previous_version=previous,
                reason=(reason or "")[:256], delivery_id=delivery_id, remote_response=remote_response or "",
            )
            EasService.objects.filter(pk=locked.pk).update(model_version=model_version, updated_at=timezone.now())
            audit_record(actor=actor, account=workspace.account, action="eas_service.switch_version", obj=locked,
                         changes={"model_version": [str(previous) if previous else None, str(model_version)],
                                  **{key: [None, value] for key, value in (cause or {}).items()}})
    except IntegrityError:
        # Another worker recorded this delivery's switch first (unique service + delivery_id).
        if delivery_id is None:
            raise
        return EasServiceRevision.objects.get(service=service, delivery_id=delivery_id)
    service.refresh_from_db()
    return revision


@operation(Check("eas:UpdateService", EAS_SERVICE), values=_service_values)
def eas_service_set_status(*, service: EasService, status: str, actor=None) -> EasService:
    """Stop or start a service."""
    if status not in ACTIONS:
        raise ValidationError({"status": [f"Status must be one of {', '.join(ACTIONS)}, not {status or 'empty'}."]})
    with transaction.atomic():
        old = transition_apply(obj=service, kind=KIND, table=TRANSITIONS, target=status)
        audit_record(actor=actor, account=service.workspace.account, action="eas_service.set_status", obj=service,
                     changes={"status": [old, status]})
    return service
