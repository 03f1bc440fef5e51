"""Summary statistics across replications: mean, sd, 95% CI (Student t), paired differences.

The CI of an indicator is the Student-t interval of the mean, cut at the range the indicator can take
(:func:`hjemtilhjem.outcomes.labels.bounds`: counts, days, NOK and shares cannot be negative; shares of
events cannot exceed 1), and marked ``ci95_truncated`` when it was cut. Differences between scenarios
can be negative and are never cut.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

from ..outcomes.labels import bounds

__all__ = ["summary", "indicator_summary", "paired_difference", "t_halfwidth", "MIN_REPLICATIONS_FOR_CI",
           "few_replications", "ratio_of_means"]

#: with fewer replications than this a 95% CI means little (t with < 4 degrees of freedom): run, compare,
#: sweep, calibrate and the report warn
MIN_REPLICATIONS_FOR_CI = 5


def few_replications(n: int) -> bool:
    """True when ``n`` replications are too few for a 95% CI to mean much."""
    return n < MIN_REPLICATIONS_FOR_CI


def t_halfwidth(values: Sequence[float] | np.ndarray, level: float = 0.95) -> float:
    """Half-width of the Student-t confidence interval of the mean (NaN when n < 2)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 2:
        return float("nan")
    return float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))


def summary(values: Sequence[float] | np.ndarray, level: float = 0.95, low: float | None = None,
            high: float | None = None) -> dict[str, float | int | bool | list[float]]:
    """``{"mean", "sd", "ci95", "n", "ci95_truncated"}`` of per-replication values (NaNs are left out).

    ``ci95`` is the Student-t interval of the mean; a limit beyond ``low`` / ``high`` (what the quantity
    can be) is set to that bound and ``ci95_truncated`` is then true.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return {"mean": float("nan"), "sd": float("nan"), "ci95": [float("nan"), float("nan")], "n": 0,
                "ci95_truncated": False}
    mean = float(x.mean())
    sd = float(x.std(ddof=1)) if n > 1 else float("nan")
    h = t_halfwidth(x, level)
    lo, hi = mean - h, mean + h
    truncated = False
    if low is not None and lo < low:
        lo, truncated = low, True
    if high is not None and hi > high:
        hi, truncated = high, True
    return {"mean": mean, "sd": sd, "ci95": [lo, hi], "n": n, "ci95_truncated": truncated}


def indicator_summary(key: str, values: Sequence[float] | np.ndarray,
                      level: float = 0.95) -> dict[str, float | int | bool | list[float]]:
    """:func:`summary` of an indicator, its CI cut at the range the indicator can take (see the labels)."""
    low, high = bounds(key)
    return summary(values, level, low, high)


def paired_difference(base: Sequence[float], other: Sequence[float], better: int = 0) -> dict[str, object]:
    """Paired difference ``other - base`` across replications with 95% CIs.

    ``relative`` is the difference of means over the base mean, ``mean(other) / mean(base) - 1``. Its CI
    is the delta-method CI of a ratio of paired means, so it carries the uncertainty of the base mean
    as well: ``se = sd(other_i - R * base_i) / (sqrt(n) * |mean(base)|)`` with ``R = mean(other) /
    mean(base)``, Student t with n - 1 degrees of freedom. When no value is negative, a change below
    -100 % is impossible and the lower limit is cut at -1.
    ``share_better`` counts replications where ``other`` is better (``better`` = +1 higher is
    better, -1 lower is better; ``None`` when neither).
    """
    b, o = np.asarray(base, dtype=float), np.asarray(other, dtype=float)
    ok = ~(np.isnan(b) | np.isnan(o))
    b, o = b[ok], o[ok]
    d = o - b
    s = summary(d)
    bm = float(b.mean()) if len(b) else float("nan")
    rel = s["mean"] / bm if bm else float("nan")  # type: ignore[operator]
    rel_ci = [float("nan"), float("nan")]
    if bm and len(b) > 1:
        ratio = float(o.mean()) / bm
        h = t_halfwidth(o - ratio * b) / abs(bm)  # Student-t half-width of the linearised ratio
        rel_ci = [rel - h, rel + h]
        if (b >= 0).all() and (o >= 0).all():
            rel_ci[0] = max(rel_ci[0], -1.0)
    share = float(np.mean(d * better > 0)) if better and len(d) else None
    return {"mean": s["mean"], "sd": s["sd"], "ci95": s["ci95"], "relative": rel, "relative_ci95": rel_ci,
            "share_better": share, "n": s["n"]}


def ratio_of_means(numerator: Sequence[float], denominator: Sequence[float],
                   level: float = 0.95) -> dict[str, object]:
    """Ratio of two paired means, ``mean(numerator) / mean(denominator)``, with Fieller's confidence interval.

    For a cost per unit of effect (e.g. NOK per delayed day avoided): per-replication ratios are not used, because
    a replication's difference in the effect may be near zero or of the other sign, which makes a replication's
    ratio meaningless. Fieller's interval solves ``(mx - R my)^2 = t^2 (sxx - 2 R sxy + R^2 syy) / n`` for ``R``
    (paired sample variances and covariance, Student t with n - 1 degrees of freedom). When the denominator's
    mean is not clearly away from zero (``my^2 <= t^2 syy / n``) the set is not a bounded interval: ``ci95`` is
    then ``[None, None]`` and ``bounded`` false.
    """
    x, y = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    n = len(x)
    nan = float("nan")
    if n < 2:
        return {"ratio": nan, "ci95": [None, None], "bounded": False, "n": n, "method": "Fieller"}
    mx, my = float(x.mean()), float(y.mean())
    cov = np.cov(x, y, ddof=1)
    sxx, syy, sxy = float(cov[0, 0]), float(cov[1, 1]), float(cov[0, 1])
    q = float(stats.t.ppf(0.5 + level / 2, n - 1)) ** 2 / n
    ratio = mx / my if my else nan
    a = my * my - q * syy
    b = -2.0 * (mx * my - q * sxy)
    c = mx * mx - q * sxx
    if a <= 0:
        return {"ratio": ratio, "ci95": [None, None], "bounded": False, "n": n, "method": "Fieller",
                "numerator": mx, "denominator": my}
    root = math.sqrt(max(b * b - 4.0 * a * c, 0.0))
    lo, hi = sorted(((-b - root) / (2.0 * a), (-b + root) / (2.0 * a)))
    return {"ratio": ratio, "ci95": [lo, hi], "bounded": True, "n": n, "method": "Fieller", "numerator": mx,
            "denominator": my}
