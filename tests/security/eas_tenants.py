"""Two tenants for the EAS findings (F2, F3 of the security review), built through the API as the red
team did: demo's account (alice) holds confidential models; mallory's (another account) has a running
EAS service `mal_svc` and a rule that switches it on every approval. Events are put with PutEvents,
then routed and delivered by the real services."""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils import timezone

from notifications.models import Delivery, Event
from notifications.services.delivery import delivery_send
from notifications.services.routing import event_route
from tests.conftest import api_client_for
from workspaces.models import EasService, EventBus, Model, ModelVersion, ServiceLinkedRole, Workspace

APPROVED = "pai:ModelManagement:ModelVersionApproved"


def activated(account, owner, name):
    account.eventbridge_activated_at = timezone.now()
    account.save(update_fields=["eventbridge_activated_at"])
    workspace = Workspace.objects.create(account=account, name=name, created_by=owner)
    EventBus.objects.create(account=account, workspace=workspace, name=f"pai-system-{name}")
    ServiceLinkedRole.objects.get_or_create(account=account, defaults={"created_by": owner})
    return workspace


def model_with(workspace, owner, name, *versions):
    """A model and its versions, (name, status, uri) each."""
    model = Model.objects.create(workspace=workspace, name=name, created_by=owner)
    return model, [ModelVersion.objects.create(model=model, version_name=version, approval_status=status, uri=uri)
                   for version, status, uri in versions]


def eas_rule(client, workspace, service):
    response = client.post(f"/api/v1/workspaces/{workspace.pk}/rules/", {
        "name": "switch-on-approval", "source": "model", "event_types": [APPROVED],
        "targets": [{"method": "eas_update", "config": {"eas_service": service.pk}}],
    }, format="json")
    assert response.status_code == 201, response.content


def put_approval(user, workspace, **data) -> Event:
    """PutEvents of one forged approval naming `data`; the event stored."""
    event_id = f"forged-{uuid.uuid4().hex[:12]}"
    response = api_client_for(user).post(
        reverse("api-put-events", kwargs={"workspace_id": workspace.pk}),
        [{"id": event_id, "source": "acs.pai", "specversion": "1.0", "type": APPROVED, "subject": "x",
          "data": {key: str(value) for key, value in data.items()}}], format="json")
    assert response.status_code == 200 and response.json()["FailedEntryCount"] == 0, response.content
    return Event.objects.get(event_id=event_id)


def deliver_eas(event: Event) -> Delivery:
    """Route the event and send its EAS update delivery once; the delivery as recorded."""
    event_route(event_id=event.pk)
    delivery = Delivery.objects.get(event=event, target__method="eas_update")
    delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def serving(service: EasService) -> str:
    service.refresh_from_db()
    return str(service.model_version)
