"""System checks (`manage.py check`, run before `runserver`, `migrate` and the console commands):
warn about half-configured secrets and providers before a message fails at 3 a.m."""

import ipaddress
import os

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

TELEPHONY_PROVIDERS = ("logging", "aliyun")
# What the Alibaba Cloud SMS / voice provider cannot work without.
ALIYUN_TELEPHONY_SETTINGS = ("TELEPHONY_ACCESS_KEY_ID", "TELEPHONY_ACCESS_KEY_SECRET", "TELEPHONY_SIGN_NAME")


# Development keys published in this repository's history: never a production key.
PUBLIC_SECRET_KEYS = frozenset({"insecure-development-key-change-me-in-production-0123456789"})


def secret_key_problem(key: str) -> str | None:
    """Why `key` is not a production SECRET_KEY (Django's own rule for security.W009, plus the
    development keys), or None."""
    from django.conf import settings as live

    if (not key or key == getattr(live, "DEV_SECRET_KEY", None) or key in PUBLIC_SECRET_KEYS
            or key.startswith("django-insecure-")):
        return "is not set (the development key is in use)"
    if len(key) < 50 or len(set(key)) < 5:
        return f"is too weak ({len(key)} characters, {len(set(key))} different; at least 50 and 5)"
    return None


# Not deploy-only: these run before every start of web (runserver, gunicorn through console.wsgi),
# worker and beat (console.celery), and before migrate; an Error stops them.
@checks.register(checks.Tags.security)
def check_secret_key(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    messages = []
    for name, keys in (("SECRET_KEY", [settings.SECRET_KEY]),
                       ("SECRET_KEY_FALLBACKS", getattr(settings, "SECRET_KEY_FALLBACKS", []))):
        for key in keys:
            if problem := secret_key_problem(key):
                messages.append(checks.Error(
                    f"{name} {problem}: sessions and CSRF tokens could be forged. DEBUG is off, so this "
                    "process refuses to start.",
                    hint="Set SECRET_KEY to a long random value, e.g. from `python -c 'import secrets; "
                         "print(secrets.token_urlsafe(50))'` (or set DEBUG=true on a development machine).",
                    id="console.E005",
                ))
    return messages


@checks.register(checks.Tags.security)
def check_field_encryption_keys(app_configs=None, **kwargs):
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []))
    dev_key = getattr(settings, "DEV_FIELD_ENCRYPTION_KEY", None)
    if not settings.DEBUG and (not keys or dev_key in keys):
        return [checks.Error(
            "FIELD_ENCRYPTION_KEYS is not set" + (" (the development key is in use)" if keys else "")
            + ": signing keys and webhook tokens could not be kept secret. DEBUG is off, so this process "
            "refuses to start.",
            hint="Set FIELD_ENCRYPTION_KEYS to a Fernet key, e.g. from `python -c 'from cryptography.fernet "
                 "import Fernet; print(Fernet.generate_key().decode())'`; secrets saved by an earlier version "
                 "with a key derived from SECRET_KEY stay readable: then run `manage.py rotate_secrets`.",
            id="console.E006",
        )]
    if keys:
        from console.crypto import fernet

        try:
            fernet()
        except ImproperlyConfigured as exc:
            return [checks.Error(str(exc), id="console.E001")]
    return []


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs):
    """The API's throttles count in the default cache: a per-process memory cache gives every web
    process its own count."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        return [checks.Warning(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is not shared between processes: each web process "
            "would count the API's throttles on its own.",
            hint="Leave CACHE_URL unset (the database cache) or point it at Redis (redis://host:6379/1).",
            id="console.W005",
        )]
    return []


def run_startup_checks(process: str) -> None:
    """Run the system checks in a process that Django's commands do not check for us (a Celery
    worker or beat, a WSGI server): an Error stops it, as it stops runserver and migrate."""
    from django.core.checks import run_checks
    from django.core.management.base import SystemCheckError

    serious = [message for message in run_checks() if message.is_serious() and not message.is_silenced()]
    if serious:
        text = "\n".join(str(message) for message in serious)  # each with its hint
        raise SystemCheckError(f"{process} refuses to start: the system checks found errors:\n{text}")


@checks.register()
def check_telephony_provider(app_configs=None, **kwargs):
    provider = getattr(settings, "TELEPHONY_PROVIDER", "logging")
    if provider not in TELEPHONY_PROVIDERS:
        return [
            checks.Error(
                f"TELEPHONY_PROVIDER={provider!r} is not a known provider.",
                hint=f"Use one of: {', '.join(TELEPHONY_PROVIDERS)}.",
                id="console.E002",
            )
        ]
    if provider == "aliyun":
        missing = [name for name in ALIYUN_TELEPHONY_SETTINGS if not getattr(settings, name, "")]
        if missing:
            return [
                checks.Warning(
                    f"TELEPHONY_PROVIDER is 'aliyun' but {', '.join(missing)} "
                    f"{'is' if len(missing) == 1 else 'are'} not set: text messages and voice calls will fail.",
                    hint="Set them, or TELEPHONY_PROVIDER=logging.",
                    id="console.W002",
                )
            ]
    return []


@checks.register()
def check_eas_api(app_configs=None, **kwargs):
    if getattr(settings, "EAS_API_URL", "") and not getattr(settings, "EAS_API_TOKEN", ""):
        return [
            checks.Warning(
                "EAS_API_URL is set but EAS_API_TOKEN is not: UpdateService calls will be refused.",
                hint="Set EAS_API_TOKEN, or unset EAS_API_URL to switch versions in the console only.",
                id="console.W003",
            )
        ]
    return []


@checks.register(checks.Tags.security)
def check_outbound_allowed_networks(app_configs=None, **kwargs):
    messages = []
    for network in getattr(settings, "OUTBOUND_ALLOWED_NETWORKS", []):
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            messages.append(
                checks.Error(
                    f"OUTBOUND_ALLOWED_NETWORKS holds {network!r}, which is not a network.",
                    hint="Use CIDR notation, e.g. 127.0.0.1/32 or 10.0.0.0/8.",
                    id="console.E003",
                )
            )
    bundle = getattr(settings, "OUTBOUND_CA_BUNDLE", "")
    if bundle and not os.path.isfile(bundle):
        messages.append(
            checks.Error(
                f"OUTBOUND_CA_BUNDLE names {bundle!r}, which is not a file: every HTTPS delivery would fail.",
                hint="Point it at a PEM file of CA certificates, or leave it empty for certifi's bundle.",
                id="console.E004",
            )
        )
    return messages


@checks.register()
def check_celery_visibility_timeout(app_configs=None, **kwargs):
    """On Redis a task not acknowledged within the visibility timeout is handed to another worker;
    a countdown longer than that would be run twice."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    timeout = options.get("visibility_timeout")
    longest = getattr(settings, "DELIVERY_RETRY_MAX_SECONDS", 0)
    if timeout is not None and timeout <= longest:
        return [
            checks.Warning(
                f"The broker's visibility_timeout ({timeout} s) is not longer than DELIVERY_RETRY_MAX_SECONDS "
                f"({longest:g} s): retried deliveries would be handed to a second worker while waiting.",
                hint="Raise CELERY_VISIBILITY_TIMEOUT (only the chaos test lowers it on purpose).",
                id="console.W004",
            )
        ]
    return []
