"""`{% rules_section workspace %}`: the Create Notice Rule button and the rules table, as shown on the
Event Notification Configuration tab once EventBridge is active. The rule views re-render the same
section after a change (`oob=True` swaps it in place from an HTMX answer)."""

from datetime import timedelta

from django import template
from django.utils import timezone

from notifications.models.rules import MAX_RULES_PER_BUS
from notifications.selectors.rules import rule_row, rules_for_workspace
from workspaces.iam.permissions import AccessDenied, is_allowed
from workspaces.tenancy.bus import bus_arn, bus_readiness, rule_arn

register = template.Library()


def rules_section_context(*, user, workspace, csrf_token=None, oob: bool = False) -> dict:
    has_bus = bus_readiness(workspace).accepts_rules
    rows, denied = [], ""
    if has_bus:
        try:
            rows = [rule_row(rule) for rule in rules_for_workspace(actor=user, workspace=workspace)]
        except AccessDenied as exc:
            denied = str(exc)
    for row in rows:
        arn = rule_arn(workspace, row.rule.name)
        row.can_update = is_allowed(user, "eventbridge:UpdateRule", arn)
        row.can_toggle = is_allowed(user, "eventbridge:DisableRule" if row.rule.enabled else "eventbridge:EnableRule",
                                    arn)
        row.can_delete = is_allowed(user, "eventbridge:DeleteRule", arn)
    disabled = [{"rule": row.rule, **target} for row in rows for target in row.targets
                if target["health"] == "disabled"]
    can_fix = has_bus and is_allowed(user, "eventbridge:UpdateTargets", bus_arn(workspace))
    return {
        "workspace": workspace,
        "rows": rows,
        "disabled_targets": disabled,
        "can_fix_targets": can_fix,
        "can_recover": has_bus and bool(rows) and is_allowed(user, "eventbridge:PutEvents", bus_arn(workspace)),
        "recover_since": (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "denied": denied,
        "has_bus": has_bus,
        "can_create": has_bus and is_allowed(user, "eventbridge:CreateRule", bus_arn(workspace)),
        "at_rule_limit": len(rows) >= MAX_RULES_PER_BUS,
        "max_rules": MAX_RULES_PER_BUS,
        "csrf_token": csrf_token,
        "oob": oob,
        "user": user,
    }


@register.inclusion_tag("notifications/rules/_section.html", takes_context=True)
def rules_section(context, workspace, oob=False):
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    return rules_section_context(user=user, workspace=workspace, csrf_token=context.get("csrf_token"), oob=oob)
