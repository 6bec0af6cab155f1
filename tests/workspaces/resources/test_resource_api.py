"""The resource endpoints under /api/v1/workspaces/<id>/: create, read, move; 409 for a refused move."""

import pytest

from notifications.models import Event
from tests.conftest import api_client_for
from workspaces.models import ModelVersion


@pytest.fixture
def base(activated_workspace):
    return f"/api/v1/workspaces/{activated_workspace.pk}"


def test_registering_a_model_and_approving_its_version_over_the_api(owner_api, base):
    model = owner_api.post(f"{base}/models/", {"name": "bert", "description": "text"}, format="json")
    model_id = model.json()["id"]
    version = owner_api.post(f"{base}/models/{model_id}/versions/", {"version_name": "1.0.0"}, format="json")
    approved = owner_api.put(f"{base}/models/{model_id}/versions/{version.json()['id']}/",
                             {"approval_status": "Approved"}, format="json")

    assert model.status_code == 201 and model.json()["versions"] == []
    assert version.status_code == 201 and version.json()["approval_status"] == "Pending"
    assert approved.status_code == 200 and approved.json()["approval_status"] == "Approved"
    assert sorted(Event.objects.values_list("type", flat=True)) == [
        "pai:ModelManagement:ModelVersionApproved", "pai:ModelManagement:ModelVersionStatusChanged",
    ]
    detail = owner_api.get(f"{base}/models/{model_id}/").json()
    assert [v["version_name"] for v in detail["versions"]] == ["1.0.0"]


def test_changing_a_final_version_is_409_naming_the_current_state_and_raises_nothing(owner_api, base, approved_version):
    url = f"{base}/models/{approved_version.model_id}/versions/{approved_version.pk}/"

    response = owner_api.patch(url, {"approval_status": "Rejected"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert "already Approved" in response.json()["error"]["message"]
    assert ModelVersion.objects.get(pk=approved_version.pk).approval_status == "Approved"
    assert not Event.objects.exists()


def test_a_bad_approval_status_is_400_naming_the_field(owner_api, base, pending_version):
    url = f"{base}/models/{pending_version.model_id}/versions/{pending_version.pk}/"

    response = owner_api.put(url, {"approval_status": "Deployed"}, format="json")

    assert response.status_code == 400
    assert "approval_status" in response.json()["error"]["fields"]


def test_registering_a_version_as_rejected_is_400(owner_api, base, model):
    response = owner_api.post(f"{base}/models/{model.pk}/versions/", {"version_name": "9",
                                                                     "approval_status": "Rejected"}, format="json")

    assert response.status_code == 400


def test_a_dlc_job_moves_through_its_lifecycle_and_a_refused_move_is_409(owner_api, base):
    job = owner_api.post(f"{base}/dlc-jobs/", {"name": "train", "timeout_minutes": 15}, format="json").json()
    for status in ("Queuing", "Bidding", "EnvPreparing", "Running", "Succeeded"):
        moved = owner_api.post(f"{base}/dlc-jobs/{job['id']}/status/", {"status": status}, format="json")
        assert moved.status_code == 200 and moved.json()["status"] == status

    refused = owner_api.post(f"{base}/dlc-jobs/{job['id']}/status/", {"status": "Running"}, format="json")

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["message"] == "cannot move DLC job from Succeeded to Running; Succeeded is final, it allows no move"
    assert error["current"] == "Succeeded" and error["allowed"] == []
    started = owner_api.post(f"{base}/dlc-jobs/", {"name": "train-2"}, format="json").json()
    early = owner_api.post(f"{base}/dlc-jobs/{started['id']}/status/", {"status": "Running"}, format="json")
    assert early.status_code == 409
    assert early.json()["error"] == {
        "code": "conflict", "current": "Created", "allowed": ["Queuing", "Stopped"],
        "message": "cannot move DLC job from Created to Running; from Created it may move to: Queuing, Stopped"}
    assert Event.objects.filter(source="dlc_job").count() == 5
    settings = owner_api.put(f"{base}/dlc-jobs/{job['id']}/scheduling/", {"timeout_minutes": 5}, format="json")
    assert settings.status_code == 409
    assert settings.json()["error"] == {
        "code": "conflict", "current": "Succeeded", "allowed": [],
        "message": "cannot change the timeout of a DLC job that is Succeeded: Succeeded is final; the timeout can be "
                   "changed while the job is Created, Queuing, Bidding, EnvPreparing, Running, Restarting"}


def test_the_dlc_timeout_is_set_and_cleared_over_the_api(owner_api, base):
    job = owner_api.post(f"{base}/dlc-jobs/", {"name": "train"}, format="json").json()
    url = f"{base}/dlc-jobs/{job['id']}/scheduling/"

    assert owner_api.put(url, {"timeout_minutes": 45}, format="json").json()["timeout_minutes"] == 45
    assert owner_api.put(url, {"timeout_minutes": None}, format="json").json()["timeout_minutes"] is None
    assert owner_api.put(url, {"timeout_minutes": 0}, format="json").status_code == 400


def test_a_dsw_instance_and_its_image_over_the_api(owner_api, base):
    instance = owner_api.post(f"{base}/dsw-instances/", {"name": "nb"}, format="json").json()
    owner_api.post(f"{base}/dsw-instances/{instance['id']}/status/", {"status": "Running"}, format="json")
    saving = owner_api.post(f"{base}/dsw-instances/{instance['id']}/image/", {"image_status": "Saving"},
                            format="json")
    again = owner_api.post(f"{base}/dsw-instances/{instance['id']}/image/", {"image_status": "Saving"},
                           format="json")

    assert instance["status"] == "Creating"
    assert saving.json()["image_status"] == "Saving"
    assert again.status_code == 409
    assert again.json()["error"]["message"] == ("cannot move DSW instance image from Saving to Saving; from Saving "
                                                "it may move to: Saved, SaveFailed")
    assert again.json()["error"]["allowed"] == ["Saved", "SaveFailed"]
    stopped = owner_api.post(f"{base}/dsw-instances/", {"name": "nb-2"}, format="json").json()
    not_running = owner_api.post(f"{base}/dsw-instances/{stopped['id']}/image/", {"image_status": "Saving"},
                                 format="json")
    assert not_running.json()["error"] == {
        "code": "conflict", "current": "Creating", "allowed": ["Running", "Failed"],
        "message": "cannot save the image of a DSW instance that is Creating: it must be Running; from Creating it "
                   "may move to: Running, Failed"}


def test_a_flow_task_over_the_api(owner_api, base):
    task = owner_api.post(f"{base}/flow-tasks/", {"name": "etl"}, format="json").json()
    failed = owner_api.post(f"{base}/flow-tasks/{task['id']}/status/", {"status": "Failed"}, format="json")

    assert task["status"] == "Running"
    assert failed.json()["status"] == "Failed"
    assert list(Event.objects.order_by("id").values_list("type", flat=True)) == [
        "pai:PAIFlow:TaskFailed", "pai:PAIFlow:TaskFinished",
    ]
    listed = owner_api.get(f"{base}/flow-tasks/").json()
    assert listed["count"] == 1


def test_an_eas_service_over_the_api(owner_api, base, approved_version, pending_version):
    service = owner_api.post(f"{base}/eas-services/", {"name": "online", "model_version_id": approved_version.pk},
                             format="json").json()
    switched = owner_api.post(f"{base}/eas-services/{service['id']}/switch-version/",
                              {"model_version_id": pending_version.pk, "reason": "canary"}, format="json")
    stopped = owner_api.post(f"{base}/eas-services/{service['id']}/status/", {"status": "Stopped"}, format="json")
    refused = owner_api.post(f"{base}/eas-services/{service['id']}/switch-version/",
                             {"model_version_id": approved_version.pk}, format="json")
    unknown = owner_api.post(f"{base}/eas-services/", {"name": "other", "model_version_id": 999999}, format="json")

    assert service["status"] == "Running" and service["model_version_id"] == approved_version.pk
    assert [r["number"] for r in switched.json()["revisions"]] == [2, 1]
    assert switched.json()["model_version_id"] == pending_version.pk
    assert stopped.json()["status"] == "Stopped"
    assert refused.status_code == 409
    assert unknown.status_code == 400 and "model_version_id" in unknown.json()["error"]["fields"]


@pytest.mark.parametrize("path", ["models/", "eas-services/", "dlc-jobs/", "dsw-instances/", "flow-tasks/"])
def test_another_account_sees_404_and_a_subuser_without_policy_403(outsider_api, subuser, base, path):
    assert outsider_api.get(f"{base}/{path}").status_code == 404
    refused = api_client_for(subuser).get(f"{base}/{path}")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "access_denied"


def test_a_resource_of_another_workspace_is_404(owner_api, account, owner, model):
    from workspaces.models import Workspace

    other = Workspace.objects.create(account=account, name="ws_two", created_by=owner)

    assert owner_api.get(f"/api/v1/workspaces/{other.pk}/models/{model.pk}/").status_code == 404
