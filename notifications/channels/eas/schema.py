"""EAS service update: a running EAS service of the rule's workspace, switched to the newly
approved model version."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from notifications.channels.schema import CleanedConfig, ConfigField, ConfigSchema

from .port import eas_port


class EasUpdateConfig(ConfigSchema):
    fields = (
        ConfigField("eas_service", "EAS service", widget="eas_service",
                    help="A running EAS service of this workspace; it is switched to each newly approved version."),
    )

    def clean_values(self, values, *, context, stored_secrets):
        service = eas_port().service_in_workspace(workspace=context.workspace, service_id=values["eas_service"])
        if service is None:
            raise ValidationError({"eas_service": ["Choose an EAS service of this workspace."]})
        if not service.running:
            message = f"EAS service {service.name} is not running; choose a running one."
            raise ValidationError({"eas_service": [message]})
        return CleanedConfig(config={"eas_service": service.id, "eas_service_name": service.name}, secrets={},
                             eas_service=service.id)

    def initial_values(self, target) -> dict:
        return {"eas_service": str(target.eas_service_id or target.config.get("eas_service", ""))}

    def masked(self, target) -> dict:
        return {"eas_service": target.eas_service_id, "eas_service_name": target.config.get("eas_service_name", "")}

    def summary(self, target) -> str:
        return target.config.get("eas_service_name", "")
