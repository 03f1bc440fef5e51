"""The model reduced to textbook queues agrees with queueing theory (fixed seeds, 99% CI over replications).

* M/M/c: all patients go to short-term care (c places, exponential stays) and wait for a place in
  hospital; the wait is Erlang C's mean waiting time and P(wait > 0) is Erlang C.
* M/G/inf: with unlimited municipal places the hospital (soft capacity) is M/G/inf; mean occupancy is
  lambda E[LOS] and patient-days above staffed beds per day are E[(N - beds)+], N ~ Poisson(lambda E[LOS]).
* Readmission loop: admissions rise to lambda / (1 - p) and the 30-day readmission share is p.
* Little's law holds on every replication of these scenarios and of the Vestfold baseline.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from invariants import assert_littles_law
from queueing import erlang_c, mean_ci, mginf_excess, mmc_wait, replicate, theory_scenario

from hjemtilhjem.model.engine import simulate
from hjemtilhjem.outcomes.indicators import context
from hjemtilhjem.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def _inside(theory: float, values: list[float], what: str) -> None:
    m, lo, hi = mean_ci(values, 0.99)
    print(f"{what}: theory {theory:.5g}, simulated {m:.5g} (99% CI {lo:.5g} to {hi:.5g}, n={len(values)})")
    assert lo <= theory <= hi, f"{what}: theory {theory:.5g} outside 99% CI [{lo:.5g}, {hi:.5g}] (mean {m:.5g})"


def _mmc_runs(c: int, stay_mean: float, lam: float, horizon_days: float, replications: int) -> list:
    """Replications of the M/M/c short-term queue; the mean wait and P(wait > 0) checked against Erlang C."""
    s = theory_scenario(lam_per_day=lam, short_term_beds=c,
                        short_term_stay={"dist": "exponential", "mean": stay_mean},
                        horizon_days=horizon_days, warmup_days=100, replications=replications)
    runs = replicate(s)
    _inside(mmc_wait(lam, stay_mean, c), [r[0]["short_term_wait"] for r in runs], f"M/M/{c} mean wait (days)")
    _inside(erlang_c(c, lam * stay_mean), [r[0]["share_delayed"] for r in runs], f"M/M/{c} P(wait > 0)")
    return runs


@pytest.mark.parametrize(("c", "stay_mean", "lam"), [(10, 4.0, 2.0), (3, 1.2, 2.0)])
def test_mmc_short_term_wait_matches_erlang_c(c: int, stay_mean: float, lam: float) -> None:
    runs = _mmc_runs(c, stay_mean, lam, horizon_days=3000, replications=10)
    # the hospital holds each patient for LOS + wait: L = lambda (E[LOS] + Wq)
    _inside(lam * (5.0 + mmc_wait(lam, stay_mean, c)), [r[0]["hospital_occupied_beds"] for r in runs],
            f"M/M/{c}: hospital occupancy")
    for _, log, ctx in runs:
        assert_littles_law(log, ctx)


def test_mginf_hospital_occupancy_and_corridor_days() -> None:
    lam, los_mean, beds = 20.0, 5.0, 100
    s = theory_scenario(lam_per_day=lam, los={"dist": "lognormal", "mean": los_mean, "sd": 4.0},
                        discharge_to={"home": 0.5, "short_term": 0.5}, short_term_beds=100_000,
                        hospital_beds=beds, horizon_days=1000, warmup_days=60, replications=8)
    runs = replicate(s)
    _inside(lam * los_mean, [r[0]["hospital_occupied_beds"] for r in runs], "M/G/inf mean occupancy")
    _inside(mginf_excess(lam * los_mean, beds), [r[0]["corridor_patient_days"] / 365.0 for r in runs],
            "M/G/inf corridor patient-days per day")
    assert all(r[0]["delayed_days"] == 0.0 for r in runs)  # unlimited places: nobody waits
    for _, log, ctx in runs:
        assert_littles_law(log, ctx)


def test_readmission_loop_raises_admissions_to_lambda_over_1_minus_p() -> None:
    lam, p = 10.0, 0.3
    s = theory_scenario(lam_per_day=lam, discharge_to={"home": 1.0}, readmission_30d=p,
                        los={"dist": "exponential", "mean": 3.0}, horizon_days=1500, warmup_days=100,
                        replications=8)
    runs = replicate(s)
    _inside(lam / (1.0 - p) * 365.0, [r[0]["admissions"] for r in runs], "admissions per year")
    _inside(p, [r[0]["readmission_30d"] for r in runs], "30-day readmission share")
    _inside(lam / (1.0 - p) * 3.0, [r[0]["hospital_occupied_beds"] for r in runs], "occupancy with readmissions")
    for _, log, ctx in runs:
        assert_littles_law(log, ctx)


def test_littles_law_on_vestfold_baseline() -> None:
    s = load_scenario(ROOT / "scenarios" / "vestfold" / "baseline.toml").scenario
    ctx = context(s)
    res = assert_littles_law(simulate(s, 0).log, ctx)
    assert res["hospital"].n > 10_000
    assert res["hospital"].rel_error < 0.05 and res["short_term_queue"].rel_error < 0.05


def test_erlang_c_helper_against_known_values() -> None:
    # textbook values: M/M/1 with rho = 0.5 waits with probability 0.5; M/M/2 with a = 1: C = 1/3
    assert erlang_c(1, 0.5) == pytest.approx(0.5)
    assert erlang_c(2, 1.0) == pytest.approx(1.0 / 3.0)
    assert mmc_wait(0.5, 1.0, 1) == pytest.approx(1.0)  # rho / (mu - lam)
    assert mginf_excess(4.0, 0) == pytest.approx(4.0)
    assert np.isclose(mginf_excess(100.0, 100), 3.99, atol=0.02)


@pytest.mark.slow
@pytest.mark.parametrize(("c", "stay_mean", "lam"), [(10, 4.0, 2.0), (1, 0.4, 2.0), (20, 9.0, 2.0)])
def test_mmc_precise(c: int, stay_mean: float, lam: float) -> None:
    """Longer runs, more replications: the Erlang C wait to within a few per cent."""
    _mmc_runs(c, stay_mean, lam, horizon_days=3650, replications=40)
