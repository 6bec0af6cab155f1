"""EAS service update: when a model version is approved, switch the target's running EAS service to
it and record a revision (PRODUCT.md 4; PROTOCOLS.md 4.2).

When `settings.EAS_API_URL` is set the switch is also made on that API first, with UpdateService
(`PUT {EAS_API_URL}/api/v2/services/{region}/{name}`, a merge update of the service config,
PROTOCOLS.md 4.5); its answer is kept on the revision. The local switch goes through the workspaces
service `eas_service_switch_version` with the delivery id, so delivering twice switches once (a
repeat finds the revision already recorded and sends nothing).
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError

from notifications.channels.base import (
    ChannelAdapter,
    DeliveryError,
    SendContext,
    SendResult,
    http_send,
    json_body,
    json_bytes,
    judge_http_status,
    mask_url,
    trim,
)


def update_service_url(service_name: str) -> str:
    return f"{settings.EAS_API_URL.rstrip('/')}/api/v2/services/{quote(settings.EAS_REGION)}/{quote(service_name)}"


class EasUpdateAdapter(ChannelAdapter):
    key = "eas"

    def _service(self, target_config: dict):
        from workspaces.models import EasService

        service_id = target_config.get("eas_service_id") or target_config.get("eas_service")
        return EasService.objects.select_related("workspace").filter(pk=service_id).first() if service_id else None

    def destination(self, target_config: dict, secrets: dict) -> str:
        service = self._service(target_config)
        name = service.name if service else target_config.get("eas_service_name", "")
        return mask_url(update_service_url(name)) if settings.EAS_API_URL else f"eas:{name}"

    def _version(self, message):
        from workspaces.models import ModelVersion

        data = (message.envelope or {}).get("data") or {}
        version_id = data.get("versionId") or data.get("resourceId")
        if not str(version_id or "").isdigit():
            return None
        return ModelVersion.objects.select_related("model").filter(pk=int(version_id)).first()

    def send(self, message, target_config: dict, secrets: dict, context: SendContext | None = None) -> SendResult:
        from workspaces.models import EasServiceRevision, ModelVersion
        from workspaces.pai_resources.services.eas import eas_service_switch_version
        from workspaces.pai_resources.services.transitions import StateConflict

        context = context or SendContext()
        service = self._service(target_config)
        if service is None:
            raise DeliveryError("the EAS service no longer exists", permanent=True)
        shown = self.destination(target_config, secrets)
        version = self._version(message)
        if version is None:
            raise DeliveryError("the event names no model version of this workspace", permanent=True,
                                request_url=shown)
        if version.approval_status != ModelVersion.ApprovalStatus.APPROVED:
            raise DeliveryError(f"model version {version} is {version.approval_status}, not Approved", permanent=True,
                                request_url=shown)
        if context.delivery_id is not None:
            done = EasServiceRevision.objects.filter(service=service, delivery_id=context.delivery_id).first()
            if done is not None:
                return SendResult(request_url=shown, detail=f"already switched (revision {done.number})",
                                  response_body=trim(done.remote_response))
        if service.status != service.Status.RUNNING:
            raise DeliveryError(f"EAS service {service.name} is {service.status}, not Running", permanent=True,
                                request_url=shown)
        remote = self._update_remote(service, version, shown, context) if settings.EAS_API_URL else None
        try:
            revision = eas_service_switch_version(
                service=service, model_version=version, delivery_id=context.delivery_id,
                reason=f"Model version {version} approved (event {message.event_id})",
                remote_response=remote.response_body if remote else "",
            )
        except (StateConflict, ValidationError) as exc:
            raise DeliveryError(str(getattr(exc, "messages", [exc])[0]), permanent=True, request_url=shown) from None
        detail = f"switched {service.name} to {version} (revision {revision.number})"
        if remote:
            remote.detail = detail
            return remote
        return SendResult(request_url=shown, detail=detail)

    def _update_remote(self, service, version, shown: str, context: SendContext) -> SendResult:
        config = {"name": service.name, "model_path": version.uri or f"pai-model://{version.model.name}/"
                                                                      f"{version.version_name}"}
        headers = {"Content-Type": "application/json"}
        if settings.EAS_API_TOKEN:
            headers["Authorization"] = settings.EAS_API_TOKEN
        url = update_service_url(service.name)
        answer = http_send("PUT", url, body=json_bytes(config), headers=headers, masked_url=shown, context=context)
        data = json_body(answer) or {}
        judge_http_status(answer, masked_url=shown, provider_code=str(data.get("Code", "")))
        return SendResult(request_url=shown, http_status=answer.status, provider_code=str(data.get("Code", "")),
                          response_body=trim(answer.text))
