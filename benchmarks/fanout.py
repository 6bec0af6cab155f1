"""(e) Fan-out: one approval whose rule has 100 DingTalk targets (100 robots) against 100 approvals
each to its own one-target rule, from the (first) publish to the 100th receipt; median of three
(one in a quick run)."""

from __future__ import annotations

from benchmarks import pipeline
from benchmarks.harness import Context, Stage
from benchmarks.stats import median
from benchmarks.throughput import records_complete, run_approvals, start_pipeline_worker

TARGETS = 100


def measure(ctx: Context) -> Stage:
    stage = Stage("e_fanout")
    worker = start_pipeline_worker(ctx)
    fan_runs, spread_runs = [], []
    try:
        run_approvals(ctx, pipeline.build_bot_workspaces(20, ctx.fake.url), None)  # warm
        for _ in range(ctx.size(1, 3, scaled=False)):
            fan = pipeline.build_fanout_workspace(TARGETS, ctx.fake.url)
            result = run_approvals(ctx, fan, None, expected=TARGETS)
            result["complete"] = records_complete(result["records"], 1, TARGETS)
            fan_runs.append(result)
            spread = pipeline.build_bot_workspaces(TARGETS, ctx.fake.url)
            result = run_approvals(ctx, spread, None)
            result["complete"] = records_complete(result["records"], TARGETS, TARGETS)
            spread_runs.append(result)
    finally:
        worker.stop()
    fan_s = median([r["seconds"] for r in fan_runs])
    spread_s = median([r["seconds"] for r in spread_runs])
    stage.figures = {
        "one_event_100_targets_s": fan_s,
        "100_events_1_target_s": spread_s,
        "ratio_fanout_to_spread": round(fan_s / spread_s, 2) if spread_s else None,
        "fanout_runs_s": [r["seconds"] for r in fan_runs],
        "spread_runs_s": [r["seconds"] for r in spread_runs],
        "missing": sum(r["missing"] for r in fan_runs + spread_runs),
        "duplicates": sum(r["duplicates"] for r in fan_runs + spread_runs),
        "all_recorded": all(r["complete"] for r in fan_runs + spread_runs),
    }
    return stage
