"""Notice rules on a workspace's event bus: create, update (targets replaced atomically), enable,
disable, delete.

Everything a rule must satisfy is checked here, for the console, the API and the admin alike: the bus
exists (EventBridge activated), the name is unique on the bus, one source of the catalog, a subset
of its event types (none listed: every type of the source, "All event types", including types the
catalog adds later), a scope the source allows, at most 50 rules per bus, the source/method
matrix, each target's config by its method's schema, and the account's target-unit quota. Every
refusal is a ValidationError keyed by field (`name`, `event_types`, `targets`, `targets[2].webhook`,
`targets[0].message.body_template`, ...), all found problems at once. A target's templates are checked
against the variables of the rule's event types (each problem names its line and the variable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from notifications.catalog import ALL_EVENT_TYPES_CHOICE, ALL_EVENT_TYPES_LABEL, SCOPE_LABELS, SOURCES_BY_KEY
from notifications.channels.composer import MessageSettings, templates_check
from notifications.channels.default_templates import LANGUAGE_LABELS
from notifications.channels.registry import METHODS_BY_KEY
from notifications.channels.schema import CleanedConfig, SchemaContext
from notifications.models import Rule, RuleEventType, Target, TargetContact
from notifications.models.rules import MAX_RULES_PER_BUS
from notifications.selectors.rules import quota_limit, rule_units, target_display
from notifications.services.platform_events import platform_event_rule_units_counted
from notifications.services.routing_keys import rule_routing_keys_sync
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import BUS, RULE, Check, operation
from workspaces.models import EventBus
from workspaces.models import Model as PaiModel
from workspaces.tenancy.bus import bus_readiness

RULE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,126}$")
NAME_HELP = "2 to 127 letters, digits, hyphens (-) and underscores (_), starting with a letter or digit."


@dataclass
class TargetSpec:
    """One target as the caller gives it: a delivery method and its raw field values; `id` names a
    saved target of the rule being edited (its secrets are kept where the input leaves them blank)."""

    method: str
    values: dict = field(default_factory=dict)
    id: int | None = None
    # Its messages: language ("" = the account's) and title and body templates ("" = the default).
    message: dict = field(default_factory=dict)


@dataclass
class _CleanTarget:
    spec: TargetSpec
    cleaned: CleanedConfig
    existing: Target | None
    message: MessageSettings = field(default_factory=MessageSettings)
    digest: bool = True


DIGEST_VALUES = {True: True, False: False, "": True, "on": True, "true": True, "1": True, "off": False,
                 "false": False, "0": False}


def _digest_setting(errors, prefix: str, spec: TargetSpec) -> bool:
    """Whether the target folds a full bot's waiting events into digests (notifications.services.digests);
    on unless turned off."""
    raw = spec.message.get("digest", True)
    value = DIGEST_VALUES.get(raw.strip().lower() if isinstance(raw, str) else raw)
    if value is None:
        _add(errors, f"{prefix}.message.digest",
             f"Digest is on or off (true or false), not {str(raw)[:40]!r}: on sends one digest of the events "
             "that wait for a full bot at its next free slot; off sends them one by one.")
        return True
    return value


def _as_spec(item) -> TargetSpec:
    if isinstance(item, TargetSpec):
        return item
    values = item.get("values", item.get("config")) or {}
    return TargetSpec(method=str(item.get("method") or ""), values=dict(values), id=item.get("id"),
                      message=dict(item.get("message") or {}))


def _message_settings(errors, prefix: str, spec: TargetSpec, method, event_types) -> MessageSettings:
    """The target's message settings, checked: a known language, templates only for methods that
    send a message, every variable one of the chosen event types'."""
    raw = spec.message
    text = {name: str(raw.get(name) or "").replace("\r\n", "\n").strip("\n") if name != "language"
            else str(raw.get(name) or "").strip() for name in ("language", "title_template", "body_template")}
    if text["language"] and text["language"] not in LANGUAGE_LABELS:
        _add(errors, f"{prefix}.message.language",
             f"Choose a message language: {', '.join(LANGUAGE_LABELS)}, or leave it empty for the account's.")
    settings_ = MessageSettings(**text)
    if (settings_.title_template or settings_.body_template) and not method.templated:
        _add(errors, f"{prefix}.message.body_template",
             f"{method.label} targets send no message text: leave the templates empty.")
        return settings_
    for name, messages in templates_check(settings_, event_types).items():
        for message in messages:
            _add(errors, f"{prefix}.message.{name}", message)
    return settings_


def event_bus_for(workspace) -> EventBus:
    """The workspace's bus, or a clear refusal when EventBridge is not activated."""
    readiness = bus_readiness(workspace)
    bus = readiness.bus
    if not readiness.accepts_rules:
        raise ValidationError({NON_FIELD_ERRORS: [
            "ServiceNotEnable: EventBridge is not activated for this account, so workspace "
            f"{workspace.name} has no event bus. Activate EventBridge (Activate for Free) before creating notice rules."
        ]})
    return bus


def _add(errors: dict, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _check_rule_fields(errors, *, bus, rule, name, source, event_types, all_event_types, scope, model_ids):
    name = (name or "").strip()
    if not name:
        _add(errors, "name", "Rule name is required.")
    elif not RULE_NAME.match(name):
        _add(errors, "name", f"Invalid rule name: use {NAME_HELP}")
    elif Rule.objects.filter(bus=bus, name=name).exclude(pk=getattr(rule, "pk", None)).exists():
        _add(errors, "name", f"A rule named {name} already exists on event bus {bus.name}.")
    source_def = SOURCES_BY_KEY.get(source or "")
    if source_def is None:
        _add(errors, "source", "Choose an event source: "
                               f"{', '.join(f'{s.key} ({s.label})' for s in SOURCES_BY_KEY.values())}.")
        return name, None, [], scope, []
    types = list(dict.fromkeys(event_types or []))  # none: every type of the source
    if not types and all_event_types is False:
        _add(errors, "event_types", f"Choose event types of {source_def.label}, or {ALL_EVENT_TYPES_CHOICE}.")
    unknown = [t for t in types if not source_def.has_type(t)]
    if unknown:
        _add(errors, "event_types", f"Not event types of {source_def.label}: {', '.join(map(str, unknown))}. "
                                    f"Its types are: {', '.join(et.key for et in source_def.event_types)}.")
    scope = scope or "all"
    models = []
    if scope not in source_def.scopes:
        allowed = ", ".join(f"{s} ({SCOPE_LABELS[s]})" for s in source_def.scopes)
        _add(errors, "scope", f"Scope {scope!r} is not available for {source_def.label}; choose one of: {allowed}.")
    elif scope == "models":
        try:
            ids = {int(pk) for pk in model_ids or []}
        except (TypeError, ValueError):
            ids = None
        models = list(PaiModel.objects.filter(workspace=bus.workspace, pk__in=ids or []))
        if ids is None or len(models) != len(ids):
            _add(errors, "models", "Choose models of this workspace.")
        elif not models:
            _add(errors, "models", "Choose at least one model for the Specified models scope.")
    return name, source_def, types, scope, models


def _check_targets(errors, *, workspace, rule, source_def, specs, event_types=()) -> list[_CleanTarget]:
    existing = {t.pk: t for t in rule.targets.all()} if rule is not None else {}
    context = SchemaContext(account=workspace.account, workspace=workspace)
    if not specs:
        _add(errors, "targets", "Add at least one event target.")
    clean: list[_CleanTarget] = []
    units = 0
    for index, spec in enumerate(specs):
        prefix = f"targets[{index}]"
        method = METHODS_BY_KEY.get(spec.method)
        if method is None:
            _add(errors, f"{prefix}.method", f"Unknown delivery method {spec.method!r}; choose one of: "
                                             f"{', '.join(METHODS_BY_KEY)}.")
            units += 1
            continue
        schema = method.schema()
        units += schema.count_units(spec.values)
        if source_def is not None and source_def.key not in method.sources:
            allowed = ", ".join(SOURCES_BY_KEY[s].label for s in method.sources)
            usable = ", ".join(m.key for m in METHODS_BY_KEY.values() if source_def.key in m.sources)
            _add(errors, f"{prefix}.method",
                 f"{method.label} is not available for {source_def.label} events; it is for: {allowed}. "
                 f"Methods for {source_def.label}: {usable}.")
        saved = None
        if spec.id not in (None, ""):
            try:
                saved = existing.get(int(spec.id))
            except (TypeError, ValueError):
                saved = None
            if saved is None and rule is not None:
                _add(errors, f"{prefix}.id", f"This rule has no target {spec.id}.")
                continue
        stored = dict(saved.secrets) if saved is not None and saved.method == spec.method else {}
        message = _message_settings(errors, prefix, spec, method, event_types)
        try:
            cleaned = schema.validate(spec.values, context=context, stored_secrets=stored)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                for message in messages:
                    _add(errors, f"{prefix}.{key}", message)
            continue
        clean.append(_CleanTarget(spec=spec, cleaned=cleaned, existing=saved, message=message,
                                  digest=_digest_setting(errors, prefix, spec)))
    limit = quota_limit(account=workspace.account)
    if units > limit:
        _add(errors, "targets", f"This rule uses {units} target units; the limit is {limit}.")
    return clean


def _validate(*, workspace, bus, rule, name, source, event_types, all_event_types, scope, model_ids, targets):
    errors: dict[str, list[str]] = {}
    specs = [_as_spec(item) for item in targets or []]
    name, source_def, types, scope, models = _check_rule_fields(
        errors, bus=bus, rule=rule, name=name, source=source, event_types=event_types,
        all_event_types=all_event_types, scope=scope, model_ids=model_ids)
    # A target's templates may use the variables every type the rule gets has (all of the source's
    # types when the rule takes All event types).
    message_types = types or ([et.key for et in source_def.event_types] if source_def is not None else [])
    clean = _check_targets(errors, workspace=workspace, rule=rule, source_def=source_def, specs=specs,
                           event_types=message_types)
    if errors:
        raise ValidationError(errors)
    return name, source_def, types, scope, models, clean


def _save_targets(rule: Rule, clean: list[_CleanTarget]) -> dict[int, dict]:
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
        name, source_def, types, scope, models, clean = _validate(
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
        name, source_def, types, scope, models, clean = _validate(
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
