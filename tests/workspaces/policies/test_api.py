"""/api/v1/policies/, /api/v1/users/ and /api/v1/audit-log/: the same services, the error envelope,
refusals naming the missing action and resource (and audited), other accounts' objects answering 404."""

from datetime import timedelta

from django.utils import timezone

from tests.conftest import api_client_for
from workspaces.iam.audit import audit_record
from workspaces.iam.services.policies import SEED_POLICY_DOCUMENT
from workspaces.models import AuditLogEntry, Policy

READ_ONLY = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "eventbridge:List*", "Resource": "*"}]}


def test_the_owner_creates_reads_changes_and_deletes_a_policy(owner_api):
    created = owner_api.post("/api/v1/policies/", {"name": "eb", "document": SEED_POLICY_DOCUMENT}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert owner_api.get(f"/api/v1/policies/{pk}/").json()["document"] == SEED_POLICY_DOCUMENT
    changed = owner_api.patch(f"/api/v1/policies/{pk}/", {"document": READ_ONLY, "description": "ro"}, format="json")
    assert changed.status_code == 200 and changed.json()["document"] == READ_ONLY
    assert [p["name"] for p in owner_api.get("/api/v1/policies/").json()["results"]] == ["eb"]
    assert owner_api.delete(f"/api/v1/policies/{pk}/").status_code == 204
    assert not Policy.objects.exists()


def test_an_invalid_document_is_answered_with_its_places_in_the_envelope(owner_api):
    answer = owner_api.post("/api/v1/policies/", {"name": "bad", "document": {
        "Version": "1", "Statement": [{"Effect": "Allow", "Action": ["eventbridge:CreateRulez"], "Resource": "*"}]}},
        format="json")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == {"document": ['Statement[0].Action[0]: unknown action "eventbridge:CreateRulez"']}
    assert error["message"].startswith("document: Statement[0].Action[0]")


def test_validate_reports_malformed_json_text_by_line_and_column(owner_api):
    answer = owner_api.post("/api/v1/policies/validate/", {"document": '{"Version": "1",\n "Statement": [}'},
                            format="json")
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["document"][0].startswith("line 2, column 16: malformed JSON")
    valid = owner_api.post("/api/v1/policies/validate/", {"document": SEED_POLICY_DOCUMENT}, format="json")
    assert valid.json() == {"valid": True, "document": SEED_POLICY_DOCUMENT}


def test_deleting_an_attached_policy_is_a_conflict(owner_api, seed_subuser):
    policy = seed_subuser.policies.get()
    answer = owner_api.delete(f"/api/v1/policies/{policy.pk}/")
    assert answer.status_code == 409
    assert "carol" in answer.json()["error"]["message"]


def test_a_refusal_names_action_and_resource_and_is_audited(subuser, account):
    answer = api_client_for(subuser).post("/api/v1/policies/", {"name": "x", "document": READ_ONLY}, format="json")
    assert answer.status_code == 403
    assert answer.json()["error"] == {
        "code": "access_denied",
        "message": f"You are not authorized to perform ram:CreatePolicy on acs:ram::{account.uid}:policy/x.",
        "action": "ram:CreatePolicy",
        "resource": f"acs:ram::{account.uid}:policy/x",
    }
    entry = AuditLogEntry.objects.get(action="access.denied")
    assert (entry.actor, entry.resource) == (subuser, f"acs:ram::{account.uid}:policy/x")
    assert entry.changes["request"] == [None, "POST /api/v1/policies/"]


def test_another_accounts_policy_is_not_found(outsider_api, seed_subuser):
    policy = seed_subuser.policies.get()
    assert outsider_api.get(f"/api/v1/policies/{policy.pk}/").status_code == 404
    assert outsider_api.patch(f"/api/v1/policies/{policy.pk}/", {"description": "x"}, format="json").status_code == 404
    assert outsider_api.delete(f"/api/v1/policies/{policy.pk}/").status_code == 404
    assert outsider_api.get("/api/v1/policies/").json()["results"] == []


def test_the_owner_creates_a_sub_user_and_attaches_a_policy_by_name(owner_api, account):
    Policy.objects.create(account=account, name="ro", document=READ_ONLY)
    created = owner_api.post("/api/v1/users/", {"username": "dave", "password": "long-enough-1",
                                                "email": "dave@example.com"}, format="json")
    assert created.status_code == 201, created.content
    assert "password" not in created.json()
    pk = created.json()["id"]
    attached = owner_api.post(f"/api/v1/users/{pk}/attach/", {"policy": "ro"}, format="json")
    assert attached.status_code == 200 and attached.json()["policies"] == ["ro"]
    detached = owner_api.post(f"/api/v1/users/{pk}/detach/", {"policy": "ro"}, format="json")
    assert detached.json()["policies"] == []
    names = [user["username"] for user in owner_api.get("/api/v1/users/").json()["results"]]
    assert names == ["alice", "dave"]


def test_a_bad_sub_user_is_refused_field_by_field(owner_api):
    answer = owner_api.post("/api/v1/users/", {"username": "", "password": "short"}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()["error"]["fields"]) == {"username", "password"}


def test_attaching_an_unknown_policy_is_not_found(owner_api, subuser):
    assert owner_api.post(f"/api/v1/users/{subuser.pk}/attach/", {"policy": "nope"}, format="json").status_code == 404


def test_an_outsider_cannot_see_or_touch_this_accounts_users(outsider_api, subuser):
    assert outsider_api.get(f"/api/v1/users/{subuser.pk}/").status_code == 404
    assert outsider_api.post(f"/api/v1/users/{subuser.pk}/attach/", {"policy": "x"}, format="json").status_code == 404
    assert [u["username"] for u in outsider_api.get("/api/v1/users/").json()["results"]] == ["mallory"]


def test_the_audit_log_filters_by_user_object_and_time(owner, owner_api, subuser, account):
    audit_record(actor=owner, account=account, action="rule.create", object_type="rule", object_id=7)
    audit_record(actor=subuser, account=account, action="rule.disable", object_type="rule", object_id=8)
    audit_record(actor=owner, account=account, action="contact.create", object_type="contact", object_id=7)
    old = audit_record(actor=owner, account=account, action="rule.delete", object_type="rule", object_id=7)
    AuditLogEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))

    def actions(**params):
        answer = owner_api.get("/api/v1/audit-log/", params)
        assert answer.status_code == 200, answer.content
        return [entry["action"] for entry in answer.json()["results"]]

    assert actions(user="bob") == ["rule.disable"]
    assert actions(object_type="rule", object_id="7") == ["rule.create", "rule.delete"]
    assert actions(since=(timezone.now() - timedelta(days=1)).isoformat(), object_id="7") == [
        "contact.create", "rule.create"]
    assert actions(until=(timezone.now() - timedelta(days=2)).isoformat()) == ["rule.delete"]


def test_audit_log_rejects_a_bad_time_and_keeps_other_accounts_apart(owner_api, outsider_api, owner, account):
    audit_record(actor=owner, account=account, action="rule.create")
    bad = owner_api.get("/api/v1/audit-log/", {"since": "yesterday"})
    assert bad.status_code == 400 and "since" in bad.json()["error"]["fields"]
    assert outsider_api.get("/api/v1/audit-log/").json()["results"] == []


def test_a_sub_user_needs_lookup_events_to_read_the_audit_log(subuser, account):
    answer = api_client_for(subuser).get("/api/v1/audit-log/")
    assert answer.status_code == 403
    assert answer.json()["error"]["action"] == "actiontrail:LookupEvents"


def test_the_schema_documents_the_policy_endpoints():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert {"/api/v1/policies/", "/api/v1/policies/validate/", "/api/v1/users/{id}/attach/",
            "/api/v1/audit-log/"} <= set(paths)
    assert "403" in paths["/api/v1/policies/"]["post"]["responses"]
