"""Deliveries over the API: list (filter by event and status), one delivery with its attempts, and
redeliver a `dead` or `retrying` one. Each delivery names its event (`event_id`, `cloudevent_id`,
`event_type`, `resource_name`) and carries its last attempt; `?expand=attempts` adds every attempt, so
`GET .../deliveries/?event=<id>&expand=attempts` follows one event to its attempts in one call."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from console.api import Conflict
from console.api import serializers as api_serializers
from console.api.errors import errors
from console.api.filters import refuse_empty_filters
from notifications.catalog import EVENT_TYPE_CHOICES, event_type_label
from notifications.channels.registry import CHANNELS, CHANNELS_BY_KEY
from notifications.models import Delivery, DeliveryAttempt
from notifications.selectors.deliveries import (
    attempts_of,
    deliveries_for_workspace,
    delivery_filters_clean,
    delivery_get,
)
from notifications.services.redeliver import REDELIVERABLE, RedeliverRefused, delivery_redeliver
from workspaces.tenancy.selectors import workspace_get_for_user

CHANNEL_CHOICES = [(channel.key, channel.label) for channel in CHANNELS]
EXPAND = OpenApiParameter("expand", str, enum=["attempts"], description="`attempts`: add every attempt of each "
                                                                        "delivery (`attempts`, oldest first).")


class DeliveryAttemptSerializer(api_serializers.ModelSerializer):
    carried_by_delivery = serializers.IntegerField(
        source="carried_by.delivery_id", read_only=True, allow_null=True, default=None,
        help_text="The delivery whose attempt sent the digest that carried this one (null: none).")

    class Meta:
        model = DeliveryAttempt
        fields = ["id", "number", "outcome", "started_at", "finished_at", "duration_ms", "request_url", "http_status",
                  "provider_code", "response_body", "error", "permanent", "outcome_class", "reason", "digest_size",
                  "carried_by", "carried_by_delivery"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The attempt's id (what a carried delivery's `carried_by` names)."},
            "number": {"help_text": "1 for the first attempt."},
            "request_url": {"help_text": "The URL called, tokens and signatures masked."},
            "response_body": {"help_text": "The receiver's answer, trimmed to 2 KB."},
            "provider_code": {"help_text": "The bot's own result code (errcode / code), if any."},
            "error": {"help_text": "Why the attempt failed, in words (\"\" when it succeeded)."},
            "permanent": {"help_text": "True when the failure will not be retried (e.g. a refused token)."},
            "digest_size": {"help_text": "How many events this attempt's message carried as a digest (the bot's "
                                         "window was full); 0 for a message of this delivery's event alone."},
            "carried_by": {"help_text": "The id of the digest's attempt that carried this delivery (its message "
                                        "was the digest, counted once in usage); null when it had a message of "
                                        "its own."},
        }


class DeliverySerializer(api_serializers.ModelSerializer):
    event_id = serializers.IntegerField(read_only=True, help_text="The event's `id`.")
    cloudevent_id = serializers.CharField(source="event.event_id", read_only=True,
                                          help_text="The event's CloudEvents `id` (webhook-id for HTTP targets).")
    event_type = serializers.ChoiceField(source="event.type", choices=EVENT_TYPE_CHOICES, read_only=True,
                                         help_text="The event's CloudEvents `type`.")
    event_type_label = serializers.SerializerMethodField()
    resource_name = serializers.CharField(source="event.resource_name", read_only=True,
                                          help_text="The name of the resource the event is about.")
    rule_id = serializers.IntegerField(read_only=True, allow_null=True)
    rule_name = serializers.SerializerMethodField()
    target_id = serializers.IntegerField(read_only=True, allow_null=True)
    channel = serializers.ChoiceField(choices=CHANNEL_CHOICES, read_only=True)
    channel_label = serializers.SerializerMethodField()
    replay_id = serializers.IntegerField(source="replay_job_id", read_only=True, allow_null=True,
                                         help_text="The replay that created this delivery (null for the event's "
                                                   "own deliveries).")
    last_attempt = serializers.SerializerMethodField()
    attempts = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = ["id", "event_id", "cloudevent_id", "event_type", "event_type_label", "resource_name", "rule_id",
                  "rule_name", "target_id", "channel", "channel_label", "recipient_label", "status",
                  "attempt_count", "next_attempt_at", "deadline_at", "last_error", "succeeded_at", "created_at",
                  "updated_at", "replay_id", "last_attempt", "attempts"]
        read_only_fields = fields

    def get_event_type_label(self, delivery) -> str:
        return event_type_label(delivery.event.type)

    def get_rule_name(self, delivery) -> str:
        return delivery.rule.name if delivery.rule_id else ""

    def get_channel_label(self, delivery) -> str:
        channel = CHANNELS_BY_KEY.get(delivery.channel)
        return channel.label if channel else delivery.channel

    def _attempts(self, delivery) -> list:
        given = self.context.get("attempts")
        return given.get(delivery.pk, []) if given is not None else list(delivery.attempts.all())

    @extend_schema_field(DeliveryAttemptSerializer(allow_null=True, help_text="The latest attempt (null before the "
                                                                              "first)."))
    def get_last_attempt(self, delivery):
        attempts = self._attempts(delivery)
        return DeliveryAttemptSerializer(attempts[-1]).data if attempts else None

    @extend_schema_field(DeliveryAttemptSerializer(many=True, allow_null=True, help_text="Every attempt, oldest "
                                                   "first, with ?expand=attempts; null without it."))
    def get_attempts(self, delivery):
        if not self.context.get("expand_attempts"):
            return None
        return DeliveryAttemptSerializer(self._attempts(delivery), many=True).data


def expanded(request) -> bool:
    """Whether `?expand=attempts` was asked for; any other value is refused, naming the accepted one."""
    values = request.query_params.getlist("expand")
    if values and values != ["attempts"]:
        raise serializers.ValidationError({"expand": ["expand takes one value: attempts."]})
    return bool(values)


def deliveries_data(deliveries, request) -> list[dict]:
    """A page of deliveries with their last attempt (and every attempt when expanded): one query."""
    expand = expanded(request)
    attempts = attempts_of(delivery_ids=[delivery.pk for delivery in deliveries], last_only=not expand)
    return DeliverySerializer(deliveries, many=True, context={"attempts": attempts, "expand_attempts": expand}).data


EXAMPLE_DELIVERY = {
    "id": 7, "event_id": 12, "cloudevent_id": "0b5e6f0e-3c1a-4f2e-9d1b-6a8f2c4e1d20", "event_type": "pai:DLC:JobFailed",
    "event_type_label": "Job Failed", "resource_name": "resnet50-train", "rule_id": 2, "rule_name": "job-failures",
    "target_id": 3, "channel": "dingtalk", "channel_label": "DingTalk", "recipient_label": "", "status": "dead",
    "attempt_count": 1, "next_attempt_at": None, "deadline_at": "2026-11-30T09:10:00Z",
    "last_error": "310000 keywords not in content", "succeeded_at": None, "created_at": "2026-11-30T09:00:00Z",
    "updated_at": "2026-11-30T09:00:01Z", "replay_id": None,
    "last_attempt": {"number": 1, "outcome": "failed", "started_at": "2026-11-30T09:00:00Z",
                     "finished_at": "2026-11-30T09:00:01Z", "duration_ms": 84.0,
                     "request_url": "https://oapi.dingtalk.com/robot/send?access_token=••••••", "http_status": 200,
                     "provider_code": "310000", "response_body": '{"errcode":310000}',
                     "error": "keywords not in content", "permanent": True},
    "attempts": None,
}


class DeliveryListView(generics.ListAPIView):
    serializer_class = DeliverySerializer

    def get_queryset(self):
        workspace = workspace_get_for_user(self.request.user, self.kwargs["workspace_id"])
        refuse_empty_filters(self.request.query_params, ("event", "status", "expand"))
        filters = delivery_filters_clean(self.request.query_params)
        return deliveries_for_workspace(workspace=workspace, actor=self.request.user, **filters)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(deliveries_data(page, request))

    @extend_schema(
        summary="List deliveries, newest first",
        description="Each message sent (or to be sent) for an event to one target or contact, with the event's "
                    "type and resource name and the last attempt. `?event=<id>&expand=attempts` gives one "
                    "event's deliveries with every attempt in one call.",
        parameters=[
            OpenApiParameter("event", int, description="Only the deliveries of this event (the event's `id`)."),
            OpenApiParameter("status", str, enum=Delivery.Status.values, description="Only deliveries in this state."),
            EXPAND,
        ],
        responses={200: DeliverySerializer(many=True), **errors(400, 404)},
        examples=[OpenApiExample("A dead DingTalk delivery", response_only=True, value=EXAMPLE_DELIVERY)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DeliveryDetailView(APIView):
    @extend_schema(
        summary="Read a delivery with every attempt",
        description="The delivery, its last attempt and (always, here) every attempt, oldest first.",
        responses={200: DeliverySerializer, **errors(404)},
    )
    def get(self, request, workspace_id, delivery_id):
        workspace = workspace_get_for_user(request.user, workspace_id)
        delivery = delivery_get(workspace=workspace, actor=request.user, delivery_pk=delivery_id)
        return Response(DeliverySerializer(delivery, context={"expand_attempts": True}).data)


class DeliveryRedeliverView(APIView):
    @extend_schema(
        operation_id="delivery_redeliver",
        summary="Redeliver a dead or retrying delivery now",
        description="Back to `pending` with a fresh deadline, enqueued at once (needs eventbridge:PutEvents). A "
                    "delivery in any other status is 409: `current` is its status, `allowed` the statuses that "
                    "can be redelivered (`dead`, `retrying`).",
        request=None,
        responses={202: OpenApiResponse(DeliverySerializer, description="Pending again, enqueued"),
                   **errors(404, 409)},
    )
    def post(self, request, workspace_id, delivery_id):
        workspace = workspace_get_for_user(request.user, workspace_id)
        delivery = delivery_get(workspace=workspace, actor=request.user, delivery_pk=delivery_id)
        try:
            delivery_redeliver(delivery_id=delivery.pk, actor=request.user)
        except RedeliverRefused as refusal:
            raise Conflict(str(refusal), current=refusal.current, allowed=REDELIVERABLE) from None
        delivery = delivery_get(workspace=workspace, actor=request.user, delivery_pk=delivery.pk)
        return Response(DeliverySerializer(delivery, context={"expand_attempts": True}).data,
                        status=status.HTTP_202_ACCEPTED)
