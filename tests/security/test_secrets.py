"""Secrets at rest: encrypted in the database, rotated by a command, and never shown in clear text."""

import io
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection, models
from django.utils import timezone

from console.crypto import EncryptedJSONField, SecretDict, secrets_unreadable
from console.settings import DEV_FIELD_ENCRYPTION_KEY, DEV_SECRET_KEY

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
SIGNING_KEY = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"
ACCESS_TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f9001122334455667788990aabbccddeeff"


def stored_token(target) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secrets FROM {target._meta.db_table} WHERE id = %s", [target.pk])
        return cursor.fetchone()[0]


def make_targets(bus, count: int):
    from notifications.models import Rule, RuleEventType, Target
    from notifications.services.routing_keys import rule_routing_keys_sync

    rule = Rule.objects.create(bus=bus, name="secrets", source="model")
    RuleEventType.objects.create(rule=rule, event_type="pai:ModelManagement:ModelVersionApproved")
    rule_routing_keys_sync(rule)
    return [
        Target.objects.create(
            rule=rule, method="dingtalk", position=index,
            config={"webhook": "https://oapi.dingtalk.com/robot/send"},
            secrets={"access_token": f"{ACCESS_TOKEN}{index}", "signing_secret": SIGNING_KEY},
        )
        for index in range(count)
    ]


def rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate_secrets", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def bus(activated_workspace):
    from workspaces.models import EventBus

    return EventBus.objects.get(workspace=activated_workspace)


def test_secrets_are_stored_as_fernet_tokens_not_clear_text(settings, bus):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    [target] = make_targets(bus, 1)
    token = stored_token(target)
    assert SIGNING_KEY not in token and ACCESS_TOKEN not in token
    assert Fernet(OLD_KEY.encode()).decrypt(token.encode())  # encrypted with the configured key


def test_rotation_with_a_new_key_first_lets_the_old_key_be_removed(settings, bus):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    targets = make_targets(bus, 3)

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    output = rotate()
    assert "re-encrypted 3 of 3 stored secrets" in output
    assert "notifications.Target.secrets: 3 stored, 3 re-encrypted" in output

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key is gone
    for index, target in enumerate(targets):
        target.refresh_from_db()
        assert target.secrets == {"access_token": f"{ACCESS_TOKEN}{index}", "signing_secret": SIGNING_KEY}
        Fernet(NEW_KEY.encode()).decrypt(stored_token(target).encode())

    assert "re-encrypted 0 of 3 stored secrets (3 already on the newest key)" in rotate()


def test_without_rotation_removing_the_old_key_makes_secrets_unreadable_but_not_lost(settings, bus):
    """(Issue 13, F6: the row still loads, so a page or a routing task does not fail on it; the
    delivery records the failure.) Saving the row keeps the stored token: the key can come back."""
    from notifications.models import Target

    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    [target] = make_targets(bus, 1)
    token = stored_token(target)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    target.refresh_from_db()
    assert secrets_unreadable(target.secrets) and target.secrets == {}
    target.save()
    assert stored_token(target) == token
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert Target.objects.get(pk=target.pk).secrets["signing_secret"] == SIGNING_KEY


def test_a_dry_run_counts_but_changes_nothing(settings, bus):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    targets = make_targets(bus, 2)
    before = [stored_token(target) for target in targets]

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    output = rotate("--dry-run")

    assert "Dry run: would re-encrypt 2 of 2 stored secrets" in output
    assert [stored_token(target) for target in targets] == before


def test_secrets_saved_by_versions_that_derived_the_key_from_secret_key_are_read_and_rotated(settings, bus):
    """Before issue 13 a deployment without FIELD_ENCRYPTION_KEYS encrypted with a key derived from
    SECRET_KEY. Such secrets stay readable (never written with that key again) until rotated."""
    import base64
    import hashlib
    import json

    from notifications.models import Target

    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    [target] = make_targets(bus, 1)
    legacy = base64.urlsafe_b64encode(hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest())
    old_token = Fernet(legacy).encrypt(json.dumps({"signing_secret": SIGNING_KEY}).encode()).decode()
    Target.objects.filter(pk=target.pk).update(secrets=models.Value(old_token, output_field=models.TextField()))

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert "re-encrypted 1 of 1" in rotate()
    Fernet(NEW_KEY.encode()).decrypt(stored_token(target).encode())
    target.refresh_from_db()
    assert target.secrets["signing_secret"] == SIGNING_KEY


def test_a_secret_no_key_can_read_stops_rotation_before_anything_is_written(settings, bus):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    readable, unreadable = make_targets(bus, 2)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    unreadable.save()  # now under a key that will be lost
    before = stored_token(readable)

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    with pytest.raises(ImproperlyConfigured, match=f"notifications.Target pk={unreadable.pk}"):
        rotate()
    assert stored_token(readable) == before


def test_secrets_print_masked_wherever_they_are_shown_by_accident(bus):
    from notifications.models import Target

    unsaved = Target(method="dingtalk", secrets={"signing_secret": SIGNING_KEY})
    [saved] = make_targets(bus, 1)
    saved.refresh_from_db()
    for secrets in (unsaved.secrets, saved.secrets):
        assert isinstance(secrets, SecretDict)
        assert SIGNING_KEY not in repr(secrets) and SIGNING_KEY not in str(secrets)
        assert SIGNING_KEY not in f"{secrets}" and secrets["signing_secret"] == SIGNING_KEY


def test_the_admin_form_field_never_renders_saved_secrets_and_blank_keeps_them(bus):
    from django.forms import modelform_factory

    from notifications.models import Target

    [target] = make_targets(bus, 1)
    form_class = modelform_factory(Target, fields=["method", "secrets"])
    assert SIGNING_KEY not in str(form_class(instance=target)["secrets"])

    form = form_class({"method": "dingtalk", "secrets": ""}, instance=target)
    assert form.is_valid(), form.errors
    assert "secrets" not in form.changed_data
    form.save()
    target.refresh_from_db()
    assert target.secrets["signing_secret"] == SIGNING_KEY

    form = form_class({"method": "dingtalk", "secrets": '{"signing_secret": "SECnew"}'}, instance=target)
    assert form.is_valid(), form.errors
    form.save()
    target.refresh_from_db()
    assert target.secrets == {"signing_secret": "SECnew"}

    assert not form_class({"method": "dingtalk", "secrets": "[1, 2]"}, instance=target).is_valid()


# --- system checks: half-configured secrets and providers


def check_ids(settings_changes: dict, settings) -> set[str]:
    from console import checks

    for name, value in settings_changes.items():
        setattr(settings, name, value)
    found = set()
    for check in (checks.check_secret_key, checks.check_field_encryption_keys, checks.check_telephony_provider,
                  checks.check_eas_api,
                  checks.check_outbound_allowed_networks, checks.check_celery_visibility_timeout):
        found |= {message.id for message in check()}
    return found


REAL_SECRET_KEY = "kq8Zt2vP0xWmR7nYb4cLh1sJ9dFg6aUe3iOo5pTrQwEyXzCvBn"
FULLY_CONFIGURED = {
    "DEBUG": False, "SECRET_KEY": REAL_SECRET_KEY, "SECRET_KEY_FALLBACKS": [],
    "FIELD_ENCRYPTION_KEYS": [NEW_KEY], "TELEPHONY_PROVIDER": "logging", "EAS_API_URL": "",
    "OUTBOUND_ALLOWED_NETWORKS": [], "CELERY_BROKER_TRANSPORT_OPTIONS": {},
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, set()),
        ({"FIELD_ENCRYPTION_KEYS": []}, {"console.E006"}),
        ({"FIELD_ENCRYPTION_KEYS": [DEV_FIELD_ENCRYPTION_KEY]}, {"console.E006"}),
        ({"FIELD_ENCRYPTION_KEYS": [], "DEBUG": True}, set()),
        ({"SECRET_KEY": DEV_SECRET_KEY}, {"console.E005"}),
        ({"SECRET_KEY": "insecure-development-key-change-me-in-production-0123456789"[:40]}, {"console.E005"}),
        ({"SECRET_KEY_FALLBACKS": [DEV_SECRET_KEY]}, {"console.E005"}),
        ({"SECRET_KEY": DEV_SECRET_KEY, "FIELD_ENCRYPTION_KEYS": [DEV_FIELD_ENCRYPTION_KEY], "DEBUG": True}, set()),
        ({"FIELD_ENCRYPTION_KEYS": ["not-a-fernet-key"]}, {"console.E001"}),
        ({"TELEPHONY_PROVIDER": "aliyun", "TELEPHONY_ACCESS_KEY_ID": "", "TELEPHONY_ACCESS_KEY_SECRET": "",
          "TELEPHONY_SIGN_NAME": ""}, {"console.W002"}),
        ({"TELEPHONY_PROVIDER": "aliyun", "TELEPHONY_ACCESS_KEY_ID": "id", "TELEPHONY_ACCESS_KEY_SECRET": "s",
          "TELEPHONY_SIGN_NAME": "PAI"}, set()),
        ({"TELEPHONY_PROVIDER": "carrier-pigeon"}, {"console.E002"}),
        ({"EAS_API_URL": "https://pai-eas.cn-shanghai.aliyuncs.com", "EAS_API_TOKEN": ""}, {"console.W003"}),
        ({"EAS_API_URL": "https://pai-eas.cn-shanghai.aliyuncs.com", "EAS_API_TOKEN": "t"}, set()),
        ({"OUTBOUND_ALLOWED_NETWORKS": ["127.0.0.1/32", "localhost"]}, {"console.E003"}),
        ({"CELERY_BROKER_TRANSPORT_OPTIONS": {"visibility_timeout": 60}, "DELIVERY_RETRY_MAX_SECONDS": 512.0},
         {"console.W004"}),
    ],
    ids=["all-set", "no-keys", "dev-key", "no-keys-debug", "dev-secret-key", "short-secret-key", "dev-fallback",
         "dev-keys-debug", "bad-key", "aliyun-no-keys", "aliyun-ok", "unknown-provider",
         "eas-no-token", "eas-ok", "bad-network", "short-visibility"],
)
def test_system_checks_warn_about_half_configured_secrets_and_providers(settings, changes, expected):
    assert check_ids({**FULLY_CONFIGURED, **changes}, settings) == expected


def test_the_checks_run_with_manage_py_check(settings):
    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_KEYS = []
    out = io.StringIO()
    with pytest.raises(SystemCheckError, match="console.E006"):
        call_command("check", "--tag", "security", stdout=out, stderr=out)


# --- the leak test: every kind of secret, configured through the API, used by real deliveries, then
# looked for everywhere the project shows or keeps anything


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
        {"method": "dingtalk", "config": {"webhook": ding.webhook, "signing_secret": SIGNING_KEY}},
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
    for config in ({"webhook": configured["webhooks"]["dingtalk"], "signing_secret": "SECwrong" + "0" * 40},
                   {"webhook": configured["webhooks"]["wecom"] + "x"}):
        method = "dingtalk" if "signing_secret" in config else "wecom"
        answer = owner_api.post(f"/api/v1/workspaces/{workspace.pk}/rules/test-connectivity/",
                                {"method": method, "config": config}, format="json")
        assert answer.status_code == 200 and not leaks(answer.content.decode(), configured["secrets"])

    forbidden = dict(configured["secrets"])
    # Rotate signing secret: the HTTP target's new whsec_ is in its one-time answer only; DingTalk's new
    # key (typed in the console) in none. Both are then looked for everywhere like the others.
    from notifications.models import Target

    rotated_key = "SEC" + "7" * 60
    http_target = Target.objects.get(rule_id=configured["rule_id"], method="http")
    ding_target = Target.objects.get(rule_id=configured["rule_id"], method="dingtalk")
    once = owner_api.post(f"/api/v1/workspaces/{workspace.pk}/targets/{http_target.pk}/rotate-secret/", {},
                          format="json")
    typed = owner_client.post(f"/workspaces/{workspace.pk}/targets/{ding_target.pk}/rotate-secret/",
                              {"signing_secret": rotated_key}, HTTP_HX_REQUEST="true")
    assert once.status_code == 200 and once.json()["signing_secret"].startswith("whsec_")
    assert typed.status_code == 200 and not leaks(typed.content.decode(), {"rotated": rotated_key})
    forbidden.update({"rotated HTTP signing secret": once.json()["signing_secret"],
                      "rotated HTTP signing key": once.json()["signing_secret"].removeprefix("whsec_"),
                      "rotated DingTalk signing secret": rotated_key})
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
    ids = {**populate_resources(workspace=workspace, owner=owner),
           "rule_id": configured["rule_id"], "event_id": event.pk, "delivery_id": deliveries.first().pk,
           "model_id": configured["model"].pk, "version_id": configured["version"].pk,
           "version_name": configured["version"].version_name, "target_id": deliveries.first().target_id,
           "recovery_id": recovery.pk}
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
