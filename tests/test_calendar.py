"""Norwegian working days: weekends and public holidays (Easter-dependent ones computed), and places that
receive patients from hospital on working days only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from queueing import theory_dict
from test_network import _arrivals

from hjemtilhjem.eventlog import Kind, Place
from hjemtilhjem.model import engine
from hjemtilhjem.scenario.calendar import working_days
from hjemtilhjem.scenario.schema import Scenario


def _scenario(start: str, receives_on: str = "weekdays", **calendar: Any) -> Scenario:
    d = theory_dict(lam_per_day=0.0, los={"dist": "fixed", "value": 0.3}, horizon_days=14.0, warmup_days=0.0)
    d["scenario"]["start_date"] = start
    d["services"]["short_term"].update(stay_days={"dist": "fixed", "value": 10.0}, receives_on=receives_on)
    d["calendar"] = calendar
    return Scenario.model_validate(d)


def test_working_days_know_weekends_and_easter() -> None:
    s = _scenario("2025-04-14")  # Monday of Holy Week
    days = working_days(s)
    start = dt.date(2025, 4, 14)
    off = [(start + dt.timedelta(days=int(i))).isoformat() for i in np.flatnonzero(~days[:14])]
    # Maundy Thursday, Good Friday, the weekend with Easter Sunday, Easter Monday, the next weekend
    assert off == ["2025-04-17", "2025-04-18", "2025-04-19", "2025-04-20", "2025-04-21", "2025-04-26", "2025-04-27"]
    none = working_days(_scenario("2025-04-14", holidays="none"))
    assert none[:7].tolist() == [True, True, True, True, True, False, False]


def _leave_time(s: Scenario, monkeypatch: pytest.MonkeyPatch, arrive: float) -> tuple[float, float]:
    monkeypatch.setattr(engine.Simulation, "_generate_arrivals",
                        lambda self: _arrivals([{"time": arrive, "los": 0.3, "dest": Place.SHORT_TERM}]))
    log = engine.simulate(s, 0).log
    ready = float(log.time[log.kind == Kind.READY][0])
    leave = float(log.time[log.kind == Kind.HOSP_LEAVE][0])
    return ready, leave


def test_ready_on_friday_afternoon_for_a_weekday_place_leaves_on_monday_morning(monkeypatch) -> None:
    """Ready at 16:48 on Friday 3 January 2025 with a short-term place free: it receives on working days from
    08:00 to 15:00, so the patient leaves hospital at 08:00 on Monday (day 3 of the run)."""
    ready, leave = _leave_time(_scenario("2025-01-03"), monkeypatch, arrive=0.4)
    assert ready == pytest.approx(0.7)
    assert leave == pytest.approx(3.0 + 8.0 / 24.0)
    ready, leave = _leave_time(_scenario("2025-01-03", receives_on="all"), monkeypatch, arrive=0.4)
    assert leave == ready  # a place that receives any time: at once


def test_ready_on_maundy_thursday_leaves_on_the_tuesday_after_easter(monkeypatch) -> None:
    ready, leave = _leave_time(_scenario("2025-04-16"), monkeypatch, arrive=1.2)  # ready Thursday 12:00
    assert ready == pytest.approx(1.5)
    assert leave == pytest.approx(6.0 + 8.0 / 24.0)  # Tuesday 22 April, 08:00
    ready, leave = _leave_time(_scenario("2025-04-16"), monkeypatch, arrive=0.2)  # ready Wednesday 12:00
    assert leave == ready  # inside the receiving hours of a working day


def test_declared_ready_at_the_ward_round(monkeypatch) -> None:
    """discharge.ready_hours = [8, 13]: treatment that ends at 16:48 on Friday is declared at 08:00 on Saturday and,
    for a place that receives on working days, leaves at 08:00 on Monday; treatment that ends at 09:36 is declared
    at once; one that ends at 04:48 waits for 08:00 the same day. The wait for the round is treatment, not delay."""
    d = _scenario("2025-01-03").model_dump()
    d["discharge"]["ready_hours"] = [8.0, 13.0]
    s = Scenario.model_validate(d)
    ready, leave = _leave_time(s, monkeypatch, arrive=0.4)  # treatment ends day 0.7 (Friday 16:48)
    assert ready == pytest.approx(1.0 + 8.0 / 24.0) and leave == pytest.approx(3.0 + 8.0 / 24.0)
    ready, _ = _leave_time(s, monkeypatch, arrive=3.1)  # ends day 3.4 (Monday 09:36)
    assert ready == pytest.approx(3.4)
    ready, _ = _leave_time(s, monkeypatch, arrive=2.9)  # ends day 3.2 (Monday 04:48)
    assert ready == pytest.approx(3.0 + 8.0 / 24.0)
    with pytest.raises(ValueError, match="ready_hours"):
        d["discharge"]["ready_hours"] = [13.0, 8.0]
        Scenario.model_validate(d)


def test_receiving_hours_are_checked() -> None:
    with pytest.raises(ValueError, match="receiving_hours"):
        _scenario("2025-01-03", receiving_hours=[15.0, 8.0])


def test_fewer_acute_events_on_days_off_and_the_same_number_in_a_week() -> None:
    """weekend_admission_mult = 0.6: days off get 0.6 of the mean day, working days (7 - 1.2) / 5 = 1.16, so a
    weekend day has 0.517 of a working day's events and a year keeps its total (20 a day)."""
    d = theory_dict(lam_per_day=20.0, horizon_days=364.0, warmup_days=0.0, discharge_to={"home": 1.0})
    d["scenario"]["start_date"] = "2025-01-06"  # a Monday: 52 whole weeks
    d["calendar"] = {"holidays": "none", "weekend_admission_mult": 0.6}
    s = Scenario.model_validate(d)
    counts = []
    for r in range(3):
        log = engine.simulate(s, r).log
        t = log.time[log.kind == Kind.ARRIVAL]
        counts.append(np.bincount(t.astype(np.int64), minlength=364)[:364])
    per_day = np.concatenate(counts).reshape(3, 52, 7).sum(axis=0).sum(axis=0)  # Monday .. Sunday
    weekday, weekend = per_day[:5].mean(), per_day[5:].mean()
    assert abs(weekend / weekday - 0.6 / 1.16) < 0.03, weekend / weekday
    total = per_day.sum()
    assert abs(total - 3 * 20 * 364) < 3 * np.sqrt(3 * 20 * 364)  # Poisson, 3 sd


def test_a_summer_closure_takes_places_away_and_gives_them_back() -> None:
    """10 short-term places, half closed 1-30 June: in June (after the stays running on 1 June end, fixed 2 days)
    never more than 5 in place; in July up to 10 again."""
    from hjemtilhjem.model.network import compile_network
    from hjemtilhjem.outcomes.indicators import context, daily

    d = theory_dict(lam_per_day=4.0, los={"dist": "fixed", "value": 1.0}, horizon_days=240.0, warmup_days=0.0,
                    short_term_stay={"dist": "fixed", "value": 2.0})
    d["scenario"]["start_date"] = "2025-04-01"
    d["services"]["short_term"]["closures"] = [{"from": "06-01", "to": "06-30", "share": 0.5}]
    s = Scenario.model_validate(d)
    june, july = (dt.date(2025, 6, 1) - dt.date(2025, 4, 1)).days, (dt.date(2025, 7, 1) - dt.date(2025, 4, 1)).days
    assert [(day, delta) for day, _, delta in compile_network(s).capacity_changes] == [(june, -5), (july, 5)]
    occ = np.mean([daily(engine.simulate(s, r).log, context(s))["short_term_occupancy"] for r in range(3)], axis=0)
    assert occ[june + 2:july].max() <= 5.0 + 1e-9
    assert occ[july + 5:july + 30].max() > 6.0 and occ[july - 40:june].max() > 6.0


def test_planning_time_in_working_days_skips_the_weekend(monkeypatch) -> None:
    """One working day of planning, its clock running on working days only: ready on Friday 3 January 2025 at 12:00
    with a place free, out on Monday at 12:00; ready on Wednesday 1 January (New Year's Day) at 12:00, the planning
    starts on Thursday and the patient is out at its end (midnight to Friday)."""
    s = _scenario("2025-01-03", receives_on="all")
    s = s.model_copy(update={"discharge": s.discharge.model_copy(update={"planning_delay_working_days": 1.0})})
    ready, leave = _leave_time(s, monkeypatch, arrive=0.2)
    assert ready == pytest.approx(0.5) and leave == pytest.approx(3.5)
    s2 = _scenario("2025-01-01", receives_on="all")
    s2 = s2.model_copy(update={"discharge": s2.discharge.model_copy(update={"planning_delay_working_days": 1.0})})
    ready, leave = _leave_time(s2, monkeypatch, arrive=0.2)
    assert ready == pytest.approx(0.5) and leave == pytest.approx(2.0)
