"""Operators' admin for the resources and the event log: pages render, states are read-only, and the
actions go through the services."""

import pytest
from django.urls import reverse

from notifications.models import Event
from workspaces.models import DlcJob, DswInstance, EasService, EasServiceRevision, FlowTask, Model, ModelVersion, User
from workspaces.pai_resources.services.demo import demo_resources_create


@pytest.fixture
def operator_client(client, db):
    operator = User.objects.create_superuser(username="operator", password="x-operator-42", email="op@example.com")
    client.force_login(operator)
    return client


@pytest.fixture
def demo(activated_workspace, owner):
    return demo_resources_create(activated_workspace, actor=owner)


@pytest.mark.parametrize("model", [Model, ModelVersion, EasService, EasServiceRevision, DlcJob, DswInstance, FlowTask,
                                   Event])
def test_every_changelist_and_change_page_renders(operator_client, demo, model):
    meta = model._meta
    obj = model.objects.first()

    listing = operator_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist") + "?q=resnet")
    change = operator_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))

    assert listing.status_code == 200
    assert change.status_code == 200


def test_the_approve_action_raises_the_model_events_and_reports_refusals(operator_client, demo):
    versions = ModelVersion.objects.filter(model=demo["model"])

    response = operator_client.post(reverse("admin:workspaces_modelversion_changelist"), {
        "action": "approve", "_selected_action": [v.pk for v in versions],
    }, follow=True)

    text = response.content.decode()
    assert "1 version(s) Approved." in text
    assert "from Approved to Approved" in text
    assert Event.objects.filter(source="model").count() == 2


def test_an_operator_cannot_type_in_an_event_or_edit_a_state(operator_client, demo):
    assert operator_client.get(reverse("admin:notifications_event_add")).status_code == 403
    change = operator_client.get(reverse("admin:workspaces_dlcjob_change", args=[demo["dlc_job"].pk]))
    assert 'name="status"' not in change.content.decode()


def test_an_operator_re_enqueues_a_published_event_from_the_event_admin(operator_client, demo):
    event = Event.objects.filter(status="published").first()

    response = operator_client.post(reverse("admin:notifications_event_changelist"), {
        "action": "enqueue_again", "_selected_action": [event.pk],
    }, follow=True)

    assert "Enqueued 1 event(s); 0 not" in response.content.decode()
    assert Event.objects.get(pk=event.pk).enqueued_at is not None
