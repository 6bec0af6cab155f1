"""One OS process counting notifications through usage_record, for the concurrency test.

Usage: count_worker.py ACCOUNT_ID DAYS PER_DAY OUTER_TRANSACTION(0|1). Prints "ready", waits for a
line on stdin (so that both workers start at the same moment), counts, then prints
"done created=<rows this process inserted> lost=<inserts refused by the unique constraint>".
"""

import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")

import django  # noqa: E402

django.setup()

from django.db import IntegrityError, connection, transaction  # noqa: E402

from notifications.services.usage import usage_record  # noqa: E402

FIRST_DAY = datetime.datetime(2026, 1, 1, 4, 0, tzinfo=datetime.UTC)  # noon in Shanghai


def main(account_id: int, days: int, per_day: int, outer_transaction: bool) -> None:
    inserts = {"created": 0, "lost": 0}

    def observe_inserts(execute, sql, params, many, context):
        is_insert = sql.lstrip().upper().startswith("INSERT")
        try:
            result = execute(sql, params, many, context)
        except IntegrityError:
            inserts["lost"] += is_insert
            raise
        inserts["created"] += is_insert
        return result

    connection.ensure_connection()
    print("ready", flush=True)
    sys.stdin.readline()
    with connection.execute_wrapper(observe_inserts):
        for day in range(days):
            now = FIRST_DAY + datetime.timedelta(days=day)
            for _ in range(per_day):
                if outer_transaction:
                    with transaction.atomic():  # as a delivery recording its attempt would
                        usage_record(account_id=account_id, count=1, now=now)
                else:
                    usage_record(account_id=account_id, count=1, now=now)
    print(f"done created={inserts['created']} lost={inserts['lost']}", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1")
