"""F3 (medium): a sub-user allowed eventbridge:PutEvents but not eas:UpdateService forged a
ModelVersionApproved and switched a production EAS service (a rollback), and the audit log said
`system`. Now every event records who published it (the platform, or a PutEvents user); a user's
event switches a service only when that user holds eas:UpdateService on it; PutEvents is audited;
and a switch's audit entry names the event and its publisher."""

import pytest
from django.urls import reverse

from notifications.models import Event
from tests.conftest import api_client_for
from tests.security.eas_tenants import deliver_eas, eas_rule, model_with, put_approval, serving
from workspaces.models import AuditLogEntry, EasService, Policy


@pytest.fixture
def production(activated_workspace, owner, settings):
    """A production service on 1.1.0; 1.0.0 is an older Approved version (the rollback target)."""
    settings.EAS_API_URL = ""
    model, (old, current) = model_with(activated_workspace, owner, "resnet50_classifier",
                                       ("1.0.0", "Approved", "oss://demo/1.0.0/"),
                                       ("1.1.0", "Approved", "oss://demo/1.1.0/"))
    service = EasService.objects.create(workspace=activated_workspace, name="resnet50_online",
                                        model_version=current, created_by=owner)
    eas_rule(api_client_for(owner), activated_workspace, service)
    return {"model": model, "old": old, "service": service}


def grant(user, *actions):
    policy = Policy.objects.create(account=user.account, name=f"p-{user.username}", document={
        "Version": "1", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]})
    user.policies.add(policy)


def test_f3_a_publisher_without_eas_update_service_cannot_switch_a_service(seed_subuser, activated_workspace,
                                                                          production):
    # carol holds the seed's EventBridge policy (PutEvents included) and nothing on EAS.
    event = put_approval(seed_subuser, activated_workspace, versionId=production["old"].pk,
                         modelId=production["model"].pk)
    delivery = deliver_eas(event)
    assert delivery.status == "dead" and "eas:UpdateService" in delivery.last_error
    assert serving(production["service"]) == "resnet50_classifier:1.1.0"
    assert not AuditLogEntry.objects.filter(action="eas_service.switch_version").exists()
    refusal = AuditLogEntry.objects.get(action="access.denied")
    assert refusal.actor == seed_subuser and "eas:UpdateService" in refusal.object_repr


def test_f3_a_publisher_with_eas_update_service_switches_and_the_audit_names_them(subuser, activated_workspace,
                                                                                 production):
    grant(subuser, "eventbridge:PutEvents", "eas:UpdateService")
    event = put_approval(subuser, activated_workspace, versionId=production["old"].pk,
                         modelId=production["model"].pk)
    assert deliver_eas(event).status == "succeeded"
    assert serving(production["service"]) == "resnet50_classifier:1.0.0"
    entry = AuditLogEntry.objects.get(action="eas_service.switch_version")
    assert (entry.actor, entry.actor_name) == (subuser, "bob")
    assert entry.changes["publisher"] == [None, "bob (PutEvents)"]
    assert entry.changes["event"] == [None, event.event_id]


def test_f3_an_approval_raised_by_the_platform_still_switches_and_its_audit_names_the_platform(
        owner, activated_workspace, production):
    model = production["model"]
    pending = model.versions.create(version_name="1.2.0", approval_status="Pending", uri="oss://demo/1.2.0/")
    response = api_client_for(owner).put(
        f"/api/v1/workspaces/{activated_workspace.pk}/models/{model.pk}/versions/{pending.pk}/",
        {"approval_status": "Approved"}, format="json")
    assert response.status_code == 200, response.content
    event = Event.objects.get(type="pai:ModelManagement:ModelVersionApproved")
    assert (event.origin, event.published_by) == ("platform", None)
    assert deliver_eas(event).status == "succeeded"
    assert serving(production["service"]) == f"resnet50_classifier:{pending.version_name}"
    entry = AuditLogEntry.objects.get(action="eas_service.switch_version")
    assert entry.actor_name == "system" and entry.changes["publisher"] == [None, "platform"]


def test_f3_put_events_records_its_publisher_on_each_event_and_is_audited(seed_subuser, activated_workspace):
    url = reverse("api-put-events", kwargs={"workspace_id": activated_workspace.pk})
    entries = [{"id": f"e-{n}", "source": "acs.pai", "specversion": "1.0", "type": "pai:DLC:JobFailed",
                "data": {"resourceId": str(n)}} for n in (1, 2)]
    entries.append({"id": "bad", "source": "elsewhere", "specversion": "1.0", "type": "pai:DLC:JobFailed"})
    response = api_client_for(seed_subuser).post(url, entries, format="json")
    assert response.status_code == 200 and response.json()["FailedEntryCount"] == 1
    stored = Event.objects.order_by("event_id")
    assert [(e.event_id, e.origin, e.published_by) for e in stored] == [
        ("e-1", "put_events", seed_subuser), ("e-2", "put_events", seed_subuser)]
    entry = AuditLogEntry.objects.get(action="events.put")
    assert entry.actor == seed_subuser and entry.object_repr == "pai-system-ws_demo"
    assert entry.changes == {"entries": [None, 3], "failed": [None, 1], "event_ids": [None, ["e-1", "e-2"]]}


def test_f3_an_event_recorded_before_publishers_were_never_switches_a_service(owner, activated_workspace,
                                                                              production):
    """Events stored before migration 0005 cannot say who published them: they never switch."""
    event = put_approval(owner, activated_workspace, versionId=production["old"].pk, modelId=production["model"].pk)
    Event.objects.filter(pk=event.pk).update(origin="unknown", published_by=None)
    delivery = deliver_eas(event)
    assert delivery.status == "dead" and "switch the service by hand" in delivery.last_error
    assert serving(production["service"]) == "resnet50_classifier:1.1.0"
