"""Issue 20's targets, judged on a run's figures. Two pure steps, so that the judgement is tested on
figures written by hand (tests/test_bench_targets.py) without running the benchmark:

    figures = figures_from(results)     # the run's results (one dict per profile) -> flat figures
    rows = evaluate(figures)            # flat figures -> (target, goal, measured, state) rows
    lines = summary_table(rows)         # the markdown table printed at the end of the report

A figure that the run did not produce (a stage skipped, a profile not run) is None, and its target
is "not measured", never met.
"""

from __future__ import annotations

MET, MISSED, NOT_MEASURED, PRINTED = "met", "**missed**", "not measured", "printed"
GROWTH_ALLOWED_MB = 5.0  # "no growth": the peak moves by a few MB between runs from allocator noise alone


def _stage_figures(result: dict | None, name: str) -> dict:
    for stage in (result or {}).get("stages", []):
        if stage["name"] == name and not stage.get("skipped"):
            return stage["figures"]
    return {}


def figures_from(results: list[dict]) -> dict:
    """The figures the targets are judged on, from benchmarks.suite's results."""
    by_key = {result["profile"]: result for result in results}
    pg, emb = by_key.get("postgres-redis"), by_key.get("sqlite")
    b, c = _stage_figures(pg, "b_throughput"), _stage_figures(pg, "c_latency")
    search = c.get("search") or {}
    rules = _stage_figures(pg, "f_console").get("rules_table", {})
    log = _stage_figures(pg, "f_console").get("event_log", {})
    peaks, growths = [], []
    for result in (pg, emb):
        memory = _stage_figures(result, "g_memory")
        if "after_run_3" in memory:
            peaks += [p["peak_mb"] or 0 for p in memory["after_run_3"]["worker"]]
            growths += list(memory.get("growth_mb", {}).values())
    emb_c = _stage_figures(emb, "c_latency")
    return {
        "b_vs_bare": b.get("ratio_to_a2"),
        "b_vs_apprise": b.get("ratio_to_a3"),
        "b_all_recorded": b.get("all_recorded"),
        "c_p99_ms_at_100": c.get("p99_ms") if c.get("events_per_s") == 100.0 else None,
        "c_highest_rate_p99_within_100": search.get("highest_rate_within"),
        "c_lowest_rate_over_100": search.get("lowest_rate_over"),
        "cpu_ms_per_delivery": (_stage_figures(pg, "cpu_per_delivery").get("b") or {}).get("total"),
        "embedded_deliveries_per_s": _stage_figures(emb, "b_throughput").get("deliveries_per_s"),
        "embedded_p99_ms_at_20": emb_c.get("p99_ms") if emb_c.get("events_per_s") == 20.0 else None,
        "routing_10000_vs_10": _stage_figures(pg, "d_routing_cost").get("ratio_10000_to_10"),
        "fanout_vs_spread": _stage_figures(pg, "e_fanout").get("ratio_fanout_to_spread"),
        "rules_table_queries": _queries(rules),
        "event_log_queries": _queries(log),
        "worker_peak_mb": max(peaks) if peaks else None,
        "worker_growth_mb": max(growths) if growths else None,
    }


def _queries(page: dict) -> tuple[int, int] | None:
    return (page["10"]["queries"], page["1000"]["queries"]) if "10" in page and "1000" in page else None


def _judge(value, ok) -> str:
    return NOT_MEASURED if value is None else (MET if ok(value) else MISSED)


def evaluate(f: dict) -> list[tuple[str, str, str, str]]:
    """(target, goal, measured, state) for every target of issue 20 items 4 (b), (c), CPU, embedded
    and no-regression, in that order."""
    g = f.get
    rows = []
    recorded = g("b_all_recorded")
    for key, peer, goal in (("b_vs_bare", "the bare Celery task", 0.6), ("b_vs_apprise", "the Apprise task", 1.0)):
        value = g(key)
        measured = "–" if value is None else f"{value:.2f}, all recorded: {recorded}"
        state = _judge(value, lambda v, goal=goal: v >= goal and recorded is True)
        rows.append((f"(b) pipeline vs {peer} (PostgreSQL + Redis)", f">= {goal:.1f}, all recorded", measured, state))
    p99 = g("c_p99_ms_at_100")
    rows.append(("(c) p99 publish-to-receipt at 100 events/s", "<= 50 ms",
                 "–" if p99 is None else f"{p99:.1f} ms", _judge(p99, lambda v: v <= 50)))
    highest, over = g("c_highest_rate_p99_within_100"), g("c_lowest_rate_over_100")
    measured = ("–" if highest is None and over is None else
                (f"{highest} events/s" if highest is not None else "no rate tried held")
                + (f" (over at {over})" if over else ""))
    rows.append(("(c) highest paced rate with p99 <= 100 ms", "printed", measured,
                 NOT_MEASURED if measured == "–" else PRINTED))
    cpu = g("cpu_ms_per_delivery")
    rows.append(("machine CPU per delivery (pipeline)", "<= 8 ms", "–" if cpu is None else f"{cpu:.1f} ms",
                 _judge(cpu, lambda v: v <= 8)))
    rate = g("embedded_deliveries_per_s")
    rows.append(("embedded (SQLite + SQLite broker) throughput", ">= 50 deliveries/s",
                 "–" if rate is None else f"{rate:.1f}/s", _judge(rate, lambda v: v >= 50)))
    p99 = g("embedded_p99_ms_at_20")
    rows.append(("embedded p99 at 20 events/s", "<= 250 ms", "–" if p99 is None else f"{p99:.1f} ms",
                 _judge(p99, lambda v: v <= 250)))
    ratio = g("routing_10000_vs_10")
    rows.append(("routing, 10,000 vs 10 rules", "flat (<= 1.5x)", "–" if ratio is None else f"{ratio}x",
                 _judge(ratio, lambda v: v <= 1.5)))
    ratio = g("fanout_vs_spread")
    rows.append(("fan-out, 1 event x 100 targets vs 100 events", "<= 2x", "–" if ratio is None else f"{ratio}x",
                 _judge(ratio, lambda v: v <= 2)))
    for key, page in (("rules_table_queries", "rules table"), ("event_log_queries", "event log")):
        pair = g(key)
        rows.append((f"console {page} queries, 10 vs 1,000 rows", "equal",
                     "–" if pair is None else f"{pair[0]} vs {pair[1]}", _judge(pair, lambda v: v[0] == v[1])))
    peak, growth = g("worker_peak_mb"), g("worker_growth_mb")
    both = None if peak is None or growth is None else (peak, growth)
    rows.append(("worker memory: peak, growth first to last run", f"< 200 MB, growth <= {GROWTH_ALLOWED_MB:.0f} MB",
                 "–" if both is None else f"{peak} MB, +{growth} MB",
                 _judge(both, lambda v: v[0] < 200 and v[1] <= GROWTH_ALLOWED_MB)))
    return rows


def summary_table(rows: list[tuple[str, str, str, str]]) -> list[str]:
    met = sum(1 for row in rows if row[3] == MET)
    judged = sum(1 for row in rows if row[3] in (MET, MISSED))
    lines = ["| target | goal | measured | state |", "|---|---|---|---|"]
    lines += [f"| {target} | {goal} | {measured} | {state} |" for target, goal, measured, state in rows]
    return lines + ["", f"{met} of {judged} judged targets met."]
