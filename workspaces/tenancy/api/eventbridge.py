"""/api/v1/eventbridge/ (status, activate), /api/v1/service-linked-role/ (status, Grant Access),
/api/v1/event-buses/ (the account's buses)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from console.accounts import account_of
from console.api.errors import ERRORS_AUTH, ERRORS_READ
from workspaces.tenancy.api.serializers import (
    ActivationSerializer,
    EventBridgeStatusSerializer,
    EventBusSerializer,
    ServiceLinkedRoleGrantSerializer,
    ServiceLinkedRoleSerializer,
)
from workspaces.tenancy.models import SERVICE_LINKED_ROLE_NAME
from workspaces.tenancy.selectors import (
    event_buses_list,
    eventbridge_status_get,
    service_role_get,
    service_role_read,
)
from workspaces.tenancy.services.eventbridge import eventbridge_activate, service_role_grant


def _status_data(account) -> dict:
    return EventBridgeStatusSerializer(eventbridge_status_get(account=account)).data


def _activate(request) -> Response:
    result = eventbridge_activate(actor=request.user, account=account_of(request.user))
    status = eventbridge_status_get(account=result.account)
    return Response(ActivationSerializer({
        **vars(status),
        "step": status.step,
        "activated_now": result.activated_now,
        "event_buses_created": [bus.name for bus in result.buses_created],
    }).data)


class EventBridgeView(APIView):
    @extend_schema(summary="EventBridge status of the account", responses={200: EventBridgeStatusSerializer,
                                                                          **ERRORS_AUTH})
    def get(self, request):
        return Response(_status_data(account_of(request.user)))

    @extend_schema(
        summary="Activate EventBridge (Activate for Free)",
        description="Creates the bus `pai-system-<workspace name>` for every workspace of the account. "
                    "Idempotent: activating again changes nothing. Needs `eventbridge:CreateEventBus`.",
        request=None,
        responses={200: ActivationSerializer, **ERRORS_AUTH},
    )
    def post(self, request):
        return _activate(request)


class EventBridgeActivateView(APIView):
    @extend_schema(summary="Activate EventBridge (same as POST /api/v1/eventbridge/)", request=None,
                   responses={200: ActivationSerializer, **ERRORS_AUTH})
    def post(self, request):
        return _activate(request)


def _role_data(account) -> dict:
    role = service_role_get(account=account)
    return {
        "name": SERVICE_LINKED_ROLE_NAME,
        "granted": role is not None,
        "arn": role.arn if role else None,
        "created_at": role.created_at if role else None,
    }


class ServiceLinkedRoleView(APIView):
    @extend_schema(summary="Status of the service-linked role AliyunServiceRoleForPAIWorkspace",
                   responses={200: ServiceLinkedRoleSerializer, **ERRORS_AUTH})
    def get(self, request):
        account = account_of(request.user)
        service_role_read(actor=request.user, account=account)
        return Response(ServiceLinkedRoleSerializer(_role_data(account)).data)

    @extend_schema(
        summary="Grant Access: create AliyunServiceRoleForPAIWorkspace",
        description="Idempotent. Needs `ram:CreateServiceLinkedRole`.",
        request=None,
        responses={200: ServiceLinkedRoleGrantSerializer, **ERRORS_AUTH},
    )
    def post(self, request):
        account = account_of(request.user)
        result = service_role_grant(actor=request.user, account=account)
        return Response(ServiceLinkedRoleGrantSerializer({**_role_data(account), "created_now": result.created}).data)


class EventBusListView(generics.ListAPIView):
    serializer_class = EventBusSerializer

    def get_queryset(self):
        account = account_of(self.request.user)
        return event_buses_list(actor=self.request.user, account=account)

    @extend_schema(summary="The account's event buses (needs eventbridge:ListEventBuses)",
                   responses={200: EventBusSerializer(many=True), **ERRORS_READ})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
