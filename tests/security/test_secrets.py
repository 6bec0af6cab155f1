"""The walk for secrets in clear: every kind of secret, configured through the API, used by real
deliveries, then looked for everywhere the project shows or keeps anything. (Encryption at rest and
rotation: test_secrets_at_rest.py; the checks on keys: test_secrets_checks.py.)"""

from datetime import timedelta

import pytest
from django.utils import timezone

from console.crypto import EncryptedJSONField

SIGNING_KEY = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"
LARK_SECRET = "lark-signing-secret-9f8e7d6c5b4a"


@pytest.fixture
def configured(activated_workspace, owner, owner_api, fake_dingtalk, fake_wecom, fake_lark, fake_http_receiver):
    """A rule with a signed DingTalk bot, a WeCom bot, a signed Lark bot and an HTTP receiver, created
    through the API, then edited with every secret left blank (kept)."""
    from workspaces.models import Model, ModelVersion

    ding = fake_dingtalk.add_bot(secret=SIGNING_KEY)
    wecom = fake_wecom.add_bot()
    lark = fake_lark.add_bot(secret=LARK_SECRET)
    model = Model.objects.create(workspace=activated_workspace, name="fraud-model", created_by=owner)
    version = ModelVersion.objects.create(model=model, version_name="0.2.0", created_by=owner)
    base = f"/api/v1/workspaces/{activated_workspace.pk}/rules/"
    targets = [
        {"method": "dingtalk", "config": {"webhook": ding.webhook, "signing_key": SIGNING_KEY}},
        {"method": "wecom", "config": {"webhook": wecom.webhook}},
        {"method": "lark", "config": {"webhook": lark.webhook, "signing_secret": LARK_SECRET}},
        {"method": "http", "config": {"url": f"{fake_http_receiver.base_url}/hooks/leak-test"}},
    ]
    body = {"name": "everything", "source": "model", "scope": "all",
            "event_types": ["pai:ModelManagement:ModelVersionApproved",
                            "pai:ModelManagement:ModelVersionStatusChanged"],
            "targets": targets}
    created = owner_api.post(base, body, format="json")
    assert created.status_code == 201, created.content
    rule = created.json()
    [whsec] = [t["signing_secret"] for t in rule["targets"] if t["method"] == "http"]
    assert whsec and whsec.startswith("whsec_")  # shown once, in the answer that created it
    fake_http_receiver.add_endpoint(secret=whsec, endpoint_id="leak-test")
    kept = [{"id": t["id"], "method": t["method"], "config": {}} for t in rule["targets"]]
    for target, original in zip(kept, targets, strict=True):
        if original["method"] == "http":
            target["config"] = {"url": original["config"]["url"]}
    edited = owner_api.put(f"{base}{rule['id']}/", {**body, "targets": kept}, format="json")
    assert edited.status_code == 200, edited.content
    secrets = {
        "DingTalk access token": ding.token, "DingTalk signing key": SIGNING_KEY, "WeCom key": wecom.key,
        "Lark token": lark.token, "Lark signing secret": LARK_SECRET, "HTTP signing secret": whsec,
        "HTTP signing key": whsec.removeprefix("whsec_"),
    }
    return {"rule_id": rule["id"], "model": model, "version": version, "secrets": secrets,
            "webhooks": {"dingtalk": ding.webhook, "wecom": wecom.webhook, "lark": lark.webhook}}


def deliver_everything(workspace, owner, configured, fakes):
    """Approve the version (two events), route and send every delivery in this process, with one
    failure on each bot and receiver first so that failed attempts are stored too."""
    from notifications.models import Delivery, Event
    from notifications.services.delivery import delivery_send
    from notifications.services.routing import event_route
    from workspaces.pai_resources.services.model_registry import model_version_set_status

    for fake in fakes:
        fake.fail_next(1, status=503)
    model_version_set_status(version=configured["version"], approval_status="Approved", actor=owner)
    for event in Event.objects.filter(workspace=workspace):
        event_route(event_id=event.pk)
    for _round in range(3):
        for delivery in Delivery.objects.exclude(status=Delivery.Status.SUCCEEDED):
            Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
            delivery_send(delivery_id=delivery.pk)
    return Delivery.objects.filter(event__workspace=workspace)


def variants(secret: str) -> set[str]:
    from urllib.parse import quote, quote_plus

    return {secret, quote(secret, safe=""), quote_plus(secret)}


def leaks(text: str, forbidden: dict[str, str]) -> list[str]:
    return [label for label, secret in forbidden.items() if any(v in text for v in variants(secret))]


def test_no_secret_appears_in_any_page_answer_admin_page_stored_row_audit_entry_or_log(
        activated_workspace, owner, owner_api, owner_client, configured, fake_dingtalk, fake_wecom, fake_lark,
        fake_http_receiver, caplog, django_user_model, client):
    import logging

    from django.apps import apps

    from notifications.models import DeliveryAttempt, Event
    from tests.security.population import populate_resources
    from tests.security.walk import admin_paths, console_and_api_paths

    caplog.set_level(logging.DEBUG)
    workspace = activated_workspace
    fakes = (fake_dingtalk, fake_wecom, fake_lark, fake_http_receiver)
    deliveries = deliver_everything(workspace, owner, configured, fakes)
    assert deliveries.count() == 8 and all(d.status == "succeeded" for d in deliveries)
    assert DeliveryAttempt.objects.filter(outcome="failed").count() >= 4

    # Test Connectivity with a wrong DingTalk key and with a broken WeCom webhook: the bots' refusals
    # are shown, the secrets are not.
    for config in ({"webhook": configured["webhooks"]["dingtalk"], "signing_key": "SECwrong" + "0" * 40},
                   {"webhook": configured["webhooks"]["wecom"] + "x"}):
        method = "dingtalk" if "signing_key" in config else "wecom"
        answer = owner_api.post(f"/api/v1/workspaces/{workspace.pk}/rules/test-connectivity/",
                                {"method": method, "config": config}, format="json")
        assert answer.status_code == 200 and not leaks(answer.content.decode(), configured["secrets"])

    forbidden = dict(configured["secrets"])
    # The signatures sent are as secret as the keys in stored URLs: DingTalk's `sign`, Lark's `sign`,
    # the Standard Webhooks signature.
    for request in fake_dingtalk.requests:
        if request.query.get("sign"):
            forbidden[f"DingTalk sign {request.query['timestamp']}"] = request.query["sign"]
    for request in fake_lark.requests:
        if isinstance(request.json, dict) and request.json.get("sign"):
            forbidden[f"Lark sign {request.json.get('timestamp')}"] = request.json["sign"]
    for request in fake_http_receiver.requests:
        for signature in request.headers.get("webhook-signature", "").split():
            forbidden[f"webhook-signature {request.headers.get('webhook-id')}"] = signature.removeprefix("v1,")

    found: dict[str, list[str]] = {}
    event = Event.objects.filter(workspace=workspace).first()
    from notifications.services.recovery import recovery_start

    recovery = recovery_start(actor=owner, workspace=workspace, since=timezone.now() - timedelta(hours=1))
    from notifications.services.replay import replay_start

    replay = replay_start(actor=owner, workspace=workspace, start=timezone.now() - timedelta(hours=1))
    ids = {**populate_resources(workspace=workspace, owner=owner),
           "rule_id": configured["rule_id"], "event_id": event.pk, "delivery_id": deliveries.first().pk,
           "model_id": configured["model"].pk, "version_id": configured["version"].pk,
           "version_name": configured["version"].version_name, "target_id": deliveries.first().target_id,
           "recovery_id": recovery.pk, "replay_id": replay.pk}
    paths, unknown = console_and_api_paths(ids)
    statuses = {}
    for path in paths:
        answers = [owner_api.get(path), owner_client.get(path), owner_client.get(path, HTTP_HX_REQUEST="true")]
        statuses[path] = [a.status_code for a in answers]
        for answer in answers:
            for label in leaks(answer.content.decode("utf-8", errors="replace"), forbidden):
                found.setdefault(label, []).append(f"GET {path} -> {answer.status_code}")
    assert not [p for p, codes in statuses.items() if any(code >= 500 for code in codes)], statuses
    # The pages that show targets and attempts were really seen, not refused.
    for path in (f"/api/v1/workspaces/{workspace.pk}/rules/{configured['rule_id']}/",
                 f"/workspaces/{workspace.pk}/events/{event.pk}/",
                 f"/workspaces/{workspace.pk}/configuration/event-notifications/"):
        assert 200 in statuses[path], (path, statuses[path])

    operator = django_user_model.objects.create_superuser("operator", "op@example.com", "operator-pass-42")
    client.force_login(operator)
    for path in admin_paths():
        answer = client.get(path)
        assert answer.status_code < 500, f"admin {path} -> {answer.status_code}"
        for label in leaks(answer.content.decode("utf-8", errors="replace"), forbidden):
            found.setdefault(label, []).append(f"admin {path}")

    # Every stored value of every model, except the encrypted secrets themselves.
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if not isinstance(f, EncryptedJSONField)]
        for row in model._default_manager.values_list(*fields):
            for label in leaks(repr(row), forbidden):
                found.setdefault(label, []).append(f"stored in {model._meta.label}")

    for record in caplog.records:
        text = record.getMessage() + (str(record.exc_text or "")) + repr(getattr(record, "args", ""))
        for label in leaks(text, forbidden):
            found.setdefault(label, []).append(f"log {record.name} {record.levelname}: {record.getMessage()[:160]}")
    for label in leaks(caplog.text, forbidden):
        found.setdefault(label, []).append("logs")

    assert not unknown, f"routes the walk has no ids for: {unknown}"
    assert not found, "secrets leaked:\n" + "\n".join(f"{k}: {sorted(set(v))[:8]}" for k, v in found.items())
