"""A replay whose task was lost: the beat sweep enqueues it again after REPLAY_STALL_SECONDS without
progress, and fails it (reason on its row) after REPLAY_STALL_REQUEUES such re-enqueues. The clock
is stepped by moving the job's progress mark back; the re-enqueued task is run in the test."""

from datetime import timedelta

from django.utils import timezone

from console.celery import app
from notifications.models import Event, ReplayJob
from notifications.services.replay import REPLAY_QUEUE, REPLAY_TASK, replay_run, replay_start, replays_requeue_stalled


def step(job, seconds):
    """As if `seconds` passed since the job last moved (or was last re-enqueued)."""
    ReplayJob.objects.filter(pk=job.pk).update(progressed_at=timezone.now() - timedelta(seconds=seconds))


def sweep(capture):
    """One sweep; (jobs handled, tasks it enqueued on commit)."""
    with capture(execute=False) as enqueued:
        handled = replays_requeue_stalled()
    return handled, len(enqueued)


def test_a_lost_replay_is_enqueued_again_after_the_grace_and_resumes_at_its_cursor(
        owner, activated_workspace, yesterday, settings, empty_broker_queues, django_capture_on_commit_callbacks):
    _, failed, _, start = yesterday
    settings.REPLAY_STALL_SECONDS, settings.REPLAY_CHUNK_EVENTS = 120, 1
    assert app.amqp.router.route({}, REPLAY_TASK)["queue"].name == REPLAY_QUEUE
    with django_capture_on_commit_callbacks(execute=False):  # its task is lost with the broker
        job = replay_start(actor=owner, workspace=activated_workspace, start=start)
    assert sweep(django_capture_on_commit_callbacks) == (0, 0)  # fresh
    step(job, 119)
    assert sweep(django_capture_on_commit_callbacks) == (0, 0)
    step(job, 121)
    app.send_task(REPLAY_TASK, args=[job.pk])  # its task still waits in the queue (a backlog): left alone
    assert sweep(django_capture_on_commit_callbacks) == (0, 0)
    app.control.purge()  # now it is lost
    assert sweep(django_capture_on_commit_callbacks) == (1, 1)
    job.refresh_from_db()
    assert (job.state, job.stalled_requeues) == ("queued", 1)
    assert sweep(django_capture_on_commit_callbacks) == (0, 0)  # re-enqueued now: another grace first

    # Its task ran one chunk, then its database retries ran out: running, stuck at its cursor.
    ReplayJob.objects.filter(pk=job.pk).update(state="running", done=1, last_event_id=failed[0].pk)
    step(job, 121)
    assert sweep(django_capture_on_commit_callbacks) == (1, 1)
    assert replay_run(job_id=job.pk) == 3  # what the re-enqueued task does: resume after the cursor
    job.refresh_from_db()
    assert (job.state, job.done, job.deliveries_created, job.stalled_requeues) == ("finished", 4, 3, 0)
    step(job, 1000)
    assert sweep(django_capture_on_commit_callbacks) == (0, 0)  # ended jobs are not swept


def test_a_replay_that_never_moves_fails_after_the_allowed_requeues_with_the_reason_on_its_row(
        owner, owner_client, activated_workspace, yesterday, settings, empty_broker_queues,
        django_capture_on_commit_callbacks):
    *_, start = yesterday
    settings.REPLAY_STALL_SECONDS, settings.REPLAY_STALL_REQUEUES = 120, 2
    with django_capture_on_commit_callbacks(execute=False):
        job = replay_start(actor=owner, workspace=activated_workspace, start=start)
    results = []
    for _ in range(2):
        step(job, 121)
        results.append(sweep(django_capture_on_commit_callbacks))
    assert results == [(1, 1), (1, 1)]
    step(job, 121)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert replays_requeue_stalled() == 1
    assert len(callbacks) == 1  # no task: the Replay Finished notice only
    notice = Event.objects.get(type="pai:NotificationSystem:ReplayFinished")
    assert (notice.resource_name, notice.envelope["data"]["newStatus"]) == (f"Replay {job.pk} (all rules)", "failed")
    job.refresh_from_db()
    assert (job.state, job.stalled_requeues, job.finished_at is not None) == ("failed", 2, True)
    assert job.error == ("Stalled: no progress after 2 re-enqueues, 120 s apart (REPLAY_STALL_SECONDS), at 0 of 4 "
                         "events. Start a new replay from where it stopped.")
    row = owner_client.get(f"/workspaces/{activated_workspace.pk}/replays/").content.decode()
    assert 'data-state="failed"' in row and "Stalled: no progress after 2 re-enqueues" in row
    # The bus is free again.
    with django_capture_on_commit_callbacks(execute=False):
        assert replay_start(actor=owner, workspace=activated_workspace, start=start).state == "queued"
