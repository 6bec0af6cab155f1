"""(b) Throughput of the whole pipeline: N model-approval events published back to back (each in
its own transaction; each matches one rule with one DingTalk target, its own robot), from the first
publish to the last receipt at the fake, with every event, delivery and attempt checked in the
database. Mode "approve" drives the same through the console's Approve (the resources service: the
version's update, both model events, the audit record). (g) The memory of the web process and the
worker after the first run and after the third."""

from __future__ import annotations

import time

from django.conf import settings

from benchmarks import pipeline
from benchmarks.harness import Context, Stage, Worker
from benchmarks.stats import latencies, median


def start_pipeline_worker(ctx: Context, app: str = "console") -> Worker:
    return Worker(ctx.profile, app, ",".join(settings.CELERY_QUEUE_NAMES)).start()


def wait_for_records(workspace_ids: list[int], expected: int, events: int, timeout: float) -> dict:
    """Poll until `events` events are routed and `expected` deliveries and attempts have succeeded
    (attempts are completed after the send, so they trail the receipts; an event that matches no
    rule may be routed after the last receipt); the last counts either way."""
    deadline = time.monotonic() + timeout
    while True:
        found = pipeline.counts(workspace_ids)
        done = (found["deliveries"].get("succeeded", 0) >= expected
                and found["attempts"].get("succeeded", 0) >= expected and found["events_routed"] >= events)
        if done or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


EVENTS_PER_VERSION = {"publish": 1, "approve": 2}  # an approval also records Status Changed


def run_approvals(ctx: Context, fixtures: pipeline.BotWorkspaces, rate: float | None, expected: int | None = None,
                  timeout: float | None = None, mode: str = "publish", cpu=None) -> dict:
    """Publish an approval event for (mode "approve": approve) every version of `fixtures` through
    the publisher; wait for the receipts and the records. `expected` receipts (default one per
    version). `cpu`: a benchmarks.cpu.CpuMeter, read before the first publish and after the last
    receipt."""
    expected = expected or len(fixtures.version_ids)
    ctx.fake.reset()
    before = cpu.snapshot() if cpu else None
    answer = ctx.publisher.call({"op": mode, "version_ids": fixtures.version_ids, "rate": rate},
                                timeout=120 + len(fixtures.version_ids) / 5)
    timeout = timeout or max(30.0, 3 * expected / max(ctx.figures.get("pipeline_rate_estimate", 10.0), 1.0))
    timeout = max(5.0, min(timeout, ctx.time_left()))
    ctx.fake.wait_for(expected, timeout=timeout)
    after = cpu.snapshot() if cpu else None
    first_publish = min(answer["times"])
    receipts = ctx.fake.receipts()
    if len(fixtures.version_ids) == len(fixtures.tokens):
        published = dict(zip(fixtures.tokens, answer["times"], strict=True))
    else:  # fan-out: every robot's latency counts from the one publish
        published = dict.fromkeys(fixtures.tokens, first_publish)
    result = latencies(published, receipts)
    if cpu:
        result["cpu_ms"] = cpu.per_delivery(before, after, result["received"])
    result["per_s"] = (round(result["received"] / (result["last_receipt"] - first_publish), 1)
                       if result["last_receipt"] else 0.0)
    result["seconds"] = round(result["last_receipt"] - first_publish, 3) if result["last_receipt"] else None
    result["publish_per_s"] = round(len(fixtures.version_ids) / answer["publish_seconds"], 1)
    result["records"] = wait_for_records(fixtures.workspace_ids, expected,
                                         EVENTS_PER_VERSION[mode] * len(fixtures.version_ids),
                                         timeout=min(30.0, max(5.0, ctx.time_left())))
    if result["per_s"] and mode == "publish":  # what (c) compares its 100 events/s with
        ctx.figures["pipeline_rate_estimate"] = result["per_s"]
    return result


def records_complete(records: dict, approvals: int, deliveries: int, mode: str = "publish") -> bool:
    events = EVENTS_PER_VERSION[mode] * approvals
    return (
        records["events"] == events
        and records["events_routed"] == events
        and records["deliveries"] == {"succeeded": deliveries}
        and records["attempts"] == {"succeeded": deliveries}
    )


def measure(ctx: Context, app: str = "console", name: str = "b_throughput") -> list[Stage]:
    stage = Stage(name)
    memory = Stage("g_memory" if app == "console" else f"g_memory_{name}")
    worker = start_pipeline_worker(ctx, app)
    try:
        warm = run_approvals(ctx, pipeline.build_bot_workspaces(ctx.size(30, 50), ctx.fake.url), None)
        # N follows the warm-up's rate so that each run lasts about 8 s (quick) or 20 s, within
        # 50 to 300 (quick) or 100 to 2,000 approvals: bounded in time on a slow or busy machine.
        count = sorted((ctx.size(50, 100), round(warm["per_s"] * ctx.size(8, 20, scaled=False)),
                        ctx.size(300, 2000)))[1]
        runs = []
        for number in range(1, 4):
            fixtures = pipeline.build_bot_workspaces(count, ctx.fake.url)
            result = run_approvals(ctx, fixtures, None)
            result["complete"] = records_complete(result["records"], count, count)
            runs.append(result)
            if number in (1, 3):
                memory.figures[f"after_run_{number}"] = {"web": ctx.publisher.memory(), "worker": worker.memory()}
    finally:
        worker.stop()
    stage.figures = {
        "deliveries_per_s": median([r["per_s"] for r in runs]),
        "runs_per_s": [r["per_s"] for r in runs],
        "publish_per_s": median([r["publish_per_s"] for r in runs]),
        "approvals": count,
        "warm_up_per_s": warm["per_s"],
        "events_per_run": count,
        "missing": sum(r["missing"] for r in runs),
        "duplicates": sum(r["duplicates"] for r in runs),
        "all_recorded": all(r["complete"] for r in runs),
        "records_last_run": runs[-1]["records"],
        "p50_ms_under_load": median([r["p50_ms"] for r in runs]),
    }
    memory.figures["growth_mb"] = _growth(memory.figures)
    return [stage, memory]


def _growth(figures: dict) -> dict:
    """Peak resident memory after run 3 minus after run 1, per process (same position)."""
    first, third = figures.get("after_run_1"), figures.get("after_run_3")
    if not first or not third:
        return {}
    growth = {"web": round(third["web"]["peak_mb"] - first["web"]["peak_mb"], 1)}
    for i, (a, b) in enumerate(zip(first["worker"], third["worker"], strict=False)):
        growth["worker_main" if i == 0 else f"worker_child_{i}"] = round(b["peak_mb"] - a["peak_mb"], 1)
    return growth
