"""The routing keys of rules (`RoutingKey`): rewritten by the rule service whenever a rule's types,
scope, models or enabled flag change, and read by routing and by `publish`.

An event carries the keys it can match: "all", "user:<the resource owner>" and "model:<its model>".
A rule offers one key per event type and scope: "all"; "user:<creator>" for "mine"; "model:<id>" for
each of its models. A disabled rule offers none. A rule that lists no event types listens to every
type of its source: it offers keys for each type the catalog has now, and `catalog_routing_keys_sync`
(run after every `migrate`, see `notifications.apps`) adds the keys of types the catalog gained since.
"""

from __future__ import annotations

from django.db import transaction

from notifications.catalog import SOURCES_BY_KEY
from notifications.models import RoutingKey, Rule

ALL = "all"


def rule_scope_keys(rule: Rule) -> list[str]:
    if rule.scope == "mine":
        return [f"user:{rule.created_by_id}"] if rule.created_by_id else []
    if rule.scope == "models":
        return [f"model:{model_id}" for model_id in rule.scope_models.values_list("pk", flat=True)]
    return [ALL]


def event_scope_keys(event) -> list[str]:
    keys = [ALL]
    if event.resource_owner_id is not None:
        keys.append(f"user:{event.resource_owner_id}")
    if event.model_id is not None:
        keys.append(f"model:{event.model_id}")
    return keys


def source_type_keys(source_key: str) -> list[str]:
    """Every event type the catalog has now for a source (none for a source it no longer has)."""
    source = SOURCES_BY_KEY.get(source_key)
    return [event_type.key for event_type in source.event_types] if source else []


def rule_type_keys(rule: Rule) -> list[str]:
    """The event types a rule listens to: the ones it lists, or every type of its source when it
    lists none ("All event types")."""
    listed = list(rule.event_types.values_list("event_type", flat=True))
    return listed or source_type_keys(rule.source)


def rule_routing_keys_sync(rule: Rule) -> int:
    """Rewrite the rule's routing keys from its current state (inside the caller's transaction).
    Returns how many it has now."""
    RoutingKey.objects.filter(rule=rule).delete()
    if not rule.enabled:
        return 0
    keys = [RoutingKey(rule=rule, bus_id=rule.bus_id, event_type=event_type, scope_key=scope_key)
            for event_type in rule_type_keys(rule) for scope_key in rule_scope_keys(rule)]
    RoutingKey.objects.bulk_create(keys)
    return len(keys)


def catalog_routing_keys_sync() -> tuple[int, int]:
    """Bring the keys of every enabled "all event types" rule in line with the catalog as it is now:
    add the keys of types it gained, drop those of types it lost; other keys are left alone. Cheap
    when nothing changed (two reads, and one per rule scoped to models). Returns (keys added, keys removed)."""
    rules = list(Rule.objects.filter(enabled=True, event_types__isnull=True))
    if not rules:
        return 0, 0
    have: dict[int, set[tuple[str, str]]] = {}
    for rule_id, event_type, scope_key in RoutingKey.objects.filter(rule__in=rules).values_list(
            "rule_id", "event_type", "scope_key"):
        have.setdefault(rule_id, set()).add((event_type, scope_key))
    added, stale = [], []
    for rule in rules:
        want = {(event_type, scope) for event_type in source_type_keys(rule.source) for scope in rule_scope_keys(rule)}
        present = have.get(rule.pk, set())
        added += [RoutingKey(rule=rule, bus_id=rule.bus_id, event_type=event_type, scope_key=scope)
                  for event_type, scope in sorted(want - present)]
        stale += [(rule.pk, event_type, scope) for event_type, scope in sorted(present - want)]
    removed = 0
    with transaction.atomic():
        RoutingKey.objects.bulk_create(added, ignore_conflicts=True)
        for rule_id, event_type, scope in stale:
            removed += RoutingKey.objects.filter(rule_id=rule_id, event_type=event_type, scope_key=scope).delete()[0]
    return len(added), removed
