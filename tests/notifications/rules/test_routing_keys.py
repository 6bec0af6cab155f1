"""The routing keys the rule service keeps for routing: one per event type and scope key of each
enabled rule, rewritten on every change; the migration writes the same for rules that existed."""

import importlib

import pytest
from django.apps import apps

from notifications.models import RoutingKey, Rule, RuleEventType
from notifications.services.routing_keys import rule_routing_keys_sync
from notifications.services.rules import rule_delete, rule_disable, rule_enable, rule_update
from workspaces.models import Model

from .conftest import DLC_FAILED, MODEL_APPROVED, dingtalk

TIMEOUT = "pai:DLC:JobTimeout"
STATUS_CHANGED = "pai:ModelManagement:ModelVersionStatusChanged"


def keys(rule):
    return sorted(RoutingKey.objects.filter(rule=rule).values_list("bus_id", "event_type", "scope_key"))


def test_a_rule_for_all_resources_has_one_key_per_type(make_rule, activated_workspace):
    rule = make_rule(event_types=[DLC_FAILED, TIMEOUT])
    bus = activated_workspace.event_bus.pk
    assert keys(rule) == [(bus, DLC_FAILED, "all"), (bus, TIMEOUT, "all")]


def test_mine_keys_the_creator_and_models_key_each_model(make_rule, activated_workspace, owner):
    mine = make_rule(name="mine", event_types=[DLC_FAILED], scope="mine")
    assert [k[2] for k in keys(mine)] == [f"user:{owner.pk}"]
    first = Model.objects.create(workspace=activated_workspace, name="m1", created_by=owner)
    second = Model.objects.create(workspace=activated_workspace, name="m2", created_by=owner)
    models = make_rule(name="models", source="model", event_types=[MODEL_APPROVED, STATUS_CHANGED], scope="models",
                       model_ids=[first.pk, second.pk], targets=[dingtalk()])
    assert sorted((k[1], k[2]) for k in keys(models)) == sorted(
        (t, f"model:{m.pk}") for t in (MODEL_APPROVED, STATUS_CHANGED) for m in (first, second))


def test_keys_follow_updates_disabling_enabling_and_deletion(make_rule, activated_workspace, owner):
    rule = make_rule(event_types=[DLC_FAILED])
    rule_update(actor=owner, rule=rule, name=rule.name, source="dlc_job", event_types=[TIMEOUT], scope="mine",
                targets=[dingtalk()])
    assert [(k[1], k[2]) for k in keys(rule)] == [(TIMEOUT, f"user:{owner.pk}")]
    rule_disable(actor=owner, rule=rule)
    assert keys(rule) == []
    rule_enable(actor=owner, rule=rule)
    assert [(k[1], k[2]) for k in keys(rule)] == [(TIMEOUT, f"user:{owner.pk}")]
    rule_delete(actor=owner, rule=rule)
    assert not RoutingKey.objects.exists()


def test_a_rule_created_disabled_has_no_keys(make_rule):
    assert keys(make_rule(enabled=False)) == []


@pytest.mark.django_db
def test_the_migration_writes_the_keys_the_service_would(make_rule, activated_workspace, owner):
    model = Model.objects.create(workspace=activated_workspace, name="m1", created_by=owner)
    rules = [make_rule(name="all", event_types=[DLC_FAILED, TIMEOUT]),
             make_rule(name="mine", event_types=[DLC_FAILED], scope="mine"),
             make_rule(name="models", source="model", event_types=[MODEL_APPROVED], scope="models",
                       model_ids=[model.pk], targets=[dingtalk()]),
             make_rule(name="off", enabled=False)]
    expected = {rule.pk: keys(rule) for rule in rules}
    RoutingKey.objects.all().delete()

    migration = importlib.import_module("notifications.migrations.0003_routing_keys")
    migration.fill_routing_keys(apps, None)

    assert {rule.pk: keys(rule) for rule in rules} == expected
    assert RuleEventType.objects.count() == 5 and Rule.objects.count() == 4


def test_syncing_twice_changes_nothing(make_rule):
    rule = make_rule(event_types=[DLC_FAILED, TIMEOUT])
    before = keys(rule)
    assert rule_routing_keys_sync(rule) == 2 and keys(rule) == before
