"""Summarise `py-spy record --idle --format raw` files of worker pool processes: where the samples
went (waiting for a task, database round trips, Redis, the HTTP send, Python on the CPU), by task
(the routing wake-up's passes, `events_route_drain`; the send threads of a pass, `delivery_pool`;
the chat queue's `delivery_send`; the bench's `bare_deliver`), and, for database waits, which
project function asked. Record every thread (py-spy does by default): a pass sends on its own pool.

    py-spy record --idle -r 50 -d 20 --format raw -o worker.txt --pid <pool child>
    python -m benchmarks.spy_summary worker.txt [more.txt ...]
"""

from __future__ import annotations

import sys
from collections import Counter

PROJECT = ("notifications/", "workspaces/", "console/", "benchmarks/")


def _sending(text: str) -> bool:
    """A send thread of a routing pass at work (an idle one waits in concurrent/futures' `_worker`)."""
    return "delivery_pool.py" in text


def category(frames: list[str]) -> str:
    text = ";".join(frames)
    if "trace_task" not in text and "__protected_call__" not in text and not _sending(text):
        return "idle: waiting for a task"
    leaf = ";".join(frames[-12:])
    if "result_iterator" in leaf:
        return "waiting for the pass's send threads"
    if "psycopg" in leaf or "sqlite3" in leaf or "django/db/backends" in leaf:
        return "database round trip"
    if "redis/" in leaf or "kombu/" in leaf:
        return "Redis (broker publish, rate limiter)"
    if "urllib3" in leaf or "requests/" in leaf or "http/client" in leaf or "socket" in leaf:
        return "HTTP send"
    return "Python on the CPU"


def project_caller(frames: list[str]) -> str:
    """The innermost frame of the project's own code (e.g. `_claim (notifications/services/delivery.py:95)`)."""
    for frame in reversed(frames):
        if any(part in frame for part in PROJECT):
            return frame.split(" (")[0] + " (" + frame.split(" (", 1)[1].rsplit(":", 1)[0] + ")"
    return "?"


TASKS = ("events_route_drain", "event_route", "delivery_send", "bare_deliver")


def task_of(frames: list[str]) -> str:
    if _sending(";".join(frames)) and not any(frame.startswith(TASKS[0] + " ") for frame in frames):
        return "delivery_pool"  # a send thread of a pass (its stack starts in the thread, not the task)
    for frame in frames:
        for name in TASKS:
            if frame.startswith(name + " "):
                return name
    return "-"


def summarise(paths: list[str]) -> str:
    categories: Counter = Counter()
    callers: Counter = Counter()
    tasks: Counter = Counter()
    total = 0
    for path in paths:
        with open(path) as handle:
            for line in handle:
                stack, _, count = line.rstrip("\n").rpartition(" ")
                if not count.isdigit():
                    continue
                frames = stack.split(";")
                n = int(count)
                total += n
                kind = category(frames)
                categories[kind] += n
                if kind != "idle: waiting for a task":
                    tasks[(task_of(frames), kind)] += n
                if kind == "database round trip":
                    callers[project_caller(frames)] += n
    lines = [f"{total} samples"]
    lines += [f"  {n / total:6.1%}  {kind}" for kind, n in categories.most_common()]
    lines.append("by task:")
    lines += [f"  {n / total:6.1%}  {task:14} {kind}" for (task, kind), n in tasks.most_common(12)]
    lines.append("database waits by the project function that asked:")
    lines += [f"  {n / total:6.1%}  {caller}" for caller, n in callers.most_common(15)]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summarise(sys.argv[1:]))
