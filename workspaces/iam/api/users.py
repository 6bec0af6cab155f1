"""/api/v1/users/: the account's users (list, create a sub-user, read) and attaching policies."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from console.accounts import account_of
from console.api import serializers as api_serializers
from console.api.errors import errors
from workspaces.iam.selectors import policy_get_by_reference, user_get, user_list
from workspaces.iam.services.policies import policy_attach, policy_detach
from workspaces.iam.services.users import subuser_create
from workspaces.models import User


class UserSerializer(api_serializers.ModelSerializer):
    policies = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    # A plain string: a sub-user may have no email ("" is not an "email" to a schema validator).
    email = serializers.CharField(read_only=True, help_text="May be empty")
    sign_in_name = serializers.CharField(read_only=True, help_text="What the user signs in with: `name@<account "
                                                                   "alias>` for a sub-user, the name for the owner")

    class Meta:
        model = User
        fields = ["id", "username", "sign_in_name", "email", "is_account_owner", "policies", "date_joined"]
        read_only_fields = fields


class SubuserCreateSerializer(api_serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, min_length=8, style={"input_type": "password"})
    email = serializers.EmailField(required=False, allow_blank=True)


class PolicyReferenceSerializer(api_serializers.Serializer):
    policy = serializers.CharField(help_text="The policy's id or name")


def _fields(request) -> dict:
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": ["Send a JSON object."]})
    return request.data


def _text(data: dict, field: str) -> str:
    value = data.get(field, "")
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise ValidationError({field: ["must be a string"]})
    if "\x00" in str(value):
        raise ValidationError({field: ["must not contain NUL characters"]})
    return str(value)


@extend_schema(tags=["users"])
class UserListCreateView(generics.ListCreateAPIView):
    serializer_class = UserSerializer

    def get_queryset(self):
        return user_list(actor=self.request.user)

    @extend_schema(operation_id="users_list", summary="List the account's users",
                   responses={200: UserSerializer(many=True), **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="users_create", summary="Create a sub-user (RAM user)",
                   request=SubuserCreateSerializer, responses={201: UserSerializer, **errors(400)})
    def post(self, request, *args, **kwargs):
        data = _fields(request)
        user = subuser_create(
            actor=request.user,
            account=account_of(request.user),
            username=_text(data, "username"),
            password=_text(data, "password"),
            email=_text(data, "email"),
        )
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["users"])
class UserDetailView(generics.RetrieveAPIView):
    serializer_class = UserSerializer

    def get_object(self):
        return user_get(actor=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(operation_id="users_retrieve", summary="Read a user and its policies",
                   responses={200: UserSerializer, **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _PolicyLinkView(APIView):
    link = None  # the service; its declared check is made before the input is looked at

    def post(self, request, pk):
        user = user_get(actor=request.user, pk=pk, authorize_read=False)
        type(self).link.authorize(request.user, user=user)
        reference = _text(_fields(request), "policy")
        if not reference:
            raise ValidationError({"policy": ["This field is required: the policy's id or name."]})
        policy = policy_get_by_reference(account=user.account, reference=reference)
        type(self).link(actor=request.user, policy=policy, user=user)
        user.refresh_from_db()
        return Response(UserSerializer(user).data)


@extend_schema(tags=["users"])
class UserAttachPolicyView(_PolicyLinkView):
    link = policy_attach

    @extend_schema(operation_id="users_attach_policy", summary="Attach a policy to a sub-user",
                   request=PolicyReferenceSerializer, responses={200: UserSerializer, **errors(400, 404)})
    def post(self, request, pk):
        return super().post(request, pk)


@extend_schema(tags=["users"])
class UserDetachPolicyView(_PolicyLinkView):
    link = policy_detach

    @extend_schema(operation_id="users_detach_policy", summary="Detach a policy from a sub-user",
                   request=PolicyReferenceSerializer, responses={200: UserSerializer, **errors(400, 404)})
    def post(self, request, pk):
        return super().post(request, pk)
