"""A shipped baseline holds its steady state for five measured years (DESIGN 10, steady state).

Version 1's Vestfold baseline went 8.6, 25.6, 51, 45, 58 overliggedøgn per 1000 over five years: a long-term queue
offered more than its places, and initial residents who left too soon. Here the yearly figures of each replication
are regressed on the year (one intercept per replication, so that common random numbers do not hide anything): a
stationary model has slope 0, and the test asks for the slope's 95% CI to hold 0 (or the fitted change to stay
under 5% of the mean: a precise indicator shows a trend too small to matter), for the fitted change over the
five years to stay under 25% of the mean, and for every year's mean to lie within 25% of the five-year mean (each
year's mean has a 95% CI of about +-20% with 8 replications; the calibration itself is checked year by year with
`hjemtilhjem calibrate --set scenario.horizon_days=1825`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from hjemtilhjem.experiment.results import run

ROOT = Path(__file__).resolve().parents[1]


def _slope_ci(values: np.ndarray) -> tuple[float, float, float]:
    """Slope per year and its 95% CI from ``values[replication, year]``, one intercept per replication."""
    n_rep, n_year = values.shape
    years = np.arange(n_year, dtype=float)
    centred = values - values.mean(axis=1, keepdims=True)  # within-replication: removes each intercept
    x = years - years.mean()
    slope = float((centred * x).sum() / (n_rep * (x * x).sum()))
    resid = centred - slope * x
    dof = n_rep * n_year - n_rep - 1
    se = float(np.sqrt((resid ** 2).sum() / dof / (n_rep * (x * x).sum())))
    t = float(stats.t.ppf(0.975, dof))
    return slope, slope - t * se, slope + t * se


@pytest.mark.slow
def test_the_vestfold_baseline_does_not_drift_over_five_measured_years() -> None:
    res = run(ROOT / "scenarios" / "vestfold" / "baseline.toml", replications=8, jobs=2,
              overrides=["scenario.horizon_days=1825"])
    for key in ("overliggedogn_per_1000", "utskrivningsklare_pasienter_per_1000", "bed_occupancy"):
        values = np.array([[o.by_year[str(y)][key] for y in range(1, 6)] for o in res.outputs])
        mean = float(values.mean())
        slope, lo, hi = _slope_ci(values)
        yearly = values.mean(axis=0)
        print(f"{key}: yearly {np.round(yearly, 3).tolist()}, slope {slope:+.4f} [{lo:+.4f}, {hi:+.4f}] a year")
        # no trend, or one too small to matter (a precise indicator can show a significant 1% in five years)
        assert lo <= 0.0 <= hi or abs(4 * slope) < 0.05 * mean, (key, slope, lo, hi, mean)
        assert abs(4 * slope) < 0.25 * mean, (key, slope, mean)
        assert np.all(np.abs(yearly / mean - 1.0) < 0.25), (key, yearly, mean)


def test_the_slope_check_sees_version_1s_drift() -> None:
    """The check above fails on version 1's yearly figures (one replication each, with noise of +-10%)."""
    rng = np.random.default_rng(3)
    v1 = np.array([8.6, 25.6, 51.1, 44.7, 57.8]) * (1 + 0.1 * rng.standard_normal((8, 5)))
    slope, lo, hi = _slope_ci(v1)
    assert lo > 0.0 and slope > 8.0
    flat = 7.0 * (1 + 0.15 * rng.standard_normal((8, 5)))
    _, lo, hi = _slope_ci(flat)
    assert lo <= 0.0 <= hi
