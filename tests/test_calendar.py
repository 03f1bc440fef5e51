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


def test_receiving_hours_are_checked() -> None:
    with pytest.raises(ValueError, match="receiving_hours"):
        _scenario("2025-01-03", receiving_hours=[15.0, 8.0])
