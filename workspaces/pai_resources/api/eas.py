"""EAS services over the API: deploy bound to a model version, switch version (a revision), stop and
start."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
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

from .common import (
    UsernameField,
    WorkspaceScoped,
    model_version_in_workspace,
    requested_name,
    state_change,
)


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


class EasServiceSerializer(api_serializers.ModelSerializer):
    created_by = UsernameField()
    status = state_field(EasService.Status.values)
    workspace_id = serializers.IntegerField(read_only=True)
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


class EasServiceListView(WorkspaceScoped, generics.ListAPIView):
    serializer_class = EasServiceSerializer

    def get_queryset(self):
        return eas_services_list(workspace=self.workspace, actor=self.request.user)

    @extend_schema(summary="List EAS services",
                   description="The workspace's EAS services, newest first, each with the model version it serves.",
                   responses={200: EasServiceSerializer(many=True), **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Deploy a running EAS service on a model version",
                   description="Creates a Running service on a model version of this workspace.",
                   request=EasServiceCreateSerializer,
                   responses={201: EasServiceDetailSerializer, **errors(400, 404)})
    def post(self, request, *args, **kwargs):
        eas_service_create_authorize(actor=request.user, workspace=self.workspace, name=requested_name(request))
        data = EasServiceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = model_version_in_workspace(self.workspace, data.validated_data["model_version_id"])
        service = eas_service_create(workspace=self.workspace, name=data.validated_data["name"],
                                     model_version=version, actor=request.user)
        return Response(EasServiceDetailSerializer(service).data, status=status.HTTP_201_CREATED)


class EasServiceDetailView(WorkspaceScoped, generics.RetrieveAPIView):
    serializer_class = EasServiceDetailSerializer

    def get_object(self):
        return eas_service_get(workspace=self.workspace, actor=self.request.user, service_id=self.kwargs["service_id"])

    @extend_schema(summary="Read an EAS service and its revisions",
                   description="The service, its status and every model version it has served.",
                   responses={200: EasServiceDetailSerializer, **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


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


class EasStatusView(WorkspaceScoped, APIView):
    @extend_schema(summary="Stop or start an EAS service",
                   description="Running to Stopped or back; any other move is 409 naming the allowed ones.",
                   request=EasStatusSerializer,
                   responses={200: EasServiceSerializer, **errors(400, 404, 409)})
    def post(self, request, workspace_id, service_id):
        service = eas_service_get(workspace=self.workspace, actor=request.user, service_id=service_id)
        data = EasStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        state_change(lambda: eas_service_set_status(service=service, status=data.validated_data["status"],
                                                    actor=request.user))
        return Response(EasServiceSerializer(service).data)
