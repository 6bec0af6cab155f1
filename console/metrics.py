"""Prometheus metrics at /metrics (prometheus-client).

Two kinds of figures, and where each comes from:

- **Counted where it happens** (events raised, delivery outcomes, attempt latency, rate-limit waits,
  sweeper runs): counters and a histogram in the process that did the work. With several processes
  (gunicorn workers, Celery's pool processes, beat) prometheus-client's *multiprocess mode* is used:
  each process writes its figures to files in PROMETHEUS_MULTIPROC_DIR and a scrape sums them. So a
  scrape sees every process **on this host** that shares the directory (the Procfile recipe runs
  them all on one host).
- **Read at scrape time** from the database and the broker (dead deliveries, deliveries waiting,
  unrouted events, queue depths, workers, queues nobody consumes): true for the whole installation,
  whichever host answers the scrape.
"""

from __future__ import annotations

import logging
import os

from prometheus_client import CollectorRegistry, Counter, Histogram

logger = logging.getLogger(__name__)

EVENTS = Counter("pai_events_total", "Events raised, by catalog source and status (published or not).",
                 ["source", "status"])
DELIVERY_OUTCOMES = Counter("pai_delivery_outcomes_total",
                            "Delivery outcomes after each attempt: succeeded, retrying or dead, by channel.",
                            ["channel", "outcome"])
ATTEMPT_SECONDS = Histogram("pai_delivery_attempt_seconds", "Duration of one delivery attempt (the send), by channel.",
                            ["channel"], buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
RATE_LIMIT_WAITS = Counter("pai_rate_limit_waits_total",
                           "Sends put off because the bot's rate-limit window was full, by channel.", ["channel"])
SWEEPER_RUNS = Counter("pai_sweeper_runs_total", "Runs of the periodic sweepers, by task.", ["sweeper"])
SWEEPER_ITEMS = Counter("pai_sweeper_items_total",
                        "What the sweepers handled (events or deliveries re-enqueued, rows pruned), by task.",
                        ["sweeper"])
# The periodic tasks whose runs are counted (their return value is what they handled).
SWEEPERS = {
    "notifications.tasks.requeue_unenqueued_events": "requeue_unenqueued_events",
    "notifications.tasks.requeue_overdue_deliveries": "requeue_overdue_deliveries",
    "notifications.tasks.requeue_stalled_replays": "requeue_stalled_replays",
    "workspaces.tasks.raise_job_timeouts": "raise_job_timeouts",
    "console.tasks.prune_history": "prune_history",
    "console.tasks.purge_consumed_broker_messages": "purge_consumed_broker_messages",
}


def event_counted(*, source: str, status: str) -> None:
    EVENTS.labels(source=source, status=status).inc()


def delivery_outcome_counted(*, channel: str, outcome: str, seconds: float | None) -> None:
    DELIVERY_OUTCOMES.labels(channel=channel, outcome=outcome).inc()
    if seconds is not None:
        ATTEMPT_SECONDS.labels(channel=channel).observe(seconds)


def rate_limit_wait_counted(*, channel: str) -> None:
    RATE_LIMIT_WAITS.labels(channel=channel).inc()


def sweeper_run_counted(*, task_name: str, result) -> None:
    sweeper = SWEEPERS.get(task_name)
    if sweeper is None:
        return
    SWEEPER_RUNS.labels(sweeper=sweeper).inc()
    if isinstance(result, int) and not isinstance(result, bool):
        SWEEPER_ITEMS.labels(sweeper=sweeper).inc(result)
    elif isinstance(result, dict):
        SWEEPER_ITEMS.labels(sweeper=sweeper).inc(sum(v for v in result.values() if isinstance(v, int)))


def connect_signals() -> None:
    """Count events as their rows are written and sweeper runs as their tasks finish."""
    from celery.signals import task_postrun
    from django.db.models.signals import post_save

    from notifications.models import Event

    def on_event_saved(sender, instance, created, **kwargs):
        if created:
            event_counted(source=instance.source, status=instance.status)

    def on_task_done(sender=None, retval=None, state=None, **kwargs):
        if state == "SUCCESS" and sender is not None:
            sweeper_run_counted(task_name=sender.name, result=retval)

    post_save.connect(on_event_saved, sender=Event, weak=False, dispatch_uid="console.metrics.event")
    task_postrun.connect(on_task_done, weak=False, dispatch_uid="console.metrics.sweepers")


def metrics_snapshot() -> dict[str, dict[tuple, float]]:
    """The counted figures as {metric: {labels: value}} for the System page (same sources as /metrics)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY as registry
    wanted = {"pai_events_total", "pai_delivery_outcomes_total", "pai_rate_limit_waits_total",
              "pai_sweeper_runs_total", "pai_sweeper_items_total", "pai_delivery_attempt_seconds_count",
              "pai_delivery_attempt_seconds_sum"}
    snapshot: dict[str, dict[tuple, float]] = {}
    for family in registry.collect():
        for sample in family.samples:
            if sample.name in wanted:
                labels = tuple(sorted(sample.labels.items()))
                values = snapshot.setdefault(sample.name, {})
                values[labels] = values.get(labels, 0) + sample.value
    return snapshot


def metrics_clear_directory() -> int:
    """Empty PROMETHEUS_MULTIPROC_DIR (`manage.py deploy`, before the processes start): files of
    processes from an earlier run would otherwise be summed forever."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory or not os.path.isdir(directory):
        return 0
    removed = 0
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.remove(os.path.join(directory, name))
            removed += 1
    return removed
