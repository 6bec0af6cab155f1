"""(c) Event-to-receipt latency of the pipeline at a steady 100 events a second: 100 model-approval
events a second, each published in its own transaction and sent to its own robot, from just before
the publish to the fake's receipt of the message. When the pipeline cannot sustain that rate on
this machine (its queue only grows), a second run at half the throughput (b) measured shows the
latency without a queue."""

from __future__ import annotations

from benchmarks import pipeline
from benchmarks.harness import Context, Stage
from benchmarks.throughput import records_complete, run_approvals, start_pipeline_worker

EVENTS_PER_S = 100.0


def _paced(ctx: Context, rate: float, seconds: float) -> dict:
    count = max(10, int(rate * seconds))
    fixtures = pipeline.build_bot_workspaces(count, ctx.fake.url)
    result = run_approvals(ctx, fixtures, rate)
    keys = ("received", "missing", "duplicates", "p50_ms", "p99_ms", "max_ms")
    return {"events_per_s": rate, "seconds": seconds, "achieved_publish_per_s": result["publish_per_s"],
            **{k: result[k] for k in keys}, "all_recorded": records_complete(result["records"], count, count)}


def measure(ctx: Context) -> Stage:
    stage = Stage("c_latency")
    seconds = ctx.size(4, 10, scaled=False)
    estimate = ctx.figures.get("pipeline_rate_estimate")
    overloaded = bool(estimate and estimate < EVENTS_PER_S * 0.8)
    if overloaded:
        seconds = 3  # the queue only grows: a short run says as much, and drains in bounded time
        stage.notes.append(f"the pipeline's throughput in this run ({estimate} deliveries/s) is below "
                           f"{EVENTS_PER_S:.0f} events/s: these latencies include the growing queue")
    worker = start_pipeline_worker(ctx)
    try:
        run_approvals(ctx, pipeline.build_bot_workspaces(20, ctx.fake.url), None)  # warm
        stage.figures = _paced(ctx, EVENTS_PER_S, seconds)
        if overloaded and ctx.time_left() > 30:
            stage.figures["sustainable"] = _paced(ctx, max(1.0, round(estimate / 2, 1)), ctx.size(4, 8, scaled=False))
    finally:
        worker.stop()
    return stage
