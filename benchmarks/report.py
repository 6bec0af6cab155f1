"""The report: the machine, the goals against the figures of one run, and the tables, printed and
written between the markers of docs/benchmarks.md (the text around them is kept)."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from benchmarks import targets
from benchmarks.harness import ROOT

DOC = ROOT / "docs" / "benchmarks.md"
START = "<!-- results:start (written by `python -m benchmarks.run`; edit outside the markers) -->"
END = "<!-- results:end -->"


def _command_output(args: list[str]) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def _redis_version() -> str:
    info = _command_output(["redis-cli", "-h", "127.0.0.1", "INFO", "server"])
    return info.split("redis_version:", 1)[1].split()[0] if "redis_version:" in info else "?"


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    versions = {name: metadata.version(name) for name in ("Django", "celery", "kombu", "redis", "psycopg",
                                                           "SQLAlchemy", "requests")}
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(total_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "os": _command_output(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "python": platform.python_version(),
        "postgresql": _command_output(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"]),
        "redis": _redis_version(),
        "packages": versions,
        "load_average": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


def _stages(result: dict) -> dict:
    return {stage["name"]: stage for stage in result["stages"]}


def _fig(stages: dict, name: str, key: str, default=None):
    stage = stages.get(name)
    if not stage or stage.get("skipped"):
        return default
    return stage["figures"].get(key, default)


def _ratio(a, b) -> str:
    return f"{a / b:.2f}" if isinstance(a, int | float) and isinstance(b, int | float) and b else "–"


def _table(headers: list[str], rows: list) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def _cpu_table(s: dict) -> list[str]:
    """CPU ms per delivery by process, (a2) beside (b): where the pipeline's extra cost goes."""
    cpu = s.get("cpu_per_delivery")
    if not cpu or cpu.get("skipped") or not cpu["figures"].get("b"):
        return []
    f = cpu["figures"]
    a2, a3, b, console = f.get("a2") or {}, f.get("a3") or {}, f["b"], f.get("b_console") or {}
    rows = [(group, a2.get(group, "–"), a3.get(group, "–"), b[group], console.get(group, "–"),
             _ratio(b[group], a2.get(group)), _ratio(b[group], a3.get(group))) for group in b]
    lines = ["CPU time per delivery by process (ms, median of the rounds; utime + stime from /proc, first "
             "publish to last receipt; postgres and redis: every such process on the machine):", ""]
    headers = ["process", "(a2) bare task", "(a3) Apprise task", "(b) pipeline", "(b, console)", "(b) / (a2)",
               "(b) / (a3)"]
    return lines + _table(headers, rows) + [""]


def profile_section(result: dict) -> list[str]:
    s = _stages(result)
    lines = [f"### {result['label']}", "",
             f"Run took {result['seconds']} s (schema {result['schema_seconds']} s).", ""]
    a = _fig(s, "a_ceiling", "requests_per_s")
    a2 = _fig(s, "a2_bare_task", "deliveries_per_s")
    a3 = _fig(s, "a3_apprise_task", "deliveries_per_s")
    b = _fig(s, "b_throughput", "deliveries_per_s")
    rows = [
        ("(a) ceiling: one process, keep-alive POSTs", f"{a} req/s", "1.00",
         f"runs {_fig(s, 'a_ceiling', 'runs_per_s')}; p50 {_fig(s, 'a_ceiling', 'p50_ms')} ms"),
        ("(a2) bare Celery task (sign + POST)", f"{a2} /s", _ratio(a2, a),
         f"runs {_fig(s, 'a2_bare_task', 'runs_per_s')}; n={_fig(s, 'a2_bare_task', 'count')}; "
         f"publish {_fig(s, 'a2_bare_task', 'publish_per_s')}/s"),
        ("(a3) Apprise Celery task (json://)", f"{a3} /s", _ratio(a3, a),
         f"runs {_fig(s, 'a3_apprise_task', 'runs_per_s')}; n={_fig(s, 'a3_apprise_task', 'count')}; "
         f"publish {_fig(s, 'a3_apprise_task', 'publish_per_s')}/s; "
         f"{_fig(s, 'a3_apprise_task', 'ratio_to_a2_per_round')} of (a2) per round"),
        ("(b) pipeline: publish -> event -> rule -> delivery -> attempt", f"{b} /s", _ratio(b, a),
         f"{_fig(s, 'b_throughput', 'ratio_to_a2') or _ratio(b, a2)} of (a2) "
         f"(rounds {_fig(s, 'b_throughput', 'ratio_to_a2_per_round')}); "
         + (f"{_fig(s, 'b_throughput', 'ratio_to_a3')} of (a3) "
            f"(rounds {_fig(s, 'b_throughput', 'ratio_to_a3_per_round')}); "
            if _fig(s, "b_throughput", "ratio_to_a3") is not None else "")
         + f"runs {_fig(s, 'b_throughput', 'runs_per_s')}; "
         f"n={_fig(s, 'b_throughput', 'events_per_run')} approval events; "
         f"publish {_fig(s, 'b_throughput', 'publish_per_s')}/s; "
         f"all recorded: {_fig(s, 'b_throughput', 'all_recorded')}"),
    ]
    console = s.get("b_console")
    if console and not console.get("skipped"):
        f = console["figures"]
        rows.append(("(b, console) the same through the console's Approve: version update, 2 events, audit",
                     f"{f['deliveries_per_s']} /s", _ratio(f["deliveries_per_s"], a),
                     f"{f['ratio_to_a2']} of (a2) (rounds {f['ratio_to_a2_per_round']}); "
                     f"{f.get('ratio_to_a3')} of (a3) (rounds {f.get('ratio_to_a3_per_round')}); "
                     f"runs {f['runs_per_s']}; "
                     f"n={f['approvals']} approvals; approvals {f['publish_per_s']}/s; "
                     f"all recorded: {f['all_recorded']}"))
    rows = [row for row in rows if not str(row[1]).startswith("None")]  # a stage not measured: no row
    if rows:
        lines += _table(["measure", "rate", "ratio to (a)", "details"], rows) + [""]
    lines += _cpu_table(s)
    lat = []

    def latency_row(label: str, f: dict, paced: str) -> tuple:
        return (label, paced, f["p50_ms"], f["p99_ms"], f["max_ms"],
                f"{f['received']} received, {f['missing']} missing, {f['duplicates']} duplicates")

    st = s.get("c_bare_latency")
    if st and not st.get("skipped"):
        f = st["figures"]
        lat.append(latency_row("(a2) bare task", f, f"{f['rate_per_s']} tasks/s for {f['seconds']} s"))
    st = s.get("c_apprise_latency")
    if st and not st.get("skipped"):
        f = st["figures"]
        lat.append(latency_row("(a3) Apprise task", f, f"{f['rate_per_s']} tasks/s for {f['seconds']} s"))
    st = s.get("c_latency")
    if st and not st.get("skipped"):
        f = st["figures"]
        lat.append(latency_row("pipeline", f, f"{f['events_per_s']} events/s for {f['seconds']} s; "
                               f"publisher reached {f['achieved_publish_per_s']} events/s"))
        for trial in (f.get("search") or {}).get("trials", [])[1:]:
            lat.append(("pipeline, search", f"{trial['events_per_s']} events/s; publisher reached "
                        f"{trial['achieved_publish_per_s']}", trial["p50_ms"], trial["p99_ms"], "",
                        f"{trial['missing']} missing"))
    if lat:
        lines += ["Latency, publish to receipt at the fake (c):", ""]
        lines += _table(["", "paced", "p50 ms", "p99 ms", "max ms", "counts"], lat) + [""]
        for note in (s.get("c_latency") or {}).get("notes", []):
            lines += [f"Note: {note}.", ""]
        search = _fig(s, "c_latency", "search")
        if search:
            rate = search["highest_rate_within"]
            lines += [f"Highest paced rate with p99 <= {search['p99_limit_ms']:.0f} ms: "
                      + (f"**{rate} events/s**" if rate else "**none of the rates tried**")
                      + f" (lowest rate over it: {search['lowest_rate_over']}; "
                      f"{len(search['trials'])} paced runs).", ""]
    d = s.get("d_routing_cost")
    if d and not d.get("skipped"):
        f = d["figures"]
        rows = [(size, f[size]["median_ms"], f[size]["p90_ms"], f[size]["queries_per_event"],
                 f[size]["deliveries_per_event"]) for size in ("10", "1000", "10000") if size in f]
        lines += [f"Routing cost (d), one approval event, rules on the bus {f.get('rule_mix')}; "
                  f"10,000 vs 10: **{f.get('ratio_10000_to_10')}x**", ""]
        lines += _table(["rules", "median ms", "p90 ms", "queries", "deliveries/event"], rows) + [""]
        if f.get("other_sources_only"):
            lines += [f"With every other rule on other sources' types: {f['other_sources_only']} (median ms).", ""]
    e = s.get("e_fanout")
    if e and not e.get("skipped"):
        f = e["figures"]
        lines += [f"Fan-out (e): one event to 100 targets {f['one_event_100_targets_s']} s, 100 events to one "
                  f"target each {f['100_events_1_target_s']} s: **{f['ratio_fanout_to_spread']}x** "
                  f"(all recorded: {f['all_recorded']}, missing {f['missing']}, duplicates {f['duplicates']})", ""]
    fc = s.get("f_console")
    if fc and not fc.get("skipped"):
        rows = []
        for page in ("rules_table", "event_log"):
            for n in ("10", "50", "1000"):
                r = fc["figures"].get(page, {}).get(n)
                if r:
                    rows.append((page.replace("_", " "), n, r["status"], r["queries"], r["median_ms"], r["bytes"]))
        lines += ["Console pages (f), Django test client:", ""]
        lines += _table(["page", "rows", "HTTP", "queries", "median ms", "bytes"], rows) + [""]
    g = s.get("g_memory")
    if g and not g.get("skipped"):
        rows = []
        for when in ("after_run_1", "after_run_3"):
            snap = g["figures"].get(when)
            if snap:
                label = "after run 1" if when == "after_run_1" else "after the last run"
                rows.append((label, f"{snap['web']['peak_mb']} / {snap['web']['rss_mb']}",
                             ", ".join(f"{p['peak_mb']} / {p['rss_mb']}" for p in snap["worker"])))
        lines += ["Memory (g), peak / current resident MB (worker: main process, then each pool child):", ""]
        lines += _table(["", "web (publisher)", "worker"], rows)
        lines += ["", f"Growth of the peak, last run minus run 1 (MB): {g['figures'].get('growth_mb')}", ""]
    skipped = [(st["name"], st["skipped"]) for st in result["stages"] if st.get("skipped")]
    if skipped:
        lines += ["Not measured in this run:", ""] + [f"- {name}: {why}" for name, why in skipped] + [""]
    return lines


def render(results: list[dict], command: str, info: dict) -> str:
    lines = [START, "", f"Command: `{command}`", "",
             f"Machine: {info['nproc']} cores ({info['cpu']}), {info['memory_gb']} GB, {info['os']}; "
             f"Python {info['python']}, PostgreSQL {info['postgresql']}, Redis {info['redis']}; "
             + ", ".join(f"{k} {v}" for k, v in info["packages"].items())
             + f". Load average at the start: {info['load_average']} (a shared machine: compare ratios, not "
             "absolute figures).", ""]
    for result in results:
        lines += profile_section(result)
    lines += ["### Targets (issue 20)", ""]
    lines += targets.summary_table(targets.evaluate(targets.figures_from(results))) + [""]
    lines.append(END)
    return "\n".join(lines)


def write(text: str) -> None:
    if DOC.exists():
        current = DOC.read_text()
        if START in current and END in current:
            head, rest = current.split(START, 1)
            tail = rest.split(END, 1)[1]
            DOC.write_text(head + text + tail)
            return
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text("# Benchmarks\n\n" + text + "\n")
