"""Two worker processes counting the same account at once lose no increment: real OS processes, each
with its own database connection, on the file-based SQLite test database or on PostgreSQL."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum

from notifications.models import UsageCounter

WORKER = Path(__file__).with_name("count_worker.py")
ROOT = Path(__file__).resolve().parents[3]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = (db.get("USER") or "") + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{auth + '@' if auth else ''}{host}:{port}/{db['NAME']}"


def run_two_workers(account_id: int, days: int, per_day: int, outer_transaction: bool) -> list[dict]:
    env = {**os.environ, "DATABASE_URL": database_url(), "SECRET_KEY": settings.SECRET_KEY,
           "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS), "DB_CONN_MAX_AGE": "0",
           "DJANGO_SETTINGS_MODULE": "console.settings"}
    args = [sys.executable, str(WORKER), str(account_id), str(days), str(per_day), "1" if outer_transaction else "0"]
    workers = [
        subprocess.Popen(args, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    try:
        for worker in workers:
            line = worker.stdout.readline()
            assert line.strip() == "ready", worker.stderr.read()
        for worker in workers:  # both are connected and waiting: start them together
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = []
        for worker in workers:
            out, err = worker.communicate(timeout=60)
            assert worker.returncode == 0, err
            created, lost = re.search(r"done created=(\d+) lost=(\d+)", out).groups()
            results.append({"created": int(created), "lost": int(lost)})
        return results
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("days", "per_day", "outer_transaction"),
    [
        pytest.param(1, 300, False, id="one-hot-counter"),
        pytest.param(100, 1, False, id="a-new-day-row-every-time"),
        pytest.param(100, 1, True, id="a-new-day-row-every-time-inside-a-transaction"),
    ],
)
def test_two_worker_processes_counting_the_same_account_at_once_lose_no_increment(
    account, days, per_day, outer_transaction
):
    results = run_two_workers(account.pk, days, per_day, outer_transaction)

    counters = UsageCounter.objects.filter(account=account)
    assert counters.aggregate(total=Sum("count"))["total"] == 2 * days * per_day
    assert counters.count() == days
    assert set(counters.values_list("count", flat=True)) == {2 * per_day}
    assert counters.earliest("day").day == datetime.date(2026, 1, 1)
    # Every day's row was inserted exactly once, whichever process won the race to create it.
    assert sum(result["created"] for result in results) == days, results
