"""(d) Routing cost against the number of rules on the bus: the time the routing service takes for
one approval event when the bus holds 10, 1,000 and 10,000 rules, of which exactly one matches
(the others: 80 % other sources' types, 10 % the same type but disabled, 10 % the same type scoped to
another model). Routing only (DELIVERY_INLINE_MAX=0: the one delivery is enqueued, not sent here).
Measured in this process, on the profile's database, with no worker running; the deliver tasks it
enqueues are purged afterwards."""

from __future__ import annotations

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import pipeline
from benchmarks.harness import Context, Stage, flush_broker
from benchmarks.stats import median, percentile

SIZES = (10, 1000, 10000)


def _approval_events(workspace_id: int, version_ids: list[int]) -> list[int]:
    from notifications.models import Event

    for version_id in version_ids:
        pipeline.approve_version(version_id)
    return list(
        Event.objects.filter(workspace_id=workspace_id, type=pipeline.approved_type(), routed_at__isnull=True)
        .order_by("id").values_list("id", flat=True)
    )


def _route_times(event_ids: list[int]) -> tuple[list[float], list[int]]:
    from django.test import override_settings

    from notifications.services.routing import event_route

    times, queries = [], []
    with override_settings(DELIVERY_INLINE_MAX=0):
        for event_id in event_ids:
            _route_one(event_route, event_id, times, queries)
    return times, queries


def _route_one(event_route, event_id: int, times: list[float], queries: list[int]) -> None:
    connection.queries_log.clear()  # the log keeps 9,000 entries across captures
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        event_route(event_id=event_id)
        times.append((time.perf_counter() - started) * 1000)
    queries.append(len(captured.captured_queries))


def measure(ctx: Context) -> Stage:
    from notifications.models import Delivery

    stage = Stage("d_routing_cost")
    events_per_size = ctx.size(30, 100, scaled=False)
    fixtures = pipeline.build_bot_workspaces(1, ctx.fake.url)
    workspace_id = fixtures.workspace_ids[0]
    rules, mix = 1, {}
    try:
        for size in SIZES:
            added = pipeline.add_rules(workspace_id, size - rules, ctx.fake.url)
            mix = {k: mix.get(k, 0) + v for k, v in added.items()}
            rules = size
            event_ids = _approval_events(workspace_id, pipeline.add_pending_versions(workspace_id, events_per_size + 3))
            _route_times(event_ids[:3])  # warm: plans, caches
            times, queries = _route_times(event_ids[3:])
            created = Delivery.objects.filter(event_id__in=event_ids).count()
            stage.figures[str(size)] = {
                "median_ms": round(median(times), 2), "p90_ms": round(percentile(times, 90), 2),
                "queries_per_event": max(queries), "deliveries_per_event": round(created / len(event_ids), 2),
            }
    finally:
        flush_broker(ctx.profile)  # the route and deliver tasks nobody consumed
    stage.figures["rule_mix"] = {"matching": 1, **mix}
    low, high = stage.figures[str(SIZES[0])]["median_ms"], stage.figures[str(SIZES[-1])]["median_ms"]
    stage.figures["ratio_10000_to_10"] = round(high / low, 2) if low else None
    stage.figures["events_per_size"] = events_per_size
    if not ctx.quick and ctx.time_left() > 60:
        # The same with every other rule on other sources' types: which part of the cost grows.
        stage.figures["other_sources_only"] = _series(ctx, (SIZES[0], SIZES[-1]), events_per_size)
    return stage


def _series(ctx: Context, sizes: tuple[int, ...], events_per_size: int) -> dict:
    figures, rules = {}, 1
    workspace_id = pipeline.build_bot_workspaces(1, ctx.fake.url).workspace_ids[0]
    try:
        for size in sizes:
            pipeline.add_rules(workspace_id, size - rules, ctx.fake.url, other_sources_only=True)
            rules = size
            event_ids = _approval_events(workspace_id, pipeline.add_pending_versions(workspace_id, events_per_size + 3))
            _route_times(event_ids[:3])
            times, _ = _route_times(event_ids[3:])
            figures[str(size)] = round(median(times), 2)
    finally:
        flush_broker(ctx.profile)
    figures["ratio"] = round(figures[str(sizes[-1])] / figures[str(sizes[0])], 2)
    return figures
