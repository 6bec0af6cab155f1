"""What the broker and the workers say about the project's queues (settings.CELERY_QUEUE_NAMES):
how many messages wait in each, which workers answer, and which queues no worker consumes.

Read by /readyz, /metrics, the admin's System page and the overdue-delivery sweeper. Depths come
from a passive queue declaration (RabbitMQ counts ready messages and consumers; kombu's Redis and
SQLAlchemy transports count the messages of the queue). Which queues are consumed comes from the
workers themselves (`inspect active_queues`, a broadcast answered within a timeout); the embedded
SQLite broker cannot broadcast, so there it is unknown (None).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from celery import current_app
from django.conf import settings

logger = logging.getLogger(__name__)


def queue_names() -> tuple[str, ...]:
    return tuple(settings.CELERY_QUEUE_NAMES)


def broker_can_broadcast() -> bool:
    """kombu's SQLAlchemy transport has no fanout: no remote control, no `inspect`."""
    return not settings.CELERY_BROKER_URL.startswith(("sqla+", "sqlalchemy+", "filesystem:"))


def queue_depths(names: tuple[str, ...] | list[str] | None = None, *, timeout: float = 2.0) -> dict[str, int]:
    """Messages waiting in each queue (ready, not yet taken by a worker). A queue the broker does
    not know yet holds nothing. Raises the broker's error when it cannot be reached."""
    names = tuple(names or queue_names())
    depths: dict[str, int] = {}
    with current_app.connection_for_read() as connection:
        connection.ensure_connection(max_retries=1, timeout=timeout)
        channel = connection.channel()
        try:
            for name in names:
                try:
                    _, depth, _ = channel.queue_declare(queue=name, passive=True)
                except connection.channel_errors:  # not declared yet (AMQP closes the channel)
                    depth = 0
                    channel.close()
                    channel = connection.channel()
                depths[name] = int(depth or 0)
        finally:
            channel.close()
    return depths


@dataclass
class WorkerView:
    """The workers that answered a broadcast and the queues each consumes; `answered` is False when
    the broker cannot broadcast (the embedded one): then nothing is known about workers."""

    answered: bool
    workers: dict[str, list[str]] = field(default_factory=dict)

    @property
    def consumed(self) -> set[str]:
        return {queue for queues in self.workers.values() for queue in queues}

    def unconsumed(self, names: tuple[str, ...] | None = None) -> list[str]:
        """The project's queues no answering worker consumes (empty when unknown)."""
        if not self.answered:
            return []
        consumed = self.consumed
        return [name for name in (names or queue_names()) if name not in consumed]


def workers_view(*, timeout: float | None = None) -> WorkerView:
    """Ask every worker which queues it consumes (waits `timeout` seconds for answers)."""
    if not broker_can_broadcast():
        return WorkerView(answered=False)
    timeout = settings.READINESS_WORKER_TIMEOUT if timeout is None else timeout
    replies = current_app.control.inspect(timeout=timeout).active_queues() or {}
    return WorkerView(answered=True, workers={worker: sorted(q["name"] for q in queues)
                                              for worker, queues in replies.items()})


_cache: dict[str, tuple[float, WorkerView]] = {}


def workers_view_cached() -> WorkerView:
    """`workers_view`, asked at most once per READINESS_CACHE_SECONDS in this process: probes
    and scrapes every few seconds must not each cost a broadcast."""
    now = time.monotonic()
    cached = _cache.get("view")
    if cached and now - cached[0] < settings.READINESS_CACHE_SECONDS:
        return cached[1]
    view = workers_view()
    _cache["view"] = (now, view)
    return view


def queues_with_waiting_messages(names: set[str]) -> set[str]:
    """Which of these queues hold messages not yet taken by a worker. A broker that cannot be asked
    counts as "none waiting" (the caller then re-enqueues as it did before: the claim makes a
    second copy harmless, only the backlog grows)."""
    if not names:
        return set()
    try:
        depths = queue_depths(sorted(names))
    except Exception:
        logger.warning("could not read queue depths from the broker", exc_info=True)
        return set()
    return {name for name, depth in depths.items() if depth > 0}
