"""/api/v1/catalog/: what a rule may say, read from the one catalog (`notifications.catalog`) and the
channel registry: event sources, their event types with the `data` variables and an example of each,
scopes, delivery methods and which source allows which, and the installation's quotas. The same for
every signed-in user (nothing in it belongs to an account: the account's own quota is /api/v1/quotas/)."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from console.api import serializers as api_serializers
from console.api.errors import errors
from notifications import catalog
from notifications.channels.registry import METHODS
from notifications.models.rules import DEFAULT_TARGETS_PER_RULE, MAX_RULES_PER_BUS, MAX_TARGETS_PER_RULE
from notifications.services.put_events import MAX_ENTRIES, MAX_ENTRY_BYTES, MAX_REQUEST_BYTES


class VariableSerializer(api_serializers.Serializer):
    name = serializers.CharField(help_text="The field of the CloudEvent's `data`.")
    description = serializers.CharField()
    example = serializers.CharField()


class EventTypeSerializer(api_serializers.Serializer):
    type = serializers.ChoiceField(choices=catalog.EVENT_TYPE_CHOICES,
                                   help_text="The CloudEvents `type`: what a rule's `event_types` lists.")
    name = serializers.CharField(help_text="The type's last part, e.g. JobFailed.")
    label = serializers.CharField(help_text="The console's label.")
    group = serializers.CharField(allow_blank=True, help_text="The console's group heading (\"\" when none).")
    description = serializers.CharField()
    variables = VariableSerializer(many=True, help_text="The event's `data` fields, with an example each.")


class ScopeSerializer(api_serializers.Serializer):
    key = serializers.ChoiceField(choices=catalog.SCOPE_CHOICES)
    label = serializers.CharField()


class SourceSerializer(api_serializers.Serializer):
    key = serializers.ChoiceField(choices=catalog.SOURCE_CHOICES, help_text="A rule's `source`.")
    label = serializers.CharField()
    description = serializers.CharField()
    resource_kind = serializers.CharField(help_text="The `resourceKind` of its events.")
    event_types = EventTypeSerializer(many=True)
    scopes = ScopeSerializer(many=True, help_text="The scopes a rule on this source may choose.")
    methods = serializers.ListField(child=serializers.CharField(),
                                    help_text="The delivery methods a rule on this source may use.")


class ConfigFieldSerializer(api_serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    secret = serializers.BooleanField(help_text="Write-only: answers show it masked.")
    required = serializers.BooleanField()
    help = serializers.CharField(allow_blank=True)


class MethodSerializer(api_serializers.Serializer):
    key = serializers.CharField(help_text="A target's `method`.")
    label = serializers.CharField()
    sources = serializers.ListField(child=serializers.CharField(), help_text="The sources that allow it.")
    supports_test = serializers.BooleanField(help_text="Whether Test Connectivity can send to it.")
    config = ConfigFieldSerializer(many=True, help_text="The target's `config` fields.")


class QuotasSerializer(api_serializers.Serializer):
    rules_per_bus = serializers.IntegerField()
    default_targets_per_rule = serializers.IntegerField(help_text="Target units per rule until a request raises it.")
    max_targets_per_rule = serializers.IntegerField(help_text="The most a quota request can ask for.")
    put_events_entries = serializers.IntegerField(help_text="CloudEvents per PutEvents request.")
    put_events_entry_bytes = serializers.IntegerField()
    put_events_request_bytes = serializers.IntegerField()
    put_events_per_minute = serializers.IntegerField(help_text="PutEvents requests per minute per account.")


class CatalogSerializer(api_serializers.Serializer):
    cloudevents_source = serializers.CharField(help_text="The `source` of every event (acs.pai).")
    specversion = serializers.CharField()
    sources = SourceSerializer(many=True)
    methods = MethodSerializer(many=True)
    quotas = QuotasSerializer()


def catalog_data() -> dict:
    scope_labels = dict(catalog.SCOPE_CHOICES)
    return {
        "cloudevents_source": catalog.CLOUDEVENTS_SOURCE,
        "specversion": catalog.SPECVERSION,
        "sources": [{
            "key": source.key, "label": source.label, "description": source.description,
            "resource_kind": source.resource_kind,
            "event_types": [{
                "type": et.key, "name": et.key.rsplit(":", 1)[1], "label": et.label, "group": et.group,
                "description": et.description,
                "variables": [{"name": n, "description": d, "example": e} for n, d, e in catalog.variables_of(source)],
            } for et in source.event_types],
            "scopes": [{"key": key, "label": scope_labels[key]} for key in source.scopes],
            "methods": [method.key for method in METHODS if source.key in method.sources],
        } for source in catalog.SOURCES],
        "methods": [{
            "key": method.key, "label": method.label, "sources": method.sources,
            "supports_test": method.supports_test,
            "config": [{"name": f.name, "label": f.label, "secret": f.secret, "required": f.required,
                        "help": f.help} for f in method.schema.fields],
        } for method in METHODS],
        "quotas": {
            "rules_per_bus": MAX_RULES_PER_BUS, "default_targets_per_rule": DEFAULT_TARGETS_PER_RULE,
            "max_targets_per_rule": MAX_TARGETS_PER_RULE, "put_events_entries": MAX_ENTRIES,
            "put_events_entry_bytes": MAX_ENTRY_BYTES, "put_events_request_bytes": MAX_REQUEST_BYTES,
            "put_events_per_minute": settings.PUT_EVENTS_PER_MINUTE,
        },
    }


class CatalogView(APIView):
    @extend_schema(
        tags=["catalog"], operation_id="catalog",
        summary="Discover event sources, event types, scopes, delivery methods and quotas",
        description="What a notice rule may name: each source with its event types (the CloudEvents `type` a "
                    "rule's `event_types` lists, the console's label and group, the event's `data` variables "
                    "with an example), the scopes it allows and the delivery methods it allows; each method's "
                    "`config` fields; the installation's quotas. The same for every signed-in user.",
        responses={200: CatalogSerializer, **errors()},
        examples=[OpenApiExample("One source (shortened)", response_only=True, value={
            "cloudevents_source": "acs.pai", "specversion": "1.0",
            "sources": [{"key": "dlc_job", "label": "DLC job", "description": "Lifecycle of DLC jobs.",
                         "resource_kind": "DlcJob",
                         "event_types": [{"type": "pai:DLC:JobFailed", "name": "JobFailed", "label": "Job Failed",
                                          "group": "Job progress", "description": "The job failed.",
                                          "variables": [{"name": "resourceName", "description": "The resource's "
                                                         "name.", "example": "resnet50-train"}]}],
                         "scopes": [{"key": "all", "label": "All in current workspace"}],
                         "methods": ["dingtalk", "wecom", "lark", "contacts"]}],
            "methods": [{"key": "dingtalk", "label": "DingTalk notification", "sources": ["dlc_job"],
                         "supports_test": True, "config": [{"name": "webhook", "label": "Webhook", "secret": True,
                                                            "required": True, "help": ""}]}],
            "quotas": {"rules_per_bus": 50, "default_targets_per_rule": 5, "max_targets_per_rule": 100,
                       "put_events_entries": 16, "put_events_entry_bytes": 262144,
                       "put_events_request_bytes": 1048576, "put_events_per_minute": 300},
        })],
    )
    def get(self, request):
        return Response(catalog_data())
