"""EAS service update: a running EAS service of the rule's workspace, switched to the newly
approved model version. The target keeps the service's id and name in its config; the services
themselves are read through the port."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from notifications.channels.schema import CleanedConfig, ConfigField, ConfigSchema

from .port import eas_port


def _service_id(target):
    return target.config.get("eas_service")


class EasUpdateConfig(ConfigSchema):
    fields = (
        ConfigField("eas_service", "EAS service", widget="eas_service", picks=True,
                    placeholder="Choose a running EAS service", api_value="a running EAS service id",
                    help="A running EAS service of this workspace; it is switched to each newly approved version."),
    )

    def clean_values(self, values, *, context, stored_secrets):
        service = eas_port().service_in_workspace(workspace=context.workspace, service_id=values["eas_service"])
        if service is None:
            raise ValidationError({"eas_service": ["Choose an EAS service of this workspace."]})
        if not service.running:
            message = f"EAS service {service.name} is not running; choose a running one."
            raise ValidationError({"eas_service": [message]})
        return CleanedConfig(config={"eas_service": service.id, "eas_service_name": service.name}, secrets={})

    def choices(self, name, *, context):
        return [(str(service.id), service.name) for service in eas_port().running_services(workspace=context.workspace)]

    def initial_values(self, target) -> dict:
        service_id = _service_id(target)
        return {"eas_service": "" if service_id is None else str(service_id)}

    def masked(self, target) -> dict:
        return {"eas_service": _service_id(target), "eas_service_name": target.config.get("eas_service_name", "")}

    def summary(self, target) -> str:
        return target.config.get("eas_service_name", "")

    def recipient_label(self, target) -> str:
        return target.config.get("eas_service_name", "")
