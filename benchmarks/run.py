"""`make bench` = `python -m benchmarks.run`: every measurement on PostgreSQL + Redis, then (a) to
(c) on the embedded defaults (SQLite + the SQLite broker), each profile in its own process, and the
report printed and written to docs/benchmarks.md.

    python -m benchmarks.run            # the full run (about 9 minutes idle, at most about 16)
    python -m benchmarks.run --quick    # a short run, about 3 minutes (or BENCH_QUICK=1)
    python -m benchmarks.run --profiles postgres-redis --only b,c --no-write
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import report
from benchmarks.harness import ROOT, profiles
from benchmarks.suite import ALL_STAGES, EMBEDDED_STAGES

# Seconds each profile may take before its remaining stages are skipped (they stop by themselves).
BUDGETS = {("postgres-redis", True): 150, ("sqlite", True): 60, ("postgres-redis", False): 660, ("sqlite", False): 240}


def run_profile(key: str, quick: bool, only: tuple[str, ...]) -> dict:
    budget = BUDGETS[(key, quick)]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        args = [sys.executable, "-m", "benchmarks.suite", "--profile", key, "--budget", str(budget),
                "--only", ",".join(only), "--out", str(out)]
        if quick:
            args.append("--quick")
        print(f"== {key}: {profiles()[key].label} (budget {budget} s)", flush=True)
        try:
            completed = subprocess.run(args, cwd=ROOT, timeout=budget + 180)
        except subprocess.TimeoutExpired:
            return {"profile": key, "label": profiles()[key].label, "quick": quick, "seconds": None,
                    "schema_seconds": None, "stages": [], "error": "the profile run timed out"}
        if completed.returncode != 0 or not out.exists():
            return {"profile": key, "label": profiles()[key].label, "quick": quick, "seconds": None,
                    "schema_seconds": None, "stages": [], "error": f"exit status {completed.returncode}"}
        return json.loads(out.read_text())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1",
                        help="short run, about 3 minutes (also BENCH_QUICK=1)")
    parser.add_argument("--profiles", default="postgres-redis,sqlite")
    parser.add_argument("--only", default="", help=f"stages, of {','.join(ALL_STAGES)}")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite docs/benchmarks.md")
    args = parser.parse_args(argv)
    started = time.monotonic()
    info = report.machine()
    results = []
    for key in args.profiles.split(","):
        default = ALL_STAGES if key == "postgres-redis" else EMBEDDED_STAGES
        stages = tuple(args.only.split(",")) if args.only else default
        results.append(run_profile(key, args.quick, stages))
    command = ("BENCH_QUICK=1 " if args.quick and "--quick" not in (argv or sys.argv[1:]) else "")
    command += "python -m benchmarks.run" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    text = report.render(results, command, info)
    print(text)
    if not args.no_write:
        report.write(text)
        print(f"written to {report.DOC.relative_to(ROOT)}")
    print(f"benchmark took {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
