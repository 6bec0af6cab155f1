"""/api/v1/policies/: RAM policy documents (list, create, read, change, delete) and `validate`.

The services check every field and authorize first, so a user who may not write policies learns
nothing about their input: the serializers here describe the schema and shape the answers.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from console.accounts import account_of
from console.api import Conflict
from console.api import serializers as api_serializers
from console.api.errors import errors
from workspaces.iam.selectors import policy_get, policy_get_for_change, policy_list
from workspaces.iam.services.policies import (
    PolicyInUse,
    policy_create,
    policy_delete,
    policy_update,
    policy_validate,
    policy_validate_authorize,
)
from workspaces.models import Policy

DOCUMENT_HELP = (
    'A policy document: {"Version": "1", "Statement": [{"Effect", "Action", "Resource"}]} (or its JSON text)'
)


class PolicySerializer(api_serializers.ModelSerializer):
    users = serializers.SlugRelatedField(many=True, read_only=True, slug_field="username")
    document = serializers.JSONField(help_text=DOCUMENT_HELP)

    class Meta:
        model = Policy
        fields = ["id", "name", "description", "document", "users", "created_at", "updated_at"]
        read_only_fields = fields


class PolicyCreateSerializer(api_serializers.Serializer):
    name = serializers.CharField(max_length=128, help_text="Letters, digits and hyphens; unique in the account")
    description = serializers.CharField(max_length=1024, required=False, allow_blank=True)
    document = serializers.JSONField(help_text=DOCUMENT_HELP)


class PolicyUpdateSerializer(api_serializers.Serializer):
    description = serializers.CharField(max_length=1024, required=False, allow_blank=True)
    document = serializers.JSONField(required=False, help_text=DOCUMENT_HELP)


class PolicyValidateSerializer(api_serializers.Serializer):
    document = serializers.JSONField(help_text=DOCUMENT_HELP)


def _fields(request, serializer_class) -> dict:
    """The request's JSON object; a field `serializer_class` does not declare is refused by name."""
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": ["Send a JSON object."]})
    known = serializer_class().fields
    unknown = sorted(str(key) for key in request.data if key not in known)
    if unknown:
        accepted = ", ".join(sorted(known))
        raise ValidationError({key: [f"Unknown field. This endpoint accepts: {accepted}."] for key in unknown})
    return request.data


def _text(value, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: ["must be a string"]})
    if "\x00" in value:
        raise ValidationError({field: ["must not contain NUL characters"]})
    return value


@extend_schema(tags=["policies"])
class PolicyListCreateView(generics.ListCreateAPIView):
    serializer_class = PolicySerializer

    def get_queryset(self):
        return policy_list(actor=self.request.user).prefetch_related("users")

    @extend_schema(operation_id="policies_list", summary="List the account's policies", responses={
        200: PolicySerializer(many=True), **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="policies_create", summary="Create a policy", request=PolicyCreateSerializer,
                   responses={201: PolicySerializer, **errors(400)})
    def post(self, request, *args, **kwargs):
        data = _fields(request, PolicyCreateSerializer)
        policy = policy_create(
            actor=request.user,
            account=account_of(request.user),
            name=_text(data.get("name"), "name"),
            description=_text(data.get("description"), "description"),
            document=data.get("document", ""),
        )
        return Response(PolicySerializer(policy).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["policies"])
class PolicyDetailView(generics.RetrieveAPIView):
    serializer_class = PolicySerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self):
        return policy_get(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(operation_id="policies_retrieve", summary="Read a policy",
                   responses={200: PolicySerializer, **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="policies_partial_update", summary="Change a policy's document or description",
                   request=PolicyUpdateSerializer, responses={200: PolicySerializer, **errors(400, 404)})
    def patch(self, request, *args, **kwargs):
        policy = policy_get_for_change(actor=request.user, pk=kwargs["pk"])
        data = _fields(request, PolicyUpdateSerializer)
        description = data.get("description")
        policy = policy_update(
            actor=request.user,
            policy=policy,
            document=data.get("document"),
            description=None if description is None else _text(description, "description"),
        )
        return Response(PolicySerializer(policy).data)

    @extend_schema(operation_id="policies_destroy", summary="Delete a policy (detach it from every user first)",
                   responses={204: None, **errors(404, 409)})
    def delete(self, request, *args, **kwargs):
        policy = policy_get_for_change(actor=request.user, pk=kwargs["pk"])
        try:
            policy_delete(actor=request.user, policy=policy)
        except PolicyInUse as error:
            raise Conflict(error.messages[0])
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["policies"])
class PolicyValidateView(APIView):
    """Check a document without saving it. Needs ram:CreatePolicy or ram:UpdatePolicy."""

    @extend_schema(
        operation_id="policies_validate",
        summary="Validate a policy document",
        request=PolicyValidateSerializer,
        responses={
            200: OpenApiResponse(inline_serializer(name="PolicyValid", fields={
                "valid": serializers.BooleanField(), "document": serializers.JSONField()})),
            **errors(400),
        },
    )
    def post(self, request):
        policy_validate_authorize(actor=request.user, account=account_of(request.user))
        data = _fields(request, PolicyValidateSerializer)
        if "document" not in data:
            raise ValidationError({"document": ["This field is required."]})
        try:
            document = policy_validate(data["document"])
        except ValidationError as error:
            raise ValidationError({"document": error.messages})
        return Response({"valid": True, "document": document})
