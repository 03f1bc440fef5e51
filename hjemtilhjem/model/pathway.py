"""The pathway's steps, each a calendar callback that does one step and schedules the next.

acute event -> triage (home / KAD if a bed is free / hospital) -> hospital stay (soft capacity) ->
utskrivningsklar -> waits for a place in the pool of its destination while holding the hospital bed ->
discharge -> 30-day readmission or death -> ...

Events are logged as ``ev(time, episode_row, kind * 16 + extra)`` (see :class:`~hjemtilhjem.eventlog.EventLog`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..eventlog import Kind, Place, Route
from .draws import BAND, DEST, DIE, EID, EP, FX, GRP, HOSP, KADLOS, KADTX, LOS, MUNI, OFRAC, UOUT, Episodes, Rec
from .effects import Effect, EffectTable, effect_at

__all__ = ["Pathway", "READMISSION_WINDOW_DAYS"]

READMISSION_WINDOW_DAYS = 30.0
_ARRIVAL, _HOSP_ADMIT, _READY, _HOSP_LEAVE, _KAD_ADMIT, _KAD_LEAVE, _DEATH = (16 * k for k in (
    Kind.ARRIVAL, Kind.HOSP_ADMIT, Kind.READY, Kind.HOSP_LEAVE, Kind.KAD_ADMIT, Kind.KAD_LEAVE, Kind.DEATH))


class Pathway:
    """Pathway steps of :class:`~hjemtilhjem.model.engine.Simulation` (a mixin)."""

    env: Any
    log: Any
    n_groups: int
    effects: EffectTable
    patients: int
    census: list[int]
    cap: list[float]
    used: list[float]
    pool_of: tuple[tuple[int, ...], ...]
    p_readmit: list[float]
    p_death30: list[float]
    readmit_scale: float
    ready_window: tuple[float, float] | None
    readmit_norm: float
    readmit_draws: dict[tuple[int, int], Episodes]
    _ev: Callable[[float, int, int], None]
    _at: Callable[[float, Callable[[Any], None], Any], None]
    _request: Callable[[int, Rec, bool], None]
    _release: Callable[..., None]
    _start_service: Callable[[int, Rec], None]
    _stay_of: Callable[[Rec], int | None]
    _stay_running: Callable[[int], bool]
    _stay_service: Callable[[int], int]
    _end_stay: Callable[[int, bool], None]

    def _enter(self, rec: Rec, route: int) -> None:
        """An acute event enters: to KAD when a KAD place is free, else to hospital (or treated at home)."""
        now = self.env._now
        self.patients += 1
        if route == Route.KAD:
            pool = self.pool_of[rec[MUNI]][Place.KAD]
            if self.used[pool] < self.cap[pool]:
                self.used[pool] += 1
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
        self._release(self.pool_of[rec[MUNI]][Place.KAD], 1)
        if tx:
            self._admit(rec, 1)

    def _effect(self, rec: Rec, now: float) -> Effect:
        pieces = self.effects.entries[rec[FX]]
        return pieces[0] if len(pieces) == 1 else effect_at(pieces, now)

    def _admit(self, rec: Rec, source: int) -> None:
        now = self.env._now
        self.census[rec[HOSP]] += 1
        self._ev(now, rec[EID], _HOSP_ADMIT + source)
        pieces = self.effects.entries[rec[FX]]  # self._effect(rec, now), inline: once per admission
        e = pieces[0] if len(pieces) == 1 else effect_at(pieces, now)
        los = rec[LOS] * e.los_mult + e.los_delta
        if 0.01 > los:  # max(los, 0.01), without the call
            los = 0.01
        if (dfrac := rec[DIE]) is not None:
            self._at(los * dfrac, self._die_in_hospital, rec)
        elif self.ready_window is None:
            self._at(los, self._ready, rec)
        else:  # declared utskrivningsklar at the next ward round (``discharge.ready_hours``)
            t = now + los
            day = math.floor(t)
            start, end = self.ready_window
            if t - day < start:
                t = day + start
            elif t - day >= end:
                t = day + 1.0 + start
            self._at(t - now, self._ready, rec)

    def _die_in_hospital(self, rec: Rec) -> None:
        now, eid, ev = self.env._now, rec[EID], self._ev
        self.census[rec[HOSP]] -= 1
        ev(now, eid, _DEATH + Place.HOSPITAL)
        ev(now, eid, _HOSP_LEAVE + Place.DEAD)

    def _ready(self, rec: Rec) -> None:
        """Utskrivningsklar: home at once, or ask the destination's pool for a place (waiting in hospital)."""
        dest = rec[DEST]
        self._ev(self.env._now, rec[EID], _READY + dest)
        if dest == Place.HOME:
            self._leave(rec)
        else:
            self._request(self.pool_of[rec[MUNI]][dest], rec, True)

    def _leave(self, rec: Rec) -> None:
        """Discharge alive: to home, or into the municipal place already reserved."""
        now, dest, m = self.env._now, rec[DEST], rec[MUNI]
        self.census[rec[HOSP]] -= 1
        self._ev(now, rec[EID], _HOSP_LEAVE + dest)
        if dest != Place.HOME:
            self._start_service(self.pool_of[m][dest], rec)
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
            self._at(READMISSION_WINDOW_DAYS * rec[OFRAC], self._die_after, rec)

    def _die_after(self, rec: Rec) -> None:
        place = Place.HOME
        stay = self._stay_of(rec)  # a person has at most one municipal stay, started from this episode
        if stay is not None and self._stay_running(stay):
            place = self._stay_service(stay)
            self._end_stay(stay, False)
        self._ev(self.env._now, rec[EID], _DEATH + place)

    def _readmit(self, rec: Rec) -> None:
        stay = self._stay_of(rec)
        if stay is not None and self._stay_running(stay):
            self._end_stay(stay, False)
        key = (rec[MUNI], rec[GRP])
        draws = self.readmit_draws.get(key)
        if draws is None:
            draws = self.readmit_draws[key] = Episodes(self, rec[MUNI], rec[GRP], "readmission:", kad=False)  # type: ignore[arg-type]
        new = draws.next_record(self.log.person(rec[EID]), rec[EP] + 1, rec[BAND], rec[HOSP])
        self.patients += 1
        self._ev(self.env._now, new[EID], _ARRIVAL + Route.HOSPITAL)
        self._admit(new, 0)
