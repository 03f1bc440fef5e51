"""Pools of municipal places: request, serve, release; stays; people outside the hospital pathway.

A pool (see :mod:`.network`) has a hard capacity and two FIFO queues: patients waiting in hospital and
people waiting at home. A free place goes to the hospital queue first when the service gives hospital
patients priority (``hospital_priority``), otherwise to whoever asked first.

A pool counted in hours per week (home care) gives each client the hours the client needs (``hours`` of the
record) when they are free; the queue is served in order, so a client who needs many hours is not overtaken.

An *interim* place: when a hospital patient's destination is full and the service names an interim service
(``services.long_term.interim = "short_term"``) with a free place and nobody waiting for it, the patient takes
the interim place, leaves hospital and keeps the place in the destination's queue; when the destination's place
comes, the patient moves there and the interim place is freed. An interim place that frees later, with nobody
waiting for it, goes to the first such patient still in hospital.

A municipal stay is known by one int, ``eid << pool_bits | pool`` (its episode row and pool), and ends with
``_stay_end`` unless a readmission or death ended it first (``_ended``).
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from ..eventlog import BACKGROUND_GROUP, SERVICES, Kind, Place
from ..scenario.calendar import age_low, population_by_band, working_days
from ..scenario.schema import Scenario
from .draws import DEST, EID, HOSP, HOURS, MUNI, STAY, Rec, background_record
from .load import offered_loads
from .network import Network
from .rng import stream
from .sampling import durations, residual_durations

__all__ = ["Places"]

_SERVICE_REQUEST, _SERVICE_START, _SERVICE_END, _DEATH, _HOSP_LEAVE = (16 * k for k in (
    Kind.SERVICE_REQUEST, Kind.SERVICE_START, Kind.SERVICE_END, Kind.DEATH, Kind.HOSP_LEAVE))


class Places:
    """Pool methods of :class:`~hjemtilhjem.model.engine.Simulation` (a mixin)."""

    scenario: Scenario
    network: Network
    seed: int
    replication: int
    until: float
    env: Any
    log: Any
    _ev: Callable[[float, int, int], None]
    _at: Callable[[float, Callable[[Any], None], Any], None]
    _at_stay_end: Callable[[float, int], None]
    _leave: Callable[[Rec], None]
    census: list[int]
    _effect: Callable[[Rec, float], Any]
    _over: dict[int, tuple[float, int, float, int]]
    _limit: list[int]
    _stuck: Callable[[int], int]
    next_background: int

    def _init_places(self) -> None:
        net = self.network
        n = net.n_pools
        self.cap: list[float] = [p.capacity for p in net.pools]
        self.used: list[float] = [0] * n
        self.queue_h: list[deque[Any]] = [deque() for _ in range(n)]  # waiting in hospital
        self.queue_o: list[deque[Any]] = [deque() for _ in range(n)]  # waiting at home (background)
        self.requests = [0] * n  # requests per pool (for the offered load)
        self.left_queue = [0] * n  # people who left a pool's queue while waiting at home
        self.pool_service = [p.service for p in net.pools]
        self.by_hours = [p.by_hours for p in net.pools]
        self._held: dict[int, float] = {}  # hours held by each client of a pool in hours (by episode row)
        self.pool_of = net.pool_of
        self._pool_bits = max(n - 1, 1).bit_length()
        self._pool_mask = (1 << self._pool_bits) - 1
        for day, pool, delta in net.capacity_changes:
            if day <= 0:
                self.cap[pool] = max(self.cap[pool] + delta, 0)
        self.service_cfg = [getattr(self.scenario.services, name) for name in SERVICES]
        self.priority = [cfg.hospital_priority for cfg in self.service_cfg]
        self.ends_in_death = [cfg.ends_in_death for cfg in self.service_cfg]
        self.planning_delay = self.scenario.discharge.planning_delay_days
        # receiving on working days only (services.<x>.receives_on = "weekdays"): the calendar of the run
        self.weekdays_only = [cfg.receives_on == "weekdays" for cfg in self.service_cfg]
        self.planning_working_days = self.scenario.discharge.planning_delay_working_days
        self.working = working_days(self.scenario).tolist() \
            if any(self.weekdays_only) or self.planning_working_days else []
        hours = self.scenario.calendar.receiving_hours
        self.receiving_hours = (hours[0] / 24.0, hours[1] / 24.0)
        # interim[service] = the service whose free place a hospital patient waiting for it may take, or -1
        self.interim = [-1 if cfg.interim is None else SERVICES.index(cfg.interim) for cfg in self.service_cfg]
        self._in_interim: dict[int, int] = {}  # episode row -> interim pool, while waiting there
        # interim_for[pool] = the pools whose hospital waiters may take a free place of ``pool`` as interim
        self.interim_for: list[list[int]] = [[] for _ in range(n)]
        for row in net.pool_of:
            for si, ii in enumerate(self.interim):
                if ii >= 0 and row[si] not in self.interim_for[row[ii]]:
                    self.interim_for[row[ii]].append(row[si])
        # _ended[eid] = 1 once the municipal stay started from episode row ``eid`` has ended (grown on demand)
        self._ended = bytearray(1 << 16)

    def _request(self, pool: int, rec: Rec, from_hospital: bool) -> None:
        now = self.env._now
        si = self.pool_service[pool]
        self._ev(now, rec[EID], _SERVICE_REQUEST + si)
        self.requests[pool] += 1
        need = rec[HOURS] if self.by_hours[pool] else 1
        if self.used[pool] + need <= self.cap[pool]:
            self.used[pool] += need
            self._grant(pool, rec, from_hospital)
            return
        (self.queue_h if from_hospital else self.queue_o)[pool].append((now, rec))
        if pool not in self._over and (q := self._stuck(pool)) > self._limit[pool]:
            self._over[pool] = (now, q, now, self.requests[pool])
        if from_hospital and self.interim[si] >= 0:
            self._try_interim(self.pool_of[rec[MUNI]][self.interim[si]], rec)

    def _try_interim(self, pool: int, rec: Rec) -> None:
        """Take a free place of ``pool`` while waiting, if nobody waits for it (no queue is overtaken)."""
        need = rec[HOURS] if self.by_hours[pool] else 1
        if self.queue_h[pool] or self.queue_o[pool] or self.used[pool] + need > self.cap[pool]:
            return
        self.used[pool] += need
        self._in_interim[rec[EID]] = pool
        self._discharge(pool, rec, self._leave_to_interim)

    def _leave_to_interim(self, rec: Rec) -> None:
        """Leave hospital for the interim place (unless the destination's place came first)."""
        eid = rec[EID]
        pool = self._in_interim.get(eid)
        if pool is None:  # the destination's place came during the planning delay
            return
        now, si = self.env._now, self.pool_service[pool]
        self._in_interim[eid] = ~pool  # left hospital: in the interim place (a negative marker)
        self.census[rec[HOSP]] -= 1
        self._ev(now, eid, _HOSP_LEAVE + si)
        self._ev(now, eid, _SERVICE_START + si)

    def _end_interim(self, rec: Rec) -> bool:
        """Free the interim place of a patient whose destination place came; True when the patient was in it."""
        eid = rec[EID]
        pool = self._in_interim.pop(eid)
        left = pool < 0
        pool = ~pool if left else pool
        if left:
            self._ev(self.env._now, eid, _SERVICE_END + self.pool_service[pool])
        self._release(pool, rec[HOURS] if self.by_hours[pool] else 1)
        return left

    def _grant(self, pool: int, rec: Rec, from_hospital: bool) -> None:
        if not from_hospital:
            self._start_service(pool, rec)
            return
        if self._in_interim and rec[EID] in self._in_interim and self._end_interim(rec):
            self._start_service(pool, rec)  # from the interim place: no planning delay, already out of hospital
            return
        if self.working:  # working days count somewhere (receiving days, planning time)
            self._discharge(pool, rec, self._leave)
            return
        delay = self.planning_delay + self._effect(rec, self.env._now).delay_delta
        if delay > 0:
            self._at(delay, self._leave, rec)
        else:
            self._leave(rec)

    def _discharge(self, pool: int, rec: Rec, leave: Callable[[Rec], None]) -> None:
        """``leave(rec)`` after the planning delay, when the pool's service next receives (working days)."""
        now = self.env._now
        delay = self.planning_delay + self._effect(rec, now).delay_delta
        if self.planning_working_days:
            delay = self._after_working_days(now, self.planning_working_days) - now + delay
        if self.weekdays_only[self.pool_service[pool]]:
            delay = self._receiving(now + max(delay, 0.0)) - now
        if delay > 0:
            self._at(delay, leave, rec)
        else:
            leave(rec)

    def _after_working_days(self, t: float, n: float) -> float:
        """``t`` plus ``n`` days of working time: the clock of the planning runs on working days only."""
        working, rest = self.working, n
        while rest > 0 and t < len(working):
            day = int(t)
            if not working[day]:
                t = day + 1.0
                continue
            step = min(rest, day + 1.0 - t)
            t += step
            rest -= step
        return min(t, self.until)

    def _receiving(self, t: float) -> float:
        """The first time at or after ``t`` in the receiving hours of a working day (the end of the run if none)."""
        day = int(t)
        start, end = self.receiving_hours
        working = self.working
        if day < len(working) and working[day] and t - day < end:
            return max(t, day + start)
        day += 1
        while day < len(working) and not working[day]:
            day += 1
        return day + start if day < len(working) else self.until

    def _release(self, pool: int, amount: float = 1) -> None:
        self.used[pool] -= amount
        self._serve(pool)

    def _change_capacity(self, payload: tuple[int, int]) -> None:
        pool, delta = payload
        self.cap[pool] = max(self.cap[pool] + delta, 0)  # a cut never evicts: stays end as planned
        self._serve(pool)

    def _serve(self, pool: int) -> None:
        """Give free places to the queues in order (hospital first when the service gives it priority)."""
        used, cap = self.used, self.cap  # the lists themselves: _grant may change their items
        qh, qo = self.queue_h[pool], self.queue_o[pool]
        if not (qh or qo):  # nobody waits (the common case when a place frees)
            if used[pool] < cap[pool] and self.interim_for[pool]:
                self._offer_interim(pool)
            return
        priority = self.priority[self.pool_service[pool]]
        hours = self.by_hours[pool]
        while used[pool] < cap[pool]:
            if qh and (priority or not qo or qh[0][0] <= qo[0][0]):
                queue, hosp = qh, True
            elif qo:
                queue, hosp = qo, False
            else:
                if self.interim_for[pool]:
                    self._offer_interim(pool)
                return
            need = queue[0][1][HOURS] if hours else 1
            if used[pool] + need > cap[pool]:
                return
            rec = queue.popleft()[1]
            used[pool] += need
            self._grant(pool, rec, hosp)

    def _offer_interim(self, pool: int) -> None:
        """A free place of ``pool`` with nobody waiting for it: to the first patient waiting in hospital for a
        destination that uses ``pool`` as its interim place (and not in an interim place already). A destination
        shared by several municipalities holds patients whose own interim pool may be another one."""
        for dest in self.interim_for[pool]:
            si = self.interim[self.pool_service[dest]]
            for _, rec in self.queue_h[dest]:
                if rec[EID] not in self._in_interim and self.pool_of[rec[MUNI]][si] == pool:
                    self._try_interim(pool, rec)
                    if self.used[pool] >= self.cap[pool]:
                        return

    # ------------------------------------------------------------------------------------ stays
    def _start_service(self, pool: int, rec: Rec) -> None:
        eid = rec[EID]
        self._ev(self.env._now, eid, _SERVICE_START + self.pool_service[pool])
        if self.by_hours[pool]:
            self._held[eid] = rec[HOURS]
        self._at_stay_end(rec[STAY], eid << self._pool_bits | pool)

    def _stay_of(self, rec: Rec) -> int | None:
        """The code of the municipal stay this episode led to (started at discharge), if any."""
        dest = rec[DEST]
        return None if dest == Place.HOME else rec[EID] << self._pool_bits | self.pool_of[rec[MUNI]][dest]

    def _stay_running(self, code: int) -> bool:
        eid = code >> self._pool_bits
        return eid >= len(self._ended) or not self._ended[eid]

    def _stay_service(self, code: int) -> int:
        return self.pool_service[code & self._pool_mask]

    def _stay_end(self, code: int) -> None:
        eid = code >> self._pool_bits
        if eid >= len(self._ended) or not self._ended[eid]:  # self._stay_running(code), inline: once per stay
            self._end_stay(code, natural=True)

    def _end_stay(self, code: int, natural: bool) -> None:
        pool, eid = code & self._pool_mask, code >> self._pool_bits
        ended = self._ended
        if eid >= len(ended):
            ended.extend(bytes(eid + 1 - len(ended) + (1 << 16)))
        ended[eid] = 1
        si = self.pool_service[pool]
        now = self.env._now
        self._ev(now, eid, _SERVICE_END + si)
        if natural and self.ends_in_death[si]:
            self._ev(now, eid, _DEATH + si)
        self.used[pool] -= self._held.pop(eid) if self.by_hours[pool] else 1  # self._release, inline
        self._serve(pool)

    # ------------------------------------------------------------------------------------ background
    def _start_background(self) -> None:
        """Initial residents and requests from outside the pathway, per municipality x service."""
        s = self.scenario
        pop80 = population_by_band(s)[:, [i for i, b in enumerate(s.bands) if age_low(b) >= 80]].sum(axis=1)
        loads = None  # offered loads by pool, for services that start at their load (initial_at_load)
        for mi, m in enumerate(s.municipality):
            for si, sname in enumerate(SERVICES):
                cfg = self.service_cfg[si]
                pool = self.pool_of[mi][si]
                p = self.network.pools[pool]
                # a shared pool starts occupied by its members' residents in proportion to their 80+ population
                weight = 1.0 if len(p.members) == 1 else pop80[mi] / max(pop80[list(p.members)].sum(), 1e-12)
                hours = self._hours_drawer(sname, m.name) if p.by_hours else None
                occupancy = cfg.initial_occupancy
                if cfg.initial_at_load:
                    if loads is None:
                        loads = offered_loads(s, self.network)
                    occupancy = min(occupancy, loads[pool].load)
                n0 = int(round(self.cap[pool] * weight * occupancy / (hours.mean if hours else 1)))
                if n0:
                    rng = stream(self.seed, self.replication, f"initial:{sname}:{m.name}")
                    if cfg.initial_stays == "equilibrium":
                        stays = residual_durations(cfg.stay_days, rng.random(n0), rng.random(n0))
                    else:  # version 1: a whole stay times U(0, 1), short of the steady state's remaining stays
                        stays = durations(cfg.stay_days, rng.random(n0)) * rng.random(n0)
                    for st in stays.tolist():
                        need = hours.next() if hours else 1
                        if self.used[pool] + need > self.cap[pool]:
                            break
                        rec = self._background_record(mi, st, need if hours else None)
                        self.used[pool] += need
                        self._start_service(pool, rec)
                n_wait = int(round(cfg.initial_waiting_per_1000_80plus * pop80[mi] / 1000.0))
                if n_wait:
                    self._initial_waiting(pool, mi, sname, n_wait, hours)
                rate = cfg.other_requests_per_1000_80plus_year * pop80[mi] / 1000.0 / 365.0
                if rate > 0:
                    rng = stream(self.seed, self.replication, f"other:{sname}:{m.name}")
                    n = int(rate * self.until * 1.3) + 32
                    times = np.cumsum(rng.exponential(1.0 / rate, size=n))
                    keep = times < self.until
                    stays = durations(cfg.stay_days, rng.random(n)[keep])  # (elementwise: for the kept ones only)
                    # the requests of the whole run, last first, as plain arrays (popped from the end)
                    todo = (array("d", times[keep][::-1].tobytes()), array("d", stays[::-1].tobytes()))
                    leaving = self._leaving_draws(sname, m.name, int(keep.sum()))
                    if todo[0]:
                        self._at(todo[0][-1], self._background_request, (pool, mi, todo, hours, leaving))

    def _hours_drawer(self, service: str, municipality: str) -> _Hours:
        cfg = self.service_cfg[SERVICES.index(service)]
        rng = stream(self.seed, self.replication, f"other_hours:{service}:{municipality}")
        return _Hours(cfg.hours_per_client, rng)

    def _background_record(self, mi: int, stay: float, hours: float | None = None) -> Rec:
        pid = self.next_background
        self.next_background -= 1
        return background_record(self.log.new_episode(pid, 1, mi, BACKGROUND_GROUP, 0, -1), stay, hours)

    def _leaving_draws(self, service: str, municipality: str, n: int) -> tuple[array[float], array[int]] | None:
        """For each request from home (last first): when the person would leave the queue (days after the request)
        and whether by death (1) or withdrawal (0); None when nobody leaves (``leave_queue_per_year``)."""
        rates = self.service_cfg[SERVICES.index(service)].leave_queue_per_year
        total = rates.total
        if total <= 0:
            return None
        rng = stream(self.seed, self.replication, f"leave_queue:{service}:{municipality}")
        after = rng.exponential(365.0 / total, size=n)
        death = (rng.random(n) < rates.death / total).astype(np.int64)
        return array("d", after[::-1].tobytes()), array("q", death[::-1].tobytes())

    def _initial_waiting(self, pool: int, mi: int, sname: str, n: int, hours: _Hours | None) -> None:
        """A waiting list at day 0: ``n`` people from home ask for a place (and may leave the queue as others do)."""
        m = self.scenario.municipality[mi].name
        rng = stream(self.seed, self.replication, f"waiting:{sname}:{m}")
        stays = durations(self.service_cfg[SERVICES.index(sname)].stay_days, rng.random(n))
        leaving = self._leaving_draws(sname, f"{m}:waiting", n)
        for stay in stays.tolist():
            self._request_from_home(pool, self._background_record(mi, stay, hours.next() if hours else None),
                                    leaving)

    def _request_from_home(self, pool: int, rec: Rec, leaving: tuple[array[float], array[int]] | None) -> None:
        """A request from home; if it waits, it leaves the queue at its drawn time (``leaving``, popped) unless
        placed first."""
        self._request(pool, rec, False)
        if leaving is not None:
            after, death = leaving[0].pop(), leaving[1].pop()
            queue = self.queue_o[pool]
            if queue and queue[-1][1] is rec:
                self._at(after, self._leave_queue, (pool, queue[-1], death))

    def _background_request(self, payload: tuple[int, int, tuple[array[float], array[float]], _Hours | None,
                                                 tuple[array[float], array[int]] | None]) -> None:
        pool, mi, (times, stays), hours, leaving = payload
        times.pop()
        stay = stays.pop()
        self._request_from_home(pool, self._background_record(mi, stay, hours.next() if hours else None), leaving)
        if times:
            self._at(times[-1] - self.env._now, self._background_request, payload)

    def _leave_queue(self, payload: tuple[int, tuple[float, Rec], int]) -> None:
        """A person waiting at home leaves the queue (death: logged as a death at home), unless already placed."""
        pool, entry, death = payload
        try:
            self.queue_o[pool].remove(entry)
        except ValueError:
            return
        self.left_queue[pool] += 1
        if death:
            self._ev(self.env._now, entry[1][EID], _DEATH + Place.HOME)

    def _clear_places(self) -> None:
        self.queue_h = self.queue_o = []


class _Hours:
    """Hours per week of new home-care clients from outside the hospital pathway, drawn in blocks."""

    def __init__(self, dist: Any, rng: np.random.Generator):
        self.dist, self.rng = dist, rng
        self.mean = float(dist.mean)
        self.block: list[float] = []

    def next(self) -> float:
        if not self.block:
            self.block = durations(self.dist, self.rng.random(256)).tolist()
            self.block.reverse()
        return self.block.pop()
