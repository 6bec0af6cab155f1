"""The operator's view of the whole installation: the admin's System page (/admin/system/), the
twin of an account's Usage page, and the gauges of /metrics. One function reads the figures, so
both show the same numbers: deliveries dead and waiting, the outbox, notifications this month,
queue depths, the workers and the queues no worker consumes, and the counters of this host's
processes (console/metrics.py)."""

from __future__ import annotations

import os
from datetime import timedelta

from django.db.models import Count, Sum
from django.template.response import TemplateResponse
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from console import queues
from console.metrics import metrics_snapshot

OVERDUE_AFTER_SECONDS = 60  # as the overdue sweeper's grace


def system_figures() -> dict:
    from notifications.models import Delivery, Event, UsageCounter
    from notifications.selectors.usage import month_current

    now = timezone.now()
    dead = dict(Delivery.objects.filter(status=Delivery.Status.DEAD).values_list("channel")
                .annotate(n=Count("id")).order_by("channel"))
    active = Delivery.objects.filter(status__in=(Delivery.Status.PENDING, Delivery.Status.RETRYING))
    active_by_status = {status: 0 for status in (Delivery.Status.PENDING, Delivery.Status.RETRYING)}
    active_by_status.update(active.values_list("status").annotate(n=Count("id")).order_by("status"))
    overdue = active.filter(next_attempt_at__lt=now - timedelta(seconds=OVERDUE_AFTER_SECONDS)).count()
    unrouted = Event.objects.filter(status=Event.Status.PUBLISHED, routed_at__isnull=True).count()
    month = month_current(now)
    this_month = UsageCounter.objects.filter(day__gte=month).aggregate(total=Sum("count"))["total"] or 0
    names = queues.queue_names()
    try:
        depths, broker_error = queues.queue_depths(names), ""
    except Exception as exc:
        depths, broker_error = None, f"{exc.__class__.__name__}: {exc}"[:300]
    try:
        view = queues.workers_view_cached() if depths is not None else None
    except Exception:
        view = None
    return {
        "dead_by_channel": dead,
        "dead_total": sum(dead.values()),
        "active_by_status": active_by_status,
        "overdue": overdue,
        "events_unrouted": unrouted,
        "notifications_this_month": this_month,
        "month": month,
        "queues": names,
        "queue_depths": depths,
        "broker_error": broker_error,
        "workers": view.workers if view is not None and view.answered else None,
        "workers_checkable": queues.broker_can_broadcast(),
        "unconsumed_queues": view.unconsumed(names) if view is not None else [],
    }


def _counted_rows(snapshot: dict, name: str, *keys: str) -> list[dict]:
    rows = []
    for labels, value in sorted(snapshot.get(name, {}).items()):
        values = dict(labels)
        rows.append({**{key: values.get(key, "") for key in keys}, "value": int(value)})
    return rows


def system_view(request):
    """Django admin > System (staff only; wrapped by admin.site.admin_view in console/urls.py)."""
    from django.contrib import admin

    figures = system_figures()
    snapshot = metrics_snapshot()
    latency = snapshot.get("pai_delivery_attempt_seconds_sum", {})
    counts = snapshot.get("pai_delivery_attempt_seconds_count", {})
    mean_latency = [
        {"channel": dict(labels).get("channel", ""), "attempts": int(counts[labels]),
         "mean_ms": round(1000 * latency.get(labels, 0) / counts[labels], 1)}
        for labels in sorted(counts) if counts[labels]
    ]
    context = {
        **admin.site.each_context(request),
        "title": "System",
        "figures": figures,
        "queue_rows": [
            {"name": name, "depth": (figures["queue_depths"] or {}).get(name),
             "consumed": name not in figures["unconsumed_queues"]}
            for name in figures["queues"]
        ],
        "events_counted": _counted_rows(snapshot, "pai_events_total", "source", "status"),
        "outcomes_counted": _counted_rows(snapshot, "pai_delivery_outcomes_total", "channel", "outcome"),
        "rate_limit_waits": _counted_rows(snapshot, "pai_rate_limit_waits_total", "channel"),
        "sweeper_runs": _counted_rows(snapshot, "pai_sweeper_runs_total", "sweeper"),
        "mean_latency": mean_latency,
    }
    return TemplateResponse(request, "admin/system.html", context)


class StateCollector:
    """Gauges read at scrape time from the database and the broker (console/system.py's figures)."""

    def collect(self):
        figures = system_figures()
        dead = GaugeMetricFamily("pai_deliveries_dead", "Dead deliveries now stored, by channel.", labels=["channel"])
        for channel, count in figures["dead_by_channel"].items():
            dead.add_metric([channel], count)
        yield dead
        waiting = GaugeMetricFamily("pai_deliveries_active", "Deliveries pending or retrying now, by status.",
                                    labels=["status"])
        for status, count in figures["active_by_status"].items():
            waiting.add_metric([status], count)
        yield waiting
        yield GaugeMetricFamily("pai_events_unrouted", "Published events not routed yet (the outbox).",
                                value=figures["events_unrouted"])
        if figures["queue_depths"] is not None:
            depth = GaugeMetricFamily("pai_queue_depth", "Messages waiting in each queue.", labels=["queue"])
            for queue, count in figures["queue_depths"].items():
                depth.add_metric([queue], count)
            yield depth
        yield GaugeMetricFamily("pai_broker_up", "1 when the broker answered this scrape.",
                                value=1 if figures["queue_depths"] is not None else 0)
        if figures["workers"] is not None:
            yield GaugeMetricFamily("pai_workers", "Celery workers that answered.", value=len(figures["workers"]))
            consumed = GaugeMetricFamily("pai_queue_consumed", "1 when a worker consumes the queue, 0 when none does.",
                                         labels=["queue"])
            for queue in figures["queues"]:
                consumed.add_metric([queue], 0 if queue in figures["unconsumed_queues"] else 1)
            yield consumed


def metrics_exposition() -> bytes:
    """The text the scraper reads: the counted figures (summed over this host's processes in
    multiprocess mode) and the gauges read now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        from prometheus_client import REGISTRY as counted
    state = CollectorRegistry()
    state.register(StateCollector())
    return generate_latest(counted) + generate_latest(state)
