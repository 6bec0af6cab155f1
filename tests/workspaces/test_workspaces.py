"""Accounts, sub-users, workspaces and API tokens: services, API, console pages, admin, demo loader."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.conftest import PASSWORD, api_client_for
from workspaces.iam.permissions import AccessDenied
from workspaces.iam.services.users import api_token_issue, api_token_revoke, subuser_create
from workspaces.models import Account, AuditLogEntry, EventBus, Policy, User, Workspace
from workspaces.tenancy.services.accounts import account_create
from workspaces.tenancy.services.eventbridge import eventbridge_activate
from workspaces.tenancy.services.workspaces import NAME_RULE, workspace_create


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 takes ~0.4 s a hash here; these tests create users by the dozen."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- accounts and users


def test_creating_an_account_makes_its_owner_and_a_random_16_digit_uid(db):
    account = account_create(name="initech", owner_username="peter", owner_password=PASSWORD)
    owner = User.objects.get(username="peter")
    assert re.fullmatch(r"[1-9]\d{15}", account.uid)
    assert owner.account == account and owner.is_account_owner and owner.check_password(PASSWORD)
    assert AuditLogEntry.objects.filter(account=account, action="account.create").exists()


def test_two_accounts_get_different_uids(db):
    first = account_create(name="one", owner_username="one", owner_password=PASSWORD)
    second = account_create(name="two", owner_username="two", owner_password=PASSWORD)
    assert first.uid != second.uid


def test_an_account_name_or_username_already_taken_is_refused(owner):
    with pytest.raises(ValidationError) as taken:
        account_create(name="acme", owner_username="someone", owner_password=PASSWORD)
    assert "acme already exists" in str(taken.value)
    with pytest.raises(ValidationError) as user_taken:
        account_create(name="newco", owner_username="alice", owner_password=PASSWORD)
    assert "alice already exists" in str(user_taken.value.message_dict["username"])
    assert not Account.objects.filter(name="newco").exists()


def test_the_owner_creates_a_sub_user_with_policies(account, owner):
    policy = Policy.objects.create(account=account, name="ReadOnly", document={"Version": "1", "Statement": []})
    user = subuser_create(actor=owner, account=account, username="dave", password=PASSWORD, policies=[policy])
    assert user.account == account and not user.is_account_owner
    assert list(user.policies.all()) == [policy]
    assert AuditLogEntry.objects.filter(action="user.create", object_repr="dave").exists()


def test_a_sub_user_without_ram_create_user_cannot_create_users(account, subuser):
    with pytest.raises(AccessDenied) as refused:
        subuser_create(actor=subuser, account=account, username="eve", password=PASSWORD)
    assert "ram:CreateUser" in str(refused.value)
    assert not User.objects.filter(username="eve").exists()


def test_a_policy_of_another_account_cannot_be_attached(account, owner, other_account):
    foreign = Policy.objects.create(account=other_account, name="Theirs", document={"Statement": []})
    with pytest.raises(ValidationError) as refused:
        subuser_create(actor=owner, account=account, username="dave", password=PASSWORD, policies=[foreign])
    assert "another account" in str(refused.value)


# --- workspace names


@pytest.mark.parametrize("name, problem", [
    ("ab", "too short"),
    ("", "required"),
    ("a" * 24, "too long"),
    ("1abc", "does not start with a letter"),
    ("_abc", "does not start with a letter"),
    ("ab-c", "characters other than"),
    ("ab c", "characters other than"),
    ("abc\u00e9", "characters other than"),
])
def test_a_bad_workspace_name_is_refused_with_the_rule(account, owner, name, problem):
    with pytest.raises(ValidationError) as refused:
        workspace_create(actor=owner, account=account, name=name)
    message = refused.value.message_dict["name"][0]
    assert problem in message and NAME_RULE in message
    assert NAME_RULE == "Use letters, digits and underscores, starting with a letter, 3 to 23 characters."
    assert not Workspace.objects.exists()


@pytest.mark.parametrize("name", ["abc", "A" * 23, "llm_training", "x1_"])
def test_names_of_3_to_23_letters_digits_and_underscores_are_accepted(account, owner, name):
    assert workspace_create(actor=owner, account=account, name=name).name == name


def test_a_workspace_name_is_unique_within_the_account_only(account, owner, outsider):
    workspace_create(actor=owner, account=account, name="shared")
    with pytest.raises(ValidationError) as refused:
        workspace_create(actor=owner, account=account, name="shared")
    assert "already exists in this account" in refused.value.message_dict["name"][0]
    assert workspace_create(actor=outsider, account=outsider.account, name="shared").account == outsider.account


def test_creating_a_workspace_is_audited_and_makes_no_bus_before_activation(account, owner):
    workspace = workspace_create(actor=owner, account=account, name="vision_lab", description="CV")
    assert not EventBus.objects.filter(workspace=workspace).exists()
    entry = AuditLogEntry.objects.get(action="workspace.create")
    assert entry.actor == owner and entry.changes == {"name": [None, "vision_lab"]}


def test_a_workspace_created_after_activation_gets_its_bus(account, owner):
    eventbridge_activate(actor=owner, account=account)
    workspace = workspace_create(actor=owner, account=account, name="late_one")
    assert workspace.event_bus.name == "pai-system-late_one"


def test_a_sub_user_without_pai_create_workspace_is_refused(account, seed_subuser):
    with pytest.raises(AccessDenied) as refused:
        workspace_create(actor=seed_subuser, account=account, name="nope_ws")
    assert "pai:CreateWorkspace" in str(refused.value)


# --- API


def test_the_api_lists_only_the_callers_workspaces(owner_api, workspace, outsider):
    Workspace.objects.create(account=outsider.account, name="theirs")
    body = owner_api.get("/api/v1/workspaces/").json()
    assert [w["name"] for w in body["results"]] == ["ws_demo"]
    assert body["results"][0]["event_bus"] is None


def test_the_api_creates_a_workspace(owner_api, owner):
    response = owner_api.post("/api/v1/workspaces/", {"name": "llm_training", "description": "LLMs"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "llm_training" and response.json()["created_by"] == "alice"
    assert Workspace.objects.filter(account=owner.account, name="llm_training").exists()


def test_the_api_refuses_a_bad_name_in_the_error_envelope(owner_api):
    response = owner_api.post("/api/v1/workspaces/", {"name": "9lives"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"].startswith("name: ") and NAME_RULE in error["message"]
    assert NAME_RULE in error["fields"]["name"][0]


def test_the_api_refuses_a_missing_name(owner_api):
    response = owner_api.post("/api/v1/workspaces/", {}, format="json")
    assert response.status_code == 400 and "name" in response.json()["error"]["fields"]


def test_a_taken_name_is_409_over_the_api(owner_api, workspace):
    response = owner_api.post("/api/v1/workspaces/", {"name": "ws_demo"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == {"code": "conflict",
                                         "message": "A workspace named ws_demo already exists in this account."}


def test_a_malformed_workspace_id_is_a_json_404(owner_api, workspace):
    response = owner_api.get("/api/v1/workspaces/null,null/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_another_accounts_workspace_is_404_over_the_api(outsider_api, workspace):
    response = outsider_api.get(f"/api/v1/workspaces/{workspace.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_api_reads_a_workspace_of_the_account(owner_api, activated_workspace):
    body = owner_api.get(f"/api/v1/workspaces/{activated_workspace.pk}/").json()
    assert body["name"] == "ws_demo" and body["event_bus"] == "pai-system-ws_demo"


def test_no_token_is_401_in_the_error_envelope(db):
    response = api_client_for(None).get("/api/v1/workspaces/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_revoked_token_is_401(owner, workspace):
    client = api_client_for(owner)
    assert client.get("/api/v1/workspaces/").status_code == 200
    api_token_revoke(user=owner)
    assert client.get("/api/v1/workspaces/").status_code == 401


def test_a_token_is_obtained_with_username_and_password(owner):
    client = api_client_for(None)
    response = client.post("/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=owner).key
    wrong = client.post("/api/v1/auth/token/", {"username": "alice", "password": "nope"}, format="json")
    assert wrong.status_code == 401 and wrong.json()["error"]["message"] == "Wrong username or password."


def test_an_operator_without_account_cannot_create_workspaces_over_the_api(db):
    operator = User.objects.create_user(username="op", password=PASSWORD, is_staff=True)
    response = api_client_for(operator).post("/api/v1/workspaces/", {"name": "abc"}, format="json")
    assert response.status_code == 403 and "no account" in response.json()["error"]["message"]


def test_the_openapi_schema_documents_the_foundation_endpoints(owner_client):
    response = owner_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/workspaces/", "/api/v1/workspaces/{workspace_id}/", "/api/v1/eventbridge/",
                 "/api/v1/service-linked-role/", "/api/v1/event-buses/", "/api/v1/auth/token/"):
        assert path in paths
    assert "401" in paths["/api/v1/workspaces/"]["get"]["responses"]


# --- console pages


def test_signing_in_leads_to_the_workspace_list(client, owner, workspace):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("workspace-list")
    assert b"ws_demo" in response.content


def test_the_console_asks_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("workspace-list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_signing_out_takes_a_post(owner_client):
    response = owner_client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert owner_client.get(reverse("workspace-list")).status_code == 302


def test_creating_a_workspace_in_the_console_redirects_to_the_list(owner_client, owner):
    response = owner_client.post(reverse("workspace-list"), {"name": "vision_lab"}, follow=True)
    assert b"Workspace vision_lab created." in response.content
    assert Workspace.objects.filter(account=owner.account, name="vision_lab").exists()


def test_creating_a_workspace_with_htmx_re_renders_the_panel(owner_client):
    response = owner_client.post(reverse("workspace-list"), {"name": "vision_lab"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<div id="workspace-panel">') and "<html" not in text
    assert "vision_lab" in text and "created." in text


def test_a_bad_name_in_the_console_shows_the_rule_under_the_field(owner_client):
    response = owner_client.post(reverse("workspace-list"), {"name": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert re.search(r'data-testid="name-error">[^<]*too short[^<]*3 to 23 characters', response.content.decode())
    plain = owner_client.post(reverse("workspace-list"), {"name": "x"})
    assert plain.status_code == 400 and b"too short" in plain.content


def test_workspace_details_has_overview_and_configuration_tabs(owner_client, workspace):
    text = owner_client.get(reverse("workspace-detail", kwargs={"workspace_id": workspace.pk})).content.decode()
    assert ">Overview</a>" in text and ">Configuration</a>" in text
    assert reverse("workspace-event-notifications", kwargs={"workspace_id": workspace.pk}) in text


def test_another_accounts_workspace_page_is_404(client, outsider, workspace):
    client.force_login(outsider)
    assert client.get(reverse("workspace-detail", kwargs={"workspace_id": workspace.pk})).status_code == 404


# --- API tokens page


def test_the_token_page_shows_a_new_key_once(owner_client, owner):
    created = owner_client.post(reverse("token-page"), {"action": "create"}).content.decode()
    key = Token.objects.get(user=owner).key
    assert key in created
    later = owner_client.get(reverse("token-page")).content.decode()
    assert key not in later and key[-4:] in later


def test_rotating_the_token_retires_the_old_key(owner_client, owner):
    old = api_token_issue(user=owner).key
    response = owner_client.post(reverse("token-page"), {"action": "rotate"}, HTTP_HX_REQUEST="true")
    new = Token.objects.get(user=owner).key
    assert new != old and new in response.content.decode()
    assert api_client_for(None).get("/api/v1/workspaces/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    assert AuditLogEntry.objects.filter(action="token.rotate").exists()


def test_revoking_the_token_on_the_page_deletes_it(owner_client, owner):
    api_token_issue(user=owner)
    response = owner_client.post(reverse("token-page"), {"action": "revoke"})
    assert b"revoked" in response.content and not Token.objects.filter(user=owner).exists()


# --- Django admin


@pytest.mark.parametrize("model", ["account", "user", "workspace", "eventbus", "servicelinkedrole"])
def test_operators_search_and_filter_every_foundation_model_in_admin(client, activated_workspace, model):
    client.force_login(User.objects.create_superuser(username="root", password=PASSWORD))
    response = client.get(f"/admin/workspaces/{model}/?q=acme")
    assert response.status_code == 200
    assert b'id="changelist-filter"' in response.content


def test_admin_never_lists_api_keys_in_clear(client, owner):
    key = api_token_issue(user=owner).key
    client.force_login(User.objects.create_superuser(username="root", password=PASSWORD))
    response = client.get("/admin/authtoken/tokenproxy/")
    assert response.status_code == 200 and key not in response.content.decode()


def test_the_admin_action_activates_eventbridge(client, workspace):
    client.force_login(User.objects.create_superuser(username="root", password=PASSWORD))
    client.post("/admin/workspaces/account/",
                {"action": "activate_eventbridge", "_selected_action": [workspace.account_id]})
    assert EventBus.objects.filter(workspace=workspace, name="pai-system-ws_demo").exists()


# --- demo data


def test_load_demo_prints_the_logins_and_is_idempotent(db, capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    assert Account.objects.count() == 1
    assert sorted(Workspace.objects.values_list("name", flat=True)) == ["llm_training", "vision_lab"]
    owner = User.objects.get(is_account_owner=True)
    sub = User.objects.get(account__isnull=False, is_account_owner=False)
    assert owner.username in first and sub.username in first and "password" in first.lower()
    documents = {policy.name: policy.document for policy in sub.policies.all()}
    assert documents["PAIEventNotificationAccess"]["Statement"][0]["Resource"] == "acs:eventbridge:*:*:eventbus/*"
    assert "pai:ListWorkspaces" in documents["PAIWorkspaceReadOnly"]["Statement"][0]["Action"]
