"""EAS service update: when a model version is approved, switch the target's running EAS service to
it and record a revision (PRODUCT.md 4; PROTOCOLS.md 4.2).

The switch goes through the EAS port (`port.py`): it checks the service and the version first; then,
when `settings.EAS_API_URL` is set, this adapter makes the switch on that API with UpdateService
(`PUT {EAS_API_URL}/api/v2/services/{region}/{name}`, a merge update of the service config,
PROTOCOLS.md 4.5), and the port records the revision with that answer. A delivery switches once: a
repeat finds the revision already recorded and sends nothing.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings

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

from .port import SwitchPlan, SwitchRefused, SwitchRequest, eas_port


def update_service_url(service_name: str) -> str:
    return f"{settings.EAS_API_URL.rstrip('/')}/api/v2/services/{quote(settings.EAS_REGION)}/{quote(service_name)}"


def _service_id(target_config: dict) -> int | None:
    raw = target_config.get("eas_service_id") or target_config.get("eas_service")
    return int(raw) if str(raw or "").isdigit() else None


class EasUpdateAdapter(ChannelAdapter):
    key = "eas_update"

    def _service_name(self, target_config: dict) -> str:
        name = target_config.get("eas_service_name", "")
        if not name and _service_id(target_config) is not None:
            service = eas_port().service_get(service_id=_service_id(target_config))
            name = service.name if service else ""
        return name

    def _shown(self, name: str) -> str:
        return mask_url(update_service_url(name)) if settings.EAS_API_URL else f"eas:{name}"

    def destination(self, target_config: dict, secrets: dict) -> str:
        return self._shown(self._service_name(target_config))

    def send(self, message, target_config: dict, secrets: dict, context: SendContext | None = None) -> SendResult:
        context = context or SendContext()
        service_id = _service_id(target_config)
        if service_id is None:
            raise DeliveryError("the EAS service no longer exists", permanent=True)
        request = SwitchRequest(service_id=service_id, event_id=message.event_id,
                                event_data=(message.envelope or {}).get("data") or {},
                                delivery_id=context.delivery_id, origin=context.event_origin,
                                publisher_id=context.publisher_id)
        remote: list[SendResult] = []

        def update_remote(plan: SwitchPlan) -> str:
            remote.append(self._update_remote(plan, context))
            return remote[0].response_body

        shown = self.destination(target_config, secrets)
        try:
            outcome = eas_port().switch(request, update_remote=update_remote if settings.EAS_API_URL else None)
        except SwitchRefused as refusal:
            raise DeliveryError(str(refusal), permanent=True, request_url=shown) from None
        shown = self._shown(outcome.service_name)
        if outcome.already:
            return SendResult(request_url=shown, detail=f"already switched (revision {outcome.revision})",
                              response_body=trim(outcome.remote_response))
        detail = f"switched {outcome.service_name} to {outcome.version_label} (revision {outcome.revision})"
        if remote:
            remote[0].detail = detail
            return remote[0]
        return SendResult(request_url=shown, detail=detail)

    def _update_remote(self, plan: SwitchPlan, context: SendContext) -> SendResult:
        shown = self._shown(plan.service_name)
        config = {"name": plan.service_name, "model_path": plan.model_path}
        headers = {"Content-Type": "application/json"}
        if settings.EAS_API_TOKEN:
            headers["Authorization"] = settings.EAS_API_TOKEN
        url = update_service_url(plan.service_name)
        answer = http_send("PUT", url, body=json_bytes(config), headers=headers, masked_url=shown,
                           context=context.for_operator())  # EAS_API_URL is the operator's
        data = json_body(answer) or {}
        judge_http_status(answer, masked_url=shown, provider_code=str(data.get("Code", "")))
        return SendResult(request_url=shown, http_status=answer.status, provider_code=str(data.get("Code", "")),
                          response_body=trim(answer.text))
