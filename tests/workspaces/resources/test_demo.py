from notifications.models import Event
from workspaces.models import DlcJob, EasService, Model
from workspaces.pai_resources.services.demo import demo_resources_create


def test_the_demo_gives_every_resource_in_a_state_that_can_raise_events(activated_workspace, owner):
    demo = demo_resources_create(activated_workspace, actor=owner)

    assert demo["created"] is True
    assert demo["pending_version"].approval_status == "Pending"
    assert demo["eas_service"].status == "Running"
    assert demo["dlc_job"].status == "Running" and demo["dlc_job"].timeout_minutes == 60
    assert demo["dsw_instance"].status == "Running"
    assert demo["flow_task"].status == "Running"
    assert set(Event.objects.values_list("type", flat=True)) == {
        "pai:DLC:JobEnqueued", "pai:DLC:JobEnvPreparing", "pai:DLC:JobRunning",
        "pai:DSW:InstanceCreating", "pai:DSW:InstanceRunning",
    }


def test_the_demo_is_idempotent(activated_workspace, owner):
    demo_resources_create(activated_workspace, actor=owner)
    again = demo_resources_create(activated_workspace, actor=owner)

    assert again["created"] is False
    assert Model.objects.count() == 1 and EasService.objects.count() == 1 and DlcJob.objects.count() == 1


def test_the_demo_works_before_eventbridge_is_activated(workspace):
    demo_resources_create(workspace)

    assert Event.objects.filter(status="not_published").count() == 5
