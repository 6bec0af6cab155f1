"""The project's Celery app with one change, to measure a suggested fix (stage b_reuse):
`celery -A benchmarks.reuse_app worker`.

Celery's Django fixup closes every database connection before and after every task unless
`CELERY_DB_REUSE_MAX` is set, whatever CONN_MAX_AGE says, so each route and each send opens a new
PostgreSQL connection. Here the fixup's forced close is put off (a large reuse count) and Django's
own rule decides instead, as in a request: `close_old_connections` around each task closes a
connection past CONN_MAX_AGE or one left unusable by an error.
"""

from __future__ import annotations

from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

from console.celery import app

app.conf.CELERY_DB_REUSE_MAX = 10**9


@task_prerun.connect
def _close_old_before(**kwargs):
    close_old_connections()


@task_postrun.connect
def _close_old_after(**kwargs):
    close_old_connections()
