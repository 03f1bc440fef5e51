"""The home-to-home pathway on SimPy's event calendar.

Patients are not SimPy processes: every step of a pathway is a SimPy ``Timeout`` whose callback
does the next step. That keeps one simulated pathway to a handful of calendar events and no
generator per patient (see ``benchmarks/``). What a patient will do is drawn at arrival, from
named streams, in vectorised blocks (``_Arrivals``), so a change of capacity or of an
intervention elsewhere cannot reshuffle who gets which draw.

Flow: acute event -> triage (home / KAD if a bed is free / hospital) -> hospital stay (soft
capacity) -> utskrivningsklar -> waits for the municipal service of its destination while holding
the hospital bed (hard capacity, FIFO) -> discharge -> 30-day readmission or death -> ...
"""

from __future__ import annotations

import gc
import math
import time
from array import array
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from heapq import heapify, heappop, heappush
from itertools import repeat
from typing import Any

import numpy as np
import simpy
from simpy.events import NORMAL

from ..eventlog import BACKGROUND_GROUP, EventLog, LogArrays, Place, Route
from ..scenario.calendar import age_low, capacity_changes, population_by_band, run_days, season_by_day
from ..scenario.schema import ADMISSION_MULT_CAP, DESTINATIONS, SERVICES, Scenario
from .errors import UnstableScenario
from .rng import stream
from .sampling import durations, effect_value

__all__ = ["Simulation", "RunResult", "Effect", "simulate", "UnstableScenario"]

_DEST_CODE = {name: Place.BY_NAME[name] for name in DESTINATIONS}
_N_SERVICES = len(SERVICES)
_READMIT_WINDOW = 30.0
_CHUNK = 4096
# Stability watch (a cheap daily check): a municipal queue longer than max(_QUEUE_LIMIT_MIN,
# _QUEUE_LIMIT_PER_PLACE x places) that is still longer _WATCH_WINDOW_DAYS later, a hospital census above
# _CENSUS_LIMIT_PER_BED x staffed beds, or more than _EPISODES_PER_PATIENT_LIMIT hospital episodes per patient
# (a readmission loop that does not drain) means the scenario has no steady state: stop and say where.
_QUEUE_LIMIT_MIN = 50
_QUEUE_LIMIT_PER_PLACE = 5
_WATCH_WINDOW_DAYS = 30.0
_CENSUS_LIMIT_PER_BED = 20
_EPISODES_PER_PATIENT_LIMIT = 20
# methods called back from the calendar
_CALLBACKS = ("_on_arrival", "_kad_end", "_die_in_hospital", "_ready", "_leave", "_stay_end", "_readmit",
              "_die_after", "_background_request", "_watch", "_change_capacity")
# kind * 16 of each event kind; add the ``extra`` code (always < 16) to get the logged code
_ARRIVAL, _HOSP_ADMIT, _READY, _HOSP_LEAVE, _KAD_ADMIT, _KAD_LEAVE, _SERVICE_REQUEST, _SERVICE_START, \
    _SERVICE_END, _DEATH = (16 * k for k in range(10))


@dataclass(frozen=True)
class Effect:
    """Combined intervention effects for one municipality x group from ``start_day`` on."""

    start_day: float = 0.0
    admission_mult: float = 1.0
    kad_add: float = 0.0
    los_mult: float = 1.0
    los_delta: float = 0.0
    readmission_rr: float = 1.0
    delay_delta: float = 0.0


@dataclass
class RunResult:
    """What one replication returns: compact arrays, never live SimPy objects."""

    log: LogArrays
    replication: int
    patients: int  # pathway episodes (acute events that entered, readmissions included)
    events: int
    cpu_seconds: float
    parameters: dict[str, float] = field(default_factory=dict)


def _draw_parameters(s: Scenario, seed: int, replication: int, uncertain: bool) -> dict[str, float]:
    """Intervention effects for this replication (a draw each, or the point values)."""
    out: dict[str, float] = {}
    for iv in sorted((x for x in s.intervention if x.enabled), key=lambda x: x.name):
        eff = iv.active_effects()
        for key in ("admission_rate_mult", "los_mult", "los_delta_days", "readmission_rr",
                    "discharge_delay_delta_days"):
            value = getattr(eff, key)
            if value is None:
                continue
            rng = stream(seed, replication, f"param:{iv.name}:{key}") if uncertain else None
            out[f"{iv.name}.{key}"] = effect_value(value, rng)
    return out


def effects_table(s: Scenario, params: dict[str, float]) -> list[list[Effect]]:
    """Piecewise-constant combined effects, ``[municipality*groups + group] -> [Effect by start]``."""
    groups = [g.name for g in s.group]
    table: list[list[Effect]] = []
    active = [iv for iv in s.intervention if iv.enabled]
    for m in s.municipality:
        for gname in groups:
            mine = [iv for iv in active
                    if (not iv.targets.groups or gname in iv.targets.groups)
                    and (not iv.targets.municipalities or m.name in iv.targets.municipalities)]
            starts = sorted({0.0, *(iv.start_day for iv in mine)})
            pieces = []
            for t0 in starts:
                e = Effect(start_day=t0)
                vals = dict(admission_mult=1.0, kad_add=0.0, los_mult=1.0, los_delta=0.0,
                            readmission_rr=1.0, delay_delta=0.0)
                for iv in mine:
                    if iv.start_day > t0:
                        continue
                    eff = iv.active_effects()
                    pre = f"{iv.name}."
                    if (v := params.get(pre + "admission_rate_mult")) is not None:
                        vals["admission_mult"] *= v
                    if eff.kad_diversion_share is not None:
                        vals["kad_add"] += eff.kad_diversion_share
                    if (v := params.get(pre + "los_mult")) is not None:
                        vals["los_mult"] *= v
                    if (v := params.get(pre + "los_delta_days")) is not None:
                        vals["los_delta"] += v
                    if (v := params.get(pre + "readmission_rr")) is not None:
                        vals["readmission_rr"] *= v
                    if (v := params.get(pre + "discharge_delay_delta_days")) is not None:
                        vals["delay_delta"] += v
                vals["admission_mult"] = min(vals["admission_mult"], ADMISSION_MULT_CAP)
                pieces.append(Effect(start_day=e.start_day, **vals))
            table.append(pieces)
    return table


def _effect_at(pieces: list[Effect], t: float) -> Effect:
    e = pieces[0]
    for p in pieces:
        if p.start_day <= t:
            e = p
    return e


# Columns of a patient episode record: a tuple, alive while the episode has something scheduled. EID is the
# episode's row in the event log's episode table (which also holds the person id). A record should be few
# Python objects (each one is memory the CPU must fetch again when the episode's next event comes, days later),
# so fields that most episodes do not use hold None: STAY when discharged home, DIE (the fraction of the stay
# at which the patient dies in hospital) when the patient survives the stay, KADLOS unless triaged to KAD.
# Background users of a service have a record of (EID, STAY) only.
EID, STAY, LOS, DIE, DEST, UOUT, OFRAC, KADLOS, KADTX, EP, MUNI, GRP, BAND, ROUTE = range(14)
Rec = tuple[Any, ...]


def _sparse(values: np.ndarray, where: np.ndarray) -> list[Any]:
    """``values`` as a list with None where ``where`` is false (no float object made for those)."""
    out: list[Any] = [None] * len(values)
    idx = np.flatnonzero(where)
    for i, v in zip(idx.tolist(), values[idx].tolist(), strict=True):
        out[i] = v
    return out


def _attr_columns(d: dict[str, np.ndarray], outcome_bound: np.ndarray | float) -> list[list[Any]]:
    """The STAY, LOS, DIE, DEST, UOUT and OFRAC columns of records from one ``_Episodes.draw``.

    UOUT (the draw that decides readmission or death within 30 days of discharge) and OFRAC (when in those
    30 days) are kept only where UOUT is below ``outcome_bound``, the highest chance of either that the
    episode's municipality and group can have; None says neither can happen.
    """
    possible = d["uout"] < outcome_bound
    return [_sparse(d["stay"], d["dest"] != Place.HOME), d["los"].tolist(), _sparse(d["dfrac"], d["die"]),
            d["dest"].tolist(), _sparse(d["uout"], possible), _sparse(d["ofrac"], possible)]
_ATTRS = ("los", "death", "death_time", "destination", "outcome", "outcome_time", "stay", "kad_los",
          "kad_transfer")


class _Episodes:
    """Vectorised draws of episode attributes from one municipality x group's named streams."""

    def __init__(self, sim: Simulation, m: int, g: int, prefix: str):
        self.sim, self.m, self.g = sim, m, g
        s = sim.scenario
        name = f"{s.municipality[m].name}:{s.group[g].name}"
        self.rngs = {a: stream(sim.seed, sim.replication, f"{prefix}{a}:{name}") for a in _ATTRS}
        grp = s.group[g]
        self.dest_codes = np.array([_DEST_CODE[d] for d in grp.discharge_to], dtype=np.int64)
        self.dest_cum = np.cumsum(list(grp.discharge_to.values()))
        self.dest_cum[-1] = 1.0 + 1e-9
        self.buffer: list[Rec] = []

    def draw(self, n: int) -> dict[str, np.ndarray]:
        s, grp = self.sim.scenario, self.sim.scenario.group[self.g]
        u = {a: r.random(n) for a, r in self.rngs.items()}
        dest = self.dest_codes[np.searchsorted(self.dest_cum, u["destination"], side="right")]
        stay = np.zeros(n)
        for code in np.unique(dest):
            if code == Place.HOME:
                continue
            mask = dest == code
            stay[mask] = durations(getattr(s.services, SERVICES[code]).stay_days, u["stay"][mask])
        return {
            "los": durations(grp.los_days, u["los"]),
            "die": u["death"] < grp.death_in_hospital,
            "dfrac": u["death_time"],
            "dest": dest,
            "uout": u["outcome"],
            "ofrac": u["outcome_time"],
            "stay": stay,
            "kad_los": durations(s.services.kad.stay_days, u["kad_los"]),
            "kad_tx": u["kad_transfer"] < s.triage.kad_transfer_to_hospital,
        }

    def next_record(self, pid: int, episode: int, band: int) -> Rec:
        """One episode record for a readmission (drawn in blocks of 64)."""
        if not self.buffer:
            bound = self.sim.outcome_bound[self.m * self.sim.n_groups + self.g]
            self.buffer = list(zip(*_attr_columns(self.draw(64), bound), strict=True))
            self.buffer.reverse()
        r = self.buffer.pop()
        eid = self.sim.log.new_episode(pid, episode, self.m, self.g, band)
        return (eid, *r, None, False, episode, self.m, self.g, band, Route.HOSPITAL)


class Simulation:
    """One replication of a scenario.

    Parameters
    ----------
    scenario
        A validated scenario.
    replication
        Replication index; with ``seed`` it keys every random stream.
    seed
        Defaults to the scenario's seed.
    parameter_uncertainty
        Draw intervention effects from their distributions (default: the scenario's setting).
    check_stability
        Watch queues and the hospital census once a day and raise :class:`UnstableScenario`
        when one grows without bound.
    """

    def __init__(self, scenario: Scenario, replication: int = 0, seed: int | None = None,
                 parameter_uncertainty: bool | None = None, check_stability: bool = True):
        self.scenario = s = scenario
        self.replication = replication
        self.seed = s.scenario.seed if seed is None else seed
        uncertain = s.scenario.parameter_uncertainty if parameter_uncertainty is None else parameter_uncertainty
        self.parameters = _draw_parameters(s, self.seed, replication, uncertain)
        self.effects = effects_table(s, self.parameters)
        self.days = run_days(s)
        self.until = s.scenario.warmup_days + s.scenario.horizon_days
        self.env = simpy.Environment()
        self.log = EventLog()
        self._ev = self.log.event
        self.n_groups = len(s.group)
        self.groups = s.group
        # Municipal services: flat lists indexed by municipality * 5 + service.
        n = len(s.municipality) * _N_SERVICES
        self.cap = [0] * n
        self.used = [0] * n
        self.queue_h: list[deque[Any]] = [deque() for _ in range(n)]  # waiting in hospital
        self.queue_o: list[deque[Any]] = [deque() for _ in range(n)]  # waiting at home (background)
        self._slot_bits = max(n - 1, 1).bit_length()
        self._slot_mask = (1 << self._slot_bits) - 1
        for mi, m in enumerate(s.municipality):
            for si, sname in enumerate(SERVICES):
                self.cap[mi * _N_SERVICES + si] = m.capacity(sname)
        self.capacity_changes = capacity_changes(s)  # interventions' capacity_delta
        for day, mi, si, delta in self.capacity_changes:
            if day <= 0:
                self.cap[mi * _N_SERVICES + si] = max(self.cap[mi * _N_SERVICES + si] + delta, 0)
        self.service_cfg = [getattr(s.services, name) for name in SERVICES]
        self.priority = [cfg.hospital_priority for cfg in self.service_cfg]
        self.ends_in_death = [cfg.ends_in_death for cfg in self.service_cfg]
        self.planning_delay = s.discharge.planning_delay_days
        self.readmit_scale = s.discharge.readmission_scale_days
        self.readmit_norm = 1.0 - math.exp(-_READMIT_WINDOW / self.readmit_scale)
        self.p_readmit = [g.readmission_30d for g in s.group]
        self.p_death30 = [g.death_30d_after_discharge for g in s.group]
        # per municipality x group: above this, an outcome draw means neither readmission nor death (see _leave)
        self.outcome_bound = np.array([
            max(min(self.p_readmit[gi] * e.readmission_rr, 1.0) for e in self.effects[mi * self.n_groups + gi])
            + self.p_death30[gi] + 1e-9 for mi in range(len(s.municipality)) for gi in range(self.n_groups)])
        self.next_pid = 0
        self.next_background = -1
        self.patients = 0
        self.readmit_draws: dict[tuple[int, int], _Episodes] = {}
        self.check_stability = check_stability
        self.census = [0] * len(s.municipality)  # patients in hospital, by municipality
        self.requests = [0] * n  # requests per municipality x service (for the offered load)
        # slot -> (day, queue length) at the start of the watch window, (day, requests) when first too long
        self._over: dict[int, tuple[float, int, float, int]] = {}
        self._limit = [max(_QUEUE_LIMIT_MIN, _QUEUE_LIMIT_PER_PLACE * c) for c in self.cap]
        self._census_limit = _CENSUS_LIMIT_PER_BED * s.hospital.beds
        self._init_calendar()
        # Bound once: ``self._ready`` would otherwise make a new bound-method object for every calendar
        # entry (and keep it alive while the entry waits). Removed again at the end of ``run``.
        for name in _CALLBACKS:
            setattr(self, name, getattr(self, name))

    # ------------------------------------------------------------------------------------ scheduling
    # SimPy's queue orders entries by (time, priority, id). Ours are (time, NORMAL, id, fn, payload):
    # the time, priority and id a ``Timeout`` would get, so events happen in exactly SimPy's order,
    # without an ``Event`` object per step. Entries beyond the current time slot wait in columns, one
    # set per slot ("buckets"), and join SimPy's heap when the clock reaches their slot: the heap then
    # holds one slot's events instead of every pending stay (tens of thousands of long-term and
    # home-care stays at national scale), and its cost per event does not grow with the population.
    # A waiting entry is a time and an id in plain arrays plus a callback and its payload, not a tuple
    # with a float and an int of its own: at 16 times Vestfold's population those three objects per
    # entry, made days before and touched again when the slot came, were out of the CPU's caches.
    # Entries at or after the end of the run are never processed and are not kept.
    def _init_calendar(self) -> None:
        pop = float(population_by_band(self.scenario).sum())
        # a few hundred events per slot: 1 slot a day for Vestfold (258,000 inhabitants), 16 for Norway
        per_day = 1
        while per_day < 256 and pop / (per_day * 2) >= 180_000:
            per_day *= 2
        self._slots_per_day = per_day
        self._slot = -1  # the slot whose events are in SimPy's heap
        self._buckets: list[tuple[array[float], array[int], list[Any], list[Any]] | None] = \
            [None] * (int(self.until * per_day) + 1)
        # Ends of municipal stays (months to years ahead, most of the pending entries) wait as three plain
        # columns per day (time, id, stay code), kept at the day's first slot, and become calendar tuples
        # when that slot starts, so they hold no Python objects meanwhile. Per day, not per slot: the
        # columns' ends, where the next stay is appended, then fit in the CPU cache at any population.
        self._stay_buckets: list[tuple[array[float], array[int], array[int]] | None] = [None] * len(self._buckets)
        # _ended[eid] = 1 once the municipal stay started from episode row ``eid`` has ended (grown on demand)
        self._ended = bytearray(1 << 16)

    def _at(self, delay: float, fn: Callable[[Any], None], payload: Any) -> None:
        """Call ``fn(payload)`` after ``delay`` days."""
        env = self.env
        t = env._now + delay
        eid = next(env._eid)
        if t < self.until:
            b = int(t * self._slots_per_day)
            if b <= self._slot:
                heappush(env._queue, (t, NORMAL, eid, fn, payload))  # type: ignore[arg-type,misc]
            else:
                cols = self._buckets[b]
                if cols is None:
                    cols = self._buckets[b] = (array("d"), array("q"), [], [])
                cols[0].append(t)
                cols[1].append(eid)
                cols[2].append(fn)
                cols[3].append(payload)

    def _at_stay_end(self, delay: float, code: int) -> None:
        """``_at(delay, self._stay_end, code)``, kept in the day's columns until the day starts."""
        env = self.env
        t = env._now + delay
        eid = next(env._eid)
        if t < self.until:
            b = int(t) * self._slots_per_day  # the first slot of the day
            if b <= self._slot:
                heappush(env._queue, (t, NORMAL, eid, self._stay_end, code))  # type: ignore[arg-type,misc]
            else:
                cols = self._stay_buckets[b]
                if cols is None:
                    cols = self._stay_buckets[b] = (array("d"), array("q"), array("q"))
                cols[0].append(t)
                cols[1].append(eid)
                cols[2].append(code)

    def _run_calendar(self) -> None:
        """SimPy's ``Environment.run(until)`` for our entries; native SimPy events still work."""
        env, until, per_day = self.env, self.until, self._slots_per_day
        queue, buckets, stay_buckets = env._queue, self._buckets, self._stay_buckets
        seal = self.log.seal
        n_slots = len(buckets)
        slot = self._slot
        while True:
            if queue:
                item = queue[0]
                t = item[0]
                if int(t * per_day) <= slot:
                    if t >= until:
                        break
                    heappop(queue)
                    env._now = t
                    if len(item) == 5:
                        item[3](item[4])  # type: ignore[misc]
                    else:  # an ordinary SimPy event (process, timeout...): let SimPy step it
                        heappush(queue, item)
                        env.step()
                    continue
            # every event of this slot is done: move to the next slot that has any
            nxt = slot + 1
            while nxt < n_slots and buckets[nxt] is None and stay_buckets[nxt] is None:
                nxt += 1
            if queue:
                nxt = min(nxt, int(queue[0][0] * per_day))
            elif nxt >= n_slots:
                break
            slot = self._slot = nxt
            seal()
            if nxt < n_slots:
                if (entries := buckets[nxt]) is not None:
                    queue.extend(zip(entries[0], repeat(NORMAL), entries[1], entries[2], entries[3]))  # type: ignore[arg-type]
                    buckets[nxt] = None
                if (cols := stay_buckets[nxt]) is not None:
                    queue.extend(zip(cols[0], repeat(NORMAL), cols[1], repeat(self._stay_end), cols[2]))  # type: ignore[arg-type]
                    stay_buckets[nxt] = None
                heapify(queue)
        env._now = until

    # ------------------------------------------------------------------------------------ arrivals
    def _generate_arrivals(self) -> dict[str, np.ndarray]:
        """Acute events of every municipality x group for the whole run, thinned from candidates."""
        s = self.scenario
        season = season_by_day(s)
        smax = float(season.max())
        pop = population_by_band(s)
        cols: dict[str, list[np.ndarray]] = {}
        for mi, m in enumerate(s.municipality):
            for gi, grp in enumerate(s.group):
                lam_b = np.array([pop[mi, bi] * grp.share.get(b, 0.0) * grp.rate_for(b)
                                  for bi, b in enumerate(s.bands)]) / 1000.0 / 365.0
                lam = float(lam_b.sum())
                if lam <= 0:
                    continue
                name = f"{m.name}:{grp.name}"
                bound = lam * smax * ADMISSION_MULT_CAP
                rng_t = stream(self.seed, self.replication, f"arrivals:{name}")
                gaps = rng_t.exponential(1.0 / bound, size=int(bound * self.until * 1.05) + 32)
                t = np.cumsum(gaps)
                while t[-1] < self.until:
                    more = np.cumsum(rng_t.exponential(1.0 / bound, size=int(bound * self.until * 0.1) + 32))
                    t = np.concatenate([t, t[-1] + more])
                t = t[t < self.until]
                n = int(t.shape[0])
                u_acc = stream(self.seed, self.replication, f"accept:{name}").random(n)
                u_band = stream(self.seed, self.replication, f"band:{name}").random(n)
                u_route = stream(self.seed, self.replication, f"triage:{name}").random(n)
                pieces = self.effects[mi * self.n_groups + gi]
                starts = np.array([p.start_day for p in pieces])
                which = np.searchsorted(starts, t, side="right") - 1
                mult = np.array([p.admission_mult for p in pieces])[which]
                kad_add = np.array([p.kad_add for p in pieces])[which]
                keep = u_acc * bound < lam * season[t.astype(np.int64)] * mult
                epi = _Episodes(self, mi, gi, "").draw(n)
                band = np.searchsorted(np.cumsum(lam_b) / lam, u_band, side="right").clip(0, len(s.bands) - 1)
                route = self._triage(u_route, kad_add, band, grp.kad_eligible)
                add = {"time": t, "muni": np.full(n, mi), "group": np.full(n, gi), "band": band,
                       "route": route, **epi}
                for k, v in add.items():
                    cols.setdefault(k, []).append(v[keep])
        if not cols:
            return {"time": np.zeros(0)}
        out = {k: np.concatenate(v) for k, v in cols.items()}
        order = np.argsort(out["time"], kind="stable")
        return {k: v[order] for k, v in out.items()}

    def _triage(self, u: np.ndarray, kad_add: np.ndarray, band: np.ndarray, eligible: bool) -> np.ndarray:
        tr = self.scenario.triage
        route = np.full(u.shape, Route.HOSPITAL)
        route[u < tr.home_share] = Route.HOME
        kad = (u >= tr.home_share) & (u < tr.home_share + np.minimum(tr.kad_share + kad_add, 1.0))
        if tr.kad_min_age_band is not None:
            kad &= band >= self.scenario.bands.index(tr.kad_min_age_band)
        if eligible:
            route[kad] = Route.KAD
        return route

    def _start_arrivals(self) -> None:
        a = self._generate_arrivals()
        self._arr = a
        self._arr_time = array("d", a["time"].tobytes())
        self._arr_n = a["time"].shape[0]
        self._arr_pos = 0
        self._chunk: list[Rec] = []
        if self._arr_n:
            self._load_chunk()
            self._at(self._arr_time[0], self._on_arrival, None)

    def _load_chunk(self) -> None:
        """The next block of first-arrival records, in reverse order (popped from the end)."""
        a, i = self._arr, self._arr_pos
        j = min(i + _CHUNK, self._arr_n)
        # person ids are given in arrival order, so the i-th arrival of the run is person i
        pid = np.arange(i, j)
        eid0 = self.log.new_episodes(pid, np.ones(j - i), a["muni"][i:j], a["group"][i:j], a["band"][i:j])
        route = a["route"][i:j]
        kad = route == Route.KAD
        bound = self.outcome_bound[a["muni"][i:j] * self.n_groups + a["group"][i:j]]
        cols = [list(range(eid0, eid0 + j - i)), *_attr_columns({k: v[i:j] for k, v in a.items()}, bound),
                _sparse(a["kad_los"][i:j], kad), (a["kad_tx"][i:j] & kad).tolist(), [1] * (j - i)]
        cols += [a[k][i:j].tolist() for k in ("muni", "group", "band")]
        cols.append(route.tolist())
        rows = list(zip(*cols, strict=True))
        rows.reverse()
        self._chunk = rows
        self._arr_pos = j
        self.next_pid = j

    def _on_arrival(self, _: Any) -> None:
        chunk = self._chunk
        rec = chunk.pop()
        self._enter(rec, rec[ROUTE])
        if not chunk and self._arr_pos < self._arr_n:
            self._load_chunk()
            chunk = self._chunk
        if chunk:
            self._at(self._arr_time[self._arr_pos - len(chunk)] - self.env._now, self._on_arrival, None)

    # ------------------------------------------------------------------------------------ pathway
    # Events are logged as ``ev(time, episode_row, kind * 16 + extra)`` (see EventLog.event).
    def _enter(self, rec: Rec, route: int) -> None:
        now = self.env._now
        self.patients += 1
        m = rec[MUNI]
        if route == Route.KAD:
            slot = m * _N_SERVICES + Place.KAD
            if self.used[slot] < self.cap[slot]:
                self.used[slot] += 1
                ev = self._ev
                ev(now, rec[EID], _ARRIVAL + Route.KAD)
                ev(now, rec[EID], _KAD_ADMIT)
                self._at(rec[KADLOS], self._kad_end, rec)
                return
            route = Route.HOSPITAL
        self._ev(now, rec[EID], _ARRIVAL + route)
        if route == Route.HOSPITAL:
            self._admit(rec, 0)

    def _kad_end(self, rec: Rec) -> None:
        tx = 1 if rec[KADTX] else 0
        self._ev(self.env._now, rec[EID], _KAD_LEAVE + tx)
        self._release(rec[MUNI] * _N_SERVICES + Place.KAD)
        if tx:
            self._admit(rec, 1)

    def _effect(self, rec: Rec, now: float) -> Effect:
        pieces = self.effects[rec[MUNI] * self.n_groups + rec[GRP]]
        return pieces[0] if len(pieces) == 1 else _effect_at(pieces, now)

    def _admit(self, rec: Rec, source: int) -> None:
        now = self.env._now
        self.census[rec[MUNI]] += 1
        self._ev(now, rec[EID], _HOSP_ADMIT + source)
        e = self._effect(rec, now)
        los = max(rec[LOS] * e.los_mult + e.los_delta, 0.01)
        if (dfrac := rec[DIE]) is not None:
            self._at(los * dfrac, self._die_in_hospital, rec)
        else:
            self._at(los, self._ready, rec)

    def _die_in_hospital(self, rec: Rec) -> None:
        now, eid, ev = self.env._now, rec[EID], self._ev
        self.census[rec[MUNI]] -= 1
        ev(now, eid, _DEATH + Place.HOSPITAL)
        ev(now, eid, _HOSP_LEAVE + Place.DEAD)

    def _ready(self, rec: Rec) -> None:
        dest = rec[DEST]
        self._ev(self.env._now, rec[EID], _READY + dest)
        if dest == Place.HOME:
            self._leave(rec)
        else:
            self._request(rec[MUNI] * _N_SERVICES + dest, rec, True)

    def _request(self, slot: int, rec: Rec, from_hospital: bool) -> None:
        now = self.env._now
        self._ev(now, rec[EID], _SERVICE_REQUEST + slot % _N_SERVICES)
        self.requests[slot] += 1
        if self.used[slot] < self.cap[slot]:
            self.used[slot] += 1
            self._grant(slot, rec, from_hospital)
        else:
            (self.queue_h if from_hospital else self.queue_o)[slot].append((now, rec))
            if slot not in self._over and len(self.queue_h[slot]) + len(self.queue_o[slot]) > self._limit[slot]:
                self._over[slot] = (now, len(self.queue_h[slot]) + len(self.queue_o[slot]), now, self.requests[slot])

    def _grant(self, slot: int, rec: Rec, from_hospital: bool) -> None:
        if not from_hospital:
            self._start_service(slot, rec)
            return
        delay = self.planning_delay + self._effect(rec, self.env._now).delay_delta
        if delay > 0:
            self._at(delay, self._leave, rec)
        else:
            self._leave(rec)

    def _release(self, slot: int) -> None:
        self.used[slot] -= 1
        self._serve(slot)

    def _change_capacity(self, payload: tuple[int, int]) -> None:
        slot, delta = payload
        self.cap[slot] = max(self.cap[slot] + delta, 0)  # a cut never evicts: stays end as planned
        self._serve(slot)

    def _serve(self, slot: int) -> None:
        """Give free places to the queues (hospital first when the service gives it priority)."""
        si = slot % _N_SERVICES
        while self.used[slot] < self.cap[slot]:
            qh, qo = self.queue_h[slot], self.queue_o[slot]
            if qh and (self.priority[si] or not qo or qh[0][0] <= qo[0][0]):
                rec, hosp = qh.popleft()[1], True
            elif qo:
                rec, hosp = qo.popleft()[1], False
            else:
                return
            self.used[slot] += 1
            self._grant(slot, rec, hosp)

    def _leave(self, rec: Rec) -> None:
        """Discharge alive: to home, or into the municipal place already reserved."""
        now, dest, m = self.env._now, rec[DEST], rec[MUNI]
        self.census[m] -= 1
        self._ev(now, rec[EID], _HOSP_LEAVE + dest)
        if dest != Place.HOME:
            self._start_service(m * _N_SERVICES + dest, rec)
        if dest == Place.LONG_TERM:
            return
        u = rec[UOUT]
        if u is None:  # above any chance of readmission or death
            return
        g = rec[GRP]
        p_r = min(self.p_readmit[g] * self._effect(rec, now).readmission_rr, 1.0)
        if u < p_r:
            # time to readmission: exponential with scale s, truncated to (0, 30] days
            dt = -self.readmit_scale * math.log(1.0 - rec[OFRAC] * self.readmit_norm)
            self._at(dt, self._readmit, rec)
        elif u < p_r + self.p_death30[g]:
            self._at(_READMIT_WINDOW * rec[OFRAC], self._die_after, rec)

    # A municipal stay is known by one int, ``eid << slot_bits | slot`` (its episode row and municipality x
    # service), and ends with ``_stay_end`` unless a readmission or death ended it first (``_ended``).
    def _start_service(self, slot: int, rec: Rec) -> None:
        eid = rec[EID]
        self._ev(self.env._now, eid, _SERVICE_START + slot % _N_SERVICES)
        self._at_stay_end(rec[STAY], eid << self._slot_bits | slot)

    def _stay_of(self, rec: Rec) -> int | None:
        """The code of the municipal stay this episode led to (started at discharge), if any."""
        dest = rec[DEST]
        return None if dest == Place.HOME else rec[EID] << self._slot_bits | rec[MUNI] * _N_SERVICES + dest

    def _stay_running(self, code: int) -> bool:
        eid = code >> self._slot_bits
        return eid >= len(self._ended) or not self._ended[eid]

    def _stay_end(self, code: int) -> None:
        if self._stay_running(code):
            self._end_stay(code, natural=True)

    def _end_stay(self, code: int, natural: bool) -> None:
        slot, eid = code & self._slot_mask, code >> self._slot_bits
        ended = self._ended
        if eid >= len(ended):
            ended.extend(bytes(eid + 1 - len(ended) + (1 << 16)))
        ended[eid] = 1
        si = slot % _N_SERVICES
        now = self.env._now
        self._ev(now, eid, _SERVICE_END + si)
        if natural and self.ends_in_death[si]:
            self._ev(now, eid, _DEATH + si)
        self._release(slot)

    def _die_after(self, rec: Rec) -> None:
        place = Place.HOME
        stay = self._stay_of(rec)  # a person has at most one municipal stay, started from this episode
        if stay is not None and self._stay_running(stay):
            place = (stay & self._slot_mask) % _N_SERVICES
            self._end_stay(stay, natural=False)
        self._ev(self.env._now, rec[EID], _DEATH + place)

    def _readmit(self, rec: Rec) -> None:
        stay = self._stay_of(rec)
        if stay is not None and self._stay_running(stay):
            self._end_stay(stay, natural=False)
        key = (rec[MUNI], rec[GRP])
        draws = self.readmit_draws.get(key)
        if draws is None:
            draws = self.readmit_draws[key] = _Episodes(self, rec[MUNI], rec[GRP], "readmission:")
        new = draws.next_record(self.log.person(rec[EID]), rec[EP] + 1, rec[BAND])
        self.patients += 1
        self._ev(self.env._now, new[EID], _ARRIVAL + Route.HOSPITAL)
        self._admit(new, 0)

    # ------------------------------------------------------------------------------------ background
    def _start_background(self) -> None:
        """Initial residents and requests from outside the pathway, per municipality x service."""
        s = self.scenario
        pop80 = population_by_band(s)[:, [i for i, b in enumerate(s.bands) if age_low(b) >= 80]].sum(axis=1)
        for mi, m in enumerate(s.municipality):
            for si, sname in enumerate(SERVICES):
                cfg = self.service_cfg[si]
                slot = mi * _N_SERVICES + si
                n0 = int(round(self.cap[slot] * cfg.initial_occupancy))
                if n0:
                    rng = stream(self.seed, self.replication, f"initial:{sname}:{m.name}")
                    stays = durations(cfg.stay_days, rng.random(n0)) * rng.random(n0)
                    for st in stays.tolist():
                        rec = self._background_record(mi, st)
                        self.used[slot] += 1
                        self._start_service(slot, rec)
                rate = cfg.other_requests_per_1000_80plus_year * pop80[mi] / 1000.0 / 365.0
                if rate > 0:
                    rng = stream(self.seed, self.replication, f"other:{sname}:{m.name}")
                    n = int(rate * self.until * 1.3) + 32
                    times = np.cumsum(rng.exponential(1.0 / rate, size=n))
                    stays = durations(cfg.stay_days, rng.random(n))
                    keep = times < self.until
                    # the requests of the whole run, last first, as plain arrays (popped from the end)
                    todo = (array("d", times[keep][::-1].tobytes()), array("d", stays[keep][::-1].tobytes()))
                    if todo[0]:
                        self._at(todo[0][-1], self._background_request, (slot, todo))

    def _background_record(self, mi: int, stay: float) -> Rec:
        pid = self.next_background
        self.next_background -= 1
        return (self.log.new_episode(pid, 1, mi, BACKGROUND_GROUP, 0), stay)

    def _background_request(self, payload: tuple[int, tuple[array[float], array[float]]]) -> None:
        slot, (times, stays) = payload
        times.pop()
        stay = stays.pop()
        self._request(slot, self._background_record(slot // _N_SERVICES, stay), False)
        if times:
            self._at(times[-1] - self.env._now, self._background_request, payload)

    # ------------------------------------------------------------------------------------ stability
    def _start_watch(self) -> None:
        if self.check_stability and self.until > 1.0:
            self._at(1.0, self._watch, None)

    def _watch(self, _: Any) -> None:
        """Daily: raise :class:`UnstableScenario` if a long queue kept growing, or the census exploded."""
        now = self.env._now
        for slot, (t0, q0, t1, r1) in list(self._over.items()):
            q = len(self.queue_h[slot]) + len(self.queue_o[slot])
            if q <= self._limit[slot]:
                del self._over[slot]
            elif now - t0 >= _WATCH_WINDOW_DAYS:
                if q > q0:
                    raise self._unstable_queue(slot, q, (self.requests[slot] - r1) / (now - t1))
                self._over[slot] = (now, q, t1, r1)
        if sum(self.census) > self._census_limit:
            raise self._unstable_census()
        if self.patients > _EPISODES_PER_PATIENT_LIMIT * self.next_pid:
            raise self._unstable_census(loop=True)
        if now + 1.0 < self.until:
            self._at(1.0, self._watch, None)

    def _unstable_queue(self, slot: int, waiting: int, rate: float) -> UnstableScenario:
        """The error for a queue that grows; ``rate`` = requests per day while it was too long."""
        now = self.env._now
        mname = self.scenario.municipality[slot // _N_SERVICES].name
        service = SERVICES[slot % _N_SERVICES]
        cap = self.cap[slot]
        if cap > 0:
            mean_stay = float(self.service_cfg[slot % _N_SERVICES].stay_days.mean)
            load = f"{rate * mean_stay / cap:.2f}"
        else:
            load = "inf (no places)"
        return UnstableScenario(f"municipality {mname}: {service} queue grows without bound ({waiting} waiting after "
                                f"{now:.0f} days; offered load rho = {load})", mname, service, now)

    def _unstable_census(self, loop: bool = False) -> UnstableScenario:
        now = self.env._now
        mi = max(range(len(self.census)), key=self.census.__getitem__)
        mname = self.scenario.municipality[mi].name
        beds = self.scenario.hospital.beds
        per_patient = self.patients / max(self.next_pid, 1)
        g = max(self.scenario.group, key=lambda x: x.readmission_30d)
        if loop:
            return UnstableScenario(
                f"municipality {mname}: hospital readmission loop does not drain ({per_patient:.1f} episodes per "
                f"patient after {now:.0f} days; readmission_30d = {g.readmission_30d:g} in group {g.name})",
                mname, "hospital", now)
        return UnstableScenario(
            f"municipality {mname}: hospital census grows without bound ({sum(self.census)} in hospital after "
            f"{now:.0f} days with {beds} staffed beds, {self.census[mi]} of them from {mname}; "
            f"{per_patient:.1f} episodes per patient: the readmission loop does not drain "
            f"(readmission_30d = {g.readmission_30d:g} in group {g.name})", mname, "hospital", now)

    # ------------------------------------------------------------------------------------ run
    def run(self) -> RunResult:
        """Run warm-up plus horizon and return the event log.

        Raises
        ------
        UnstableScenario
            When a municipal queue or the hospital census grows without bound (``check_stability``).
        """
        t0 = time.process_time()
        # The run builds many small lists and no reference cycles; the cyclic garbage collector would
        # only rescan them again and again (about a sixth of the run time), so it is paused meanwhile.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._start_watch()
            self._start_background()
            self._start_arrivals()
            for day, mi, si, delta in self.capacity_changes:
                if day > 0:
                    self._at(day, self._change_capacity, (mi * _N_SERVICES + si, delta))
            self._run_calendar()
        finally:
            # Break the reference cycles through self (bound methods in the callbacks and in the entries
            # still pending at the end, the readmission draws), so that a finished replication is freed at
            # once rather than at the next garbage collection (which kept two replications in memory).
            for name in _CALLBACKS:
                self.__dict__.pop(name, None)
            self.env._queue.clear()
            self._buckets = []
            self._stay_buckets = []
            self.readmit_draws.clear()
            self.queue_h = self.queue_o = []
            if gc_was_enabled:
                gc.enable()
        self._arr = {}
        self._arr_time = array("d")
        self._chunk = []
        log = self.log.arrays()
        return RunResult(log=log, replication=self.replication, patients=self.patients, events=len(log),
                         cpu_seconds=time.process_time() - t0, parameters=dict(self.parameters))


def simulate(scenario: Scenario, replication: int = 0, seed: int | None = None,
             parameter_uncertainty: bool | None = None, check_stability: bool = True) -> RunResult:
    """Run one replication (see :class:`Simulation`)."""
    return Simulation(scenario, replication, seed, parameter_uncertainty, check_stability).run()
