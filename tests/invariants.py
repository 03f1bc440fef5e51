"""Checks that must hold on every event log the model writes.

``check_invariants(log)`` — time order, one exit per admission, nothing counted twice, deaths are
final, conservation of episodes, hard municipal capacities respected.
``assert_littles_law(log, ctx)`` — L = lambda W on the measured window, for the hospital, the delayed
(utskrivningsklar) state, KAD and every municipal service.

Both are pure numpy on :class:`hjemtilhjem.eventlog.LogArrays`, written independently of
``outcomes/indicators.py`` (they count events rather than pair them where they can).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hjemtilhjem.eventlog import BACKGROUND_GROUP, SERVICES, Kind, LogArrays, Place, Route
from hjemtilhjem.outcomes.indicators import Context, indicators
from hjemtilhjem.scenario.schema import Scenario

__all__ = ["check_invariants", "assert_littles_law", "counting_area", "Little", "max_capacity"]

_ONCE = (Kind.ARRIVAL, Kind.HOSP_ADMIT, Kind.READY, Kind.HOSP_LEAVE, Kind.KAD_ADMIT, Kind.KAD_LEAVE,
         Kind.SERVICE_REQUEST, Kind.SERVICE_START, Kind.SERVICE_END)


def _keys(log: LogArrays) -> np.ndarray:
    return log.person.astype(np.int64) * 65536 + log.episode.astype(np.int64)


class _Index:
    """Where each key has an event of one kind (keys are unique once checked)."""

    def __init__(self, keys: np.ndarray, mask: np.ndarray):
        idx = np.flatnonzero(mask)
        order = np.argsort(keys[idx], kind="stable")
        self.keys, self.idx = keys[idx][order], idx[order]

    def find(self, query: np.ndarray) -> np.ndarray:
        """Log index of the event for each query key, -1 when there is none."""
        if len(self.keys) == 0:
            return np.full(len(query), -1)
        pos = np.minimum(np.searchsorted(self.keys, query), len(self.keys) - 1)
        return np.where(self.keys[pos] == query, self.idx[pos], -1)


def _fail(what: str, bad: np.ndarray, log: LogArrays) -> None:
    i = np.flatnonzero(bad)
    if len(i):
        j = int(i[0])
        raise AssertionError(f"{what}: {len(i)} event(s), first at index {j} (t={log.time[j]:.4f}, "
                             f"person {log.person[j]}, episode {log.episode[j]}, "
                             f"kind {Kind.NAMES[log.kind[j]]}, extra {log.extra[j]})")


def check_invariants(log: LogArrays, capacity: np.ndarray | None = None, run_end: float | None = None) -> None:
    """Raise ``AssertionError`` naming the first broken invariant.

    Parameters
    ----------
    log
        An event log.
    capacity
        Optional places per (municipality, service) (``Context.capacity``): the number in a
        municipal service (or KAD) may never exceed it.
    run_end
        Optional end of the run, days: no event may come after it.
    """
    n = len(log)
    if n == 0:
        return
    t, k, x = log.time, log.kind, log.extra
    key = _keys(log)
    # 1. time order: the log is written in simulated time; so each person's events are in time order
    _fail("time not finite or negative", ~np.isfinite(t) | (t < 0), log)
    _fail("log not in time order", np.concatenate([[False], np.diff(t) < 0]), log)
    if run_end is not None:
        _fail("event after the end of the run", t > run_end + 1e-9, log)
    by_person = np.argsort(log.person, kind="stable")
    same = np.diff(log.person[by_person]) == 0
    _fail("a person's episodes go backwards", np.concatenate(
        [[False], same & (np.diff(log.episode[by_person].astype(np.int64)) < 0)])[np.argsort(by_person)], log)
    _fail("episode numbers start at 1", log.episode < 1, log)

    # An interim stay: a patient waiting for a place of the destination of readiness leaves hospital into a free
    # place of another service (services.long_term.interim) and moves when the destination's place comes. Such
    # an episode has two service stays: the interim one (asked for by no request of its own; it ends when the
    # destination's stay starts) and the destination's.
    first_ready = _Index(key, k == Kind.READY).find(key)
    leaves = (k == Kind.HOSP_LEAVE) & (x != Place.DEAD)
    to_interim = leaves & (first_ready >= 0) & (x != x[np.maximum(first_ready, 0)]) & (x < Place.HOME)
    interim_ep = np.isin(key, key[to_interim])
    interim_service = np.full(n, -1)
    interim_service[interim_ep] = x[_Index(key, to_interim).find(key[interim_ep])]

    # 2. nothing counted twice: one event of each kind per episode (services: per episode, two with an interim)
    for kind in _ONCE:
        kk = key[k == kind]
        u, c = np.unique(kk, return_counts=True)
        limit = np.where(np.isin(u, key[to_interim]), 2, 1) if kind in (Kind.SERVICE_START, Kind.SERVICE_END) else 1
        dup = np.isin(key, u[c > limit]) & (k == kind)
        _fail(f"{Kind.NAMES[kind]} twice in one episode", dup, log)
    pathway = log.person >= 0
    _fail("background person in the pathway (or pathway person marked background)",
          pathway == (log.group == BACKGROUND_GROUP), log)
    idx = {kind: _Index(key, k == kind) for kind in _ONCE}
    arrival_of = idx[Kind.ARRIVAL].find(key)
    _fail("pathway event without an arrival of its episode, or before it",
          pathway & ((arrival_of < 0) | (arrival_of > np.arange(n))), log)
    _fail("background person with an arrival", ~pathway & (k == Kind.ARRIVAL), log)
    _fail("background person in hospital or KAD", ~pathway & np.isin(k, [Kind.HOSP_ADMIT, Kind.READY, Kind.HOSP_LEAVE,
                                                                        Kind.KAD_ADMIT, Kind.KAD_LEAVE]), log)

    # 3. stays open before they close; every admission has at most one exit
    pairs = ((Kind.HOSP_ADMIT, Kind.HOSP_LEAVE), (Kind.HOSP_ADMIT, Kind.READY), (Kind.READY, Kind.HOSP_LEAVE),
             (Kind.KAD_ADMIT, Kind.KAD_LEAVE), (Kind.SERVICE_START, Kind.SERVICE_END))
    for a, b in pairs:
        sel = k == b
        if a == Kind.READY:
            sel &= x != Place.DEAD
        opener = idx[a].find(key)
        _fail(f"{Kind.NAMES[b]} without an earlier {Kind.NAMES[a]}", sel & ((opener < 0) | (opener > np.arange(n))),
              log)
    died_in_hosp = (k == Kind.HOSP_LEAVE) & (x == Place.DEAD)
    ready_of = idx[Kind.READY].find(key)
    _fail("died in hospital after being utskrivningsklar", died_in_hosp & (ready_of >= 0), log)
    _fail("hospital leave to a place other than the destination of readiness (or an interim service)",
          (k == Kind.HOSP_LEAVE) & ~died_in_hosp & ~to_interim
          & (x != np.where(ready_of >= 0, x[np.maximum(ready_of, 0)], -1)), log)
    # a service start of a pathway patient is the moment they leave hospital into that service, or (after an
    # interim stay) the moment the interim stay ends
    leave_of = idx[Kind.HOSP_LEAVE].find(key)
    st = (k == Kind.SERVICE_START) & pathway
    li = np.maximum(leave_of, 0)
    moved = st & interim_ep & (x != interim_service)
    _fail("service start of a pathway patient without leaving hospital into it at that moment",
          st & ~moved & ((leave_of < 0) | (x[li] != x) | (t[li] != t)), log)
    interim_end = _Index(key, (k == Kind.SERVICE_END) & interim_ep & (x == interim_service)).find(key)
    ie = np.maximum(interim_end, 0)
    _fail("move from an interim place without the interim stay ending at that moment",
          moved & ((interim_end < 0) | (t[ie] != t)), log)
    req_of = idx[Kind.SERVICE_REQUEST].find(key)
    initial = ~pathway & (t == 0.0)  # residents at the start of the run
    no_request = (req_of < 0) | (req_of > np.arange(n)) | (x[np.maximum(req_of, 0)] != x)
    _fail("service start without an earlier request for that service",
          (k == Kind.SERVICE_START) & ~initial & no_request & ~(interim_ep & (x == interim_service)), log)
    _fail("KAD admission of a patient not routed to KAD",
          (k == Kind.KAD_ADMIT) & (x[np.maximum(arrival_of, 0)] != Route.KAD), log)

    # 4. deaths are final: at most one per person, nothing after it but the hospital exit it causes
    d = np.flatnonzero(k == Kind.DEATH)
    u, c = np.unique(log.person[d], return_counts=True)
    _fail("a person died twice", (k == Kind.DEATH) & np.isin(log.person, u[c > 1]), log)
    order = np.argsort(log.person[d], kind="stable")
    dp, di = log.person[d][order], d[order]
    death_i = np.full(n, -1)
    if len(dp):
        pos = np.minimum(np.searchsorted(dp, log.person), len(dp) - 1)
        death_i = np.where(dp[pos] == log.person, di[pos], -1)
    after = (death_i >= 0) & (np.arange(n) > death_i)
    same_time = t == t[np.maximum(death_i, 0)]
    _fail("event of a person after their death", after & ~(died_in_hosp & same_time), log)
    _fail("died in hospital without a death event just before", died_in_hosp & ((death_i < 0) | ~same_time), log)

    # 5. conservation: every episode that arrived ends in exactly one way, or is still in care at the end
    arr = np.flatnonzero(k == Kind.ARRIVAL)
    ak = key[arr]
    route = x[arr]
    kad_in = idx[Kind.KAD_ADMIT].find(ak) >= 0
    kad_out = idx[Kind.KAD_LEAVE].find(ak)
    kad_home = (kad_out >= 0) & (x[np.maximum(kad_out, 0)] == 0)
    hosp_in = idx[Kind.HOSP_ADMIT].find(ak) >= 0
    hosp_out = idx[Kind.HOSP_LEAVE].find(ak) >= 0
    at_home = route == Route.HOME
    ends = (at_home.astype(int) + kad_home + (kad_in & (kad_out < 0)) + (hosp_in & hosp_out)
            + (hosp_in & ~hosp_out))
    bad = np.zeros(n, bool)
    bad[arr] = ends != 1
    _fail("episode does not end in exactly one exit (home, KAD home, hospital exit) or stay in care", bad, log)
    bad[arr] = at_home & (kad_in | hosp_in)
    _fail("episode treated at home but admitted", bad, log)
    n_arr = len(arr)
    n_exit = int(at_home.sum() + kad_home.sum() + (hosp_in & hosp_out).sum())
    n_care = int((kad_in & (kad_out < 0)).sum() + (hosp_in & ~hosp_out).sum())
    assert n_arr == n_exit + n_care, f"conservation: {n_arr} arrivals != {n_exit} exits + {n_care} in care"

    # 6. a readmission (episode > 1) follows a live discharge of the previous episode, within 30 days
    re = arr[log.episode[arr] > 1]
    prev = idx[Kind.HOSP_LEAVE].find(key[re] - 1)
    bad[:] = False
    bad[re] = (prev < 0) | (x[np.maximum(prev, 0)] == Place.DEAD) | (x[np.maximum(prev, 0)] == Place.LONG_TERM)
    _fail("readmission without a live discharge (not to long-term care) before it", bad, log)
    bad[re] = (t[re] - t[np.maximum(prev, 0)] > 30.0 + 1e-9) | (t[re] < t[np.maximum(prev, 0)])
    _fail("readmission outside the 30 days after discharge", bad, log)
    _fail("readmission not to hospital", (k == Kind.ARRIVAL) & (log.episode > 1) & (x != Route.HOSPITAL), log)

    # 7. hard capacities: never more in a pool of places (KAD, municipal services) than it has places
    if capacity is not None:
        if isinstance(capacity, np.ndarray):  # places per (municipality, service): each municipality its own pools
            pool_of = np.arange(capacity.size).reshape(capacity.shape)
            caps = capacity.ravel()
        else:
            pool_of, caps = capacity
        svc = (k == Kind.SERVICE_START) | (k == Kind.SERVICE_END)
        kad = (k == Kind.KAD_ADMIT) | (k == Kind.KAD_LEAVE)
        code = np.where(kad, Place.KAD, x).astype(np.int64)
        sel = np.flatnonzero(svc | kad)
        step = np.where((k[sel] == Kind.SERVICE_START) | (k[sel] == Kind.KAD_ADMIT), 1, -1)
        pool = pool_of[log.municipality[sel].astype(np.int64), code[sel]]
        for p_ in np.unique(pool):
            m = pool == p_
            level = np.cumsum(step[m])
            cap = caps[p_]
            bad[:] = False
            bad[sel[m]] = (level > cap) | (level < 0)
            service = SERVICES[int(np.flatnonzero((pool_of == p_).any(axis=0))[0])]
            _fail(f"pool {p_} ({service}): in service above {cap:g} places or below 0", bad, log)


def max_capacity(s: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """``(pool_of, places)``: the pool of each (municipality, service) and an upper bound of its places (base
    plus every positive intervention change; no bound for a pool counted in hours, whose clients the log does not
    weigh)."""
    from hjemtilhjem.model.network import compile_network

    net = compile_network(s)
    cap = np.array([np.inf if p.by_hours else p.capacity for p in net.pools], dtype=float)
    for _, pool, delta in net.capacity_changes:
        cap[pool] += max(delta, 0)
    return np.array(net.pool_of, dtype=np.int64), cap


# ---------------------------------------------------------------------------------------------- Little
def counting_area(log: LogArrays, opens: np.ndarray, closes: np.ndarray, a: float, b: float) -> float:
    """Integral over ``[a, b]`` of N(t) = opens so far - closes so far (events in log order)."""
    sel = opens | closes
    tt = log.time[sel]
    step = np.where(opens[sel], 1, -1)
    level = np.cumsum(step)  # N just after each event
    n0 = int(step[tt < a].sum()) if len(tt) else 0
    inside = (tt >= a) & (tt < b)
    times = np.concatenate([[a], tt[inside], [b]])
    levels = np.concatenate([[n0], level[inside]])
    return float((levels * np.diff(times)).sum())


@dataclass(frozen=True)
class Little:
    """L, lambda and W of one system on the window (days)."""

    name: str
    L: float
    lam: float
    W: float
    n: int

    @property
    def rel_error(self) -> float:
        return abs(self.L - self.lam * self.W) / self.L if self.L > 0 else 0.0


def _systems(log: LogArrays, ctx: Context) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    k, x = log.kind, log.extra
    own = ctx.internal[np.maximum(log.hospital, 0)]  # the health community's own hospitals
    out = {
        "hospital": ((k == Kind.HOSP_ADMIT) & own, (k == Kind.HOSP_LEAVE) & own),
        "delayed": (k == Kind.READY, (k == Kind.HOSP_LEAVE) & (x != Place.DEAD)),
        "kad": (k == Kind.KAD_ADMIT, k == Kind.KAD_LEAVE),
    }
    for code, name in enumerate(Place.SERVICES):
        if name != "kad":
            out[name] = ((k == Kind.SERVICE_START) & (x == code), (k == Kind.SERVICE_END) & (x == code))
    # the queue for a short-term place, of pathway patients (request -> place)
    pw = log.person >= 0
    asked = (k == Kind.SERVICE_REQUEST) & (x == Place.SHORT_TERM) & pw
    # (an interim stay in a short-term place starts without a short-term request of its own)
    out["short_term_queue"] = (asked, (k == Kind.SERVICE_START) & (x == Place.SHORT_TERM) & pw
                               & np.isin(_keys(log), _keys(log)[asked]))
    return out


def littles_law(log: LogArrays, ctx: Context) -> dict[str, Little]:
    """L (time-average number, counted from events), lambda (entries per day) and W (mean time in the
    system of those entries; still-open stays end at the end of the run) on the measured window.

    Also checks the exact sample-path form on the window: the area under N(t) counted from events
    equals the sum over every stay of its time inside the window (stays paired by person and episode).
    """
    a, b = ctx.w0, ctx.w1
    key = _keys(log)
    out = {}
    for name, (opens, closes) in _systems(log, ctx).items():
        area = counting_area(log, opens, closes, a, b)
        every = np.flatnonzero(opens)
        ci = _Index(key, closes).find(key[every])
        end = np.where(ci >= 0, log.time[np.maximum(ci, 0)], np.inf)
        start = log.time[every]
        inside = np.clip(np.minimum(end, b) - np.maximum(start, a), 0.0, None).sum()
        assert abs(inside - area) <= 1e-7 * max(1.0, area), f"{name}: area {area} != sum of stays {inside}"
        o = (start >= a) & (start < b)
        soj = np.minimum(end[o], b) - start[o]
        n = int(o.sum())
        out[name] = Little(name, area / (b - a), n / (b - a), float(soj.mean()) if n else 0.0, n)
    return out


def assert_littles_law(log: LogArrays, ctx: Context, rel_tol: float | None = 0.05,
                       min_n: int = 200) -> dict[str, Little]:
    """Check L = lambda W for every system on the measured window.

    Exactly: the sample-path form (see :func:`littles_law`), and the time-average counted from
    events equals the package's indicators (``hospital_occupied_beds``, ``delayed_days``).
    Within ``rel_tol`` (skipped when ``None``): L = lambda W, for systems with at least ``min_n``
    entries and a mean time in the system under 1/50 of the window (else the edges of the window
    weigh too much for Little's law to hold on one window).
    """
    res = littles_law(log, ctx)
    ind, _ = indicators(log, ctx)
    T = ctx.w1 - ctx.w0
    h = res["hospital"]
    assert abs(h.L - ind["hospital_occupied_beds"]) <= 1e-9 * max(1.0, h.L), (h, ind["hospital_occupied_beds"])
    dl = res["delayed"].L * 365.0
    assert abs(dl - ind["delayed_days"]) <= 1e-9 * max(1.0, dl), (res["delayed"], ind["delayed_days"])
    for r in res.values():
        if rel_tol is not None and r.n >= min_n and r.W < T / 50.0 and r.L > 0:
            assert r.rel_error <= rel_tol, f"Little's law fails for {r.name}: L={r.L:.4f}, lambda*W={r.lam * r.W:.4f}"
    return res
