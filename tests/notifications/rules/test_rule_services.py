"""The rule services: what a rule must satisfy, how targets are replaced, and who may do it."""

import base64

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from notifications.models import Rule, Target
from notifications.models.rules import MAX_RULES_PER_BUS
from notifications.services.rules import rule_create, rule_delete, rule_disable, rule_enable, rule_update
from workspaces.iam.permissions import AccessDenied
from workspaces.models import AuditLogEntry, EventBus

from .conftest import (
    DINGTALK_WEBHOOK,
    DLC_FAILED,
    LARK_SECRET,
    LARK_WEBHOOK,
    MODEL_APPROVED,
    SECRETS,
    SIGNING_KEY,
    dingtalk,
    http,
    lark,
    wecom,
)


def test_a_rule_is_created_on_the_workspace_bus_with_its_types_and_targets(make_rule, activated_workspace, owner):
    rule = make_rule(event_types=[DLC_FAILED, "pai:DLC:JobTimeout"], targets=[dingtalk(), wecom()])
    assert rule.bus == activated_workspace.event_bus and rule.enabled and rule.created_by == owner
    assert set(rule.event_types.values_list("event_type", flat=True)) == {DLC_FAILED, "pai:DLC:JobTimeout"}
    target = rule.targets.get(method="dingtalk")
    assert target.secrets == {"webhook": DINGTALK_WEBHOOK, "signing_secret": SIGNING_KEY}
    assert SIGNING_KEY not in str(target.config) and "access_token=••••••" in target.config["webhook"]


def test_without_eventbridge_there_is_no_bus_and_the_refusal_says_service_not_enable(workspace, owner):
    with pytest.raises(ValidationError) as refused:
        rule_create(actor=owner, workspace=workspace, name="r1", source="dlc_job", event_types=[DLC_FAILED],
                    targets=[dingtalk()])
    assert "ServiceNotEnable" in refused.value.message_dict[NON_FIELD_ERRORS][0]


def test_names_are_unique_on_the_bus(make_rule):
    make_rule(name="dup")
    with pytest.raises(ValidationError) as refused:
        make_rule(name="dup")
    assert refused.value.message_dict["name"] == ["A rule named dup already exists on event bus pai-system-ws_demo."]


@pytest.mark.parametrize("name", ["", "a", "has space", "-leading", "x" * 128, "ünicode"])
def test_bad_rule_names_are_refused(make_rule, name):
    with pytest.raises(ValidationError) as refused:
        make_rule(name=name)
    assert "name" in refused.value.message_dict


def test_event_types_must_be_types_of_the_source(make_rule):
    with pytest.raises(ValidationError) as refused:
        make_rule(event_types=[MODEL_APPROVED])
    assert "Not event types of DLC job" in refused.value.message_dict["event_types"][0]


def test_an_unknown_source_is_refused(make_rule):
    with pytest.raises(ValidationError) as refused:
        make_rule(source="mainframe", event_types=[DLC_FAILED])
    assert "source" in refused.value.message_dict


def test_specified_models_is_a_scope_of_model_rules_only_and_needs_a_model_of_the_workspace(make_rule, pai_model):
    with pytest.raises(ValidationError) as refused:
        make_rule(scope="models", model_ids=[pai_model.pk])
    assert "not available for DLC job" in refused.value.message_dict["scope"][0]
    with pytest.raises(ValidationError) as refused:
        make_rule(source="model", event_types=[MODEL_APPROVED], scope="models", model_ids=[])
    assert refused.value.message_dict["models"] == ["Choose at least one model for the Specified models scope."]
    rule = make_rule(source="model", event_types=[MODEL_APPROVED], scope="models", model_ids=[pai_model.pk])
    assert list(rule.scope_models.all()) == [pai_model]


def test_a_model_of_another_workspace_cannot_be_named(make_rule, account, owner):
    from workspaces.models import Model, Workspace

    elsewhere = Workspace.objects.create(account=account, name="other_ws")
    foreign = Model.objects.create(workspace=elsewhere, name="m")
    with pytest.raises(ValidationError) as refused:
        make_rule(source="model", event_types=[MODEL_APPROVED], scope="models", model_ids=[foreign.pk])
    assert refused.value.message_dict["models"] == ["Choose models of this workspace."]


def test_a_rule_needs_at_least_one_target(make_rule):
    with pytest.raises(ValidationError) as refused:
        make_rule(targets=[])
    assert refused.value.message_dict["targets"] == ["Add at least one event target."]


def test_a_bus_holds_at_most_fifty_rules(make_rule, activated_workspace):
    bus = activated_workspace.event_bus
    Rule.objects.bulk_create([Rule(bus=bus, name=f"r{n:02d}", source="dlc_job") for n in range(MAX_RULES_PER_BUS)])
    with pytest.raises(ValidationError) as refused:
        make_rule(name="one-too-many")
    assert refused.value.message_dict[NON_FIELD_ERRORS] == [
        "Event bus pai-system-ws_demo already has 50 rules; the limit is 50."]
    Rule.objects.filter(name="r00").delete()
    assert make_rule(name="fits-again").pk


def test_all_problems_are_reported_at_once_and_nothing_is_written(make_rule):
    with pytest.raises(ValidationError) as refused:
        make_rule(name="", event_types=["pai:PAIFlow:TaskFailed"],
                  targets=[{"method": "dingtalk", "values": {"webhook": "https://x.test/"}}])
    assert {"name", "event_types", "targets[0].webhook", "targets[0].signing_secret"} <= set(refused.value.message_dict)
    assert not Rule.objects.exists() and not Target.objects.exists()


def test_an_update_replaces_the_targets_and_keeps_a_secret_left_blank(make_rule, owner):
    rule = make_rule(targets=[dingtalk(), wecom()])
    ding = rule.targets.get(method="dingtalk")
    rule_update(actor=owner, rule=rule, name="renamed", source="dlc_job", event_types=[DLC_FAILED],
                targets=[{"id": ding.pk, "method": "dingtalk", "values": {"webhook": "", "signing_secret": ""}}])
    rule.refresh_from_db()
    assert rule.name == "renamed"
    assert list(rule.targets.all()) == [ding]
    ding.refresh_from_db()
    assert ding.secrets == {"webhook": DINGTALK_WEBHOOK, "signing_secret": SIGNING_KEY}


def test_a_masked_value_sent_back_counts_as_unchanged(make_rule, owner):
    rule = make_rule(targets=[dingtalk()])
    ding = rule.targets.get()
    rule_update(actor=owner, rule=rule, name=rule.name, source="dlc_job", event_types=[DLC_FAILED],
                targets=[{"id": ding.pk, "method": "dingtalk", "values": dict(ding.config)}])
    ding.refresh_from_db()
    assert ding.secrets["signing_secret"] == SIGNING_KEY


def test_a_new_target_must_bring_its_secrets(make_rule, owner):
    rule = make_rule(targets=[dingtalk()])
    with pytest.raises(ValidationError) as refused:
        rule_update(actor=owner, rule=rule, name=rule.name, source="dlc_job", event_types=[DLC_FAILED],
                    targets=[{"method": "dingtalk", "values": {"webhook": DINGTALK_WEBHOOK}}])
    assert refused.value.message_dict["targets[0].signing_secret"] == ["Signing Key is required."]


def test_a_target_id_of_another_rule_is_refused(make_rule, owner):
    first = make_rule(name="first")
    second = make_rule(name="second")
    foreign = first.targets.get()
    with pytest.raises(ValidationError) as refused:
        rule_update(actor=owner, rule=second, name="second", source="dlc_job", event_types=[DLC_FAILED],
                    targets=[{"id": foreign.pk, "method": "dingtalk", "values": {}}])
    assert refused.value.message_dict["targets[0].id"] == [f"This rule has no target {foreign.pk}."]


def test_an_http_target_gets_a_standard_webhooks_secret_revealed_once(make_rule, owner):
    rule = make_rule(source="model", event_types=[MODEL_APPROVED], targets=[http()])
    target = rule.targets.get()
    revealed = rule.revealed_secrets[target.pk]["signing_secret"]
    assert revealed.startswith("whsec_") and target.secrets["signing_secret"] == revealed
    assert len(base64.b64decode(revealed.removeprefix("whsec_"))) == 32
    assert revealed not in str(target.config)
    again = rule_update(actor=owner, rule=rule, name=rule.name, source="model", event_types=[MODEL_APPROVED],
                        targets=[{"id": target.pk, "method": "http", "values": {"url": "https://other.example/x"}}])
    assert again.revealed_secrets == {}
    target.refresh_from_db()
    assert target.secrets["signing_secret"] == revealed and target.config["url"] == "https://other.example/x"


def test_enable_disable_and_delete_are_audited_without_secrets(make_rule, owner):
    rule = make_rule()
    rule_disable(actor=owner, rule=rule)
    rule.refresh_from_db()
    assert not rule.enabled
    rule_enable(actor=owner, rule=rule)
    rule.refresh_from_db()
    assert rule.enabled
    rule_delete(actor=owner, rule=rule)
    assert not Rule.objects.exists()
    actions = list(AuditLogEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["rule.create", "rule.disable", "rule.enable", "rule.delete"]
    logged = str(list(AuditLogEntry.objects.values_list("changes", flat=True)))
    assert not any(secret in logged for secret in SECRETS)


def test_a_sub_user_without_a_policy_is_refused_naming_the_action(make_rule, subuser):
    with pytest.raises(AccessDenied) as refused:
        make_rule(actor=subuser)
    assert "eventbridge:CreateRule" in str(refused.value)


def test_a_sub_user_with_the_seeds_policy_manages_rules(make_rule, seed_subuser):
    rule = make_rule(actor=seed_subuser)
    rule_disable(actor=seed_subuser, rule=rule)
    rule_delete(actor=seed_subuser, rule=rule)
    assert not Rule.objects.exists()


def test_the_bus_row_is_the_workspaces(activated_workspace):
    assert EventBus.objects.get().name == "pai-system-ws_demo"


def test_an_optional_secret_sent_as_null_is_removed_and_a_required_one_is_not(make_rule, owner):
    rule = make_rule(targets=[lark(), dingtalk()])
    bot, ding = rule.targets.get(method="lark"), rule.targets.get(method="dingtalk")
    assert bot.secrets["signing_secret"] == LARK_SECRET and bot.config["signing_secret"]

    rule_update(actor=owner, rule=rule, name=rule.name, source="dlc_job", event_types=[DLC_FAILED],
                targets=[{"id": bot.pk, "method": "lark", "values": {"webhook": "", "signing_secret": None}},
                         {"id": ding.pk, "method": "dingtalk", "values": {"webhook": "", "signing_secret": None}}])

    bot.refresh_from_db()
    assert bot.secrets == {"webhook": LARK_WEBHOOK} and "signing_secret" not in bot.config
    ding.refresh_from_db()  # the signing key is required: null keeps it, as blank does
    assert ding.secrets["signing_secret"] == SIGNING_KEY
