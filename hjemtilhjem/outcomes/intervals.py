"""Stays as intervals, matched from the event log in linear time (pure numpy).

An episode opens and closes each state once (each service once; an episode with an interim place has two service
stays), so its row in the log matches its events without a sort.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..eventlog import SERVICES, Kind, LogArrays, Place

__all__ = ["Intervals", "stays", "select", "hospital_part", "overlap_total", "daily_mean", "overliggedogn"]


@dataclass(frozen=True)
class Intervals:
    """Stays as intervals ``[start, end)``; ``end`` is the end of the run when still open."""

    start: np.ndarray
    end: np.ndarray
    person: np.ndarray
    episode: np.ndarray
    municipality: np.ndarray
    group: np.ndarray
    band: np.ndarray
    hospital: np.ndarray  # the patient's hospital (-1 outside the hospital pathway)
    closed: np.ndarray  # bool: the stay ended inside the run
    extra: np.ndarray  # extra of the closing event (destination, service), -1 when open


def _key(person: np.ndarray, episode: np.ndarray) -> np.ndarray:
    return person.astype(np.int64) * 65536 + episode.astype(np.int64)


def _first_at(keys: np.ndarray, size: int) -> np.ndarray:
    """``table[k]`` = position of the first ``k`` in ``keys`` (-1 when none), for keys in ``[0, size)``.

    Linear time. The model never repeats a key (an episode opens and closes a state once, a person
    dies once), so one scatter does; a repeated key, in a hand-made log, takes the slower exact way.
    """
    table = np.full(size, -1, dtype=np.int64)
    pos = np.arange(len(keys), dtype=np.int64)
    table[keys] = pos
    if np.count_nonzero(table >= 0) < len(keys):
        table[:] = len(keys)
        np.minimum.at(table, keys, pos)
        table[table == len(keys)] = -1
    return table


def _first_by_row(log: LogArrays, events: np.ndarray) -> np.ndarray:
    """For each episode row of the log, the index of its first event among ``events`` (-1 when none)."""
    at = _first_at(log.row[events], int(log.row.max()) + 1 if len(log) else 0)
    return np.where(at >= 0, events[np.maximum(at, 0)] if len(events) else -1, -1)


def _pair(open_mask: np.ndarray, close_mask: np.ndarray, log: LogArrays, run_end: float,
          same_extra: bool = False) -> Intervals:
    """Match each opening event with the first closing event of the same episode (and extra).

    An episode opens and closes each state at most once (each service at most once), so its row in the log
    (and the service in ``extra``) matches them: linear time, no sort.
    """
    o, c = np.flatnonzero(open_mask), np.flatnonzero(close_mask)
    ci = _first_by_row(log, c)[log.row[o]]
    if same_extra:
        ci = _same_extra(log, o, c, ci)
    found = ci >= 0
    ci = np.maximum(ci, 0)
    end = np.where(found, log.time[ci], run_end)
    extra = np.where(found, log.extra[ci], -1)
    return Intervals(start=log.time[o], end=end, person=log.person[o], episode=log.episode[o],
                     municipality=log.municipality[o], group=log.group[o], band=log.band[o],
                     hospital=log.hospital[o], closed=found,
                     extra=extra)


def _same_extra(log: LogArrays, o: np.ndarray, c: np.ndarray, ci: np.ndarray) -> np.ndarray:
    """``ci`` (the first close ``c`` of each open ``o``'s episode) corrected to the first close with the same
    ``extra``, -1 when there is none: an episode can have two service stays (an interim place, then the
    destination), whose first close by episode is the other stay's. Rare, so only those are searched again."""
    miss = np.flatnonzero((ci >= 0) & (log.extra[np.maximum(ci, 0)] != log.extra[o]))
    if len(miss) == 0:
        return ci
    ci = ci.copy()
    key = log.row.astype(np.int64) * 16 + log.extra
    sub = c[np.isin(log.row[c], log.row[o[miss]])]
    first_keys, first = np.unique(key[sub], return_index=True)  # first close of each (episode, service)
    if len(first_keys) == 0:
        ci[miss] = -1
        return ci
    want = key[o[miss]]
    pos = np.minimum(np.searchsorted(first_keys, want), len(first_keys) - 1)
    ci[miss] = np.where(first_keys[pos] == want, sub[first[pos]], -1)
    return ci


def stays(log: LogArrays, run_end: float) -> dict[str, Intervals]:
    """Hospital stays, delayed (utskrivningsklar) periods, KAD stays and municipal stays by service."""
    k = log.kind
    out = {
        "hospital": _by_hospital_order(_pair(k == Kind.HOSP_ADMIT, k == Kind.HOSP_LEAVE, log, run_end)),
        "ready": _pair(k == Kind.READY, (k == Kind.HOSP_LEAVE) & (log.extra != Place.DEAD), log, run_end),
        "kad": _pair(k == Kind.KAD_ADMIT, k == Kind.KAD_LEAVE, log, run_end),
    }
    service = _pair(k == Kind.SERVICE_START, k == Kind.SERVICE_END, log, run_end, same_extra=True)
    svc_code = log.extra[k == Kind.SERVICE_START]
    for code, name in enumerate(SERVICES):
        if name == "kad":
            continue
        out[name] = select(service, svc_code == code)
    return out


def overlap_total(start: np.ndarray, end: np.ndarray, a: float, b: float) -> float:
    """Total length of the intervals inside ``[a, b]``."""
    return float(np.clip(np.minimum(end, b) - np.maximum(start, a), 0.0, None).sum())


def _overlap_each(start: np.ndarray, end: np.ndarray, a: float, b: float) -> np.ndarray:
    return np.clip(np.minimum(end, b) - np.maximum(start, a), 0.0, None)


def _coverage(start: np.ndarray, end: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """F(x) = total interval length below x, at each grid point (vectorised with prefix sums)."""
    s, e = np.sort(start), np.sort(end)
    cs, ce = np.concatenate([[0.0], np.cumsum(s)]), np.concatenate([[0.0], np.cumsum(e)])
    ns, ne = np.searchsorted(s, grid), np.searchsorted(e, grid)
    return (ns * grid - cs[ns]) - (ne * grid - ce[ne])


def daily_mean(iv: Intervals, n_days: int) -> np.ndarray:
    """Mean number in the state on each day ``[d, d+1)``."""
    grid = np.arange(n_days + 1, dtype=float)
    return np.diff(_coverage(iv.start, iv.end, grid))


def _excess(iv: Intervals, beds: np.ndarray, a: float, b: float) -> tuple[float, np.ndarray]:
    """Patient-days above staffed beds inside ``[a, b]``, and per day of the run."""
    n_days = len(beds) - 1
    pts = np.unique(np.concatenate([iv.start, iv.end, np.arange(n_days + 1, dtype=float)]))
    pts = pts[(pts >= 0) & (pts <= n_days)]
    left = pts[:-1]
    occ = np.searchsorted(np.sort(iv.start), left, side="right") - np.searchsorted(np.sort(iv.end), left,
                                                                                  side="right")
    day = np.minimum(left.astype(np.int64), n_days - 1)
    over = np.maximum(occ - beds[day], 0.0)
    seg = np.diff(pts)
    per_day = np.bincount(day, weights=over * seg, minlength=n_days)
    inside = np.clip(np.minimum(pts[1:], b) - np.maximum(left, a), 0.0, None)
    return float((over * inside).sum()), per_day


def _by_hospital_order(iv: Intervals) -> Intervals:
    """Hospital stays grouped by hospital (in log order within each), so that :func:`hospital_part` is a view."""
    if len(iv.hospital) == 0 or (iv.hospital[0] == iv.hospital).all():
        return iv
    order = np.argsort(iv.hospital, kind="stable")
    return Intervals(**{f: getattr(iv, f)[order] for f in Intervals.__dataclass_fields__})


def hospital_part(hosp: Intervals, h: int) -> Intervals:
    """The stays of hospital ``h`` among hospital stays grouped by hospital (``stays()["hospital"]``): views."""
    lo, hi = np.searchsorted(hosp.hospital, [h, h + 1])
    return Intervals(**{f: getattr(hosp, f)[lo:hi] for f in Intervals.__dataclass_fields__})


def select(iv: Intervals, mask: np.ndarray) -> Intervals:
    """The intervals where ``mask`` holds."""
    return Intervals(**{f: getattr(iv, f)[mask] for f in Intervals.__dataclass_fields__})


def overliggedogn(start: np.ndarray, end: np.ndarray, a: float, b: float) -> np.ndarray:
    """Døgn of each wait ``[start, end)``: midnights ``k`` (whole days since the start of the run) with
    ``start < k <= end`` and ``a < k <= b`` (the window)."""
    lo = np.floor(np.maximum(start, a)) + 1.0
    hi = np.floor(np.minimum(end, b))
    return np.clip(hi - lo + 1.0, 0.0, None)
