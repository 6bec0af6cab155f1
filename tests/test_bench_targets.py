"""The benchmark's judgement of issue 20's targets (benchmarks/targets.py), on figures written by hand:
no benchmark runs here."""

from benchmarks.targets import MET, MISSED, NOT_MEASURED, PRINTED, evaluate, figures_from, summary_table

ALL_MET = {
    "b_vs_bare": 0.64, "b_vs_apprise": 1.8, "b_all_recorded": True,
    "c_p99_ms_at_100": 31.0, "c_highest_rate_p99_within_100": 180.0, "c_lowest_rate_over_100": 200.0,
    "cpu_ms_per_delivery": 7.2, "embedded_deliveries_per_s": 55.0, "embedded_p99_ms_at_20": 190.0,
    "routing_10000_vs_10": 0.9, "fanout_vs_spread": 0.8, "rules_table_queries": (16, 16),
    "event_log_queries": (7, 7), "worker_peak_mb": 104.3, "worker_growth_mb": 0.4,
}


def states(figures: dict) -> dict[str, str]:
    return {target: state for target, _goal, _measured, state in evaluate(figures)}


def test_every_target_met_and_the_search_printed():
    result = states(ALL_MET)
    assert result.pop("(c) highest paced rate with p99 <= 100 ms") == PRINTED
    assert set(result.values()) == {MET} and len(result) == 11
    assert summary_table(evaluate(ALL_MET))[-1] == "11 of 11 judged targets met."


def test_figures_of_issue_20s_last_full_run_are_missed_where_the_issue_says():
    last_run = ALL_MET | {"b_vs_bare": 0.21, "b_vs_apprise": 0.9, "c_p99_ms_at_100": 1015.6,
                          "cpu_ms_per_delivery": 23.8, "embedded_deliveries_per_s": 16.9,
                          "c_highest_rate_p99_within_100": 38.1, "c_lowest_rate_over_100": 76.0}
    result = states(last_run)
    for target in ("(b) pipeline vs the bare Celery task (PostgreSQL + Redis)",
                   "(b) pipeline vs the Apprise task (PostgreSQL + Redis)",
                   "(c) p99 publish-to-receipt at 100 events/s", "machine CPU per delivery (pipeline)",
                   "embedded (SQLite + SQLite broker) throughput"):
        assert result[target] == MISSED, target
    assert result["embedded p99 at 20 events/s"] == MET
    measured = {row[0]: row[2] for row in evaluate(last_run)}
    assert measured["(c) highest paced rate with p99 <= 100 ms"] == "38.1 events/s (over at 76.0)"


def test_boundaries_and_conditions():
    at_goal = ALL_MET | {"b_vs_bare": 0.6, "b_vs_apprise": 1.0, "c_p99_ms_at_100": 50.0,
                         "cpu_ms_per_delivery": 8.0, "embedded_deliveries_per_s": 50.0,
                         "embedded_p99_ms_at_20": 250.0, "worker_growth_mb": 5.0}
    assert MISSED not in states(at_goal).values()
    lost = states(ALL_MET | {"b_all_recorded": False})  # fast but not everything recorded: missed
    assert lost["(b) pipeline vs the bare Celery task (PostgreSQL + Redis)"] == MISSED
    more_queries = states(ALL_MET | {"rules_table_queries": (16, 17)})
    assert more_queries["console rules table queries, 10 vs 1,000 rows"] == MISSED
    assert states(ALL_MET | {"worker_peak_mb": 200.0})["worker memory: peak, growth first to last run"] == MISSED


def test_a_run_that_measured_nothing_meets_nothing():
    result = states(figures_from([]))
    assert set(result.values()) == {NOT_MEASURED}
    assert summary_table(evaluate(figures_from([])))[-1] == "0 of 0 judged targets met."


def test_figures_are_read_from_the_suites_results():
    def stage(name, **figures):
        return {"name": name, "figures": figures, "notes": [], "skipped": ""}

    memory = {"after_run_3": {"worker": [{"peak_mb": 101.0}, {"peak_mb": 96.5}]}, "growth_mb": {"web": 0.3}}
    results = [
        {"profile": "postgres-redis", "stages": [
            stage("b_throughput", ratio_to_a2=0.7, ratio_to_a3=1.3, all_recorded=True),
            stage("c_latency", events_per_s=100.0, p99_ms=42.0, search={"highest_rate_within": 141.4,
                                                                        "lowest_rate_over": 200.0}),
            stage("cpu_per_delivery", b={"total": 6.5}),
            stage("g_memory", **memory),
            {"name": "d_routing_cost", "figures": {}, "notes": [], "skipped": "not enough time left (3 s)"},
        ]},
        {"profile": "sqlite", "stages": [stage("b_throughput", deliveries_per_s=61.0),
                                         stage("c_latency", events_per_s=20.0, p99_ms=120.0)]},
    ]
    figures = figures_from(results)
    assert (figures["b_vs_bare"], figures["b_vs_apprise"], figures["c_p99_ms_at_100"]) == (0.7, 1.3, 42.0)
    assert (figures["c_highest_rate_p99_within_100"], figures["cpu_ms_per_delivery"]) == (141.4, 6.5)
    assert (figures["embedded_deliveries_per_s"], figures["embedded_p99_ms_at_20"]) == (61.0, 120.0)
    assert (figures["worker_peak_mb"], figures["worker_growth_mb"]) == (101.0, 0.3)
    assert figures["routing_10000_vs_10"] is None  # skipped: not measured, never met
