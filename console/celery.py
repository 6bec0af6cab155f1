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
