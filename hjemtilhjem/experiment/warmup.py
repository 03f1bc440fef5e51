"""Warm-up diagnostic: MSER-5 (White 1997; Franklin & White 2008) on what can drift: daily hospital occupancy,
the patients waiting in hospital for a municipal place, and long-term occupancy.

The model starts with an empty hospital, so the first weeks under-state occupancy. MSER-5 cuts a
series into batches of 5 observations and picks the truncation point ``d`` (in batches) that
minimises the squared standard error of the mean of what is left,

    MSER(d) = sum_{j >= d} (Z_j - mean(Z_d:))**2 / (k - d)**2,

searched over the first half of the series only (a minimum in the second half means the run is too
short to tell). Applied to the mean over replications of each series of ``daily.csv`` in :data:`WATCHED`; the
longest suggestion is the one reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["mser", "mser5", "warmup_diagnostic", "warning_text", "WATCHED"]

BATCH = 5
SERIES = "hospital_occupancy"
#: daily series watched for the warm-up: the hospital, the queue of patients ready and waiting, long-term care
WATCHED = ("hospital_occupancy", "delayed_patients", "long_term_occupancy")


def mser(y: Sequence[float] | np.ndarray, batch: int = BATCH) -> tuple[int, np.ndarray]:
    """MSER-``batch`` truncation of series ``y``.

    Returns
    -------
    (cut, statistic)
        ``cut`` is the number of leading observations to drop (a multiple of ``batch``);
        ``statistic[d]`` is MSER for dropping ``d`` batches, for ``d`` in the searched first half.
    """
    x = np.asarray(y, dtype=float)
    k = len(x) // batch
    if k < 4:
        return 0, np.zeros(0)
    z = x[: k * batch].reshape(k, batch).mean(axis=1)
    # suffix sums give every tail mean and sum of squares in one pass
    rev = z[::-1]
    n_left = np.arange(1, k + 1, dtype=float)
    s1 = np.cumsum(rev)[::-1]
    s2 = np.cumsum(rev**2)[::-1]
    n_left = n_left[::-1]
    ssq = np.maximum(s2 - s1**2 / n_left, 0.0)
    stat = ssq / n_left**2
    half = k // 2
    stat = stat[: half + 1]
    return int(np.argmin(stat)) * batch, stat


def mser5(y: Sequence[float] | np.ndarray) -> int:
    """Observations to drop by MSER-5."""
    return mser(y, BATCH)[0]


def warmup_by_series(series: Mapping[str, Sequence[np.ndarray]], warmup_days: float) -> dict[str, Any] | None:
    """:func:`warmup_diagnostic` of each named series; the one that asks for the longest warm-up is returned,
    with ``by_series`` holding every series' suggestion (days)."""
    found = {name: d for name, arrays in series.items()
             if (d := warmup_diagnostic(arrays, warmup_days, name)) is not None}
    if not found:
        return None
    worst = max(found, key=lambda name: found[name]["suggested_days"])
    out = dict(found[worst])
    out["by_series"] = {name: d["suggested_days"] for name, d in found.items()}
    out["determined"] = all(d["determined"] for d in found.values())
    return out


def warmup_diagnostic(daily_series: Sequence[np.ndarray], warmup_days: float,
                      name: str = SERIES) -> dict[str, Any] | None:
    """MSER-5 on the mean over replications of one daily series (default: hospital occupancy).

    Parameters
    ----------
    daily_series
        One ``hospital_occupancy`` array per replication (patients, day 0 = start of warm-up).
    warmup_days
        The scenario's warm-up, days.

    Returns
    -------
    ``{"method", "series", "suggested_days", "scenario_days", "ok", "determined"}`` or ``None``
    when there is no daily series. ``ok`` is false when the warm-up is shorter than suggested;
    ``determined`` is false when the minimum lies at the end of the searched first half (the run is
    too short to tell).
    """
    arrays = [np.asarray(a, dtype=float) for a in daily_series if a is not None and len(a)]
    if not arrays:
        return None
    n = min(len(a) for a in arrays)
    mean = np.mean([a[:n] for a in arrays], axis=0)
    cut, stat = mser(mean)
    determined = len(stat) > 0 and cut // BATCH < len(stat) - 1
    return {"method": "MSER-5", "series": f"{name} (mean of {len(arrays)} replications)",
            "suggested_days": int(cut), "scenario_days": float(warmup_days), "ok": bool(warmup_days >= cut),
            "determined": bool(determined)}


def warning_text(name: str, diag: dict[str, Any] | None) -> str | None:
    """One-line warning when the warm-up is too short (``None`` when fine)."""
    if not diag or diag["ok"]:
        return None
    return (f"hjemtilhjem: warning: {name}: warm-up of {diag['scenario_days']:g} days is shorter than the "
            f"{diag['suggested_days']} days MSER-5 suggests for {diag['series'].split(' (')[0]} "
            f"(raise scenario.warmup_days, e.g. --set scenario.warmup_days={diag['suggested_days']})")
