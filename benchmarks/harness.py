"""The benchmark's machinery: the profiles (PostgreSQL + Redis, and the embedded defaults), a fresh
schema per run, and the processes it starts (the fake DingTalk, real Celery workers, the publisher
standing in for the web process). Everything is bounded in time and stopped by the benchmark."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
SECRET = "SECbench0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
BENCH_SECRET_KEY = "bench-secret-key-not-for-production-0123456789abcdefghijklmnop"
BENCH_FIELD_ENCRYPTION_KEY = "YmVuY2gta2V5LW5vdC1mb3ItcHJvZHVjdGlvbi0wMTI="  # the bench's own, not for production
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = os.environ.get("BENCH_PG_DB", "bench")
# Overridable for a shared machine (BENCH_PG_DB, BENCH_REDIS_URL); never `test`, never Redis DB 3 (CI's).
REDIS_BENCH_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")


@dataclass(frozen=True)
class Profile:
    key: str
    label: str
    database_url: str
    broker_url: str
    scale: float = 1.0  # counts of the measurements that publish, relative to PostgreSQL + Redis

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgres")


def profiles() -> dict[str, Profile]:
    return {
        "postgres-redis": Profile(
            "postgres-redis", "PostgreSQL 15 + Redis 7 broker",
            f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}", REDIS_BENCH_URL,
        ),
        "sqlite": Profile(
            "sqlite", "embedded defaults: SQLite + SQLite broker (kombu SQLAlchemy transport)",
            f"sqlite:///{BENCH_VAR / 'bench.sqlite3'}", f"sqla+sqlite:///{BENCH_VAR / 'broker.sqlite3'}",
            scale=0.25,
        ),
    }


def profile_env(profile: Profile) -> dict[str, str]:
    """The environment every process of one profile runs with (web, workers, the bench itself)."""
    env = os.environ.copy()
    for name in ("CELERY_TASK_ALWAYS_EAGER", "DJANGO_SETTINGS_MODULE", "TEST_SQLITE_NAME"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="console.settings",
        DATABASE_URL=profile.database_url,
        CELERY_BROKER_URL=profile.broker_url,
        SECRET_KEY=BENCH_SECRET_KEY,
        FIELD_ENCRYPTION_KEYS=BENCH_FIELD_ENCRYPTION_KEY,  # no start without real keys (issue 13, F5)
        OUTBOUND_ALLOWED_NETWORKS="127.0.0.1/32",
        WEBHOOK_EXTRA_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


# --- schema ------------------------------------------------------------------------------------


def reset_storage(profile: Profile) -> None:
    """A fresh database and an empty broker: every run starts from nothing."""
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    if PG_BENCH_DB in ("test", "postgres", "template0", "template1") or REDIS_BENCH_URL.rstrip("/").endswith("/3"):
        raise SystemExit(f"refusing to drop {PG_BENCH_DB!r} or flush {REDIS_BENCH_URL!r}: not the bench's own")
    if profile.is_postgres:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [PG_BENCH_DB],
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_BENCH_DB}"')
            conn.execute(f'CREATE DATABASE "{PG_BENCH_DB}"')
    else:
        for name in ("bench.sqlite3", "broker.sqlite3"):
            for suffix in ("", "-wal", "-shm"):
                (BENCH_VAR / (name + suffix)).unlink(missing_ok=True)
    flush_broker(profile)


def flush_broker(profile: Profile) -> None:
    """Drop every message on the bench broker (only ever the bench's own Redis DB or file)."""
    if profile.broker_url.startswith("redis://"):
        import redis

        redis.Redis.from_url(profile.broker_url).flushdb()
    elif profile.broker_url.startswith("sqla+sqlite:///"):
        import sqlite3

        path = profile.broker_url.removeprefix("sqla+sqlite:///")
        if Path(path).exists():
            with sqlite3.connect(path) as conn:
                tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if "kombu_message" in tables:
                    conn.execute("DELETE FROM kombu_message")


def project_has_migrations() -> bool:
    return all((ROOT / app / "migrations" / "__init__.py").exists() for app in ("workspaces", "notifications"))


def create_schema(profile: Profile) -> float:
    """`migrate --run-syncdb`: applies migrations where they exist, builds tables from models elsewhere."""
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "benchmarks.schema"], cwd=ROOT, env=profile_env(profile), check=True, timeout=300,
    )
    return time.monotonic() - started


# --- processes ---------------------------------------------------------------------------------


def _log_path(stem: str) -> Path:
    logs = BENCH_VAR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return logs / f"{stem}-{uuid.uuid4().hex[:6]}.log"


def _stop(process: subprocess.Popen | None, grace: float = 15.0) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


class FakeDingTalk:
    """The fake robot in its own process. `url(token)` is a robot's webhook."""

    def __init__(self, secret: str = SECRET, impl: str = "tests"):
        self.secret = secret
        self.impl = impl
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.http = requests.Session()

    def start(self) -> FakeDingTalk:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.fake_dingtalk", "--secret", self.secret, "--impl", self.impl],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=open(_log_path("fake"), "ab"),  # noqa: SIM115
            text=True, start_new_session=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("listening "):
            raise RuntimeError(f"fake DingTalk did not start: {line!r}")
        self.port = int(line.split()[1])
        self.impl = line.split()[2]
        return self

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, token: str) -> str:
        return f"{self.base}/robot/send?access_token={token}"

    def reset(self) -> None:
        self.http.post(f"{self.base}/_bench/reset", timeout=5).raise_for_status()

    def count(self) -> int:
        return self.http.get(f"{self.base}/_bench/count", timeout=5).json()["count"]

    def receipts(self) -> list[tuple[str, float]]:
        data = self.http.get(f"{self.base}/_bench/receipts", timeout=30).json()
        return list(zip(data["tokens"], data["times"], strict=True))

    def wait_for(self, count: int, timeout: float) -> bool:
        """Poll until the fake has `count` receipts; False when the time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                return True
            time.sleep(0.02)
        return self.count() >= count

    def stop(self) -> None:
        _stop(self.process, grace=5)


class Worker:
    """A real `celery worker` process (prefork, concurrency 2 unless told), as a user starts it."""

    def __init__(self, profile: Profile, app: str, queues: str, concurrency: int = 2, extra_env: dict | None = None):
        self.profile = profile
        self.app = app
        self.queues = queues
        self.concurrency = concurrency
        self.extra_env = extra_env or {}
        self.log_path = _log_path(f"worker-{profile.key}")
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> Worker:
        env = profile_env(self.profile) | self.extra_env
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", self.app, "worker", "-Q", self.queues,
             "--concurrency", str(self.concurrency), "-l", "info", "-n", f"bench-{uuid.uuid4().hex[:6]}@%h",
             "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited early:\n{self.log()[-4000:]}")
            if " ready." in self.log():
                return self
            time.sleep(0.1)
        raise RuntimeError(f"celery worker not ready after {timeout} s:\n{self.log()[-4000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def pids(self) -> list[int]:
        """The main process and its pool children."""
        if not self.process:
            return []
        return [self.process.pid, *child_pids(self.process.pid)]

    def memory(self) -> list[dict]:
        return [process_memory(pid) for pid in self.pids()]

    def stop(self) -> None:
        _stop(self.process)
        if getattr(self, "_log", None):
            self._log.close()


class Publisher:
    """A long-lived Django process that publishes as the web process does (it loads the URLconf and
    calls the same services the views call), commanded over stdin; see benchmarks/publisher.py."""

    def __init__(self, profile: Profile):
        self.profile = profile
        self.process: subprocess.Popen | None = None
        self.log_path = _log_path(f"publisher-{profile.key}")

    def start(self) -> Publisher:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.publisher"], cwd=ROOT, env=profile_env(self.profile),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True, start_new_session=True,
        )
        self.call({"op": "ping"}, timeout=60)
        return self

    def call(self, command: dict, timeout: float = 300) -> dict:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        # The publisher answers one line per command; a bounded wait through select.
        import select

        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError(f"publisher did not answer {command.get('op')} within {timeout} s")
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"publisher exited:\n{self.log_path.read_text(errors='replace')[-4000:]}")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"publisher failed on {command.get('op')}: {answer['error']}")
        return answer

    def memory(self) -> dict:
        return process_memory(self.process.pid)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            try:
                self.process.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self.process.stdin.flush()
                self.process.wait(10)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                pass
        _stop(self.process, grace=5)
        if getattr(self, "_log", None):
            self._log.close()


# --- memory ------------------------------------------------------------------------------------


def child_pids(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def process_memory(pid: int) -> dict:
    """Peak (VmHWM) and current (VmRSS) resident memory in MB, from /proc."""
    values = {"pid": pid, "peak_mb": None, "rss_mb": None}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                values["peak_mb"] = round(int(line.split()[1]) / 1024, 1)
            elif line.startswith("VmRSS:"):
                values["rss_mb"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return values


def self_memory() -> dict:
    return process_memory(os.getpid())


# --- results ----------------------------------------------------------------------------------


@dataclass
class Stage:
    """One measurement's result: figures, notes, and whether its goal was met."""

    name: str
    figures: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    skipped: str = ""


def cleanup_var() -> None:
    shutil.rmtree(BENCH_VAR / "logs", ignore_errors=True)


@dataclass
class Context:
    """What every stage of one profile shares: its settings, the fake, the publisher, its size."""

    profile: Profile
    quick: bool
    fake: FakeDingTalk
    publisher: Publisher | None = None
    deadline: float = 0.0  # time.monotonic() after which stages cut themselves short
    figures: dict = field(default_factory=dict)  # results of earlier stages (ratios need them)

    def size(self, quick: int, full: int, scaled: bool = True) -> int:
        count = quick if self.quick else full
        return max(20, round(count * self.profile.scale)) if scaled else count

    def time_left(self) -> float:
        return self.deadline - time.monotonic()
