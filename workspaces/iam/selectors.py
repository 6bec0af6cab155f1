"""Reads for users, policies and the audit log, scoped to the reader's account (another account's
objects answer 404) and authorized (`ram:List*`/`ram:GetPolicy`, `actiontrail:LookupEvents`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from console.accounts import account_of
from workspaces.iam.operations import AUDIT, POLICIES, POLICY, USER, USERS, Check, operation
from workspaces.models import AuditLogEntry, Policy, User


def _int(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404("No such object") from None


def _own_account(actor, **_) -> dict:
    return {"account": account_of(actor)}


def _named(key: str):
    def values(actor, name="*", **_) -> dict:
        return {"account": account_of(actor), key: name}
    return values


@operation(Check("ram:ListPolicies", POLICIES), values=_own_account)
def policy_list(*, actor) -> QuerySet[Policy]:
    account = account_of(actor)
    return Policy.objects.filter(account=account).annotate(user_count=Count("users")).order_by("name")


@operation(Check("ram:GetPolicy", POLICY), values=_named("policy"), enforce=False)
def policy_get(*, actor, pk) -> Policy:
    account = account_of(actor)
    try:
        policy = Policy.objects.select_related("account").get(account=account, pk=_int(pk))
    except Policy.DoesNotExist:
        raise Http404("No such policy") from None
    policy_get.authorize(actor, name=policy.name)
    return policy


def policy_get_for_change(*, actor, pk) -> Policy:
    """The policy to update or delete: found in the reader's account (else 404), not authorized here
    (the service checks the write's own action, so a refusal names it)."""
    account = account_of(actor)
    try:
        return Policy.objects.select_related("account").get(account=account, pk=_int(pk))
    except Policy.DoesNotExist:
        raise Http404("No such policy") from None


def policy_get_by_reference(*, account, reference) -> Policy:
    """A policy of `account` by id or by name (the API's attach/detach accept either)."""
    policies = Policy.objects.filter(account=account)
    reference = str(reference)
    policy = policies.filter(pk=int(reference)).first() if reference.isdigit() else None
    policy = policy or policies.filter(name=reference).first()
    if policy is None:
        raise Http404("No such policy")
    return policy


@operation(Check("ram:ListUsers", USERS), values=_own_account)
def user_list(*, actor) -> QuerySet[User]:
    account = account_of(actor)
    return (
        User.objects.filter(account=account)
        .select_related("account")
        .prefetch_related(Prefetch("policies", queryset=Policy.objects.order_by("name")))
        .order_by("-is_account_owner", "username")
    )


@operation(Check("ram:GetUser", USER), values=_named("user"), enforce=False)
def user_get(*, actor, pk, authorize_read: bool = True) -> User:
    account = account_of(actor)
    try:
        user = User.objects.select_related("account").get(account=account, pk=_int(pk))
    except User.DoesNotExist:
        raise Http404("No such user") from None
    if authorize_read:
        user_get.authorize(actor, name=user.username)
    return user


@dataclass(frozen=True)
class AuditFilters:
    user: str = ""  # a username, or a user id
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None
    until: datetime | None = None


@operation(Check("actiontrail:LookupEvents", AUDIT), values=_own_account)
def audit_entries(*, actor) -> QuerySet[AuditLogEntry]:
    """The account's audit log, newest first."""
    account = account_of(actor)
    return AuditLogEntry.objects.filter(account=account).select_related("actor")


def audit_entries_filter(entries: QuerySet[AuditLogEntry], filters: AuditFilters) -> QuerySet[AuditLogEntry]:
    """Narrow `audit_entries(...)` by user, object and time range."""
    if filters.user:
        if filters.user.isdigit():
            entries = entries.filter(actor_id=int(filters.user))
        else:
            entries = entries.filter(actor_name__iexact=filters.user)
    if filters.object_type:
        entries = entries.filter(object_type__iexact=filters.object_type)
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id)
    if filters.since:
        entries = entries.filter(created_at__gte=filters.since)
    if filters.until:
        entries = entries.filter(created_at__lte=filters.until)
    return entries


def audit_object_types(*, account) -> list[str]:
    """Each object type once. (`.distinct()` over a model with a default ordering would select the
    ordering column too and return one row per entry: `order_by()` clears it.)"""
    return sorted(
        AuditLogEntry.objects.filter(account=account).exclude(object_type="").order_by()
        .values_list("object_type", flat=True).distinct()
    )
