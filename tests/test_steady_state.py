"""A steady state from day 0: places start with the equilibrium residual of their stays."""

from __future__ import annotations

import numpy as np
import pytest
from queueing import POP, theory_dict

from hjemtilhjem.model.engine import simulate
from hjemtilhjem.model.sampling import residual_durations
from hjemtilhjem.outcomes.indicators import context, daily
from hjemtilhjem.scenario.distributions import Exponential, Fixed, Gamma, LogNormal, Uniform
from hjemtilhjem.scenario.schema import Scenario

DISTS = [LogNormal(dist="lognormal", mean=900.0, sd=700.0), Exponential(dist="exponential", mean=10.0),
         Gamma(dist="gamma", mean=6.0, sd=5.0), Uniform(dist="uniform", low=2.0, high=10.0),
         Fixed(dist="fixed", value=4.0)]


def _second_moment(d: object) -> float:
    if isinstance(d, Exponential):
        return 2.0 * d.mean**2
    if isinstance(d, Uniform):
        return (d.high**3 - d.low**3) / (3.0 * (d.high - d.low))
    if isinstance(d, Fixed):
        return d.value**2
    return d.sd**2 + d.mean**2  # type: ignore[attr-defined]


@pytest.mark.parametrize("dist", DISTS, ids=lambda d: d.dist)
def test_remaining_stays_have_the_equilibrium_residual_mean(dist: object) -> None:
    """E[residual] = E[S^2] / (2 E[S]) (renewal theory), within a 99% CI of 200,000 draws."""
    rng = np.random.default_rng(11)
    r = residual_durations(dist, rng.random(200_000), rng.random(200_000))
    theory = _second_moment(dist) / (2.0 * dist.mean)  # type: ignore[attr-defined]
    assert abs(r.mean() - theory) < 2.576 * r.std() / np.sqrt(len(r)) + 1e-12, (r.mean(), theory)


def _occupancy(initial_stays: str, replication: int) -> np.ndarray:
    """Short-term places in use per day: 5 requests a day from home, lognormal stays (mean 20, sd 30), 1000
    places (no queue: M/G/inf, mean 100 in place), starting with 100 in place."""
    d = theory_dict(lam_per_day=0.0, horizon_days=60.0, warmup_days=0.0, short_term_beds=1000)
    d["services"]["short_term"].update(stay_days={"dist": "lognormal", "mean": 20.0, "sd": 30.0},
                                       initial_occupancy=0.1, initial_stays=initial_stays,
                                       other_requests_per_1000_80plus_year=5.0 * 365.0 / (POP / 1000.0))
    s = Scenario.model_validate(d)
    return daily(simulate(s, replication).log, context(s))["short_term_occupancy"]


def test_a_pool_that_starts_in_equilibrium_stays_level() -> None:
    eq = np.array([_occupancy("equilibrium", r)[:40].mean() for r in range(8)])
    v1 = np.array([_occupancy("uniform_fraction", r)[:40].mean() for r in range(8)])
    half = 2.998 * eq.std(ddof=1) / np.sqrt(len(eq))  # 99%, t with 7 degrees of freedom
    assert abs(eq.mean() - 100.0) < half, (eq.mean(), half)  # M/G/inf: lambda x E[S] = 100 from day 0
    assert v1.mean() < 90.0  # version 1's stay x U(0,1) empties the places early (mean residual 10 days, not 32.5)


def test_bed_requirement_of_an_m_g_inf_hospital_is_the_poisson_quantile() -> None:
    """2 admissions a day, exponential stays of 5 days, everybody home, beds aplenty: the midnight census is
    Poisson(10), so 95 % of days need 15 beds and 99 % need 18 (P(X <= 15) = 0.951, P(X <= 18) = 0.993)."""
    from scipy import stats

    from hjemtilhjem.outcomes.intervals import stays
    from hjemtilhjem.outcomes.places import by_hospital

    s = Scenario.model_validate(theory_dict(lam_per_day=2.0, discharge_to={"home": 1.0}, horizon_days=3000.0,
                                            warmup_days=100.0))
    ctx = context(s)
    rows = [by_hospital(stays(simulate(s, r).log, ctx.w1), ctx)["Hospital"] for r in range(6)]
    assert stats.poisson.ppf(0.95, 10) == 15 and stats.poisson.ppf(0.99, 10) == 18
    for row in rows:
        assert row["places_needed_95"] in (14.0, 15.0, 16.0)  # the sample quantile of 3000 days
        assert row["places_needed_99"] in (17.0, 18.0, 19.0)
    means = np.array([row["census_mean"] for row in rows])
    half = stats.t.ppf(0.995, len(means) - 1) * means.std(ddof=1) / np.sqrt(len(means))  # 99% CI
    assert abs(means.mean() - 10.0) < half, (means, half)
