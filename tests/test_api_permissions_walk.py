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
`workspaces.permissions.record_checks()` while the callers' requests run.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import SEED_POLICY, api_client_for
from workspaces.permissions import ACTIONS, arn_account_uid, evaluate, record_checks

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


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
        Rule,
        RuleEventType,
        Target,
        TargetContact,
    )
    from workspaces.models import (
        DlcJob,
        DswInstance,
        EasService,
        FlowTask,
        Model,
        ModelVersion,
        Workspace,
    )
    from workspaces.services.audit import audit_record

    ws = activated_workspace
    Workspace.objects.create(account=outsider.account, name="ws_outsider", created_by=outsider)
    model_type = get_source("model").event_types[0].key
    model = Model.objects.create(workspace=ws, name="walkmodel-q7", created_by=owner)
    version = ModelVersion.objects.create(model=model, version_name="walkver-q7", created_by=owner)
    rule = Rule.objects.create(bus=ws.event_bus, name="walkrule-q7", source="model", created_by=owner)
    RuleEventType.objects.create(rule=rule, event_type=model_type)
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


def _error(answer) -> dict:
    try:
        return answer.json()["error"]
    except (ValueError, KeyError, TypeError):
        pytest.fail(f"{answer.status_code} without the error envelope: {answer.content[:300]!r}")


def _leaks(answer, markers: list[str]) -> list[str]:
    text = answer.content.decode(errors="replace")
    return [marker for marker in markers if marker in text]


def _assert_refusal(answer, account, what: str) -> tuple[str, str]:
    assert answer.status_code == 403, f"{what}: expected 403, got {answer.status_code}: {answer.content[:300]!r}"
    error = _error(answer)
    assert error.get("code") == "access_denied", f"{what}: 403 not from a policy check: {error}"
    action, resource = error.get("action"), error.get("resource")
    assert action in ACTIONS, f"{what}: the refusal does not name a known action: {error}"
    assert resource and resource.startswith("acs:"), f"{what}: the refusal does not name a resource: {error}"
    assert arn_account_uid(resource) in (None, "*", account.uid), f"{what}: resource of another account: {resource}"
    assert action in error["message"] and resource in error["message"], f"{what}: message misses them: {error}"
    return action, resource


def _audit_count(account) -> dict:
    from workspaces.models import AuditLogEntry

    entries = AuditLogEntry.objects.filter(account=account)
    return {"all": entries.count(), "denied": entries.filter(action="access.denied").count()}


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS,
                         ids=[f"{method.upper()} {path}" for method, path, _ in OPERATIONS])
def test_every_endpoint_answers_each_caller_as_its_permissions_say(world, method, path, operation):
    if _is_public(operation):
        pytest.skip("documented as public (no authentication)")
    account, markers = world["account"], world["markers"]
    url = _fill(path, world["objects"])
    has_object = "{" in path
    is_write = method in WRITE_METHODS
    what = f"{method.upper()} {path}"

    # 1. No token.
    before = _audit_count(account)
    anonymous = _call(None, method, url)
    assert anonymous.status_code == 401, f"{what} without a token: {anonymous.status_code}"
    _error(anonymous)
    assert _audit_count(account) == before, f"{what} without a token changed the account"

    # 2. The owner of another account.
    outsider = _call(world["outsider"], method, url)
    assert outsider.status_code < 500, f"{what} by an outsider: {outsider.status_code} {outsider.content[:300]!r}"
    if has_object:
        assert outsider.status_code == 404, (
            f"{what} by an outsider: expected 404, got {outsider.status_code} {outsider.content[:160]!r}")
        _error(outsider)
    assert not _leaks(outsider, markers), f"{what} by an outsider shows {_leaks(outsider, markers)}"
    assert _audit_count(account) == before, f"{what} by an outsider changed this account"

    if (method, path) in SELF_SERVICE:
        return

    # 3. A sub-user with no policy.
    with record_checks() as empty_checks:
        empty = _call(world["subuser"], method, url)
    assert empty.status_code < 500, f"{what} by a sub-user without policy: {empty.status_code}"
    after_empty = _audit_count(account)
    # 4. A sub-user with the seed's policy.
    with record_checks() as seed_checks:
        seed = _call(world["seed_subuser"], method, url)
    assert seed.status_code < 500, f"{what} by the seed sub-user: {seed.status_code} {seed.content[:300]!r}"
    # 5. The owner.
    with record_checks() as owner_checks:
        owner = _call(world["owner"], method, url)
    assert owner.status_code < 500, f"{what} by the owner: {owner.status_code} {owner.content[:300]!r}"
    assert owner.status_code not in (401, 403), f"{what}: the owner was refused: {owner.content[:300]!r}"

    checks_an_action = bool(empty_checks or seed_checks or owner_checks)
    if is_write:
        assert checks_an_action, (
            f"{what}: no permission is checked (the owner got {owner.status_code} {owner.content[:160]!r}; "
            "a 400 there means the input is validated before the permission check, or there is none)")
    if is_write or checks_an_action:
        _assert_refusal(empty, account, f"{what} by a sub-user without policy")
        assert after_empty == {"all": before["all"] + 1, "denied": before["denied"] + 1}, (
            f"{what}: the refusal was not recorded in the audit log (or something else was)")
    else:
        assert empty.status_code != 403, f"{what}: refused although no action was checked"
        assert not _leaks(empty, markers), f"{what} shows {_leaks(empty, markers)} to a sub-user without policy"
        assert not has_object, f"{what} reads an object of the account without checking an action"

    if seed.status_code == 403:
        action, resource = _assert_refusal(seed, account, f"{what} by the seed sub-user")
        assert not evaluate([SEED_POLICY], action, resource), (
            f"{what}: the seed sub-user was refused {action} on {resource}, which the seed's policy allows")
    else:
        assert seed.status_code not in (401, 404), f"{what} by the seed sub-user: {seed.status_code}"
