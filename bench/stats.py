"""Small statistics helpers (no numpy: the harness must not pull in heavy dependencies)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default) of an already sorted sequence."""
    if not sorted_values:
        return math.nan
    if len(sorted_values) == 1:
        return float(sorted_values[0])
    k = (len(sorted_values) - 1) * q / 100.0
    lo = math.floor(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return float(sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo))


def percentiles(values: Iterable[float], qs: Iterable[float] = (50, 95, 99)) -> dict[float, float]:
    data = sorted(values)
    return {q: percentile(data, q) for q in qs}


def summary_ms(samples_ms: list[float]) -> dict:
    """p50/p95/p99/max/mean of latencies in milliseconds."""
    p = percentiles(samples_ms, (50, 95, 99))
    return {"n": len(samples_ms), "p50_ms": p[50], "p95_ms": p[95], "p99_ms": p[99],
            "max_ms": max(samples_ms) if samples_ms else math.nan,
            "mean_ms": sum(samples_ms) / len(samples_ms) if samples_ms else math.nan}
