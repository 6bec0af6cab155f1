"""Sentry, when SENTRY_DSN is set (settings call `sentry_init` at start-up): unhandled errors of the
web process, the Celery workers and beat, and ERROR log lines, with the Django and Celery context.
No personal data is sent (no user names, cookies or request bodies)."""

from __future__ import annotations


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
