import pytest
from django.urls import reverse

from notifications.models import Delivery
from notifications.services.delivery import delivery_send
from notifications.services.routing import event_route
from tests.conftest import api_client_for

from .builders import add_target, make_rule, raise_event

SECRET = "SEC" + "5ec7e7" * 8


@pytest.fixture
def dead_delivery(activated_workspace, fake_dingtalk):
    bot = fake_dingtalk.add_bot(secret=SECRET)
    target = add_target(make_rule(activated_workspace), "dingtalk",
                        secrets={"webhook": bot.webhook, "signing_secret": "SECwrongwrong"})
    event = raise_event(activated_workspace, name="<b>job</b>")
    event_route(event_id=event.pk)
    delivery = Delivery.objects.get()
    assert delivery_send(delivery_id=delivery.pk) == "dead"
    delivery.bot, delivery.fixed_target = bot, target
    return delivery


def detail_url(delivery):
    return reverse("event-detail", kwargs={"workspace_id": delivery.event.workspace_id, "event_id": delivery.event_id})


def test_the_event_page_shows_deliveries_attempts_masked_urls_and_the_bots_answer(owner_client, dead_delivery):
    page = owner_client.get(detail_url(dead_delivery) + "?tab=deliveries").content.decode()  # the records' tab
    assert 'data-testid="delivery-row"' in page and "Dead" in page
    assert "310000" in page and "sign not match" in page
    assert dead_delivery.bot.token not in page and "SECwrongwrong" not in page
    assert "access_token=••••••" in page
    assert 'data-testid="redeliver"' in page


def test_redeliver_from_the_page_with_htmx_rerenders_the_section(owner_client, dead_delivery,
                                                                django_capture_on_commit_callbacks):
    url = reverse("delivery-redeliver", kwargs={"workspace_id": dead_delivery.event.workspace_id,
                                                "delivery_id": dead_delivery.pk})
    with django_capture_on_commit_callbacks():
        response = owner_client.post(url, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and 'id="event-deliveries"' in body and "Redelivery" in body
    assert "<html" not in body
    assert Delivery.objects.get().status == "pending"


def test_redeliver_without_htmx_redirects_back_to_the_event(owner_client, dead_delivery,
                                                           django_capture_on_commit_callbacks):
    url = reverse("delivery-redeliver", kwargs={"workspace_id": dead_delivery.event.workspace_id,
                                                "delivery_id": dead_delivery.pk})
    with django_capture_on_commit_callbacks():
        response = owner_client.post(url)
    assert response.status_code == 302 and response.url == detail_url(dead_delivery) + "?tab=deliveries"


def test_another_accounts_delivery_is_not_found(client, outsider, dead_delivery):
    client.force_login(outsider)
    url = reverse("delivery-redeliver", kwargs={"workspace_id": dead_delivery.event.workspace_id,
                                                "delivery_id": dead_delivery.pk})
    assert client.post(url).status_code == 404
    assert outsider_api_get(outsider, dead_delivery).status_code == 404


def outsider_api_get(user, delivery):
    return api_client_for(user).get(f"/api/v1/workspaces/{delivery.event.workspace_id}/deliveries/{delivery.pk}/")


def test_the_api_lists_deliveries_filtered_by_event_and_status(owner_api, dead_delivery):
    base = f"/api/v1/workspaces/{dead_delivery.event.workspace_id}/deliveries/"
    listed = owner_api.get(base, {"event": dead_delivery.event_id, "status": "dead"}).json()
    assert [d["id"] for d in listed["results"]] == [dead_delivery.pk]
    assert listed["results"][0]["cloudevent_id"] == dead_delivery.event.event_id
    assert owner_api.get(base, {"status": "succeeded"}).json()["results"] == []
    bad = owner_api.get(base, {"status": "lost"})
    assert bad.status_code == 400 and bad.json()["error"]["fields"]["status"]


def test_the_api_shows_one_delivery_with_its_attempts(owner_api, dead_delivery):
    data = owner_api.get(f"/api/v1/workspaces/{dead_delivery.event.workspace_id}/deliveries/{dead_delivery.pk}/").json()
    [attempt] = data["attempts"]
    assert (attempt["provider_code"], attempt["permanent"], attempt["http_status"]) == ("310000", True, 200)
    assert dead_delivery.bot.token not in str(data)


def test_the_api_redelivers_a_dead_delivery_and_refuses_a_pending_one(owner_api, dead_delivery,
                                                                     django_capture_on_commit_callbacks):
    url = f"/api/v1/workspaces/{dead_delivery.event.workspace_id}/deliveries/{dead_delivery.pk}/redeliver/"
    with django_capture_on_commit_callbacks():
        response = owner_api.post(url)
    assert response.status_code == 202 and response.json()["status"] == "pending"
    again = owner_api.post(url)
    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "conflict", "current": "pending", "allowed": ["dead", "retrying"],
        "message": "Only a delivery whose status is dead or retrying can be redelivered; this one's status is pending."}


def test_a_sub_user_without_put_events_is_refused_redeliver(subuser, dead_delivery):
    from workspaces.models import Policy

    policy = Policy.objects.create(account=subuser.account, name="read-events", document={
        "Statement": [{"Effect": "Allow", "Action": ["eventbridge:QueryEvent"], "Resource": "*"}], "Version": "1"})
    subuser.policies.add(policy)
    url = f"/api/v1/workspaces/{dead_delivery.event.workspace_id}/deliveries/{dead_delivery.pk}/redeliver/"
    response = api_client_for(subuser).post(url)
    assert response.status_code == 403 and response.json()["error"]["action"] == "eventbridge:PutEvents"


def test_the_admin_lists_deliveries_with_attempts_and_redelivers(admin_client, dead_delivery,
                                                                django_capture_on_commit_callbacks):
    change = admin_client.get(reverse("admin:notifications_delivery_change", args=[dead_delivery.pk]))
    assert change.status_code == 200 and "310000" in change.content.decode()
    assert admin_client.get(reverse("admin:notifications_delivery_changelist"), {"status__exact": "dead"}).status_code \
        == 200
    with django_capture_on_commit_callbacks():
        admin_client.post(reverse("admin:notifications_delivery_changelist"),
                          {"action": "redeliver", "_selected_action": [dead_delivery.pk]})
    assert Delivery.objects.get().status == "pending"


def test_an_event_counts_its_deliveries_and_one_call_follows_it_to_its_attempts(owner_api, dead_delivery):
    workspace_id = dead_delivery.event.workspace_id
    events = owner_api.get(f"/api/v1/workspaces/{workspace_id}/events/").json()["results"]
    [event] = [row for row in events if row["id"] == dead_delivery.event_id]
    assert event["cloudevent_id"] == dead_delivery.event.event_id and "event_id" not in event
    assert event["deliveries"] == {"total": 1, "pending": 0, "retrying": 0, "succeeded": 0, "dead": 1,
                                   "skipped": 0}
    detail = owner_api.get(f"/api/v1/workspaces/{workspace_id}/events/{event['id']}/").json()
    assert detail["deliveries"] == event["deliveries"]

    base = f"/api/v1/workspaces/{workspace_id}/deliveries/"
    [plain] = owner_api.get(base, {"event": event["id"]}).json()["results"]
    [expanded] = owner_api.get(base, {"event": event["id"], "expand": "attempts"}).json()["results"]

    assert (plain["event_type"], plain["resource_name"]) == ("pai:DLC:JobFailed", "<b>job</b>")
    assert plain["last_attempt"]["provider_code"] == "310000" and plain["attempts"] is None
    assert [a["number"] for a in expanded["attempts"]] == [1] and expanded["last_attempt"] == plain["last_attempt"]
    refused = owner_api.get(base, {"expand": "everything"})
    assert refused.status_code == 400 and refused.json()["error"]["fields"] == {
        "expand": ["expand takes one value: attempts."]}
