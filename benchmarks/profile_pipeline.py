"""Where the time of one delivery goes: the steps of the pipeline (publish an approval event in the web
process; one routing pass over N ready events, as the worker's wake-up runs it:
`routing_batch.events_route_ready(worker="bench", limit=N)`, which routes them and sends their
DingTalk deliveries together; the single-event route of `routing.event_route`, inline and with
DELIVERY_INLINE_MAX=0; the delivery sent through the chat queue's task) and, for context, the
console's Approve, run in this process under pyinstrument with their query counts, on PostgreSQL +
Redis (or `--profile sqlite`). No worker runs: the tasks they enqueue are purged at the end.

    python -m benchmarks.profile_pipeline [--count 40] [--profile postgres-redis] [--html var/bench/prof]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    from benchmarks.harness import FakeDingTalk, create_schema, flush_broker, profile_env, profiles, reset_storage

    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="postgres-redis", choices=sorted(profiles()))
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--html", default="", help="folder for pyinstrument HTML reports")
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the bench database first")
    args = parser.parse_args(argv)
    profile = profiles()[args.profile]
    os.environ.update(profile_env(profile))
    if args.fresh:
        reset_storage(profile)
        create_schema(profile)

    import django

    django.setup()
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from benchmarks import pipeline
    from notifications.models import Delivery, Event
    from notifications.services.delivery import delivery_send
    from notifications.services.routing import event_route
    from notifications.services.routing_batch import events_route_ready

    fake = FakeDingTalk().start()
    try:
        batched = [pipeline.build_bot_workspaces(args.count, fake.url) for _ in range(2)]
        fixtures = pipeline.build_bot_workspaces(args.count + 1, fake.url)
        queued = pipeline.build_bot_workspaces(args.count + 1, fake.url)
        approvals = pipeline.build_bot_workspaces(args.count + 1, fake.url)
        results = {}

        def run(label: str, calls: list) -> None:
            first, plain, rest = calls[0], calls[1:len(calls) // 2], calls[len(calls) // 2:]
            first[0](first[1])  # warm
            # Half the calls without the profiler: true wall and CPU time per call.
            wall, cpu = time.perf_counter(), time.process_time()
            for call, arg in plain:
                call(arg)
            wall = (time.perf_counter() - wall) / len(plain) * 1000
            cpu = (time.process_time() - cpu) / len(plain) * 1000
            print(f"\n=== {label}: {wall:.2f} ms wall, {cpu:.2f} ms CPU per call (no profiler)")
            profiler = Profiler(interval=0.001)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                with profiler:
                    for call, arg in rest:
                        call(arg)
                elapsed = time.perf_counter() - started
            results[label] = (wall, cpu, len(captured.captured_queries) / len(rest))
            print(f"=== {label}: {elapsed / len(rest) * 1000:.2f} ms per call under the profiler, "
                  f"{results[label][2]:.1f} queries per call")
            print(profiler.output_text(unicode=True, color=False))
            if args.html:
                Path(args.html).mkdir(parents=True, exist_ok=True)
                name = label.split(" ")[0]
                Path(args.html, f"{name}.html").write_text(profiler.output_html())

        def run_pass(label: str) -> None:
            """One routing pass over `count` ready events, without then under the profiler; per event."""
            while events_route_ready(worker="bench", limit=500)[0]:  # leftovers of earlier runs: not timed
                pass
            for number, of in enumerate(batched):
                for version in pipeline.load_versions(of.version_ids):
                    pipeline.publish_approval_event(version)
                profiler = Profiler(interval=0.001)
                with CaptureQueriesContext(connection) as captured:
                    wall, cpu = time.perf_counter(), time.process_time()
                    if number:
                        profiler.start()
                    routed, created = events_route_ready(worker="bench", limit=args.count)
                    if number:
                        profiler.stop()
                    wall = (time.perf_counter() - wall) / routed * 1000
                    cpu = (time.process_time() - cpu) / routed * 1000
                assert (routed, created) == (args.count, args.count), (routed, created)
                if not number:
                    results[label] = (wall, cpu, len(captured.captured_queries) / routed)
                    print(f"\n=== {label}: {wall:.2f} ms wall, {cpu:.2f} ms CPU per event (no profiler), "
                          f"{results[label][2]:.2f} queries per event")
            print(f"=== {label}: {wall:.2f} ms per event under the profiler")
            print(profiler.output_text(unicode=True, color=False))
            if args.html:
                Path(args.html).mkdir(parents=True, exist_ok=True)
                Path(args.html, "pass.html").write_text(profiler.output_html())

        def event_ids(of: pipeline.BotWorkspaces) -> list[int]:
            events = Event.objects.filter(workspace_id__in=of.workspace_ids).order_by("id")
            return list(events.values_list("id", flat=True))

        run_pass(f"routing pass (worker: the wake-up; {args.count} events routed and sent together, per event)")
        run("publish (web: one approval event, on-commit enqueue)",
            [(pipeline.publish_approval_event, v) for v in pipeline.load_versions(fixtures.version_ids)])
        run("route + send inline (worker: event_route, one event)",
            [(lambda e: event_route(event_id=e), e) for e in event_ids(fixtures)])
        for v in pipeline.load_versions(queued.version_ids):
            pipeline.publish_approval_event(v)
        with override_settings(DELIVERY_INLINE_MAX=0):
            run("route only (worker, DELIVERY_INLINE_MAX=0)",
                [(lambda e: event_route(event_id=e), e) for e in event_ids(queued)])
        delivery_ids = list(Delivery.objects.filter(event__workspace_id__in=queued.workspace_ids).order_by("id")
                            .values_list("id", flat=True))
        run("send through the chat queue (worker: deliver)",
            [(lambda d: delivery_send(delivery_id=d), d) for d in delivery_ids])
        run("approve (web, context: the console's Approve, 2 events, audit)",
            [(pipeline.approve_version, v) for v in approvals.version_ids])
        print("\nsummary, per call (wall and CPU without the profiler):")
        for label, (wall, cpu, queries) in results.items():
            print(f"  {wall:8.2f} ms wall {cpu:8.2f} ms CPU {queries:5.2f} queries  {label}")
    finally:
        fake.stop()
        flush_broker(profile)


if __name__ == "__main__":
    main()
