"""`manage.py run_console`: the web console, a Celery worker (every queue) and Celery beat, as child
processes of this one, their output prefixed with their name.

Ctrl-C (SIGINT) or SIGTERM stops every process it started. If one of them dies, the others are
stopped too and the command exits non-zero: a console without its worker would accept rules and
never deliver."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

STOP_TIMEOUT = 15.0  # a worker finishing its current task; then SIGKILL


class Child:
    def __init__(self, name: str, argv: list[str], out):
        self.name = name
        self.argv = argv
        self._out = out
        self.process: subprocess.Popen | None = None

    def start(self, cwd: Path) -> None:
        # Own session and process group: a terminal's Ctrl-C reaches only us, and we stop the whole
        # group (runserver's reloader, the worker's pool processes) in order.
        self.process = subprocess.Popen(
            self.argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for raw in iter(self.process.stdout.readline, b""):
            self._out(f"[{self.name}] {raw.decode(errors='replace').rstrip()}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):  # the group is already empty
            os.killpg(self.process.pid, sig)


class Command(BaseCommand):
    help = "Run the web console, a Celery worker on every queue and Celery beat; Ctrl-C stops them all."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")),
                            help="Web port on 127.0.0.1 (default: $PORT or 8000).")
        parser.add_argument("--reload", action="store_true", help="Restart the web process when code changes.")

    def handle(self, *args, port: int, reload: bool, **options):
        self._lock = threading.Lock()
        self._stop_requested: str | None = None
        root = Path(settings.BASE_DIR)
        python = sys.executable
        manage = str(root / "manage.py")
        queues = ",".join(settings.CELERY_QUEUE_NAMES)
        # The children read PORT: CONSOLE_BASE_URL (links in messages) defaults to this port.
        os.environ["PORT"] = str(port)
        children = [
            # --insecure: serve the static files (CSS, the vendored htmx) even with DEBUG off.
            Child("web", [python, manage, "runserver", f"127.0.0.1:{port}", "--insecure",
                          *([] if reload else ["--noreload"])], self._print),
            Child("worker", [python, "-m", "celery", "-A", "console", "worker", "-Q", queues,
                             "--concurrency", str(settings.CELERY_WORKER_CONCURRENCY), "-l", "info",
                             "--without-mingle", "--without-gossip"], self._print),
            Child("beat", [python, "-m", "celery", "-A", "console", "beat", "-l", "info",
                           "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME], self._print),
        ]
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        exit_code = 0
        try:
            for child in children:
                child.start(root)
                self._print(f"started {child.name} (pid {child.pid})")
            self._announce(port, children)
            while self._stop_requested is None:
                dead = next((child for child in children if not child.alive()), None)
                if dead is not None:
                    self._print(f"{dead.name} exited with status {dead.process.returncode}: stopping the others")
                    exit_code = 1
                    break
                time.sleep(0.2)
        finally:
            if self._stop_requested:
                self._print(f"{self._stop_requested}: stopping web, worker and beat")
            self._stop(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if exit_code:
            sys.exit(exit_code)

    def _on_signal(self, signum, frame) -> None:
        self._stop_requested = signal.Signals(signum).name

    def _print(self, line: str) -> None:
        with self._lock:
            self.stdout.write(line)
            self.stdout.flush()

    def _announce(self, port: int, children: list[Child]) -> None:
        """Wait (a little) for the web port, then say where to go."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self._stop_requested is None and children[0].alive():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        self._print(self.style.SUCCESS(f"Console: http://127.0.0.1:{port}/   (admin: http://127.0.0.1:{port}/admin/)"))
        self._print("Sign in with a login printed by `manage.py load_demo` above. Ctrl-C stops everything.")

    def _stop(self, children: list[Child]) -> None:
        """SIGTERM each child's main process (the worker then finishes its current task and stops its
        pool: warm shutdown), then SIGKILL whatever is left in its process group."""
        for child in children:
            if child.alive():
                child.process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        deadline = started + STOP_TIMEOUT
        for child in children:
            if child.process is None:
                continue
            try:
                child.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._print(f"{child.name} did not stop in {STOP_TIMEOUT:.0f} s: killing it")
            # Whatever is left in the group (pool processes of a killed worker) goes too.
            child.signal_group(signal.SIGKILL)
            child.process.wait()
            self._print(f"{child.name} stopped after {time.monotonic() - started:.1f} s")
        self._print("all processes stopped")
