"""Pathway flows and time to readmission, as pure functions of the event log (numpy only).

Counts are per year on the measured window ``[w0, w1]`` (window total times ``365 / horizon_days``),
like the totals in :mod:`.indicators`. Events of background users (person < 0) are left out.
The readmission curve uses the same discharges as ``readmission_30d``: live discharges not to
long-term care whose 30 days of follow-up lie inside the run.
"""

from __future__ import annotations

import numpy as np

from ..eventlog import Kind, LogArrays, Place, Route
from .indicators import Context, _discharges, days_to_readmission

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
    dis = _discharges(log, w0, w1 - CURVE_DAYS)
    dis = dis[(x[dis] != Place.LONG_TERM) & (log.person[dis] >= 0)]
    wait = days_to_readmission(log, dis)
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
