"""(a2) What a user would build instead: the bare sign-and-POST Celery task of benchmarks/bare_app.py
on the same broker and worker settings (one real worker, prefork concurrency 2). Its throughput
(N tasks published back to back, from the first publish to the last receipt) and its latency at a
steady 100 tasks/s (publish to receipt at the fake)."""

from __future__ import annotations

import uuid

from benchmarks.bare_app import BARE_QUEUE
from benchmarks.harness import Context, Stage, Worker, latencies, median


def _run(ctx: Context, count: int, rate: float | None, cpu=None) -> dict:
    """`cpu`: a benchmarks.cpu.CpuMeter, read before the first publish and after the last receipt."""
    run = uuid.uuid4().hex[:6]
    tokens = [f"bare-{run}-{i}" for i in range(count)]
    ctx.fake.reset()
    before = cpu.snapshot() if cpu else None
    answer = ctx.publisher.call({"op": "bare", "webhooks": [ctx.fake.url(t) for t in tokens],
                                 "secret": ctx.fake.secret, "rate": rate}, timeout=120 + count / 20)
    published = dict(zip(tokens, answer["times"], strict=True))
    ctx.fake.wait_for(count, timeout=max(30.0, count / 20))
    after = cpu.snapshot() if cpu else None
    result = latencies(published, ctx.fake.receipts())
    if cpu:
        result["cpu_ms"] = cpu.per_delivery(before, after, result["received"])
    first_publish = min(answer["times"])
    if result["last_receipt"]:
        result["per_s"] = round(result["received"] / (result["last_receipt"] - first_publish), 1)
    result["publish_per_s"] = round(count / answer["publish_seconds"], 1) if answer["publish_seconds"] else None
    return result


def start_worker(ctx: Context) -> Worker:
    return Worker(ctx.profile, "benchmarks.bare_app", BARE_QUEUE).start()


def measure_throughput(ctx: Context, worker: Worker) -> Stage:
    stage = Stage("a2_bare_task")
    count = ctx.size(300, 2000)
    _run(ctx, 50, None)  # warm the pool processes and their connections
    runs = [_run(ctx, count, None) for _ in range(3)]
    stage.figures = {
        "deliveries_per_s": median([r["per_s"] for r in runs]),
        "runs_per_s": [r["per_s"] for r in runs],
        "publish_per_s": median([r["publish_per_s"] for r in runs]),
        "count": count,
        "missing": sum(r["missing"] for r in runs),
        "duplicates": sum(r["duplicates"] for r in runs),
        "worker_memory": worker.memory(),
    }
    return stage


def measure_latency(ctx: Context, worker: Worker, rate: float = 100.0) -> Stage:
    stage = Stage("c_bare_latency")
    seconds = ctx.size(3, 10, scaled=False)
    result = _run(ctx, int(rate * seconds), rate)
    stage.figures = {"rate_per_s": rate, "seconds": seconds, **{k: result[k] for k in (
        "received", "missing", "duplicates", "p50_ms", "p99_ms", "max_ms")}}
    return stage
