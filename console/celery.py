"""The Celery app. Its configuration lives in settings (the CELERY_* names): durable by design, a
task is acknowledged only after it ran, a task whose worker died is re-queued, and delivery workers
take one task at a time. The queues and the one routing table are there too."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")

app = Celery("console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["console", "workspaces", "notifications"])


def _tune_sqlalchemy_transport() -> None:
    """kombu's SQLAlchemy transport passes its transport options to `create_engine`, which refuses
    `polling_interval`; the class attribute is the only place to set it (default 1 s, too slow)."""
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("sqla+"):
        from kombu.transport import sqlalchemy as kombu_sqlalchemy

        kombu_sqlalchemy.Transport.polling_interval = settings.CELERY_BROKER_POLLING_INTERVAL


_tune_sqlalchemy_transport()


def _reuse_database_connections() -> None:
    """Celery's Django fixup closes every database connection before and after every task unless
    CELERY_DB_REUSE_MAX is set, so each task paid a new PostgreSQL connection (three per delivery;
    docs/benchmarks.md measured 1.5x throughput without that). Put the forced close off and let
    Django's own rule decide around each task, as it does around a request: a connection past
    CONN_MAX_AGE, or one an error left unusable, is closed."""
    from celery.signals import task_postrun, task_prerun
    from django.db import close_old_connections

    app.conf.CELERY_DB_REUSE_MAX = 10**9
    task_prerun.connect(lambda **kwargs: close_old_connections(), weak=False)
    task_postrun.connect(lambda **kwargs: close_old_connections(), weak=False)


def _tune_sqlite_broker_engine() -> None:
    """The SQLite broker file commits once per publish: in WAL mode with synchronous=NORMAL that is
    ~5,800 commits/s here against ~86 in the default rollback journal (docs/benchmarks.md)."""
    from django.conf import settings

    if not settings.CELERY_BROKER_URL.startswith("sqla+sqlite"):
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _sqlite_pragmas(dbapi_connection, connection_record):
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()


_reuse_database_connections()
_tune_sqlite_broker_engine()


def _refuse_to_start_on_check_errors() -> None:
    """Celery's Django fixup runs the system checks but ignores what they find; a worker or beat
    with DEBUG off and no real keys (console/checks.py) must stop there, as runserver does."""
    import sys

    from celery.signals import beat_init, worker_init

    def check(sender=None, **kwargs):
        from django.core.management.base import SystemCheckError

        from console.checks import run_startup_checks

        process = "celery beat" if sender.__class__.__name__ == "Service" else "celery worker"
        try:
            run_startup_checks(process)
        except SystemCheckError as error:
            sys.stderr.write(f"{error}\n")
            sys.stderr.flush()
            raise SystemExit(1) from None  # Celery's signals swallow exceptions, not an exit

    worker_init.connect(check, weak=False)
    beat_init.connect(check, weak=False)


_refuse_to_start_on_check_errors()
