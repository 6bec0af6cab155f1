"""The outbox: an event is written in the caller's transaction, enqueued after commit, stored as not
published without a bus or the role, and recovered by the periodic task when the broker was down."""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Event
from notifications.services.events import events_requeue_unenqueued, publish
from notifications.tasks import requeue_unenqueued_events
from tests.notifications.delivery.builders import make_rule
from workspaces.models import EventBus, ServiceLinkedRole, Workspace

RFC3339_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def _age(event, seconds=30):
    Event.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))


def test_the_envelope_is_cloudevents_with_the_aliyun_extensions(activated_workspace, raise_event, owner, settings):
    event = raise_event(activated_workspace)

    envelope = event.envelope
    assert uuid.UUID(envelope["id"]).version == 4
    assert envelope["id"] == event.event_id
    assert envelope["source"] == "acs.pai"
    assert envelope["specversion"] == "1.0"
    assert envelope["type"] == "pai:DLC:JobFailed"
    account = activated_workspace.account
    assert envelope["subject"] == f"acs.pai:{settings.EAS_REGION}:{account.uid}:DlcJob/7"
    assert RFC3339_MS.match(envelope["time"])
    assert envelope["datacontenttype"] == "application/json"
    assert envelope["aliyunaccountid"] == account.uid
    assert envelope["aliyuneventbusname"] == "pai-system-ws_demo"
    assert envelope["aliyunregionid"] == settings.EAS_REGION
    assert RFC3339_MS.match(envelope["aliyunpublishtime"])
    assert envelope["data"] == {
        "resourceKind": "DlcJob", "resourceId": "7", "resourceName": "train_7",
        "workspaceId": str(activated_workspace.pk), "workspaceName": "ws_demo",
        "oldStatus": "Running", "newStatus": "Failed", "operator": owner.username, "operatorId": str(owner.pk),
        "consoleUrl": f"{settings.CONSOLE_BASE_URL}/workspaces/1/dlc-jobs/7/",
    }
    assert event.status == Event.Status.PUBLISHED
    assert event.bus == activated_workspace.event_bus
    assert event.resource_owner == owner


def test_without_an_event_bus_the_event_is_stored_not_published_and_nothing_is_enqueued(
    workspace, raise_event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = raise_event(workspace)

    event.refresh_from_db()
    assert event.status == Event.Status.NOT_PUBLISHED
    assert event.not_published_reason == Event.NotPublishedReason.NO_EVENT_BUS
    assert event.bus is None
    assert callbacks == []
    assert event.enqueued_at is None
    assert "aliyuneventbusname" not in event.envelope and "aliyunpublishtime" not in event.envelope


def test_without_the_service_linked_role_the_event_is_stored_not_published_and_nothing_is_enqueued(
    activated_workspace, raise_event, django_capture_on_commit_callbacks
):
    ServiceLinkedRole.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = raise_event(activated_workspace)

    event.refresh_from_db()
    assert event.status == Event.Status.NOT_PUBLISHED
    assert event.not_published_reason == Event.NotPublishedReason.NO_SERVICE_ROLE
    assert event.get_not_published_reason_display().startswith("The service-linked role")
    assert callbacks == []


def test_the_bus_is_checked_before_the_role(workspace, raise_event):
    assert not EventBus.objects.exists() and not ServiceLinkedRole.objects.exists()

    assert raise_event(workspace).not_published_reason == "no_event_bus"


def test_a_published_event_is_enqueued_on_commit_and_marked(activated_workspace, raise_event, broker_messages,
                                                            django_capture_on_commit_callbacks):
    make_rule(activated_workspace, types=("JobFailed",))
    broker_messages()  # start from an empty queue
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = raise_event(activated_workspace)
    assert len(callbacks) == 1
    assert broker_messages() == []  # nothing before the commit

    with CaptureQueriesContext(connection) as queries:
        callbacks[0]()

    assert Event.objects.get(pk=event.pk).enqueued_at is not None  # written with the event
    assert len(queries) == 0  # the wake-up costs the publisher no second write
    assert broker_messages(expect=[event.pk]) == [event.pk]


def test_an_event_raised_in_a_rolled_back_transaction_leaves_nothing(activated_workspace, owner,
                                                                     django_capture_on_commit_callbacks):
    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Abort), transaction.atomic():
        publish(workspace=activated_workspace, source="model", type_name="ModelVersionStatusChanged",
                resource_id=1, resource_name="m:1", old_status="Pending", new_status="Rejected", actor=owner)
        raise Abort

    assert not Event.objects.exists()
    assert callbacks == []


def test_an_unknown_type_is_a_programming_error(activated_workspace):
    with pytest.raises(KeyError, match="has no event type"):
        publish(workspace=activated_workspace, source="dlc_job", type_name="JobExploded", resource_id=1,
                resource_name="x", old_status="", new_status="")


def test_an_event_whose_enqueue_failed_is_recovered_by_the_periodic_task(
    activated_workspace, raise_event, unreachable_broker, broker_messages, django_capture_on_commit_callbacks
):
    make_rule(activated_workspace, types=("JobFailed",))
    with django_capture_on_commit_callbacks(execute=True):
        event = raise_event(activated_workspace)  # the broker refuses the routing task at commit

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert event.enqueued_at is None
    _age(event)
    assert requeue_unenqueued_events() == 0  # still down: the sweeper leaves it for the next beat
    assert Event.objects.get(pk=event.pk).enqueued_at is None

    unreachable_broker()  # the broker is back
    broker_messages()
    assert requeue_unenqueued_events() == 1

    assert Event.objects.get(pk=event.pk).enqueued_at is not None
    assert broker_messages(expect=[event.pk]) == [event.pk]
    assert requeue_unenqueued_events() == 0


def test_the_sweeper_leaves_young_events_and_not_published_ones(activated_workspace, raise_event, account):
    make_rule(activated_workspace, types=("JobFailed",))
    young = raise_event(activated_workspace)
    Event.objects.filter(pk=young.pk).update(enqueued_at=None)  # the broker refused it a moment ago
    bare = Workspace.objects.create(account=account, name="ws_bare")  # no bus of its own
    not_published = raise_event(bare)
    _age(not_published)

    assert events_requeue_unenqueued() == 0
    assert Event.objects.get(pk=young.pk).enqueued_at is None
    assert Event.objects.get(pk=not_published.pk).enqueued_at is None


@pytest.mark.parametrize("rule", ["none", "other_type", "disabled"])
def test_an_event_no_enabled_rule_lists_is_stored_routed_and_costs_no_task(
    rule, activated_workspace, raise_event, django_capture_on_commit_callbacks
):
    if rule == "other_type":
        make_rule(activated_workspace, types=("JobSucceeded",))
    elif rule == "disabled":
        make_rule(activated_workspace, types=("JobFailed",), enabled=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = raise_event(activated_workspace)

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert event.routed_at is not None and not event.deliveries.exists()
    assert callbacks == []
    _age(event, seconds=3600)
    assert events_requeue_unenqueued(reroute_after_seconds=1) == 0  # routed: nothing for the sweeper


def test_a_rule_scoped_elsewhere_still_gets_the_event_routed(activated_workspace, raise_event, owner,
                                                           django_capture_on_commit_callbacks):
    """The check at publish looks at types only; scopes are matched by routing."""
    make_rule(activated_workspace, types=("JobFailed",), scope="mine", created_by=owner)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = raise_event(activated_workspace)

    assert len(callbacks) == 1 and Event.objects.get(pk=event.pk).routed_at is None
