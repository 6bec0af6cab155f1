"""Issue 13, F8 and F17 (bad input; PutEvents volume and the event list's `since`).

F8: JSON nested too deep, lone surrogates in any string and NUL in a path answered 500 with a logged
traceback on 457c939, at every JSON endpoint including the unauthenticated token endpoint. They are
refused at the root now (the API's JSON parser, a middleware for paths and queries): 400 or 404 in
the error envelope, nothing logged at ERROR. PutEvents reports such an entry on its own.
F17: PutEvents had no rate limit; `since=notadate` was silently ignored."""

import json
import logging

import pytest
from rest_framework.test import APIClient

from tests.conftest import api_client_for

DEEP = "[" * 2000 + "]" * 2000


def raw_post(client, url, text: str, **extra):
    """A body sent as written (json.dumps escapes a lone surrogate as \\ud800, as any client would)."""
    return client.generic("POST", url, text.encode("ascii"), content_type="application/json", **extra)


def assert_refused(answer, status=400):
    assert answer.status_code == status, answer.content[:300]
    body = answer.json()
    assert set(body) == {"error"} and body["error"]["message"], body


@pytest.fixture
def no_errors_logged(caplog):
    caplog.set_level(logging.ERROR)
    yield
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_f8_json_nested_deeper_than_the_limit_is_a_400_everywhere(no_errors_logged, owner_api, activated_workspace):
    anonymous = APIClient()
    assert_refused(raw_post(anonymous, "/api/v1/auth/token/", '{"username": ' + DEEP + ', "password": "x"}'))
    assert_refused(raw_post(owner_api, "/api/v1/policies/", '{"name": "p", "document": ' + DEEP + "}"))
    rules = f"/api/v1/workspaces/{activated_workspace.pk}/rules/"
    assert_refused(raw_post(owner_api, rules, "{\"name\": \"r\", \"targets\": " + "[" * 40 + "]" * 40 + "}"))
    put = f"/api/v1/workspaces/{activated_workspace.pk}/events/put/"
    assert_refused(raw_post(owner_api, put, DEEP))


@pytest.mark.parametrize("where", ["policy-description", "policy-document", "user-name", "http-url", "test-webhook",
                                   "contact-name", "a-key"])
def test_f8_a_lone_surrogate_in_any_string_is_a_400(no_errors_logged, owner_api, activated_workspace, where):
    ws = activated_workspace.pk
    bad = "sur\ud800rogate"
    document = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    requests = {
        "policy-description": ("/api/v1/policies/", {"name": "p", "description": bad, "document": document}),
        "policy-document": ("/api/v1/policies/", {"name": "p", "document": {**document, "Version": bad}}),
        "user-name": ("/api/v1/users/", {"username": bad, "password": "a-strong-pass-9"}),
        "http-url": (f"/api/v1/workspaces/{ws}/rules/", {
            "name": "r", "source": "model", "event_types": ["pai:ModelManagement:ModelVersionApproved"],
            "targets": [{"method": "http", "config": {"url": f"https://e.example/{bad}"}}]}),
        "test-webhook": (f"/api/v1/workspaces/{ws}/rules/test-connectivity/", {
            "method": "wecom", "config": {"webhook": f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={bad}"}}),
        "contact-name": ("/api/v1/contacts/", {"name": bad, "email": "a@example.com"}),
        "a-key": ("/api/v1/contacts/", {"name": "n", "email": "a@example.com", bad: 1}),
    }
    url, body = requests[where]
    answer = raw_post(owner_api, url, json.dumps(body))
    assert_refused(answer)
    assert "surrogate" in answer.json()["error"]["message"]


def test_f8_nul_in_a_path_is_a_404_and_in_a_query_a_400(no_errors_logged, owner_api, owner_client,
                                                        activated_workspace):
    """(On 457c939 these reached PostgreSQL, which cannot hold a NUL in text: 500.)"""
    from workspaces.models import Model

    ws = activated_workspace.pk
    model = Model.objects.create(workspace=activated_workspace, name="resnet")
    assert_refused(owner_api.get(f"/api/v1/workspaces/{ws}/models/{model.pk}/versions/%00/"), status=404)
    assert_refused(owner_api.get("/api/v1/audit-log/?user=%00"), status=400)
    assert_refused(owner_api.get(f"/api/v1/workspaces/{ws}/events/?type=%00"), status=400)
    assert owner_client.get(f"/workspaces/{ws}/%00/").status_code == 404


def test_f8_put_events_reports_a_bad_entry_on_its_own(no_errors_logged, owner_api, activated_workspace):
    good = {"id": "good-1", "source": "acs.pai", "specversion": "1.0", "type": "pai:DLC:JobFailed"}
    entries = [good, {**good, "id": "bad-1", "subject": "x\ud800"}, {**good, "id": "bad-2", "data": {"k": "\x00"}},
               {**good, "id": "deep-1", "data": json.loads("[" * 40 + "]" * 40)}]
    answer = raw_post(owner_api, f"/api/v1/workspaces/{activated_workspace.pk}/events/put/", json.dumps(entries))
    assert answer.status_code == 200, answer.content
    results = answer.json()
    assert results["FailedEntryCount"] == 3
    assert results["EntryList"][0] == {"EventId": "good-1"}
    assert [entry["ErrorCode"] for entry in results["EntryList"][1:]] == ["InvalidEvent"] * 3
    assert "surrogate" in results["EntryList"][1]["ErrorMessage"]
    assert "NUL" in results["EntryList"][2]["ErrorMessage"]
    assert "nested deeper than 32" in results["EntryList"][3]["ErrorMessage"]


def test_f8_a_policy_document_typed_in_the_console_is_checked_the_same_way(owner):
    from django.core.exceptions import ValidationError

    from workspaces.iam.services.policies import policy_create

    for text in (DEEP, '{"Version": "1\\ud800", "Statement": []}'):
        with pytest.raises(ValidationError) as refused:
            policy_create(actor=owner, account=owner.account, name="p", document=text)
        assert "document" in refused.value.message_dict


# --- F17


def test_f17_put_events_has_a_per_account_rate_limit_with_retry_after(settings, owner, outsider, activated_workspace):
    from workspaces.models import Workspace

    settings.PUT_EVENTS_PER_MINUTE = 3
    entry = {"id": "e", "source": "acs.pai", "specversion": "1.0", "type": "pai:DLC:JobFailed"}
    url = f"/api/v1/workspaces/{activated_workspace.pk}/events/put/"
    client = api_client_for(owner)
    for number in range(3):
        assert client.post(url, [{**entry, "id": f"e{number}"}], format="json").status_code == 200
    limited = client.post(url, [{**entry, "id": "e4"}], format="json")
    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 70  # a minute, with margins
    error = limited.json()["error"]
    assert error["code"] == "throttled" and "3 requests a minute per account" in error["message"]
    # Another account has its own budget.
    theirs = Workspace.objects.create(account=outsider.account, name="ws_other", created_by=outsider)
    other = api_client_for(outsider).post(f"/api/v1/workspaces/{theirs.pk}/events/put/", [entry], format="json")
    assert other.status_code == 200


def test_f17_the_event_list_answers_400_to_a_bad_since(owner_api, activated_workspace):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Event

    url = f"/api/v1/workspaces/{activated_workspace.pk}/events/"
    answer = owner_api.get(url, {"since": "notadate"})
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["since"] == [
        "'notadate' is not a date and time; use an ISO 8601 date and time, e.g. 2026-11-30T08:00:00Z (a date "
        "alone means its midnight, UTC)."]
    assert owner_api.get(url, {"since": "2026-02-30"}).status_code == 400
    old, new = (Event.objects.create(account=activated_workspace.account, workspace=activated_workspace,
                                     event_id=name, source="dlc_job", type="pai:DLC:JobFailed", envelope={})
                for name in ("old", "new"))
    Event.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert [row["cloudevent_id"] for row in owner_api.get(url, {"since": since}).json()["results"]] == ["new"]
