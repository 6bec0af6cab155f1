import pytest
from django.core.exceptions import ValidationError

from notifications.models import Event
from workspaces.iam.permissions import AccessDenied
from workspaces.models import AuditLogEntry, ModelVersion
from workspaces.pai_resources.services.model_registry import (
    model_create,
    model_version_create,
    model_version_set_status,
)
from workspaces.pai_resources.services.transitions import StateConflict

STATUSES = ["Pending", "Approved", "Rejected"]
ALLOWED = {
    ("Pending", "Approved"): ["ModelVersionApproved", "ModelVersionStatusChanged"],
    ("Pending", "Rejected"): ["ModelVersionStatusChanged"],
}
REFUSED = [(current, target) for current in STATUSES for target in STATUSES if (current, target) not in ALLOWED]


def _version_in(model, owner, status: str) -> ModelVersion:
    version = model_version_create(model=model, version_name="2.0.0", approval_status="Pending", actor=owner)
    ModelVersion.objects.filter(pk=version.pk).update(approval_status=status)  # arrange any state
    version.refresh_from_db()
    return version


@pytest.mark.parametrize(("current", "target"), list(ALLOWED))
def test_an_allowed_change_moves_the_version_and_raises_its_events(model, owner, events_of, current, target):
    version = _version_in(model, owner, current)

    model_version_set_status(version=version, approval_status=target, actor=owner)

    version.refresh_from_db()
    assert version.approval_status == target
    assert events_of(version, "model") == ALLOWED[(current, target)]


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_a_refused_change_names_the_current_state_and_writes_nothing(model, owner, current, target):
    version = _version_in(model, owner, current)
    audit_before = AuditLogEntry.objects.count()

    with pytest.raises(StateConflict) as refusal:
        model_version_set_status(version=version, approval_status=target, actor=owner)

    assert f"from {current} to {target}" in str(refusal.value)
    assert f"already {current}" in str(refusal.value)
    version.refresh_from_db()
    assert version.approval_status == current
    assert Event.objects.count() == 0
    assert AuditLogEntry.objects.count() == audit_before


def test_approved_and_rejected_are_called_final_in_the_refusal(approved_version, owner):
    with pytest.raises(StateConflict, match="Approved and Rejected are final"):
        model_version_set_status(version=approved_version, approval_status="Rejected", actor=owner)


def test_approving_a_pending_version_raises_both_model_events_with_the_model_and_the_creator(
    pending_version, model, owner, subuser
):
    model_version_set_status(version=pending_version, approval_status="Approved", actor=owner)

    events = list(Event.objects.order_by("id"))
    assert [e.type for e in events] == [
        "pai:ModelManagement:ModelVersionApproved", "pai:ModelManagement:ModelVersionStatusChanged",
    ]
    for event in events:
        assert event.model == model
        assert event.resource_owner == owner
        assert event.source == "model"
        assert event.status == Event.Status.PUBLISHED
        data = event.envelope["data"]
        assert data["oldStatus"] == "Pending" and data["newStatus"] == "Approved"
        assert data["modelName"] == "resnet50" and data["versionName"] == "1.1.0"
        assert data["operator"] == owner.username
        assert data["consoleUrl"].endswith(f"/workspaces/{model.workspace_id}/models/{model.pk}/")


def test_the_resource_owner_is_the_version_creator_not_the_approver(model, owner, subuser):
    version = model_version_create(model=model, version_name="3.0.0", actor=None)
    ModelVersion.objects.filter(pk=version.pk).update(created_by=subuser)
    version.refresh_from_db()

    model_version_set_status(version=version, approval_status="Rejected", actor=owner)

    assert Event.objects.get().resource_owner == subuser


def test_registering_a_version_as_approved_raises_no_event(model, owner):
    version = model_version_create(model=model, version_name="1.0.0", approval_status="Approved", actor=owner)

    assert version.approval_status == "Approved"
    assert Event.objects.count() == 0


def test_a_new_version_cannot_be_registered_as_rejected(model, owner):
    with pytest.raises(ValidationError) as error:
        model_version_create(model=model, version_name="1.0.0", approval_status="Rejected", actor=owner)

    assert "approval_status" in error.value.message_dict
    assert not ModelVersion.objects.exists()


def test_a_version_name_is_unique_within_its_model(pending_version, model, owner):
    with pytest.raises(ValidationError, match="already has a version 1.1.0"):
        model_version_create(model=model, version_name="1.1.0", actor=owner)


def test_a_model_name_is_checked_and_unique_in_the_workspace(activated_workspace, model, owner):
    with pytest.raises(ValidationError, match="already exists"):
        model_create(workspace=activated_workspace, name="resnet50", actor=owner)
    with pytest.raises(ValidationError, match="Model name must be"):
        model_create(workspace=activated_workspace, name="bad name!", actor=owner)


def test_an_unknown_approval_status_is_a_validation_error_naming_the_field(pending_version, owner):
    with pytest.raises(ValidationError) as error:
        model_version_set_status(version=pending_version, approval_status="Deployed", actor=owner)

    assert "approval_status" in error.value.message_dict


def test_a_subuser_without_update_model_version_is_refused_and_nothing_changes(pending_version, seed_subuser):
    with pytest.raises(AccessDenied, match="paimodel:UpdateModelVersion"):
        model_version_set_status(version=pending_version, approval_status="Approved", actor=seed_subuser)

    pending_version.refresh_from_db()
    assert pending_version.approval_status == "Pending"
    assert Event.objects.count() == 0


def test_a_second_approval_of_the_same_version_is_refused(pending_version, owner):
    model_version_set_status(version=pending_version, approval_status="Approved", actor=owner)
    stale = ModelVersion.objects.get(pk=pending_version.pk)

    with pytest.raises(StateConflict, match="already Approved"):
        model_version_set_status(version=stale, approval_status="Approved", actor=owner)

    assert Event.objects.count() == 2
