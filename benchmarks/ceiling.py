"""(a) The ceiling: one process posting signed keep-alive requests (requests.Session) to the fake
DingTalk as fast as it answers. Nothing the pipeline does can go faster on this machine."""

from __future__ import annotations

import time

import requests

from benchmarks.bare_app import signed_url
from benchmarks.harness import Context, Stage
from benchmarks.stats import median, percentile


def post_loop(ctx: Context, seconds: float) -> dict:
    session = requests.Session()
    webhook = ctx.fake.url("ceiling")
    body = {"msgtype": "markdown", "markdown": {"title": "Model version approved", "text": "#### ceiling"}}
    durations = []
    started = time.monotonic()
    end = started + seconds
    while time.monotonic() < end:
        sent = time.perf_counter()
        answer = session.post(signed_url(webhook, ctx.fake.secret), json=body, timeout=(3, 10))
        durations.append(time.perf_counter() - sent)
        if answer.json().get("errcode") != 0:
            raise RuntimeError(f"the fake refused the ceiling's request: {answer.text}")
    elapsed = time.monotonic() - started
    return {"rate": len(durations) / elapsed, "p50_ms": percentile(durations, 50) * 1000,
            "p99_ms": percentile(durations, 99) * 1000}


def measure(ctx: Context) -> Stage:
    stage = Stage("a_ceiling")
    seconds = ctx.size(2, 4, scaled=False)
    post_loop(ctx, 0.5)  # warm: connection, imports
    runs = [post_loop(ctx, seconds) for _ in range(3)]
    ctx.fake.reset()
    stage.figures = {
        "requests_per_s": round(median([r["rate"] for r in runs]), 1),
        "runs_per_s": [round(r["rate"], 1) for r in runs],
        "p50_ms": round(median([r["p50_ms"] for r in runs]), 3),
        "p99_ms": round(median([r["p99_ms"] for r in runs]), 3),
        "seconds_per_run": seconds,
    }
    return stage
