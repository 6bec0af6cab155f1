"""The Procfile is the one list of processes: its workers consume every queue of the project once,
one beat, gunicorn with the repository's config; `make serve`, CI and the README read it."""

import re
import shlex
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def procfile() -> dict[str, list[str]]:
    lines = [line for line in (ROOT / "Procfile").read_text().splitlines() if line.strip() and not line.startswith("#")]
    return {name.strip(): shlex.split(command) for name, command in (line.split(":", 1) for line in lines)}


def test_the_workers_consume_every_queue_exactly_once_and_there_is_one_beat():
    processes = procfile()
    consumed = []
    for argv in processes.values():
        if argv[:4] == ["celery", "-A", "console", "worker"]:
            consumed += argv[argv.index("-Q") + 1].split(",")
    assert sorted(consumed) == sorted(settings.CELERY_QUEUE_NAMES)
    assert [name for name, argv in processes.items() if "beat" in argv] == ["beat"]
    assert processes["web"] == ["gunicorn", "--config", "gunicorn.conf.py", "console.wsgi"]
    assert list(processes)[0] == "web"  # honcho gives the first line $PORT


def test_make_serve_ci_and_the_readme_run_the_procfile():
    makefile = (ROOT / "Makefile").read_text()
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py deploy" in serve and "honcho start -f Procfile" in serve
    deploy = (ROOT / "README.md").read_text().split("## Deploy", 1)[1].split("\n## ", 1)[0]
    assert "manage.py deploy" in deploy and "honcho start" in deploy and "create_account" in deploy
    assert re.search(r"tests/production/test_recipe\.py", (ROOT / ".ci" / "run").read_text())


def test_gunicorn_config_listens_on_port_and_reads_the_environment(monkeypatch):
    monkeypatch.setenv("PORT", "5123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    namespace: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)
    assert namespace["bind"] == "127.0.0.1:5123" and namespace["workers"] == 3
