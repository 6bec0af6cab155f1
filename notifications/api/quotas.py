"""/api/v1/quotas/: target units per rule, the largest rule's use, and increase requests (an
operator approves or rejects them in Django admin)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from console.accounts import account_of
from console.api import serializers as api_serializers
from console.api.errors import errors
from notifications.models.rules import DEFAULT_TARGETS_PER_RULE, MAX_TARGETS_PER_RULE
from notifications.selectors.rules import (
    largest_rule_units,
    quota_get,
    quota_limit,
    quota_request_pending,
    quota_requests_for_account,
)
from notifications.services.quotas import quota_request_create


class QuotaRequestSerializer(api_serializers.Serializer):
    id = serializers.IntegerField()
    requested_limit = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)
    status = serializers.CharField(help_text="pending, approved or rejected.")
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField(allow_blank=True)


class QuotaRequestInputSerializer(api_serializers.Serializer):
    requested_limit = serializers.IntegerField(min_value=1, max_value=32767,
                                               help_text=f"Target units per rule, at most {MAX_TARGETS_PER_RULE}.")
    reason = serializers.CharField(max_length=512, allow_blank=True, required=False, default="")


class QuotaSerializer(api_serializers.Serializer):
    targets_per_rule = serializers.IntegerField(help_text="The account's limit of target units per rule.")
    default_targets_per_rule = serializers.IntegerField()
    max_targets_per_rule = serializers.IntegerField(help_text="The most a request can ask for.")
    largest_rule_units = serializers.IntegerField(help_text="The most units any rule of the account uses.")
    pending_request = QuotaRequestSerializer(allow_null=True)


def request_data(request) -> dict:
    return {"id": request.pk, "requested_limit": request.requested_limit, "reason": request.reason,
            "status": request.status, "created_at": request.created_at, "decided_at": request.decided_at,
            "decision_note": request.decision_note}


def _account(user):
    account = account_of(user)
    quota_get(actor=user, account=account)
    return account


class QuotaView(APIView):
    @extend_schema(summary="Read the target quota", responses={200: QuotaSerializer, **errors()})
    def get(self, request):
        account = _account(request.user)
        pending = quota_request_pending(account=account)
        return Response({
            "targets_per_rule": quota_limit(account=account),
            "default_targets_per_rule": DEFAULT_TARGETS_PER_RULE,
            "max_targets_per_rule": MAX_TARGETS_PER_RULE,
            "largest_rule_units": largest_rule_units(account=account)[0],
            "pending_request": request_data(pending) if pending else None,
        })


class QuotaRequestListCreateView(generics.ListAPIView):
    serializer_class = QuotaRequestSerializer

    def get_queryset(self):
        return quota_requests_for_account(account=_account(self.request.user)).order_by("-created_at", "-id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([request_data(r) for r in page])

    @extend_schema(summary="List quota increase requests", responses={200: QuotaRequestSerializer(many=True),
                                                                      **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Request a quota increase", request=QuotaRequestInputSerializer,
                   responses={201: QuotaRequestSerializer, **errors(400)})
    def post(self, request):
        quota_request_create.authorize(request.user, account=account_of(request.user))
        data = QuotaRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = quota_request_create(actor=request.user, account=account_of(request.user), **data.validated_data)
        return Response(request_data(created), status=status.HTTP_201_CREATED)
