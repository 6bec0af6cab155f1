"""/api/v1/workspaces/<workspace_id>/targets/<id>/: a target's health, its Test Connectivity with
its saved settings, and re-enabling it; /recoveries/: "redeliver everything that failed since T".
Thin faces over notifications.services.health, .connectivity and .recovery."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from console.api import Conflict
from console.api import serializers as api_serializers
from console.api.errors import errors
from console.api.request_body import authorized_input
from notifications.api.rules import ConnectivityResultSerializer
from notifications.models import Recovery
from notifications.selectors.rules import target_get_in_workspace
from notifications.services.connectivity import connectivity_test_saved
from notifications.services.health import EnableRefused, target_enable
from notifications.services.recovery import RecoveryRefused, recovery_get, recovery_progress, recovery_start
from workspaces.tenancy.selectors import workspace_get_for_user


class TargetHealthSerializer(api_serializers.Serializer):
    id = serializers.IntegerField()
    health = serializers.CharField()
    last_error = serializers.CharField(allow_blank=True)
    disabled_reason = serializers.CharField(allow_blank=True)
    disabled_at = serializers.DateTimeField(allow_null=True)


def _target(request, workspace_id, target_id):
    workspace = workspace_get_for_user(request.user, workspace_id)
    target = target_get_in_workspace(workspace=workspace, target_id=target_id)
    if target is None:
        raise Http404("No such target")
    return target


def _health(target) -> dict:
    return {"id": target.pk, "health": target.health, "last_error": target.last_error,
            "disabled_reason": target.disabled_reason, "disabled_at": target.disabled_at}


class TargetTestConnectivityView(APIView):
    @extend_schema(summary="Test Connectivity of a saved target with its saved settings",
                   description="A success is what re-enabling a disabled target needs.", request=None,
                   responses={200: ConnectivityResultSerializer, **errors(404)})
    def post(self, request, workspace_id, target_id):
        result = connectivity_test_saved(actor=request.user, target=_target(request, workspace_id, target_id))
        return Response({"ok": bool(result.ok), "code": str(result.code or ""), "message": str(result.message or "")})


class TargetEnableView(APIView):
    @extend_schema(summary="Re-enable a disabled target", request=None,
                   description="Needs a successful Test Connectivity since it was disabled (409 otherwise).",
                   responses={200: TargetHealthSerializer, **errors(404, 409)})
    def post(self, request, workspace_id, target_id):
        target = _target(request, workspace_id, target_id)
        try:
            target = target_enable(actor=request.user, target_id=target.pk)
        except EnableRefused as exc:
            raise Conflict(str(exc)) from None
        return Response(_health(target))


class RecoveryInputSerializer(api_serializers.Serializer):
    since = serializers.DateTimeField(help_text="Deliveries created at or after this time (ISO 8601).")
    rule_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    target_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)


class RecoverySerializer(api_serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Recovery.Status.choices)
    since = serializers.DateTimeField()
    rule_id = serializers.IntegerField(allow_null=True)
    target_id = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(help_text="Deliveries this request sends again.")
    done = serializers.IntegerField(help_text="Of those, how many are no longer pending or retrying.")
    succeeded = serializers.IntegerField()


def _recovery(recovery) -> dict:
    progress = recovery_progress(recovery=recovery)
    return {"id": recovery.pk, "status": progress.recovery.status, "since": recovery.since,
            "rule_id": recovery.rule_id, "target_id": recovery.target_id, "total": progress.total,
            "done": progress.done, "succeeded": progress.succeeded}


class RecoveryCreateView(APIView):
    @extend_schema(summary="Recover: send again the dead, failed and skipped deliveries since a time",
                   description="For the workspace, one rule (rule_id) or one target (target_id). A second "
                               "request for the same scope while one runs answers the running one.",
                   request=RecoveryInputSerializer, responses={202: RecoverySerializer, **errors(400, 404)})
    def post(self, request, workspace_id):
        workspace, data = authorized_input(request, workspace_id, recovery_start, RecoveryInputSerializer)
        try:
            recovery = recovery_start(actor=request.user, workspace=workspace, since=data["since"],
                                      rule_id=data.get("rule_id"), target_id=data.get("target_id"))
        except RecoveryRefused as exc:
            raise serializers.ValidationError({"since" if "window" in str(exc) else "scope": [str(exc)]}) from None
        return Response(_recovery(recovery), status=status.HTTP_202_ACCEPTED)


class RecoveryDetailView(APIView):
    @extend_schema(summary="A recover request and its progress",
                   description="The request's window and how many of its deliveries were sent again so far.",
                   responses={200: RecoverySerializer, **errors(404)})
    def get(self, request, workspace_id, recovery_id):
        workspace = workspace_get_for_user(request.user, workspace_id)
        try:
            recovery = recovery_get(actor=request.user, workspace=workspace, recovery_id=recovery_id)
        except Recovery.DoesNotExist:
                raise Http404("No such recovery") from None
        return Response(_recovery(recovery))
