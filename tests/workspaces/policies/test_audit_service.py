"""The audit log masks secrets, whatever the caller passed."""

from workspaces.iam.audit import MASK, access_denied_record, audit_changes, audit_record, mask_values
from workspaces.iam.permissions import AccessDenied
from workspaces.models import AuditLogEntry


def test_secret_keys_are_masked_at_any_depth():
    masked = mask_values({"config": {"signing_secret": "SEC123", "webhookUrl": "https://x", "name": "bot"},
                          "secrets": {"value": "t", "old": ""}, "description": "a monkey"})
    assert masked == {"config": {"signing_secret": MASK, "webhookUrl": MASK, "name": "bot"},
                      "secrets": {"value": MASK, "old": ""}, "description": "a monkey"}


def test_tokens_inside_urls_are_masked_under_innocent_keys():
    url = "https://oapi.dingtalk.com/robot/send?access_token=abcdef123456&timestamp=1"
    assert mask_values({"url": url}) == {"url": f"https://oapi.dingtalk.com/robot/send?access_token={MASK}&timestamp=1"}
    assert mask_values({"note": "whsec_abcDEF123"}) == {"note": f"whsec_{MASK}"}


def test_old_and_new_values_are_masked_in_a_recorded_change(owner, account):
    entry = audit_record(actor=owner, account=account, action="target.update", object_type="target", object_id=3,
                         changes={"signing_secret": ["old-secret", "new-secret"], "method": ["wecom", "dingtalk"]})
    entry.refresh_from_db()
    assert entry.changes == {"signing_secret": [MASK, MASK], "method": ["wecom", "dingtalk"]}


def test_audit_changes_lists_only_the_fields_that_differ():
    assert audit_changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}


def test_a_refusal_is_recorded_with_its_action_and_resource(subuser, account):
    entry = access_denied_record(actor=subuser, error=AccessDenied("eventbridge:CreateRule", "acs:eventbridge:x"))
    assert (entry.action, entry.resource, entry.actor) == ("access.denied", "acs:eventbridge:x", subuser)
    assert entry.changes == {"action": [None, "eventbridge:CreateRule"]}


def test_a_refusal_of_a_user_without_account_records_nothing(db):
    from workspaces.models import User

    operator = User.objects.create_user(username="ops", password="x" * 10)
    assert access_denied_record(actor=operator, error=AccessDenied("ram:ListUsers", "acs:ram::1:user/*")) is None
    assert not AuditLogEntry.objects.exists()


def test_the_system_is_named_when_there_is_no_actor(account):
    assert audit_record(actor=None, account=account, action="job.timeout").actor_name == "system"
