"""(a2) What a user would build instead: the bare sign-and-POST Celery task of benchmarks/bare_app.py
on the same broker and worker settings (one real worker, prefork concurrency 2). Its throughput
(N tasks published back to back, from the first publish to the last receipt) and its latency at a
steady 100 tasks/s (publish to receipt at the fake). The runs themselves: benchmarks/peers.py."""

from __future__ import annotations

from benchmarks import peers
from benchmarks.harness import Context, Stage, Worker
from benchmarks.stats import median


def _run(ctx: Context, count: int, rate: float | None, cpu=None) -> dict:
    return peers.run(ctx, "bare", count, rate, cpu=cpu)


def start_worker(ctx: Context) -> Worker:
    return peers.start_worker(ctx, "bare")


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
