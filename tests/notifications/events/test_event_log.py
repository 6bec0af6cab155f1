"""The event log: console page (newest first, filters, HTMX partial, pages), event detail, and the API."""

import pytest
from django.urls import reverse

from notifications.models import Event
from workspaces.models import ServiceLinkedRole
from workspaces.pai_resources.services.model_registry import (
    model_create,
    model_version_create,
    model_version_set_status,
)


@pytest.fixture
def some_events(activated_workspace, owner, raise_event):
    """A DLC event, then (role removed) a not-published DSW event, then two model events."""
    dlc = raise_event(activated_workspace, type_name="JobFailed")
    ServiceLinkedRole.objects.all().delete()
    from notifications.services.events import publish

    dsw = publish(workspace=activated_workspace, source="dsw_instance", type_name="InstanceFailed", resource_id=3,
                  resource_name="notebook", old_status="Running", new_status="Failed", actor=owner)
    ServiceLinkedRole.objects.create(account=activated_workspace.account, created_by=owner)
    model = model_create(workspace=activated_workspace, name="resnet", actor=owner)
    version = model_version_create(model=model, version_name="1.0", actor=owner)
    model_version_set_status(version=version, approval_status="Approved", actor=owner)
    return {"dlc": dlc, "dsw": dsw, "model": list(Event.objects.filter(source="model").order_by("id"))}


def log_url(workspace, **params):
    url = reverse("event-log", kwargs={"workspace_id": workspace.pk})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def rows(response) -> list[str]:
    return [event.event_id for event in response.context["page"].object_list]


def test_the_event_log_lists_the_workspaces_events_newest_first(owner_client, activated_workspace, some_events):
    response = owner_client.get(log_url(activated_workspace))

    assert response.status_code == 200
    expected = list(Event.objects.order_by("-created_at", "-id").values_list("event_id", flat=True))
    assert rows(response) == expected
    assert rows(response)[-1] == some_events["dlc"].event_id
    html = response.content.decode()
    assert "Model Version Approved for Publishing" in html and "Not published" in html


@pytest.mark.parametrize(("params", "expected_types"), [
    ({"source": "model"},
     {"pai:ModelManagement:ModelVersionApproved", "pai:ModelManagement:ModelVersionStatusChanged"}),
    ({"type": "pai:DLC:JobFailed"}, {"pai:DLC:JobFailed"}),
    ({"status": "not_published"}, {"pai:DSW:InstanceFailed"}),
    ({"source": "model", "type": "pai:ModelManagement:ModelVersionApproved"},
     {"pai:ModelManagement:ModelVersionApproved"}),
])
def test_the_event_log_filters_by_source_type_and_status(owner_client, activated_workspace, some_events, params,
                                                         expected_types):
    response = owner_client.get(log_url(activated_workspace, **params))

    assert {event.type for event in response.context["page"].object_list} == expected_types


def test_a_type_of_another_source_is_dropped_when_the_source_changes(owner_client, activated_workspace, some_events):
    response = owner_client.get(log_url(activated_workspace, source="model", type="pai:DLC:JobFailed"))

    assert response.context["filters"]["type"] == ""
    assert len(rows(response)) == 2
    assert [s.key for s in response.context["type_sources"]] == ["model"]


def test_a_filter_change_over_htmx_re_renders_only_the_log_partial(owner_client, activated_workspace, some_events):
    response = owner_client.get(log_url(activated_workspace, source="dlc_job"), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="event-log"')
    assert "<html" not in html
    assert some_events["dlc"].event_id in html


def test_an_unknown_filter_is_reported_not_crashed(owner_client, activated_workspace, some_events):
    response = owner_client.get(log_url(activated_workspace, source="nope"))

    assert response.status_code == 200
    assert "Unknown event source" in response.content.decode()


def test_the_event_log_is_paginated(owner_client, activated_workspace, raise_event):
    for number in range(27):
        raise_event(activated_workspace, resource_id=number)

    first = owner_client.get(log_url(activated_workspace))
    second = owner_client.get(log_url(activated_workspace, page=2))

    assert len(rows(first)) == 25 and len(rows(second)) == 2
    assert 'href="?page=2"' in first.content.decode()
    filtered = owner_client.get(log_url(activated_workspace, source="dlc_job")).content.decode()
    assert 'href="?source=dlc_job&amp;page=2"' in filtered


def test_the_event_detail_pretty_prints_the_envelope_and_the_not_published_reason(owner_client, activated_workspace,
                                                                                  some_events):
    event = some_events["dsw"]

    url = reverse("event-detail", kwargs={"workspace_id": activated_workspace.pk, "event_id": event.pk})

    # The detail is in tabs: basic information (the default), event body, delivery records.
    html = owner_client.get(url).content.decode()
    assert "The service-linked role AliyunServiceRoleForPAIWorkspace does not exist" in html
    assert "Basic information" in html and "Delivery records (0)" in html
    response = owner_client.get(url + "?tab=body")
    html = response.content.decode()
    assert response.status_code == 200
    assert "    &quot;resourceName&quot;: &quot;notebook&quot;," in html
    assert '  &quot;specversion&quot;: &quot;1.0&quot;' in html
    assert "The service-linked role AliyunServiceRoleForPAIWorkspace does not exist" in html
    html = owner_client.get(url + "?tab=deliveries").content.decode()
    assert "<h2 id=\"deliveries-title\">Delivery records</h2>" in html


def test_another_accounts_event_log_and_event_are_404(client, outsider, activated_workspace, some_events):
    client.force_login(outsider)

    assert client.get(log_url(activated_workspace)).status_code == 404
    detail = reverse("event-detail", kwargs={"workspace_id": activated_workspace.pk,
                                             "event_id": some_events["dlc"].pk})
    assert client.get(detail).status_code == 404


def test_reading_the_event_log_needs_query_event(client, seed_subuser, activated_workspace):
    client.force_login(seed_subuser)  # the seed's policy has no eventbridge:QueryEvent

    assert client.get(log_url(activated_workspace)).status_code == 403


# --- API


def api_list(workspace, **params):
    return reverse("api-event-list", kwargs={"workspace_id": workspace.pk}), params


def test_the_api_lists_events_newest_first_with_filters(owner_api, activated_workspace, some_events):
    url, _ = api_list(activated_workspace)

    everything = owner_api.get(url).json()
    models = owner_api.get(url, {"source": "model"}).json()
    not_published = owner_api.get(url, {"status": "not_published"}).json()

    assert everything["count"] == 4
    assert everything["results"][-1]["cloudevent_id"] == some_events["dlc"].event_id
    assert {r["type_label"] for r in models["results"]} == {"Model Version Approved for Publishing",
                                                            "Model Version Status Changed"}
    assert [r["not_published_reason"] for r in not_published["results"]] == ["no_service_role"]


def test_the_api_refuses_an_unknown_filter_naming_the_field(owner_api, activated_workspace):
    url, _ = api_list(activated_workspace)

    response = owner_api.get(url, {"type": "pai:Nope:Nothing"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["type"][0].startswith("Unknown event type")


def test_the_api_event_detail_has_the_envelope(owner_api, activated_workspace, some_events):
    event = some_events["model"][0]

    body = owner_api.get(reverse("api-event-detail", kwargs={"workspace_id": activated_workspace.pk,
                                                             "event_id": event.pk})).json()

    assert body["envelope"] == event.envelope
    assert body["type"] == "pai:ModelManagement:ModelVersionApproved"


def test_the_api_hides_another_accounts_events(outsider_api, activated_workspace, some_events):
    url, _ = api_list(activated_workspace)
    detail = reverse("api-event-detail", kwargs={"workspace_id": activated_workspace.pk,
                                                 "event_id": some_events["dlc"].pk})

    assert outsider_api.get(url).status_code == 404
    assert outsider_api.get(detail).status_code == 404
