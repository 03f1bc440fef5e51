"""Cross-check with Ciw (an independent queueing-network simulator) on a reduced pathway with blocking.

Patients arrive (Poisson), stay in hospital (lognormal LOS, unlimited beds), then wait for one of c
short-term places *while holding the hospital bed*; the short-term stay is lognormal. In Ciw this is
node 1 (infinite servers) feeding node 2 (c servers, no queue) with blocking after service. Both models
must agree, within a 99% CI of the difference of replication means (Welch), on the mean wait for a
place, the mean hospital occupancy and the mean number in short-term care.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from queueing import theory_scenario
from scipy import stats

from hjemtilhjem.eventlog import Kind, Place
from hjemtilhjem.model.engine import simulate

ciw = pytest.importorskip("ciw")

LAM, C = 3.0, 22
LOS = (5.0, 4.0)  # mean, sd (days)
STAY = (6.0, 5.0)
WARMUP, HORIZON, REPS = 100.0, 3000.0, 10
W0, W1 = WARMUP, WARMUP + HORIZON


def _mu_sigma(mean: float, sd: float) -> tuple[float, float]:
    s2 = math.log(1.0 + (sd / mean) ** 2)
    return math.log(mean) - s2 / 2.0, math.sqrt(s2)


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.clip(np.minimum(b, W1) - np.maximum(a, W0), 0.0, None).sum())


def _ours(rep: int) -> tuple[float, float, float]:
    s = theory_scenario(lam_per_day=LAM, short_term_beds=C,
                        los={"dist": "lognormal", "mean": LOS[0], "sd": LOS[1]},
                        short_term_stay={"dist": "lognormal", "mean": STAY[0], "sd": STAY[1]},
                        horizon_days=HORIZON, warmup_days=WARMUP)
    log = simulate(s, rep).log
    k, t, p = log.kind, log.time, log.person
    last = t.max() + 1e6

    def times(mask: np.ndarray) -> dict[int, float]:
        return dict(zip(p[mask].tolist(), t[mask].tolist(), strict=True))

    adm, leave, ready = times(k == Kind.HOSP_ADMIT), times(k == Kind.HOSP_LEAVE), times(k == Kind.READY)
    st0 = times((k == Kind.SERVICE_START) & (log.extra == Place.SHORT_TERM))
    st1 = times((k == Kind.SERVICE_END) & (log.extra == Place.SHORT_TERM))
    waits = [leave.get(i, W1) - r for i, r in ready.items() if W0 <= r < W1]
    hosp = _overlap(np.array(list(adm.values())), np.array([leave.get(i, last) for i in adm])) / HORIZON
    muni = _overlap(np.array(list(st0.values())), np.array([st1.get(i, last) for i in st0])) / HORIZON
    return float(np.mean(waits)), hosp, muni


def _ciw(rep: int) -> tuple[float, float, float]:
    net = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAM), None],
        service_distributions=[ciw.dists.Lognormal(*_mu_sigma(*LOS)), ciw.dists.Lognormal(*_mu_sigma(*STAY))],
        number_of_servers=[float("inf"), C],
        queue_capacities=[float("inf"), 0],
        routing=[[0.0, 1.0], [0.0, 0.0]],
    )
    ciw.seed(1000 + rep)
    sim = ciw.Simulation(net)
    sim.simulate_until_max_time(W1 + 300.0)  # let everyone present in the window leave
    recs = [r for r in sim.get_all_records() if r.record_type == "service"]
    n1 = [r for r in recs if r.node == 1]
    n2 = [r for r in recs if r.node == 2]
    waits = [r.time_blocked for r in n1 if W0 <= r.service_end_date < W1]
    hosp = _overlap(np.array([r.arrival_date for r in n1]), np.array([r.exit_date for r in n1])) / HORIZON
    muni = _overlap(np.array([r.arrival_date for r in n2]), np.array([r.exit_date for r in n2])) / HORIZON
    return float(np.mean(waits)), hosp, muni


def _welch_ci(a: np.ndarray, b: np.ndarray, level: float = 0.99) -> tuple[float, float, float]:
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    d = float(a.mean() - b.mean())
    h = float(stats.t.ppf(0.5 + level / 2, df) * math.sqrt(va + vb))
    return d, d - h, d + h


@pytest.mark.slow
def test_blocking_pathway_agrees_with_ciw() -> None:
    ours = np.array([_ours(r) for r in range(REPS)])
    theirs = np.array([_ciw(r) for r in range(REPS)])
    for j, what in enumerate(("mean wait for a place (days)", "hospital occupancy", "short-term occupancy")):
        d, lo, hi = _welch_ci(ours[:, j], theirs[:, j])
        print(f"{what}: hjemtilhjem {ours[:, j].mean():.4f}, Ciw {theirs[:, j].mean():.4f}, "
              f"difference {d:.4f} (99% CI {lo:.4f} to {hi:.4f})")
        assert lo <= 0.0 <= hi, f"{what}: models differ ({d:.4f}, 99% CI {lo:.4f} to {hi:.4f})"
    # the check has power: each replication knows occupancy to a few per cent
    assert ours[:, 1].std(ddof=1) / ours[:, 1].mean() < 0.05, ours[:, 1]
