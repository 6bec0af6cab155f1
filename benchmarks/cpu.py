"""Where the machine's CPU goes during a run, per delivery and by process: the publisher (the web
process), the worker's main process and its pool processes, every PostgreSQL process (backends,
WAL writer, checkpointer), redis-server, the fake robot, and this harness (which polls the fake).
Read from /proc (utime + stime) just before the first publish and just after the last receipt, so
(a2) and (b) are accounted the same way within one round."""

from __future__ import annotations

import os
from pathlib import Path

from benchmarks.harness import Context, Worker, child_pids

TICKS_PER_S = os.sysconf("SC_CLK_TCK")
GROUPS = ("publisher", "worker main", "worker pool", "postgres", "redis", "fake robot", "harness")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0  # exited: its time is lost to the count (backends and workers persist in a run)
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_S


def _pids_named(name: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


class CpuMeter:
    """`snapshot()` before and after a run; `per_delivery(before, after, n)` in ms by group."""

    def __init__(self, ctx: Context, worker: Worker):
        self.ctx, self.worker = ctx, worker

    def _groups(self) -> dict[str, list[int]]:
        main = self.worker.process.pid
        fake = self.ctx.fake.process.pid
        return {
            "publisher": [self.ctx.publisher.process.pid],
            "worker main": [main],
            "worker pool": child_pids(main),
            "postgres": _pids_named("postgres") if self.ctx.profile.is_postgres else [],
            "redis": _pids_named("redis-server"),
            "fake robot": [fake, *child_pids(fake)],
            "harness": [os.getpid()],
        }

    def snapshot(self) -> dict[str, dict[int, float]]:
        return {group: {pid: _cpu_seconds(pid) for pid in pids} for group, pids in self._groups().items()}

    @staticmethod
    def per_delivery(before: dict, after: dict, deliveries: int) -> dict[str, float]:
        """CPU milliseconds per delivery by group, and their sum (`total`)."""
        result = {}
        for group in GROUPS:
            then = before.get(group, {})
            spent = sum(max(0.0, now - then.get(pid, 0.0)) for pid, now in after.get(group, {}).items())
            result[group] = round(1000 * spent / max(deliveries, 1), 2)
        result["total"] = round(sum(result[group] for group in GROUPS), 2)
        return result
