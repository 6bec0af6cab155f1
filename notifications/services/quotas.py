"""Target-unit quotas: 5 per rule by default; an account requests an increase (at most 100) and an
operator approves or rejects it (Django admin)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from notifications.models import QuotaIncreaseRequest, TargetQuota
from notifications.models.rules import MAX_TARGETS_PER_RULE
from notifications.selectors.rules import quota_limit, quota_request_pending
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import QUOTA, Check, operation
from workspaces.iam.permissions import account_arn


def quota_arn(account) -> str:
    return account_arn("quotas", account, "quota/eventbridge/targets-per-rule")


@operation(Check("quotas:CreateQuotaApplication", QUOTA), values=lambda account, **_: {"account": account})
def quota_request_create(*, actor, account, requested_limit, reason: str = "") -> QuotaIncreaseRequest:
    current = quota_limit(account=account)
    try:
        requested = int(requested_limit)
    except (TypeError, ValueError):
        raise ValidationError({"requested_limit": ["Enter a whole number of target units per rule."]})
    if requested > MAX_TARGETS_PER_RULE:
        raise ValidationError({"requested_limit": [
            f"You asked for {requested} target units per rule; the most you can request is {MAX_TARGETS_PER_RULE}."]})
    if requested <= current:
        raise ValidationError({"requested_limit": [
            f"You asked for {requested} target units per rule; your limit is already {current}: "
            "request more than that."]})
    reason = (reason or "").strip()
    if len(reason) > 512:
        raise ValidationError({"reason": [f"The reason has {len(reason)} characters; the limit is 512."]})
    with transaction.atomic():
        pending = quota_request_pending(account=account)
        if pending is not None:
            raise ValidationError({"requested_limit": [
                f"A request for {pending.requested_limit} target units per rule is still pending; "
                "wait for its decision."]})
        request = QuotaIncreaseRequest.objects.create(
            account=account, requested_limit=requested, reason=reason,
            requested_by=actor if getattr(actor, "pk", None) else None)
        audit_record(actor=actor, account=account, action="quota.request", obj=request,
                     changes={"requested_limit": [current, requested]})
    return request


def _decide(*, actor, request: QuotaIncreaseRequest, status: str, note: str) -> QuotaIncreaseRequest:
    # Operators (staff) decide in Django admin; account users never approve their own requests.
    if actor is not None and not getattr(actor, "is_staff", False):
        raise PermissionDenied("Only an operator can approve or reject a quota increase request.")
    with transaction.atomic():
        request = QuotaIncreaseRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != QuotaIncreaseRequest.Status.PENDING:
            raise ValidationError(f"This request was already {request.get_status_display().lower()}.")
        before = quota_limit(account=request.account)
        request.status = status
        request.decided_by = actor if getattr(actor, "pk", None) else None
        request.decided_at = timezone.now()
        request.decision_note = (note or "")[:512]
        request.save()
        changes = {"status": ["pending", status]}
        if status == QuotaIncreaseRequest.Status.APPROVED:
            quota, _ = TargetQuota.objects.get_or_create(account=request.account)
            quota.targets_per_rule = max(request.requested_limit, before)
            quota.save()
            changes["targets_per_rule"] = [before, quota.targets_per_rule]
        audit_record(actor=actor, account=request.account, action=f"quota.{status}", obj=request, changes=changes)
    return request


def quota_request_approve(*, actor, request: QuotaIncreaseRequest, note: str = "") -> QuotaIncreaseRequest:
    return _decide(actor=actor, request=request, status=QuotaIncreaseRequest.Status.APPROVED, note=note)


def quota_request_reject(*, actor, request: QuotaIncreaseRequest, note: str = "") -> QuotaIncreaseRequest:
    return _decide(actor=actor, request=request, status=QuotaIncreaseRequest.Status.REJECTED, note=note)
