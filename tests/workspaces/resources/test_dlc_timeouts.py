import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from notifications.models import Event
from workspaces.models import DlcJob
from workspaces.pai_resources.services.dlc import (
    dlc_job_create,
    dlc_job_set_status,
    dlc_job_set_timeout,
    dlc_jobs_raise_timeouts,
)
from workspaces.pai_resources.services.transitions import StateConflict
from workspaces.tasks import raise_job_timeouts


def _timeouts():
    return Event.objects.filter(type="pai:DLC:JobTimeout")


def _running_for(job, minutes: int, status: str = "Running"):
    DlcJob.objects.filter(pk=job.pk).update(status=status, running_since=timezone.now() - timedelta(minutes=minutes))
    job.refresh_from_db()
    return job


@pytest.fixture
def job(activated_workspace, owner):
    return dlc_job_create(workspace=activated_workspace, name="long_train", timeout_minutes=30, actor=owner)


def test_a_job_running_past_its_timeout_raises_job_timeout_exactly_once(job):
    _running_for(job, 31)

    assert raise_job_timeouts() == 1  # the periodic task
    assert raise_job_timeouts() == 0
    assert dlc_jobs_raise_timeouts() == 0

    event = _timeouts().get()
    assert event.resource_id == str(job.pk)
    assert event.envelope["data"]["timeoutMinutes"] == 30
    assert event.envelope["data"]["runningMinutes"] >= 31
    assert event.envelope["data"]["operator"] == "system"
    job.refresh_from_db()
    assert job.timeout_raised_at is not None
    assert job.status == "Running"


def test_a_job_not_yet_past_its_timeout_raises_nothing(job):
    _running_for(job, 29)

    assert dlc_jobs_raise_timeouts() == 0
    assert not _timeouts().exists()


def test_a_job_restarting_by_fault_tolerance_still_counts_as_running(job):
    _running_for(job, 45, status="Restarting")

    assert dlc_jobs_raise_timeouts() == 1


@pytest.mark.parametrize("status", ["Created", "Queuing", "EnvPreparing", "Succeeded", "Failed", "Stopped"])
def test_a_job_that_is_not_running_raises_no_timeout(job, status):
    _running_for(job, 120, status=status)

    assert dlc_jobs_raise_timeouts() == 0


def test_a_job_without_a_timeout_never_times_out(activated_workspace, owner):
    job = dlc_job_create(workspace=activated_workspace, name="open_ended", actor=owner)
    _running_for(job, 10_000)

    assert dlc_jobs_raise_timeouts() == 0


def test_changing_the_timeout_re_arms_the_check(job, owner):
    _running_for(job, 31)
    dlc_jobs_raise_timeouts()

    dlc_job_set_timeout(job=job, timeout_minutes=60, actor=owner)
    assert job.timeout_raised_at is None
    assert dlc_jobs_raise_timeouts() == 0
    _running_for(job, 61)
    assert dlc_jobs_raise_timeouts() == 1
    assert _timeouts().count() == 2


def test_the_timeout_is_checked_and_a_finished_job_keeps_its_settings(job, owner):
    with pytest.raises(ValidationError, match="between 1 and 43200 minutes"):
        dlc_job_set_timeout(job=job, timeout_minutes=0, actor=owner)
    for status in ("Queuing", "EnvPreparing", "Running", "Succeeded"):
        dlc_job_set_status(job=job, status=status, actor=owner)
    with pytest.raises(StateConflict, match="Succeeded"):
        dlc_job_set_timeout(job=job, timeout_minutes=10, actor=owner)
    job.refresh_from_db()
    assert job.timeout_minutes == 30


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_beats_raise_the_timeout_once(activated_workspace, owner):
    if connection.vendor == "sqlite" and ":memory:" in str(connection.settings_dict["NAME"]):
        pytest.skip("needs a database shared between threads")
    job = dlc_job_create(workspace=activated_workspace, name="raced", timeout_minutes=5, actor=owner)
    _running_for(job, 6)
    results: list[int] = []
    barrier = threading.Barrier(2)

    def beat():
        try:
            barrier.wait(timeout=5)
            results.append(dlc_jobs_raise_timeouts())
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(results) == [0, 1]
    assert _timeouts().count() == 1
