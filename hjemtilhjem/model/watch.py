"""The stability watch: a cheap daily check that the scenario has a steady state.

A pool's queue that is long and still longer ``WATCH_WINDOW_DAYS`` later, a hospital census above
``CENSUS_LIMIT_PER_BED`` x staffed beds, or more than ``EPISODES_PER_PATIENT_LIMIT`` hospital episodes per patient (a
readmission loop that does not drain) means the scenario has no steady state: the run stops and says where.

Only the people who cannot leave a queue count: patients waiting in hospital, and people waiting at home where
the service gives no rate of leaving (``leave_queue_per_year``); a waiting list that sheds people settles. A queue
is long above max(``QUEUE_LIMIT_MIN``, min(``QUEUE_LIMIT_PER_PLACE`` x places, ``QUEUE_LIMIT_TURNOVER_YEARS`` x the
places freed a year)): for places with long stays (long-term care frees about half its places a year) a year's
turnover is the limit, so a slowly growing queue of a large pool is seen too (5 x 1,300 places was not).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from ..scenario.schema import Scenario
from .errors import UnstableScenario
from .network import Network

__all__ = ["Watch"]

QUEUE_LIMIT_MIN = 50
QUEUE_LIMIT_PER_PLACE = 5
QUEUE_LIMIT_TURNOVER_YEARS = 1.0
WATCH_WINDOW_DAYS = 30.0
CENSUS_LIMIT_PER_BED = 20
EPISODES_PER_PATIENT_LIMIT = 20


class Watch:
    """Stability watch of :class:`~hjemtilhjem.model.engine.Simulation` (a mixin)."""

    scenario: Scenario
    network: Network
    env: Any
    until: float
    check_stability: bool
    cap: list[float]
    requests: list[int]
    queue_h: list[deque[Any]]
    queue_o: list[deque[Any]]
    service_cfg: list[Any]
    pool_service: list[int]
    census: list[int]
    patients: int
    next_pid: int
    _at: Callable[[float, Callable[[Any], None], Any], None]

    def _init_watch(self) -> None:
        # pool -> (day, queue length) at the start of the watch window, (day, requests) when first too long
        self._over: dict[int, tuple[float, int, float, int]] = {}
        # a queue is "long" by clients: a pool in hours counts its places as hours / mean hours per client
        places = [c / (float(self.service_cfg[p.service].hours_per_client.mean) if p.by_hours else 1.0)
                  for c, p in zip(self.cap, self.network.pools, strict=True)]
        turnover = [c * 365.0 / max(float(self.service_cfg[p.service].stay_days.mean), 1e-9)
                    for c, p in zip(places, self.network.pools, strict=True)]
        self._limit = [max(QUEUE_LIMIT_MIN, int(min(QUEUE_LIMIT_PER_PLACE * c, QUEUE_LIMIT_TURNOVER_YEARS * t)))
                       for c, t in zip(places, turnover, strict=True)]
        # people waiting at home count when they cannot leave the queue
        self._home_stuck = [self.service_cfg[p.service].leave_queue_per_year.total <= 0 for p in self.network.pools]
        self._census_limit = [CENSUS_LIMIT_PER_BED * (h.beds or 1_000_000) for h in self.network.hospitals]

    def _start_watch(self) -> None:
        if self.check_stability and self.until > 1.0:
            self._at(1.0, self._watch, None)

    def _watch(self, _: Any) -> None:
        """Daily: raise :class:`UnstableScenario` if a long queue kept growing, or the census exploded."""
        now = self.env._now
        for pool, (t0, q0, t1, r1) in list(self._over.items()):
            q = self._stuck(pool)
            if q <= self._limit[pool]:
                del self._over[pool]
            elif now - t0 >= WATCH_WINDOW_DAYS:
                if q > q0:
                    raise self._unstable_queue(pool, q, (self.requests[pool] - r1) / (now - t1))
                self._over[pool] = (now, q, t1, r1)
        if any(c > limit for c, limit in zip(self.census, self._census_limit, strict=True)):
            raise self._unstable_census()
        if self.patients > EPISODES_PER_PATIENT_LIMIT * self.next_pid:
            raise self._unstable_census(loop=True)
        if now + 1.0 < self.until:
            self._at(1.0, self._watch, None)

    def _stuck(self, pool: int) -> int:
        """People in the queue of ``pool`` who cannot leave it."""
        return len(self.queue_h[pool]) + (len(self.queue_o[pool]) if self._home_stuck[pool] else 0)

    def _unstable_queue(self, pool: int, waiting: int, rate: float) -> UnstableScenario:
        """The error for a queue that grows; ``rate`` = requests per day while it was too long."""
        now = self.env._now
        p = self.network.pools[pool]
        mname = ", ".join(self.network.municipalities[m] for m in p.members)
        where = f"municipality {mname}" if len(p.members) == 1 else f"pool {p.name} ({mname})"
        cap = self.cap[pool]
        if cap > 0:
            mean_stay = float(self.service_cfg[p.service].stay_days.mean)
            load = f"{rate * mean_stay / cap:.2f}"
        else:
            load = "inf (no places)"
        return UnstableScenario(f"{where}: {p.service_name} queue grows without bound ({waiting} waiting after "
                                f"{now:.0f} days; offered load rho = {load})", mname, p.service_name, now)

    def _unstable_census(self, loop: bool = False) -> UnstableScenario:
        now = self.env._now
        hi = max(range(len(self.census)), key=self.census.__getitem__)
        site = self.network.hospitals[hi]
        per_patient = self.patients / max(self.next_pid, 1)
        g = max(self.scenario.group, key=lambda x: x.readmission_30d)
        if loop:
            return UnstableScenario(
                f"{site.name}: hospital readmission loop does not drain ({per_patient:.1f} episodes per "
                f"patient after {now:.0f} days; readmission_30d = {g.readmission_30d:g} in group {g.name})",
                site.name, "hospital", now)
        return UnstableScenario(
            f"{site.name}: hospital census grows without bound ({self.census[hi]} in hospital after "
            f"{now:.0f} days with {site.beds} staffed beds; {per_patient:.1f} episodes per patient: the readmission "
            f"loop does not drain (readmission_30d = {g.readmission_30d:g} in group {g.name})",
            site.name, "hospital", now)
