"""The peers the pipeline is measured against, in the same run: (a2) the bare sign-and-POST Celery
task (benchmarks/bare_app.py) and (a3) the Apprise task (benchmarks/apprise_app.py), each on the
project's Celery app and broker with a real worker of its own (prefork concurrency 2). One run:
N tasks published by the publisher process (back to back, or paced at `rate` a second), from the
first publish to the last receipt at the fake."""

from __future__ import annotations

import uuid

from benchmarks.apprise_app import APPRISE_QUEUE, apprise_url
from benchmarks.bare_app import BARE_QUEUE
from benchmarks.harness import Context, Stage, Worker
from benchmarks.stats import latencies

PEERS = {"bare": ("benchmarks.bare_app", BARE_QUEUE), "apprise": ("benchmarks.apprise_app", APPRISE_QUEUE)}


def start_worker(ctx: Context, peer: str) -> Worker:
    app, queue = PEERS[peer]
    return Worker(ctx.profile, app, queue).start()


def _command(ctx: Context, peer: str, tokens: list[str], rate: float | None) -> dict:
    if peer == "bare":
        return {"op": "bare", "webhooks": [ctx.fake.url(t) for t in tokens], "secret": ctx.fake.secret, "rate": rate}
    return {"op": "apprise", "urls": [apprise_url(ctx.fake.base, ctx.fake.secret, t) for t in tokens], "rate": rate}


def run(ctx: Context, peer: str, count: int, rate: float | None, cpu=None) -> dict:
    """`cpu`: a benchmarks.cpu.CpuMeter, read before the first publish and after the last receipt."""
    tokens = [f"{peer}-{uuid.uuid4().hex[:6]}-{i}" for i in range(count)]
    ctx.fake.reset()
    before = cpu.snapshot() if cpu else None
    answer = ctx.publisher.call(_command(ctx, peer, tokens, rate), timeout=120 + count / 20)
    published = dict(zip(tokens, answer["times"], strict=True))
    ctx.fake.wait_for(count, timeout=max(30.0, count / 20))
    after = cpu.snapshot() if cpu else None
    result = latencies(published, ctx.fake.receipts())
    if cpu:
        result["cpu_ms"] = cpu.per_delivery(before, after, result["received"])
    first_publish = min(answer["times"])
    result["per_s"] = (round(result["received"] / (result["last_receipt"] - first_publish), 1)
                       if result["last_receipt"] else 0.0)
    result["publish_per_s"] = round(count / answer["publish_seconds"], 1) if answer["publish_seconds"] else None
    return result


def measure_latency(ctx: Context, peer: str, rate: float = 100.0) -> Stage:
    """Publish to receipt at a steady `rate` tasks a second (its own worker, started and stopped)."""
    stage = Stage("c_bare_latency" if peer == "bare" else f"c_{peer}_latency")
    seconds = ctx.size(3, 10, scaled=False)
    worker = start_worker(ctx, peer)
    try:
        run(ctx, peer, 20, None)  # warm the pool processes and their connections
        result = run(ctx, peer, int(rate * seconds), rate)
    finally:
        worker.stop()
    stage.figures = {"rate_per_s": rate, "seconds": seconds, **{k: result[k] for k in (
        "received", "missing", "duplicates", "p50_ms", "p99_ms", "max_ms")}}
    return stage
