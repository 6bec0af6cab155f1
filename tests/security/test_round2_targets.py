"""Issue 13, F11, F12 and F14: what an HTTP target's URL carries, where targets may go, and what a
refusal says.

F11: credentials in an HTTP target's URL (query values, user info) were shown in clear on rule pages,
in the API and in admin; they are secrets now, encrypted and masked, existing targets migrated.
F12: OUTBOUND_ALLOWED_NETWORKS opened a private network to every tenant's HTTP targets; now an
operator grants networks per account (the global list covers only the operator's own destinations).
F14: a refusal said what an internal name resolved to. Each test fails on 457c939."""

import importlib
import logging

import pytest
from django.db import connection
from django.test import Client

SECRET = "HTTPQUERYSECRET123"
PASSWORD_IN_URL = "basicpass987654"


def stored_row(target) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT config, secrets FROM notifications_target WHERE id = %s", [target.pk])
        config, secrets = cursor.fetchone()
    return str(config), secrets


def test_f11_credentials_in_an_http_target_url_are_encrypted_and_shown_masked(owner_api, owner, activated_workspace):
    from notifications.models import Target
    from workspaces.models import User

    url = f"https://hookuser:{PASSWORD_IN_URL}@hooks.example.com/pai?token={SECRET}&region=cn-shanghai"
    rules = f"/api/v1/workspaces/{activated_workspace.pk}/rules/"
    created = owner_api.post(rules, {
        "name": "model-http", "source": "model", "event_types": ["pai:ModelManagement:ModelVersionApproved"],
        "targets": [{"method": "http", "config": {"url": url}}]}, format="json")
    assert created.status_code == 201, created.content
    target = Target.objects.get(rule_id=created.json()["id"])
    assert target.secrets["url"] == url  # kept whole, for sending
    config, secrets = stored_row(target)
    assert SECRET not in config + secrets and PASSWORD_IN_URL not in config + secrets

    shown = target.config["url"]
    assert shown == "https://••••••:••••••@hooks.example.com/pai?token=••••••&region=••••••"
    admin = Client()
    admin.force_login(User.objects.create_superuser(username="root", password="root-pass-123"))
    console = Client()
    console.force_login(owner)
    for answer in (created, owner_api.get(rules), owner_api.get(f"{rules}{target.rule_id}/"),
                   console.get(f"/workspaces/{activated_workspace.pk}/configuration/event-notifications/"),
                   console.get(f"/workspaces/{activated_workspace.pk}/rules/{target.rule_id}/edit/"),
                   admin.get(f"/admin/notifications/target/{target.pk}/change/"),
                   admin.get(f"/admin/notifications/rule/{target.rule_id}/change/")):
        text = answer.content.decode()
        assert answer.status_code == 200 or answer.status_code == 201, answer.status_code
        assert SECRET not in text and PASSWORD_IN_URL not in text

    # Sent back masked (as the API shows it), the URL is unchanged.
    data = owner_api.get(f"{rules}{target.rule_id}/").json()
    assert data["targets"][0]["config"]["url"] == shown
    body = {name: data[name] for name in ("name", "source", "event_types", "scope")}
    body["targets"] = [{"id": target.pk, "method": "http", "config": {"url": shown}}]
    updated = owner_api.put(f"{rules}{target.rule_id}/", body, format="json")
    assert updated.status_code == 200, updated.content
    assert Target.objects.get(rule_id=target.rule_id).secrets["url"] == url


def test_f11_existing_http_targets_are_migrated(activated_workspace):
    from django.apps import apps

    from notifications.models import Rule, Target

    migration = importlib.import_module("notifications.migrations.0004_http_target_url_secret")
    rule = Rule.objects.create(bus=activated_workspace.event_bus, name="old", source="model")
    url = f"https://hooks.example.com/pai?token={SECRET}"
    old = Target.objects.create(rule=rule, method="http", config={"url": url, "signing_secret": "whsec_••••••"},
                                secrets={"signing_secret": "whsec_c2VjcmV0"})
    migration.url_into_secrets(apps, None)
    old.refresh_from_db()
    assert old.secrets == {"signing_secret": "whsec_c2VjcmV0", "url": url}
    assert old.config == {"url": "https://hooks.example.com/pai?token=••••••", "signing_secret": "whsec_••••••"}
    assert SECRET not in "".join(stored_row(old))


@pytest.fixture
def private_receiver(settings, fake_http_receiver):
    """The fake receiver on 127.0.0.1, allowed by the operator's global list but not listed as one of
    the operator's relays (WEBHOOK_EXTRA_HOSTS): the red team's configuration."""
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.WEBHOOK_EXTRA_HOSTS = []
    return fake_http_receiver


def _deliver(workspace, url):
    """An HTTP target of `workspace`'s account, and one event delivered to it (the routing task
    sends it inline): its attempt."""
    from django.db import transaction

    from notifications.models import DeliveryAttempt, Rule, RuleEventType, Target
    from notifications.services.events import publish
    from notifications.services.routing import event_route
    from notifications.services.routing_keys import rule_routing_keys_sync
    from workspaces.models import Model

    rule = Rule.objects.create(bus=workspace.event_bus, name=f"r{Rule.objects.count()}", source="model")
    RuleEventType.objects.create(rule=rule, event_type="pai:ModelManagement:ModelVersionApproved")
    rule_routing_keys_sync(rule)
    target = Target.objects.create(rule=rule, method="http", config={},
                                   secrets={"url": url, "signing_secret": "whsec_c2Vj"})
    model = Model.objects.create(workspace=workspace, name=f"m{Model.objects.count()}")
    with transaction.atomic():
        event = publish(workspace=workspace, source="model", type_name="ModelVersionApproved", resource_id="1",
                        resource_name="m 1", old_status="Pending", new_status="Approved", actor=None, model=model)
    event_route(event_id=event.pk)
    return DeliveryAttempt.objects.get(delivery__event=event, delivery__target=target)


def test_f12_private_networks_are_granted_per_account_by_an_operator(private_receiver, outsider,
                                                                     activated_workspace):
    from django.utils import timezone

    from workspaces.models import EventBus, ServiceLinkedRole, Workspace

    url = f"{private_receiver.base_url}/echo-secret/admin?x=1"
    refused = _deliver(activated_workspace, url)
    assert refused.outcome == "failed" and refused.error.startswith("address not allowed")
    assert private_receiver.requests == []

    account = activated_workspace.account
    account.outbound_allowed_networks = "127.0.0.1/32"
    account.save()
    reached = _deliver(activated_workspace, url)
    assert reached.http_status == 404 and private_receiver.requests  # granted: it went there (the fake: 404)
    # That grant is the account's alone.
    seen = len(private_receiver.requests)
    other = outsider.account
    other.eventbridge_activated_at = timezone.now()
    other.save()
    ServiceLinkedRole.objects.create(account=other, created_by=outsider)
    theirs = Workspace.objects.create(account=other, name="ws_other", created_by=outsider)
    EventBus.objects.create(account=other, workspace=theirs, name="pai-system-ws_other")
    theirs.refresh_from_db()
    assert _deliver(theirs, url).error.startswith("address not allowed") and len(private_receiver.requests) == seen


def test_f12_an_http_target_answer_from_a_private_address_is_not_stored(private_receiver, activated_workspace):
    account = activated_workspace.account
    account.outbound_allowed_networks = "127.0.0.1/32"  # granted: the request goes there...
    account.save()
    attempt = _deliver(activated_workspace, f"{private_receiver.base_url}/internal")
    assert attempt.http_status == 404 and private_receiver.requests  # (the fake answers 404 with a body)
    assert attempt.response_body == "(not stored: the answer of a private address)"  # ...its answer is not kept


def test_f12_operators_grant_networks_in_admin_and_bad_ones_are_refused(owner):
    from workspaces.models import Account, User

    admin = Client()
    admin.force_login(User.objects.create_superuser(username="root", password="root-pass-123"))
    account = owner.account
    url = f"/admin/workspaces/account/{account.pk}/change/"
    form = {"name": account.name, "uid": account.uid, "alias": account.alias, "workspaces-TOTAL_FORMS": "0",
            "workspaces-INITIAL_FORMS": "0", "workspaces-MIN_NUM_FORMS": "0", "workspaces-MAX_NUM_FORMS": "1000"}
    refused = admin.post(url, {**form, "outbound_allowed_networks": "10.1.2.0/24\nintranet"})
    assert refused.status_code == 200 and b"&#x27;intranet&#x27; is not a network" in refused.content
    assert admin.post(url, {**form, "outbound_allowed_networks": "10.1.2.0/24\n192.168.7.0/24"}).status_code == 302
    from notifications.channels.outbound import parse_networks

    saved = Account.objects.get(pk=account.pk).outbound_allowed_networks
    assert [str(network) for network in parse_networks(saved)] == ["10.1.2.0/24", "192.168.7.0/24"]


def test_f14_a_refusal_does_not_say_what_a_name_resolves_to(settings, owner_api, activated_workspace, caplog):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    caplog.set_level(logging.WARNING, logger="notifications.channels.outbound")
    attempt = _deliver(activated_workspace, "http://localhost:9/probe")
    shown = owner_api.get(f"/api/v1/workspaces/{activated_workspace.pk}/deliveries/{attempt.delivery_id}/").content
    for text in (attempt.error, attempt.delivery.last_error, shown.decode()):
        assert "address not allowed" in text
        assert "127.0.0.1" not in text and "::1" not in text and "resolves" not in text
    assert any("'localhost' resolves to" in record.getMessage() for record in caplog.records)  # the log has it
