"""Indicators per place: each hospital and each pool of the network (pure numpy, from the event log).

Delayed days, payments and costs stay with the patient's home municipality (it pays, see :mod:`.indicators`);
here the same log is cut by where the patient was: which hospital held the bed, which pool was asked for a place.
"""

from __future__ import annotations

import numpy as np

from ..eventlog import SERVICES, Kind, LogArrays, Place
from .indicators import Context, Corridor, corridor_by_hospital
from .intervals import Intervals, _first_by_row, _overlap_each, _same_extra, daily_mean, hospital_part, select

__all__ = ["by_hospital", "by_pool", "daily_by_place", "midnight_census", "REQUIREMENT_LEVELS"]


def _share(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def midnight_census(start: np.ndarray, end: np.ndarray, ctx: Context) -> np.ndarray:
    """How many of the intervals hold at each midnight of the measured window (days ``ceil(w0) .. w1 - 1``)."""
    k = np.arange(np.ceil(ctx.w0), ctx.w1, dtype=float)
    return (np.searchsorted(np.sort(start), k, side="right") - np.searchsorted(np.sort(end), k, side="right")
            ).astype(float)


#: the shares of days on which the census may exceed the places: the bed requirement at 5 % and 1 %
REQUIREMENT_LEVELS = (0.05, 0.01)


def _requirement(census: np.ndarray) -> dict[str, float]:
    """Places needed so that the midnight census is above them on at most 5 % / 1 % of days, and its mean."""
    if len(census) == 0:
        return {}
    return {"census_mean": float(census.mean()),
            **{f"places_needed_{round(100 * (1 - q))}": float(np.ceil(np.quantile(census, 1 - q, method="higher")))
               for q in REQUIREMENT_LEVELS}}


def by_hospital(st: dict[str, Intervals], ctx: Context, corridor: Corridor | None = None,
                ) -> dict[str, dict[str, float]]:
    """Per hospital: occupancy and corridor days (own hospitals), bed-days, admissions and delayed days per year,
    and the bed requirement: beds needed so that patients exceed the staffed beds (corridor) at midnight on at most
    5 % / 1 % of days (``places_needed_95`` / ``_99``), with the mean midnight census."""
    w0, w1, yrs = ctx.w0, ctx.w1, ctx.years
    hosp, ready = st["hospital"], st["ready"]
    beds = ctx.hospital_beds if ctx.hospital_beds is not None else ctx.beds[None, :]
    totals = (corridor_by_hospital(hosp, ctx, w0, w1) if corridor is None else corridor)[0]
    by_h = dict(zip(np.flatnonzero(ctx.internal).tolist(), totals, strict=True))
    d0, d1 = int(np.floor(w0)), int(np.ceil(w1))
    n_h = len(ctx.hospitals)
    adm = (hosp.start >= w0) & (hosp.start < w1)
    admissions = np.bincount(hosp.hospital[adm], minlength=n_h) / yrs
    bed_days = np.bincount(hosp.hospital, weights=_overlap_each(hosp.start, hosp.end, w0, w1), minlength=n_h) / yrs
    waited = ready.hospital >= 0
    delayed = np.bincount(ready.hospital[waited], weights=_overlap_each(ready.start, ready.end, w0, w1)[waited],
                          minlength=n_h) / yrs
    out: dict[str, dict[str, float]] = {}
    for h, name in enumerate(ctx.hospitals):
        row = {"admissions": float(admissions[h]), "hospital_bed_days": float(bed_days[h]),
               "delayed_days": float(delayed[h])}
        if not ctx.hospital_external[h]:
            occ = daily_mean(hospital_part(hosp, h), len(beds[h]) - 1)
            row["bed_occupancy"] = float(np.mean(occ[d0:d1] / beds[h][d0:d1]))
            row["corridor_patient_days"] = by_h[h] / yrs
            mine = hospital_part(hosp, h)
            census = midnight_census(mine.start, mine.end, ctx)
            row.update(_requirement(census))
            staffed = beds[h][np.arange(np.ceil(ctx.w0), ctx.w1).astype(np.int64)]
            row["share_days_over_beds"] = float(np.mean(census > staffed)) if len(census) else float("nan")
            row["capacity"] = float(np.mean(staffed)) if len(staffed) else float("nan")  # staffed beds
        out[name] = row
    return out


def _pool_of_events(log: LogArrays, idx: np.ndarray, ctx: Context) -> np.ndarray:
    """The pool of each service event ``idx`` (its municipality's pool of the service in ``extra``)."""
    return ctx.pool_of[log.municipality[idx].astype(np.int64), log.extra[idx].astype(np.int64)]


def by_pool(log: LogArrays, st: dict[str, Intervals], ctx: Context) -> dict[str, dict[str, float]]:
    """Per pool: mean clients in place and occupancy (places in use / places; for a pool in hours, clients only),
    requests per year, mean wait from request to place (requests placed in the window), and the delayed days of
    hospital patients waiting for it, per year."""
    w0, w1, yrs = ctx.w0, ctx.w1, ctx.years
    n = len(ctx.pool_names)
    k = log.kind
    # every stay with its pool: KAD stays are KAD_ADMIT..KAD_LEAVE, the others SERVICE_START..SERVICE_END
    d_start = [st[name].start for name in SERVICES]
    d_end = [st[name].end for name in SERVICES]
    d_pool = [ctx.pool_of[st[name].municipality.astype(np.int64), si] for si, name in enumerate(SERVICES)]
    in_place = np.zeros(n)
    for a, b, p in zip(d_start, d_end, d_pool, strict=True):
        in_place += np.bincount(p, weights=_overlap_each(a, b, w0, w1), minlength=n)
    in_place /= w1 - w0
    # every request with the start of the service asked for (an episode may start an interim service first)
    all_req = np.flatnonzero(k == Kind.SERVICE_REQUEST)
    starts = np.flatnonzero(k == Kind.SERVICE_START)
    all_first = _same_extra(log, all_req, starts, _first_by_row(log, starts)[log.row[all_req]])
    all_pool = _pool_of_events(log, all_req, ctx)
    window = (log.time[all_req] >= w0) & (log.time[all_req] < w1)
    req, req_pool, first = all_req[window], all_pool[window], all_first[window]
    placed = first >= 0
    wait = np.where(placed, log.time[np.maximum(first, 0)] - log.time[req], np.nan)
    # delayed days by the pool asked for: the destination in the READY event, until leaving hospital
    rd = np.flatnonzero(k == Kind.READY)
    rd_pool = np.where(log.extra[rd] < Place.HOME,
                       ctx.pool_of[log.municipality[rd].astype(np.int64), np.minimum(log.extra[rd], 4)], -1)
    leave = _first_by_row(log, np.flatnonzero(k == Kind.HOSP_LEAVE))[log.row[rd]]
    end = np.where(leave >= 0, log.time[np.maximum(leave, 0)], w1)
    delayed = np.clip(np.minimum(end, w1) - np.maximum(log.time[rd], w0), 0.0, None)
    # the demand on each pool at midnight: those in place and those waiting for a place (request to start, or to
    # the end of the run; people who left the queue at home stop at their death), for the places needed
    gone = _first_by_row(log, np.flatnonzero(k == Kind.DEATH))[log.row[all_req]]
    d_start.append(log.time[all_req])
    d_end.append(np.where(all_first >= 0, log.time[np.maximum(all_first, 0)],
                          np.where(gone >= 0, log.time[np.maximum(gone, 0)], w1)))
    d_pool.append(all_pool)
    pool_all = np.concatenate(d_pool)
    order = np.argsort(pool_all, kind="stable")
    start_all, end_all = np.concatenate(d_start)[order], np.concatenate(d_end)[order]
    bounds = np.searchsorted(pool_all[order], np.arange(n + 1))
    requests = np.bincount(req_pool, minlength=n) / yrs
    placed_n = np.bincount(req_pool[placed], minlength=n)
    wait_sum = np.bincount(req_pool[placed], weights=wait[placed], minlength=n)
    asked = rd_pool >= 0
    delayed_days = np.bincount(rd_pool[asked], weights=delayed[asked], minlength=n) / yrs
    out: dict[str, dict[str, float]] = {}
    for p, name in enumerate(ctx.pool_names):
        cap = float(ctx.pool_capacity[p])
        row = {"clients_in_place": float(in_place[p]), "requests": float(requests[p]),
               "wait_mean": float(wait_sum[p] / placed_n[p]) if placed_n[p] else float("nan"),
               "delayed_days": float(delayed_days[p]), "capacity": cap}
        if not ctx.pool_by_hours[p]:
            row["occupancy"] = _share(float(in_place[p]), cap)
            # a pool nobody used in this replication gets a census of zeros: every replication has the same keys
            lo, hi = bounds[p], bounds[p + 1]
            row.update(_requirement(midnight_census(start_all[lo:hi], end_all[lo:hi], ctx)))
        out[name] = row
    return out


def daily_by_place(st: dict[str, Intervals], ctx: Context, corridor: Corridor | None = None,
                   ) -> dict[str, np.ndarray]:
    """Daily series of each hospital (occupancy, corridor patients) when there are several, and of each shared
    pool's clients (a municipality's own pools are in the municipal series already)."""
    n_days = len(ctx.beds) - 1
    out: dict[str, np.ndarray] = {}
    hosp = st["hospital"]
    if len(ctx.hospitals) > 1:
        per_day = (corridor_by_hospital(hosp, ctx, 0.0, ctx.w1) if corridor is None else corridor)[1]
        for j, h in enumerate(np.flatnonzero(ctx.internal).tolist()):
            name = ctx.hospitals[h]
            out[f"hospital_occupancy:{name}"] = daily_mean(hospital_part(hosp, h), n_days)
            out[f"corridor_patients:{name}"] = per_day[j]
        for h in np.flatnonzero(~ctx.internal).tolist():
            out[f"hospital_occupancy:{ctx.hospitals[h]}"] = daily_mean(hospital_part(hosp, h), n_days)
    members = np.bincount(ctx.pool_of.ravel(), minlength=len(ctx.pool_names))
    for p in np.flatnonzero(members > 1).tolist():
        si = ctx.pool_service[p]
        iv = st[SERVICES[si]]
        mine = select(iv, ctx.pool_of[iv.municipality.astype(np.int64), si] == p)
        out[f"pool_clients:{ctx.pool_names[p]}"] = daily_mean(mine, n_days)
    return out
