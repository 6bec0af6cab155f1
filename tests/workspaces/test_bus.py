"""One home for the bus and its readiness: `bus_readiness(workspace)` answers publish, the rule
services, the rules section and the tab, each fact from one query."""

import pytest
from django.utils import timezone

from workspaces.models import EventBus, ServiceLinkedRole
from workspaces.tenancy.bus import bus_arn, bus_readiness, event_bus_name, role_arn, rule_arn


def activate(workspace, *, bus=True, role=True):
    account = workspace.account
    account.eventbridge_activated_at = timezone.now()
    account.save(update_fields=["eventbridge_activated_at"])
    if bus:
        EventBus.objects.create(account=account, workspace=workspace, name=f"pai-system-{workspace.name}")
    if role:
        ServiceLinkedRole.objects.create(account=account)


def test_a_workspace_before_activation_has_no_bus_and_asks_for_activation(workspace, django_assert_num_queries):
    with django_assert_num_queries(1):
        readiness = bus_readiness(workspace)
    assert (readiness.bus, readiness.step, readiness.accepts_rules, readiness.publish_blocker) == (
        None, "activate", False, "no_event_bus")


def test_activated_without_the_role_rules_may_be_created_but_nothing_is_published(workspace):
    activate(workspace, role=False)
    readiness = bus_readiness(workspace)
    assert readiness.bus.name == "pai-system-ws_demo"
    assert (readiness.step, readiness.accepts_rules, readiness.publish_blocker) == ("grant", True, "no_service_role")


def test_activated_with_the_role_everything_is_ready_in_one_query(workspace, django_assert_num_queries):
    activate(workspace)
    with django_assert_num_queries(1):
        readiness = bus_readiness(workspace)
    assert (readiness.step, readiness.accepts_rules, readiness.publish_blocker) == ("ready", True, "")


def test_an_activated_account_whose_bus_was_deleted_accepts_no_rules(workspace):
    activate(workspace, bus=False)
    readiness = bus_readiness(workspace)
    assert (readiness.step, readiness.accepts_rules, readiness.publish_blocker) == ("ready", False, "no_event_bus")


@pytest.mark.django_db
def test_the_bus_name_and_arns_are_written_the_way_eventbridge_writes_them(workspace, settings):
    settings.EAS_REGION = "cn-hangzhou"
    assert event_bus_name(workspace) == "pai-system-ws_demo"
    assert bus_arn(workspace) == "acs:eventbridge:cn-hangzhou:1234567890123456:eventbus/pai-system-ws_demo"
    assert rule_arn(workspace, "r1") == (
        "acs:eventbridge:cn-hangzhou:1234567890123456:eventbus/pai-system-ws_demo/rule/r1")
    assert role_arn(workspace.account) == "acs:ram::1234567890123456:role/aliyunserviceroleforpaiworkspace"
