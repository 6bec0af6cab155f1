"""`publish_state`: the bus, why an event would not be published, and whether an enabled rule lists
its type, in one hand-written query read afresh on every publish. Every change that moves its answer
(through the services, and written straight to the tables as tests and the benchmark do) is seen by
the next publish; and it always agrees with `bus_readiness`."""

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Event, RoutingKey
from notifications.services.events import publish_entries, publish_state
from notifications.services.routing_keys import catalog_routing_keys_sync
from notifications.services.rules import rule_create, rule_delete, rule_disable, rule_enable, rule_update
from tests.notifications.delivery.builders import make_rule
from workspaces.models import EventBus, ServiceLinkedRole, Workspace
from workspaces.tenancy.bus import bus_readiness
from workspaces.tenancy.services.eventbridge import eventbridge_activate, service_role_grant

FAILED, TIMEOUT = "pai:DLC:JobFailed", "pai:DLC:JobTimeout"
DINGTALK = {"method": "dingtalk", "values": {
    "webhook": "https://oapi.dingtalk.com/robot/send?access_token=d1n9t41kt0k3n5ecretabcdef0123456789",
    "signing_secret": "SECb0a7e3f1c2d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1"}}


def state(workspace, event_type=FAILED):
    """(bus name or None, reason, routing wanted), checked against `bus_readiness` on the way."""
    bus, reason, wanted = publish_state(workspace, event_type=event_type)
    readiness = bus_readiness(workspace)
    assert (bus and bus.pk, reason) == (readiness.bus and readiness.bus.pk, readiness.publish_blocker)
    return bus and bus.name, reason, wanted


def test_activation_role_and_bus_changes_are_seen_by_the_next_publish(workspace, owner):
    account = workspace.account
    assert state(workspace) == (None, "no_event_bus", False)
    eventbridge_activate(actor=None, account=account)
    assert state(workspace) == ("pai-system-ws_demo", "no_service_role", False)
    service_role_grant(actor=owner, account=account)
    assert state(workspace) == ("pai-system-ws_demo", "", False)
    ServiceLinkedRole.objects.filter(account=account).delete()  # a revoke, straight to the table
    assert state(workspace) == ("pai-system-ws_demo", "no_service_role", False)
    ServiceLinkedRole.objects.bulk_create([ServiceLinkedRole(account=account)])
    assert state(workspace) == ("pai-system-ws_demo", "", False)
    EventBus.objects.filter(workspace=workspace).delete()
    assert state(workspace) == (None, "no_event_bus", False)
    EventBus.objects.bulk_create([EventBus(account=account, workspace=workspace, name="pai-system-ws_demo")])
    assert state(workspace) == ("pai-system-ws_demo", "", False)


def test_rule_changes_through_the_services_are_seen_by_the_next_publish(activated_workspace, owner):
    rule = rule_create(actor=owner, workspace=activated_workspace, name="r1", source="dlc_job",
                       event_types=[FAILED], targets=[DINGTALK])
    assert state(activated_workspace)[2] is True and state(activated_workspace, TIMEOUT)[2] is False
    rule_disable(actor=owner, rule=rule)
    assert state(activated_workspace)[2] is False
    rule_enable(actor=owner, rule=rule)
    assert state(activated_workspace)[2] is True
    rule = rule_update(actor=owner, rule=rule, name="r1", source="dlc_job", event_types=[TIMEOUT],
                       targets=[DINGTALK])
    assert (state(activated_workspace)[2], state(activated_workspace, TIMEOUT)[2]) == (False, True)
    rule_delete(actor=owner, rule=rule)
    assert state(activated_workspace, TIMEOUT)[2] is False


def test_keys_written_straight_to_the_table_and_the_catalog_sync_are_seen(activated_workspace):
    rule = make_rule(activated_workspace, types=())  # every type of dlc_job: keys for each
    assert state(activated_workspace, TIMEOUT)[2] is True
    RoutingKey.objects.filter(rule=rule, event_type=TIMEOUT).delete()  # as if the catalog had just gained it
    assert state(activated_workspace, TIMEOUT)[2] is False
    assert catalog_routing_keys_sync() == (1, 0)
    assert state(activated_workspace, TIMEOUT)[2] is True
    RoutingKey.objects.filter(rule=rule).delete()
    assert state(activated_workspace, TIMEOUT)[2] is False
    RoutingKey.objects.bulk_create([RoutingKey(rule=rule, bus_id=rule.bus_id, event_type=TIMEOUT, scope_key="all")])
    assert state(activated_workspace, TIMEOUT)[2] is True


def test_publish_asks_one_query_for_the_bus_the_role_and_the_rules(activated_workspace, raise_event):
    make_rule(activated_workspace, types=("JobFailed",))
    workspace = Workspace.objects.select_related("account").get(pk=activated_workspace.pk)  # as callers hold it
    with CaptureQueriesContext(connection) as captured:
        raise_event(workspace)
    # SAVEPOINT, publish_state, INSERT the event, RELEASE SAVEPOINT (the test's transaction holds the commit)
    statements = [query["sql"].split()[0] for query in captured.captured_queries]
    assert statements == ["SAVEPOINT", "SELECT", "INSERT", "RELEASE"]


def test_put_events_of_one_type_ask_once_whether_a_rule_lists_it(activated_workspace, owner):
    make_rule(activated_workspace, types=("JobFailed",))
    entries = [({"id": str(uuid.uuid4()), "type": FAILED, "source": "acs.pai", "specversion": "1.0", "data": {}},
                "dlc_job") for _ in range(3)]
    workspace = Workspace.objects.select_related("account").get(pk=activated_workspace.pk)
    with CaptureQueriesContext(connection) as captured:
        stored = publish_entries(workspace=workspace, entries=entries, publisher=owner)
    # publish_state, the types wanted, SAVEPOINT, the ids already held, 3 INSERTs, RELEASE SAVEPOINT
    # (before: one "does a rule list it" per entry: 10 for these 3 entries, 36 for PutEvents' 16; now 21)
    assert len(captured.captured_queries) == 8
    assert [event.routed_at for event in stored] == [None, None, None]
    assert Event.objects.filter(status=Event.Status.PUBLISHED).count() == 3
