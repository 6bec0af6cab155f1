"""PutEvents: EventBridge's limits, per-entry validation against the catalog, and the answer's shape."""

import json
import uuid

import pytest
from django.urls import reverse

from notifications.models import Event
from notifications.services.put_events import MAX_ENTRY_BYTES, MAX_REQUEST_BYTES, entry_size
from tests.conftest import api_client_for


def cloud_event(**overrides):
    event = {
        "id": str(uuid.uuid4()),
        "source": "acs.pai",
        "specversion": "1.0",
        "type": "pai:ModelManagement:ModelVersionApproved",
        "subject": "acs.pai:cn-shanghai:1234567890123456:ModelVersion/9",
        "time": "2024-05-01T08:30:00Z",
        "datacontenttype": "application/json",
        "data": {"resourceId": "9", "resourceName": "resnet:2.0.0", "oldStatus": "Pending", "newStatus": "Approved"},
    }
    event.update(overrides)
    return {key: value for key, value in event.items() if value is not None}


@pytest.fixture
def url(activated_workspace):
    return reverse("api-put-events", kwargs={"workspace_id": activated_workspace.pk})


def put(client, url, body, content_type="application/json"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(url, data=raw, content_type=content_type)


def test_valid_events_are_stored_published_and_answered_with_their_ids(owner_api, url, activated_workspace,
                                                                       django_capture_on_commit_callbacks):
    from tests.notifications.delivery.builders import make_rule

    make_rule(activated_workspace, source="model", types=("ModelVersionApproved",))
    make_rule(activated_workspace, source="dlc_job", types=("JobFailed",))
    events = [cloud_event(), cloud_event(type="pai:DLC:JobFailed", data={"resourceId": "3"})]

    with django_capture_on_commit_callbacks() as callbacks:
        response = put(owner_api, url, events)

    assert response.status_code == 200
    assert response.json() == {"FailedEntryCount": 0, "EntryList": [{"EventId": e["id"]} for e in events]}
    stored = Event.objects.order_by("id")
    assert [e.event_id for e in stored] == [e["id"] for e in events]
    assert [e.source for e in stored] == ["model", "dlc_job"]
    first = stored[0]
    assert first.status == Event.Status.PUBLISHED
    assert first.resource_id == "9" and first.resource_name == "resnet:2.0.0"
    assert first.envelope["aliyuneventbusname"] == "pai-system-ws_demo"
    assert first.envelope["aliyunaccountid"] == activated_workspace.account.uid
    assert first.envelope["data"]["newStatus"] == "Approved"
    assert len(callbacks) == 2  # both take the outbox path: enqueued on commit


def test_the_entries_may_also_come_wrapped(owner_api, url):
    response = put(owner_api, url, {"entries": [cloud_event()]})

    assert response.status_code == 200 and response.json()["FailedEntryCount"] == 0


def test_seventeen_entries_are_refused_whole(owner_api, url):
    response = put(owner_api, url, [cloud_event() for _ in range(17)])

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_entries"
    assert "17 events" in response.json()["error"]["message"] and "at most 16" in response.json()["error"]["message"]
    assert not Event.objects.exists()


def test_sixteen_entries_are_accepted(owner_api, url):
    response = put(owner_api, url, [cloud_event() for _ in range(16)])

    assert response.status_code == 200
    assert Event.objects.count() == 16


def test_an_entry_over_256_kb_fails_alone(owner_api, url):
    big = cloud_event(data={"blob": ""})
    big["data"]["blob"] = "x" * (MAX_ENTRY_BYTES + 1 - entry_size(big))
    assert entry_size(big) == MAX_ENTRY_BYTES + 1  # 256 KB and one byte
    small = cloud_event()

    response = put(owner_api, url, [big, small])

    assert response.status_code == 200
    body = response.json()
    assert body["FailedEntryCount"] == 1
    assert body["EntryList"][0]["ErrorCode"] == "EventTooLarge"
    assert "262145 bytes" in body["EntryList"][0]["ErrorMessage"]
    assert body["EntryList"][1] == {"EventId": small["id"]}
    assert list(Event.objects.values_list("event_id", flat=True)) == [small["id"]]


def test_an_entry_of_exactly_256_kb_is_accepted(owner_api, url):
    event = cloud_event(data={"blob": ""})
    event["data"]["blob"] = "x" * (MAX_ENTRY_BYTES - entry_size(event))

    assert put(owner_api, url, [event]).json()["FailedEntryCount"] == 0


def test_a_257_kb_entry_is_refused(owner_api, url):
    event = cloud_event(data={"blob": "x" * (257 * 1024)})

    body = put(owner_api, url, [event]).json()

    assert body["FailedEntryCount"] == 1 and body["EntryList"][0]["ErrorCode"] == "EventTooLarge"
    assert not Event.objects.exists()


@pytest.mark.parametrize("size", [MAX_REQUEST_BYTES + 1, 1_100_001, 3 * 1024 * 1024])
def test_a_request_over_1_mb_gets_413_in_the_envelope(owner_api, url, size):
    body = json.dumps([cloud_event(data={"blob": ""})]).encode()
    body = body.replace(b'"blob": ""', b'"blob": "' + b"x" * (size - len(body)) + b'"')
    assert len(body) == size

    response = put(owner_api, url, body)

    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "request_too_large"
    assert f"{size} bytes" in error["message"] and "1048576" in error["message"]
    assert not Event.objects.exists()


def test_a_request_of_exactly_1_mb_is_read(owner_api, url):
    entries = [cloud_event(data={"blob": "x" * 200_000}) for _ in range(5)]
    body = json.dumps(entries).encode()
    body = body[:-1] + b" " * (MAX_REQUEST_BYTES - len(body)) + b"]"
    assert len(body) == MAX_REQUEST_BYTES

    response = put(owner_api, url, body)

    assert response.status_code == 200 and response.json()["FailedEntryCount"] == 0


@pytest.mark.parametrize(("overrides", "code", "fragment"), [
    ({"type": "pai:DLC:JobExploded"}, "UnknownEventType", "not in the catalog"),
    ({"source": "acs.ecs"}, "InvalidSource", "must be acs.pai"),
    ({"id": None}, "MissingAttribute", "id is missing"),
    ({"specversion": None}, "MissingAttribute", "specversion is missing"),
    ({"type": None}, "MissingAttribute", "type is missing"),
    ({"source": None}, "MissingAttribute", "source is missing"),
    ({"id": "a" * 129}, "InvalidAttribute", "at most 128"),
    ({"id": "bad id!"}, "InvalidAttribute", "letters, digits and hyphens"),
    ({"specversion": "0.3"}, "InvalidAttribute", "must be 1.0"),
    ({"subject": "s" * 513}, "InvalidAttribute", "at most 512"),
    ({"time": "yesterday"}, "InvalidAttribute", "RFC 3339"),
    ({"datacontenttype": "text/plain"}, "InvalidAttribute", "application/json"),
    ({"id": 12}, "InvalidAttribute", "must be a string"),
    ({"Bad_Name": 1}, "InvalidAttribute", "lower-case letters or digits"),
])
def test_an_invalid_entry_fails_with_a_code_and_message_and_the_others_are_stored(owner_api, url, overrides, code,
                                                                                  fragment):
    good = cloud_event()

    body = put(owner_api, url, [cloud_event(**overrides), good]).json()

    assert body["FailedEntryCount"] == 1
    assert body["EntryList"][0]["ErrorCode"] == code
    assert fragment in body["EntryList"][0]["ErrorMessage"]
    assert body["EntryList"][1] == {"EventId": good["id"]}
    assert list(Event.objects.values_list("event_id", flat=True)) == [good["id"]]


def test_a_batch_with_an_entry_that_is_not_an_object_is_refused_whole(owner_api, url):
    response = put(owner_api, url, [cloud_event(), "hello"])

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Event 2 is a JSON string, not an object."
    assert not Event.objects.exists()


def test_the_service_reports_an_entry_that_is_not_an_object(activated_workspace, owner):
    from notifications.services.put_events import events_put

    answer = events_put(workspace=activated_workspace, entries=[["not", "an", "object"]], actor=owner)

    assert answer["EntryList"][0]["ErrorCode"] == "InvalidEvent"


@pytest.mark.parametrize(("raw", "code", "fragment"), [
    (b'[{"id": "1",', "malformed_json", "not valid JSON"),
    (b"", "malformed_json", "empty"),
    (b"\xff\xfe[]", "invalid_encoding", "not valid UTF-8 (byte 0xff at position 0)"),
    (b'"just a string"', "invalid_body", "JSON array"),
    (b'{"events": []}', "invalid_body", "JSON array"),
    (b"[]", "invalid_body", "at least one"),
])
def test_a_malformed_body_gets_400_with_a_clear_message(owner_api, url, raw, code, fragment):
    response = put(owner_api, url, raw)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert fragment in response.json()["error"]["message"]
    assert not Event.objects.exists()


def test_a_retried_event_id_is_answered_but_stored_once(owner_api, url):
    event = cloud_event()

    put(owner_api, url, [event])
    body = put(owner_api, url, [event, event]).json()

    assert body == {"FailedEntryCount": 0, "EntryList": [{"EventId": event["id"]}] * 2}
    assert Event.objects.count() == 1


def test_without_the_service_linked_role_put_events_are_stored_not_published(owner_api, url,
                                                                             django_capture_on_commit_callbacks):
    from workspaces.models import ServiceLinkedRole

    ServiceLinkedRole.objects.all().delete()
    with django_capture_on_commit_callbacks() as callbacks:
        put(owner_api, url, [cloud_event()])

    event = Event.objects.get()
    assert event.status == Event.Status.NOT_PUBLISHED and event.not_published_reason == "no_service_role"
    assert "aliyuneventbusname" not in event.envelope
    assert callbacks == []


def test_without_an_event_bus_put_events_are_stored_not_published(owner, workspace):
    response = put(api_client_for(owner), reverse("api-put-events", kwargs={"workspace_id": workspace.pk}),
                   [cloud_event()])

    assert response.status_code == 200
    assert Event.objects.get().not_published_reason == "no_event_bus"


def test_a_model_event_naming_a_model_of_the_workspace_is_scoped_to_it(owner_api, url, activated_workspace, owner):
    from workspaces.pai_resources.services.model_registry import model_create

    model = model_create(workspace=activated_workspace, name="resnet", actor=owner)

    put(owner_api, url, [cloud_event(data={"modelId": str(model.pk)})])

    assert Event.objects.get().model == model


def test_publisher_aliyun_attributes_are_replaced_by_the_bus(owner_api, url, activated_workspace):
    put(owner_api, url, [cloud_event(aliyuneventbusname="someone-else", aliyunaccountid="1")])

    envelope = Event.objects.get().envelope
    assert envelope["aliyuneventbusname"] == "pai-system-ws_demo"
    assert envelope["aliyunaccountid"] == activated_workspace.account.uid


def test_a_subuser_needs_put_events_on_the_bus(subuser, seed_subuser, url):
    refused = put(api_client_for(subuser), url, [cloud_event()])
    allowed = put(api_client_for(seed_subuser), url, [cloud_event()])

    assert refused.status_code == 403
    assert "eventbridge:PutEvents" in refused.json()["error"]["message"]
    assert allowed.status_code == 200
    assert Event.objects.count() == 1


def test_another_accounts_workspace_is_404_and_no_token_is_401(outsider_api, url, client):
    assert put(outsider_api, url, [cloud_event()]).status_code == 404
    assert client.post(url, data=b"[]", content_type="application/json").status_code == 401
    assert not Event.objects.exists()


def test_an_event_with_a_nul_character_is_refused_per_entry_and_not_stored(owner_api, url):
    """PostgreSQL's jsonb cannot hold \\u0000: the entry is refused before it reaches the database."""
    response = put(owner_api, url, json.dumps([cloud_event(data={"name": "bad\u0000name"})]).encode())

    assert response.status_code == 200
    body = response.json()
    assert body["FailedEntryCount"] == 1 and body["EntryList"][0]["ErrorCode"] == "InvalidEvent"
    assert "NUL" in body["EntryList"][0]["ErrorMessage"]
    assert not Event.objects.exists()
