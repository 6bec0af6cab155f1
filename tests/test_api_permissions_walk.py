"""The walk of every API endpoint: each operation of the OpenAPI schema (generated in-process, so a new
endpoint is walked without editing this file) is called by five callers, and each answer is checked:

- no token: 401 in the error envelope;
- the owner of another account: 404 for anything under this account's objects; its own lists and
  answers never show this account's objects, and nothing of this account changes;
- a sub-user with no policy: 403 naming the missing action and resource (of this account), recorded
  in the audit log, for every write and for every read that checks an action (a read that checks
  none may answer, but shows nothing of the account);
- a sub-user with the seed's policy: a refusal only ever names an action the seed's policy does not
  allow (eventbridge actions pass, others are refused);
- the account owner: never refused.

Path parameters are filled by name (`workspace_id`, `rule_id`, `{id}` after `rules/`...) from objects
built in the database. Which actions an operation checks is observed with
`workspaces.iam.permissions.record_checks()` while the callers' requests run.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import SEED_POLICY, api_client_for
from workspaces.iam.permissions import ACTIONS, arn_account_uid, evaluate, record_checks

WRITE_METHODS = ("post", "put", "patch", "delete")
# Operations on the caller's own identity, which any signed-in user may do without a policy.
SELF_SERVICE = {("delete", "/api/v1/auth/token/")}


def _operations() -> list[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            if method in ("get", *WRITE_METHODS):
                found.append((method, path, operation))
    return sorted(found, key=lambda found: (found[1], found[0]))


OPERATIONS = _operations()


def _is_public(operation: dict) -> bool:
    """Documented without authentication (e.g. exchanging a password for a token)."""
    return operation.get("security") in (None, [], [{}])


def _singular(segment: str) -> str:
    name = segment.replace("-", "_")
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("sses", "uses", "xes")):
        return name[:-2]
    return name[:-1] if name.endswith("s") else name


@pytest.fixture
def world(account, owner, subuser, seed_subuser, outsider, activated_workspace):
    """One of each object an endpoint may name, all in `account`, with names that must never be seen
    by an outsider or a sub-user without policies (`markers`)."""
    from notifications.catalog import get_source
    from notifications.models import (
        Contact,
        Delivery,
        DeliveryAttempt,
        Event,
        QuotaIncreaseRequest,
        Recovery,
        ReplayJob,
        Rule,
        RuleEventType,
        Target,
        TargetContact,
    )
    from notifications.services.routing_keys import rule_routing_keys_sync
    from workspaces.iam.audit import audit_record
    from workspaces.models import (
        DlcJob,
        DswInstance,
        EasService,
        FlowTask,
        Model,
        ModelVersion,
        Workspace,
    )

    ws = activated_workspace
    Workspace.objects.create(account=outsider.account, name="ws_outsider", created_by=outsider)
    model_type = get_source("model").event_types[0].key
    model = Model.objects.create(workspace=ws, name="walkmodel-q7", created_by=owner)
    version = ModelVersion.objects.create(model=model, version_name="walkver-q7", created_by=owner)
    rule = Rule.objects.create(bus=ws.event_bus, name="walkrule-q7", source="model", created_by=owner)
    RuleEventType.objects.create(rule=rule, event_type=model_type)
    rule_routing_keys_sync(rule)
    target = Target.objects.create(rule=rule, method="dingtalk",
                                   config={"webhook": "https://oapi.dingtalk.com/robot/send"},
                                   secrets={"access_token": "walksecret-q7", "signing_key": "SECwalk"})
    contact = Contact.objects.create(account=account, name="walkcontact-q7", mobile="13800000000",
                                     email="walkcontact-q7@example.com")
    contact_rule = Rule.objects.create(bus=ws.event_bus, name="walkrule-sms-q7", source="dlc_job", created_by=owner)
    sms = Target.objects.create(rule=contact_rule, method="contacts")
    TargetContact.objects.create(target=sms, contact=contact, channel="sms")
    event = Event.objects.create(event_id="pending", account=account, workspace=ws, bus=ws.event_bus, source="model",
                                 type=model_type, resource_id=str(version.pk), resource_name="walkmodel-q7",
                                 envelope={"id": "walk-event-q7"}, status=Event.Status.PUBLISHED)
    event.event_id = str(event.pk)  # looked up by pk or by CloudEvents id: both work
    event.save(update_fields=["event_id"])
    delivery = Delivery.objects.create(event=event, rule=rule, target=target, channel="dingtalk",
                                       deadline_at=timezone.now() + timedelta(days=1), status=Delivery.Status.DEAD)
    attempt = DeliveryAttempt.objects.create(delivery=delivery, number=1, started_at=timezone.now(), outcome="failed")
    objects = {
        "workspace": ws,
        "bus": ws.event_bus,
        "event_bus": ws.event_bus,
        "rule": rule,
        "target": target,
        "recovery": Recovery.objects.create(workspace=ws, since=timezone.now(), status=Recovery.Status.FINISHED),
        "replay": ReplayJob.objects.create(workspace=ws, bus=ws.event_bus, window_start=timezone.now(),
                                           window_end=timezone.now(), state=ReplayJob.State.FINISHED),
        "contact": contact,
        "model": model,
        "version": version,
        "model_version": version,
        "eas_service": EasService.objects.create(workspace=ws, name="walkeas-q7", model_version=version),
        "dlc_job": DlcJob.objects.create(workspace=ws, name="walkjob-q7", created_by=owner),
        "dsw_instance": DswInstance.objects.create(workspace=ws, name="walkdsw-q7", created_by=owner),
        "flow_task": FlowTask.objects.create(workspace=ws, name="walkflow-q7", created_by=owner),
        "event": event,
        "delivery": delivery,
        "attempt": attempt,
        "policy": seed_subuser.policies.get(),
        "user": subuser,
        "quota_request": QuotaIncreaseRequest.objects.create(account=account, requested_limit=20, requested_by=owner),
        "audit_entry": audit_record(actor=owner, account=account, action="rule.create", obj=rule),
    }
    aliases = {"service": "eas_service", "job": "dlc_job", "instance": "dsw_instance", "task": "flow_task",
               "request": "quota_request", "log_entry": "audit_entry", "entry": "audit_entry"}
    objects.update({alias: objects[key] for alias, key in aliases.items()})
    markers = [account.uid, ws.name, "walkmodel-q7", "walkver-q7", "walkrule-q7", "walkcontact-q7", "walkeas-q7",
               "walkjob-q7", "walkdsw-q7", "walkflow-q7", "walksecret-q7", "SECwalk", "EventBridgeFullAccess"]
    return {"account": account, "objects": objects, "markers": markers, "owner": owner, "subuser": subuser,
            "seed_subuser": seed_subuser, "outsider": outsider}


def _fill(path: str, objects: dict) -> str:
    def value(match: re.Match) -> str:
        name, before = match.group(1), path[: match.start()].rstrip("/").split("/")[-1]
        if name in ("id", "pk", "name"):
            key = _singular(before)
        else:
            key = re.sub(r"_(id|pk|name)$", "", name)
        found = objects.get(key)
        if found is None:
            pytest.fail(f"no object for the path parameter {{{name}}} of {path}: add one to the `world` fixture")
        if name.endswith("name"):
            return str(getattr(found, "version_name", None) or found.name)
        return str(found.pk)

    return re.sub(r"\{(\w+)\}", value, path)


def _call(user, method: str, url: str):
    client = api_client_for(user)
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, {}, format="json")


def _error(answer) -> dict | None:
    try:
        error = answer.json()["error"]
    except (ValueError, KeyError, TypeError):
        return None
    return error if isinstance(error, dict) else None


def _leaks(answer, markers: list[str]) -> list[str]:
    text = answer.content.decode(errors="replace")
    return [marker for marker in markers if marker in text]


def _short(answer) -> str:
    return f"{answer.status_code} {answer.content[:200].decode(errors='replace')}"


def _refusal_problems(answer, account, who: str) -> tuple[list[str], str | None, str | None]:
    """What is wrong with `answer` as a refusal naming the missing action and resource."""
    if answer.status_code != 403:
        return [f"{who}: expected 403 naming the missing action, got {_short(answer)}"], None, None
    error = _error(answer) or {}
    action, resource = error.get("action"), error.get("resource")
    problems = []
    if error.get("code") != "access_denied":
        problems.append(f"{who}: a 403 that is not a policy refusal: {_short(answer)}")
    if action not in ACTIONS:
        problems.append(f"{who}: the refusal names no known action: {error}")
    if not (resource and resource.startswith("acs:")):
        problems.append(f"{who}: the refusal names no resource: {error}")
    elif arn_account_uid(resource) not in (None, "*", account.uid):
        problems.append(f"{who}: the refusal names a resource of another account: {resource}")
    if action and resource and not (action in error.get("message", "") and resource in error.get("message", "")):
        problems.append(f"{who}: the message does not say the action and resource: {error}")
    return problems, action, resource


def _audit_count(account) -> dict:
    from workspaces.models import AuditLogEntry

    entries = AuditLogEntry.objects.filter(account=account)
    return {"all": entries.count(), "denied": entries.filter(action="access.denied").count()}


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS,
                         ids=[f"{method.upper()} {path}" for method, path, _ in OPERATIONS])
def test_every_endpoint_answers_each_caller_as_its_permissions_say(world, method, path, operation):
    """Collects every problem of the endpoint, then fails once listing them all."""
    if _is_public(operation):
        pytest.skip("documented as public (no authentication)")
    account, markers = world["account"], world["markers"]
    url = _fill(path, world["objects"])
    has_object = "{" in path
    is_write = method in WRITE_METHODS
    problems: list[str] = []

    def check(condition, message: str) -> None:
        if not condition:
            problems.append(message)

    # 1. No token.
    before = _audit_count(account)
    anonymous = _call(None, method, url)
    check(anonymous.status_code == 401 and _error(anonymous), f"no token: expected 401, got {_short(anonymous)}")
    check(_audit_count(account) == before, "no token: the account's audit log changed")

    # 2. The owner of another account.
    outsider = _call(world["outsider"], method, url)
    check(outsider.status_code < 500, f"outsider: {_short(outsider)}")
    if has_object:
        check(outsider.status_code == 404 and _error(outsider),
              f"outsider, on this account's objects: expected 404, got {_short(outsider)}")
    check(not _leaks(outsider, markers), f"outsider: the answer shows {_leaks(outsider, markers)}")
    check(_audit_count(account) == before, "outsider: this account's audit log changed")

    if (method, path) not in SELF_SERVICE:
        # 3. A sub-user with no policy; 4. one with the seed's policy; 5. the owner (last: it may delete).
        with record_checks() as empty_checks:
            empty = _call(world["subuser"], method, url)
        after_empty = _audit_count(account)
        with record_checks() as seed_checks:
            seed = _call(world["seed_subuser"], method, url)
        with record_checks() as owner_checks:
            owner = _call(world["owner"], method, url)
        for who, answer in (("sub-user without policy", empty), ("seed sub-user", seed), ("owner", owner)):
            check(answer.status_code < 500, f"{who}: {_short(answer)}")
        check(owner.status_code not in (401, 403), f"owner: refused: {_short(owner)}")

        checks_an_action = bool(empty_checks or seed_checks or owner_checks)
        if is_write and not checks_an_action:
            problems.append(
                f"no permission is checked (owner: {_short(owner)}; a 400 there means the input is validated "
                "before the permission check, or there is no check)")
        if is_write or checks_an_action:
            found, _, _ = _refusal_problems(empty, account, "sub-user without policy")
            problems += found
            if empty.status_code == 403:
                check(after_empty == {"all": before["all"] + 1, "denied": before["denied"] + 1},
                      "sub-user without policy: the refusal is not recorded once in the audit log")
        else:
            check(empty.status_code != 403, "sub-user without policy: refused although no action was checked")
            check(not _leaks(empty, markers),
                  f"sub-user without policy: no action checked, and the answer shows {_leaks(empty, markers)}")
            check(not has_object, "sub-user without policy: reads an object of the account without checking an action")

        if seed.status_code == 403:
            found, action, resource = _refusal_problems(seed, account, "seed sub-user")
            problems += found
            if action in ACTIONS and resource:
                check(not evaluate([SEED_POLICY], action, resource),
                      f"seed sub-user: refused {action} on {resource}, which the seed's policy allows")
        else:
            check(seed.status_code not in (401, 404), f"seed sub-user: {_short(seed)}")

    assert not problems, f"{method.upper()} {path}:\n  " + "\n  ".join(problems)
