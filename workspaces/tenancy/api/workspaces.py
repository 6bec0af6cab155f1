"""/api/v1/workspaces/: list and create the account's workspaces; read one (404 for another
account's)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from console.accounts import account_of
from console.api import Conflict
from console.api.errors import ERRORS_READ, ERRORS_WRITE
from workspaces.tenancy.api.serializers import (
    WorkspaceCreateSerializer,
    WorkspaceSerializer,
)
from workspaces.tenancy.selectors import workspace_get_authorized, workspaces_list_authorized
from workspaces.tenancy.services.workspaces import WorkspaceNameTaken, workspace_create


class WorkspaceListCreateView(generics.ListAPIView):
    serializer_class = WorkspaceSerializer

    def get_queryset(self):
        return workspaces_list_authorized(self.request.user).select_related("created_by", "event_bus").order_by("name")

    @extend_schema(summary="List the account's workspaces", responses={200: WorkspaceSerializer(many=True),
                                                                      **ERRORS_READ})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Create a workspace",
        description="The name is unique within the account: letters, digits and underscores, starting with "
                    "a letter, 3 to 23 characters. When the account has activated EventBridge, the bus "
                    "`pai-system-<name>` is created with it.",
        request=WorkspaceCreateSerializer,
        responses={201: WorkspaceSerializer, **ERRORS_WRITE,
                   409: OpenApiResponse(ERRORS_WRITE[400], description="The name is taken in this account.")},
    )
    def post(self, request, *args, **kwargs):
        account = account_of(request.user)
        name = request.data.get("name") if hasattr(request.data, "get") else None
        # Refuse the unauthorized before judging the rest of their input (403, not 400).
        workspace_create.authorize(request.user, account=account, name=name)
        data = WorkspaceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            workspace = workspace_create(actor=request.user, account=account, **data.validated_data)
        except WorkspaceNameTaken as taken:
            raise Conflict(taken.message_dict["name"][0]) from None
        return Response(WorkspaceSerializer(workspace).data, status=status.HTTP_201_CREATED)


class WorkspaceDetailView(generics.RetrieveAPIView):
    serializer_class = WorkspaceSerializer

    def get_object(self):
        return workspace_get_authorized(self.request.user, self.kwargs["workspace_id"])

    @extend_schema(summary="Read a workspace", parameters=[
        OpenApiParameter("workspace_id", OpenApiTypes.INT, OpenApiParameter.PATH),
    ], responses={
        200: WorkspaceSerializer, **ERRORS_READ,
        404: OpenApiResponse(ERRORS_READ[404], description="No such workspace in your account."),
    })
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
