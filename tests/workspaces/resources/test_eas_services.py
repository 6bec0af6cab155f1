import pytest
from django.core.exceptions import ValidationError

from notifications.models import Event
from workspaces.models import EasServiceRevision, Workspace
from workspaces.pai_resources.services.eas import (
    eas_service_create,
    eas_service_set_status,
    eas_service_switch_version,
)
from workspaces.pai_resources.services.model_registry import model_create, model_version_create
from workspaces.pai_resources.services.transitions import StateConflict


@pytest.fixture
def service(activated_workspace, approved_version, owner):
    return eas_service_create(workspace=activated_workspace, name="online", model_version=approved_version, actor=owner)


def test_a_new_service_runs_its_version_and_records_revision_one(service, approved_version):
    assert service.status == "Running"
    assert service.model_version == approved_version
    revision = service.revisions.get()
    assert (revision.number, revision.model_version, revision.reason) == (1, approved_version, "Service created")


def test_switching_by_hand_records_a_revision_with_the_previous_version(service, approved_version, pending_version,
                                                                        owner):
    revision = eas_service_switch_version(service=service, model_version=pending_version, reason="canary",
                                          actor=owner)

    service.refresh_from_db()
    assert service.model_version == pending_version
    assert (revision.number, revision.previous_version, revision.reason) == (2, approved_version, "canary")
    assert Event.objects.count() == 0  # EAS raises no catalog events


def test_switching_is_idempotent_per_delivery(service, pending_version):
    first = eas_service_switch_version(service=service, model_version=pending_version, reason="rule", delivery_id=41)
    again = eas_service_switch_version(service=service, model_version=pending_version, reason="rule", delivery_id=41)
    other = eas_service_switch_version(service=service, model_version=pending_version, reason="rule", delivery_id=42)

    assert again.pk == first.pk
    assert other.number == first.number + 1
    assert EasServiceRevision.objects.filter(service=service).count() == 3


def test_a_stopped_service_is_not_switched(service, pending_version, owner):
    eas_service_set_status(service=service, status="Stopped", actor=owner)

    with pytest.raises(StateConflict, match="it is Stopped, not Running"):
        eas_service_switch_version(service=service, model_version=pending_version, reason="rule", delivery_id=7)

    assert service.revisions.count() == 1


def test_stopping_twice_names_both_states(service, owner):
    eas_service_set_status(service=service, status="Stopped", actor=owner)

    with pytest.raises(StateConflict, match="cannot move EAS service from Stopped to Stopped"):
        eas_service_set_status(service=service, status="Stopped", actor=owner)


def test_a_version_of_another_workspace_is_refused(service, account, owner):
    elsewhere = Workspace.objects.create(account=account, name="ws_other", created_by=owner)
    foreign = model_version_create(model=model_create(workspace=elsewhere, name="m", actor=owner), version_name="1")

    with pytest.raises(ValidationError, match="model version of this workspace"):
        eas_service_switch_version(service=service, model_version=foreign, reason="x", actor=owner)
    with pytest.raises(ValidationError):
        eas_service_create(workspace=service.workspace, name="second", model_version=foreign, actor=owner)


def test_service_names_are_unique_in_the_workspace(service, approved_version, owner):
    with pytest.raises(ValidationError, match="already exists"):
        eas_service_create(workspace=service.workspace, name="online", model_version=approved_version, actor=owner)
