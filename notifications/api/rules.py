"""/api/v1/workspaces/<workspace_id>/rules/: notice rules with nested targets, enable/disable, and
Test Connectivity. The same services as the console; secrets are write-only (answers show them masked),
except an HTTP/HTTPS target's `whsec_` signing secret, shown once in the answer that created it."""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from console.api import requested_field
from console.api import serializers as api_serializers
from console.api.errors import errors
from console.api.request_body import authorized_input, validated
from notifications.api.messages import TargetMessageSerializer, checked_message
from notifications.catalog import EVENT_TYPE_CHOICES, SCOPE_CHOICES, SOURCE_CHOICES
from notifications.channels.registry import METHOD_CHOICES, config_help, get_method
from notifications.models.rules import MAX_TARGETS_PER_RULE
from notifications.selectors.rules import (
    rule_get,
    rule_row,
    rules_for_workspace,
    rules_queryset,
    target_get_in_workspace,
)
from notifications.services import rules as rule_services
from notifications.services.connectivity import connectivity_draft_clean, connectivity_test
from workspaces.tenancy.selectors import workspace_get_for_user

CONFIG_HELP = (
    f"The delivery method's fields. {config_help()}. Secrets are write-only: on update, leave one out "
    "(or blank) to keep the saved value; send null to remove an optional one (lark's signing_secret)."
)


class EventTypeField(serializers.ChoiceField):
    """A CloudEvents type, documented as the catalog's enum. A string outside it is left to the rule
    service, which refuses it naming the types of the rule's own source (a plain ChoiceField could only
    name all 22)."""

    def __init__(self, **kwargs):
        super().__init__(choices=EVENT_TYPE_CHOICES, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or len(data) > 128:
            raise serializers.ValidationError(
                "Give an event type as a string, one of the source's types listed by GET /api/v1/catalog/.")
        return data


EVENT_TYPES_HELP = (
    "CloudEvents types of the rule's source (GET /api/v1/catalog/ lists each source's types). Empty or left "
    "out: All event types, every type of the source, including types the catalog adds later."
)


class TargetInputSerializer(api_serializers.Serializer):
    id = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                  help_text="A saved target of this rule to keep (and keep its secrets).")
    method = serializers.ChoiceField(choices=METHOD_CHOICES)
    config = serializers.DictField(child=serializers.JSONField(allow_null=True), required=False, default=dict,
                                   help_text=CONFIG_HELP)
    message = TargetMessageSerializer(required=False, help_text="Its messages' language and templates (chat bots "
                                                                "and contacts only).")


class RuleInputSerializer(api_serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True,
                                 help_text="2 to 127 letters, digits, - and _; unique on the bus.")
    source = serializers.ChoiceField(choices=SOURCE_CHOICES)
    event_types = serializers.ListField(child=EventTypeField(), max_length=64,
                                        required=False, allow_empty=True,
                                        help_text=EVENT_TYPES_HELP)
    scope = serializers.ChoiceField(choices=SCOPE_CHOICES, default="all")
    models = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**62), required=False,
                                   default=list, max_length=200, help_text="Model ids, for scope `models`.")
    targets = TargetInputSerializer(many=True, max_length=MAX_TARGETS_PER_RULE + 1)


class RuleCreateSerializer(RuleInputSerializer):
    enabled = serializers.BooleanField(default=True)


class TargetSerializer(api_serializers.Serializer):
    id = serializers.IntegerField()
    method = serializers.ChoiceField(choices=METHOD_CHOICES)
    method_label = serializers.CharField()
    config = serializers.DictField(child=serializers.JSONField(), help_text="Values with every secret masked.")
    summary = serializers.CharField()
    units = serializers.IntegerField(help_text="Target units this target uses.")
    message = TargetMessageSerializer()
    health = serializers.ChoiceField(choices=["healthy", "failing", "disabled"],
                                     help_text="disabled: its deliveries are skipped until it is re-enabled.")
    last_error = serializers.CharField(allow_blank=True, help_text="The last failure, decoded in words.")
    disabled_reason = serializers.CharField(allow_blank=True)
    signing_secret = serializers.CharField(
        allow_null=True, help_text="An HTTP/HTTPS target's whsec_ secret, only in the answer that created it (or "
                                   "rotated it: .../targets/{id}/rotate-secret/); null otherwise.")


class RuleSerializer(api_serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    source = serializers.ChoiceField(choices=SOURCE_CHOICES)
    source_label = serializers.CharField()
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES))
    all_event_types = serializers.BooleanField(
        help_text="true when event_types is empty: the rule receives All event types of its source, including "
                  "types the catalog adds later.")
    scope = serializers.ChoiceField(choices=SCOPE_CHOICES)
    models = serializers.ListField(child=serializers.IntegerField())
    enabled = serializers.BooleanField()
    units = serializers.IntegerField(help_text="Target units the rule uses.")
    targets = TargetSerializer(many=True, help_text="Empty when targets_hidden.")
    targets_hidden = serializers.BooleanField(
        help_text="true when the caller lacks eventbridge:ListTargets on the rule: its targets are not shown.")
    created_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


TARGET_FIELD = re.compile(r"^(targets\[\d+\])\.(?!method$|id$|config\.|message\.|message$)(.+)$")


@contextmanager
def request_field_names():
    """The service names a target's config field `targets[0].signing_secret` (the console's form field);
    the API answers with the request's own path, `targets[0].config.signing_secret`."""
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise serializers.ValidationError({TARGET_FIELD.sub(r"\1.config.\2", key): messages
                                           for key, messages in exc.message_dict.items()}) from None


def rule_data(rule, revealed: dict | None = None, *, targets_hidden: bool = False) -> dict:
    rule = rules_queryset().get(pk=rule.pk) if not hasattr(rule, "_prefetched_objects_cache") else rule
    row = rule_row(rule)
    revealed = revealed or {}
    if targets_hidden:
        row.targets = []
    return {
        "id": rule.pk,
        "name": rule.name,
        "source": rule.source,
        "source_label": row.source_label,
        "event_types": sorted(et.event_type for et in rule.event_types.all()),
        "all_event_types": row.all_event_types,
        "scope": rule.scope,
        "models": sorted(m.pk for m in rule.scope_models.all()),
        "enabled": rule.enabled,
        "units": row.units,
        "targets": [{
            "id": t["id"], "method": t["method"], "method_label": t["label"], "config": t["config"],
            "summary": t["summary"], "units": t["units"], "message": t["message"],
            "health": t["health"], "last_error": t["last_error"], "disabled_reason": t["disabled_reason"],
            "signing_secret": revealed.get(t["id"], {}).get("signing_secret"),
        } for t in row.targets],
        "targets_hidden": targets_hidden,
        "created_by": rule.created_by.username if rule.created_by else None,
        "created_at": rule.created_at,
        "updated_at": rule.updated_at,
    }


def _targets_hidden(user, rule) -> bool:
    """Issue 13: a reader denied eventbridge:ListTargets on the rule sees it without its targets."""
    return not rule_get.allowed(user, "eventbridge:ListTargets", workspace=rule.bus.workspace, rule=rule)


def _targets(validated: list[dict]) -> list[dict]:
    return [{"id": t.get("id"), "method": t["method"], "values": t.get("config") or {},
             "message": dict(t.get("message") or {})} for t in validated]


def _service_kwargs(data: dict) -> dict:
    return {"name": data["name"], "source": data["source"], "event_types": data.get("event_types") or [],
            "scope": data["scope"], "model_ids": data.get("models") or [], "targets": _targets(data["targets"])}


class RuleListCreateView(generics.ListAPIView):
    serializer_class = RuleSerializer

    def get_queryset(self):
        workspace = workspace_get_for_user(self.request.user, self.kwargs["workspace_id"])
        return rules_for_workspace(actor=self.request.user, workspace=workspace).order_by("-created_at", "-id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([
            rule_data(rule, targets_hidden=_targets_hidden(request.user, rule)) for rule in page])

    @extend_schema(summary="List the workspace's notice rules",
                   description="Newest first, each with its targets (secrets masked) and units.",
                   responses={200: RuleSerializer(many=True),
                                                                          **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Create a notice rule with its targets", request=RuleCreateSerializer,
                   description="At most 50 rules per bus; the targets' units within the account's quota. "
                               "The answer shows an HTTP/HTTPS target's whsec_ secret once.",
                   responses={201: RuleSerializer, **errors(400, 404)})
    def post(self, request, workspace_id):
        workspace = workspace_get_for_user(request.user, workspace_id)
        # The permission first: a caller who may not create rules learns nothing from validation.
        rule_services.rule_create.authorize(request.user, workspace=workspace,
                                            name=requested_field(request, "name"))
        data = validated(RuleCreateSerializer, request.data)
        with request_field_names():
            rule = rule_services.rule_create(actor=request.user, workspace=workspace, enabled=data["enabled"],
                                             **_service_kwargs(data))
        return Response(rule_data(rule, rule.revealed_secrets), status=status.HTTP_201_CREATED)


class RuleDetailView(APIView):
    def _rule(self, request, workspace_id, rule_id):
        workspace = workspace_get_for_user(request.user, workspace_id)
        return rule_get(actor=request.user, workspace=workspace, rule_id=rule_id)

    @extend_schema(summary="Read a notice rule",
                   description="The rule with its event types, scope and targets (secrets masked).",
                   responses={200: RuleSerializer, **errors(404)})
    def get(self, request, workspace_id, rule_id):
        rule = self._rule(request, workspace_id, rule_id)
        return Response(rule_data(rule, targets_hidden=_targets_hidden(request.user, rule)))

    @extend_schema(summary="Replace a notice rule and its targets", request=RuleInputSerializer,
                   description="The target list is replaced atomically. Give a saved target's id to keep it; "
                               "its secrets stay unless new values are given.",
                   responses={200: RuleSerializer, **errors(400, 404)})
    def put(self, request, workspace_id, rule_id):
        rule = self._rule(request, workspace_id, rule_id)
        rule_services.rule_update.authorize(request.user, rule=rule, name=requested_field(request, "name"))
        data = validated(RuleInputSerializer, request.data)
        with request_field_names():
            rule = rule_services.rule_update(actor=request.user, rule=rule, **_service_kwargs(data))
        return Response(rule_data(rule, rule.revealed_secrets))

    @extend_schema(summary="Delete a notice rule",
                   description="Deletes the rule and its targets; past deliveries keep their records.",
                   responses={204: None, **errors(404)})
    def delete(self, request, workspace_id, rule_id):
        rule = self._rule(request, workspace_id, rule_id)
        rule_services.rule_delete(actor=request.user, rule=rule)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RuleEnableView(APIView):
    enable = True

    def change(self, request, workspace_id, rule_id):
        workspace = workspace_get_for_user(request.user, workspace_id)
        rule = rule_get(actor=request.user, workspace=workspace, rule_id=rule_id)
        change = rule_services.rule_enable if self.enable else rule_services.rule_disable
        return Response(rule_data(change(actor=request.user, rule=rule)))

    @extend_schema(summary="Enable a notice rule", request=None,
                   description="Events from now on are matched against the rule again. Enabling an enabled rule "
                               "changes nothing.",
                   responses={200: RuleSerializer, **errors(404)})
    def post(self, request, workspace_id, rule_id):
        return self.change(request, workspace_id, rule_id)


class RuleDisableView(RuleEnableView):
    enable = False

    @extend_schema(summary="Disable a notice rule", request=None,
                   description="Events are no longer matched against the rule; deliveries already made go on. "
                               "Disabling a disabled rule changes nothing.",
                   responses={200: RuleSerializer, **errors(404)})
    def post(self, request, workspace_id, rule_id):
        return self.change(request, workspace_id, rule_id)


class ConnectivityInputSerializer(api_serializers.Serializer):
    method = serializers.ChoiceField(choices=METHOD_CHOICES)
    config = serializers.DictField(child=serializers.JSONField(), required=False, default=dict, help_text=CONFIG_HELP)
    target_id = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                         help_text="A saved target whose stored secrets fill the secrets left out.")
    message = TargetMessageSerializer(required=False, help_text="The target's language and templates (as in the "
                                                                "rule); the test message is what Preview shows.")
    event_type = serializers.ChoiceField(choices=EVENT_TYPE_CHOICES, required=False, allow_blank=True, default="",
                                         help_text="The event type the message is about (default: a model version "
                                                   "approved).")
    use_example = serializers.BooleanField(required=False, default=False,
                                           help_text="Use the catalog's example, not the workspace's last event.")


class ConnectivityResultSerializer(api_serializers.Serializer):
    ok = serializers.BooleanField()
    code = serializers.CharField(help_text="The bot's own code (0 on success, e.g. 310000 when refused).")
    message = serializers.CharField(allow_blank=True, help_text="The bot's own message.")


class RuleTestConnectivityView(APIView):
    @extend_schema(summary="Test Connectivity: send a test message with these values",
                   description="DingTalk, WeCom and Lark only. The message is a sample event of the rule's `source` "
                               "and first event type, marked as a test; it is not a notification (not counted in "
                               "usage, no delivery record). The answer carries the bot's own code and message.",
                   request=ConnectivityInputSerializer,
                   responses={200: ConnectivityResultSerializer, **errors(400, 404)})
    def post(self, request, workspace_id):
        workspace, data = authorized_input(request, workspace_id, connectivity_test, ConnectivityInputSerializer)
        method = get_method(data["method"])
        if not method.supports_test:
            raise serializers.ValidationError({"method": [method.test_disabled_reason]})
        saved = None
        if data.get("target_id"):
            saved = target_get_in_workspace(workspace=workspace, target_id=data["target_id"])
            if saved is None:
                raise serializers.ValidationError({"target_id": ["No such target in this workspace."]})
        stored = dict(saved.secrets) if saved is not None and saved.method == method.key else {}
        try:
            cleaned = connectivity_draft_clean(workspace=workspace, method=method, values=data["config"],
                                               stored_secrets=stored)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({f"config.{key}": value for key, value in exc.message_dict.items()})
        settings_ = checked_message(data, method)
        result = connectivity_test(actor=request.user, workspace=workspace, method=method.key,
                                   config=cleaned.config, secrets=cleaned.secrets, event_type=data["event_type"],
                                   settings_=settings_, use_last_event=not data["use_example"])
        return Response({"ok": bool(result.ok), "code": str(result.code or ""), "message": str(result.message or "")})
