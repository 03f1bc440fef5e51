"""People waiting at home leave the queue (death or withdrawal) at the scenario's rates."""

from __future__ import annotations

import numpy as np
from queueing import POP, theory_dict

from hjemtilhjem.eventlog import Kind, Place
from hjemtilhjem.model.engine import simulate
from hjemtilhjem.scenario.schema import Scenario


def test_waiting_at_home_for_a_service_with_no_places_ends_after_the_leaving_time() -> None:
    """5 requests a day from home, no places, leaving at 73 a person-year (0.2 a day: mean 5 days in the queue),
    two thirds by death: the queue holds about 25 (lambda / rate), waits average 5 days, two thirds die."""
    d = theory_dict(lam_per_day=0.0, horizon_days=400.0, warmup_days=50.0, short_term_beds=0)
    d["services"]["short_term"].update(other_requests_per_1000_80plus_year=5.0 * 365.0 / (POP / 1000.0),
                                       leave_queue_per_year={"death": 73.0 * 2 / 3, "withdrawal": 73.0 / 3})
    s = Scenario.model_validate(d)
    log = simulate(s, 3).log
    req = (log.kind == Kind.SERVICE_REQUEST) & (log.extra == Place.SHORT_TERM)
    died = (log.kind == Kind.DEATH) & (log.extra == Place.HOME)
    assert not ((log.kind == Kind.SERVICE_START) & (log.extra == Place.SHORT_TERM)).any()
    t_req = dict(zip(log.person[req].tolist(), log.time[req].tolist(), strict=True))
    waits = np.array([t - t_req[p] for p, t in zip(log.person[died].tolist(), log.time[died].tolist(), strict=True)])
    n = len(waits)
    assert n > 1000
    assert abs(waits.mean() - 5.0) < 2.576 * waits.std(ddof=1) / np.sqrt(n)  # exponential, mean 5 days
    share = n / req.sum()
    assert abs(share - 2 / 3) < 0.05  # (the last requests of the run are still waiting)


def test_no_leaving_rates_no_change() -> None:
    d = theory_dict(lam_per_day=2.0, horizon_days=100.0, warmup_days=10.0)
    d["services"]["short_term"]["other_requests_per_1000_80plus_year"] = 365.0 / (POP / 1000.0)
    a = simulate(Scenario.model_validate(d), 0).log
    d["services"]["short_term"]["leave_queue_per_year"] = {}
    b = simulate(Scenario.model_validate(d), 0).log
    assert np.array_equal(a.time, b.time) and np.array_equal(a.kind, b.kind)


def test_a_waiting_list_at_day_0_is_served_as_places_free() -> None:
    """40 places full at day 0 (fixed stays of 10 days, so the residents' remaining stays are U(0, 10)) and 20 people
    waiting at home: all 20 ask at day 0, none starts before a resident leaves, all have started by day 10."""
    d = theory_dict(lam_per_day=0.0, horizon_days=30.0, warmup_days=0.0, short_term_beds=40)
    d["services"]["short_term"].update(stay_days={"dist": "fixed", "value": 10.0}, initial_occupancy=1.0,
                                       initial_waiting_per_1000_80plus=20.0 / (POP / 1000.0))
    log = simulate(Scenario.model_validate(d), 0).log
    req = (log.kind == Kind.SERVICE_REQUEST) & (log.extra == Place.SHORT_TERM)
    assert req.sum() == 20 and (log.time[req] == 0.0).all()
    waiting = set(log.person[req].tolist())
    starts = (log.kind == Kind.SERVICE_START) & np.isin(log.person, list(waiting))
    ends = (log.kind == Kind.SERVICE_END) & ~np.isin(log.person, list(waiting))
    assert starts.sum() == 20 and log.time[starts].max() <= 10.0
    assert log.time[starts].min() >= log.time[ends].min() > 0.0  # the first waiter starts when a resident leaves
