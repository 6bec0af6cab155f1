"""tests/factories.py builds through the product's services: what it makes is what a user could have
made (audited, authorized, with the events the services raise)."""

from notifications.models import Event
from tests import factories
from workspaces.models import AuditLogEntry
from workspaces.tenancy.bus import bus_readiness


def test_a_ready_workspace_went_through_creation_activation_and_grant_access(account, owner):
    workspace = factories.workspace_ready(account=account, owner=owner, name="ws_ready")

    readiness = bus_readiness(workspace)
    assert readiness.accepts_rules and readiness.publish_blocker == ""
    assert readiness.bus.name == "pai-system-ws_ready"
    assert set(AuditLogEntry.objects.values_list("action", flat=True)) == {
        "workspace.create", "eventbridge.activate", "service_role.create"}


def test_resources_and_events_come_from_their_services(account, owner):
    workspace = factories.workspace_ready(account=account, owner=owner)

    factories.dsw_instance(workspace, actor=owner, name="nb")
    event = factories.event_raised(workspace, type_name="JobFailed", owner=owner, resource_name="train_9")
    version = factories.model_version(workspace, actor=owner)
    rule = factories.rule_made(workspace, actor=owner, targets=[
        {"method": "wecom", "values": {"webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1"}}])

    assert [e.type for e in Event.objects.order_by("id")] == ["pai:DSW:InstanceCreating", "pai:DLC:JobFailed"]
    assert event.status == Event.Status.PUBLISHED and event.resource_owner == owner
    assert version.approval_status == "Pending" and version.model.name == "resnet"
    assert rule.enabled and list(rule.event_types.values_list("event_type", flat=True)) == ["pai:DLC:JobFailed"]
    assert "dlc_job.create" not in AuditLogEntry.objects.values_list("action", flat=True)
    factories.dlc_job(workspace, actor=owner)
    assert "dlc_job.create" in AuditLogEntry.objects.values_list("action", flat=True)
