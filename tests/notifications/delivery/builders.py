"""Rules and targets for delivery tests, built from the models directly (targets at the local fakes,
which the rule service's address checks refuse); events through `tests.factories`."""

from __future__ import annotations

from functools import partial

from notifications.catalog import type_key
from notifications.models import Rule, RuleEventType, Target, TargetContact
from notifications.services.delivery import task_send
from notifications.services.routing_keys import rule_routing_keys_sync
from tests.factories import event_raised


def make_rule(workspace, *, source="dlc_job", types=("JobFailed",), scope="all", created_by=None, name=None,
              enabled=True, scope_models=()):
    rule = Rule.objects.create(bus=workspace.event_bus, name=name or f"rule-{Rule.objects.count() + 1}",
                               source=source, scope=scope, created_by=created_by, enabled=enabled)
    for type_name in types:
        RuleEventType.objects.create(rule=rule, event_type=type_key(source, type_name))
    if scope_models:
        rule.scope_models.set(scope_models)
    rule_routing_keys_sync(rule)  # as the rule service does after every change
    return rule


def add_target(rule, method, *, config=None, secrets=None, contacts=()):
    target = Target.objects.create(rule=rule, method=method, config=config or {}, secrets=secrets or {},
                                   position=rule.targets.count())
    for contact, channel in contacts:
        TargetContact.objects.create(target=target, contact=contact, channel=channel)
    return target


def raise_event(workspace, *, source="dlc_job", type_name="JobFailed", owner=None, model=None, name="train-1",
                resource_id=1, extra=None):
    return event_raised(workspace, source=source, type_name=type_name, resource_id=resource_id, resource_name=name,
                        owner=owner, model=model, extra=extra)


def enqueued(callbacks) -> list[tuple[str, int, float | None]]:
    """(queue, delivery id, countdown) of each delivery task an on-commit callback would send."""
    return [tuple(cb.args) for cb in callbacks if isinstance(cb, partial) and cb.func is task_send]
