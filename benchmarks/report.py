"""The report: the machine, the goals against the figures of one run, and the tables, printed and
written between the markers of docs/benchmarks.md (the text around them is kept)."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

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


def _mark(ok) -> str:
    return "–" if ok is None else ("met" if ok else "**missed**")


def goals(result: dict) -> list[tuple[str, str, str, str]]:
    """(goal, target, measured, met?) for one profile."""
    s = _stages(result)
    rows = []
    a = _fig(s, "a_ceiling", "requests_per_s")
    a2 = _fig(s, "a2_bare_task", "deliveries_per_s")
    b = _fig(s, "b_throughput", "deliveries_per_s")
    recorded = _fig(s, "b_throughput", "all_recorded")
    if b is not None and a2:
        ratio = _fig(s, "b_throughput", "ratio_to_a2") or b / a2
        per_round = _fig(s, "b_throughput", "ratio_to_a2_per_round")
        ok = ratio >= 0.5 and bool(recorded)
        rows.append(("(b) throughput vs (a2)", ">= 0.50, all recorded",
                     f"{ratio:.2f} (median of rounds {per_round}; {b} vs {a2}/s; recorded: {recorded})"
                     if per_round else f"{ratio:.2f} ({b} vs {a2}/s; recorded: {recorded})", _mark(ok)))
    if a and b is not None:
        ratio = _fig(s, "b_throughput", "ratio_to_a") or b / a
        rows.append(("(b) throughput vs (a) ceiling", "(context)", f"{ratio:.3f} ({b} vs {a}/s)", "–"))
    console = _fig(s, "b_console", "deliveries_per_s")
    if console is not None:
        rows.append(("(b) through the console's Approve (2 events per approval)", "(context)",
                     f"{_fig(s, 'b_console', 'ratio_to_a2')} of (a2) ({console} deliveries/s)", "–"))
    p99 = _fig(s, "c_latency", "p99_ms")
    if p99 is not None:
        sustainable = _fig(s, "c_latency", "sustainable")
        extra = f"; at half its throughput p99 {sustainable['p99_ms']} ms" if sustainable else ""
        rows.append(("(c) p99 at 100 events/s", "<= 50 ms", f"{p99} ms (p50 {_fig(s, 'c_latency', 'p50_ms')} ms; "
                     f"bare task p99 {_fig(s, 'c_bare_latency', 'p99_ms')} ms{extra})", _mark(p99 <= 50)))
    d = _fig(s, "d_routing_cost", "ratio_10000_to_10")
    if d is not None:
        rows.append(("(d) routing 10,000 vs 10 rules", "<= 1.5x", f"{d}x", _mark(d <= 1.5)))
    e = _fig(s, "e_fanout", "ratio_fanout_to_spread")
    if e is not None:
        rows.append(("(e) 1 event x 100 targets vs 100 events", "<= 2x", f"{e}x", _mark(e <= 2)))
    f = s.get("f_console")
    if f and not f.get("skipped"):
        for page in ("rules_table", "event_log"):
            fig = f["figures"].get(page, {})
            if "10" in fig and "1000" in fig:
                rows.append((f"(f) {page.replace('_', ' ')} queries, 10 vs 1,000 rows", "equal",
                             f"{fig['10']['queries']} vs {fig['1000']['queries']}", _mark(fig.get("same_queries"))))
    g = s.get("g_memory")
    if g and not g.get("skipped") and "after_run_3" in g["figures"]:
        workers = g["figures"]["after_run_3"]["worker"]
        peak = max(p["peak_mb"] or 0 for p in workers)
        growth = max(g["figures"].get("growth_mb", {}).values() or [0])
        rows.append(("(g) worker peak RSS, growth over 3 runs", "< 200 MB, no growth",
                     f"{peak} MB peak, +{growth} MB", _mark(peak < 200 and growth <= 5)))
    return rows


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
    a2, b, console = f.get("a2") or {}, f["b"], f.get("b_console") or {}
    rows = [(group, a2.get(group, "–"), b[group], console.get(group, "–"), _ratio(b[group], a2.get(group)))
            for group in b]
    lines = ["CPU time per delivery by process (ms, median of the rounds; utime + stime from /proc, first "
             "publish to last receipt):", ""]
    return lines + _table(["process", "(a2) bare task", "(b) pipeline", "(b, console)", "(b) / (a2)"], rows) + [""]


def profile_section(result: dict) -> list[str]:
    s = _stages(result)
    lines = [f"### {result['label']}", "",
             f"Run took {result['seconds']} s (schema {result['schema_seconds']} s).", ""]
    a = _fig(s, "a_ceiling", "requests_per_s")
    a2 = _fig(s, "a2_bare_task", "deliveries_per_s")
    b = _fig(s, "b_throughput", "deliveries_per_s")
    rows = [
        ("(a) ceiling: one process, keep-alive POSTs", f"{a} req/s", "1.00",
         f"runs {_fig(s, 'a_ceiling', 'runs_per_s')}; p50 {_fig(s, 'a_ceiling', 'p50_ms')} ms"),
        ("(a2) bare Celery task (sign + POST)", f"{a2} /s", _ratio(a2, a),
         f"runs {_fig(s, 'a2_bare_task', 'runs_per_s')}; n={_fig(s, 'a2_bare_task', 'count')}; "
         f"publish {_fig(s, 'a2_bare_task', 'publish_per_s')}/s"),
        ("(b) pipeline: publish -> event -> rule -> delivery -> attempt", f"{b} /s", _ratio(b, a),
         f"{_fig(s, 'b_throughput', 'ratio_to_a2') or _ratio(b, a2)} of (a2) "
         f"(rounds {_fig(s, 'b_throughput', 'ratio_to_a2_per_round')}); runs {_fig(s, 'b_throughput', 'runs_per_s')}; "
         f"n={_fig(s, 'b_throughput', 'events_per_run')} approval events; "
         f"publish {_fig(s, 'b_throughput', 'publish_per_s')}/s; "
         f"all recorded: {_fig(s, 'b_throughput', 'all_recorded')}"),
    ]
    console = s.get("b_console")
    if console and not console.get("skipped"):
        f = console["figures"]
        rows.append(("(b, console) the same through the console's Approve: version update, 2 events, audit",
                     f"{f['deliveries_per_s']} /s", _ratio(f["deliveries_per_s"], a),
                     f"{f['ratio_to_a2']} of (a2) (rounds {f['ratio_to_a2_per_round']}); runs {f['runs_per_s']}; "
                     f"n={f['approvals']} approvals; approvals {f['publish_per_s']}/s; "
                     f"all recorded: {f['all_recorded']}"))
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
    st = s.get("c_latency")
    if st and not st.get("skipped"):
        f = st["figures"]
        lat.append(latency_row("pipeline", f, f"{f['events_per_s']} events/s for {f['seconds']} s; "
                               f"publisher reached {f['achieved_publish_per_s']} events/s"))
        if "sustainable" in f:
            g = f["sustainable"]
            lat.append(latency_row("pipeline, at half its throughput", g,
                                   f"{g['events_per_s']} events/s for {g['seconds']} s"))
    if lat:
        lines += ["Latency, publish to receipt at the fake (c):", ""]
        lines += _table(["", "paced", "p50 ms", "p99 ms", "max ms", "counts"], lat) + [""]
        for note in (s.get("c_latency") or {}).get("notes", []):
            lines += [f"Note: {note}.", ""]
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
                rows.append((when.replace("_", " "), f"{snap['web']['peak_mb']} / {snap['web']['rss_mb']}",
                             ", ".join(f"{p['peak_mb']} / {p['rss_mb']}" for p in snap["worker"])))
        lines += ["Memory (g), peak / current resident MB (worker: main process, then each pool child):", ""]
        lines += _table(["", "web (publisher)", "worker"], rows)
        lines += ["", f"Growth of the peak, run 3 minus run 1 (MB): {g['figures'].get('growth_mb')}", ""]
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
        lines += [f"#### Goals, {result['label']}", ""]
        lines += _table(["goal", "target", "measured", ""], goals(result)) + [""]
    for result in results:
        lines += profile_section(result)
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
