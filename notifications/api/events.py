"""The event log over the API, and PutEvents for publishers outside the console.

PutEvents: `POST /api/v1/workspaces/<workspace_id>/events/put/` with a JSON array of CloudEvents (or
`{"entries": [...]}`), at most 16, each at most 256 KB, the request at most 1 MB. The body is read
raw, so that a request over 1 MB gets 413 before anything is parsed, and bad UTF-8 or JSON gets 400.
"""

from __future__ import annotations

import json
import math

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from console.api import serializers as api_serializers
from console.api.errors import ErrorResponseSerializer, errors
from console.api.filters import refuse_empty_filters
from console.api.serializers import state_field
from console.input import json_loads_checked
from notifications import catalog
from notifications.models import Event
from notifications.selectors.events import event_filters_clean, event_get, events_for_workspace
from notifications.services.put_events import MAX_ENTRIES, MAX_REQUEST_BYTES, events_put, put_events_wait
from workspaces.tenancy.selectors import workspace_get_for_user


class EventSerializer(api_serializers.ModelSerializer):
    source = state_field(catalog.SOURCE_CHOICES)
    status = state_field(Event.Status.choices)
    not_published_reason = state_field(Event.NotPublishedReason.choices)
    type_label = serializers.CharField(read_only=True, help_text="The console's label of the event type.")
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    not_published_reason_label = serializers.CharField(source="get_not_published_reason_display", read_only=True)
    workspace_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id", "event_id", "workspace_id", "source", "source_label", "type", "type_label", "subject",
            "resource_id", "resource_name", "status", "not_published_reason", "not_published_reason_label",
            "enqueued_at", "routed_at", "created_at",
        ]
        read_only_fields = fields


class EventDetailSerializer(EventSerializer):
    envelope = serializers.JSONField(read_only=True, help_text="The CloudEvents 1.0 envelope, with aliyun* extensions.")

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "envelope"]
        read_only_fields = fields


FILTER_PARAMETERS = [
    OpenApiParameter("source", str, enum=list(catalog.SOURCES_BY_KEY), description="Only events of this source."),
    OpenApiParameter("type", str, enum=list(catalog.EVENT_TYPES_BY_KEY), description="Only events of this type."),
    OpenApiParameter("status", str, enum=Event.Status.values, description="published or not_published."),
    OpenApiParameter("since", str, description="Only events created at or after this moment: an ISO 8601 date "
                                               "and time, e.g. 2026-11-30T08:00:00Z (anything else: 400)."),
]


@extend_schema(tags=["events"])
class EventListView(generics.ListAPIView):
    """The workspace's event log, newest first."""

    serializer_class = EventSerializer

    def get_queryset(self):
        workspace = workspace_get_for_user(self.request.user, self.kwargs["workspace_id"])
        refuse_empty_filters(self.request.query_params, ("source", "type", "status", "since"))
        filters = event_filters_clean(self.request.query_params)
        return events_for_workspace(workspace=workspace, actor=self.request.user, **filters)

    @extend_schema(parameters=FILTER_PARAMETERS, responses={200: EventSerializer(many=True), **errors(400, 404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["events"])
class EventDetailView(generics.RetrieveAPIView):
    """One event with its envelope."""

    serializer_class = EventDetailSerializer

    def get_object(self):
        workspace = workspace_get_for_user(self.request.user, self.kwargs["workspace_id"])
        return event_get(workspace=workspace, actor=self.request.user, event_pk=self.kwargs["event_id"])

    @extend_schema(responses={200: EventDetailSerializer, **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- PutEvents


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = f"The request body may be at most {MAX_REQUEST_BYTES} bytes (1 MB)."


class BadBody(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"

    def __init__(self, code: str, message: str):
        super().__init__(message, code)
        self.error_code = code


# The request body as documented: what is refused whole (400) is a body that is not an array of 1 to
# 16 JSON objects. Each object's CloudEvents attributes are checked one by one and reported per entry
# in EntryList (as EventBridge does), so the item schema is a free-form object.
PUT_EVENTS_BODY = {
    "type": "array",
    "minItems": 1,
    "maxItems": MAX_ENTRIES,
    "description": "1 to 16 CloudEvents 1.0 (structured JSON), the request at most 1 MB; "
                   '`{"entries": [...]}` is accepted too.',
    "items": {
        "type": "object",
        "additionalProperties": True,
        "description": "A CloudEvent, at most 256 KB: `id` (1 to 128 letters, digits, hyphens), `source` "
                       "(`acs.pai`), `specversion` (`1.0`), `type` (from the catalog, e.g. "
                       "`pai:ModelManagement:ModelVersionApproved`), optional `subject` (at most 512), `time` "
                       "(RFC 3339), `datacontenttype` (`application/json`), `data`. A bad entry fails alone.",
    },
}


class PutEventsResultEntrySerializer(api_serializers.Serializer):
    EventId = serializers.CharField(required=False)
    ErrorCode = serializers.CharField(required=False)
    ErrorMessage = serializers.CharField(required=False)


class PutEventsResultSerializer(api_serializers.Serializer):
    FailedEntryCount = serializers.IntegerField()
    EntryList = PutEventsResultEntrySerializer(many=True)


def _content_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def _too_large(size: int) -> RequestTooLarge:
    return RequestTooLarge(f"The request body is {size} bytes; PutEvents takes at most {MAX_REQUEST_BYTES} "
                           "bytes (1 MB). Split the events into smaller requests.")


def _json_kind(value) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "array"}.get(type(value), "value")


def put_events_entries(raw: bytes) -> list:
    """The entries of a PutEvents body, or BadBody naming what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadBody("invalid_encoding", f"The request body is not valid UTF-8 (byte 0x{raw[error.start]:02x} "
                                          f"at position {error.start}).")
    if not text.strip():
        raise BadBody("malformed_json", "The request body is empty; send a JSON array of CloudEvents.")
    try:
        payload = json_loads_checked(text)
    except json.JSONDecodeError as error:
        raise BadBody("malformed_json", f"The request body is not valid JSON: {error.msg} at line {error.lineno} "
                                        f"column {error.colno}.")
    except ValueError as error:  # nested too deep to parse
        raise BadBody("malformed_json", f"The request body is not valid JSON: {error}.")
    if isinstance(payload, dict):
        payload = payload.get("entries", payload.get("Entries"))
    if not isinstance(payload, list):
        raise BadBody("invalid_body", 'Send a JSON array of CloudEvents, or {"entries": [...]}.')
    if not payload:
        raise BadBody("invalid_body", "Send at least one event.")
    for number, entry in enumerate(payload, start=1):
        if not isinstance(entry, dict):
            raise BadBody("invalid_body", f"Event {number} is a JSON {_json_kind(entry)}, not an object.")
    if len(payload) > MAX_ENTRIES:
        raise BadBody("too_many_entries", f"The request holds {len(payload)} events; PutEvents takes at most "
                                          f"{MAX_ENTRIES} per request.")
    return payload


@extend_schema(tags=["events"])
class PutEventsView(APIView):
    """Publish up to 16 CloudEvents to the workspace's event bus (EventBridge PutEvents)."""

    parser_classes = [JSONParser]  # documents the body; the view reads it raw

    def initial(self, request, *args, **kwargs):
        # Before authentication may touch the body: refuse an oversized request unread.
        length = _content_length(request)
        if length is not None and length > MAX_REQUEST_BYTES:
            raise _too_large(length)
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="put_events",
        request={"application/json": PUT_EVENTS_BODY},
        responses={200: PutEventsResultSerializer, **errors(400, 404),
                   413: OpenApiResponse(ErrorResponseSerializer, description="The request body is over 1 MB"),
                   429: OpenApiResponse(ErrorResponseSerializer, description="The account's PutEvents rate limit "
                                        "(PUT_EVENTS_PER_MINUTE) is reached; Retry-After says when to try again")},
        examples=[OpenApiExample("One model event", request_only=True, value=[{
            "id": "8c1e5a4e-4d2b-4e55-9f0e-2f8d1b0c7a11", "source": "acs.pai", "specversion": "1.0",
            "type": "pai:ModelManagement:ModelVersionApproved", "subject": "acs.pai:cn-shanghai:1234:ModelVersion/7",
            "data": {"resourceId": "7", "resourceName": "resnet:1.0.0", "oldStatus": "Pending",
                     "newStatus": "Approved"},
        }])],
    )
    def post(self, request, workspace_id):
        workspace = workspace_get_for_user(request.user, workspace_id)
        events_put.authorize(request.user, workspace=workspace)
        try:
            raw = request.body
        except RequestDataTooBig:
            raise _too_large(_content_length(request) or MAX_REQUEST_BYTES + 1)
        if len(raw) > MAX_REQUEST_BYTES:
            raise _too_large(len(raw))
        entries = put_events_entries(raw)
        # Counted once the body is known to be a batch (a refused body stores nothing, counts nothing).
        wait = put_events_wait(account=workspace.account)
        if wait > 0:
            raise exceptions.Throttled(wait=math.ceil(wait), detail=(
                f"PutEvents takes at most {settings.PUT_EVENTS_PER_MINUTE} requests a minute per account; "
                f"try again in {math.ceil(wait)} s."))
        return Response(events_put(workspace=workspace, entries=entries, actor=request.user))

