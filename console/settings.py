"""Settings for the PAI event notification console.

Every value comes from the environment (django-environ); `.env.example` lists them all. The defaults
are the embedded single-machine setup: SQLite and a Celery broker in SQLite, both under `var/`.
Blocks of one concern each are in `console/settings_parts/` (keys and sign-in, Celery, the API,
operations), imported here.
"""

import os
from pathlib import Path

from console.settings_parts.api import *  # noqa: F403  (REST_FRAMEWORK, SPECTACULAR_SETTINGS, ...)
from console.settings_parts.celery import *  # noqa: F403  (CELERY_*, RATE_LIMIT_*)
from console.settings_parts.environment import BASE_DIR, DEBUG, TESTING, VAR_DIR, env  # noqa: F401  (DEBUG: a setting)
from console.settings_parts.operations import *  # noqa: F403  (LOGGING, retention, metrics, Sentry, ...)
from console.settings_parts.security import *  # noqa: F403  (keys, sign-in, cookies, HTTPS, CSP)

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
    # The console's language: the user's choice (the language cookie set by the user menu's switch),
    # else the browser's Accept-Language, else LANGUAGE_CODE. The API is English unless the client
    # sends Accept-Language (its field names and error codes are never translated).
    "django.middleware.locale.LocaleMiddleware",
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
# PgBouncer in transaction mode: no server-side cursors (they live across transactions).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DB_DISABLE_SERVER_SIDE_CURSORS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if TESTING:  # hashing real passwords costs ~1 s per user on a loaded 2-core machine
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-us"
# The console's languages (README "Languages"): English and Simplified Chinese. Translations live in
# locale/<lang>/LC_MESSAGES/django.po, compiled to the committed django.mo (`make messages`).
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "console_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the user's choice outlives the session
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
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
# A pass sends at most this many first attempts itself (an event's chat/HTTP deliveries, its whole
# fan-out, while they fit); the rest go through the channel queues.
ROUTE_INLINE_MAX = env.int("ROUTE_INLINE_MAX", default=200)

# --- Delivery retry schedule: exponential backoff with full jitter, until a deadline.
DELIVERY_RETRY_BASE_SECONDS = env.float("DELIVERY_RETRY_BASE_SECONDS", default=1.0)
DELIVERY_RETRY_MAX_SECONDS = env.float("DELIVERY_RETRY_MAX_SECONDS", default=512.0)
DELIVERY_DEADLINE_SECONDS = env.int("DELIVERY_DEADLINE_SECONDS", default=24 * 3600)
# An event routed on its own (event_route) with at most this many deliveries, all to chat bots or
# HTTP endpoints, is sent by its routing task (one task hop); routing passes use ROUTE_INLINE_MAX.
# 0: every delivery through its channel's queue, in passes too (strict per-queue isolation of workers).
DELIVERY_INLINE_MAX = env.int("DELIVERY_INLINE_MAX", default=4)
# Target health: this many "gone" answers in a row (a revoked token, HTTP 410) disable a target; so
# do TARGET_DISABLE_AFTER_DEAD dead deliveries in a row when the first was at least
# TARGET_DISABLE_MIN_FAILING_SECONDS ago. Its later deliveries are skipped until it is re-enabled.
TARGET_DISABLE_AFTER_GONE = env.int("TARGET_DISABLE_AFTER_GONE", default=1)
TARGET_DISABLE_AFTER_DEAD = env.int("TARGET_DISABLE_AFTER_DEAD", default=20)
TARGET_DISABLE_MIN_FAILING_SECONDS = env.int("TARGET_DISABLE_MIN_FAILING_SECONDS", default=24 * 3600)
# Replay (notifications.services.replay): a job takes at most this many events (a wider window is
# refused, naming its count), and replays them this many at a time, saving its progress after each.
REPLAY_MAX_EVENTS = env.int("REPLAY_MAX_EVENTS", default=10_000)
REPLAY_CHUNK_EVENTS = env.int("REPLAY_CHUNK_EVENTS", default=100)
# A queued or running replay that has not moved for this long is re-enqueued by the beat sweep (its
# task was lost, or its database retries ran out); after this many re-enqueues without moving it fails.
REPLAY_STALL_SECONDS = env.int("REPLAY_STALL_SECONDS", default=120)
REPLAY_STALL_REQUEUES = env.int("REPLAY_STALL_REQUEUES", default=3)

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

