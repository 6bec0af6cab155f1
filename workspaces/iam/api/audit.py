"""/api/v1/audit-log/: who changed what and when, filterable by user, object and time range."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from console.api import serializers as api_serializers
from console.api.errors import errors
from workspaces.iam.selectors import AuditFilters, audit_entries, audit_entries_filter
from workspaces.models import AuditLogEntry


class AuditLogEntrySerializer(api_serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name", help_text='The username, or "system"')
    actor_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = AuditLogEntry
        fields = ["id", "created_at", "actor", "actor_id", "action", "object_type", "object_id", "object_repr",
                  "resource", "changes"]
        read_only_fields = fields


class AuditFilterSerializer(serializers.Serializer):  # query parameters: page and others pass
    user = serializers.CharField(required=False, allow_blank=True, max_length=150)
    object_type = serializers.CharField(required=False, allow_blank=True, max_length=64)
    object_id = serializers.CharField(required=False, allow_blank=True, max_length=64)
    since = serializers.DateTimeField(required=False, allow_null=True)
    until = serializers.DateTimeField(required=False, allow_null=True)

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError({"until": "must not be before since"})
        return attrs


class AuditLogView(generics.ListAPIView):
    serializer_class = AuditLogEntrySerializer

    def get_queryset(self):
        entries = audit_entries(actor=self.request.user)  # authorized before the filters are read
        params = AuditFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return audit_entries_filter(entries, AuditFilters(**{k: v for k, v in params.validated_data.items() if v}))

    @extend_schema(
        operation_id="audit_log_list",
        summary="The account's audit log, newest first",
        description="Who did what to which object, with the changed values; refusals are recorded too.",
        parameters=[
            OpenApiParameter("user", OpenApiTypes.STR, description="A username (or user id)"),
            OpenApiParameter("object_type", OpenApiTypes.STR, description="e.g. rule, target, contact, policy"),
            OpenApiParameter("object_id", OpenApiTypes.STR),
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="ISO 8601, inclusive"),
            OpenApiParameter("until", OpenApiTypes.DATETIME, description="ISO 8601, inclusive"),
        ],
        responses={200: AuditLogEntrySerializer(many=True), **errors(400, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
