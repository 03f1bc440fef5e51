"""Calendar helpers: per-day seasonality and staffed beds over a run (pure data)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from .schema import MONTHS, Hospital, Scenario

__all__ = ["run_days", "season_by_day", "beds_by_day", "population_by_band", "working_days",
           "weekday_pattern", "closure_days"]


def run_days(s: Scenario) -> int:
    """Whole days simulated: warm-up plus horizon, rounded up."""
    return int(np.ceil(s.scenario.warmup_days + s.scenario.horizon_days))


def _dates(s: Scenario) -> list[dt.date]:
    start = s.scenario.start_date
    return [start + dt.timedelta(days=d) for d in range(run_days(s) + 1)]


def season_by_day(s: Scenario, hospital: Hospital | None = None) -> np.ndarray:
    """Admission multiplier for each simulated day (months not given count as 1), from the seasonality of
    ``hospital`` (default: the first)."""
    table = (hospital or s.hospitals[0]).seasonality
    return np.array([table.get(MONTHS[d.month - 1], 1.0) for d in _dates(s)], dtype=float)


def _in_closure(d: dt.date, start: str, end: str) -> bool:
    key = (d.month, d.day)
    a = (int(start[:2]), int(start[3:]))
    b = (int(end[:2]), int(end[3:]))
    return a <= key <= b if a <= b else key >= a or key <= b  # a closure may span new year


def beds_by_day(s: Scenario, hospital: Hospital | None = None) -> np.ndarray:
    """Staffed beds of ``hospital`` on each simulated day (closures and intervention changes applied); default:
    every hospital of the health community together (external hospitals have no staffed beds here).

    An intervention's ``hospital_beds_delta`` changes the first hospital that is not external.
    """
    if hospital is None:
        inside = [h for h in s.hospitals if not h.external]
        return np.sum([beds_by_day(s, h) for h in inside], axis=0) if inside else np.ones(run_days(s) + 1)
    if hospital.external or hospital.beds is None:
        return np.ones(run_days(s) + 1)
    beds = np.full(run_days(s) + 1, float(hospital.beds))
    for i, d in enumerate(_dates(s)):
        for c in hospital.bed_closures:
            if _in_closure(d, c.from_, c.to):
                beds[i] += c.beds
    if hospital is next(h for h in s.hospitals if not h.external):
        for iv in s.intervention:
            if iv.enabled and iv.active_effects().hospital_beds_delta:
                beds[int(np.floor(iv.start_day)):] += iv.active_effects().hospital_beds_delta
    return np.maximum(beds, 1.0)


def population_by_band(s: Scenario) -> np.ndarray:
    """Inhabitants, shape (municipalities, bands)."""
    return np.array([[m.population[b] for b in s.bands] for m in s.municipality], dtype=float)


def age_low(band: str) -> int:
    """Lowest age in an age band ("67-79" -> 67, "80+" -> 80)."""
    return int(band.rstrip("+").split("-")[0])


def working_days(s: Scenario) -> np.ndarray:
    """For each simulated day: a working day (Monday to Friday and not a public holiday of ``[calendar]``)."""
    dates = _dates(s)
    off: set[dt.date] = set()
    if s.calendar.holidays == "norway":
        import holidays  # a maintained calendar of public holidays, Easter-dependent ones computed

        off = set(holidays.country_holidays("NO", years=sorted({d.year for d in dates})))
    return np.array([d.weekday() < 5 and d not in off for d in dates], dtype=bool)


def weekday_pattern(s: Scenario) -> np.ndarray:
    """Acute events on each simulated day relative to the mean day: ``weekend_admission_mult`` on days off, and
    working days raised so that an ordinary week (5 working days, 2 off) keeps its total; all 1 by default."""
    m = s.calendar.weekend_admission_mult
    if m == 1.0:
        return np.ones(run_days(s) + 1)
    return np.where(working_days(s), (7.0 - 2.0 * m) / 5.0, m)


def closure_days(s: Scenario, start: str, end: str) -> list[tuple[int, int]]:
    """``(first day, day after the last)`` of each stretch of the run inside the yearly closure ``start``..``end``
    (MM-DD, inclusive; may span the new year)."""
    inside = [_in_closure(d, start, end) for d in _dates(s)]
    out, first = [], None
    for i, flag in enumerate(inside):
        if flag and first is None:
            first = i
        elif not flag and first is not None:
            out.append((first, i))
            first = None
    if first is not None:
        out.append((first, len(inside)))
    return out
