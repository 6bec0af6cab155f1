"""Deliveries over the API: list (filter by event and status), one delivery with its attempts, and
redeliver a dead or failed one."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from console.api import Conflict
from console.api import serializers as api_serializers
from console.api.errors import errors
from console.api.filters import refuse_empty_filters
from notifications.channels.registry import CHANNELS_BY_KEY
from notifications.models import Delivery, DeliveryAttempt
from notifications.selectors.deliveries import deliveries_for_workspace, delivery_filters_clean, delivery_get
from notifications.services.delivery import RedeliverRefused, delivery_redeliver
from workspaces.tenancy.selectors import workspace_get_for_user


class DeliveryAttemptSerializer(api_serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "outcome", "started_at", "finished_at", "duration_ms", "request_url", "http_status",
                  "provider_code", "response_body", "error", "permanent", "outcome_class", "reason"]
        read_only_fields = fields
        extra_kwargs = {
            "request_url": {"help_text": "The URL called, tokens and signatures masked."},
            "response_body": {"help_text": "The receiver's answer, trimmed to 2 KB."},
            "provider_code": {"help_text": "The bot's own result code (errcode / code), if any."},
        }


class DeliverySerializer(api_serializers.ModelSerializer):
    event_id = serializers.IntegerField(read_only=True, help_text="The event's numeric id.")
    cloudevent_id = serializers.CharField(source="event.event_id", read_only=True,
                                          help_text="The CloudEvents id (webhook-id for HTTP targets).")
    rule_id = serializers.IntegerField(read_only=True, allow_null=True)
    rule_name = serializers.SerializerMethodField()
    target_id = serializers.IntegerField(read_only=True, allow_null=True)
    channel_label = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = ["id", "event_id", "cloudevent_id", "rule_id", "rule_name", "target_id", "channel", "channel_label",
                  "recipient_label", "status", "attempt_count", "next_attempt_at", "deadline_at", "last_error",
                  "succeeded_at", "created_at", "updated_at"]
        read_only_fields = fields

    def get_rule_name(self, delivery) -> str:
        return delivery.rule.name if delivery.rule_id else ""

    def get_channel_label(self, delivery) -> str:
        channel = CHANNELS_BY_KEY.get(delivery.channel)
        return channel.label if channel else delivery.channel


class DeliveryDetailSerializer(DeliverySerializer):
    attempts = DeliveryAttemptSerializer(many=True, read_only=True)

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "attempts"]
        read_only_fields = fields


@extend_schema(tags=["deliveries"])
class DeliveryListView(generics.ListAPIView):
    """The workspace's deliveries, newest first."""

    serializer_class = DeliverySerializer

    def get_queryset(self):
        workspace = workspace_get_for_user(self.request.user, self.kwargs["workspace_id"])
        refuse_empty_filters(self.request.query_params, ("event", "status"))
        filters = delivery_filters_clean(self.request.query_params)
        return deliveries_for_workspace(workspace=workspace, actor=self.request.user, **filters)

    @extend_schema(
        parameters=[
            OpenApiParameter("event", int, description="Only the deliveries of this event (its numeric id)."),
            OpenApiParameter("status", str, enum=Delivery.Status.values, description="Only deliveries in this state."),
        ],
        responses={200: DeliverySerializer(many=True), **errors(400, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["deliveries"])
class DeliveryDetailView(generics.RetrieveAPIView):
    """One delivery with every attempt."""

    serializer_class = DeliveryDetailSerializer

    def get_object(self):
        workspace = workspace_get_for_user(self.request.user, self.kwargs["workspace_id"])
        return delivery_get(workspace=workspace, actor=self.request.user, delivery_pk=self.kwargs["delivery_id"])

    @extend_schema(responses={200: DeliveryDetailSerializer, **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["deliveries"])
class DeliveryRedeliverView(APIView):
    """Send a dead or failed delivery again, now, with a fresh deadline (eventbridge:PutEvents)."""

    @extend_schema(
        operation_id="delivery_redeliver",
        request=None,
        responses={202: OpenApiResponse(DeliveryDetailSerializer, description="Pending again, enqueued"),
                   **errors(404, 409)},
    )
    def post(self, request, workspace_id, delivery_id):
        workspace = workspace_get_for_user(request.user, workspace_id)
        delivery = delivery_get(workspace=workspace, actor=request.user, delivery_pk=delivery_id)
        try:
            delivery_redeliver(delivery_id=delivery.pk, actor=request.user)
        except RedeliverRefused as refusal:
            raise Conflict(str(refusal)) from None
        delivery = delivery_get(workspace=workspace, actor=request.user, delivery_pk=delivery.pk)
        return Response(DeliveryDetailSerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
