"""The console pages of the resources: they render, their buttons call the services, and a refused
move is shown as a message naming both states."""

import pytest
from django.urls import reverse

from notifications.models import Event
from workspaces.models import DlcJob, DswInstance, EasService, FlowTask, Model, ModelVersion
from workspaces.pai_resources.services.demo import demo_resources_create


@pytest.fixture
def demo(activated_workspace, owner):
    return demo_resources_create(activated_workspace, actor=owner)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(("name", "kwarg", "key"), [
    ("model-list", None, None),
    ("model-detail", "model_id", "model"),
    ("eas-service-list", None, None),
    ("eas-service-detail", "service_id", "eas_service"),
    ("dlc-job-list", None, None),
    ("dlc-job-detail", "job_id", "dlc_job"),
    ("dsw-list", None, None),
    ("dsw-detail", "instance_id", "dsw_instance"),
    ("flow-task-list", None, None),
    ("flow-task-detail", "task_id", "flow_task"),
])
def test_every_resource_page_renders_for_the_owner_and_is_404_for_an_outsider(client, owner, outsider,
                                                                              activated_workspace, demo, name, kwarg,
                                                                              key):
    kwargs = {"workspace_id": activated_workspace.pk}
    if kwarg:
        kwargs[kwarg] = demo[key].pk
    url = reverse(name, kwargs=kwargs)

    client.force_login(owner)
    page = client.get(url)
    client.force_login(outsider)
    hidden = client.get(url)

    assert page.status_code == 200
    assert activated_workspace.name in page.content.decode()
    assert hidden.status_code == 404


def test_approving_in_the_console_raises_both_events_and_says_so(owner_client, activated_workspace, demo):
    version = demo["pending_version"]
    url = reverse("model-version-status", kwargs={"workspace_id": activated_workspace.pk,
                                                  "model_id": version.model_id, "version_id": version.pk})

    response = owner_client.post(url, {"approval_status": "Approved"}, follow=True)

    assert "Version 1.1.0 is now Approved." in _messages(response)
    assert ModelVersion.objects.get(pk=version.pk).approval_status == "Approved"
    assert Event.objects.filter(source="model").count() == 2


def test_a_refused_change_in_the_console_shows_the_message_and_changes_nothing(owner_client, activated_workspace,
                                                                               demo):
    released = ModelVersion.objects.get(model=demo["model"], version_name="1.0.0")
    url = reverse("model-version-status", kwargs={"workspace_id": activated_workspace.pk,
                                                  "model_id": released.model_id, "version_id": released.pk})
    before = Event.objects.count()

    response = owner_client.post(url, {"approval_status": "Rejected"}, follow=True)

    assert any("from Approved to Rejected" in m and "already Approved" in m for m in _messages(response))
    assert 'class="toast toast-error"' in response.content.decode()  # messages show as toasts; errors stay
    assert ModelVersion.objects.get(pk=released.pk).approval_status == "Approved"
    assert Event.objects.count() == before


def test_a_pending_version_offers_approve_and_reject_and_a_final_one_none(owner_client, activated_workspace, demo):
    url = reverse("model-detail", kwargs={"workspace_id": activated_workspace.pk, "model_id": demo["model"].pk})

    rows = {row["version"].version_name: [a["label"] for a in row["actions"]]
            for row in owner_client.get(url).context["versions"]}

    assert rows == {"1.1.0": ["Approve", "Reject"], "1.0.0": []}


def test_registering_a_model_and_adding_a_version_through_the_pages(owner_client, activated_workspace):
    created = owner_client.post(reverse("model-list", kwargs={"workspace_id": activated_workspace.pk}),
                                {"name": "bert", "description": "text"})
    model = Model.objects.get(name="bert")
    assert created.status_code == 302
    detail = reverse("model-detail", kwargs={"workspace_id": activated_workspace.pk, "model_id": model.pk})

    owner_client.post(detail, {"version_name": "0.1.0", "approval_status": "Pending", "source_type": "Custom"})
    duplicate = owner_client.post(detail, {"version_name": "0.1.0", "approval_status": "Pending",
                                           "source_type": "Custom"})

    assert model.versions.get().approval_status == "Pending"
    assert duplicate.status_code == 200
    assert "already has a version 0.1.0" in duplicate.content.decode()


def test_a_bad_model_name_is_shown_under_the_field(owner_client, activated_workspace):
    response = owner_client.post(reverse("model-list", kwargs={"workspace_id": activated_workspace.pk}),
                                 {"name": "no spaces allowed"})

    assert response.status_code == 200
    assert response.context["form"].errors["name"][0].startswith("Model name must be")


def test_a_refused_dlc_action_is_a_message_naming_both_states(owner_client, activated_workspace, demo):
    job = demo["dlc_job"]
    DlcJob.objects.filter(pk=job.pk).update(status="Succeeded")
    url = reverse("dlc-job-status", kwargs={"workspace_id": activated_workspace.pk, "job_id": job.pk})

    response = owner_client.post(url, {"status": "Running"}, follow=True)

    assert "cannot move DLC job from Succeeded to Running; Succeeded is final, it allows no move" in _messages(response)
    assert response.context["actions"] == []


def test_the_dlc_page_offers_the_moves_of_the_current_state_and_performs_them(owner_client, activated_workspace,
                                                                              demo):
    job = demo["dlc_job"]
    detail = reverse("dlc-job-detail", kwargs={"workspace_id": activated_workspace.pk, "job_id": job.pk})
    offered = [a["status"] for a in owner_client.get(detail).context["actions"]]

    owner_client.post(reverse("dlc-job-status", kwargs={"workspace_id": activated_workspace.pk, "job_id": job.pk}),
                      {"status": "Preempted"})

    assert offered == ["Succeeded", "Failed", "Restarting", "Preempted", "Stopped"]
    assert DlcJob.objects.get(pk=job.pk).status == "Preempted"
    assert Event.objects.filter(type="pai:DLC:JobPreempted").count() == 1


def test_the_dlc_scheduling_form_sets_the_timeout(owner_client, activated_workspace, demo):
    job = demo["dlc_job"]
    detail = reverse("dlc-job-detail", kwargs={"workspace_id": activated_workspace.pk, "job_id": job.pk})

    owner_client.post(detail, {"timeout_minutes": "90"})
    refused = owner_client.post(detail, {"timeout_minutes": "0"})

    assert DlcJob.objects.get(pk=job.pk).timeout_minutes == 90
    assert refused.context["form"].errors["timeout_minutes"]


def test_the_dsw_page_saves_the_image_of_a_running_instance(owner_client, activated_workspace, demo):
    instance = demo["dsw_instance"]
    image_url = reverse("dsw-image", kwargs={"workspace_id": activated_workspace.pk, "instance_id": instance.pk})

    owner_client.post(image_url, {"image_status": "Saving"})
    owner_client.post(image_url, {"image_status": "Saved"})

    assert DswInstance.objects.get(pk=instance.pk).image_status == "Saved"
    assert list(Event.objects.filter(source="dsw_instance", type__contains="Image").order_by("id")
                .values_list("type", flat=True)) == ["pai:DSW:ImageSaving", "pai:DSW:ImageSaved"]


def test_the_flow_page_fails_a_task(owner_client, activated_workspace, demo):
    task = demo["flow_task"]

    owner_client.post(reverse("flow-task-status", kwargs={"workspace_id": activated_workspace.pk,
                                                          "task_id": task.pk}), {"status": "Failed"})

    assert FlowTask.objects.get(pk=task.pk).status == "Failed"
    assert Event.objects.filter(source="flow_task").count() == 2


def test_the_eas_page_switches_the_version_and_lists_the_revision(owner_client, activated_workspace, demo):
    service = demo["eas_service"]
    detail = reverse("eas-service-detail", kwargs={"workspace_id": activated_workspace.pk, "service_id": service.pk})

    response = owner_client.post(detail, {"model_version": demo["pending_version"].pk, "reason": "canary"},
                                 follow=True)

    assert EasService.objects.get(pk=service.pk).model_version == demo["pending_version"]
    assert "canary" in response.content.decode()
    assert service.revisions.count() == 2


def test_a_subuser_without_resource_policies_is_refused_with_the_action(client, subuser, activated_workspace, demo):
    client.force_login(subuser)

    response = client.get(reverse("model-list", kwargs={"workspace_id": activated_workspace.pk}))

    assert response.status_code == 403
    assert "paimodel:ListModels" in response.content.decode()


def test_the_buttons_ask_the_services_arns_a_version_and_a_job_denied_by_name_show_none(
        client, account, activated_workspace, demo):
    """Issue 13: the pages checked `model/<name>/version/*` and built job ARNs by hand; a Deny on one
    version (or one job) by its own ARN, as the services check it, now hides exactly its buttons."""
    from tests.conftest import PASSWORD
    from workspaces.models import Policy, User

    ws = activated_workspace.name
    prefix = f"acs:*:*:{account.uid}:workspace/{ws}"
    user = User.objects.create_user(username="half", password=PASSWORD, account=account, is_account_owner=False)
    statements = [
        {"Effect": "Allow", "Action": ["paimodel:*", "paidlc:*"], "Resource": "*"},
        {"Effect": "Deny", "Action": "paimodel:UpdateModelVersion",
         "Resource": f"{prefix}/model/{demo['model'].name}/version/1.1.0"},
        {"Effect": "Deny", "Action": "paidlc:UpdateJob", "Resource": f"{prefix}/job/{demo['dlc_job'].name}"}]
    user.policies.add(Policy.objects.create(account=account, name="half-policy",
                                            document={"Version": "1", "Statement": statements}))
    client.force_login(user)
    model = client.get(reverse("model-detail", kwargs={"workspace_id": activated_workspace.pk,
                                                       "model_id": demo["model"].pk}))
    job = client.get(reverse("dlc-job-detail", kwargs={"workspace_id": activated_workspace.pk,
                                                       "job_id": demo["dlc_job"].pk}))
    jobs = client.get(reverse("dlc-job-list", kwargs={"workspace_id": activated_workspace.pk}))

    assert {row["version"].version_name: row["can_decide"] for row in model.context["versions"]} == {
        "1.1.0": False, "1.0.0": True}
    assert model.context["can_add"] is True and 'data-testid="version-approved"' not in model.content.decode()
    assert job.context["can_update"] is False and jobs.context["can_create"] is True
