"""Serializers of the tenancy API: workspaces, EventBridge status and activation, the service-linked
role and event buses."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from console.api import serializers as api_serializers
from workspaces.models import EventBus, Workspace
from workspaces.tenancy.services.workspaces import DESCRIPTION_MAX, NAME_PATTERN, NAME_RULE


class WorkspaceSerializer(api_serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    event_bus = serializers.SerializerMethodField(help_text="pai-system-<name>, once EventBridge is activated.")

    class Meta:
        model = Workspace
        fields = ["id", "name", "description", "created_by", "created_at", "event_bus"]
        read_only_fields = fields

    def get_event_bus(self, workspace) -> str | None:
        bus = getattr(workspace, "event_bus", None)
        return bus.name if bus else None


@extend_schema_field({"type": "string", "pattern": f"^{NAME_PATTERN.pattern}$", "minLength": 3, "maxLength": 23,
                      "description": NAME_RULE})
class WorkspaceNameField(serializers.CharField):
    """Checked by the workspace service, which words the message; the schema documents the rule."""


class WorkspaceCreateSerializer(api_serializers.Serializer):
    name = WorkspaceNameField(min_length=3, max_length=23, error_messages={
        "required": f"The workspace name is required. {NAME_RULE}",
        "blank": f"The workspace name is required. {NAME_RULE}",
        "min_length": f"The workspace name is too short. {NAME_RULE}",
        "max_length": f"The workspace name is too long. {NAME_RULE}",
    })
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=DESCRIPTION_MAX)


class EventBusSerializer(api_serializers.ModelSerializer):
    workspace_name = serializers.CharField(source="workspace.name", read_only=True)
    arn = serializers.CharField(read_only=True)

    class Meta:
        model = EventBus
        fields = ["id", "name", "workspace", "workspace_name", "arn", "description", "created_at"]
        read_only_fields = fields


class EventBridgeStatusSerializer(api_serializers.Serializer):
    activated = serializers.BooleanField()
    activated_at = serializers.DateTimeField(allow_null=True)
    event_bus_count = serializers.IntegerField()
    service_linked_role_granted = serializers.BooleanField(source="role_granted")
    step = serializers.ChoiceField(
        choices=["activate", "grant", "ready"],
        help_text="What the account needs next: activate (ServiceNotEnable), grant (Grant Access), ready.",
    )


class ActivationSerializer(EventBridgeStatusSerializer):
    activated_now = serializers.BooleanField(help_text="False when EventBridge was already activated.")
    event_buses_created = serializers.ListField(child=serializers.CharField())


class ServiceLinkedRoleSerializer(api_serializers.Serializer):
    name = serializers.CharField()
    granted = serializers.BooleanField()
    arn = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField(allow_null=True)


class ServiceLinkedRoleGrantSerializer(ServiceLinkedRoleSerializer):
    created_now = serializers.BooleanField(help_text="False when the role already existed.")
