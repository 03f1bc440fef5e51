"""Invariants of the event log, on hand-made broken logs (the checker can fail) and on model runs;
monotonicity in capacity on common random numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from invariants import assert_littles_law, check_invariants, max_capacity
from queueing import theory_scenario

from hjemtilhjem.eventlog import EventLog, Kind, LogArrays, Place, Route
from hjemtilhjem.model.engine import simulate
from hjemtilhjem.outcomes.indicators import context, indicators
from hjemtilhjem.scenario.loader import load_scenario
from hjemtilhjem.scenario.schema import Intervention, Scenario

ROOT = Path(__file__).resolve().parents[1]
A, H, R, L, D = Kind.ARRIVAL, Kind.HOSP_ADMIT, Kind.READY, Kind.HOSP_LEAVE, Kind.DEATH


def _log(rows: list[tuple[float, int, int, int, int]]) -> LogArrays:
    """A log from (time, person, episode, kind, extra) rows; municipality 0, group 0, band 0."""
    log = EventLog()
    for t, p, e, k, x in rows:
        log.append(t, p, e, k, 0, 0, 0, x)
    return log.arrays()


GOOD = [(0.0, 0, 1, A, Route.HOSPITAL), (0.0, 0, 1, H, 0), (2.0, 0, 1, R, Place.HOME), (2.0, 0, 1, L, Place.HOME),
        (5.0, 0, 2, A, Route.HOSPITAL), (5.0, 0, 2, H, 0), (6.0, 0, 2, D, Place.HOSPITAL),
        (6.0, 0, 2, L, Place.DEAD), (7.0, 1, 1, A, Route.HOSPITAL), (7.0, 1, 1, H, 0)]


def test_checker_accepts_a_good_log() -> None:
    check_invariants(_log(GOOD), np.zeros((1, 5)), run_end=10.0)


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: r[:3] + [(1.0, 0, 1, L, Place.HOME)] + r[4:], "time order"),
    (lambda r: r + [(8.0, 0, 2, L, Place.HOME)], "twice"),
    (lambda r: r + [(8.0, 0, 3, A, Route.HOSPITAL)], "after their death"),
    (lambda r: r + [(8.0, 2, 1, H, 0)], "without an arrival"),
    (lambda r: r + [(8.0, 2, 1, A, Route.HOSPITAL), (8.0, 2, 1, L, Place.HOME)], "without an earlier"),
    (lambda r: r[:6] + r[7:], "without a death event"),
    (lambda r: r + [(8.0, 2, 1, A, Route.HOME), (8.0, 2, 1, H, 0)], "exactly one exit"),
    (lambda r: r + [(8.0, 2, 1, A, Route.HOSPITAL)], "exactly one exit"),
    (lambda r: r + [(8.0, -1, 1, Kind.SERVICE_START, Place.SHORT_TERM)], "background"),
    (lambda r: r + [(40.0, 1, 1, R, Place.HOME), (40.0, 1, 1, L, Place.HOME), (75.0, 1, 2, A, Route.HOSPITAL),
                    (75.0, 1, 2, H, 0)], "30 days"),
])
def test_checker_catches_broken_logs(change, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AssertionError, match=message):
        check_invariants(_log(change(list(GOOD))))


def test_checker_catches_capacity_overrun() -> None:
    log = EventLog()
    for p in (-1, -2):
        log.append(0.0, p, 1, Kind.SERVICE_START, 0, 127, 0, Place.SHORT_TERM)
    with pytest.raises(AssertionError, match="short_term"):
        check_invariants(log.arrays(), np.ones((1, 5)))
    check_invariants(log.arrays(), np.full((1, 5), 2.0))


def _vestfold(**meta: float) -> Scenario:
    s = load_scenario(ROOT / "scenarios" / "vestfold" / "baseline.toml").scenario
    return s.model_copy(update={"scenario": s.scenario.model_copy(update=meta)}) if meta else s


def _variants() -> dict[str, Scenario]:
    base = _vestfold(horizon_days=200.0, warmup_days=60.0)
    iv = Intervention.model_validate({
        "name": "mix", "targets": {"groups": ["frail_elderly"]}, "start_day": 90.0,
        "effects": {"readmission_rr": {"dist": "lognormal_ci", "mean": 0.8, "ci95": [0.7, 0.9]}, "los_mult": 0.9,
                    "kad_diversion_share": 0.1, "discharge_delay_delta_days": 0.5, "admission_rate_mult": 1.1}})
    tight = [m.model_copy(update={"short_term_beds": m.short_term_beds - 3, "rehab_beds": max(m.rehab_beds - 2, 1)})
             for m in base.municipality]
    return {
        "baseline": base,
        "intervention": base.model_copy(update={"intervention": [iv]}),
        "tight": base.model_copy(update={"municipality": tight,
                                         "discharge": base.discharge.model_copy(update={"planning_delay_days": 1.0})}),
        "theory": theory_scenario(horizon_days=300, warmup_days=30, readmission_30d=0.2),
    }


@pytest.mark.parametrize("name", ["baseline", "intervention", "tight", "theory"])
def test_invariants_and_littles_law_on_model_runs(name: str) -> None:
    s = _variants()[name]
    ctx = context(s)
    for rep in range(2):
        res = simulate(s, rep)
        check_invariants(res.log, max_capacity(s), ctx.w1)
        assert_littles_law(res.log, ctx, rel_tol=None)
        assert res.patients == int((res.log.kind == Kind.ARRIVAL).sum())


def _with_capacity(s: Scenario, **add: int) -> Scenario:
    ms = [m.model_copy(update={k: getattr(m, k) + v for k, v in add.items()}) for m in s.municipality]
    return s.model_copy(update={"municipality": ms})


def test_more_places_never_more_delayed_or_corridor_days_on_the_same_random_numbers() -> None:
    base = _vestfold(horizon_days=200.0, warmup_days=60.0)
    for rep in range(2):
        prev = first = None
        for add in (-4, 0, 4, 8, 16):
            s = _with_capacity(base, short_term_beds=add, rehab_beds=max(add // 4, 0))
            ind, _ = indicators(simulate(s, rep).log, context(s))
            now = (ind["delayed_days"], ind["corridor_patient_days"], ind["short_term_wait"])
            if prev is not None:
                assert now[0] <= prev[0] + 1e-9 and now[1] <= prev[1] + 1e-9, (rep, add, prev, now)
            prev = now
            first = first or now
            print(f"replication {rep}, {add:+d} short-term places: delayed days {now[0]:.1f}, "
                  f"corridor patient-days {now[1]:.1f}")
        assert first is not None and prev is not None and prev[0] < first[0]  # the steps change something


def test_more_places_never_longer_waits_in_a_pure_queue() -> None:
    # FIFO multi-server queue with service times attached to customers: waits fall with each place
    # (Kiefer-Wolfowitz), customer by customer, not only on average.
    waits = []
    for c in (5, 6, 8, 10):
        s = theory_scenario(short_term_beds=c, short_term_stay={"dist": "lognormal", "mean": 2.0, "sd": 3.0},
                            horizon_days=400, warmup_days=20)
        log = simulate(s, 0).log
        ready = np.flatnonzero(log.kind == Kind.READY)
        leave = np.flatnonzero(log.kind == Kind.HOSP_LEAVE)
        by_person = dict(zip(log.person[leave].tolist(), log.time[leave].tolist(), strict=True))
        waits.append(np.array([by_person.get(p, np.inf) - t for p, t in
                               zip(log.person[ready].tolist(), log.time[ready].tolist(), strict=True)]))
    for a, b in zip(waits, waits[1:], strict=False):
        assert len(a) == len(b)
        assert np.all(b <= a + 1e-9)
    assert waits[0].mean() > waits[-1].mean()


def test_more_hospital_beds_same_log_never_more_corridor_days() -> None:
    base = _vestfold(horizon_days=200.0, warmup_days=60.0)
    logs, corridor = [], []
    for beds in (250, 300, 365, 420):
        siv, *others = base.hospitals  # Sykehuset i Vestfold, and Drammen for Holmestrand's former Sande
        s = base.model_copy(update={"hospital": [siv.model_copy(update={"beds": beds}), *others]})
        log = simulate(s, 0).log
        logs.append(log)
        corridor.append(indicators(log, context(s))[0]["corridor_patient_days"])
    # beds are a soft capacity: they change what is counted, not what happens
    assert all(np.array_equal(logs[0].time, x.time) and np.array_equal(logs[0].kind, x.kind) for x in logs)
    assert all(b <= a for a, b in zip(corridor, corridor[1:], strict=False)), corridor
    assert corridor[0] > corridor[-1]
