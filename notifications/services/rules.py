"""Notice rules on a workspace's event bus: create, update (targets replaced atomically), enable,
disable, delete. What a rule must satisfy is checked first, all problems at once, by
`notifications.services.rule_checks`; this module writes what passes, keeps the routing keys in step
and records the audit entry."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from notifications.catalog import ALL_EVENT_TYPES_LABEL
from notifications.models import Rule, RuleEventType, Target, TargetContact
from notifications.models.rules import MAX_RULES_PER_BUS
from notifications.selectors.rules import quota_limit, rule_units, target_display
from notifications.services.platform_events import platform_event_rule_units_counted
from notifications.services.routing_keys import rule_routing_keys_sync
from notifications.services.rule_checks import (
    RULE_NAME,
    CleanTarget,
    event_bus_for,
    rule_input_check,
)
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import BUS, RULE, Check, operation
from workspaces.models import EventBus


def _save_targets(rule: Rule, clean: list[CleanTarget]) -> dict[int, dict]:
    """Write the rule's new target list: keep rows of kept targets, delete the others. Returns the
    secrets generated now, by target id (shown once)."""
    kept = {item.existing.pk for item in clean if item.existing is not None}
    rule.targets.exclude(pk__in=kept).delete()
    revealed: dict[int, dict] = {}
    for position, item in enumerate(clean):
        target = item.existing or Target(rule=rule)
        target.method = item.spec.method
        target.config = item.cleaned.config
        target.secrets = item.cleaned.secrets
        target.position = position
        target.language = item.message.language
        target.title_template = item.message.title_template
        target.body_template = item.message.body_template
        target.digest = item.digest
        target.save()
        target.contact_links.all().delete()
        TargetContact.objects.bulk_create([
            TargetContact(target=target, contact=contact, channel=channel)
            for channel, contact in item.cleaned.contacts
        ])
        if item.cleaned.revealed:
            revealed[target.pk] = dict(item.cleaned.revealed)
    return revealed


def _snapshot(rule: Rule) -> dict:
    """The audited state of a rule, secrets masked."""
    rule = Rule.objects.prefetch_related("event_types", "scope_models", "targets__contact_links__contact").get(
        pk=rule.pk)
    return {
        "name": rule.name,
        "source": rule.source,
        "event_types": sorted(row.event_type for row in rule.event_types.all()) or ALL_EVENT_TYPES_LABEL,
        "scope": rule.scope,
        "models": sorted(m.pk for m in rule.scope_models.all()),
        "enabled": rule.enabled,
        "targets": [{"method": t.method, **target_display(t)["config"],
                     **{name: getattr(t, name) for name in ("language", "title_template", "body_template")
                        if getattr(t, name)},
                     **({} if t.digest else {"digest": False})} for t in rule.targets.all()],
    }


def _diff(old: dict, new: dict) -> dict:
    return {key: [old.get(key), new.get(key)] for key in new if old.get(key) != new.get(key)}


def _write(rule: Rule, *, name, source_def, types, scope, models, clean) -> dict[int, dict]:
    rule.name, rule.source, rule.scope = name, source_def.key, scope
    rule.save()
    rule.event_types.exclude(event_type__in=types).delete()
    have = set(rule.event_types.values_list("event_type", flat=True))
    RuleEventType.objects.bulk_create([RuleEventType(rule=rule, event_type=t) for t in types if t not in have])
    rule.scope_models.set(models if scope == "models" else [])
    rule_routing_keys_sync(rule)
    return _save_targets(rule, clean)


def _write_on_bus(rule: Rule, bus, **values) -> dict:
    """`_write` in a savepoint; the one constraint input can break (a name taken on the bus, by a
    rule saved meanwhile) becomes a field error."""
    try:
        with transaction.atomic():
            return _write(rule, **values)
    except IntegrityError:
        raise ValidationError({"name": [f"A rule named {values['name']} already exists on event bus {bus.name}."]})


def _requested(name) -> str:
    """The rule name a create is authorized on: the name asked for, or `*` while it is not a valid rule
    name (as for every create: a refusal is then 403 whatever else is wrong)."""
    return name if isinstance(name, str) and RULE_NAME.match(name) else "*"


def _new_rule_values(workspace, name=None, **_) -> dict:
    return {"account": workspace.account, "workspace": workspace.name, "rule": _requested(name)}


def _rule_values(rule, name=None, **_) -> dict:
    """A rule's own name (`rule`) and the name it gets (`new_name`: its own unless a valid new one is
    asked for; an invalid one changes nothing, the validation refuses it)."""
    workspace = rule.bus.workspace
    return {"account": workspace.account, "workspace": workspace.name, "rule": rule.name,
            "new_name": name if _requested(name) != "*" else rule.name}


NEW_NAME = RULE.replace("<rule>", "<new_name>")


# Checked on the bus (as before) and on the rule the change produces (F9: a rule-level Deny also
# stops creating a rule under a denied name, or renaming one into it).
@operation(Check("eventbridge:CreateRule", BUS), Check("eventbridge:UpdateTargets", BUS),
           Check("eventbridge:CreateRule", RULE), Check("eventbridge:UpdateTargets", RULE),
           values=_new_rule_values)
def rule_create(*, actor, workspace, name: str, source: str, event_types: list[str], targets: list,
                scope: str = "all", model_ids: list | None = None, enabled: bool = True,
                all_event_types: bool | None = None) -> Rule:
    """Create a rule with its targets. Empty `event_types`: every type of the source, now and later,
    unless `all_event_types` is False (a form that offered that choice got neither: refused).
    `rule.revealed_secrets` maps new target ids to the secrets made now (an HTTP target's whsec_
    secret), to be shown once."""
    bus = event_bus_for(workspace)
    with transaction.atomic():
        bus = EventBus.objects.select_for_update().get(pk=bus.pk)  # serializes the 50-rule count
        count = Rule.objects.filter(bus=bus).count()
        if count >= MAX_RULES_PER_BUS:
            raise ValidationError({NON_FIELD_ERRORS: [
                f"Event bus {bus.name} already has {count} rules; the limit is {MAX_RULES_PER_BUS}."]})
        name, source_def, types, scope, models, clean = rule_input_check(
            workspace=workspace, bus=bus, rule=None, name=name, source=source, event_types=event_types,
            all_event_types=all_event_types, scope=scope, model_ids=model_ids, targets=targets)
        rule = Rule(bus=bus, created_by=actor if getattr(actor, "pk", None) else None, enabled=bool(enabled))
        revealed = _write_on_bus(rule, bus, name=name, source_def=source_def, types=types, scope=scope,
                                 models=models, clean=clean)
        audit_record(actor=actor, account=workspace.account, action="rule.create", obj=rule,
                     changes=_diff({}, _snapshot(rule)))
        _units_counted(rule, before=0, actor=actor)
    rule.revealed_secrets = revealed
    return rule


@operation(Check("eventbridge:UpdateRule", RULE), Check("eventbridge:UpdateTargets", RULE),
           Check("eventbridge:UpdateRule", NEW_NAME), Check("eventbridge:UpdateTargets", NEW_NAME),
           Check("eventbridge:DeleteTargets", RULE, asked=True), values=_rule_values)
def rule_update(*, actor, rule: Rule, name: str, source: str, event_types: list[str], targets: list,
                scope: str = "all", model_ids: list | None = None, all_event_types: bool | None = None) -> Rule:
    """Replace a rule's settings and its whole target list in one transaction. A target given with the
    `id` of a saved target of the same method keeps its secrets where the input leaves them blank."""
    workspace = rule.bus.workspace
    bus = event_bus_for(workspace)
    with transaction.atomic():
        rule = Rule.objects.select_for_update().get(pk=rule.pk)
        before = _snapshot(rule)
        units_before = rule_units(rule)
        name, source_def, types, scope, models, clean = rule_input_check(
            workspace=workspace, bus=bus, rule=rule, name=name, source=source, event_types=event_types,
            all_event_types=all_event_types, scope=scope, model_ids=model_ids, targets=targets)
        kept = {item.existing.pk for item in clean if item.existing is not None}
        if rule.targets.exclude(pk__in=kept).exists():
            rule_update.authorize(actor, "eventbridge:DeleteTargets", rule=rule)
        revealed = _write_on_bus(rule, bus, name=name, source_def=source_def, types=types, scope=scope,
                                 models=models, clean=clean)
        audit_record(actor=actor, account=workspace.account, action="rule.update", obj=rule,
                     changes=_diff(before, _snapshot(rule)))
        _units_counted(rule, before=units_before, actor=actor)
    rule.revealed_secrets = revealed
    return rule


def _units_counted(rule: Rule, *, before: int, actor) -> None:
    platform_event_rule_units_counted(rule=rule, before=before, units=rule_units(rule),
                                      limit=quota_limit(account=rule.bus.workspace.account), actor=actor)


def _set_enabled(*, actor, rule: Rule, enabled: bool) -> Rule:
    workspace = rule.bus.workspace
    with transaction.atomic():
        rule = Rule.objects.select_for_update().select_related("bus__workspace").get(pk=rule.pk)
        if rule.enabled != enabled:
            rule.enabled = enabled
            rule.save(update_fields=["enabled", "updated_at"])
            rule_routing_keys_sync(rule)
            audit_record(actor=actor, account=workspace.account, action="rule.enable" if enabled else "rule.disable",
                         obj=rule, changes={"enabled": [not enabled, enabled]})
    return rule


@operation(Check("eventbridge:EnableRule", RULE), values=_rule_values)
def rule_enable(*, actor, rule: Rule) -> Rule:
    return _set_enabled(actor=actor, rule=rule, enabled=True)


@operation(Check("eventbridge:DisableRule", RULE), values=_rule_values)
def rule_disable(*, actor, rule: Rule) -> Rule:
    return _set_enabled(actor=actor, rule=rule, enabled=False)


@operation(Check("eventbridge:DeleteRule", RULE), values=_rule_values)
def rule_delete(*, actor, rule: Rule) -> None:
    workspace = rule.bus.workspace
    with transaction.atomic():
        before = _snapshot(rule)
        audit_record(actor=actor, account=workspace.account, action="rule.delete", obj=rule,
                     changes={key: [value, None] for key, value in before.items()})
        rule.delete()
