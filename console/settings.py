"""Settings for the PAI event notification console.

Every value comes from the environment (django-environ); `.env.example` lists them all. The defaults
are the embedded single-machine setup: SQLite and a Celery broker in SQLite, both under `var/`.
"""

import os
import sys
from pathlib import Path

import environ
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
TESTING = "pytest" in sys.modules
env_file = BASE_DIR / ".env"
if env_file.exists():
    env.read_env(str(env_file))

DEBUG = env.bool("DEBUG", default=False)
# --- Keys. Production (DEBUG off) must set SECRET_KEY and FIELD_ENCRYPTION_KEYS: the system checks
# (console/checks.py), which web, worker and beat each run before starting, refuse to start without
# them. Development has an explicit path: with DEBUG on (`make run` sets it) both default to fixed,
# public development keys; the tests make random ones per run (and hand them to the workers they start).
DEV_SECRET_KEY = "django-insecure-development-key-for-DEBUG-only-never-in-production"
DEV_FIELD_ENCRYPTION_KEY = "ZGV2ZWxvcG1lbnQta2V5LWZvci1ERUJVRy1vbmx5ISE="  # base64("development-key-for-DEBUG-only!!")
if TESTING:
    import secrets as _secrets

    from cryptography.fernet import Fernet as _Fernet

    _default_keys = (_secrets.token_urlsafe(50), _Fernet.generate_key().decode())
else:
    _default_keys = (DEV_SECRET_KEY, DEV_FIELD_ENCRYPTION_KEY if DEBUG else "")
SECRET_KEY = env.str("SECRET_KEY", default=_default_keys[0])
# Earlier SECRET_KEYs still accepted for sessions and signatures (Django's key rotation). Secrets at
# rest do not depend on SECRET_KEY, so rotating it stops nothing.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# Secrets at rest (signing keys, webhook tokens, credentials in HTTP target URLs): MultiFernet keys,
# newest first. Rotation: a new key first, `manage.py rotate_secrets`, then drop the old one.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[_default_keys[1]] if _default_keys[1] else [])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute base of links put into notifications (event -> console page).
# Defaults to the port the console runs on (`PORT`, read by run_console), so links work out of the box.
CONSOLE_BASE_URL = env.str("CONSOLE_BASE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc from our own static files, not a CDN
    "axes",  # sign-in throttling and lockout
    "console",
    "workspaces",
    "notifications",
]

MIDDLEWARE = [
    "console.health.HealthMiddleware",  # /healthz, /readyz, /metrics: before host checks and redirects
    "console.middleware.ApiBodyLimitMiddleware",
    "console.input.UnsafeRequestTextMiddleware",  # NUL in a path or query: 404/400, never a 500
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files from STATIC_ROOT, in any WSGI server
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "console.middleware.AccessDeniedMiddleware",
    "console.middleware.HtmxSessionMiddleware",  # an ended session: HX-Redirect to sign-in, not a page in a drawer
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into a 429
]
# A failed CSRF check gets a console page (or, for htmx, a worded toast / sign-in redirect).
CSRF_FAILURE_VIEW = "console.views.csrf_failure"

ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"
AUTH_USER_MODEL = "workspaces.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace-list"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "console.navigation.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'console.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the worker write to the same file: WAL lets readers proceed while one
    # writes, IMMEDIATE transactions take the write lock up front (no "database is locked" on
    # upgrade), and the timeout makes a writer wait for the other instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not memory: integration tests hand it to a real worker process. One per test run.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        "TEST_SQLITE_NAME", default=str(VAR_DIR / f"test-{os.getpid()}.sqlite3")
    )
elif TESTING:
    # One test database per test run, so that two runs on one server do not collide.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", env.str("TEST_DB_NAME", default=f"test_{DATABASES['default']['NAME']}_{os.getpid()}")
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
# A kept connection is checked before reuse, so a database restart costs one retry, not an error.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if TESTING:  # hashing real passwords costs ~1 s per user on a loaded 2-core machine
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in: axes first (refuses a locked-out user name or address before any password is hashed),
# then Django's backend; users are found by sign-in name (`name@alias` for sub-users,
# workspaces.iam.models.users.sign_in_lookup), which is why user names need not be unique.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
SILENCED_SYSTEM_CHECKS = ["auth.W004"]  # user names are unique per account; sign-in names are unique
# Failed sign-ins (console, admin, the API's token endpoint), counted in the database and shared by
# every web process: this many for one user name, or from one client address, lock that name or
# address out for LOGIN_LOCKOUT_MINUTES (429), then it may try again.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = LOGIN_LOCKOUT_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one: per user name and per address
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "console.signin.attempted_sign_in_name"
AXES_CLIENT_IP_CALLABLE = "console.signin.client_address"
AXES_LOCKOUT_CALLABLE = "console.signin.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password"]
# The number of proxies in front of the web processes that append to X-Forwarded-For (0: none, the
# TCP peer is the client). The one setting behind every per-client limit: sign-in lockout and the
# API's throttles (DRF's NUM_PROXIES). Never more than there are: the client could then choose its
# address.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
# Months of the usage and billing page follow this zone (PAI bills by calendar month).
BILLING_TIME_ZONE = env.str("BILLING_TIME_ZONE", default="Asia/Shanghai")

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
# Collected by `manage.py deploy` (or run_console) with content hashes in the names and gzip copies;
# whitenoise serves them with far-future cache headers. Tests render pages without collecting.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_048_576  # 1 MB: the largest PutEvents request, and any other body

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
# HTTPS (see the README's production settings): HSTS seconds (0 = no header), redirect http to
# https, and the header a TLS-terminating proxy sets, as "HEADER_NAME,value"
# (e.g. "HTTP_X_FORWARDED_PROTO,https"); empty = trust no such header.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if _proxy_ssl_header else None
# Content-Security-Policy on every answer (django-csp): scripts, styles, images and fonts from this
# origin only (htmx is vendored, Swagger UI and Redoc come from drf-spectacular-sidecar), no inline
# script, no framing, forms post here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # A <style> element needs the page's nonce (the console has none; Swagger UI's page has one);
        # style="" attributes are allowed (they can load nothing img-src would refuse).
        "style-src": ["'self'", NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# The cache holds the API's throttle counters (per client address), so it must be shared by every
# web process: the database (its table is made by a migration) or Redis by URL
# (redis://host:6379/1). The tests keep a per-process memory cache.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://" if TESTING else "dbcache://console_cache")}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PAI notifications <noreply@localhost>")

# --- Outbound requests (chat bots, HTTP targets, EAS API).
# Hosts admitted as chat webhooks besides the providers' own (self-hosted relays, tests).
WEBHOOK_EXTRA_HOSTS = env.list("WEBHOOK_EXTRA_HOSTS", default=[])
# Networks the SSRF guard admits although private or loopback (CIDR list, e.g. 127.0.0.1/32).
OUTBOUND_ALLOWED_NETWORKS = env.list("OUTBOUND_ALLOWED_NETWORKS", default=[])
OUTBOUND_CONNECT_TIMEOUT = env.float("OUTBOUND_CONNECT_TIMEOUT", default=3.0)
OUTBOUND_READ_TIMEOUT = env.float("OUTBOUND_READ_TIMEOUT", default=10.0)
# A PEM file of the certificate authorities outbound HTTPS trusts instead of certifi's bundle (a
# company CA in front of self-hosted relays). Empty: certifi's. Certificates are always verified.
OUTBOUND_CA_BUNDLE = env.str("OUTBOUND_CA_BUNDLE", default="")

# --- The outbox: an event enqueued this long ago and still not routed has lost its routing task
# (a broker that restarted empty); the sweeper enqueues it again (routing is idempotent).
EVENT_REROUTE_AFTER_SECONDS = env.float("EVENT_REROUTE_AFTER_SECONDS", default=600.0)
# --- Batch routing (notifications.services.routing_batch): one pass claims up to this many ready
# events; a wake-up task keeps passing while passes come back full, for at most ROUTE_DRAIN_SECONDS
# (0: one pass per wake-up). A pass's claim lapses after ROUTE_CLAIM_SECONDS (a worker that died).
# Inline sends of one pass go out on up to ROUTE_SEND_THREADS threads (keep-alive per host).
ROUTE_BATCH_SIZE = env.int("ROUTE_BATCH_SIZE", default=200)
ROUTE_DRAIN_SECONDS = env.float("ROUTE_DRAIN_SECONDS", default=5.0)
ROUTE_CLAIM_SECONDS = env.float("ROUTE_CLAIM_SECONDS", default=30.0)
ROUTE_SEND_THREADS = env.int("ROUTE_SEND_THREADS", default=8)

# --- Delivery retry schedule: exponential backoff with full jitter, until a deadline.
DELIVERY_RETRY_BASE_SECONDS = env.float("DELIVERY_RETRY_BASE_SECONDS", default=1.0)
DELIVERY_RETRY_MAX_SECONDS = env.float("DELIVERY_RETRY_MAX_SECONDS", default=512.0)
DELIVERY_DEADLINE_SECONDS = env.int("DELIVERY_DEADLINE_SECONDS", default=24 * 3600)
# An event with at most this many deliveries, all to chat bots or HTTP endpoints, is sent by its
# routing task (one task hop); larger fan-outs, other channels and retries go through the channel
# queues. 0: every delivery through its channel's queue (strict per-queue isolation of workers).
DELIVERY_INLINE_MAX = env.int("DELIVERY_INLINE_MAX", default=4)
# Target health: this many "gone" answers in a row (a revoked token, HTTP 410) disable a target; so
# do TARGET_DISABLE_AFTER_DEAD dead deliveries in a row when the first was at least
# TARGET_DISABLE_MIN_FAILING_SECONDS ago. Its later deliveries are skipped until it is re-enabled.
TARGET_DISABLE_AFTER_GONE = env.int("TARGET_DISABLE_AFTER_GONE", default=1)
TARGET_DISABLE_AFTER_DEAD = env.int("TARGET_DISABLE_AFTER_DEAD", default=20)
TARGET_DISABLE_MIN_FAILING_SECONDS = env.int("TARGET_DISABLE_MIN_FAILING_SECONDS", default=24 * 3600)

# --- Text message and voice providers: "logging" (default) or "aliyun" (Alibaba Cloud SMS / VMS).
TELEPHONY_PROVIDER = env.str("TELEPHONY_PROVIDER", default="logging")
TELEPHONY_API_URL = env.str("TELEPHONY_API_URL", default="")
TELEPHONY_ACCESS_KEY_ID = env.str("TELEPHONY_ACCESS_KEY_ID", default="")
TELEPHONY_ACCESS_KEY_SECRET = env.str("TELEPHONY_ACCESS_KEY_SECRET", default="")
TELEPHONY_SIGN_NAME = env.str("TELEPHONY_SIGN_NAME", default="")
TELEPHONY_SMS_TEMPLATE = env.str("TELEPHONY_SMS_TEMPLATE", default="")
TELEPHONY_VOICE_TEMPLATE = env.str("TELEPHONY_VOICE_TEMPLATE", default="")

# --- EAS: when set, an EAS service update target also calls UpdateService on this API.
EAS_API_URL = env.str("EAS_API_URL", default="")
EAS_API_TOKEN = env.str("EAS_API_TOKEN", default="")
EAS_REGION = env.str("EAS_REGION", default="cn-shanghai")

# --- Celery. Default broker: kombu's SQLAlchemy transport on a SQLite file (see README: steady
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

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "console.schema.DescribedAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "console.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "console.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
    # JSON nested deeper than MAX_JSON_DEPTH, lone surrogates and NUL in any string: 400.
    "DEFAULT_PARSER_CLASSES": ["console.input.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "NUM_PROXIES": NUM_PROXIES,
}
# How deep a JSON request body may nest (objects and arrays); deeper is refused with 400.
MAX_JSON_DEPTH = env.int("MAX_JSON_DEPTH", default=32)
# PutEvents requests per account and minute (each up to 16 events and 1 MB), a sliding window counted
# where the per-bot rate limits are (Redis or the database), so every web process shares it; over
# it, 429 with Retry-After. 0: no limit.
PUT_EVENTS_PER_MINUTE = env.int("PUT_EVENTS_PER_MINUTE", default=300)
# Whether /api/schema/, /api/docs/ (Swagger UI) and /api/redoc/ answer without a login (console/api_docs.py
# says why they do by default).
API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=True)
SPECTACULAR_SETTINGS = {
    "TITLE": "PAI Event Notifications API",
    "DESCRIPTION": "Workspaces, EventBridge activation, notice rules, targets, events and deliveries.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files, never a CDN (console/api_docs.py).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny" if API_DOCS_PUBLIC
                          else "rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "console.schema.document_shared_answers",
    ],
    # Several models have a `status`/`source`: name each enum after what it is.
    "ENUM_NAME_OVERRIDES": {
        "EventSourceEnum": "notifications.catalog.SOURCE_CHOICES",
        "RuleScopeEnum": "notifications.catalog.SCOPE_CHOICES",
        "EventTypeEnum": "notifications.catalog.EVENT_TYPE_CHOICES",
        "DeliveryMethodEnum": "notifications.channels.registry.METHOD_CHOICES",
        "DeliveryChannelEnum": "notifications.api.deliveries.CHANNEL_CHOICES",
        "ApprovalStatusEnum": "workspaces.pai_resources.models.ModelVersion.ApprovalStatus",
        "DlcJobStatusEnum": "workspaces.pai_resources.models.DlcJob.Status",
        "DswInstanceStatusEnum": "workspaces.pai_resources.models.DswInstance.Status",
        "DswImageStatusEnum": "workspaces.pai_resources.models.DswInstance.ImageStatus",
        "FlowTaskStatusEnum": "workspaces.pai_resources.models.FlowTask.Status",
        "EasServiceStatusEnum": "workspaces.pai_resources.models.EasService.Status",
        "EventStatusEnum": "notifications.models.events.Event.Status",
        "DeliveryStatusEnum": "notifications.models.deliveries.Delivery.Status",
        "AttemptOutcomeEnum": "notifications.models.deliveries.DeliveryAttempt.Outcome",
        "QuotaRequestStatusEnum": "notifications.models.rules.QuotaIncreaseRequest.Status",
    },
}

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
# PgBouncer in transaction mode: no server-side cursors (they live across transactions).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DB_DISABLE_SERVER_SIDE_CURSORS", default=False)
