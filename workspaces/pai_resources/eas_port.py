"""The EAS services as the notification channel *EAS service update* sees them: the port it declares
(`notifications.channels.eas_update.port`), provided here over the EAS service and registered by
`WorkspacesConfig.ready`. The switch itself is `eas_service_switch_version`, with the delivery id."""

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
from workspaces.pai_resources.models import EasService, EasServiceRevision, ModelVersion
from workspaces.pai_resources.services.eas import eas_service_switch_version
from workspaces.pai_resources.services.transitions import StateConflict


def _ref(service: EasService) -> EasServiceRef:
    return EasServiceRef(id=service.pk, name=service.name, running=service.status == EasService.Status.RUNNING)


def _version(data: dict) -> ModelVersion | None:
    version_id = data.get("versionId") or data.get("resourceId")
    if not str(version_id or "").isdigit():
        return None
    return ModelVersion.objects.select_related("model").filter(pk=int(version_id)).first()


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
        version = _version(request.event_data)
        if version is None:
            raise SwitchRefused("the event names no model version of this workspace")
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
                service=service, model_version=version, delivery_id=request.delivery_id,
                reason=f"Model version {version} approved (event {request.event_id})",
                remote_response=remote_response,
            )
        except (StateConflict, ValidationError) as exc:
            raise SwitchRefused(str(getattr(exc, "messages", [exc])[0])) from None
        return SwitchOutcome(service.name, str(version), revision.number, remote_response=remote_response)
