"""`{% rules_section workspace %}`: the Create Notice Rule button and the rules table, as shown on the
Event Notification Configuration tab once EventBridge is active. The rule views re-render the same
section after a change (`oob=True` swaps it in place from an HTMX answer)."""

from datetime import timedelta

from django import template
from django.utils import timezone

from notifications.models.rules import MAX_RULES_PER_BUS
from notifications.selectors.rules import rule_row, rules_for_workspace
from notifications.services import rules as rule_services
from notifications.services.health import target_enable
from notifications.services.recovery import recovery_start
from notifications.services.target_secrets import rotatable_methods, target_secret_rotate
from workspaces.iam.permissions import AccessDenied
from workspaces.tenancy.bus import bus_readiness

register = template.Library()


def rules_section_context(*, user, workspace, csrf_token=None, oob: bool = False) -> dict:
    has_bus = bus_readiness(workspace).accepts_rules
    rows, denied = [], ""
    if has_bus:
        try:
            rows = [rule_row(rule) for rule in rules_for_workspace(actor=user, workspace=workspace)]
        except AccessDenied as exc:
            denied = str(exc)
    rotatable = rotatable_methods()
    for row in rows:
        row.can_update = rule_services.rule_update.allowed(user, "eventbridge:UpdateRule", rule=row.rule)
        toggle = rule_services.rule_disable if row.rule.enabled else rule_services.rule_enable
        row.can_toggle = toggle.allowed(user, rule=row.rule)
        row.can_delete = rule_services.rule_delete.allowed(user, rule=row.rule)
        row.targets_hidden = not rules_for_workspace.allowed(user, "eventbridge:GetRule", "eventbridge:ListTargets",
                                                             workspace=workspace, rule=row.rule.name)
        row.can_rotate = bool(row.targets) and target_secret_rotate.allowed(user, rule=row.rule)
        for target in row.targets:
            target["rotatable"] = target["method"] in rotatable
    disabled = [{"rule": row.rule, **target} for row in rows for target in row.targets
                if target["health"] == "disabled"]
    can_fix = has_bus and target_enable.allowed(user, workspace=workspace)
    return {
        "workspace": workspace,
        "rows": rows,
        "disabled_targets": disabled,
        "can_fix_targets": can_fix,
        "can_recover": has_bus and bool(rows) and recovery_start.allowed(user, workspace=workspace),
        "recover_since": (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "denied": denied,
        "has_bus": has_bus,
        "can_create": has_bus and rule_services.rule_create.allowed(user, "eventbridge:CreateRule",
                                                                     workspace=workspace),
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
