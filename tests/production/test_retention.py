"""Retention: `manage.py prune` and the daily beat task delete events past EVENT_RETENTION_DAYS
with their deliveries and attempts, audit entries past AUDIT_RETENTION_DAYS and expired sessions,
in bounded batches of set-based deletes; an event with a pending or retrying delivery, or still in
the outbox, is kept."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from console.retention import prune_history
from notifications.models import Delivery, DeliveryAttempt, Event
from workspaces.models import AuditLogEntry

DAY = timedelta(days=1)


def event(workspace, *, age_days, status="published", routed=True, label="e"):
    now = timezone.now()
    row = Event.objects.create(event_id=f"{label}-{age_days}-{Event.objects.count()}", account=workspace.account,
                               workspace=workspace, source="dlc_job", type="pai:DLC:JobFailed", envelope={"id": label},
                               status=status, routed_at=now if routed else None)
    Event.objects.filter(pk=row.pk).update(created_at=now - age_days * DAY)
    return row


def delivery(event_row, status, attempts=1):
    now = timezone.now()
    row = Delivery.objects.create(event=event_row, channel="dingtalk", status=status, deadline_at=now + DAY,
                                  recipient_key=f"k{Delivery.objects.count()}")
    for number in range(1, attempts + 1):
        DeliveryAttempt.objects.create(delivery=row, number=number, started_at=now, outcome="failed")
    return row


def audit(account, *, age_days):
    row = AuditLogEntry.objects.create(account=account, actor_name="alice", action="rule.create")
    AuditLogEntry.objects.filter(pk=row.pk).update(created_at=timezone.now() - age_days * DAY)
    return row


def test_settings_default_to_30_days_of_events_and_365_of_audit():
    assert settings.EVENT_RETENTION_DAYS == 30 and settings.AUDIT_RETENTION_DAYS == 365


def test_prune_deletes_old_finished_events_with_their_rows_and_keeps_what_still_matters(activated_workspace):
    old_done = event(activated_workspace, age_days=31, label="old-done")
    delivery(old_done, "succeeded", attempts=2)
    delivery(old_done, "dead", attempts=3)
    old_without_deliveries = event(activated_workspace, age_days=40, label="old-none")
    old_retrying = event(activated_workspace, age_days=35, label="old-retrying")
    delivery(old_retrying, "succeeded")
    delivery(old_retrying, "retrying", attempts=4)
    old_pending = event(activated_workspace, age_days=50, label="old-pending")
    delivery(old_pending, "pending", attempts=0)
    old_unrouted = event(activated_workspace, age_days=45, routed=False, label="old-outbox")
    old_not_published = event(activated_workspace, age_days=45, status="not_published", routed=False, label="np")
    young = event(activated_workspace, age_days=29, label="young")
    delivery(young, "succeeded")
    account = activated_workspace.account
    audit(account, age_days=366)
    kept_audit = audit(account, age_days=364)
    Session.objects.create(session_key="expired", session_data="x", expire_date=timezone.now() - DAY)
    Session.objects.create(session_key="alive", session_data="x", expire_date=timezone.now() + DAY)

    result = prune_history()

    assert (result.events, result.deliveries, result.attempts) == (3, 2, 5)
    assert result.audit_entries == 1 and result.sessions == 1 and result.complete
    assert set(Event.objects.values_list("pk", flat=True)) == {old_retrying.pk, old_pending.pk, old_unrouted.pk,
                                                              young.pk}
    assert not Event.objects.filter(pk__in=[old_done.pk, old_without_deliveries.pk, old_not_published.pk]).exists()
    assert Delivery.objects.filter(event=old_retrying).count() == 2  # the event is kept whole
    assert DeliveryAttempt.objects.filter(delivery__event=old_retrying).count() == 5
    assert list(AuditLogEntry.objects.values_list("pk", flat=True)) == [kept_audit.pk]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["alive"]


def test_prune_goes_in_batches_of_a_few_set_based_statements(activated_workspace):
    for number in range(7):
        delivery(event(activated_workspace, age_days=31 + number, label=f"b{number}"), "succeeded", attempts=2)
    with CaptureQueriesContext(connection) as captured:
        result = prune_history(batch_size=3)
    assert result.events == 7 and result.batches == 3  # 3 + 3 + 1
    deletes = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("DELETE")]
    # Per batch: attempts, deliveries, events; nothing read row by row in Python.
    assert len([sql for sql in deletes if "notifications_deliveryattempt" in sql]) == 3
    assert len([sql for sql in deletes if sql.startswith('DELETE FROM "notifications_event"')]) == 3
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert not any("notifications_deliveryattempt" in sql.split("FROM", 1)[1][:40] for sql in selects)


def test_a_time_budget_stops_early_and_the_next_run_goes_on(activated_workspace):
    for number in range(3):
        event(activated_workspace, age_days=40, label=f"t{number}")
    stopped = prune_history(batch_size=1, max_seconds=1e-9)
    assert not stopped.complete and Event.objects.count() == 3
    assert prune_history(batch_size=1).events == 3


def test_the_command_prints_what_it_deleted_and_takes_other_periods(activated_workspace):
    event(activated_workspace, age_days=8, label="week-old")
    out = StringIO()
    call_command("prune", "--event-days", "7", stdout=out)
    assert "Deleted 1 events" in out.getvalue() and not Event.objects.exists()
    with pytest.raises(SystemExit):
        call_command("prune", "--batch-size", "0", stdout=StringIO(), stderr=StringIO())


def test_beat_runs_the_prune_task_daily_with_an_expiry():
    entry = settings.CELERY_BEAT_SCHEDULE["prune-history"]
    assert entry["task"] == "console.tasks.prune_history" and entry["schedule"] == 86400.0
    assert entry["options"]["expires"] > 0
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert 0 < entry["options"]["expires"] <= entry["schedule"], name


def test_the_prune_task_returns_its_counts(activated_workspace):
    from console.tasks import prune_history as task

    event(activated_workspace, age_days=90, label="task")
    assert task() == {"events": 1, "deliveries": 0, "attempts": 0, "audit_entries": 0, "sessions": 0, "batches": 1,
                      "complete": True}
