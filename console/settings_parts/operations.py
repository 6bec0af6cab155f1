"""What production needs to be seen and kept: logging, retention, metrics, readiness, Sentry, and the
brokers' and poolers' own limits."""

import os
from pathlib import Path

from console.settings_parts.environment import TESTING, VAR_DIR, env

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "console.logjson.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": env.str("LOG_FORMAT", default="plain")}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # urllib3 logs request lines at DEBUG: webhook tokens and signatures are in their query.
        "urllib3": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},  # its banner on every start
    },
}

# --- Production: seeing inside, retention, health (README "Deploy", "Backups", "Scaling out").
# History kept: events with their deliveries and attempts, and audit entries; `manage.py prune` and
# the daily beat entry delete what is older, in batches (console/retention.py).
EVENT_RETENTION_DAYS = env.int("EVENT_RETENTION_DAYS", default=30)
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
PRUNE_BATCH_SIZE = env.int("PRUNE_BATCH_SIZE", default=2000)
# /metrics answers a request carrying `Authorization: Bearer <METRICS_TOKEN>`, or one from these
# networks (CIDR list). Neither set: /metrics is off (404). Behind a proxy on the same host every
# request comes from 127.0.0.1: use the token there.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
# Counters and histograms of every process on this host (gunicorn workers, Celery pool processes)
# are written here and summed at scrape time (prometheus-client's multiprocess mode). Emptied by
# `manage.py deploy`. Must be set before prometheus_client is imported, hence the environment.
PROMETHEUS_MULTIPROC_DIR = "" if TESTING else env.str("PROMETHEUS_MULTIPROC_DIR", default=str(VAR_DIR / "metrics"))
if PROMETHEUS_MULTIPROC_DIR:
    Path(PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", PROMETHEUS_MULTIPROC_DIR)
# /readyz asks the workers (a broadcast that waits this long for answers) at most once per
# READINESS_CACHE_SECONDS per process.
READINESS_WORKER_TIMEOUT = env.float("READINESS_WORKER_TIMEOUT", default=1.0)
READINESS_CACHE_SECONDS = env.float("READINESS_CACHE_SECONDS", default=10.0)
# Sentry (errors of the web process, the workers and beat) when a DSN is set.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from console.sentry import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)
# RabbitMQ's consumer_timeout (the server's setting, 30 min by default): retry countdowns stay under it.
RABBITMQ_CONSUMER_TIMEOUT_SECONDS = env.float("RABBITMQ_CONSUMER_TIMEOUT_SECONDS", default=1800.0)
