"""Writing policies and attaching them: authorized with ram:* actions, and each change audited."""

import pytest
from django.core.exceptions import ValidationError

from workspaces.iam.permissions import AccessDenied, is_allowed
from workspaces.iam.services.policies import (
    SEED_POLICY_DOCUMENT,
    PolicyInUse,
    policy_attach,
    policy_create,
    policy_delete,
    policy_detach,
    policy_update,
)
from workspaces.models import AuditLogEntry, Policy
from workspaces.tenancy.bus import bus_arn

READ_ONLY = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "eventbridge:List*", "Resource": "*"}]}


def test_the_owner_creates_a_policy_and_the_audit_log_records_it(owner, account):
    policy = policy_create(actor=owner, account=account, name="EventBridgeFull", document=SEED_POLICY_DOCUMENT)
    entry = AuditLogEntry.objects.get(action="policy.create")
    assert (entry.actor, entry.object_type, entry.object_id) == (owner, "policy", str(policy.pk))
    assert entry.changes["document"] == [None, SEED_POLICY_DOCUMENT]


def test_a_policy_from_json_text_is_stored_as_an_object(owner, account):
    policy = policy_create(actor=owner, account=account, name="text", document='{"Version": "1", "Statement": '
                           '[{"Effect": "Deny", "Action": "*", "Resource": "*"}]}')
    assert policy.document["Statement"][0]["Effect"] == "Deny"


def test_an_invalid_document_is_refused_under_the_document_field(owner, account):
    with pytest.raises(ValidationError) as error:
        policy_create(actor=owner, account=account, name="bad",
                      document={"Version": "1", "Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]})
    assert error.value.message_dict == {"document": ['Statement[0].Effect: must be "Allow" or "Deny"']}
    assert not Policy.objects.exists()


def test_a_duplicate_or_malformed_name_is_refused(owner, account):
    policy_create(actor=owner, account=account, name="dup", document=READ_ONLY)
    with pytest.raises(ValidationError, match="already exists"):
        policy_create(actor=owner, account=account, name="dup", document=READ_ONLY)
    with pytest.raises(ValidationError, match="letters, digits and hyphens"):
        policy_create(actor=owner, account=account, name="no spaces", document=READ_ONLY)


def test_a_sub_user_without_ram_actions_may_not_write_policies(subuser, account):
    with pytest.raises(AccessDenied) as refusal:
        policy_create(actor=subuser, account=account, name="mine", document=READ_ONLY)
    assert refusal.value.action == "ram:CreatePolicy"
    assert refusal.value.resource == f"acs:ram::{account.uid}:policy/mine"


def test_authorization_comes_before_validating_the_document(subuser, account):
    with pytest.raises(AccessDenied):
        policy_create(actor=subuser, account=account, name="p", document="{not json")


def test_the_name_is_checked_before_authorizing(subuser, account):
    """(Issue 13, F1) the name goes into the ARN policies are matched against: a bad one is refused
    before any policy is evaluated."""
    with pytest.raises(ValidationError) as error:
        policy_create(actor=subuser, account=account, name="a" * 1_000_000, document="{not json")
    assert error.value.message_dict == {"name": ["1 to 128 characters: letters, digits and hyphens"]}


def test_updating_the_document_records_old_and_new(owner, account):
    policy = policy_create(actor=owner, account=account, name="p", document=READ_ONLY)
    policy_update(actor=owner, policy=policy, document=SEED_POLICY_DOCUMENT, description="full")
    entry = AuditLogEntry.objects.get(action="policy.update")
    assert entry.changes == {"description": ["", "full"], "document": [READ_ONLY, SEED_POLICY_DOCUMENT]}


def test_an_update_that_changes_nothing_is_not_audited(owner, account):
    policy = policy_create(actor=owner, account=account, name="p", document=READ_ONLY)
    policy_update(actor=owner, policy=policy, document=READ_ONLY)
    assert not AuditLogEntry.objects.filter(action="policy.update").exists()


def test_attaching_a_policy_lets_the_sub_user_act_at_once(owner, subuser, account, workspace):
    policy = policy_create(actor=owner, account=account, name="p", document=READ_ONLY)
    assert not is_allowed(subuser, "eventbridge:ListRules", bus_arn(workspace))
    policy_attach(actor=owner, policy=policy, user=subuser)
    assert is_allowed(subuser, "eventbridge:ListRules", bus_arn(workspace))
    entry = AuditLogEntry.objects.get(action="policy.attach")
    assert (entry.object_type, entry.changes) == ("user", {"policies": [[], ["p"]]})
    policy_detach(actor=owner, policy=policy, user=subuser)
    assert not is_allowed(subuser, "eventbridge:ListRules", bus_arn(workspace))
    assert AuditLogEntry.objects.get(action="policy.detach").changes == {"policies": [["p"], []]}


def test_policies_apply_to_sub_users_not_to_the_owner(owner, account):
    policy = policy_create(actor=owner, account=account, name="p", document=READ_ONLY)
    with pytest.raises(ValidationError, match="account owner"):
        policy_attach(actor=owner, policy=policy, user=owner)


def test_a_policy_of_another_account_cannot_be_attached(owner, subuser, other_account):
    foreign = Policy.objects.create(account=other_account, name="foreign", document=READ_ONLY)
    with pytest.raises(ValidationError, match="different accounts"):
        policy_attach(actor=owner, policy=foreign, user=subuser)


def test_a_sub_user_may_not_grant_itself_a_policy(subuser, account):
    policy = Policy.objects.create(account=account, name="p", document=READ_ONLY)
    with pytest.raises(AccessDenied, match="ram:AttachPolicyToUser"):
        policy_attach(actor=subuser, policy=policy, user=subuser)
    assert not subuser.policies.exists()


def test_a_policy_in_use_is_not_deleted(owner, subuser, account):
    policy = policy_create(actor=owner, account=account, name="p", document=READ_ONLY)
    policy_attach(actor=owner, policy=policy, user=subuser)
    with pytest.raises(PolicyInUse, match="bob"):
        policy_delete(actor=owner, policy=policy)
    policy_detach(actor=owner, policy=policy, user=subuser)
    policy_id = policy.pk
    policy_delete(actor=owner, policy=policy)
    assert not Policy.objects.exists()
    assert AuditLogEntry.objects.get(action="policy.delete").object_id == str(policy_id)
    assert AuditLogEntry.objects.get(action="policy.delete").changes["document"] == [READ_ONLY, None]


def test_a_sub_user_allowed_ram_policy_writes_may_create_policies(account, owner, subuser):
    admin = Policy.objects.create(account=account, name="ram-admin", document={"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "ram:*Policy*", "Resource": "acs:ram:*:*:policy/*"}]})
    subuser.policies.add(admin)
    created = policy_create(actor=subuser, account=account, name="team", document=READ_ONLY)
    assert AuditLogEntry.objects.get(action="policy.create").actor == subuser
    assert created.account == account
