"""Fuzzing the REST API with schemathesis against its own OpenAPI schema (/api/schema/), in process
through the WSGI application, authenticated as the owner of a populated, activated workspace.

Every operation gets schema-valid and schema-invalid requests; every answer must be something other
than a 5xx, have a documented status code and content type, and match the documented schema;
schema-invalid input must be refused. A summary line is printed (also without -s).
FUZZ_EXAMPLES (default 6) sets the examples per operation and mode.

Then hostile text (issue 13, F8): schema-valid requests with one string replaced by one holding a
lone surrogate or a NUL (custom hypothesis strategies), a body nested deeper than MAX_JSON_DEPTH, a
NUL in a path parameter or a query value: 400 or 404 in the error envelope, never a 500 or a logged
error (PutEvents may instead report the entry on its own, in a 200)."""

import json
import logging
import os
import time
from collections import defaultdict
from urllib.parse import quote, urlencode

import pytest
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
# Per-operation failures shown in the report (the first ones are enough to reproduce).
SHOWN_PER_OPERATION = 2
# Operations that answer 200 to schema-invalid entries by design, with the reason.
INVALID_INPUT_ACCEPTED_BY_DESIGN = {
    "POST /api/v1/workspaces/{workspace_id}/events/put/": (
        "PutEvents, as EventBridge's, validates each entry and answers 200 with FailedEntryCount and a "
        "per-entry ErrorCode: an invalid entry is refused inside a 200 answer"),
}
# Methods run in this order so that objects are read and changed before anything deletes them.
METHOD_ORDER = {"GET": 0, "HEAD": 1, "OPTIONS": 2, "POST": 3, "PUT": 4, "PATCH": 5, "DELETE": 6}


@pytest.fixture
def populated(activated_workspace, owner):
    """One of everything the API lists, so that reads, updates and deletes meet real rows."""
    from django.db import transaction
    from django.utils import timezone

    from notifications.models import Delivery, DeliveryAttempt, Rule, RuleEventType, Target
    from notifications.services.events import publish
    from notifications.services.routing_keys import rule_routing_keys_sync
    from tests.security.population import populate_resources
    from workspaces.models import EventBus, Model

    ws = activated_workspace
    ids = populate_resources(workspace=ws, owner=owner)
    bus = EventBus.objects.get(workspace=ws)
    rule = Rule.objects.create(bus=bus, name="approved-to-dingtalk", source="model", created_by=owner)
    RuleEventType.objects.create(rule=rule, event_type="pai:ModelManagement:ModelVersionApproved")
    rule_routing_keys_sync(rule)
    target = Target.objects.create(
        rule=rule, method="dingtalk", config={},
        secrets={"webhook": "https://oapi.dingtalk.com/robot/send?access_token=" + "f" * 64,
                 "signing_secret": "SEC" + "a" * 64},
    )
    with transaction.atomic():
        event = publish(workspace=ws, source="model", type_name="ModelVersionApproved", resource_id=ids["version_id"],
                        resource_name="resource-model 0.1.0", old_status="Pending", new_status="Approved",
                        actor=owner, resource_owner=owner, model=Model.objects.get(pk=ids["model_id"]))
    delivery = Delivery.objects.create(event=event, rule=rule, target=target, channel="dingtalk",
                                       deadline_at=timezone.now() + timezone.timedelta(days=1),
                                       status=Delivery.Status.DEAD, attempt_count=1, last_error="HTTP 500")
    DeliveryAttempt.objects.create(delivery=delivery, number=1, outcome=DeliveryAttempt.Outcome.FAILED,
                                   started_at=timezone.now(), finished_at=timezone.now(), http_status=500)
    return {**ids, "rule_id": rule.pk, "target_id": target.pk, "event_id": event.pk, "delivery_id": delivery.pk}


@pytest.fixture
def in_process_wsgi():
    """The WSGI handler closes "old" database connections around each request, which would close the
    test's own transaction; Django's test client disconnects the same signals for the same reason."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def load_schema(app):
    import schemathesis

    config = schemathesis.Config.from_dict({"generation": {"max-examples": EXAMPLES}})
    return schemathesis.openapi.from_wsgi("/api/schema/", app, config=config)


def all_checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        negative_data_rejection,
        response_schema_conformance,
        status_code_conformance,
    )

    positive = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    return positive, [*positive, negative_data_rejection]


def describe(failure_group, case) -> str:
    titles = sorted({getattr(f, "title", type(f).__name__) for f in failure_group.exceptions})
    details = " | ".join(sorted({" ".join(str(getattr(f, "message", "")).split())[:300]
                                 for f in failure_group.exceptions}))
    try:
        curl = case.as_curl_command(headers={"Authorization": "Token <owner token>"})
    except Exception:  # a curl command cannot be made for every generated body
        curl = f"{case.method} {case.formatted_path}"
    return f"{'; '.join(titles)}\n    {details}\n    {curl[:600]}"


def test_every_api_operation_survives_fuzzing_and_answers_as_documented(populated, owner, in_process_wsgi, capsys):
    from schemathesis import GenerationMode

    token = Token.objects.get_or_create(user=owner)[0].key
    auth = {"Authorization": f"Token {token}"}
    schema = load_schema(in_process_wsgi)
    positive_checks, negative_checks = all_checks()
    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: (METHOD_ORDER.get(op.method.upper(), 9), op.path),
    )
    assert operations, "the schema lists no operations"

    counts = {"cases": 0, "operations": 0}
    failures: dict[str, list[str]] = defaultdict(list)
    statuses: dict = defaultdict(int)
    started = time.monotonic()

    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        fixed = fixed_path_parameters(operation, populated)
        counts["operations"] += 1
        for mode, pinned, examples in fuzz_plan(operation, fixed):
            checks = positive_checks if mode == GenerationMode.POSITIVE else negative_checks
            if label in INVALID_INPUT_ACCEPTED_BY_DESIGN:
                checks = positive_checks
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=pinned or None)
            run = fuzz_runner(strategy, examples, label, checks, auth, counts, statuses, failures)
            try:
                run()
            except Unsatisfiable:
                continue  # nothing left to make invalid
            except Exception as exc:  # generation itself failed: report it, go on
                failures[label].append(f"could not generate {mode.value} cases: {exc!r}"[:600])

    took = time.monotonic() - started
    failed_operations = len(failures)
    summary = (
        f"schemathesis: {counts['operations']} operations tested, {counts['cases']} cases, "
        f"{sum(len(v) for v in failures.values())} failures shown across {failed_operations} operations "
        f"({time.monotonic() - started:.0f} s; status counts {dict(sorted(statuses.items(), key=str))})"
    )
    with capsys.disabled():
        print("\n" + summary)
        for label, items in sorted(failures.items()):
            for item in items:
                print(f"  FAIL {label}: {item}")
    assert took < 600
    assert not failures, summary + "\n" + "\n".join(f"{k}: {v[0]}" for k, v in sorted(failures.items()))


def fuzz_plan(operation, fixed: dict):
    """(mode, pinned path parameters, examples): most cases aim at the populated workspace's real
    objects; some use generated ids; invalid input goes to the real objects when there is a body or
    a query to spoil, else to generated paths."""
    from schemathesis import GenerationMode

    has_input = bool(len(operation.body) or len(operation.query))
    plan = [(GenerationMode.POSITIVE, fixed, EXAMPLES)]
    if fixed:
        plan.append((GenerationMode.POSITIVE, {}, max(1, EXAMPLES // 3)))
    if has_input:
        plan.append((GenerationMode.NEGATIVE, fixed, EXAMPLES))
    if fixed or not has_input:
        plan.append((GenerationMode.NEGATIVE, {}, max(1, EXAMPLES // 3)))
    return plan


def fuzz_runner(strategy, examples, label, checks, auth, counts, statuses, failures):
    from schemathesis.core.failures import FailureGroup

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=strategy)
    def run(case):
        counts["cases"] += 1
        try:
            response = case.call_and_validate(headers=auth, checks=checks)
            statuses[response.status_code] += 1
        except FailureGroup as group:
            statuses["failed"] += 1
            if len(failures[label]) < SHOWN_PER_OPERATION:
                failures[label].append(describe(group, case))

    return run


def fixed_path_parameters(operation, populated: dict) -> dict:
    """Real ids for the path parameters: `workspace_id` by name, a bare `id` by the segment before it
    (`/policies/{id}/` -> policy_id)."""
    segments = operation.path.strip("/").split("/")
    fixed = {}
    for parameter in operation.path_parameters:
        name = getattr(parameter, "name", None) or parameter.definition.get("name")
        key = name
        if name in ("id", "pk") and f"{{{name}}}" in segments:
            before = segments[segments.index(f"{{{name}}}") - 1].replace("-", "_")
            singular = before[:-3] + "y" if before.endswith("ies") else before.removesuffix("s")
            key = f"{singular}_id"
        if key in populated:
            fixed[name] = populated[key]
    return fixed


# --- hostile text (issue 13, F8)

PUT_EVENTS = "/api/v1/workspaces/{workspace_id}/events/put/"


def hostile_text():
    """A string around something no handler should store: a lone surrogate, or a NUL."""
    from hypothesis import strategies as st

    bad = st.sampled_from(["\ud800", "\udfff", "\udbff", "\x00", "\ud83d\x00", "x\udc00y"])
    return st.builds(lambda before, piece, after: before + piece + after, st.text(max_size=4), bad,
                     st.text(max_size=4))


def deep_json():
    from django.conf import settings as django_settings
    from hypothesis import strategies as st

    return st.integers(django_settings.MAX_JSON_DEPTH + 1, 3000).map(lambda depth: "[" * depth + "]" * depth)


def _string_places(value, place=()):
    """Where strings are in a JSON value: (path, "value" | "key")."""
    if isinstance(value, str):
        yield place, "value"
    elif isinstance(value, dict):
        for key, child in value.items():
            yield (*place, key), "key"
            yield from _string_places(child, (*place, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _string_places(child, (*place, index))


def _with_text(body, place, kind, text):
    """A copy of `body` with the string at `place` (a value, or a key's name) replaced by `text`."""
    if not place:
        return text
    body = json.loads(json.dumps(body))
    parent = body
    for step in place[:-1]:
        parent = parent[step]
    if kind == "key":
        parent[text] = parent.pop(place[-1])
    else:
        parent[place[-1]] = text
    return body


def hostile_request(case, data) -> tuple[str, str, bytes | None, str]:
    """(kind, url, body, expected) for one generated case, spoiled in one place drawn by hypothesis."""
    from hypothesis import strategies as st

    path_parameters = dict(case.path_parameters or {})
    query = dict(case.query or {})
    has_json = case.media_type == "application/json" and case.body is not None and not isinstance(case.body, bytes)
    kinds = (["body-text", "body-deep"] if has_json else []) + (["path-nul"] if path_parameters else [])
    kinds += ["query-nul"] if query else []
    if not kinds:
        return "", "", None, ""
    kind = data.draw(st.sampled_from(kinds), label="kind")
    body = json.dumps(case.body).encode() if has_json else None  # ensure_ascii: \ud800 as an escape
    if kind == "body-text":
        places = list(_string_places(case.body)) or [((), "value")]
        place, where = data.draw(st.sampled_from(places), label="place")
        body = json.dumps(_with_text(case.body, place, where, data.draw(hostile_text(), label="text"))).encode()
    elif kind == "body-deep":
        body = data.draw(deep_json(), label="deep").encode()
    elif kind == "path-nul":
        name = data.draw(st.sampled_from(sorted(path_parameters)), label="parameter")
        path_parameters[name] = f"{path_parameters[name]}\x00"
    else:
        name = data.draw(st.sampled_from(sorted(query)), label="query")
        query[name] = f"{query[name]}\x00"
    path = case.operation.path
    for name, value in path_parameters.items():
        path = path.replace(f"{{{name}}}", quote(str(value), safe=""))
    url = path + (f"?{urlencode(query, doseq=True)}" if query else "")
    return kind, url, body, {"path-nul": "404", "query-nul": "400"}.get(kind, "400")


def hostile_problem(kind, label, answer, expected) -> str:
    """What is wrong with the answer to a hostile request ("" when nothing)."""
    try:
        body = answer.json()
    except ValueError:
        return f"{kind}: {answer.status_code} without a JSON body"
    if label.endswith(PUT_EVENTS) and kind == "body-text" and answer.status_code == 200:
        return "" if body.get("FailedEntryCount", 0) >= 1 else f"{kind}: PutEvents accepted every entry"
    if str(answer.status_code) != expected or set(body) != {"error"} or not body["error"].get("message"):
        return f"{kind}: expected {expected} in the error envelope, got {answer.status_code} {str(body)[:200]}"
    return ""


def hostile_runner(strategy, label, client, counts, failures):
    from hypothesis import strategies as st

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=strategy, data=st.data())
    def run(case, data):
        kind, url, body, expected = hostile_request(case, data)
        if not kind:
            return
        counts[kind] += 1
        answer = client.generic(case.method.upper(), url, body or b"", content_type="application/json")
        problem = hostile_problem(kind, label, answer, expected)
        if problem and len(failures[label]) < SHOWN_PER_OPERATION:
            failures[label].append(f"{problem}\n    {case.method.upper()} {url[:200]} {(body or b'')[:200]!r}")

    return run


def test_hostile_text_anywhere_answers_400_or_404_never_500(populated, owner, in_process_wsgi, caplog, capsys):
    from django.test import Client
    from schemathesis import GenerationMode

    caplog.set_level(logging.ERROR)
    token = Token.objects.get_or_create(user=owner)[0].key
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    schema = load_schema(in_process_wsgi)
    failures: dict[str, list[str]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        fixed = fixed_path_parameters(operation, populated)
        strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=fixed or None)

        run = hostile_runner(strategy, label, client, counts, failures)
        try:
            run()
        except Unsatisfiable:
            continue
    errors = [record.getMessage()[:300] for record in caplog.records if record.levelno >= logging.ERROR]
    with capsys.disabled():
        print(f"\nhostile text: {dict(sorted(counts.items()))} requests; {sum(map(len, failures.values()))} failures")
    assert sum(counts.values()) > 100 and set(counts) == {"body-text", "body-deep", "path-nul", "query-nul"}
    assert not failures, "\n".join(f"{label}: {items[0]}" for label, items in sorted(failures.items()))
    assert errors == [], errors[:5]
