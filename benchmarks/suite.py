"""Every measurement for one profile, in its own process (Django's settings are fixed per process):
`python -m benchmarks.suite --profile postgres-redis [--quick] --out result.json`. benchmarks.run
starts it once per profile and writes the report."""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import sys
import time
import traceback
from dataclasses import asdict

from benchmarks.harness import (
    Context,
    FakeDingTalk,
    Publisher,
    Stage,
    create_schema,
    flush_broker,
    profile_env,
    profiles,
    reset_storage,
    self_memory,
)

ALL_STAGES = ("a", "a2", "a3", "b", "c", "d", "e", "f")
EMBEDDED_STAGES = ("a", "a2", "b", "c")


def _guarded(name: str, ctx: Context, stages: list[Stage], needed_seconds: float, measure) -> None:
    """Run one measurement; a failure or a lack of time is recorded, never fatal for the others."""
    if ctx.time_left() < needed_seconds:
        stages.append(Stage(name, skipped=f"not enough time left ({ctx.time_left():.0f} s)"))
        return
    started = time.monotonic()
    print(f"  {name} ({ctx.time_left():.0f} s left) ...", flush=True)
    try:
        result = measure()
    except Exception as exc:  # noqa: BLE001 (the report shows it; the run goes on)
        traceback.print_exc()
        stages.append(Stage(name, skipped=f"{exc.__class__.__name__}: {str(exc)[:500]}"))
        return
    for stage in result if isinstance(result, list) else [result]:
        stage.figures.setdefault("stage_seconds", round(time.monotonic() - started, 1))
        ctx.figures[stage.name] = stage.figures
        stages.append(stage)
        print(f"  {stage.name}: {json.dumps(stage.figures, default=str)[:400]}", flush=True)


def run(profile_key: str, quick: bool, only: tuple[str, ...], budget: float) -> dict:
    profile = profiles()[profile_key]
    os.environ.update(profile_env(profile))
    started = time.monotonic()
    reset_storage(profile)
    schema_seconds = create_schema(profile)

    import django

    django.setup()

    from benchmarks import bare, ceiling  # noqa: F401 (bare: the workers of a2)

    fake = FakeDingTalk().start()
    publisher = Publisher(profile).start()
    # The budget counts from here: the schema's time (reported apart) varies most with the machine's load.
    ctx = Context(profile=profile, quick=quick, fake=fake, publisher=publisher, deadline=time.monotonic() + budget)
    stages: list[Stage] = []
    try:
        if {"a", "a2", "b"} <= set(only):
            from benchmarks import rounds

            # The three in interleaved rounds, ratios within each round (a shared machine drifts).
            _guarded("a_a2_b_rounds", ctx, stages, 40, lambda: rounds.measure(ctx, with_apprise="a3" in only))
            only = tuple(key for key in only if key not in ("a", "a2", "a3", "b"))
        if "a" in only:
            _guarded("a_ceiling", ctx, stages, 10, lambda: ceiling.measure(ctx))
        if "a2" in only:
            _with_bare_worker(ctx, lambda worker: _guarded(
                "a2_bare_task", ctx, stages, 20, lambda: bare.measure_throughput(ctx, worker)))
        _pipeline_stages(ctx, stages, only)
    finally:
        publisher.stop()
        fake.stop()
        flush_broker(profile)  # leave no task behind on the bench broker
    return {
        "profile": profile.key,
        "label": profile.label,
        "quick": quick,
        "schema_seconds": round(schema_seconds, 1),
        "seconds": round(time.monotonic() - started, 1),
        "bench_process_memory": self_memory(),
        "stages": [asdict(stage) for stage in stages],
        "python": platform.python_version(),
    }


def _with_bare_worker(ctx: Context, body) -> None:
    from benchmarks import bare

    worker = bare.start_worker(ctx)
    try:
        body(worker)
    finally:
        worker.stop()


def _pipeline_stages(ctx: Context, stages: list[Stage], only: tuple[str, ...]) -> None:
    """(b) to (f): the product's own pipeline (and (c) for the bare task), in order of need."""
    from benchmarks import peers

    try:
        from benchmarks import console_pages, fanout, latency, routing_cost, throughput
    except ImportError as exc:
        for key in ("b", "c", "d", "e", "f"):
            if key in only:
                stages.append(Stage(key, skipped=f"the pipeline is not importable yet: {exc}"))
        return
    if "b" in only:
        _guarded("b_throughput", ctx, stages, 25, lambda: throughput.measure(ctx))
    if "c" in only:
        _guarded("c_latency", ctx, stages, 25, lambda: latency.measure(ctx))
        if ctx.profile.is_postgres:  # the peers at the same 100 a second, for comparison
            for peer in ("bare", "apprise"):
                _guarded(f"c_{peer}_latency", ctx, stages, 15, lambda peer=peer: peers.measure_latency(ctx, peer))
    if "d" in only:
        _guarded("d_routing_cost", ctx, stages, 40, lambda: routing_cost.measure(ctx))
    if "e" in only:
        _guarded("e_fanout", ctx, stages, 25, lambda: fanout.measure(ctx))
    if "f" in only:
        _guarded("f_console", ctx, stages, 20, lambda: console_pages.measure(ctx))


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt("SIGTERM")  # unwinds through the `finally` blocks that stop the processes


def main(argv: list[str] | None = None) -> None:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", required=True, choices=sorted(profiles()))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--budget", type=float, default=600.0, help="seconds; stages past it are skipped")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    only = tuple(args.only.split(",")) if args.only else ALL_STAGES
    result = run(args.profile, args.quick, only, args.budget)
    with open(args.out, "w") as handle:
        json.dump(result, handle, indent=1, default=str)
    sys.exit(0)


if __name__ == "__main__":
    main()
