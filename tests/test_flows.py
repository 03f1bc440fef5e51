"""Pathway flows and the readmission curve on a hand-made event log (exact counts)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from hjemtilhjem.eventlog import EventLog, Kind, Place, Route
from hjemtilhjem.outcomes.flows import CURVE_DAYS, flows
from hjemtilhjem.outcomes.indicators import context
from hjemtilhjem.scenario.loader import load_scenario

TINY = Path(__file__).parent / "data" / "report_tiny.toml"


@pytest.fixture()
def ctx():  # type: ignore[no-untyped-def]
    c = context(load_scenario(TINY).scenario)
    return dataclasses.replace(c, w0=0.0, w1=365.0)  # one measured year: counts per year = counts


def test_flows_count_a_hand_made_log(ctx) -> None:  # type: ignore[no-untyped-def]
    log = EventLog()
    a = log.append
    # person 1 (group 0): straight to hospital, home on day 5, readmitted on day 8, dies in hospital on day 12
    a(1.0, 1, 1, Kind.ARRIVAL, 0, 0, 0, Route.HOSPITAL)
    a(1.0, 1, 1, Kind.HOSP_ADMIT, 0, 0, 0, 0)
    a(5.0, 1, 1, Kind.READY, 0, 0, 0, Place.HOME)
    a(5.0, 1, 1, Kind.HOSP_LEAVE, 0, 0, 0, Place.HOME)
    a(8.0, 1, 2, Kind.ARRIVAL, 0, 0, 0, Route.HOSPITAL)
    a(8.0, 1, 2, Kind.HOSP_ADMIT, 0, 0, 0, 0)
    a(12.0, 1, 2, Kind.DEATH, 0, 0, 0, Place.HOSPITAL)
    a(12.0, 1, 2, Kind.HOSP_LEAVE, 0, 0, 0, Place.DEAD)
    # person 2 (group 1): KAD, transferred to hospital, discharged to short-term care on day 9
    a(2.0, 2, 1, Kind.ARRIVAL, 1, 1, 0, Route.KAD)
    a(2.0, 2, 1, Kind.KAD_ADMIT, 1, 1, 0, 0)
    a(4.0, 2, 1, Kind.KAD_LEAVE, 1, 1, 0, 1)
    a(4.0, 2, 1, Kind.HOSP_ADMIT, 1, 1, 0, 1)
    a(9.0, 2, 1, Kind.READY, 1, 1, 0, Place.SHORT_TERM)
    a(9.0, 2, 1, Kind.HOSP_LEAVE, 1, 1, 0, Place.SHORT_TERM)
    # person 3 (group 1): KAD and home; person 4: treated at home
    a(3.0, 3, 1, Kind.ARRIVAL, 0, 1, 0, Route.KAD)
    a(3.0, 3, 1, Kind.KAD_ADMIT, 0, 1, 0, 0)
    a(6.0, 3, 1, Kind.KAD_LEAVE, 0, 1, 0, 0)
    a(3.5, 4, 1, Kind.ARRIVAL, 0, 1, 0, Route.HOME)
    # a background resident (person < 0) is never counted
    a(1.0, -1, 1, Kind.SERVICE_START, 0, 127, 0, Place.SHORT_TERM)
    f = flows(log.arrays(), ctx, ["frail_elderly", "other"])
    assert {k: f[k] for k in ("acute_events", "triage_hospital", "triage_kad", "triage_home", "kad_to_hospital",
                              "kad_to_home", "readmissions", "hospital_admissions", "discharge_home",
                              "discharge_short_term", "discharge_home_care", "deaths_in_hospital")} == {
        "acute_events": 4, "triage_hospital": 1, "triage_kad": 2, "triage_home": 1, "kad_to_hospital": 1,
        "kad_to_home": 1, "readmissions": 1, "hospital_admissions": 3, "discharge_home": 1,
        "discharge_short_term": 1, "discharge_home_care": 0, "deaths_in_hospital": 1}
    # two discharges at risk: person 1 (readmitted after 3 days) and person 2 (not readmitted)
    assert f["at_risk.all"] == 2 and f["at_risk.frail_elderly"] == 1 and f["at_risk.other"] == 1
    curve = np.array([f[f"readmitted_by_day.all.{d}"] for d in range(CURVE_DAYS + 1)])
    assert curve.tolist() == [0.0] * 3 + [0.5] * (CURVE_DAYS - 2)
    assert f["readmitted_by_day.frail_elderly.3"] == 1.0 and f["readmitted_by_day.other.30"] == 0.0


def test_flows_scale_to_per_year(ctx) -> None:  # type: ignore[no-untyped-def]
    log = EventLog()
    log.append(10.0, 1, 1, Kind.ARRIVAL, 0, 0, 0, Route.HOME)
    half = dataclasses.replace(ctx, w0=0.0, w1=182.5)
    assert flows(log.arrays(), half, ["frail_elderly", "other"])["acute_events"] == pytest.approx(2.0)
