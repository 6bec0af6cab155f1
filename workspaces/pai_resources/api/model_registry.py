"""Models and versions over the API. Changing a version's approval status mirrors PAI's
UpdateModelVersion (`PUT .../models/{model_id}/versions/{version_id}/`: models and versions both by their
numeric `id`); a final status answers 409."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from console.api import serializers as api_serializers
from console.api.errors import errors
from console.api.serializers import state_field
from workspaces.models import Model, ModelVersion
from workspaces.pai_resources.selectors import model_get, model_version_get, models_list
from workspaces.pai_resources.services.model_registry import (
    model_create,
    model_create_authorize,
    model_version_create,
    model_version_set_status,
)

from .common import ResourceSerializer, UsernameField, WorkspaceScoped, state_change
from .generic import detail_view, list_view


class ModelVersionSerializer(api_serializers.ModelSerializer):
    created_by = UsernameField()
    approval_status = state_field(ModelVersion.ApprovalStatus.values)
    source_type = state_field(ModelVersion.SourceType.values)
    model_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = ModelVersion
        fields = ["id", "model_id", "version_name", "approval_status", "source_type", "uri", "created_by",
                  "created_at", "updated_at"]
        read_only_fields = fields


class ModelSerializer(ResourceSerializer):

    class Meta:
        model = Model
        fields = ["id", "workspace_id", "name", "description", "created_by", "created_at"]
        read_only_fields = fields


class ModelDetailSerializer(ModelSerializer):
    versions = ModelVersionSerializer(many=True, read_only=True)

    class Meta(ModelSerializer.Meta):
        fields = [*ModelSerializer.Meta.fields, "versions"]
        read_only_fields = fields


class ModelCreateSerializer(api_serializers.Serializer):
    name = serializers.CharField(max_length=128)
    description = serializers.CharField(max_length=512, required=False, allow_blank=True, default="")


class ModelVersionCreateSerializer(api_serializers.Serializer):
    version_name = serializers.CharField(max_length=64)
    approval_status = serializers.ChoiceField(choices=["Pending", "Approved"], default="Pending")
    source_type = serializers.ChoiceField(choices=ModelVersion.SourceType.values, default="Custom")
    uri = serializers.CharField(max_length=512, required=False, allow_blank=True, default="")


class ModelVersionStatusSerializer(api_serializers.Serializer):
    approval_status = serializers.ChoiceField(choices=ModelVersion.ApprovalStatus.values)


ModelListView = list_view(
    "ModelListView", ModelSerializer, models_list, ModelCreateSerializer, model_create, model_create_authorize,
    "model", created_serializer=ModelDetailSerializer, list_summary="List the workspace's models",
    list_description="Models registered in AI Asset Management, newest first.",
    create_summary="Register a model",
    create_description="A model name unique in the workspace; versions are added separately.")
ModelDetailView = detail_view(
    "ModelDetailView", ModelDetailSerializer, model_get, "model_id", "model",
    summary="Read a model and its versions", description="The model with every version and its approval status.")


class ModelVersionListView(WorkspaceScoped, generics.ListAPIView):
    serializer_class = ModelVersionSerializer

    def get_model(self) -> Model:
        return model_get(workspace=self.workspace, actor=self.request.user, model_id=self.kwargs["model_id"])

    def get_queryset(self):
        return self.get_model().versions.all()

    @extend_schema(summary="List a model's versions",
                   description="The model's versions, newest first, with their approval status.",
                   responses={200: ModelVersionSerializer(many=True), **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Add a model version (Pending or Approved; no event is raised)",
                   description="A new version; its approval status starts Pending unless Approved is given.",
                   request=ModelVersionCreateSerializer, responses={201: ModelVersionSerializer, **errors(400, 404)})
    def post(self, request, *args, **kwargs):
        model = self.get_model()
        data = ModelVersionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = model_version_create(model=model, actor=request.user, **data.validated_data)
        return Response(ModelVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class ModelVersionDetailView(WorkspaceScoped, generics.GenericAPIView):
    serializer_class = ModelVersionSerializer

    def get_object(self):
        model = model_get(workspace=self.workspace, actor=self.request.user, model_id=self.kwargs["model_id"])
        return model_version_get(model=model, actor=self.request.user, version_id=self.kwargs["version_id"])

    @extend_schema(summary="Read a model version",
                   description="One version by its `id`, as a model is by its own.",
                   responses={200: ModelVersionSerializer, **errors(404)})
    def get(self, request, *args, **kwargs):
        return Response(ModelVersionSerializer(self.get_object()).data)

    @extend_schema(
        summary="Change a version's approval status (UpdateModelVersion)",
        description="Pending to Approved raises Model Version Approved for Publishing and Model Version Status "
                    "Changed; Pending to Rejected raises Model Version Status Changed. Approved and Rejected are "
                    "final: 409, nothing changes and no event is raised.",
        request=ModelVersionStatusSerializer, responses={200: ModelVersionSerializer, **errors(400, 404, 409)},
    )
    def put(self, request, *args, **kwargs):
        version = self.get_object()
        data = ModelVersionStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        state_change(lambda: model_version_set_status(
            version=version, approval_status=data.validated_data["approval_status"], actor=request.user))
        return Response(ModelVersionSerializer(version).data)

    @extend_schema(summary="Change a version's approval status (same as PUT)",
                   description="The same change as PUT: Pending to Approved or Rejected, raising the model events.",
                   request=ModelVersionStatusSerializer,
                   responses={200: ModelVersionSerializer, **errors(400, 404, 409)})
    def patch(self, request, *args, **kwargs):
        return self.put(request, *args, **kwargs)
