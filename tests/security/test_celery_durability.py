"""Durable Celery: a task is acknowledged only after it ran, comes back when its worker dies, waits in
the broker rather than in a worker's prefetch buffer, and running any task twice duplicates nothing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from console.celery import app

ROOT = Path(__file__).resolve().parents[2]
TASK_MODULES = ("notifications.tasks", "workspaces.tasks")


def project_tasks():
    app.loader.import_default_modules()
    return sorted(
        (task for name, task in app.tasks.items() if name.startswith(tuple(f"{m}." for m in TASK_MODULES))),
        key=lambda task: task.name,
    )


def effective_conf_with(**env) -> dict:
    """The app's configuration as a fresh process with this environment sees it."""
    code = (
        "import json, django; django.setup(); from console.celery import app; c = app.conf; "
        "print(json.dumps({'transport_options': c.broker_transport_options, 'acks_late': c.task_acks_late, "
        "'reject_on_worker_lost': c.task_reject_on_worker_lost, 'prefetch': c.worker_prefetch_multiplier, "
        "'retry_max': django.conf.settings.DELIVERY_RETRY_MAX_SECONDS}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "console.settings", **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def longest_rate_limit_wait() -> float:
    """The longest a delivery may be held back by a bot's rate limit: the widest window any channel
    adapter declares, and the platforms' penalty (DingTalk: 10 minutes after 130101)."""
    from notifications.channels.registry import CHANNELS

    windows = [0.0]
    for channel in CHANNELS:
        try:
            windows += [float(window) for _count, window in getattr(channel.adapter, "rate_limits", ())]
        except ImportError:
            continue
    return max(*windows, float(getattr(settings, "RATE_LIMIT_MAX_WAIT_SECONDS", 0) or 0), 600.0)


def test_tasks_are_acknowledged_late_requeued_on_a_lost_worker_and_prefetched_one_at_a_time():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_always_eager is False


def test_every_project_task_inherits_the_durable_settings():
    tasks = project_tasks()
    assert {task.name for task in tasks} >= {
        "notifications.tasks.route_event", "notifications.tasks.deliver_chat", "notifications.tasks.deliver_http",
        "notifications.tasks.deliver_email", "notifications.tasks.deliver_telephony",
        "notifications.tasks.deliver_eas", "notifications.tasks.requeue_unenqueued_events",
        "notifications.tasks.requeue_overdue_deliveries", "workspaces.tasks.raise_job_timeouts",
    }
    for task in tasks:
        assert task.acks_late is True, task.name
        assert task.reject_on_worker_lost in (True, None), task.name  # None: the app's True applies


def test_every_project_task_is_routed_to_a_named_queue():
    router = app.amqp.router  # creates missing queues, as a worker and a publisher do
    for task in project_tasks():
        route = router.route({}, task.name)
        assert route["queue"].name in settings.CELERY_QUEUE_NAMES, task.name
    assert router.route({}, "notifications.tasks.deliver_chat")["queue"].name == "chat"
    assert router.route({}, "notifications.tasks.route_event")["queue"].name == "events"


def test_on_redis_the_visibility_timeout_outlasts_the_longest_countdown_and_rate_limit_wait():
    conf = effective_conf_with(CELERY_BROKER_URL="redis://127.0.0.1:6379/15")
    timeout = conf["transport_options"]["visibility_timeout"]
    assert timeout > conf["retry_max"], "a retry countdown would outlive the visibility timeout: run twice"
    assert timeout > longest_rate_limit_wait()
    assert conf["transport_options"]["max_connections"] >= settings.CELERY_WORKER_CONCURRENCY
    assert conf["acks_late"] and conf["reject_on_worker_lost"] and conf["prefetch"] == 1


def test_the_visibility_timeout_can_be_shortened_from_the_environment_for_the_chaos_run():
    conf = effective_conf_with(CELERY_BROKER_URL="redis://127.0.0.1:6379/15", CELERY_VISIBILITY_TIMEOUT="7")
    assert conf["transport_options"]["visibility_timeout"] == 7


@pytest.mark.parametrize("retry_max", ["3600", "7200"])
def test_a_retry_schedule_longer_than_the_visibility_timeout_is_reported_by_a_system_check(settings, retry_max):
    from console.checks import check_celery_visibility_timeout

    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    settings.DELIVERY_RETRY_MAX_SECONDS = float(retry_max)
    assert [message.id for message in check_celery_visibility_timeout()] == ["console.W004"]
