"""Models and model versions (AI Asset Management) and their approval status.

A version is registered as Pending or Approved; later it may move from Pending to Approved or to
Rejected, once: Approved and Rejected are final (PROTOCOLS.md 4.2). Pending to Approved raises
*Model Version Approved for Publishing* and *Model Version Status Changed*; Pending to Rejected
raises *Model Version Status Changed*. Registering a version as Approved raises nothing: PAI fires
on the change.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications.services.events import publish
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import MODEL, MODEL_VERSION, Check, operation
from workspaces.iam.permissions import workspace_arn
from workspaces.models import Model, ModelVersion

from .console_paths import console_path
from .transitions import StateConflict

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
NAME_RULE = "1 to 128 letters, digits, dots, hyphens or underscores, starting with a letter or digit"
VERSION_RULE = "1 to 64 letters, digits, dots, hyphens or underscores, starting with a letter or digit"

Status = ModelVersion.ApprovalStatus
# Registration may choose these; everything after goes through APPROVAL_TRANSITIONS.
INITIAL_STATUSES = (Status.PENDING, Status.APPROVED)
APPROVAL_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.APPROVED, Status.REJECTED}),
    Status.APPROVED: frozenset(),
    Status.REJECTED: frozenset(),
}
# The events each allowed change raises, in order.
APPROVAL_EVENTS: dict[str, tuple[str, ...]] = {
    Status.APPROVED: ("ModelVersionApproved", "ModelVersionStatusChanged"),
    Status.REJECTED: ("ModelVersionStatusChanged",),
}


def resource_name_checked(name, *, noun: str, pattern: re.Pattern = NAME_RE, rule: str = NAME_RULE) -> str:
    """The name as stored (stripped) when it is valid, else ValidationError({"name": [...]}). Checked
    before authorizing: a name goes into the resource ARN that policies are matched against, so
    nothing longer or stranger than a valid name is ever matched."""
    name = name.strip() if isinstance(name, str) else ""
    if not pattern.match(name):
        raise ValidationError({"name": [f"{noun} name must be {rule}."]})
    return name


def requested_resource_name(name, *, noun: str) -> str:
    """What a create is authorized on before the rest of its input is judged: the checked name, or
    "*" when the request names none yet (a refusal is then 403 whatever else is wrong)."""
    if not isinstance(name, str) or not name.strip() or name == "*":
        return "*"
    return resource_name_checked(name, noun=noun)


def model_arn(workspace, name: str) -> str:
    return workspace_arn("paimodel", workspace, f"model/{name}")


def model_version_arn(model: Model, version_name: str) -> str:
    return f"{model_arn(model.workspace, model.name)}/version/{version_name}"


def _version_values(model, version_name="*", **_) -> dict:
    return {"account": model.workspace.account, "workspace": model.workspace.name, "model": model.name,
            "version": version_name}


@operation(Check("paimodel:CreateModel", MODEL), values=lambda workspace, name="", **_: {
    "account": workspace.account, "workspace": workspace.name, "model": requested_resource_name(name, noun="Model")})
def model_create(*, workspace, name: str, description: str = "", actor=None) -> Model:
    name = resource_name_checked(name, noun="Model")
    if len(description or "") > 512:
        raise ValidationError({"description": ["Description must be at most 512 characters."]})
    if Model.objects.filter(workspace=workspace, name=name).exists():
        raise ValidationError({"name": [f"A model named {name} already exists in workspace {workspace.name}."]})
    with transaction.atomic():
        model = Model.objects.create(workspace=workspace, name=name, description=description or "",
                                     created_by=actor if getattr(actor, "pk", None) else None)
        audit_record(actor=actor, account=workspace.account, action="model.create", obj=model,
                     changes={"name": [None, name]})
    return model


# Views ask before judging the rest of the input (a refusal is 403, not 400); a name given is checked first.
model_create_authorize = model_create.authorize


# What a page asks Add Version for before a name is typed: any version of the model (`version/*`). Not a
# string, so no request can send it.
ANY_VERSION = object()


def _new_version_values(model, version_name="", **_) -> dict:
    if version_name is ANY_VERSION:
        return _version_values(model, "*")
    version_name = version_name.strip() if isinstance(version_name, str) else ""
    if not VERSION_RE.match(version_name):  # before authorizing: the name goes into the ARN
        raise ValidationError({"version_name": [f"Version name must be {VERSION_RULE}."]})
    return _version_values(model, version_name)


@operation(Check("paimodel:CreateModelVersion", MODEL_VERSION), values=_new_version_values)
def model_version_create(
    *, model: Model, version_name: str, approval_status: str = Status.PENDING,
    source_type: str = ModelVersion.SourceType.CUSTOM, uri: str = "", actor=None,
) -> ModelVersion:
    """Add a version, Pending (the default) or Approved. No event: PAI raises them on a change."""
    version_name = version_name.strip() if isinstance(version_name, str) else ""
    errors: dict[str, list[str]] = {}
    if ModelVersion.objects.filter(model=model, version_name=version_name).exists():
        errors["version_name"] = [f"Model {model.name} already has a version {version_name}."]
    if approval_status not in INITIAL_STATUSES:
        errors["approval_status"] = [
            f"A new version is registered as Pending or Approved, not {approval_status or 'empty'}."
        ]
    if source_type not in ModelVersion.SourceType.values:
        errors["source_type"] = [f"Source type must be one of {', '.join(ModelVersion.SourceType.values)}."]
    if len(uri or "") > 512:
        errors["uri"] = ["URI must be at most 512 characters."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        version = ModelVersion.objects.create(
            model=model, version_name=version_name, approval_status=approval_status, source_type=source_type,
            uri=uri or "", created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(actor=actor, account=model.workspace.account, action="model_version.create", obj=version,
                     changes={"approval_status": [None, approval_status]})
    return version


def _refusal(version: ModelVersion, current: str, target: str) -> StateConflict:
    final = " (Approved and Rejected are final)" if current in (Status.APPROVED, Status.REJECTED) else ""
    return StateConflict(f"cannot move model version {version} from {current} to {target}: "
                         f"it is already {current}{final}")


@operation(Check("paimodel:UpdateModelVersion", MODEL_VERSION),
           values=lambda version, **_: _version_values(version.model, version.version_name))
def model_version_set_status(*, version: ModelVersion, approval_status: str, actor=None) -> ModelVersion:
    """Pending to Approved or Pending to Rejected, raising the model events in the same transaction.
    Any other change raises StateConflict naming the current state; nothing is written."""
    model = version.model
    workspace = model.workspace
    if approval_status not in Status.values:
        raise ValidationError({"approval_status": [
            f"Approval status must be one of {', '.join(Status.values)}, not {approval_status or 'empty'}."
        ]})
    with transaction.atomic():
        # A conditional UPDATE: of two concurrent changes of a Pending version, exactly one wins.
        current = ModelVersion.objects.filter(pk=version.pk).values_list("approval_status", flat=True).first()
        if approval_status not in APPROVAL_TRANSITIONS.get(current, ()):
            raise _refusal(version, current, approval_status)
        changed = ModelVersion.objects.filter(pk=version.pk, approval_status=current).update(
            approval_status=approval_status, updated_at=timezone.now()
        )
        if not changed:
            current = ModelVersion.objects.filter(pk=version.pk).values_list("approval_status", flat=True).first()
            raise _refusal(version, current, approval_status)
        version.refresh_from_db()
        path = console_path("model-detail", workspace_id=workspace.pk, model_id=model.pk)
        for type_name in APPROVAL_EVENTS[approval_status]:
            publish(
                workspace=workspace, source="model", type_name=type_name, resource_id=version.pk,
                resource_name=str(version), old_status=current, new_status=approval_status, actor=actor,
                resource_owner=version.created_by or model.created_by, model=model, console_path=path,
                extra={"modelId": str(model.pk), "modelName": model.name, "versionId": str(version.pk),
                       "versionName": version.version_name, "approvalStatus": approval_status},
            )
        audit_record(actor=actor, account=workspace.account, action="model_version.set_status", obj=version,
                     changes={"approval_status": [current, approval_status]})
    return version
