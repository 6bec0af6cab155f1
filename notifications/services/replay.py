"""Replay: the published events of a bus in a time window (optionally one source and some event
types) sent again, to every enabled rule of the bus or to one rule.

The archive is the events table itself: events are kept EVENT_RETENTION_DAYS (`manage.py prune`
deletes older ones), so a window reaches back that far. A replay is a job (`ReplayJob`): created
queued, with the window's event count (`matched`; more than REPLAY_MAX_EVENTS is refused), then run
by the `replay` task in chunks of REPLAY_CHUNK_EVENTS events in id order. Each chunk, in one
transaction with the job's row locked: the events after the job's cursor, their matching rules as
they are now (routing's routing keys), one NEW delivery per recipient pointing at the job (unique per
job, event and recipient: a chunk run twice creates nothing new), the cursor and the counts saved.
The original deliveries are never touched. Targets whose method acts rather than tells (an EAS service
update: `DeliveryMethod.replayable`) are left out. The new deliveries go through the normal path: their
channel's queue, the bot's rate limit, target health (a disabled target's are skipped), usage billing.
A replay's message keeps the original event id (receivers de-duplicate by it) and says it is a replay
(HTTP: the CloudEvents extension attribute `replayjobid`; chat and email: a "[Replay]" line).

A job whose task was lost (a broker restart while it was queued, database retries run out while it
was running) would hold its bus: the beat sweep `replays_requeue_stalled` enqueues again a queued or
running job that has not moved for REPLAY_STALL_SECONDS (the task resumes at the cursor, so a copy is
harmless), and after REPLAY_STALL_REQUEUES such re-enqueues without progress marks it failed.

One job queued or running per bus at a time (a second is refused with the current one, and a
database constraint backs the check). Cancel stops the job between chunks; the deliveries already
created are sent as any other.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone

from console.queues import queues_with_waiting_messages
from notifications import catalog
from notifications.channels.registry import get_method
from notifications.models import Delivery, Event, ReplayJob, Rule, Target, TargetHealth
from notifications.services.delivery import ACTIVE, delivery_enqueue, skipped_reason
from notifications.services.platform_events import platform_event_replay_finished
from notifications.services.routing import matching_rule_ids, target_recipients
from notifications.services.routing_keys import event_scope_keys
from workspaces.iam.audit import audit_record
from workspaces.iam.operations import BUS, Check, operation
from workspaces.models import Workspace

logger = logging.getLogger(__name__)

REPLAY_TASK = "notifications.tasks.replay"
REPLAY_QUEUE = "default"  # where CELERY_TASK_ROUTES sends it


class ReplayRefused(Exception):
    """The replay cannot start: `field` names the input at fault ("window", "source", "event_types",
    "rule"), or the job cannot be cancelled ("state")."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field


class ReplayBusy(Exception):
    """A replay of this bus is queued or running: `current` is that job."""

    def __init__(self, current: ReplayJob):
        super().__init__(f"Replay {current.pk} of this bus is {current.state}: wait for it to finish or cancel it, "
                         "then start another.")
        self.current = current


WORKSPACE_VALUES = {"values": lambda workspace, **_: {"account": workspace.account, "workspace": workspace.name}}


def window_events(*, bus_id: int, start, end, source: str = "", event_types=()):
    """The published events of the bus in [start, end), of the source and types when given."""
    events = Event.objects.filter(bus_id=bus_id, status=Event.Status.PUBLISHED, created_at__gte=start,
                                  created_at__lt=end)
    if source:
        events = events.filter(source=source)
    if event_types:
        events = events.filter(type__in=list(event_types))
    return events


def _checked(*, workspace, start, end, source: str, event_types, rule_id):
    now = timezone.now()
    end = min(end, now) if end else now
    if start >= end:
        raise ReplayRefused("From must be before To (and before now).", field="window")
    if source and source not in catalog.SOURCES_BY_KEY:
        raise ReplayRefused(f"Source: unknown event source {source!r}; accepted: "
                            f"{', '.join(catalog.SOURCES_BY_KEY)} (or none for every source).", field="source")
    event_types = sorted(set(event_types or ()))
    for key in event_types:
        of = catalog.source_for_type(key)
        if of is None or (source and of.key != source):
            where = f"of source {source}" if source else "of the catalog"
            raise ReplayRefused(f"Event types: {key!r} is not an event type {where}; accepted: the keys GET "
                                "/api/v1/catalog/ lists (e.g. pai:DLC:JobFailed).", field="event_types")
    rule = None
    if rule_id is not None:
        rule = Rule.objects.filter(pk=rule_id, bus=workspace.event_bus).first()
        if rule is None:
            raise ReplayRefused("Rule: no such rule on this workspace's bus.", field="rule")
        if not rule.enabled:
            raise ReplayRefused(f"Rule: {rule.name} is disabled; enable it first, or replay to every enabled "
                                "rule.", field="rule")
    return end, event_types, rule


@operation(Check("eventbridge:PutEvents", BUS), **WORKSPACE_VALUES)
def replay_start(*, actor, workspace, start, end=None, source: str = "", event_types=(),
                 rule_id: int | None = None) -> ReplayJob:
    """Create a replay job (queued) and enqueue its task when this commits. Needs
    eventbridge:PutEvents on the bus. Raises ReplayRefused (bad input, too many events) or ReplayBusy."""
    bus = getattr(workspace, "event_bus", None)
    if bus is None:
        raise ReplayRefused("This workspace has no event bus: activate EventBridge first.", field="window")
    end, event_types, rule = _checked(workspace=workspace, start=start, end=end, source=source,
                                      event_types=event_types, rule_id=rule_id)
    with transaction.atomic():
        Workspace.objects.select_for_update().filter(pk=workspace.pk).first()  # one start at a time
        current = ReplayJob.objects.filter(bus=bus, state__in=ReplayJob.ACTIVE_STATES).first()
        if current is not None:
            raise ReplayBusy(current)
        matched = window_events(bus_id=bus.pk, start=start, end=end, source=source, event_types=event_types).count()
        limit = settings.REPLAY_MAX_EVENTS
        if matched > limit:
            raise ReplayRefused(f"The window holds {matched:,} events; a replay takes at most {limit:,} "
                                "(REPLAY_MAX_EVENTS): choose a shorter window, a source or event types.",
                                field="window")
        try:
            with transaction.atomic():
                job = ReplayJob.objects.create(
                    workspace=workspace, bus=bus, window_start=start, window_end=end, source=source,
                    event_types=event_types, rule=rule, matched=matched, progressed_at=timezone.now(),
                    requested_by=actor if getattr(actor, "pk", None) else None)
        except IntegrityError:  # another start won the race the lock did not cover
            raise ReplayBusy(ReplayJob.objects.get(bus=bus, state__in=ReplayJob.ACTIVE_STATES)) from None
        audit_record(actor=actor, account=workspace.account, action="event.replay", obj=job, changes={
            "window": [None, f"{start.isoformat()} – {end.isoformat()}"], "source": [None, source or "all"],
            "event_types": [None, ", ".join(event_types) or "all"], "rule": [None, job.scope_label],
            "matched": [None, matched]})
        transaction.on_commit(lambda: _task_send(job.pk), robust=True)
    return job


def replays_requeue_stalled() -> int:
    """Enqueue again the queued and running replays that have not moved for REPLAY_STALL_SECONDS (their
    task was lost); mark failed, with the reason, those already re-enqueued REPLAY_STALL_REQUEUES times
    without moving. Left alone while the task's queue still holds messages no worker has taken (the
    job's own task may be waiting there). Returns how many jobs were re-enqueued or failed."""
    now = timezone.now()
    stalled_before = now - timedelta(seconds=settings.REPLAY_STALL_SECONDS)
    stalled = (ReplayJob.objects.filter(state__in=ReplayJob.ACTIVE_STATES)
               .alias(moved_at=Coalesce("progressed_at", "created_at")).filter(moved_at__lt=stalled_before))
    job_ids = list(stalled.values_list("pk", flat=True))
    if not job_ids or queues_with_waiting_messages({REPLAY_QUEUE}):
        return 0
    handled = 0
    for job_id in job_ids:
        with transaction.atomic():
            job = stalled.select_for_update().filter(pk=job_id).first()
            if job is None:  # it moved, ended or was cancelled meanwhile
                continue
            handled += 1
            if job.stalled_requeues >= settings.REPLAY_STALL_REQUEUES:
                job.state, job.finished_at = ReplayJob.State.FAILED, now
                job.error = (f"Stalled: no progress after {job.stalled_requeues} re-enqueues, "
                             f"{settings.REPLAY_STALL_SECONDS} s apart (REPLAY_STALL_SECONDS), at {job.done} of "
                             f"{job.matched} events. Start a new replay from where it stopped.")
                job.save(update_fields=["state", "finished_at", "error"])
                logger.warning("replay %s failed: %s", job.pk, job.error)
                replay_announce(job, actor=job.requested_by)
                continue
            job.stalled_requeues += 1
            job.progressed_at = now  # the next sweep waits another grace period
            job.save(update_fields=["stalled_requeues", "progressed_at"])
            logger.warning("replay %s has not moved since %s: enqueued again (%s of %s)", job.pk, stalled_before,
                           job.stalled_requeues, settings.REPLAY_STALL_REQUEUES)
            transaction.on_commit(lambda job_id=job.pk: current_app.send_task(REPLAY_TASK, args=[job_id]),
                                  robust=True)
    return handled


def _task_send(job_id: int) -> None:
    try:
        current_app.send_task(REPLAY_TASK, args=[job_id])
    except Exception:  # the broker refused: run it here (its deliveries' own tasks go to the sweeper)
        logger.warning("could not enqueue replay %s; running it in the request", job_id, exc_info=True)
        replay_run(job_id=job_id)


@operation(Check("eventbridge:PutEvents", BUS), **WORKSPACE_VALUES)
def replay_cancel(*, actor, workspace, job_id: int) -> ReplayJob:
    """Cancel a queued or running replay: it stops before its next chunk. Raises ReplayRefused for a
    job that already ended."""
    with transaction.atomic():
        job = ReplayJob.objects.select_for_update().get(pk=job_id, workspace=workspace)
        if not job.is_active:
            raise ReplayRefused(f"Replay {job.pk} is {job.state}: only a queued or running replay can be "
                                "cancelled.", field="state")
        old = job.state
        job.state, job.finished_at = ReplayJob.State.CANCELLED, timezone.now()
        job.save(update_fields=["state", "finished_at"])
        audit_record(actor=actor, account=workspace.account, action="event.replay_cancel", obj=job,
                     changes={"state": [old, job.state], "done": [None, job.done]})
        replay_announce(job, actor=actor)
    return job


@operation(Check("eventbridge:QueryEvent", BUS), **WORKSPACE_VALUES)
def replay_list(*, actor, workspace):
    """The workspace's replays, newest first."""
    return ReplayJob.objects.filter(workspace=workspace).select_related("rule", "requested_by")


@operation(Check("eventbridge:QueryEvent", BUS), **WORKSPACE_VALUES)
def replay_get(*, actor, workspace, job_id: int) -> ReplayJob:
    return ReplayJob.objects.select_related("rule", "requested_by").get(pk=job_id, workspace=workspace)


def replay_rules(*, workspace):
    """The rules a replay may be sent to alone: the enabled rules of the workspace's bus."""
    return Rule.objects.filter(bus__workspace=workspace, enabled=True).order_by("name")


def replay_delivered(job: ReplayJob) -> int:
    """How many of the job's deliveries succeeded so far."""
    return Delivery.objects.filter(replay_job=job, status=Delivery.Status.SUCCEEDED).count()


def replay_sending(job: ReplayJob) -> bool:
    """Whether some of the job's deliveries are still to be sent (pending or retrying)."""
    return Delivery.objects.filter(replay_job=job, status__in=ACTIVE).exists()


# --- the task's side ----------------------------------------------------------------------------


def replay_run(*, job_id: int) -> int:
    """Run (or resume) a job, chunk after chunk, until its window is done or it is cancelled.
    Idempotent: a job that ended does nothing; a second run of a running job resumes at its cursor,
    and a chunk never creates a delivery twice. Returns how many events this run replayed."""
    now = timezone.now()
    started = ReplayJob.objects.filter(pk=job_id, state=ReplayJob.State.QUEUED).update(
        state=ReplayJob.State.RUNNING, started_at=now, progressed_at=now, stalled_requeues=0)
    if not started and not ReplayJob.objects.filter(pk=job_id, state=ReplayJob.State.RUNNING).exists():
        return 0  # gone, finished, cancelled or failed
    replayed = 0
    try:
        while True:
            count, more = _chunk(job_id)
            replayed += count
            if not more:
                break
    except DatabaseError:
        raise  # the database is away: the task retries and resumes at the cursor
    except Exception as exc:
        logger.exception("replay %s failed", job_id)
        _fail(job_id, f"{exc.__class__.__name__}: {exc}"[:1024])
    return replayed


def _fail(job_id: int, error: str) -> None:
    """Mark a running job failed and say so on its bus (Replay Finished, newStatus "failed")."""
    with transaction.atomic():
        job = (ReplayJob.objects.select_for_update(of=("self",)).select_related("workspace", "rule", "requested_by")
               .filter(pk=job_id, state=ReplayJob.State.RUNNING).first())
        if job is None:
            return
        job.state, job.error, job.finished_at = ReplayJob.State.FAILED, error, timezone.now()
        job.save(update_fields=["state", "error", "finished_at"])
        replay_announce(job, actor=job.requested_by)


def _chunk(job_id: int) -> tuple[int, bool]:
    """Replay the next chunk of the job: (events replayed, whether to go on)."""
    with transaction.atomic():
        job = ReplayJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != ReplayJob.State.RUNNING:  # cancelled between chunks
            return 0, False
        events = list(
            window_events(bus_id=job.bus_id, start=job.window_start, end=job.window_end, source=job.source,
                          event_types=job.event_types)
            .filter(pk__gt=job.last_event_id).select_related("workspace", "account").order_by("pk")
            [:settings.REPLAY_CHUNK_EVENTS])
        if not events:
            replay_finish(job)
            return 0, False
        created = _deliveries(job, events)
        job.done = min(job.matched, job.done + len(events)) if job.matched else job.done + len(events)
        job.last_event_id = events[-1].pk
        job.deliveries_created += created
        job.progressed_at, job.stalled_requeues = timezone.now(), 0
        job.save(update_fields=["done", "last_event_id", "deliveries_created", "progressed_at", "stalled_requeues"])
    return len(events), True


def _targets(job: ReplayJob) -> dict[int, list[Target]]:
    """The targets of the rules the job sends to, as they are now, by rule id (not the EAS updates)."""
    rules = Rule.objects.filter(bus_id=job.bus_id, enabled=True)
    if job.rule_id:
        rules = rules.filter(pk=job.rule_id)
    targets = [target for target in Target.objects.filter(rule__in=rules).select_related("rule")
               .order_by("rule_id", "position", "id") if get_method(target.method).replayable]
    with_contacts = [target for target in targets if get_method(target.method).needs_contacts]
    if with_contacts:
        prefetch_related_objects(with_contacts, "contact_links__contact")
    by_rule: dict[int, list[Target]] = {}
    for target in targets:
        by_rule.setdefault(target.rule_id, []).append(target)
    return by_rule


def _deliveries(job: ReplayJob, events: list[Event]) -> int:
    """The chunk's new deliveries (in the caller's transaction), enqueued when it commits."""
    targets_of = _targets(job)
    existing = set(Delivery.objects.filter(replay_job=job, event__in=events)
                   .values_list("event_id", "target_id", "recipient_key"))
    now = timezone.now()
    deadline = now + timedelta(seconds=settings.DELIVERY_DEADLINE_SECONDS)
    new = []
    rules_of: dict[tuple, list[int]] = {}  # events of one type and scope match the same rules: one query
    for event in events:
        key = (event.type, tuple(event_scope_keys(event)))
        if key not in rules_of:
            rules_of[key] = matching_rule_ids(event)
        for rule_id in rules_of[key]:
            for target in targets_of.get(rule_id, ()):
                for channel, recipient_key, contact, label in target_recipients(target, event.type):
                    if (event.pk, target.pk, recipient_key) in existing:
                        continue
                    delivery = Delivery(event=event, target=target, recipient_key=recipient_key, rule=target.rule,
                                        contact=contact, workspace_id=event.workspace_id, channel=channel.key,
                                        recipient_label=label[:256], deadline_at=deadline, next_attempt_at=now,
                                        replay_job=job)
                    if target.health == TargetHealth.DISABLED:  # recorded, not attempted, not billed
                        delivery.status, delivery.next_attempt_at = Delivery.Status.SKIPPED, None
                        delivery.last_error = skipped_reason(target)
                    new.append(delivery)
    Delivery.objects.bulk_create(new)
    for delivery in new:
        if delivery.status == Delivery.Status.PENDING:
            delivery_enqueue(delivery=delivery)
    return len(new)


def replay_finish(job: ReplayJob) -> None:
    """The job's window is done: mark it finished (in the caller's transaction, its row locked)."""
    job.state, job.finished_at = ReplayJob.State.FINISHED, timezone.now()
    job.save(update_fields=["state", "finished_at"])
    logger.info("replay %s finished: %s events, %s deliveries", job.pk, job.done, job.deliveries_created)
    replay_announce(job, actor=job.requested_by)


def replay_announce(job: ReplayJob, *, actor) -> None:
    """Replay Finished on the bus (the Notification system source), after the caller's transaction
    commits: the events replayed, and the replay's deliveries that had succeeded or died by then (the
    others are still on their way through the normal path)."""
    statuses = list(job.deliveries.values_list("status", flat=True))
    platform_event_replay_finished(
        workspace=job.workspace, job_id=job.pk, rule_name=job.rule.name if job.rule_id else "",
        rule_id=job.rule_id, replayed=job.done, delivered=statuses.count(Delivery.Status.SUCCEEDED),
        failed=statuses.count(Delivery.Status.DEAD), status=job.state, actor=actor)
