"""The official indicators (DESIGN 4.1) on hand-made event logs: each definition checked by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hjemtilhjem.eventlog import EventLog, Kind, Place
from hjemtilhjem.outcomes.indicators import context
from hjemtilhjem.outcomes.intervals import stays
from hjemtilhjem.outcomes.official import official, overliggedogn
from hjemtilhjem.scenario.loader import load_scenario

TINY = Path(__file__).parent / "data" / "tiny.toml"


def test_overliggedogn_count_the_midnights_passed_while_waiting() -> None:
    start = np.array([0.5, 1.1, 0.5, 4.0, 9.5])
    end = np.array([1.2, 1.9, 3.0, 4.0, 12.5])
    # ready 12:00, out the next morning: 1; out the same day: 0; 3 midnights; none; window (0, 11] keeps 10, 11
    assert overliggedogn(start, end, 0.0, 11.0).tolist() == [1.0, 0.0, 3.0, 0.0, 2.0]
    assert overliggedogn(start, end, -np.inf, np.inf).tolist() == [1.0, 0.0, 3.0, 0.0, 3.0]


def _episode(log: EventLog, person: int, episode: int, admit: float, ready: float, dest: int, leave: float | None,
             band: int = 1) -> None:
    key = (person, episode)
    rest = (0, 0, band)  # municipality, group, band
    log.append(admit, *key, Kind.ARRIVAL, *rest, 0)
    log.append(admit, *key, Kind.HOSP_ADMIT, *rest, 0)
    log.append(ready, *key, Kind.READY, *rest, dest)
    if dest != Place.HOME:
        log.append(ready, *key, Kind.SERVICE_REQUEST, *rest, dest)
    if leave is not None:
        log.append(leave, *key, Kind.HOSP_LEAVE, *rest, dest)


def test_official_indicators_by_hand() -> None:
    s = load_scenario(TINY).scenario  # measured window [60, 260]; bands 0-66, 67-79, 80+
    ctx = context(s)
    log = EventLog()
    events = []  # (time, args) so that the log is in time order
    a, b, c = 0, 1, 2
    for args in [(a, 1, 98.0, 100.6, Place.SHORT_TERM, 102.3),  # utskrivningsklar, 2 døgn
                 (a, 2, 102.5, 104.0, Place.HOME, None),  # back after 0.2 days (< 8 hours), still in hospital
                 (b, 1, 108.0, 110.2, Place.HOME, 110.2),  # ready to go home: not utskrivningsklar
                 (c, 1, 118.0, 120.2, Place.LONG_TERM, 120.9),  # utskrivningsklar, out the same day: 0 døgn
                 (c, 2, 122.4, 124.0, Place.HOME, None)]:  # back after 1.5 days
        sub = EventLog()
        _episode(sub, *args)
        arr = sub.arrays()
        events += [(float(t), (float(t), int(p), int(e), int(k), int(m), int(g), int(bd), int(x)))
                   for t, p, e, k, m, g, bd, x in zip(arr.time, arr.person, arr.episode, arr.kind, arr.municipality,
                                                      arr.group, arr.band, arr.extra, strict=True)]
    for _, rec in sorted(events, key=lambda e: e[0]):
        log.append(*rec)
    arrays = log.arrays()
    out, by = official(arrays, ctx, stays(arrays, ctx.w1))
    years, pop = ctx.years, ctx.population.sum()
    assert out["overliggedogn_per_1000"] == pytest.approx(2.0 / years / pop * 1000.0)
    assert out["utskrivningsklare_pasienter_per_1000"] == pytest.approx(2 / years / pop * 1000.0)  # a and c
    assert out["andel_med_overliggedogn"] == pytest.approx(0.5)  # a's stay of 2 døgn, c's of 0
    assert out["andel_pasienter_med_overliggedogn"] == pytest.approx(0.5)  # of the patients a and c, a
    assert out["overliggedogn_per_opphold"] == pytest.approx(2.0)
    assert out["reinnleggelse_67plus"] == pytest.approx(1 / 3)  # of a, b, c's discharges only c's (1.5 d) counts
    assert out["reinnleggelse_utskrivningsklare"] == pytest.approx(1 / 2)  # a's came back before a day
    nordby = by["Nordby"]
    m_pop = ctx.population[0].sum()
    assert nordby["overliggedogn_per_1000"] == pytest.approx(2.0 / years / m_pop * 1000.0)
    assert by["Sørby"]["utskrivningsklare_pasienter_per_1000"] == 0.0
    # age-standardised: both persons in band 67-79; the rate of that band weighted by Norway's share of 67-79
    from hjemtilhjem.data import national_population

    std = national_population(list(ctx.bands))
    assert std is not None
    band_rate = 2 / years / ctx.population[:, 1].sum() * 1000.0
    assert out["utskrivningsklare_pasienter_per_1000_std"] == pytest.approx(band_rate * std[1] / sum(std))


def test_official_indicators_are_in_every_replication_output() -> None:
    from hjemtilhjem.experiment.runner import WorkUnit, run_unit

    s = load_scenario(TINY, ["scenario.horizon_days=120"]).scenario
    out = run_unit(WorkUnit(s, 0, 7, False))
    for key in ("overliggedogn_per_1000", "utskrivningsklare_pasienter_per_1000", "andel_med_overliggedogn",
                "overliggedogn_per_opphold", "reinnleggelse_67plus", "reinnleggelse_utskrivningsklare"):
        assert key in out.indicators
    assert 0 <= out.indicators["andel_med_overliggedogn"] <= 1
    assert "overliggedogn_per_1000" in out.by_municipality["Nordby"]
    # døgn are whole days after the ready day: never more than the delayed days plus one a stay
    assert out.indicators["overliggedogn_per_1000"] > 0


def test_a_horizon_of_several_years_reports_each_measured_year() -> None:
    """by_year holds every indicator per measured year; day totals per year average to the whole horizon's."""
    from hjemtilhjem.experiment.runner import WorkUnit, run_unit

    s = load_scenario(TINY, ["scenario.horizon_days=730"]).scenario
    out = run_unit(WorkUnit(s, 1, 7, False))
    assert list(out.by_year) == ["1", "2"]
    for key in ("delayed_days", "hospital_bed_days", "corridor_patient_days", "overliggedogn_per_1000"):
        yearly = [out.by_year[y][key] for y in ("1", "2")]
        assert np.mean(yearly) == pytest.approx(out.indicators[key], rel=1e-9), key
    assert out.by_year["1"]["delayed_days"] != out.by_year["2"]["delayed_days"]
    one_year = run_unit(WorkUnit(load_scenario(TINY, ["scenario.horizon_days=365"]).scenario, 1, 7, False))
    assert one_year.by_year == {}


def test_the_delayed_day_payment_counts_døgn_at_the_rate_of_their_year() -> None:
    """Payment per overliggedøgn (midnight passed while waiting) at the rate of the midnight's calendar year."""
    from hjemtilhjem.outcomes.indicators import indicators

    s = load_scenario(TINY, ["scenario.start_date=2024-12-01", "scenario.warmup_days=0", "scenario.horizon_days=365",
                             "costs.delayed_day_rate_nok=1000", "costs.delayed_day_rate_nok_by_year={2024 = 100}"]
                      ).scenario
    ctx = context(s)
    log = EventLog()
    _episode(log, 0, 1, 28.0, 29.5, Place.SHORT_TERM, 33.25)  # ready 30 Dec 12:00, out 3 Jan 06:00
    arrays = log.arrays()
    out, by = indicators(arrays, ctx, stays(arrays, ctx.w1))
    # midnights 31 Dec (2024) and 1, 2, 3 Jan (2025): 1 x 100 + 3 x 1000, over one year
    assert out["delayed_payment_nok"] == pytest.approx(3100.0)
    assert by["Nordby"]["delayed_payment_nok"] == pytest.approx(3100.0)
    assert out["delayed_days"] == pytest.approx(3.75)
