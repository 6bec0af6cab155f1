"""(c) Event-to-receipt latency of the pipeline at a steady 100 approvals a second (each its own
robot): from just before the approval's transaction to the fake's receipt of the message."""

from __future__ import annotations

from benchmarks import pipeline
from benchmarks.harness import Context, Stage
from benchmarks.throughput import records_complete, run_approvals, start_pipeline_worker

RATE = 100.0


def measure(ctx: Context) -> Stage:
    stage = Stage("c_latency")
    seconds = ctx.size(5, 10, scaled=False)
    estimate = ctx.figures.get("pipeline_rate_estimate")
    if estimate and estimate < RATE * 0.8:
        seconds = 3  # the queue only grows: a short run says as much, and drains in bounded time
        stage.notes.append(f"the pipeline's throughput in this run ({estimate}/s) is below the paced rate: "
                           "latencies include the growing queue")
    count = int(RATE * seconds)
    worker = start_pipeline_worker(ctx)
    try:
        run_approvals(ctx, pipeline.build_bot_workspaces(30, ctx.fake.url), None)  # warm
        fixtures = pipeline.build_bot_workspaces(count, ctx.fake.url)
        result = run_approvals(ctx, fixtures, RATE)
    finally:
        worker.stop()
    stage.figures = {
        "rate_per_s": RATE,
        "seconds": seconds,
        "achieved_publish_per_s": result["publish_per_s"],
        **{k: result[k] for k in ("received", "missing", "duplicates", "p50_ms", "p99_ms", "max_ms")},
        "all_recorded": records_complete(result["records"], count, count),
    }
    return stage
