"""Celery: the broker, its queues, routes and beat schedule, and the per-bot rate limits' counters."""

import os

from console.settings_parts.environment import TESTING, VAR_DIR, env

# Default broker: kombu's SQLAlchemy transport on a SQLite file (see README: steady
# under a backlog, unlike the filesystem transport). Redis or RabbitMQ by URL, no code change.
# Under pytest (and no CELERY_BROKER_URL) each test run gets its own broker file.
_default_broker = VAR_DIR / (f"test-broker-{os.getpid()}.sqlite3" if TESTING else "celery-broker.sqlite3")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=f"sqla+sqlite:///{_default_broker}")
CELERY_BROKER_POLLING_INTERVAL = env.float("CELERY_BROKER_POLLING_INTERVAL", default=0.1)
# Longer than the longest countdown (DELIVERY_RETRY_MAX_SECONDS, rate-limit waits) so that a task
# held by a worker is not handed to a second one while it waits.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT, "max_connections": 64}
elif CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"polling_interval": CELERY_BROKER_POLLING_INTERVAL}
# (The SQLAlchemy transport hands its transport options to create_engine, so its polling interval
# is set on the transport class in console/celery.py.)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request while the broker is down: fail fast; the outbox sweeper
# re-enqueues what could not be enqueued at commit.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=2)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = "UTC"
# Queues per class of work; CELERY_TASK_ROUTES is the one routing table.
CELERY_QUEUE_NAMES = ("default", "events", "chat", "http", "email", "telephony", "eas")
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_CREATE_MISSING_QUEUES = True
CELERY_TASK_ROUTES = {
    "notifications.tasks.route_event": {"queue": "events"},
    # notifications.tasks.deliver goes to its channel's queue, named in the channel's package.
    "notifications.tasks.*": {"queue": "default"},
    "workspaces.tasks.*": {"queue": "default"},
    "console.tasks.*": {"queue": "default"},
}
# Every entry expires after its own period: a run still queued when the next one is due is dropped
# instead of piling up behind a slow sweep.
CELERY_BEAT_SCHEDULE = {
    "requeue-unpublished-events": {"task": "notifications.tasks.requeue_unenqueued_events", "schedule": 15.0,
                                   "options": {"expires": 15.0}},
    "requeue-overdue-deliveries": {"task": "notifications.tasks.requeue_overdue_deliveries", "schedule": 30.0,
                                   "options": {"expires": 30.0}},
    "requeue-stalled-replays": {"task": "notifications.tasks.requeue_stalled_replays", "schedule": 30.0,
                                "options": {"expires": 30.0}},
    "raise-job-timeouts": {"task": "workspaces.tasks.raise_job_timeouts", "schedule": 30.0,
                           "options": {"expires": 30.0}},
    "purge-consumed-broker-messages": {"task": "console.tasks.purge_consumed_broker_messages", "schedule": 600.0,
                                       "options": {"expires": 600.0}},
    "prune-history": {"task": "console.tasks.prune_history", "schedule": 24 * 3600.0,
                      "options": {"expires": 3600.0}},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Per-bot rate limits (DingTalk 20/min, WeCom 20/min, Lark 5/s and 100/min). The scale shrinks every
# window (tests run a "minute" in seconds); keep 1.0 in production.
RATE_LIMIT_WINDOW_SCALE = env.float("RATE_LIMIT_WINDOW_SCALE", default=1.0)
RATE_LIMIT_KEY_PREFIX = env.str("RATE_LIMIT_KEY_PREFIX", default="pai-notify:ratelimit:")
# Rate-limit counters shared by every worker: Redis when the broker is Redis, else the database.
RATE_LIMIT_REDIS_URL = env.str(
    "RATE_LIMIT_REDIS_URL",
    default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else "",
)
