"""What a notice rule must satisfy, checked for the console, the API and the admin alike (the rule
service, `notifications.services.rules`, writes only what passes): the bus exists, the name is unique
on it, one source of the catalog and a subset of its event types, a scope the source allows, at most
50 rules per bus, the source/method matrix, each target's config by its method's schema, its message
templates against the rule's event types' variables, and the account's target-unit quota. Every
refusal is keyed by field, all found problems at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from notifications.catalog import ALL_EVENT_TYPES_CHOICE, SCOPE_LABELS, SOURCES_BY_KEY
from notifications.channels.composer import MessageSettings, templates_check
from notifications.channels.default_templates import LANGUAGE_LABELS
from notifications.channels.registry import METHODS_BY_KEY
from notifications.channels.schema import CleanedConfig, SchemaContext
from notifications.models import Rule, Target
from notifications.selectors.rules import quota_limit
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
class CleanTarget:
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


def _check_targets(errors, *, workspace, rule, source_def, specs, event_types=()) -> list[CleanTarget]:
    existing = {t.pk: t for t in rule.targets.all()} if rule is not None else {}
    context = SchemaContext(account=workspace.account, workspace=workspace)
    if not specs:
        _add(errors, "targets", "Add at least one event target.")
    clean: list[CleanTarget] = []
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
        clean.append(CleanTarget(spec=spec, cleaned=cleaned, existing=saved, message=message,
                                  digest=_digest_setting(errors, prefix, spec)))
    limit = quota_limit(account=workspace.account)
    if units > limit:
        _add(errors, "targets", f"This rule uses {units} target units; the limit is {limit}.")
    return clean


def rule_input_check(*, workspace, bus, rule, name, source, event_types, all_event_types, scope, model_ids, targets):
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


