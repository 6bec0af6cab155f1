"""(a), (a2), (a3), (b) and (g) measured in interleaved rounds: each round runs the ceiling, then the
bare task, then the Apprise task, then the pipeline, then (for context) the same approvals through
the console's Approve, so that all meet the same conditions (this machine is shared and its speed
drifts by several times within minutes). Ratios are taken within each round, then the median of the
rounds is reported. The peers' workers and the pipeline worker stay up for all rounds (they consume
different queues), so (g) reads the same processes after the first and the last run.
"""

from __future__ import annotations

from benchmarks import bare, ceiling, peers, pipeline
from benchmarks.cpu import GROUPS, CpuMeter
from benchmarks.harness import Context, Stage
from benchmarks.stats import median
from benchmarks.throughput import _growth, records_complete, run_approvals, start_pipeline_worker

ROUNDS = 3
QUICK_ROUNDS = 2


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def _pipeline_count(ctx: Context, rate: float, seconds_quick: int = 5, seconds_full: int = 20) -> int:
    """N so that a run lasts about 5 s (quick) or 20 s at the warm-up's rate, within bounds."""
    return sorted((ctx.size(50, 100), round(rate * ctx.size(seconds_quick, seconds_full, scaled=False)),
                   ctx.size(300, 2000)))[1]


def measure(ctx: Context, with_apprise: bool = True) -> list[Stage]:
    a, a2, b, memory = Stage("a_ceiling"), Stage("a2_bare_task"), Stage("b_throughput"), Stage("g_memory")
    a3, console = Stage("a3_apprise_task"), Stage("b_console")
    bare_worker = bare.start_worker(ctx)
    apprise_worker = peers.start_worker(ctx, "apprise") if with_apprise else None
    pipe_worker = start_pipeline_worker(ctx)
    rounds: list[dict] = []
    try:
        ceiling.post_loop(ctx, 0.5)
        warm_bare = bare._run(ctx, 50, None)
        warm_apprise = peers.run(ctx, "apprise", 50, None) if with_apprise else {"per_s": 0}
        warm = run_approvals(ctx, pipeline.build_bot_workspaces(ctx.size(30, 50), ctx.fake.url), None)
        bare_count = sorted((100, round(warm_bare["per_s"] * ctx.size(3, 8, scaled=False)), ctx.size(300, 2000)))[1]
        apprise_count = sorted((ctx.size(50, 100), round(warm_apprise["per_s"] * ctx.size(3, 8, scaled=False)),
                                ctx.size(300, 2000)))[1]
        count = _pipeline_count(ctx, warm["per_s"])
        with_console = not ctx.quick  # the console's Approve is context: the full run only
        warm_console = {"per_s": 0} if not with_console else run_approvals(
            ctx, pipeline.build_bot_workspaces(ctx.size(20, 30), ctx.fake.url), None, mode="approve")
        console_count = _pipeline_count(ctx, warm_console["per_s"], 3, 8)
        total = QUICK_ROUNDS if ctx.quick else ROUNDS
        for number in range(1, total + 1):
            if number > 1 and ctx.time_left() < 20:
                b.notes.append(f"stopped after {number - 1} rounds: the time budget ran out")
                break
            fixtures = pipeline.build_bot_workspaces(count, ctx.fake.url)
            row = {"ceiling": ceiling.post_loop(ctx, ctx.size(2, 3, scaled=False))}
            ctx.fake.reset()
            row["bare"] = bare._run(ctx, bare_count, None, cpu=CpuMeter(ctx, bare_worker))
            if with_apprise:
                row["apprise"] = peers.run(ctx, "apprise", apprise_count, None, cpu=CpuMeter(ctx, apprise_worker))
            row["pipeline"] = run_approvals(ctx, fixtures, None, cpu=CpuMeter(ctx, pipe_worker))
            row["pipeline"]["complete"] = records_complete(row["pipeline"]["records"], count, count)
            if with_console:
                approvals = pipeline.build_bot_workspaces(console_count, ctx.fake.url)
                row["console"] = run_approvals(ctx, approvals, None, mode="approve", cpu=CpuMeter(ctx, pipe_worker))
                row["console"]["complete"] = records_complete(row["console"]["records"], console_count,
                                                              console_count, mode="approve")
            rounds.append(row)
            if number in (1, total):
                memory.figures[f"after_run_{1 if number == 1 else 3}"] = {
                    "web": ctx.publisher.memory(), "worker": pipe_worker.memory(),
                    "bare_worker": bare_worker.memory()}
    finally:
        pipe_worker.stop()
        if apprise_worker:
            apprise_worker.stop()
        bare_worker.stop()
    ceilings = [round(r["ceiling"]["rate"], 1) for r in rounds]
    bares = [r["bare"]["per_s"] for r in rounds]
    pipes = [r["pipeline"]["per_s"] for r in rounds]
    apprises = [r["apprise"]["per_s"] if with_apprise else None for r in rounds]
    a.figures = {"requests_per_s": round(median(ceilings), 1), "runs_per_s": ceilings,
                 "p50_ms": round(median([r["ceiling"]["p50_ms"] for r in rounds]), 3),
                 "p99_ms": round(median([r["ceiling"]["p99_ms"] for r in rounds]), 3)}
    a2.figures = {"deliveries_per_s": round(median(bares), 1), "runs_per_s": bares, "count": bare_count,
                  "publish_per_s": median([r["bare"]["publish_per_s"] for r in rounds]),
                  "missing": sum(r["bare"]["missing"] for r in rounds),
                  "duplicates": sum(r["bare"]["duplicates"] for r in rounds),
                  "ratio_to_a_per_round": [_ratio(x, y) for x, y in zip(bares, ceilings, strict=True)]}
    a3.figures = {"deliveries_per_s": round(median([x for x in apprises if x is not None]), 1), "runs_per_s": apprises,
                  "count": apprise_count,
                  "publish_per_s": median([r["apprise"]["publish_per_s"] for r in rounds if "apprise" in r]),
                  "missing": sum(r["apprise"]["missing"] for r in rounds if "apprise" in r),
                  "duplicates": sum(r["apprise"]["duplicates"] for r in rounds if "apprise" in r),
                  "ratio_to_a_per_round": [_ratio(x, y) for x, y in zip(apprises, ceilings, strict=True)],
                  "ratio_to_a2_per_round": [_ratio(x, y) for x, y in zip(apprises, bares, strict=True)]}
    b.figures = {
        "deliveries_per_s": round(median(pipes), 1), "runs_per_s": pipes,
        "ratio_to_a2_per_round": [_ratio(x, y) for x, y in zip(pipes, bares, strict=True)],
        "ratio_to_a3_per_round": [_ratio(x, y) for x, y in zip(pipes, apprises, strict=True)],
        "ratio_to_a_per_round": [_ratio(x, y) for x, y in zip(pipes, ceilings, strict=True)],
        "publish_per_s": median([r["pipeline"]["publish_per_s"] for r in rounds]),
        "approvals": count, "warm_up_per_s": warm["per_s"], "events_per_run": count,
        "missing": sum(r["pipeline"]["missing"] for r in rounds),
        "duplicates": sum(r["pipeline"]["duplicates"] for r in rounds),
        "all_recorded": all(r["pipeline"]["complete"] for r in rounds),
        "records_last_run": rounds[-1]["pipeline"]["records"] if rounds else {},
    }
    b.figures["ratio_to_a2"] = round(median([x for x in b.figures["ratio_to_a2_per_round"] if x is not None]), 3)
    b.figures["ratio_to_a3"] = _median_ratio(b.figures["ratio_to_a3_per_round"])
    b.figures["ratio_to_a"] = round(median([x for x in b.figures["ratio_to_a_per_round"] if x is not None]), 3)
    cpu = Stage("cpu_per_delivery")
    cpu.figures = {name: _cpu_medians([r[key]["cpu_ms"] for r in rounds if "cpu_ms" in r.get(key, {})])
                   for name, key in (("a2", "bare"), ("a3", "apprise"), ("b", "pipeline"), ("b_console", "console"))}
    memory.figures["growth_mb"] = _growth(memory.figures)
    memory.figures["rounds"] = len(rounds)
    stages = [a, a2, *([a3] if with_apprise else []), b, cpu, memory]
    if not with_console or not rounds:
        return stages
    consoles = [r["console"]["per_s"] for r in rounds]
    console.figures = {
        "deliveries_per_s": round(median(consoles), 1), "runs_per_s": consoles, "approvals": console_count,
        "ratio_to_a2_per_round": [_ratio(x, y) for x, y in zip(consoles, bares, strict=True)],
        "ratio_to_a3_per_round": [_ratio(x, y) for x, y in zip(consoles, apprises, strict=True)],
        "publish_per_s": median([r["console"]["publish_per_s"] for r in rounds]),
        "all_recorded": all(r["console"]["complete"] for r in rounds),
    }
    console.figures["ratio_to_a2"] = round(median([x for x in console.figures["ratio_to_a2_per_round"]
                                                   if x is not None]), 3)
    console.figures["ratio_to_a3"] = _median_ratio(console.figures["ratio_to_a3_per_round"])
    return [*stages, console]


def _median_ratio(values: list) -> float | None:
    present = [x for x in values if x is not None]
    return round(median(present), 3) if present else None


def _cpu_medians(runs: list[dict]) -> dict:
    """The median of each process group's CPU ms per delivery over the rounds."""
    return {group: round(median([run[group] for run in runs]), 2) for group in (*GROUPS, "total")} if runs else {}
