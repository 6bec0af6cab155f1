"""The routing keys of rules (`RoutingKey`): rewritten by the rule service whenever a rule's types,
scope, models or enabled flag change, and read by routing and by `publish`.

An event carries the keys it can match: "all", "user:<the resource owner>" and "model:<its model>".
A rule offers one key per scope: "all"; "user:<creator>" for "mine"; "model:<id>" for each of its
models. A disabled rule offers none.
"""

from __future__ import annotations

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


def rule_routing_keys_sync(rule: Rule) -> int:
    """Rewrite the rule's routing keys from its current state (inside the caller's transaction).
    Returns how many it has now."""
    RoutingKey.objects.filter(rule=rule).delete()
    if not rule.enabled:
        return 0
    types = list(rule.event_types.values_list("event_type", flat=True))
    keys = [RoutingKey(rule=rule, bus_id=rule.bus_id, event_type=event_type, scope_key=scope_key)
            for event_type in types for scope_key in rule_scope_keys(rule)]
    RoutingKey.objects.bulk_create(keys)
    return len(keys)
