"""The Celery app. Its configuration lives in settings (the CELERY_* names): durable by design, a
task is acknowledged only after it ran, a task whose worker died is re-queued, and delivery workers
take one task at a time. The queues and the one routing table are here."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")

app = Celery("console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["console", "workspaces", "notifications"])
