"""Issue 13, F4, F9 and F10: checks that were written twice disagreed. Each test replays the red
team's request (reviews/security.md, attempts 13 to 15) and fails on 457c939.

- F4: the API's CreateUser was checked on `acs:ram:<region>:<uid>:user/<name>` (the console's and
  every other RAM check on `acs:ram::<uid>:user/<name>`), so a Deny written like every RAM ARN did
  not stop the API.
- F9: CreateRule was checked on the bus only, UpdateRule on the rule's old name: a rule-level Deny
  did not stop creating or renaming a rule into the denied names.
- F10: ListRules showed the targets (an HTTP URL with its token) of a rule whose GetRule and
  ListTargets were denied.
"""

import pytest
from django.test import Client

from tests.conftest import PASSWORD, api_client_for
from workspaces.models import Policy, User

HTTP_SECRET = "HTTPQUERYSECRET123"
DINGTALK_WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef"
SIGNING_KEY = "SEC0123456789abcdef0123456789abcdef0123456789abcdef"


def _subuser_with(account, name, statements):
    user = User.objects.create_user(username=name, password=PASSWORD, account=account, is_account_owner=False)
    policy = Policy.objects.create(account=account, name=f"{name}-policy",
                                   document={"Version": "1", "Statement": statements})
    user.policies.add(policy)
    return user


# --- F4 ----------------------------------------------------------------------------------------
def test_f4_api_create_user_obeys_a_deny_on_the_regionless_user_arn(account, owner):
    user = _subuser_with(account, "ramnonew", [
        {"Effect": "Allow", "Action": "ram:*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["ram:CreateUser"], "Resource": f"acs:ram::{account.uid}:user/*"},
    ])
    answer = api_client_for(user).post("/api/v1/users/", {"username": "sneaky-user", "password": "Unguessable-77x"},
                                       format="json")
    assert answer.status_code == 403, answer.content
    assert answer.json()["error"]["resource"] == f"acs:ram::{account.uid}:user/sneaky-user"
    assert not User.objects.filter(username="sneaky-user").exists()


def test_f4_a_least_privilege_allow_on_the_regionless_user_arn_lets_the_api_create_users(account, owner):
    user = _subuser_with(account, "ramcreator", [
        {"Effect": "Allow", "Action": "ram:CreateUser", "Resource": f"acs:ram::{account.uid}:user/*"},
    ])
    answer = api_client_for(user).post("/api/v1/users/", {"username": "new-hire", "password": "Unguessable-77x"},
                                       format="json")
    assert answer.status_code == 201, answer.content
    assert User.objects.filter(account=account, username="new-hire").exists()


# --- F9 ----------------------------------------------------------------------------------------
@pytest.fixture
def prod_denied(account, activated_workspace):
    return _subuser_with(account, "scoped", [
        {"Effect": "Allow", "Action": "eventbridge:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "eventbridge:*",
         "Resource": f"acs:eventbridge:*:*:eventbus/pai-system-{activated_workspace.name}/rule/prod-*"},
    ])


def _rule_body(name):
    return {"name": name, "source": "dlc_job", "event_types": ["paidlc:Job:Succeeded"],
            "targets": [{"method": "dingtalk", "config": {"webhook": DINGTALK_WEBHOOK, "signing_secret": SIGNING_KEY}}]}


def _event_type(source):
    from notifications.catalog import get_source

    return get_source(source).event_types[0].key


def test_f9_creating_a_rule_with_a_denied_name_is_refused(activated_workspace, prod_denied):
    from notifications.models import Rule

    body = {**_rule_body("prod-created-by-scoped"), "event_types": [_event_type("dlc_job")]}
    api = api_client_for(prod_denied)
    answer = api.post(f"/api/v1/workspaces/{activated_workspace.pk}/rules/", body, format="json")
    assert answer.status_code == 403, answer.content
    assert answer.json()["error"]["resource"].endswith("/rule/prod-created-by-scoped")
    assert not Rule.objects.filter(name="prod-created-by-scoped").exists()
    # An allowed name still passes (the check is on the name, not on creating as such).
    allowed = api.post(f"/api/v1/workspaces/{activated_workspace.pk}/rules/",
                       {**body, "name": "dev-created-by-scoped"}, format="json")
    assert allowed.status_code == 201, allowed.content


def test_f9_renaming_a_rule_into_a_denied_name_is_refused(activated_workspace, prod_denied):
    from notifications.models import Rule

    api = api_client_for(prod_denied)
    body = {**_rule_body("dev-1"), "event_types": [_event_type("dlc_job")]}
    created = api.post(f"/api/v1/workspaces/{activated_workspace.pk}/rules/", body, format="json")
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    answer = api.put(f"/api/v1/workspaces/{activated_workspace.pk}/rules/{rule_id}/",
                     {**body, "name": "prod-renamed"}, format="json")
    assert answer.status_code == 403, answer.content
    assert answer.json()["error"]["resource"].endswith("/rule/prod-renamed")
    assert Rule.objects.get(pk=rule_id).name == "dev-1"


def test_f9_the_service_refuses_a_rename_into_a_denied_name(activated_workspace, prod_denied):
    from notifications.services.rules import rule_create, rule_update
    from workspaces.iam.permissions import AccessDenied

    target = {"method": "dingtalk", "values": {"webhook": DINGTALK_WEBHOOK, "signing_secret": SIGNING_KEY}}
    rule = rule_create(actor=prod_denied, workspace=activated_workspace, name="dev-2", source="dlc_job",
                       event_types=[_event_type("dlc_job")], targets=[target])
    with pytest.raises(AccessDenied) as refused:
        rule_update(actor=prod_denied, rule=rule, name="prod-2", source="dlc_job",
                    event_types=[_event_type("dlc_job")], targets=[target])
    assert refused.value.resource.endswith("/rule/prod-2")


# --- F10 ---------------------------------------------------------------------------------------
def test_f10_the_rule_list_hides_the_targets_that_get_rule_and_list_targets_deny(account, owner, activated_workspace):
    from notifications.services.rules import rule_create

    ws = activated_workspace
    http = {"method": "http", "values": {"url": f"https://hooks.example.com/in?token={HTTP_SECRET}"}}
    rule_create(actor=owner, workspace=ws, name="model-http", source="model",
                event_types=[_event_type("model")], targets=[http])
    rule_create(actor=owner, workspace=ws, name="visible-http", source="model",
                event_types=[_event_type("model")],
                targets=[{"method": "http", "values": {"url": "https://hooks.example.com/open"}}])
    rule = f"acs:eventbridge:*:*:eventbus/pai-system-{ws.name}/rule/model-http"
    reader = _subuser_with(account, "reader", [
        {"Effect": "Allow", "Action": "eventbridge:*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["eventbridge:GetRule", "eventbridge:ListTargets"], "Resource": rule},
    ])
    api = api_client_for(reader)
    listed = api.get(f"/api/v1/workspaces/{ws.pk}/rules/")
    assert listed.status_code == 200
    rows = {row["name"]: row for row in listed.json()["results"]}
    assert HTTP_SECRET not in listed.content.decode()
    assert rows.get("model-http", {"targets": []})["targets"] == []
    assert len(rows["visible-http"]["targets"]) == 1  # the others keep theirs

    client = Client()
    client.force_login(reader)
    page = client.get(f"/workspaces/{ws.pk}/rules/", follow=True)
    assert page.status_code == 200
    assert HTTP_SECRET not in page.content.decode()
    assert "hooks.example.com/open" in page.content.decode()
