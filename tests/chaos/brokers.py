"""The chaos run's broker outage, on Redis or on RabbitMQ.

- Redis (`redis://`): the server is shut down without saving (every queued and unacknowledged task
  is lost) and started again 20 s later, as an operator would.
- RabbitMQ (`amqp://`): the server is shared and must keep running, so the outage is played on the
  run's own vhost: every connection of the vhost is closed by the server and every queue of the
  project purged, at the start and again at the end of the 20 s (two broker restarts that lose
  every message, including those the workers held unacknowledged, which the server requeues on the
  closed connections before the purge). Clients reconnect at once.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


def _purge_project_queues(url: str) -> int:
    """Empty every queue of the project on the broker at `url` (AMQP: over the protocol itself)."""
    from django.conf import settings
    from kombu import Connection

    removed = 0
    with Connection(url, connect_timeout=5) as connection:
        channel = connection.channel()
        for name in settings.CELERY_QUEUE_NAMES:
            try:
                removed += channel.queue_purge(name) or 0
            except connection.channel_errors:  # not declared yet
                channel = connection.channel()
        channel.close()
    return removed


@dataclass
class Redis:
    """The broker's Redis server, stopped and started as an operator would."""

    url: str
    down_at: float | None = None
    label: str = "Redis"

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 6379

    def flush(self) -> None:
        """Tasks left in the broker by an earlier run would name rows of this run's fresh database."""
        db = int(urlsplit(self.url).path.strip("/") or 0)
        subprocess.run(["redis-cli", "-p", str(self.port), "-n", str(db), "flushdb"], check=True,
                       capture_output=True, timeout=10)

    def ping(self) -> bool:
        result = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True)
        return result.stdout.strip() == "PONG"

    def shutdown(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True, timeout=10)
        deadline = time.monotonic() + 10
        while self.ping() and time.monotonic() < deadline:
            time.sleep(0.05)
        self.down_at = time.monotonic()

    def start(self) -> None:
        if self.ping():
            return
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(self.port),
                        "--save", "", "--appendonly", "no"], check=True, capture_output=True, timeout=10)
        deadline = time.monotonic() + 10
        while not self.ping():
            assert time.monotonic() < deadline, "Redis did not come back"
            time.sleep(0.05)
        self.down_at = None

    def restore(self) -> None:
        self.start()


@dataclass
class RabbitVhost:
    """The run's RabbitMQ vhost: connections closed by the server and queues purged."""

    url: str
    label: str = "RabbitMQ vhost"

    @property
    def vhost(self) -> str:
        return unquote(urlsplit(self.url).path[1:]) or "/"

    def flush(self) -> None:
        _purge_project_queues(self.url)

    def _restart(self) -> None:
        subprocess.run(["rabbitmqctl", "-q", "close_all_connections", "--vhost", self.vhost, "chaos: broker restart"],
                       check=True, capture_output=True, timeout=30)
        _purge_project_queues(self.url)

    def shutdown(self) -> None:
        self._restart()

    def start(self) -> None:
        self._restart()

    def restore(self) -> None:
        pass


def broker_of(url: str):
    if url.startswith(("redis://", "rediss://")):
        return Redis(url)
    if url.startswith(("amqp://", "pyamqp://")):
        return RabbitVhost(url)
    return None
