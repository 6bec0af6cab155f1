"""The EAS services as the notification channel *EAS service update* sees them: the port it declares
(`notifications.channels.eas_update.port`), provided here over the EAS services and registered by
`WorkspacesConfig.ready`.

A switch acts within the tenant and the rights of whoever published the event (security review
findings F2 and F3). Everything is checked before the channel's UpdateService call: the service
exists; an event a user put with PutEvents is theirs to act on only with `eas:UpdateService` on the
service (an event of unknown origin never switches); the version is looked up in the service's own
workspace, and in the model the event names, answering one neutral refusal for a version that is
absent and one of another tenant; it is Approved; the service runs. The switch itself is
`eas_service_switch_version`, with the delivery id (a delivery switches once), its audit entry
naming the event and its publisher.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError

from notifications.channels.eas_update.port import (
    EasServiceRef,
    SwitchOutcome,
    SwitchPlan,
    SwitchRefused,
    SwitchRequest,
)
from workspaces.iam.audit import access_denied_record
from workspaces.iam.models import User
from workspaces.iam.permissions import AccessDenied
from workspaces.pai_resources.models import EasService, EasServiceRevision, ModelVersion
from workspaces.pai_resources.services.eas import eas_service_switch_version
from workspaces.pai_resources.services.transitions import StateConflict

PLATFORM, PUT_EVENTS = "platform", "put_events"  # notifications' Event.Origin values
NO_SUCH_VERSION = "the event names no model version of this workspace"


def _ref(service: EasService) -> EasServiceRef:
    return EasServiceRef(id=service.pk, name=service.name, running=service.status == EasService.Status.RUNNING)


def _digits(value) -> int | None:
    text = str(value if value is not None else "")
    return int(text) if text.isdigit() else None


def _version(service: EasService, data: dict) -> ModelVersion:
    """The version the event names, of the model it names, in the service's own workspace; else the
    same refusal whether it is absent, another tenant's or another model's."""
    version_id = _digits(data.get("versionId") or data.get("resourceId"))
    versions = ModelVersion.objects.select_related("model").filter(model__workspace_id=service.workspace_id)
    if "modelId" in data:
        versions = versions.filter(model_id=_digits(data["modelId"]))
    version = versions.filter(pk=version_id).first() if version_id is not None else None
    if version is None:
        raise SwitchRefused(NO_SUCH_VERSION)
    return version


def _publisher(service: EasService, request: SwitchRequest) -> tuple[User | None, str]:
    """Who the switch acts for (None: the platform) and how the audit log names them."""
    if request.origin == PLATFORM:
        return None, "platform"
    if request.origin != PUT_EVENTS:
        raise SwitchRefused("the event was recorded before its publisher was: switch the service by hand")
    user = User.objects.select_related("account").filter(pk=request.publisher_id).first()
    if user is None or not user.is_active:
        raise SwitchRefused("the user who put the event with PutEvents no longer exists or is disabled")
    try:
        eas_service_switch_version.authorize(user, service=service)
    except AccessDenied as refusal:
        access_denied_record(actor=user, error=refusal)
        raise SwitchRefused(f"{user.username} put the event with PutEvents and may not switch this service: "
                            f"{refusal}") from None
    return user, f"{user.username} (PutEvents)"


def _model_path(version: ModelVersion) -> str:
    return version.uri or f"pai-model://{version.model.name}/{version.version_name}"


class WorkspacesEasPort:
    def service_get(self, *, service_id) -> EasServiceRef | None:
        service = EasService.objects.filter(pk=service_id).first()
        return _ref(service) if service else None

    def service_in_workspace(self, *, workspace, service_id) -> EasServiceRef | None:
        try:
            service = EasService.objects.get(pk=int(service_id), workspace=workspace)
        except (EasService.DoesNotExist, ValueError, TypeError):
            return None
        return _ref(service)

    def running_services(self, *, workspace) -> list[EasServiceRef]:
        services = EasService.objects.filter(workspace=workspace, status=EasService.Status.RUNNING)
        return [_ref(service) for service in services]

    def switch(self, request: SwitchRequest, *,
               update_remote: Callable[[SwitchPlan], str] | None = None) -> SwitchOutcome:
        service = EasService.objects.select_related("workspace", "workspace__account").filter(
            pk=request.service_id).first()
        if service is None:
            raise SwitchRefused("the EAS service no longer exists")
        actor, publisher = _publisher(service, request)
        version = _version(service, request.event_data)
        if version.approval_status != ModelVersion.ApprovalStatus.APPROVED:
            raise SwitchRefused(f"model version {version} is {version.approval_status}, not Approved")
        if request.delivery_id is not None:
            done = EasServiceRevision.objects.filter(service=service, delivery_id=request.delivery_id).first()
            if done is not None:
                return SwitchOutcome(service.name, str(done.model_version or version), done.number, already=True,
                                     remote_response=done.remote_response)
        if service.status != EasService.Status.RUNNING:
            raise SwitchRefused(f"EAS service {service.name} is {service.status}, not Running")
        plan = SwitchPlan(service_name=service.name, version_label=str(version), model_path=_model_path(version))
        remote_response = update_remote(plan) if update_remote is not None else ""
        try:
            revision = eas_service_switch_version(
                service=service, model_version=version, delivery_id=request.delivery_id, actor=actor,
                reason=f"Model version {version} approved (event {request.event_id})",
                remote_response=remote_response, cause={"event": request.event_id, "publisher": publisher},
            )
        except (StateConflict, ValidationError, AccessDenied) as exc:
            raise SwitchRefused(str(getattr(exc, "messages", [exc])[0])) from None
        return SwitchOutcome(service.name, str(version), revision.number, remote_response=remote_response)
