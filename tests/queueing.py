"""Queueing theory and reduced scenarios for the verification tests.

The reduced scenarios switch off everything that is not in the queueing model under test:
one municipality, one group, no seasonality, no KAD, no deaths, no background users.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from hjemtilhjem.scenario.schema import Scenario

__all__ = ["erlang_c", "mmc_wait", "mginf_excess", "mean_ci", "theory_dict", "theory_scenario", "replicate"]

POP = 100_000  # inhabitants in the one age band: admissions_per_1000_year = lam_per_day * 365 / 100


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in an M/M/c queue with offered load ``a = lam / mu`` (Erlang C)."""
    if a >= c:
        return 1.0
    b = stats.poisson.pmf(c, a) / stats.poisson.cdf(c, a)  # Erlang B
    return float(c * b / (c - a * (1.0 - b)))


def mmc_wait(lam: float, mean_service: float, c: int) -> float:
    """Mean waiting time in queue of an M/M/c queue, in the unit of ``mean_service``."""
    a = lam * mean_service
    return erlang_c(c, a) / (c / mean_service - lam)


def mginf_excess(mean_n: float, beds: int) -> float:
    """E[(N - beds)+] for N ~ Poisson(mean_n): mean patients above staffed beds in M/G/inf."""
    k = np.arange(beds + 1, int(mean_n + 20 * math.sqrt(mean_n) + 50))
    return float(((k - beds) * stats.poisson.pmf(k, mean_n)).sum())


def mean_ci(values: Sequence[float], level: float = 0.99) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval of replication values."""
    x = np.asarray(values, dtype=float)
    m = float(x.mean())
    h = float(stats.t.ppf(0.5 + level / 2.0, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return m, m - h, m + h


def _service(mean: float = 10.0) -> dict[str, Any]:
    return {"stay_days": {"dist": "exponential", "mean": mean}, "initial_occupancy": 0.0,
            "other_requests_per_1000_80plus_year": 0.0}


def theory_dict(lam_per_day: float = 2.0, los: dict[str, Any] | None = None,
                discharge_to: dict[str, float] | None = None, short_term_beds: int = 10,
                short_term_stay: dict[str, Any] | None = None, hospital_beds: int = 1000,
                readmission_30d: float = 0.0, horizon_days: float = 2000.0, warmup_days: float = 200.0,
                replications: int = 10, seed: int = 12345) -> dict[str, Any]:
    """A one-municipality, one-group scenario as a plain dict (edit it, then :func:`theory_scenario`).

    Defaults: 2 arrivals a day, exponential LOS of 5 days, everyone to short-term care (10 places,
    exponential stays of 4 days: offered load 8, rho = 0.8).
    """
    services = {name: _service() for name in ("kad", "short_term", "rehab", "long_term", "home_care")}
    services["short_term"]["stay_days"] = short_term_stay or {"dist": "exponential", "mean": 4.0}
    return {
        "scenario": {"name": "theory", "horizon_days": horizon_days, "warmup_days": warmup_days,
                     "replications": replications, "seed": seed, "parameter_uncertainty": False},
        "costs": {"delayed_day_rate_nok": 5000.0},
        "hospital": {"beds": hospital_beds, "seasonality": {}},
        "triage": {"kad_share": 0.0, "home_share": 0.0, "kad_transfer_to_hospital": 0.0},
        "discharge": {"planning_delay_days": 0.0, "readmission_scale_days": 10.0},
        "services": services,
        "municipality": [{"name": "Testby", "population": {"80+": POP}, "kad_beds": 0,
                          "short_term_beds": short_term_beds, "rehab_beds": 0, "long_term_beds": 0,
                          "home_care_clients": 0}],
        "group": [{"name": "patients", "share": {"80+": 1.0},
                   "admissions_per_1000_year": lam_per_day * 365.0 / (POP / 1000.0),
                   "los_days": los or {"dist": "exponential", "mean": 5.0},
                   "discharge_to": discharge_to or {"short_term": 1.0},
                   "readmission_30d": readmission_30d, "death_in_hospital": 0.0,
                   "death_30d_after_discharge": 0.0, "kad_eligible": False}],
    }


def theory_scenario(**kw: Any) -> Scenario:
    return Scenario.model_validate(theory_dict(**kw))


def replicate(s: Scenario, n: int | None = None) -> list[tuple[dict[str, float], Any, Any]]:
    """``(indicators, log, context)`` of replications 0..n-1 (serial, in-process)."""
    from hjemtilhjem.model.engine import simulate
    from hjemtilhjem.outcomes.indicators import context, indicators

    ctx = context(s)
    out = []
    for r in range(s.scenario.replications if n is None else n):
        log = simulate(s, r).log
        out.append((indicators(log, ctx)[0], log, ctx))
    return out
