"""What `make run` does after installing, on a fresh machine: migrate and load the demo into an empty
VAR_DIR, then `manage.py run_console` serves the console, its worker runs tasks from the embedded
broker, and Ctrl-C stops every process it started."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from celery import Celery

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_machine_env(var_dir: Path, port: int) -> dict:
    """The embedded defaults: no DATABASE_URL, no CELERY_BROKER_URL, everything under VAR_DIR, no keys:
    DEBUG=true, as `make run` sets it (the development keys)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "TEST_SQLITE_NAME", "RATE_LIMIT_REDIS_URL", "SECRET_KEY",
                        "FIELD_ENCRYPTION_KEYS", "CACHE_URL")}
    env.update(VAR_DIR=str(var_dir), PORT=str(port), PYTHONUNBUFFERED="1", DJANGO_SETTINGS_MODULE="console.settings",
               DEBUG="true")
    return env


class Output:
    """The lines a process prints, collected by a thread so that it never blocks on a full pipe."""

    def __init__(self, stream):
        self.lines: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.lines.append(raw.decode(errors="replace").rstrip())

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float, process: subprocess.Popen) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if match := re.search(pattern, self.text):
                return match
            assert process.poll() is None, f"run_console exited early:\n{self.text}"
            time.sleep(0.05)
        raise AssertionError(f"no {pattern!r} after {timeout} s:\n{self.text}")


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes whose process group is `pgid`."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def test_run_console_serves_pages_runs_tasks_and_ctrl_c_stops_every_process(tmp_path):
    var_dir, port = tmp_path / "var", free_port()
    env = fresh_machine_env(var_dir, port)
    # `make run` runs `migrate` then `load_demo`; one process does both here (Django starts once).
    setup = ("from django.core.management import call_command as c; "
             "c('migrate', interactive=False, verbosity=0, skip_checks=True); c('load_demo')")
    done = subprocess.run([*MANAGE, "shell", "--no-startup", "-c", setup], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "owner" in done.stdout and "developer@demo" in done.stdout  # load_demo printed the logins

    console = subprocess.Popen([*MANAGE, "run_console"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    output = Output(console.stdout)
    children: dict[str, int] = {}
    try:
        for name in ("web", "worker", "beat"):
            children[name] = int(output.wait_for(rf"started {name} \(pid (\d+)\)", 30, console).group(1))
        output.wait_for(rf"Console: http://127\.0\.0\.1:{port}/", 30, console)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as page:
            assert page.status == 200 and b"Sign in" in page.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/console/console.css", timeout=5) as css:
            assert css.status == 200

        # A task published to the embedded broker (the default under VAR_DIR) is run by the worker.
        output.wait_for(r"\[worker\].* ready\.", 30, console)
        marker, value = tmp_path / "marker.txt", uuid.uuid4().hex
        # An explicit connection: Celery prefers CELERY_BROKER_URL from the environment (CI's Redis
        # pass sets it) over the app's own broker setting.
        producer = Celery("probe")
        with producer.connection_for_write(f"sqla+sqlite:///{var_dir / 'celery-broker.sqlite3'}") as connection:
            producer.send_task("console.tasks.ping", args=[str(marker), value], queue="default",
                               connection=connection)
        producer.close()
        deadline = time.monotonic() + 20
        # The worker creates the file, then writes it: wait for the value, not for the file.
        while time.monotonic() < deadline and not (marker.exists() and marker.read_text() == value):
            time.sleep(0.05)
        assert marker.exists() and marker.read_text() == value, output.text

        console.send_signal(signal.SIGINT)
        assert console.wait(30) == 0, output.text
        assert "all processes stopped" in output.text
        for name, pid in children.items():
            assert group_members(pid) == [], f"{name} (pid {pid}) left processes behind:\n{output.text}"
    finally:
        if console.poll() is None:
            os.killpg(console.pid, signal.SIGKILL)
        for pid in children.values():
            for member in group_members(pid):
                os.kill(member, signal.SIGKILL)


def test_run_console_stops_the_others_and_fails_when_a_child_dies(tmp_path):
    var_dir, port = tmp_path / "var", free_port()
    env = fresh_machine_env(var_dir, port)  # no tables needed: nothing here reads the database
    console = subprocess.Popen([*MANAGE, "run_console"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    output = Output(console.stdout)
    children: dict[str, int] = {}
    try:
        for name in ("web", "worker", "beat"):
            children[name] = int(output.wait_for(rf"started {name} \(pid (\d+)\)", 30, console).group(1))
        os.kill(children["beat"], signal.SIGKILL)
        assert console.wait(30) == 1, output.text
        assert "beat exited" in output.text
        for name, pid in children.items():
            assert group_members(pid) == [], f"{name} still running:\n{output.text}"
    finally:
        if console.poll() is None:
            os.killpg(console.pid, signal.SIGKILL)
        for pid in children.values():
            for member in group_members(pid):
                os.kill(member, signal.SIGKILL)
