"""A real `celery worker` process on the configured broker, reading and writing the test database.

Tests using it need committed data: they take `transactional_db` (the fixture asks for it). Tests
delivering to the local fakes start it with `start_delivery_worker`, wait with `wait_until`, and take
the DingTalk fake as `dingtalk`."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

# A worker delivering to the local fakes (tests/fakes/): the loopback is an allowed destination, and
# retries come a fraction of a second apart.
FAKES_WORKER_ENV = {
    "OUTBOUND_ALLOWED_NETWORKS": "127.0.0.1/32",
    "WEBHOOK_EXTRA_HOSTS": "127.0.0.1",
    "DELIVERY_RETRY_BASE_SECONDS": "0.2",
    "DELIVERY_RETRY_MAX_SECONDS": "1",
}


def database_url() -> str:
    """The URL of the database the tests are using right now (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    if db["ENGINE"].endswith("postgresql"):
        auth = db.get("USER") or ""
        if db.get("PASSWORD"):
            auth += f":{db['PASSWORD']}"
        host = db.get("HOST") or "127.0.0.1"
        port = db.get("PORT") or 5432
        return f"postgres://{auth + '@' if auth else ''}{host}:{port}/{db['NAME']}"
    raise RuntimeError(f"unsupported database engine {db['ENGINE']}")


class WorkerProcess:
    def __init__(self, log_path: Path, env: dict, queues: str, concurrency: int, prefix: tuple = ()):
        self.prefix = tuple(prefix)  # a command the worker runs under (e.g. in its own mount namespace)
        self.log_path = log_path
        self.env = env
        self.queues = queues
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> "WorkerProcess":
        name = f"test-{uuid.uuid4().hex[:8]}@%h"
        self._log = open(self.log_path, "ab")  # noqa: SIM115  (closed in stop)
        self.process = subprocess.Popen(
            [*self.prefix, sys.executable, "-m", "celery", "-A", "console", "worker",
             *(["-Q", self.queues] if self.queues else []),
             "--concurrency", str(self.concurrency), "-l", "info", "-n", name,
             "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited early:\n{self.log()}")
            if " ready." in self.log():
                return self
            time.sleep(0.1)
        raise RuntimeError(f"celery worker not ready after {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children)."""
        if self.process:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        # SIGQUIT to the main process: a cold shutdown (tasks not acknowledged go back to the
        # broker); then the group, in case a pool child outlived it.
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(10)
            self.kill()
        self.close_log()

    def close_log(self) -> None:
        if getattr(self, "_log", None):
            self._log.close()


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Start a real worker: `start_worker(OUTBOUND_ALLOWED_NETWORKS="127.0.0.1/32")`; extra keyword
    arguments become its environment (`ready_timeout`: how long to wait for its "ready", 30 s).
    Stopped at the end of the test."""
    from django.conf import settings as dj

    workers: list[WorkerProcess] = []

    def start(concurrency: int = 2, queues: str | None = None, ready_timeout: float = 30.0, prefix: tuple = (),
              **env_overrides) -> WorkerProcess:
        env = os.environ.copy()
        env.update(
            DATABASE_URL=database_url(),
            CELERY_BROKER_URL=dj.CELERY_BROKER_URL,
            SECRET_KEY=dj.SECRET_KEY,
            DB_CONN_MAX_AGE="0",
        )
        if dj.FIELD_ENCRYPTION_KEYS:
            env["FIELD_ENCRYPTION_KEYS"] = ",".join(dj.FIELD_ENCRYPTION_KEYS)
        env.update({key: str(value) for key, value in env_overrides.items()})
        worker = WorkerProcess(
            tmp_path / f"worker-{len(workers)}.log", env,
            ",".join(dj.CELERY_QUEUE_NAMES) if queues is None else queues,  # "": no -Q at all
            concurrency, prefix,
        )
        workers.append(worker)
        return worker.start(timeout=ready_timeout)

    yield start
    # The test has made its assertions: the workers are killed, not shut down (a cold shutdown takes
    # about 8 s here, and would hand tasks held with a countdown back to the queue for the next test).
    for worker in workers:
        worker.kill()
        worker.close_log()


@pytest.fixture
def start_delivery_worker(start_worker):
    """`start_worker` with FAKES_WORKER_ENV; keyword arguments add to it or replace its values."""

    def start(**overrides) -> WorkerProcess:
        return start_worker(**{**FAKES_WORKER_ENV, **overrides})

    return start


def _wait_until(predicate, timeout: float = 30.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


@pytest.fixture
def wait_until():
    """`wait_until(predicate, timeout=30.0)`: poll what the worker writes; True once it holds."""
    return _wait_until


@pytest.fixture
def dingtalk():
    """The DingTalk fake, serving on an ephemeral port for the test."""
    from tests.fakes.dingtalk import FakeDingTalk

    fake = FakeDingTalk().start()
    yield fake
    fake.stop()
