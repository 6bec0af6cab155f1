"""Bad input everywhere: oversized bodies, bytes that are not UTF-8, broken JSON, very long names,
markup in names and unknown fields get a clear 4xx, never a 500, and leave nothing half-written.
Markup in a resource's name is shown as text in pages and in every channel's message."""

import json
import re

import pytest
from django.apps import apps

from tests.security.population import populate_resources
from tests.security.walk import console_and_api_paths, openapi_operations

OVERSIZED = 2 * 1024 * 1024  # above DATA_UPLOAD_MAX_MEMORY_SIZE (about 1 MB)
MARKUP_NAMES = ["<script>alert(1)</script>", "**bold** [click](http://evil.example) `code` _x_"]


def row_counts() -> dict[str, int]:
    """Rows of every model (sessions aside: signing in writes them)."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model._meta.label != "sessions.Session"}


def envelope_problem(answer) -> str:
    """"" when the answer is the API's error envelope, else what is wrong with it."""
    if not answer["Content-Type"].startswith("application/json"):
        return f"{answer.status_code} as {answer['Content-Type'].split(';')[0]}, not the JSON error envelope"
    body = answer.json()
    if not (isinstance(body, dict) and set(body) == {"error"} and body["error"].get("message")):
        return f"{answer.status_code} without the error envelope: {str(body)[:160]}"
    return ""


def error_envelope(answer) -> dict:
    problem = envelope_problem(answer)
    assert not problem, problem
    return answer.json()["error"]


@pytest.fixture
def ids(activated_workspace, owner):
    from notifications.models import Rule, RuleEventType
    from notifications.services.routing_keys import rule_routing_keys_sync
    from workspaces.models import EventBus

    found = populate_resources(workspace=activated_workspace, owner=owner)
    rule = Rule.objects.create(bus=EventBus.objects.get(workspace=activated_workspace), name="existing",
                               source="model", created_by=owner)
    RuleEventType.objects.create(rule=rule, event_type="pai:ModelManagement:ModelVersionApproved")
    rule_routing_keys_sync(rule)
    return {**found, "rule_id": rule.pk}


def write_operations(ids):
    return [(method, path) for method, path, operation in openapi_operations(ids)
            if method in ("POST", "PUT", "PATCH") and "requestBody" in operation]


# --- the API: every operation that takes a body


BAD_BODIES = {
    "oversized": (b'{"name": "' + b"x" * OVERSIZED + b'"}', "application/json", {400, 413}),
    "not UTF-8": (b'{"name": "\xff\xfe\xfa"}', "application/json", {400}),
    "broken JSON": (b'{"name": "unterminated', "application/json", {400}),
    "not JSON at all": (b"name=x", "text/plain", {400, 415}),
}


@pytest.mark.parametrize("kind", list(BAD_BODIES))
def test_every_api_write_refuses_a_bad_body_with_the_error_envelope_and_writes_nothing(kind, ids, owner_api):
    body, content_type, expected = BAD_BODIES[kind]
    operations = write_operations(ids)
    assert len(operations) > 10, operations
    problems = []
    before = row_counts()
    for method, path in operations:
        answer = owner_api.generic(method, path, body, content_type=content_type)
        if answer.status_code not in expected:
            problems.append(f"{method} {path}: {answer.status_code} {answer.content[:160]!r}")
        elif envelope_problem(answer):
            problems.append(f"{method} {path}: {envelope_problem(answer)}")
    assert row_counts() == before, "a refused request wrote rows"
    assert not problems, f"{kind} body, expected {sorted(expected)} with the error envelope:\n" + "\n".join(problems)


# --- very long names and unknown fields on the create operations


def creations(ids, name: str) -> dict[str, dict]:
    ws = ids["workspace_id"]
    return {
        "/api/v1/workspaces/": {"name": name},
        f"/api/v1/workspaces/{ws}/models/": {"name": name},
        f"/api/v1/workspaces/{ws}/dlc-jobs/": {"name": name},
        f"/api/v1/workspaces/{ws}/dsw-instances/": {"name": name},
        f"/api/v1/workspaces/{ws}/flow-tasks/": {"name": name},
        "/api/v1/contacts/": {"name": name[:64], "mobile": "13800000001", "email": "bob@example.com"}
        if name.startswith("ok") else {"name": name, "mobile": "13800000001"},
        "/api/v1/policies/": {"name": name, "document": {"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": "eventbridge:ListRules", "Resource": "*"}]}},
        f"/api/v1/workspaces/{ws}/rules/": {
            "name": name, "source": "model", "event_types": ["pai:ModelManagement:ModelVersionApproved"],
            "targets": [{"method": "http", "config": {"url": "https://hooks.example.com/pai"}}]},
    }


def test_a_very_long_name_is_refused_naming_the_field_and_its_limit(ids, owner_api):
    problems = []
    before = row_counts()
    for path, body in creations(ids, "n" * 10_000).items():
        answer = owner_api.post(path, body, format="json")
        if answer.status_code != 400 or envelope_problem(answer):
            problems.append(f"POST {path}: {answer.status_code} {answer.content[:160]!r}")
            continue
        error = answer.json()["error"]
        if "name" not in error.get("fields", {}) or not any(ch.isdigit() for ch in error["message"]):
            problems.append(f"POST {path}: the error does not name the field and its limit: {error}")
    assert row_counts() == before
    assert not problems, "\n".join(problems)


def test_an_unknown_field_is_refused_naming_it(ids, owner_api):
    problems = []
    before = row_counts()
    for index, (path, body) in enumerate(creations(ids, "ok_name").items()):
        body = {**body, "name": f"okname{index}", "colour": "blue"}
        answer = owner_api.post(path, body, format="json")
        if answer.status_code != 400 or envelope_problem(answer):
            problems.append(f"POST {path} with an unknown field 'colour': {answer.status_code}")
            continue
        error = answer.json()["error"]
        if "colour" not in json.dumps(error):
            problems.append(f"POST {path}: the error does not name the unknown field: {error}")
    assert not problems, "\n".join(problems)
    assert row_counts() == before


def test_the_same_valid_bodies_are_accepted(ids, owner_api):
    """The control for the two tests above: without the bad part, each body creates its object."""
    for index, (path, body) in enumerate(creations(ids, "ok_name").items()):
        body = {**body, "name": f"okname{index}"}
        answer = owner_api.post(path, body, format="json")
        assert answer.status_code == 201, (path, answer.content[:300])


# --- the console: every route, with an oversized or undecodable form


def console_paths(ids) -> list[str]:
    """Console routes that read a form: delete and enable/disable actions take no input (a POST to
    them does what they say, whatever the body)."""
    paths, _unknown = console_and_api_paths(ids)
    return [path for path in paths if not path.startswith(("/api/", "/static/"))
            and not path.endswith(("/delete/", "/enable/", "/disable/", "/detach/", "/activate/", "/grant-access/"))]


def creating_rows(counts: dict) -> dict:
    """Row counts, audit entries aside: a form whose fields are all optional takes a body of garbage as
    a valid (empty) submission and records that change (the DLC job's scheduling form clears the
    timeout), which is not a half-written request."""
    return {label: count for label, count in counts.items() if label != "workspaces.AuditLogEntry"}


@pytest.mark.parametrize("kind", ["oversized", "not UTF-8"])
def test_every_console_form_survives_a_bad_body_and_writes_nothing(kind, ids, owner_client):
    body = b"name=" + (b"x" * OVERSIZED if kind == "oversized" else b"\xff\xfe%FF%FE")
    problems = []
    before = creating_rows(row_counts())
    for path in console_paths(ids):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            answer = owner_client.post(path, body, content_type="application/x-www-form-urlencoded", **headers)
            if answer.status_code >= 500:
                problems.append(f"POST {path} {headers}: {answer.status_code}")
    assert creating_rows(row_counts()) == before, "a refused form wrote rows"
    assert not problems, "\n".join(problems)


def test_an_oversized_form_to_a_form_page_is_refused_with_a_4xx(ids, owner_client):
    """The pages that read a form (create and edit) refuse a body over the limit."""
    ws = ids["workspace_id"]
    body = b"name=" + b"x" * OVERSIZED
    for path in (f"/workspaces/{ws}/rules/new/", "/account/contacts/new/", "/account/policies/new/",
                 f"/workspaces/{ws}/rules/{ids['rule_id']}/edit/", f"/account/contacts/{ids['contact_id']}/edit/"):
        answer = owner_client.post(path, body, content_type="application/x-www-form-urlencoded")
        assert 400 <= answer.status_code < 500, (path, answer.status_code)


def test_malformed_query_strings_never_cause_a_500(ids, owner_client, owner_api):
    problems = []
    paths, _ = console_and_api_paths(ids)
    for path in paths:
        for query in ("?page=999999999999999999999", "?page=-1&page_size=0", "?source=%FF%FE&type=%00",
                      "?status=" + "x" * 5000, "?since=not-a-date&until=9999-99-99"):
            client = owner_api if path.startswith("/api/") else owner_client
            answer = client.get(path + query)
            if answer.status_code >= 500:
                problems.append(f"GET {path}{query[:40]}: {answer.status_code}")
    assert not problems, "\n".join(problems)


# --- markup in names: text in pages, inert in every channel's message


@pytest.mark.parametrize("name", MARKUP_NAMES)
def test_markup_in_a_resource_name_is_escaped_in_console_pages(name, activated_workspace, owner, owner_client):
    from workspaces.models import DlcJob, Model

    model = Model.objects.create(workspace=activated_workspace, name=name[:128], created_by=owner)
    DlcJob.objects.create(workspace=activated_workspace, name=name[:128], created_by=owner)
    ws = activated_workspace.pk
    for path in (f"/workspaces/{ws}/models/", f"/workspaces/{ws}/models/{model.pk}/", f"/workspaces/{ws}/dlc-jobs/"):
        page = owner_client.get(path).content.decode()
        assert "<script>alert(1)</script>" not in page, path
        if name.startswith("<script>"):
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path


def markup_event(workspace, owner, name):
    from django.db import transaction

    from notifications.services.events import publish

    with transaction.atomic():
        return publish(workspace=workspace, source="dlc_job", type_name="JobFailed", resource_id=7,
                       resource_name=name, old_status="Running", new_status="Failed", actor=owner,
                       extra={"jobName": name})


def markdown_is_inert(text: str, name: str) -> None:
    """No tag, no emphasis, no link, no code made of the name: only its escaped form."""
    assert "<script>" not in text
    if name.startswith("<script>"):
        assert "&lt;script&gt;" in text
    else:
        assert not re.search(r"(?<!\\)\*(?<!\\)\*bold", text), "emphasis from the name"
        assert not re.search(r"(?<!\\)\]\(http://evil", text), "a link from the name"
        assert not re.search(r"(?<!\\)`code(?<!\\)`", text), "code from the name"
        assert r"\*\*bold\*\*" in text


@pytest.mark.parametrize("name", MARKUP_NAMES)
def test_markup_in_a_resource_name_is_inert_in_every_channel_message(
        name, activated_workspace, owner, fake_dingtalk, fake_wecom, fake_lark, fake_http_receiver, mailoutbox):
    from notifications.channels.base import SendContext
    from notifications.channels.message import message_from_event
    from notifications.channels.registry import CHANNELS

    event = markup_event(activated_workspace, owner, name)
    message = message_from_event(event)
    ding, wecom, lark = fake_dingtalk.add_bot(), fake_wecom.add_bot(), fake_lark.add_bot()
    whsec = "whsec_" + "c2VjcmV0LWtleS1mb3ItbWFya3VwLXRlc3RzLTMyYg=="
    endpoint = fake_http_receiver.add_endpoint(secret=whsec)
    contact = {"name": "Alice", "mobile": "13800000000", "email": "alice@example.com"}
    configs = {
        "dingtalk": ({}, {"webhook": ding.webhook}), "wecom": ({}, {"webhook": wecom.webhook}),
        "lark": ({}, {"webhook": lark.webhook}), "http": ({"url": endpoint.url}, {"signing_secret": whsec}),
        "email": ({"contact": contact}, {}), "sms": ({"contact": contact}, {}), "voice": ({"contact": contact}, {}),
    }
    for channel in CHANNELS:
        if channel.key in configs:
            config, secrets = configs[channel.key]
            channel.adapter.send(message, config, secrets, SendContext())

    [dingtalk_message] = fake_dingtalk.accepted
    markdown_is_inert(dingtalk_message.json["markdown"]["text"], name)
    [wecom_message] = fake_wecom.accepted
    markdown_is_inert(wecom_message.json["markdown"]["content"], name)
    [lark_message] = fake_lark.accepted
    card = lark_message.json["card"]
    assert card["header"]["title"]["tag"] == "plain_text"  # shown as typed, nothing to escape
    lark_md = [field["text"]["content"] for element in card["elements"] for field in element.get("fields", [])
               if field["text"]["tag"] == "lark_md"]
    markdown_is_inert("\n".join(lark_md), name)
    [envelope] = fake_http_receiver.events()
    assert envelope["data"]["resourceName"] == name  # JSON carries the name exactly; the receiver escapes
    [email] = mailoutbox
    html = email.alternatives[0][0]
    assert "<script>" not in html and ("&lt;script&gt;" in html or not name.startswith("<script>"))
    assert name in email.body  # the plain-text part is plain text
    assert {"email", "sms", "voice"} <= set(configs)
    assert all(c.key in configs for c in CHANNELS if c.key != "eas_update")
