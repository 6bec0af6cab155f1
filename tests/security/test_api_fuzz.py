"""Fuzzing the REST API with schemathesis against its own OpenAPI schema (/api/schema/), in process
through the WSGI application, authenticated as the owner of a populated, activated workspace.

Every operation gets schema-valid and schema-invalid requests; every answer must be something other
than a 5xx, have a documented status code and content type, and match the documented schema;
schema-invalid input must be refused. A summary line is printed (also without -s).
FUZZ_EXAMPLES (default 6) sets the examples per operation and mode."""

import os
import time
from collections import defaultdict

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
                 "signing_key": "SEC" + "a" * 64},
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
