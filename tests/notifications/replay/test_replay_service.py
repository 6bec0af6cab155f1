"""Replay as a service: the window and its filters, the bound, one job per bus, cancel, and the task
run twice (no worker: the deliveries' own tasks are left on commit; the replay runs in the test)."""

import pytest

from notifications.channels.http.adapter import message_envelope
from notifications.models import Delivery, ReplayJob
from notifications.services.messages import message_for_delivery
from notifications.services.replay import (
    ReplayBusy,
    ReplayRefused,
    replay_cancel,
    replay_run,
    replay_start,
)
from tests.notifications.delivery.builders import add_target, make_rule
from workspaces.iam.models import AuditLogEntry


def originals():
    return sorted(Delivery.objects.filter(replay_job__isnull=True).values_list("pk", "status", "updated_at",
                                                                                 "attempt_count"))


def replayed(job):
    return sorted(Delivery.objects.filter(replay_job=job).values_list("event__resource_name", "rule__name"))


def test_a_replay_sends_the_window_s_events_of_the_chosen_types_to_every_enabled_rule_as_new_deliveries(
        owner, activated_workspace, yesterday, django_capture_on_commit_callbacks):
    old_rule, failed, succeeded, start = yesterday
    new_rule = make_rule(activated_workspace, name="new-rule", types=("JobFailed",))
    add_target(new_rule, "dingtalk", secrets={"webhook": "https://oapi.dingtalk.com/robot/send?access_token=x"})
    make_rule(activated_workspace, name="off-rule", types=("JobFailed",), enabled=False)
    before = originals()
    with django_capture_on_commit_callbacks(execute=False):
        job = replay_start(actor=owner, workspace=activated_workspace, start=start, source="dlc_job",
                           event_types=["pai:DLC:JobFailed"])
    assert (job.state, job.matched, job.rule) == ("queued", 3, None)
    assert replay_run(job_id=job.pk) == 3
    job.refresh_from_db()
    assert (job.state, job.done, job.deliveries_created) == ("finished", 3, 6)
    assert replayed(job) == [(f"job-{n}", rule) for n in (1, 2, 3) for rule in ("new-rule", "old-rule")]
    assert originals() == before  # never touched
    entry = AuditLogEntry.objects.get(action="event.replay")
    assert entry.changes["matched"] == [None, 3] and entry.actor == owner


def test_a_replay_to_one_rule_sends_every_type_of_the_window_to_that_rule_only(
        owner, activated_workspace, yesterday, django_capture_on_commit_callbacks):
    old_rule, failed, succeeded, start = yesterday
    with django_capture_on_commit_callbacks(execute=False):
        job = replay_start(actor=owner, workspace=activated_workspace, start=start, rule_id=old_rule.pk)
    replay_run(job_id=job.pk)
    assert replayed(job) == [(f"job-{n}", "old-rule") for n in (1, 2, 3, 4)]


def test_a_replayed_message_keeps_the_event_id_and_says_it_is_a_replay(owner, activated_workspace, yesterday):
    rule, failed, _, start = yesterday
    job = replay_start(actor=owner, workspace=activated_workspace, start=start, rule_id=rule.pk)
    replay_run(job_id=job.pk)
    delivery = Delivery.objects.filter(replay_job=job).select_related("event", "target").first()
    envelope = message_envelope(message_for_delivery(delivery.event, delivery.target, "http",
                                                     replay_job_id=job.pk))
    assert envelope["id"] == delivery.event.event_id and envelope["replayjobid"] == str(job.pk)
    chat = message_for_delivery(delivery.event, delivery.target, "dingtalk", replay_job_id=job.pk)
    assert chat.title.startswith("[Replay] ") and chat.body.startswith("[Replay]\n\n")
    assert "replayjobid" not in message_envelope(message_for_delivery(delivery.event, delivery.target, "http"))


def test_the_input_is_checked_and_a_window_over_the_bound_is_refused_naming_count_and_limit(
        owner, activated_workspace, yesterday, settings):
    rule, _, _, start = yesterday
    settings.REPLAY_MAX_EVENTS = 3
    with pytest.raises(ReplayRefused) as refused:
        replay_start(actor=owner, workspace=activated_workspace, start=start)
    assert "holds 4 events" in str(refused.value) and "at most 3 (REPLAY_MAX_EVENTS)" in str(refused.value)
    cases = [({"end": start}, "window", "From must be before To"),
             ({"source": "nope"}, "source", "unknown event source 'nope'"),
             ({"source": "model", "event_types": ["pai:DLC:JobFailed"]}, "event_types", "not an event type of source"),
             ({"rule_id": 10**9}, "rule", "no such rule")]
    for extra, field, words in cases:
        with pytest.raises(ReplayRefused) as refused:
            replay_start(actor=owner, workspace=activated_workspace, start=start, **extra)
        assert refused.value.field == field and words in str(refused.value), extra
    assert not ReplayJob.objects.exists()


def test_one_replay_per_bus_at_a_time_and_cancel_stops_it_before_its_next_chunk(
        owner, activated_workspace, yesterday, settings, django_capture_on_commit_callbacks):
    _, failed, _, start = yesterday
    with django_capture_on_commit_callbacks(execute=False):
        first = replay_start(actor=owner, workspace=activated_workspace, start=start)
        with pytest.raises(ReplayBusy) as busy:
            replay_start(actor=owner, workspace=activated_workspace, start=start)
        assert busy.value.current == first and "is queued" in str(busy.value)
        cancelled = replay_cancel(actor=owner, workspace=activated_workspace, job_id=first.pk)
        assert cancelled.state == "cancelled" and replay_run(job_id=first.pk) == 0
        with pytest.raises(ReplayRefused):
            replay_cancel(actor=owner, workspace=activated_workspace, job_id=first.pk)
        second = replay_start(actor=owner, workspace=activated_workspace, start=start)
    assert not Delivery.objects.filter(replay_job=first).exists()
    assert AuditLogEntry.objects.filter(action="event.replay_cancel").count() == 1

    # A run that stopped after its first chunk (a worker lost) is resumed at its cursor, and a
    # second run of the same job creates nothing new (the task is idempotent).
    settings.REPLAY_CHUNK_EVENTS = 1
    ReplayJob.objects.filter(pk=second.pk).update(state="running", done=1, last_event_id=failed[0].pk)
    assert replay_run(job_id=second.pk) == 3
    assert replay_run(job_id=second.pk) == 0
    second.refresh_from_db()
    assert (second.state, second.done, second.deliveries_created) == ("finished", 4, 3)
    assert [name for name, _ in replayed(second)] == ["job-2", "job-3", "job-4"]


def test_a_replay_that_ends_or_is_cancelled_raises_replay_finished_on_its_bus(
        owner, activated_workspace, yesterday, django_capture_on_commit_callbacks):
    from notifications.models import Event

    rule, _, _, start = yesterday
    with django_capture_on_commit_callbacks(execute=True):
        job = replay_start(actor=owner, workspace=activated_workspace, start=start, rule_id=rule.pk)
    with django_capture_on_commit_callbacks(execute=True):
        replay_run(job_id=job.pk)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = replay_start(actor=owner, workspace=activated_workspace, start=start)
        replay_cancel(actor=owner, workspace=activated_workspace, job_id=cancelled.pk)
    notices = Event.objects.filter(type="pai:NotificationSystem:ReplayFinished").order_by("pk")
    assert [(e.resource_name, e.envelope["data"]["replayed"], e.envelope["data"]["newStatus"]) for e in notices] == [
        (f"Replay {job.pk} (old-rule)", "4", "finished"),
        (f"Replay {cancelled.pk} (all rules)", "0", "cancelled"),
    ]


def test_a_replay_that_fails_says_so_on_its_bus_with_the_reason_on_its_row(
        owner, activated_workspace, yesterday, monkeypatch, django_capture_on_commit_callbacks):
    from notifications.models import Event
    from notifications.services import replay

    *_, start = yesterday
    with django_capture_on_commit_callbacks(execute=True):
        job = replay_start(actor=owner, workspace=activated_workspace, start=start)

    def broken_chunk(job_id):
        raise ValueError("a template that cannot render")

    monkeypatch.setattr(replay, "_chunk", broken_chunk)
    with django_capture_on_commit_callbacks(execute=True):
        assert replay_run(job_id=job.pk) == 0
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "ValueError: a template that cannot render")
    notice = Event.objects.get(type="pai:NotificationSystem:ReplayFinished")
    assert (notice.resource_name, notice.envelope["data"]["newStatus"], notice.envelope["data"]["replayed"]) == (
        f"Replay {job.pk} (all rules)", "failed", "0")
