"""EventBridge activation and Grant Access: the services, the API flow with a token, the console tab."""

import pytest
from django.urls import reverse

from tests.conftest import api_client_for
from workspaces.iam.permissions import AccessDenied
from workspaces.models import AuditLogEntry, EventBus, ServiceLinkedRole, Workspace
from workspaces.tenancy.selectors import eventbridge_status_get
from workspaces.tenancy.services.eventbridge import eventbridge_activate, service_role_grant
from workspaces.tenancy.services.workspaces import workspace_create

SERVICE_NOT_ENABLE = ("This error indicates that the EventBridge service has not been activated. "
                      "You must first activate EventBridge.")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def two_workspaces(account, owner):
    return [workspace_create(actor=owner, account=account, name=name) for name in ("llm_training", "vision_lab")]


def tab_url(workspace) -> str:
    return reverse("workspace-event-notifications", kwargs={"workspace_id": workspace.pk})


# --- services


def test_activation_creates_a_pai_system_bus_for_every_workspace(account, owner, two_workspaces):
    result = eventbridge_activate(actor=owner, account=account)
    assert result.activated_now
    assert sorted(bus.name for bus in result.buses_created) == ["pai-system-llm_training", "pai-system-vision_lab"]
    account.refresh_from_db()
    assert account.eventbridge_active
    bus = EventBus.objects.get(workspace=two_workspaces[0])
    assert bus.arn == f"acs:eventbridge:cn-shanghai:{account.uid}:eventbus/pai-system-llm_training"


def test_activating_twice_changes_nothing(account, owner, two_workspaces):
    first = eventbridge_activate(actor=owner, account=account)
    activated_at = first.account.eventbridge_activated_at
    again = eventbridge_activate(actor=owner, account=account)
    assert not again.activated_now and again.buses_created == []
    assert again.account.eventbridge_activated_at == activated_at
    assert EventBus.objects.count() == 2
    assert AuditLogEntry.objects.filter(action="eventbridge.activate").count() == 1


def test_activating_again_restores_a_missing_bus(account, owner, two_workspaces):
    eventbridge_activate(actor=owner, account=account)
    EventBus.objects.filter(workspace=two_workspaces[1]).delete()
    again = eventbridge_activate(actor=owner, account=account)
    assert [bus.name for bus in again.buses_created] == ["pai-system-vision_lab"]


def test_activation_is_per_account(account, owner, two_workspaces, outsider):
    theirs = Workspace.objects.create(account=outsider.account, name="theirs")
    eventbridge_activate(actor=owner, account=account)
    assert not EventBus.objects.filter(workspace=theirs).exists()
    assert not eventbridge_status_get(account=outsider.account).activated


def test_granting_access_creates_the_role_once(account, owner):
    first = service_role_grant(actor=owner, account=account)
    again = service_role_grant(actor=owner, account=account)
    assert first.created and not again.created
    assert ServiceLinkedRole.objects.get(account=account).name == "AliyunServiceRoleForPAIWorkspace"
    assert first.role.arn == f"acs:ram::{account.uid}:role/aliyunserviceroleforpaiworkspace"
    assert AuditLogEntry.objects.filter(action="service_role.create").count() == 1


def test_the_status_walks_activate_grant_ready(account, owner, workspace):
    assert eventbridge_status_get(account=account).step == "activate"
    eventbridge_activate(actor=owner, account=account)
    account.refresh_from_db()
    assert eventbridge_status_get(account=account).step == "grant"
    service_role_grant(actor=owner, account=account)
    status = eventbridge_status_get(account=account)
    assert status.step == "ready" and status.event_bus_count == 1


def test_the_seed_policy_activates_but_cannot_grant_access(account, seed_subuser, workspace):
    assert eventbridge_activate(actor=seed_subuser, account=account).activated_now
    with pytest.raises(AccessDenied) as refused:
        service_role_grant(actor=seed_subuser, account=account)
    assert str(refused.value) == (f"You are not authorized to perform ram:CreateServiceLinkedRole on "
                                  f"acs:ram::{account.uid}:role/aliyunserviceroleforpaiworkspace.")


def test_a_sub_user_without_policy_cannot_activate(account, subuser, workspace):
    with pytest.raises(AccessDenied) as refused:
        eventbridge_activate(actor=subuser, account=account)
    assert "eventbridge:CreateEventBus" in str(refused.value)
    account.refresh_from_db()
    assert not account.eventbridge_active and not EventBus.objects.exists()


# --- API, with a token


def test_the_api_flow_from_service_not_enable_to_ready(owner_api, account, two_workspaces):
    status = owner_api.get("/api/v1/eventbridge/").json()
    assert status == {"activated": False, "activated_at": None, "event_bus_count": 0,
                      "service_linked_role_granted": False, "step": "activate"}

    activated = owner_api.post("/api/v1/eventbridge/")
    assert activated.status_code == 200
    body = activated.json()
    assert body["activated"] and body["activated_now"] and body["step"] == "grant"
    assert sorted(body["event_buses_created"]) == ["pai-system-llm_training", "pai-system-vision_lab"]

    again = owner_api.post("/api/v1/eventbridge/activate/").json()
    assert not again["activated_now"] and again["event_buses_created"] == [] and again["event_bus_count"] == 2

    role = owner_api.get("/api/v1/service-linked-role/").json()
    assert role == {"name": "AliyunServiceRoleForPAIWorkspace", "granted": False, "arn": None, "created_at": None}
    granted = owner_api.post("/api/v1/service-linked-role/").json()
    assert granted["granted"] and granted["created_now"]
    assert granted["arn"].endswith("/aliyunserviceroleforpaiworkspace")
    assert owner_api.post("/api/v1/service-linked-role/").json()["created_now"] is False

    assert owner_api.get("/api/v1/eventbridge/").json()["step"] == "ready"
    buses = owner_api.get("/api/v1/event-buses/").json()["results"]
    assert [(b["name"], b["workspace_name"]) for b in buses] == [
        ("pai-system-llm_training", "llm_training"), ("pai-system-vision_lab", "vision_lab")]


def test_a_workspace_created_over_the_api_after_activation_has_its_bus(owner_api, account, owner):
    eventbridge_activate(actor=owner, account=account)
    created = owner_api.post("/api/v1/workspaces/", {"name": "new_one"}, format="json").json()
    assert created["event_bus"] == "pai-system-new_one"


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/eventbridge/"), ("post", "/api/v1/eventbridge/"), ("post", "/api/v1/eventbridge/activate/"),
    ("get", "/api/v1/service-linked-role/"), ("post", "/api/v1/service-linked-role/"),
    ("get", "/api/v1/event-buses/"), ("get", "/api/v1/workspaces/"), ("post", "/api/v1/workspaces/"),
])
def test_every_endpoint_answers_401_without_a_token(db, method, path):
    response = getattr(api_client_for(None), method)(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_refusal_over_the_api_names_the_action_in_the_envelope(seed_subuser, account):
    response = api_client_for(seed_subuser).post("/api/v1/service-linked-role/")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "access_denied" and "ram:CreateServiceLinkedRole" in error["message"]
    assert not ServiceLinkedRole.objects.exists()


def test_listing_buses_needs_list_event_buses(subuser, seed_subuser, activated_workspace):
    assert api_client_for(subuser).get("/api/v1/event-buses/").status_code == 403
    assert api_client_for(seed_subuser).get("/api/v1/event-buses/").json()["count"] == 1


def test_an_outsider_sees_only_their_own_account(outsider_api, activated_workspace):
    assert outsider_api.get("/api/v1/eventbridge/").json()["activated"] is False
    assert outsider_api.get("/api/v1/event-buses/").json()["count"] == 0
    assert outsider_api.get(f"/api/v1/workspaces/{activated_workspace.pk}/").status_code == 404


# --- the console tab


def test_the_tab_shows_service_not_enable_with_activate_for_free(owner_client, workspace):
    text = owner_client.get(tab_url(workspace)).content.decode()
    assert "ServiceNotEnable" in text and SERVICE_NOT_ENABLE in text and "Activate for Free" in text
    assert "Grant Access</button>" not in text and "create-notice-rule" not in text
    # One breadcrumb style: Workspaces > workspace > Configuration > Event Notification Configuration.
    crumbs = '>ws_demo</a></li><li>Configuration</li><li aria-current="page">Event Notification Configuration</li>'
    assert crumbs in text


def test_activate_without_javascript_redirects_back_to_the_tab(owner_client, workspace):
    response = owner_client.post(reverse("eventbridge-activate", kwargs={"workspace_id": workspace.pk}))
    assert response.status_code == 302 and response["Location"] == tab_url(workspace)
    text = owner_client.get(tab_url(workspace)).content.decode()
    assert "ServiceNotEnable" not in text and "Grant Access" in text and "pai-system-ws_demo" in text


def test_grant_access_with_htmx_re_renders_the_setup_partial(owner_client, account, owner, workspace):
    eventbridge_activate(actor=owner, account=account)
    response = owner_client.post(reverse("service-role-grant", kwargs={"workspace_id": workspace.pk}),
                                 HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200 and "<html" not in text
    assert text.lstrip().startswith('<section id="event-notification-setup" data-step="ready"')
    assert "Create Notice Rule" in text and "AliyunServiceRoleForPAIWorkspace was created" in text


def test_a_refused_grant_shows_the_missing_action_on_the_tab(client, seed_subuser, account, workspace):
    eventbridge_activate(actor=seed_subuser, account=account)
    client.force_login(seed_subuser)
    page = client.get(tab_url(workspace)).content.decode()
    assert 'data-testid="grant-access" disabled' in page
    response = client.post(reverse("service-role-grant", kwargs={"workspace_id": workspace.pk}))
    assert response.status_code == 403
    assert "You are not authorized to perform ram:CreateServiceLinkedRole" in response.content.decode()
    assert AuditLogEntry.objects.filter(action="access.denied").exists()


def test_the_tab_lists_the_accounts_event_buses(owner_client, account, owner, two_workspaces):
    eventbridge_activate(actor=owner, account=account)
    text = owner_client.get(tab_url(two_workspaces[0])).content.decode()
    assert "Event buses of this account (2)" in text
    assert "pai-system-llm_training" in text and "pai-system-vision_lab" in text


def test_an_outsider_cannot_activate_through_another_accounts_workspace(client, outsider, workspace):
    client.force_login(outsider)
    response = client.post(reverse("eventbridge-activate", kwargs={"workspace_id": workspace.pk}))
    assert response.status_code == 404
    workspace.account.refresh_from_db()
    assert not workspace.account.eventbridge_active
