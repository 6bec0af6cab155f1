"""EAS services over the API: deploy bound to a model version, switch version (a revision), stop and
start."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from console.api import serializers as api_serializers
from console.api.errors import errors
from console.api.serializers import state_field
from workspaces.models import EasService, EasServiceRevision
from workspaces.pai_resources.selectors import eas_service_get, eas_services_list
from workspaces.pai_resources.services.eas import (
    ACTIONS,
    eas_service_create,
    eas_service_create_authorize,
    eas_service_set_status,
    eas_service_switch_version,
)

from .common import ResourceSerializer, WorkspaceScoped, model_version_in_workspace, state_change
from .generic import change_view, detail_view, list_view


class EasServiceRevisionSerializer(api_serializers.ModelSerializer):
    model_version_id = serializers.IntegerField(read_only=True, allow_null=True)
    model_version = serializers.StringRelatedField(read_only=True)
    previous_version_id = serializers.IntegerField(read_only=True, allow_null=True)
    previous_version = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = EasServiceRevision
        fields = ["number", "model_version_id", "model_version", "previous_version_id", "previous_version", "reason",
                  "delivery_id", "remote_response", "created_at"]
        read_only_fields = fields


class EasServiceSerializer(ResourceSerializer):
    status = state_field(EasService.Status.values)
    model_version_id = serializers.IntegerField(read_only=True, allow_null=True)
    model_version = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = EasService
        fields = ["id", "workspace_id", "name", "status", "model_version_id", "model_version", "created_by",
                  "created_at", "updated_at"]
        read_only_fields = fields


class EasServiceDetailSerializer(EasServiceSerializer):
    revisions = EasServiceRevisionSerializer(many=True, read_only=True)

    class Meta(EasServiceSerializer.Meta):
        fields = [*EasServiceSerializer.Meta.fields, "revisions"]
        read_only_fields = fields


class EasServiceCreateSerializer(api_serializers.Serializer):
    name = serializers.CharField(max_length=128)
    model_version_id = serializers.IntegerField(min_value=1)


class EasSwitchVersionSerializer(api_serializers.Serializer):
    model_version_id = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=256, required=False, allow_blank=True, default="Switched by hand")


class EasStatusSerializer(api_serializers.Serializer):
    status = serializers.ChoiceField(choices=list(ACTIONS), help_text="Stopped stops the service; Running starts it.")


def _deploy(*, workspace, actor, name, model_version_id):
    return eas_service_create(workspace=workspace, name=name, actor=actor,
                              model_version=model_version_in_workspace(workspace, model_version_id))


EasServiceListView = list_view(
    "EasServiceListView", EasServiceSerializer, eas_services_list, EasServiceCreateSerializer, _deploy,
    eas_service_create_authorize, "EAS service", created_serializer=EasServiceDetailSerializer,
    list_description="The workspace's EAS services, newest first, each with the model version it serves.",
    create_summary="Deploy a running EAS service on a model version",
    create_description="Creates a Running service on a model version of this workspace.")
EasServiceDetailView = detail_view(
    "EasServiceDetailView", EasServiceDetailSerializer, eas_service_get, "service_id", "EAS service",
    summary="Read an EAS service and its revisions",
    description="The service, its status and every model version it has served.")
EasStatusView = change_view(
    "EasStatusView", EasServiceSerializer, eas_service_get, "service_id", EasStatusSerializer, "status",
    eas_service_set_status, "service", "Stop or start an EAS service",
    description="Running to Stopped or back; any other move is 409 naming the allowed ones.")


class EasSwitchVersionView(WorkspaceScoped, APIView):
    @extend_schema(summary="Switch a running service to another model version (records a revision)",
                   description="The version must belong to this workspace; a stopped service is 409.",
                   request=EasSwitchVersionSerializer, responses={200: EasServiceDetailSerializer,
                                                                  **errors(400, 404, 409)})
    def post(self, request, workspace_id, service_id):
        service = eas_service_get(workspace=self.workspace, actor=request.user, service_id=service_id)
        data = EasSwitchVersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = model_version_in_workspace(self.workspace, data.validated_data["model_version_id"])
        state_change(lambda: eas_service_switch_version(
            service=service, model_version=version, reason=data.validated_data["reason"] or "Switched by hand",
            actor=request.user))
        service = eas_service_get(workspace=self.workspace, actor=request.user, service_id=service_id)
        return Response(EasServiceDetailSerializer(service).data)
