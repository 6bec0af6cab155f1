"""(c) Event-to-receipt latency of the pipeline at a steady rate: model-approval events, each
published in its own transaction and sent to its own robot, from just before the publish to the
fake's receipt of the message.

- PostgreSQL + Redis: 100 events a second (goal p99 <= 50 ms), then a search over paced rates for
  the highest whose p99 stays <= 100 ms (doubling or halving from 100, then bisecting; a few short
  runs, bounded by the profile's time budget).
- Embedded defaults: 20 events a second (goal p99 <= 250 ms).
"""

from __future__ import annotations

import math

from benchmarks import pipeline
from benchmarks.harness import Context, Stage
from benchmarks.throughput import records_complete, run_approvals, start_pipeline_worker

EVENTS_PER_S = {"postgres-redis": 100.0, "sqlite": 20.0}
SEARCH_P99_MS = 100.0
SEARCH_BOUNDS = (5.0, 1600.0)  # events a second


def _paced(ctx: Context, rate: float, seconds: float) -> dict:
    count = max(10, int(rate * seconds))
    fixtures = pipeline.build_bot_workspaces(count, ctx.fake.url)
    result = run_approvals(ctx, fixtures, rate)
    keys = ("received", "missing", "duplicates", "p50_ms", "p99_ms", "max_ms")
    return {"events_per_s": rate, "seconds": seconds, "achieved_publish_per_s": result["publish_per_s"],
            **{k: result[k] for k in keys}, "all_recorded": records_complete(result["records"], count, count)}


def next_rate(lo: float | None, hi: float | None) -> float | None:
    """The next paced rate to try, knowing the highest rate that held (`lo`) and the lowest that did
    not (`hi`); None when the search is done (within 15 % or out of bounds)."""
    if hi is None:
        return None if lo >= SEARCH_BOUNDS[1] else min(lo * 2, SEARCH_BOUNDS[1])
    if lo is None:
        return None if hi <= SEARCH_BOUNDS[0] else max(hi / 2, SEARCH_BOUNDS[0])
    return None if hi / lo <= 1.15 else round(math.sqrt(lo * hi), 1)


def search(ctx: Context, first: dict, max_trials: int, seconds: float) -> dict:
    """The highest paced rate whose p99 stays within SEARCH_P99_MS, starting from the run `first`."""
    def held(trial: dict) -> bool:
        reached = (trial["achieved_publish_per_s"] or 0) >= 0.9 * trial["events_per_s"]
        return reached and trial["missing"] == 0 and trial["p99_ms"] <= SEARCH_P99_MS

    lo = hi = None
    trials = [first]
    if held(first):
        lo = first["events_per_s"]
    else:
        hi = first["events_per_s"]
    while len(trials) <= max_trials and ctx.time_left() > 25:
        rate = next_rate(lo, hi)
        if rate is None:
            break
        trial = _paced(ctx, rate, seconds)
        trials.append(trial)
        if held(trial):
            lo = rate
        else:
            hi = rate
    return {"p99_limit_ms": SEARCH_P99_MS, "highest_rate_within": lo, "lowest_rate_over": hi,
            "trials": [{k: t[k] for k in ("events_per_s", "achieved_publish_per_s", "p50_ms", "p99_ms", "missing")}
                       for t in trials]}


def measure(ctx: Context) -> Stage:
    rate = EVENTS_PER_S[ctx.profile.key]
    stage = Stage("c_latency")
    seconds = ctx.size(3, 10, scaled=False)
    estimate = ctx.figures.get("pipeline_rate_estimate")
    if estimate and estimate < rate * 0.8:
        seconds = 3  # the queue only grows: a short run says as much, and drains in bounded time
        stage.notes.append(f"the pipeline's throughput in this run ({estimate} deliveries/s) is below "
                           f"{rate:.0f} events/s: these latencies include the growing queue")
    worker = start_pipeline_worker(ctx)
    try:
        run_approvals(ctx, pipeline.build_bot_workspaces(20, ctx.fake.url), None)  # warm
        stage.figures = _paced(ctx, rate, seconds)
        if ctx.profile.key == "postgres-redis":
            stage.figures["search"] = search(ctx, dict(stage.figures), max_trials=ctx.size(3, 7, scaled=False),
                                             seconds=ctx.size(2, 5, scaled=False))
    finally:
        worker.stop()
    return stage
