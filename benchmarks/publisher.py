"""The publishing process: a Django process with the URLconf loaded (what the web process holds)
that publishes the way the web process does, when the benchmark tells it to over stdin.

One JSON command per line in, one JSON answer per line out:
- `{"op": "bare", "webhooks": [...], "secret": "SEC...", "rate": 100}`: one bare task per webhook;
- `{"op": "apprise", "urls": [...], "rate": 100}`: one Apprise task per notification URL;
- `{"op": "publish", "version_ids": [...], "rate": null}`: publish one model-approval event per
  version, each in its own transaction (routing is enqueued on commit);
- `{"op": "approve", "version_ids": [...], "rate": null}`: approve each Pending model version through
  the resources service (which publishes both model events in its transaction);
- `{"op": "memory"}`, `{"op": "ping"}`, `{"op": "quit"}`.
`rate` paces the publishes (per second); null publishes back to back. Each answer carries the wall
clock time taken just before each publish (`times`), which latencies are measured from.
"""

from __future__ import annotations

import json
import sys
import time
import traceback


def paced(items: list, rate: float | None):
    """Yield (item, time.time() just before its publish), at `rate` per second when given."""
    started = time.monotonic()
    for index, item in enumerate(items):
        if rate:
            delay = started + index / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        yield item, time.time()


def publish_tasks(task: str, queue: str, calls: list[list], rate: float | None) -> list[float]:
    """One `send_task` per argument list (what the peers' publishers do), paced."""
    from console.celery import app

    times = []
    for args, moment in paced(calls, rate):
        times.append(moment)
        app.send_task(task, args=args, queue=queue)
    return times


def _message(index: int) -> list[str]:
    return ["Model version approved", f"#### Model version approved\n\nbench message {index}"]


def publish_each(op: str, version_ids: list[int], rate: float | None) -> list[float]:
    from benchmarks.pipeline import approve_version, load_versions, publish_approval_event

    if op == "approve":  # the console's Approve loads the version itself
        call, items = approve_version, version_ids
    else:
        call, items = publish_approval_event, load_versions(version_ids)
    times = []
    for item, moment in paced(items, rate):
        times.append(moment)
        call(item)
    return times


def handle(command: dict) -> dict:
    op = command["op"]
    if op == "ping":
        return {"ok": True}
    if op in ("bare", "apprise"):
        from benchmarks.apprise_app import APPRISE_QUEUE, APPRISE_TASK
        from benchmarks.bare_app import BARE_QUEUE, BARE_TASK

        if op == "bare":
            task, queue = BARE_TASK, BARE_QUEUE
            calls = [[webhook, command["secret"], *_message(i)] for i, webhook in enumerate(command["webhooks"])]
        else:
            task, queue = APPRISE_TASK, APPRISE_QUEUE
            calls = [[url, *_message(i)] for i, url in enumerate(command["urls"])]
        started = time.monotonic()
        times = publish_tasks(task, queue, calls, command.get("rate"))
        return {"times": times, "publish_seconds": time.monotonic() - started}
    if op in ("approve", "publish"):
        times = publish_each(op, command["version_ids"], command.get("rate"))
        return {"times": times, "publish_seconds": time.time() - times[0]}
    if op == "memory":
        from benchmarks.harness import self_memory

        return self_memory()
    raise ValueError(f"unknown op {op!r}")


def main() -> None:
    import django

    django.setup()
    from django.urls import get_resolver

    try:
        get_resolver().url_patterns  # noqa: B018 (load every view module, as the web process does)
    except Exception:  # a broken view module must not stop the benchmark; the log says so
        traceback.print_exc(file=sys.stderr)
    for line in sys.stdin:
        command = json.loads(line)
        if command.get("op") == "quit":
            break
        try:
            answer = handle(command)
        except Exception as exc:  # the benchmark reports it; the process stays up
            answer = {"error": f"{exc.__class__.__name__}: {exc}", "traceback": traceback.format_exc()}
            print(answer["traceback"], file=sys.stderr, flush=True)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
