"""Issue 16: one name for a target's signing secret (`signing_secret`), rotated in place by
POST .../targets/<id>/rotate-secret/ and the rules table's button; issue 13's leftover: a reader denied
eventbridge:ListTargets sees no targets on a rule's detail either."""

import importlib

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client

from notifications.models import DeliveryAttempt, Target
from tests.conftest import PASSWORD, api_client_for
from workspaces.models import AuditLogEntry, Policy, User

from .conftest import DINGTALK_WEBHOOK, SIGNING_KEY, dingtalk, wecom

NEW_KEY = "SEC" + "f" * 64


def _rotate(api, target, **body):
    workspace = target.rule.bus.workspace
    return api.post(f"/api/v1/workspaces/{workspace.pk}/targets/{target.pk}/rotate-secret/", body, format="json")


def _subuser(account, name, statements):
    user = User.objects.create_user(username=name, password=PASSWORD, account=account, is_account_owner=False)
    policy = Policy.objects.create(account=account, name=f"{name}-policy",
                                   document={"Version": "1", "Statement": statements})
    user.policies.add(policy)
    return user


def test_an_http_targets_rotated_secret_is_shown_once_and_signs_the_next_delivery(
        owner_api, make_rule, activated_workspace, fake_http_receiver):
    from notifications.services.events import publish
    from notifications.services.routing import event_route
    from workspaces.models import Model

    endpoint = fake_http_receiver.add_endpoint(secret="whsec_" + "A" * 44, endpoint_id="rotated")
    rule = make_rule(source="model", event_types=("pai:ModelManagement:ModelVersionApproved",),
                     targets=[{"method": "http", "values": {"url": endpoint.url}}])
    target = rule.targets.get()
    first = rule.revealed_secrets[target.pk]["signing_secret"]

    refused = _rotate(owner_api, target, signing_secret="whsec_" + "B" * 44)
    answer = _rotate(owner_api, target)

    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"signing_secret": [
        "An HTTP/HTTPS target's signing secret is made by the server: send no signing_secret; the answer shows "
        "the new one once."]}
    assert answer.status_code == 200
    body = answer.json()
    new = body["signing_secret"]
    assert body["id"] == target.pk and new.startswith("whsec_") and new != first
    assert body["config"]["signing_secret"] == "whsec_••••••" + new[-4:]
    target.refresh_from_db()
    assert target.secrets["signing_secret"] == new and target.secrets["url"] == endpoint.url
    entry = AuditLogEntry.objects.get(action="target.rotate_secret")
    assert new not in repr(entry.changes) and new[6:] not in repr(entry.changes)
    # Afterwards masked everywhere: the rule's answer shows no secret, only the masked copy.
    shown = owner_api.get(f"/api/v1/workspaces/{activated_workspace.pk}/rules/{rule.pk}/").content.decode()
    assert new[6:] not in shown and "whsec_••••••" + new[-4:] in shown

    fake_http_receiver.endpoints["rotated"].secret = new  # the receiver switched to the new secret
    model = Model.objects.create(workspace=activated_workspace, name="m-rotated")
    with transaction.atomic():
        event = publish(workspace=activated_workspace, source="model", type_name="ModelVersionApproved",
                        resource_id="1", resource_name="m-rotated 1", old_status="Pending", new_status="Approved",
                        actor=None, model=model)
    event_route(event_id=event.pk)
    attempt = DeliveryAttempt.objects.get(delivery__event=event)
    assert attempt.outcome == "succeeded" and attempt.delivery.target_id == target.pk


def test_a_dingtalk_secret_is_rotated_with_the_bots_new_one_checked_like_at_save(owner_api, make_rule):
    target = make_rule(targets=[dingtalk()]).targets.get()

    short = _rotate(owner_api, target, signing_secret="SECshort")
    blank = _rotate(owner_api, target)
    rotated = _rotate(owner_api, target, signing_secret=NEW_KEY)

    assert short.status_code == 400 and short.json()["error"]["fields"]["signing_secret"] == [
        "Enter the robot's signing key: SEC followed by 8 to 200 letters and digits (11 to 203 characters in all); "
        "this one has 8 characters."]
    assert blank.json()["error"]["fields"]["signing_secret"] == [
        "Enter the new signing key: the bot's own secret, in clear (it is stored encrypted and shown masked)."]
    assert rotated.status_code == 200 and rotated.json()["signing_secret"] is None
    assert NEW_KEY not in rotated.content.decode() and SIGNING_KEY not in rotated.content.decode()
    target.refresh_from_db()
    assert target.secrets == {"webhook": DINGTALK_WEBHOOK, "signing_secret": NEW_KEY}
    assert target.config["signing_secret"] == "••••••" + NEW_KEY[-4:]


def test_a_method_without_a_signing_secret_and_a_caller_without_update_targets_are_refused(
        owner_api, make_rule, account, activated_workspace):
    target = make_rule(targets=[wecom()]).targets.get()
    reader = _subuser(account, "rotator", [
        {"Effect": "Allow", "Action": "eventbridge:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "eventbridge:UpdateTargets", "Resource": "*"}])

    wrong_method = _rotate(owner_api, target, signing_secret=NEW_KEY)
    denied = _rotate(api_client_for(reader), target, signing_secret=NEW_KEY)

    assert wrong_method.status_code == 400 and wrong_method.json()["error"]["fields"] == {"method": [
        "A WeCom notification target has no signing secret; the methods with one are: dingtalk, lark, http."]}
    assert denied.status_code == 403 and "eventbridge:UpdateTargets" in denied.json()["error"]["message"]


def test_the_console_button_shows_an_http_secret_once_and_takes_a_dingtalks_new_one(
        owner_client, make_rule, activated_workspace):
    rule = make_rule(source="model", event_types=("pai:ModelManagement:ModelVersionApproved",),
                     targets=[{"method": "http", "values": {"url": "https://hooks.example.com/pai"}}, dingtalk()])
    http_target, ding_target = rule.targets.order_by("position")
    tab = f"/workspaces/{activated_workspace.pk}/configuration/event-notifications/"
    assert owner_client.get(tab).content.decode().count('data-testid="rotate-secret"') == 2

    answer = owner_client.post(f"/workspaces/{activated_workspace.pk}/targets/{http_target.pk}/rotate-secret/",
                               HTTP_HX_REQUEST="true")
    http_target.refresh_from_db()
    new = http_target.secrets["signing_secret"]
    typed = owner_client.post(f"/workspaces/{activated_workspace.pk}/targets/{ding_target.pk}/rotate-secret/",
                              {"signing_secret": NEW_KEY}, HTTP_HX_REQUEST="true")

    assert answer.status_code == 200 and answer["HX-Retarget"] == "#drawer-host"
    assert f'value="{new}"' in answer.content.decode() and 'data-testid="rules-section"' in answer.content.decode()
    assert new[6:] not in owner_client.get(tab).content.decode()  # once
    assert typed.status_code == 200 and NEW_KEY not in typed.content.decode()
    ding_target.refresh_from_db()
    assert ding_target.secrets["signing_secret"] == NEW_KEY


def test_a_reader_denied_list_targets_sees_a_rule_without_its_targets(account, owner, make_rule, activated_workspace):
    rule = make_rule(targets=[dingtalk()])
    reader = _subuser(account, "nolist", [
        {"Effect": "Allow", "Action": "eventbridge:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "eventbridge:ListTargets", "Resource": "*"}])
    api = api_client_for(reader)

    detail = api.get(f"/api/v1/workspaces/{activated_workspace.pk}/rules/{rule.pk}/").json()
    listed = api.get(f"/api/v1/workspaces/{activated_workspace.pk}/rules/").json()["results"]
    owners = api_client_for(owner).get(f"/api/v1/workspaces/{activated_workspace.pk}/rules/{rule.pk}/").json()
    client = Client()
    client.force_login(reader)
    page = client.get(f"/workspaces/{activated_workspace.pk}/configuration/event-notifications/").content.decode()
    drawer = client.get(f"/workspaces/{activated_workspace.pk}/rules/{rule.pk}/edit/")

    assert detail["targets"] == [] and detail["targets_hidden"] is True
    assert listed[0]["targets"] == [] and listed[0]["targets_hidden"] is True
    assert len(owners["targets"]) == 1 and owners["targets_hidden"] is False
    assert "hidden: you lack <code>eventbridge:ListTargets</code>" in page and "DingTalk" not in page.split(
        'data-testid="rules-table"')[1].split("</table>")[0]
    assert drawer.status_code == 403


@pytest.mark.parametrize("direction", ["forwards", "backwards"])
def test_migration_0014_renames_dingtalks_signing_key_inside_the_encrypted_secrets(make_rule, direction):
    from console.crypto import fernet

    migration = importlib.import_module("notifications.migrations.0014_api16_signing_secret_name")
    target = make_rule(targets=[dingtalk()]).targets.get()
    lark_like = make_rule(name="lark-rule", targets=[wecom()]).targets.get()
    old, new = ("signing_key", "signing_secret") if direction == "forwards" else ("signing_secret", "signing_key")
    Target.objects.filter(pk=target.pk).update(secrets={"webhook": DINGTALK_WEBHOOK, old: SIGNING_KEY},
                                               config={"webhook": "masked", old: "••••••e9f0a1"})
    before = Target.objects.filter(pk=target.pk).values_list("updated_at", flat=True).get()

    run = (migration.signing_key_to_signing_secret if direction == "forwards"
           else migration.signing_secret_to_signing_key)
    run(apps, None)

    target.refresh_from_db()
    assert dict(target.secrets) == {"webhook": DINGTALK_WEBHOOK, new: SIGNING_KEY}
    assert target.config == {"webhook": "masked", new: "••••••e9f0a1"}
    with connection.cursor() as cursor:  # the column as stored, not decrypted
        cursor.execute(f"SELECT secrets FROM {Target._meta.db_table} WHERE id = %s", [target.pk])
        [stored] = cursor.fetchone()
    assert SIGNING_KEY not in stored and new in fernet().decrypt(stored.encode()).decode()  # encrypted again
    assert Target.objects.filter(pk=target.pk).values_list("updated_at", flat=True).get() == before
    assert "signing" not in Target.objects.get(pk=lark_like.pk).secrets  # other methods untouched
