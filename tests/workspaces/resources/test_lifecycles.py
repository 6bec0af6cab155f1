"""Every allowed and every refused move of the DLC, DSW and flow task state machines, and the events
each raises (none for a refusal). The machines and their events are written out here by hand, from
PRODUCT.md and the event catalog, not read from the services' tables: a change to a table that these
do not repeat fails here."""

import pytest

from notifications.models import Event
from tests import factories
from workspaces.models import AuditLogEntry, DlcJob, DswInstance, FlowTask
from workspaces.pai_resources.services import dlc, dsw, flow
from workspaces.pai_resources.services.transitions import StateConflict

# current state -> {a state it may enter: the event (or events, in order) entering it raises}
DLC_MOVES = {
    "Created": {"Queuing": "JobEnqueued", "Stopped": "JobStopped"},
    "Queuing": {"Bidding": "JobBidding", "EnvPreparing": "JobEnvPreparing", "Failed": "JobFailed",
                "Stopped": "JobStopped"},
    "Bidding": {"EnvPreparing": "JobEnvPreparing", "Failed": "JobFailed", "Stopped": "JobStopped"},
    "EnvPreparing": {"Running": "JobRunning", "Failed": "JobFailed", "Preempted": "JobPreempted",
                     "Stopped": "JobStopped"},
    "Running": {"Succeeded": "JobSucceeded", "Failed": "JobFailed", "Restarting": "JobFaultToleranceRestarted",
                "Preempted": "JobPreempted", "Stopped": "JobStopped"},
    "Restarting": {"EnvPreparing": "JobEnvPreparing", "Running": "JobRunning", "Failed": "JobFailed",
                   "Preempted": "JobPreempted", "Stopped": "JobStopped"},
    "Succeeded": {},
    "Failed": {},
    "Preempted": {},
    "Stopped": {},
}
# The states a console or API action may ask for (Created is only where a job starts).
DLC_TARGETS = ["Queuing", "Bidding", "EnvPreparing", "Running", "Succeeded", "Failed", "Restarting",
               "Preempted", "Stopped"]

DSW_MOVES = {
    "Creating": {"Running": "InstanceRunning", "Failed": "InstanceFailed"},
    "Running": {"Stopping": "InstanceStopping", "Failed": "InstanceFailed"},
    "Stopping": {"Stopped": "InstanceStopped", "Failed": "InstanceFailed"},
    "Stopped": {"Running": "InstanceRunning"},  # started again
    "Failed": {},
}
DSW_TARGETS = ["Running", "Stopping", "Stopped", "Failed"]

IMAGE_MOVES = {  # "": no image saved yet
    "": {"Saving": "ImageSaving"},
    "Saving": {"Saved": "ImageSaved", "SaveFailed": "ImageSaveFailed"},
    "Saved": {"Saving": "ImageSaving"},
    "SaveFailed": {"Saving": "ImageSaving"},
}
IMAGE_TARGETS = ["Saving", "Saved", "SaveFailed"]

FLOW_MOVES = {
    "Created": {"Running": ()},  # the catalog has no event for a run starting
    "Running": {"Succeeded": ("TaskFinished",), "Failed": ("TaskFailed", "TaskFinished")},
    "Succeeded": {},
    "Failed": {},
}
FLOW_TARGETS = ["Running", "Succeeded", "Failed"]


def _pairs(moves, targets):
    allowed = [(current, target, moves[current][target]) for current in moves for target in targets
               if target in moves[current]]
    refused = [(current, target) for current in moves for target in targets if target not in moves[current]]
    return allowed, refused


DLC_ALLOWED, DLC_REFUSED = _pairs(DLC_MOVES, DLC_TARGETS)
DSW_ALLOWED, DSW_REFUSED = _pairs(DSW_MOVES, DSW_TARGETS)
IMAGE_ALLOWED, IMAGE_REFUSED = _pairs(IMAGE_MOVES, IMAGE_TARGETS)
FLOW_ALLOWED, FLOW_REFUSED = _pairs(FLOW_MOVES, FLOW_TARGETS)


def test_the_hand_written_machines_name_every_state_of_the_models():
    assert list(DLC_MOVES) == DlcJob.Status.values
    assert list(DSW_MOVES) == DswInstance.Status.values
    assert list(IMAGE_MOVES) == DswInstance.ImageStatus.values
    assert list(FLOW_MOVES) == FlowTask.Status.values
    assert (len(DLC_ALLOWED), len(DLC_REFUSED)) == (23, 67)


def _in_state(obj, **state):
    type(obj).objects.filter(pk=obj.pk).update(**state)
    obj.refresh_from_db()
    return obj


@pytest.fixture
def job(activated_workspace, owner):
    return factories.dlc_job(activated_workspace, actor=owner, name="train_1", timeout_minutes=30)


@pytest.fixture
def instance(activated_workspace, owner):
    created = factories.dsw_instance(activated_workspace, actor=owner, name="notebook")
    Event.objects.all().delete()  # the Creating event of the arrangement
    return created


@pytest.fixture
def task(activated_workspace, owner):
    return factories.flow_task(activated_workspace, actor=owner, name="pipeline", run=False)


# --- DLC jobs


@pytest.mark.parametrize(("current", "target", "event"), DLC_ALLOWED)
def test_an_allowed_dlc_move_raises_the_event_of_the_state_it_enters(job, owner, events_of, current, target, event):
    _in_state(job, status=current)

    dlc.dlc_job_set_status(job=job, status=target, actor=owner)

    job.refresh_from_db()
    assert job.status == target
    assert events_of(job) == [event]
    raised = Event.objects.get()
    assert raised.envelope["data"]["oldStatus"] == current and raised.envelope["data"]["newStatus"] == target
    assert raised.resource_owner == owner


@pytest.mark.parametrize(("current", "target"), DLC_REFUSED)
def test_a_refused_dlc_move_names_both_states_and_writes_nothing(job, owner, current, target):
    _in_state(job, status=current)
    audit_before = AuditLogEntry.objects.count()

    with pytest.raises(StateConflict) as refusal:
        dlc.dlc_job_set_status(job=job, status=target, actor=owner)

    assert str(refusal.value).startswith(f"cannot move DLC job from {current} to {target}; ")
    assert refusal.value.current == current and target not in refusal.value.allowed
    job.refresh_from_db()
    assert job.status == current
    assert Event.objects.count() == 0
    assert AuditLogEntry.objects.count() == audit_before


def test_entering_running_starts_the_running_clock_once(job, owner):
    for status in ("Queuing", "EnvPreparing", "Running"):
        dlc.dlc_job_set_status(job=job, status=status, actor=owner)
    started = job.running_since
    dlc.dlc_job_set_status(job=job, status="Restarting", actor=owner)
    dlc.dlc_job_set_status(job=job, status="Running", actor=owner)

    assert started is not None
    assert job.running_since == started


# --- DSW instances


def test_creating_a_dsw_instance_raises_creating(activated_workspace, owner, events_of):
    created = dsw.dsw_instance_create(workspace=activated_workspace, name="nb2", actor=owner)

    assert created.status == "Creating"
    assert events_of(created) == ["InstanceCreating"]


@pytest.mark.parametrize(("current", "target", "event"), DSW_ALLOWED)
def test_an_allowed_dsw_move_raises_the_event_of_the_state_it_enters(instance, owner, events_of, current, target,
                                                                    event):
    _in_state(instance, status=current)

    dsw.dsw_instance_set_status(instance=instance, status=target, actor=owner)

    assert instance.status == target
    assert events_of(instance) == [event]


@pytest.mark.parametrize(("current", "target"), DSW_REFUSED)
def test_a_refused_dsw_move_names_both_states_and_writes_nothing(instance, owner, current, target):
    _in_state(instance, status=current)

    with pytest.raises(StateConflict) as refusal:
        dsw.dsw_instance_set_status(instance=instance, status=target, actor=owner)

    assert str(refusal.value).startswith(f"cannot move DSW instance from {current} to {target}; ")
    assert refusal.value.current == current and target not in refusal.value.allowed
    instance.refresh_from_db()
    assert instance.status == current
    assert Event.objects.count() == 0


@pytest.mark.parametrize(("current", "target", "event"), IMAGE_ALLOWED)
def test_an_allowed_image_move_of_a_running_instance_raises_its_event(instance, owner, events_of, current, target,
                                                                     event):
    _in_state(instance, status="Running", image_status=current)

    dsw.dsw_image_set_status(instance=instance, image_status=target, actor=owner)

    assert instance.image_status == target
    assert events_of(instance) == [event]


@pytest.mark.parametrize(("current", "target"), IMAGE_REFUSED)
def test_a_refused_image_move_names_both_states_and_writes_nothing(instance, owner, current, target):
    _in_state(instance, status="Running", image_status=current)

    with pytest.raises(StateConflict) as refusal:
        dsw.dsw_image_set_status(instance=instance, image_status=target, actor=owner)

    assert str(refusal.value).startswith(f"cannot move DSW instance image from {current or 'none'} to {target}; ")
    instance.refresh_from_db()
    assert instance.image_status == current
    assert Event.objects.count() == 0


@pytest.mark.parametrize("status", ["Creating", "Stopping", "Stopped", "Failed"])
def test_the_image_is_saved_only_while_the_instance_runs(instance, owner, status):
    _in_state(instance, status=status)

    with pytest.raises(StateConflict, match=f"that is {status}: it must be Running"):
        dsw.dsw_image_set_status(instance=instance, image_status="Saving", actor=owner)

    assert Event.objects.count() == 0


# --- Flow tasks


@pytest.mark.parametrize(("current", "target", "events"), FLOW_ALLOWED)
def test_an_allowed_flow_move_raises_its_events(task, owner, events_of, current, target, events):
    _in_state(task, status=current)

    flow.flow_task_set_status(task=task, status=target, actor=owner)

    assert task.status == target
    assert events_of(task) == list(events)


def test_a_successful_flow_task_raises_task_finished_and_a_failed_one_task_failed_and_task_finished(
    activated_workspace, owner, events_of
):
    good = flow.flow_task_create(workspace=activated_workspace, name="good", actor=owner)
    bad = flow.flow_task_create(workspace=activated_workspace, name="bad", actor=owner)

    flow.flow_task_set_status(task=good, status="Succeeded", actor=owner)
    flow.flow_task_set_status(task=bad, status="Failed", actor=owner)

    assert events_of(good) == ["TaskFinished"]
    assert events_of(bad) == ["TaskFailed", "TaskFinished"]


@pytest.mark.parametrize(("current", "target"), FLOW_REFUSED)
def test_a_refused_flow_move_names_both_states_and_writes_nothing(task, owner, current, target):
    _in_state(task, status=current)

    with pytest.raises(StateConflict) as refusal:
        flow.flow_task_set_status(task=task, status=target, actor=owner)

    assert str(refusal.value).startswith(f"cannot move flow task from {current} to {target}; ")
    assert refusal.value.current == current and target not in refusal.value.allowed
    task.refresh_from_db()
    assert task.status == current
    assert Event.objects.count() == 0


def test_creating_a_flow_task_runs_it_by_default(activated_workspace, owner):
    created = flow.flow_task_create(workspace=activated_workspace, name="now", actor=owner)

    assert created.status == FlowTask.Status.RUNNING
    assert DswInstance.objects.count() == 0 and Event.objects.count() == 0
