"""Celery tasks: thin faces over services. They take ids, re-fetch, and return quietly when the row
is gone. They are routed by CELERY_TASK_ROUTES in settings, except `deliver`, which is sent to the
queue of its delivery's channel (declared in the channel's package).

A database that is briefly unavailable (locked, restarting) makes a task retry a bounded number of
times with backoff and jitter; everything else a delivery can meet (a bot refusing, a timeout) is
handled by the delivery service itself, which records the attempt and schedules its own retry.
"""

from celery import current_app, shared_task
from django.db import DatabaseError

from notifications.services.delivery import deliveries_requeue_overdue, delivery_send
from notifications.services.events import ROUTE_TASK, events_requeue_unenqueued
from notifications.services.recovery import recovery_run
from notifications.services.replay import replay_run, replays_requeue_stalled
from notifications.services.routing_batch import events_route_drain

DB_RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 1,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="notifications.tasks.route_event", acks_late=True, bind=True, **DB_RETRY)
def route_event(self, event_id: int) -> int:
    """The routing wake-up (one per publishing transaction; `event_id` is its first event, for the
    logs): routing passes over every ready event until they come back short. Returns how many
    deliveries were created. Passes still full at the drain's time limit wake one more task."""
    created, more = events_route_drain(worker=self.request.hostname or "")
    if more:
        current_app.send_task(ROUTE_TASK, args=[event_id])
    return created


@shared_task(name="notifications.tasks.deliver", acks_late=True, **DB_RETRY)
def deliver(delivery_id: int) -> str:
    """Send one delivery once (it waits in its channel's queue: chat, http, email, telephony, eas)."""
    return delivery_send(delivery_id=delivery_id)


@shared_task(name="notifications.tasks.requeue_unenqueued_events")
def requeue_unenqueued_events() -> int:
    """The outbox sweeper: enqueue published events whose enqueue at commit never happened."""
    return events_requeue_unenqueued()


@shared_task(name="notifications.tasks.requeue_overdue_deliveries")
def requeue_overdue_deliveries() -> int:
    """Re-enqueue deliveries whose next attempt is overdue (their task was lost with a broker)."""
    return deliveries_requeue_overdue()


@shared_task(name="notifications.tasks.recover", acks_late=True, **DB_RETRY)
def recover(recovery_id: int) -> int:
    """Send the dead, failed and skipped deliveries of one recover request again (each once)."""
    return recovery_run(recovery_id=recovery_id)


@shared_task(name="notifications.tasks.replay", acks_late=True, **DB_RETRY)
def replay(job_id: int) -> int:
    """Run (or resume) one replay job: its window's events, chunk by chunk, as new deliveries."""
    return replay_run(job_id=job_id)


@shared_task(name="notifications.tasks.requeue_stalled_replays")
def requeue_stalled_replays() -> int:
    """Re-enqueue replays that have not moved for REPLAY_STALL_SECONDS (their task was lost); fail those
    re-enqueued REPLAY_STALL_REQUEUES times without moving."""
    return replays_requeue_stalled()
