"""Celery tasks: thin faces over services. They take ids, re-fetch, and return quietly when the row
is gone. Routing to queues is the one table CELERY_TASK_ROUTES in settings."""

from celery import shared_task


@shared_task(name="notifications.tasks.route_event", acks_late=True)
def route_event(event_id: int) -> int:
    """Match one event against the enabled rules of its bus; one delivery per recipient; enqueue."""
    from notifications.services.routing import event_route

    return event_route(event_id=event_id)


def _deliver(delivery_id: int) -> None:
    from notifications.services.delivery import delivery_send

    delivery_send(delivery_id=delivery_id)


@shared_task(name="notifications.tasks.deliver_chat", acks_late=True)
def deliver_chat(delivery_id: int) -> None:
    _deliver(delivery_id)


@shared_task(name="notifications.tasks.deliver_http", acks_late=True)
def deliver_http(delivery_id: int) -> None:
    _deliver(delivery_id)


@shared_task(name="notifications.tasks.deliver_email", acks_late=True)
def deliver_email(delivery_id: int) -> None:
    _deliver(delivery_id)


@shared_task(name="notifications.tasks.deliver_telephony", acks_late=True)
def deliver_telephony(delivery_id: int) -> None:
    _deliver(delivery_id)


@shared_task(name="notifications.tasks.deliver_eas", acks_late=True)
def deliver_eas(delivery_id: int) -> None:
    _deliver(delivery_id)


@shared_task(name="notifications.tasks.requeue_unenqueued_events")
def requeue_unenqueued_events() -> int:
    """The outbox sweeper: enqueue published events whose enqueue at commit never happened."""
    from notifications.services.events import events_requeue_unenqueued

    return events_requeue_unenqueued()


@shared_task(name="notifications.tasks.requeue_overdue_deliveries")
def requeue_overdue_deliveries() -> int:
    """Re-enqueue deliveries whose next attempt is overdue (their task was lost with a broker)."""
    from notifications.services.delivery import deliveries_requeue_overdue

    return deliveries_requeue_overdue()
