"""The production recipe run as an operator runs it: `manage.py deploy`, then `honcho start` on the
repository's Procfile (gunicorn, the two workers, beat), configured by the environment only."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recipe_env(*, database_url: str, broker_url: str, var_dir: Path, port: int, **extra: str) -> dict:
    """The README's production environment: DEBUG off, a real secret key required, one host."""
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST", "DJANGO_", "PROMETHEUS_")) and k not in ("TEST_SQLITE_NAME", "TEST_DB_NAME")}
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        DATABASE_URL=database_url, CELERY_BROKER_URL=broker_url, VAR_DIR=str(var_dir), PORT=str(port),
        DEBUG="false", SECRET_KEY="production-recipe-test-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1", CONSOLE_BASE_URL=f"http://127.0.0.1:{port}",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(), PYTHONUNBUFFERED="1",
        WEB_CONCURRENCY="2", CELERY_WORKER_CONCURRENCY="1",
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([*MANAGE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


class Honcho:
    """`honcho start -f Procfile` in its own process group, its output collected by a thread."""

    def __init__(self, env: dict):
        self.env = env
        self.lines: list[str] = []
        self.process: subprocess.Popen | None = None

    def start(self) -> Honcho:
        self.process = subprocess.Popen([str(VENV_BIN / "honcho"), "start", "-f", str(ROOT / "Procfile")], cwd=ROOT,
                                        env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self) -> None:
        for raw in iter(self.process.stdout.readline, b""):
            self.lines.append(raw.decode(errors="replace").rstrip())

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, condition, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"honcho exited while waiting for {what}:\n{self.text[-6000:]}"
            result = condition()
            if result:
                return result
            time.sleep(0.2)
        raise AssertionError(f"no {what} after {timeout:.0f} s:\n{self.text[-6000:]}")

    def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # honcho stops every process of the Procfile
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        return self.process.returncode


def http_get(url: str, headers: dict | None = None, timeout: float = 10) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except OSError:
        return 0, {}, b""
