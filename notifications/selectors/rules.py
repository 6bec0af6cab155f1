"""Reads for notice rules, targets, contacts and quotas, scoped to an account or a workspace (objects
of another account do not exist: 404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from notifications.catalog import ALL_EVENT_TYPES_LABEL, SCOPE_LABELS, event_type_label, get_source
from notifications.channels.registry import METHODS_BY_KEY, channel_for_method, get_method
from notifications.models import Contact, QuotaIncreaseRequest, RoutingKey, Rule, Target, TargetContact, TargetQuota
from notifications.models.rules import DEFAULT_TARGETS_PER_RULE
from notifications.services.routing_keys import ALL
from workspaces.iam.operations import BUS, CONTACTS, QUOTA, RULE, Check, operation
from workspaces.iam.permissions import account_arn
from workspaces.tenancy.bus import bus_readiness


# --- quotas ------------------------------------------------------------------------------------
def quota_limit(*, account) -> int:
    """Target units per rule for the account: 5 unless an increase was approved."""
    quota = TargetQuota.objects.filter(account=account).only("targets_per_rule").first()
    return quota.targets_per_rule if quota else DEFAULT_TARGETS_PER_RULE


@operation(Check("quotas:ListProductQuotas", QUOTA), values=lambda account, **_: {"account": account})
def quota_get(*, actor, account) -> int:
    """The quota page's figure, for a reader allowed quotas:ListProductQuotas."""
    return quota_limit(account=account)


def quota_requests_for_account(*, account) -> QuerySet[QuotaIncreaseRequest]:
    return QuotaIncreaseRequest.objects.filter(account=account).select_related("requested_by", "decided_by")


def quota_request_pending(*, account) -> QuotaIncreaseRequest | None:
    return quota_requests_for_account(account=account).filter(status=QuotaIncreaseRequest.Status.PENDING).first()


# --- targets and units -------------------------------------------------------------------------
def target_units(target: Target) -> int:
    method = METHODS_BY_KEY.get(target.method)
    return method.schema().saved_units(target) if method else 1


def rule_units(rule: Rule) -> int:
    return sum(target_units(target) for target in rule.targets.all())


def largest_rule_units(*, account) -> tuple[int, Rule | None]:
    """The most target units any rule of the account uses, and that rule."""
    best, best_rule = 0, None
    for rule in rules_queryset(with_secrets=False).filter(bus__account=account):
        units = rule_units(rule)
        if units > best:
            best, best_rule = units, rule
    return best, best_rule


def target_display(target: Target) -> dict:
    """A saved target as pages and the API show it: method label, masked values, a one-line summary."""
    method = METHODS_BY_KEY.get(target.method)
    schema = method.schema() if method else None
    return {
        "id": target.pk,
        "method": target.method,
        "label": method.label if method else target.method,
        "config": schema.masked(target) if schema else {},
        "summary": schema.summary(target) if schema else "",
        "units": target_units(target),
        "message": {"language": target.language, "title_template": target.title_template,
                    "body_template": target.body_template, "digest": target.digest},
        "health": target.health,
        "last_error": target.last_error,
        "last_error_at": target.last_error_at,
        "disabled_reason": target.disabled_reason,
        "disabled_at": target.disabled_at,
        "tested_ok": target.tested_ok_at is not None and (
            target.disabled_at is None or target.tested_ok_at >= target.disabled_at),
    }


# --- rules ---------------------------------------------------------------------------------------
def rules_queryset(*, with_secrets: bool = True, hide_targets_of=()) -> QuerySet[Rule]:
    """Rules with everything their pages show. Lists pass `with_secrets=False`: targets come without
    their encrypted secrets (pages show the masked copies kept in config), so listing many rules
    decrypts nothing. The rules whose ids are in `hide_targets_of` come without targets."""
    targets = Target.objects.exclude(rule_id__in=hide_targets_of).prefetch_related(
        Prefetch("contact_links", queryset=TargetContact.objects.select_related("contact").order_by("id"))
    )
    if not with_secrets:
        targets = targets.defer("secrets")
    return Rule.objects.select_related("bus", "bus__workspace__account", "created_by").prefetch_related(
        "event_types", "scope_models", Prefetch("targets", queryset=targets)
    )


def _rule_values(workspace, rule=None, **_) -> dict:
    return {"account": workspace.account, "workspace": workspace.name,
            "rule": "*" if rule is None else getattr(rule, "name", rule)}


@operation(Check("eventbridge:ListRules", BUS), Check("eventbridge:GetRule", RULE, asked=True),
           Check("eventbridge:ListTargets", RULE, asked=True), values=_rule_values)
def rules_for_workspace(*, actor, workspace) -> QuerySet[Rule]:
    """The bus's rules; a rule whose GetRule or ListTargets the actor is denied comes without its
    targets (F10: the list showed what the rule's own page refused)."""
    rules = Rule.objects.filter(bus__workspace=workspace)
    hidden = [] if actor is None else [
        pk for pk, name in rules.values_list("pk", "name")
        if not rules_for_workspace.allowed(actor, "eventbridge:GetRule", "eventbridge:ListTargets",
                                           workspace=workspace, rule=name)]
    return rules_queryset(with_secrets=False, hide_targets_of=hidden).filter(bus__workspace=workspace)


@operation(Check("eventbridge:GetRule", RULE), values=_rule_values, enforce=False)
def rule_get(*, actor, workspace, rule_id) -> Rule:
    """The rule (404 when it is not on this workspace's bus), once GetRule is allowed on it."""
    try:
        rule = rules_queryset().get(pk=int(rule_id), bus__workspace=workspace)
    except (Rule.DoesNotExist, ValueError, TypeError):
        raise Http404("No such rule") from None
    rule_get.authorize(actor, workspace=workspace, rule=rule)
    return rule


def target_get_in_workspace(*, workspace, target_id) -> Target | None:
    """A saved target of this workspace (Test Connectivity of a target whose secrets are masked)."""
    try:
        return Target.objects.select_related("rule").get(pk=int(target_id), rule__bus__workspace=workspace)
    except (Target.DoesNotExist, ValueError, TypeError):
        return None


@dataclass
class RuleRow:
    rule: Rule
    source_label: str
    event_type_labels: list[str]  # ["All event types"] for a rule listing none
    scope_label: str
    targets: list[dict]
    units: int
    all_event_types: bool = False


def rule_event_type_labels(rule: Rule) -> list[str]:
    """The labels of the types a rule lists, in the catalog's order; ["All event types"] when it lists
    none (every type of its source, including types added later)."""
    try:
        order = {et.key: n for n, et in enumerate(get_source(rule.source).event_types)}
    except KeyError:
        order = {}
    types = sorted((row.event_type for row in rule.event_types.all()), key=lambda key: order.get(key, 99))
    return [event_type_label(key) for key in types] or [ALL_EVENT_TYPES_LABEL]


def rule_row(rule: Rule) -> RuleRow:
    try:
        source_label = get_source(rule.source).label
    except KeyError:
        source_label = rule.source
    labels = rule_event_type_labels(rule)
    targets = [target_display(target) for target in rule.targets.all()]
    return RuleRow(
        rule=rule,
        source_label=source_label,
        event_type_labels=labels,
        scope_label=SCOPE_LABELS.get(rule.scope, rule.scope),
        targets=targets,
        units=sum(t["units"] for t in targets),
        all_event_types=not rule.event_types.all(),
    )


def method_label(key: str) -> str:
    try:
        return get_method(key).label
    except KeyError:
        return key


# --- contacts ------------------------------------------------------------------------------------
def contact_arn(account, name: str = "*") -> str:
    return account_arn("cms", account, f"contact/{name}")


def contacts_for_account(*, account) -> QuerySet[Contact]:
    return Contact.objects.filter(account=account)


def contact_get(*, account, contact_id) -> Contact:
    try:
        return contacts_for_account(account=account).get(pk=int(contact_id))
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise Http404("No such contact") from None


def contact_rules(*, contact) -> list[Rule]:
    """The rules whose targets reach this contact."""
    return list(
        Rule.objects.filter(targets__contact_links__contact=contact).select_related("bus__workspace").distinct()
    )


def contact_channels_in_use(*, contact) -> set[str]:
    return set(TargetContact.objects.filter(contact=contact).values_list("channel", flat=True))


@operation(Check("cms:DescribeContactList", CONTACTS), values=lambda account, **_: {"account": account})
def contacts_visible_to(*, actor, account) -> QuerySet[Contact]:
    """The message receiving settings page's list (cms:DescribeContactList)."""
    return contacts_for_account(account=account).prefetch_related("target_links")


# --- what a change will trigger (asked before a final action) ------------------------------------
@dataclass
class Triggered:
    """The enabled rules an event would match, and the EAS services their targets would switch."""

    rules: list[Rule]
    eas_services: list[str]
    bus_ready: bool


def rules_triggered_by(*, workspace, event_types: list[str], owner_id=None, model_id=None) -> Triggered:
    """The enabled rules of the workspace's bus that the given event types of one resource (its
    owner, its model) would match, read from the routing keys as routing reads them; and the EAS
    services of their EAS targets that act on those types. Shown in a confirmation, never used to route."""
    readiness = bus_readiness(workspace)
    bus = readiness.bus
    if not readiness.accepts_rules:
        return Triggered([], [], False)
    scope_keys = [ALL] + ([f"user:{owner_id}"] if owner_id else []) + ([f"model:{model_id}"] if model_id else [])
    rule_ids = set(RoutingKey.objects.filter(bus_id=bus.pk, event_type__in=event_types, scope_key__in=scope_keys)
                   .values_list("rule_id", flat=True))
    rules = list(Rule.objects.filter(pk__in=rule_ids, enabled=True).order_by("name")
                 .prefetch_related("targets"))
    services = []
    for rule in rules:
        for target in rule.targets.all():
            # A target that names its recipient (an EAS service) and whose channel acts on these types.
            method, channel = METHODS_BY_KEY.get(target.method), channel_for_method(target.method)
            recipient = method.schema().recipient_label(target) if method else ""
            if recipient and channel is not None and any(channel.handles(t) for t in event_types):
                services.append(recipient)
    return Triggered(rules, sorted(set(services)), True)
