"""/api/v1/workspaces/<workspace_id>/rules/variables/ and .../rules/preview/: the variables a message
template may use per event type, and a target's message as its channel will carry it (Test
Connectivity with the same values sends that message)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from console.api import serializers as api_serializers
from console.api.errors import errors
from console.api.request_body import authorized_input
from notifications.api.deliveries import CHANNEL_CHOICES
from notifications.api.messages import TargetMessageSerializer, checked_message
from notifications.catalog import EVENT_TYPE_CHOICES
from notifications.channels.registry import METHOD_CHOICES, get_method
from notifications.channels.wecom.renderer import FORMATS as WECOM_FORMATS
from notifications.services.messages import message_preview, template_variables_list
from workspaces.tenancy.selectors import workspace_get_for_user


class TemplateVariableSerializer(api_serializers.Serializer):
    name = serializers.CharField(help_text="What a template writes between ${ and }.")
    description = serializers.CharField()
    example = serializers.CharField()


class VariablesView(APIView):
    @extend_schema(summary="The variables a message template may use for an event type",
                   description="Each variable a target's message template may name for this event type, with "
                               "what it holds.",
                   parameters=[OpenApiParameter("event_type", str, required=True,
                                                enum=[key for key, _ in EVENT_TYPE_CHOICES])],
                   responses={200: TemplateVariableSerializer(many=True), **errors(400, 404)})
    def get(self, request, workspace_id):
        workspace = workspace_get_for_user(request.user, workspace_id)
        template_variables_list.authorize(request.user, workspace=workspace)
        event_type = request.query_params.get("event_type", "")
        if event_type not in dict(EVENT_TYPE_CHOICES):
            raise serializers.ValidationError({"event_type": ["Give an event type of the catalog, e.g. "
                                                              "pai:DLC:JobFailed."]})
        return Response(template_variables_list(actor=request.user, workspace=workspace, event_type=event_type))


class PreviewInputSerializer(api_serializers.Serializer):
    method = serializers.ChoiceField(choices=METHOD_CHOICES)
    event_type = serializers.ChoiceField(choices=EVENT_TYPE_CHOICES)
    message = TargetMessageSerializer(required=False)
    channel = serializers.ChoiceField(choices=CHANNEL_CHOICES, required=False, allow_blank=True, default="",
                                      help_text="For a contacts target: email, sms or voice (default email).")
    use_example = serializers.BooleanField(required=False, default=False,
                                           help_text="Use the catalog's example, not the workspace's last event.")
    message_format = serializers.ChoiceField(choices=list(WECOM_FORMATS), required=False, allow_blank=True,
                                             default="", help_text="For a WeCom target: its message type "
                                                                   "(markdown, the default, or markdown_v2).")


class PreviewSerializer(api_serializers.Serializer):
    channel = serializers.ChoiceField(choices=CHANNEL_CHOICES)
    language = serializers.CharField()
    event_type = serializers.CharField()
    from_event = serializers.CharField(help_text="The id of the event it was rendered from; empty: the example.")
    title = serializers.CharField()
    body = serializers.CharField(help_text="The body in the channel's markup (SMS and voice: the text).")
    payload = serializers.JSONField(allow_null=True, help_text="The JSON a chat bot receives.")
    email = serializers.JSONField(allow_null=True, help_text="subject, text and html of an email.")
    sms = serializers.JSONField(allow_null=True, help_text="text, characters, segments and encoding of an SMS.")
    voice = serializers.JSONField(allow_null=True, help_text="text and characters of a voice call.")


class PreviewView(APIView):
    @extend_schema(summary="Preview a target's message", request=PreviewInputSerializer,
                   description="The target's templates rendered with the workspace's last event of the type (or "
                               "the catalog's example), in the channel's real format. Test Connectivity with the "
                               "same values sends this message.",
                   responses={200: PreviewSerializer, **errors(400, 404)})
    def post(self, request, workspace_id):
        workspace, data = authorized_input(request, workspace_id, message_preview, PreviewInputSerializer)
        method = get_method(data["method"])
        if not method.templated:
            raise serializers.ValidationError({"method": [f"{method.label} targets send no message to preview."]})
        settings_ = checked_message(data, method)
        preview = message_preview(actor=request.user, workspace=workspace, method=method.key,
                                  event_type=data["event_type"], settings_=settings_, channel=data["channel"],
                                  use_last_event=not data["use_example"], message_format=data["message_format"])
        return Response({"channel": preview.channel, "language": preview.language, "event_type": preview.event_type,
                         "from_event": preview.from_event, "title": preview.message.title,
                         "body": preview.message.body, "payload": preview.payload, "email": preview.email,
                         "sms": preview.sms, "voice": preview.voice})
