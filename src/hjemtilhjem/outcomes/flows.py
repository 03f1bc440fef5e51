"""Pathway flows and time to readmission, as pure functions of the event log (numpy only).

Counts are per year on the measured window ``[w0, w1]`` (window total times ``365 / horizon_days``),
like the totals in :mod:`.indicators`. Events of background users (person < 0) are left out.
The readmission curve uses the same discharges as ``readmission_30d``: live discharges not to
long-term care whose 30 days of follow-up lie inside the run.
"""

from __future__ import annotations

import numpy as np

from ..eventlog import Kind, LogArrays, Place, Route
from .indicators import Context

__all__ = ["FLOW_KEYS", "CURVE_DAYS", "flows"]

#: flow counts per year, in pathway order
FLOW_KEYS = (
    "acute_events",  # first episode entering the pathway
    "triage_hospital", "triage_kad", "triage_home",  # where acute events went after triage
    "kad_to_hospital", "kad_to_home",  # how KAD stays ended
    "readmissions",  # emergency readmissions (episode >= 2)
    "hospital_admissions",  # all hospital admissions (direct, from KAD, readmissions)
    "discharge_home", "discharge_home_care", "discharge_short_term", "discharge_rehab", "discharge_long_term",
    "deaths_in_hospital",
)
#: days 0..30 of the cumulative readmission curve
CURVE_DAYS = 30

_DEST = {"home": Place.HOME, "home_care": Place.HOME_CARE, "short_term": Place.SHORT_TERM,
         "rehab": Place.REHAB, "long_term": Place.LONG_TERM}


def _key(person: np.ndarray, episode: np.ndarray) -> np.ndarray:
    return person.astype(np.int64) * 65536 + episode.astype(np.int64)


def _days_to_readmission(log: LogArrays, idx: np.ndarray) -> np.ndarray:
    """Days from each discharge ``idx`` to the next episode's hospital admission (inf when none)."""
    adm = np.flatnonzero(log.kind == Kind.HOSP_ADMIT)
    if len(adm) == 0 or len(idx) == 0:
        return np.full(len(idx), np.inf)
    ka = _key(log.person[adm], log.episode[adm])
    order = np.argsort(ka, kind="stable")
    ka = ka[order]
    want = _key(log.person[idx], log.episode[idx] + 1)
    pos = np.minimum(np.searchsorted(ka, want), len(ka) - 1)
    hit = ka[pos] == want
    return np.where(hit, log.time[adm][order][pos] - log.time[idx], np.inf)


def flows(log: LogArrays, ctx: Context, groups: list[str]) -> dict[str, float]:
    """Yearly flow counts and the cumulative share readmitted by day 0..30, per group.

    Returns a flat ``{key: value}``: the :data:`FLOW_KEYS` (per year), ``at_risk.<group>`` (discharges
    per year in the readmission denominator) and ``readmitted_by_day.<group>.<d>`` (share readmitted
    within ``d`` days, ``d`` = 0..30) for every group name and for ``all``.
    """
    w0, w1, yrs = ctx.w0, ctx.w1, ctx.years
    k, x, t = log.kind, log.extra, log.time
    inside = (t >= w0) & (t <= w1) & (log.person >= 0)
    arrival = inside & (k == Kind.ARRIVAL)
    first = arrival & (log.episode == 1)
    out: dict[str, float] = {
        "acute_events": float(first.sum()),
        "triage_hospital": float((first & (x == Route.HOSPITAL)).sum()),
        "triage_kad": float((first & (x == Route.KAD)).sum()),
        "triage_home": float((first & (x == Route.HOME)).sum()),
        "kad_to_hospital": float((inside & (k == Kind.KAD_LEAVE) & (x == 1)).sum()),
        "kad_to_home": float((inside & (k == Kind.KAD_LEAVE) & (x == 0)).sum()),
        "readmissions": float((arrival & (log.episode > 1)).sum()),
        "hospital_admissions": float((inside & (k == Kind.HOSP_ADMIT)).sum()),
    }
    leave = inside & (k == Kind.HOSP_LEAVE)
    for name, code in _DEST.items():
        out[f"discharge_{name}"] = float((leave & (x == code)).sum())
    out["deaths_in_hospital"] = float((leave & (x == Place.DEAD)).sum())
    out = {key: out[key] / yrs for key in FLOW_KEYS}

    # cumulative share readmitted by day d, among discharges with full 30-day follow-up
    dis = np.flatnonzero((k == Kind.HOSP_LEAVE) & (x != Place.DEAD) & (x != Place.LONG_TERM) & (log.person >= 0)
                         & (t >= w0) & (t <= w1 - CURVE_DAYS))
    wait = _days_to_readmission(log, dis)
    days = np.arange(CURVE_DAYS + 1, dtype=float)
    group = log.group[dis]
    for gi, gname in [*enumerate(groups), (-1, "all")]:
        sel = wait if gi < 0 else wait[group == gi]
        out[f"at_risk.{gname}"] = len(sel) / yrs
        if len(sel):
            curve = (sel[None, :] <= days[:, None]).mean(axis=1)
        else:
            curve = np.full(len(days), np.nan)
        for d, v in zip(range(CURVE_DAYS + 1), curve.tolist(), strict=False):
            out[f"readmitted_by_day.{gname}.{d}"] = float(v)
    return out
