"""How a policy decides: explicit Deny beats Allow, `*` wildcards in actions and resources, and a
policy never reaches into another account, whatever its wildcards say."""

import pytest

from workspaces.iam.permissions import (
    ACTIONS,
    AccessDenied,
    authorize,
    evaluate,
    forget_policies,
    is_allowed,
)
from workspaces.models import Policy
from workspaces.tenancy.bus import bus_arn, rule_arn


def allow(actions, resource="*"):
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def deny(actions, resource="*"):
    return {"Effect": "Deny", "Action": actions, "Resource": resource}


def doc(*statements):
    return {"Version": "1", "Statement": list(statements)}


BUS = "acs:eventbridge:cn-shanghai:1234567890123456:eventbus/pai-system-ws_demo"
OTHER_BUS = "acs:eventbridge:cn-shanghai:6543210987654321:eventbus/pai-system-ws_demo"


def test_an_explicit_deny_beats_an_allow_in_the_same_document():
    policy = doc(allow("eventbridge:*"), deny("eventbridge:DeleteRule"))
    assert evaluate([policy], "eventbridge:CreateRule", BUS)
    assert not evaluate([policy], "eventbridge:DeleteRule", BUS)


def test_a_deny_written_before_the_allow_still_wins():
    policy = doc(deny("eventbridge:DeleteRule"), allow("*"))
    assert not evaluate([policy], "eventbridge:DeleteRule", BUS)


def test_a_deny_in_another_document_beats_an_allow():
    assert not evaluate([doc(allow("*")), doc(deny("eventbridge:*", "acs:eventbridge:*:*:eventbus/*"))],
                        "eventbridge:ListRules", BUS)


def test_a_deny_on_another_resource_does_not_refuse_this_one():
    policy = doc(allow("eventbridge:*"), deny("eventbridge:*", "acs:eventbridge:*:*:eventbus/pai-system-prod"))
    assert evaluate([policy], "eventbridge:ListRules", BUS)
    assert not evaluate([policy], "eventbridge:ListRules", BUS.replace("ws_demo", "prod"))


def test_nothing_is_allowed_without_a_matching_allow():
    assert not evaluate([], "eventbridge:ListRules", BUS)
    assert not evaluate([doc(allow("eventbridge:GetRule"))], "eventbridge:ListRules", BUS)


def test_service_wildcard_allows_every_action_of_that_service_only():
    policy = doc(allow("eventbridge:*"))
    assert all(evaluate([policy], action, BUS) for action in ACTIONS if action.startswith("eventbridge:"))
    assert not evaluate([policy], "ram:CreatePolicy", BUS)
    assert not evaluate([policy], "paimodel:UpdateModelVersion", BUS)


def test_a_lone_star_allows_every_action():
    assert all(evaluate([doc(allow("*"))], action, BUS) for action in ACTIONS)


def test_a_prefix_wildcard_allows_the_actions_it_starts():
    policy = doc(allow("eventbridge:Get*"))
    assert evaluate([policy], "eventbridge:GetRule", BUS)
    assert evaluate([policy], "eventbridge:GetEventBus", BUS)
    assert not evaluate([policy], "eventbridge:ListRules", BUS)
    assert not evaluate([policy], "eventbridge:CreateRule", BUS)


def test_actions_match_without_regard_to_case_as_in_ram():
    assert evaluate([doc(allow("EventBridge:listrules"))], "eventbridge:ListRules", BUS)


def test_resource_wildcards_cover_the_bus_and_its_rules():
    policy = doc(allow("eventbridge:*", "acs:eventbridge:*:*:eventbus/*"))
    assert evaluate([policy], "eventbridge:GetRule", BUS + "/rule/notify-team")
    assert not evaluate([policy], "eventbridge:GetRule", "acs:eventbridge:cn-shanghai:1234567890123456:other/x")


def test_a_resource_naming_one_account_does_not_match_another_accounts_uid():
    policy = doc(allow("eventbridge:*", "acs:eventbridge:*:1234567890123456:eventbus/*"))
    assert evaluate([policy], "eventbridge:ListRules", BUS)
    assert not evaluate([policy], "eventbridge:ListRules", OTHER_BUS)


def test_an_action_list_allows_each_named_action():
    policy = doc(allow(["eventbridge:ListRules", "eventbridge:GetRule"], ["acs:eventbridge:*:*:eventbus/*"]))
    assert evaluate([policy], "eventbridge:GetRule", BUS)
    assert not evaluate([policy], "eventbridge:DeleteRule", BUS)


def test_the_account_owner_may_do_everything_in_the_account(owner, workspace):
    assert all(is_allowed(owner, action, bus_arn(workspace)) for action in ACTIONS)


def test_the_owner_of_another_account_is_allowed_nothing_here(outsider, workspace):
    assert not is_allowed(outsider, "eventbridge:ListRules", bus_arn(workspace))


def test_a_sub_user_with_star_policy_is_still_refused_another_accounts_bus(account, other_account, subuser):
    from workspaces.models import Workspace

    policy = Policy.objects.create(account=account, name="all", document=doc(allow("*")))
    subuser.policies.add(policy)
    foreign = Workspace.objects.create(account=other_account, name="ws_foreign")
    assert is_allowed(subuser, "eventbridge:ListRules", rule_arn(foreign, "x").replace(other_account.uid,
                                                                                         account.uid))
    assert not is_allowed(subuser, "eventbridge:ListRules", bus_arn(foreign))


def test_a_sub_user_without_policies_is_refused_naming_action_and_resource(subuser, workspace):
    with pytest.raises(AccessDenied) as refusal:
        authorize(subuser, "eventbridge:CreateRule", bus_arn(workspace))
    assert refusal.value.action == "eventbridge:CreateRule"
    assert refusal.value.resource == bus_arn(workspace)
    assert "eventbridge:CreateRule" in str(refusal.value) and bus_arn(workspace) in str(refusal.value)


def test_the_seed_policy_allows_rules_but_not_model_approval(seed_subuser, workspace):
    assert is_allowed(seed_subuser, "eventbridge:CreateRule", rule_arn(workspace, "r1"))
    assert is_allowed(seed_subuser, "eventbridge:PutEvents", bus_arn(workspace))
    assert not is_allowed(seed_subuser, "paimodel:UpdateModelVersion", bus_arn(workspace))


def test_the_system_actor_is_always_allowed(workspace):
    authorize(None, "eventbridge:DeleteRule", bus_arn(workspace))  # does not raise


def test_an_operator_without_account_is_allowed_nothing_in_the_console(db, workspace):
    from workspaces.models import User

    operator = User.objects.create_user(username="ops", password="x" * 10, is_staff=True)
    assert not is_allowed(operator, "eventbridge:ListRules", bus_arn(workspace))


def test_an_action_missing_from_the_table_is_a_programming_error(owner, workspace):
    with pytest.raises(ValueError, match="ACTIONS"):
        is_allowed(owner, "eventbridge:CreateRulez", bus_arn(workspace))


def test_cached_documents_are_forgotten_after_a_change(subuser, account, workspace):
    assert not is_allowed(subuser, "eventbridge:ListRules", bus_arn(workspace))
    subuser.policies.add(Policy.objects.create(account=account, name="p", document=doc(allow("eventbridge:*"))))
    forget_policies(subuser)
    assert is_allowed(subuser, "eventbridge:ListRules", bus_arn(workspace))
