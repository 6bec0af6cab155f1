"""Numbers: nearest-rank percentiles, medians, and publish-to-receipt latencies with the counts that
prove nothing was lost or doubled."""

from __future__ import annotations

import statistics


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")



def latencies(published: dict[str, float], receipts: list[tuple[str, float]]) -> dict:
    """Per-token latency (receipt minus publish), with the counts that prove nothing was lost or
    doubled: `missing` published but not received, `duplicates` received more than once."""
    seen: dict[str, float] = {}
    duplicates = 0
    for token, at in receipts:
        if token not in published:
            continue
        if token in seen:
            duplicates += 1
            continue
        seen[token] = at
    values = [(seen[token] - published[token]) * 1000 for token in seen]
    return {
        "received": len(seen),
        "missing": len(published) - len(seen),
        "duplicates": duplicates,
        "p50_ms": round(percentile(values, 50), 2),
        "p99_ms": round(percentile(values, 99), 2),
        "max_ms": round(max(values), 2) if values else float("nan"),
        "first_receipt": min(seen.values()) if seen else None,
        "last_receipt": max(seen.values()) if seen else None,
    }
