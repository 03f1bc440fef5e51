"""Offered load of each pool, from the scenario alone (before any simulation).

The load of a pool is the places its requests would keep busy on average, over the places it has:
``rho = requests per day x mean stay / places`` (for home care in hours: x mean hours per client / hours). At
``rho >= 1`` the queue grows without bound unless people leave it (a pool nobody asks for has load 0, also with
no places). Requests come from the hospital pathway
(acute events x the share admitted x the share discharged alive to the service, with the readmission loop) and
from home (``other_requests_per_1000_80plus_year``); the KAD pool is asked by the acute events triaged to KAD.
The pathway's own load (``pathway_load``) matters on its own where the service gives hospital patients priority:
they are served first but never leave the queue, so at ``pathway_load >= 1`` their queue grows without bound
whatever people waiting at home do. Where people waiting at home leave the queue (``leave_queue_per_year``), a
load above 1 settles at a waiting list (``waiting_list``, a fluid estimate): the excess requests leave.
An estimate of the base scenario: seasonality averages out over a year; interventions' effects on admissions
are left out, their capacity changes from day 0 are counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..eventlog import SERVICES
from ..scenario.calendar import age_low, population_by_band
from ..scenario.schema import _CAPACITY_KEY, Scenario
from .network import Network, compile_network

__all__ = ["PoolLoad", "offered_loads", "overload_errors"]


@dataclass(frozen=True)
class PoolLoad:
    pool: str
    service: str
    members: tuple[str, ...]
    capacity: float  #: places (or hours per week)
    requests_per_year: float  #: from the hospital pathway and from home
    mean_stay_days: float
    load: float  #: offered load rho (inf with no places)
    leaving_per_year: float = 0.0  #: rate at which people waiting at home leave its queue (leave_queue_per_year)
    pathway_requests_per_year: float = 0.0  #: of ``requests_per_year``, those from patients waiting in hospital
    hospital_priority: bool = True  #: hospital patients are served first
    capacity_key: str = ""  #: where the capacity is set: ``municipality.NAME.KEY`` or ``pool.NAME``

    @property
    def pathway_load(self) -> float:
        """The load of the requests from hospital alone."""
        return self.load * self.pathway_requests_per_year / self.requests_per_year if self.requests_per_year else 0.0

    @property
    def unbounded(self) -> bool:
        """A queue that grows without bound (KAD has no queue: a full KAD sends to hospital): offered its places or
        more with nobody leaving, or, with hospital priority, offered its places or more by hospital patients
        alone (they never leave)."""
        if self.service == "kad":
            return False
        return (self.load >= 1.0 and self.leaving_per_year <= 0) or \
            (self.hospital_priority and self.pathway_load >= 1.0)

    @property
    def waiting_list(self) -> float:
        """People waiting at home in the steady state, a fluid estimate: the requests above the places freed each
        year leave the queue at ``leaving_per_year`` each (0 below a load of 1; inf when unbounded)."""
        if self.unbounded:
            return float("inf")
        if self.load <= 1.0 or self.leaving_per_year <= 0:
            return 0.0
        excess = self.requests_per_year * (1.0 - 1.0 / self.load)
        return excess / self.leaving_per_year


def offered_loads(s: Scenario, net: Network | None = None) -> list[PoolLoad]:
    """The offered load of every pool of scenario ``s`` (``net``: its compiled network, when the caller has it)."""
    net = compile_network(s) if net is None else net
    pop = population_by_band(s)
    old = [i for i, b in enumerate(s.bands) if age_low(b) >= 80]
    tr = s.triage
    requests = [0.0] * net.n_pools
    pathway = [0.0] * net.n_pools
    for mi in range(len(s.municipality)):
        pop80 = float(pop[mi, old].sum())
        for g in s.group:
            events = sum(pop[mi, bi] * g.share.get(b, 0.0) * g.rate_for(b)
                         for bi, b in enumerate(s.bands)) / 1000.0
            kad = tr.kad_share if g.kad_eligible else 0.0
            requests[net.pool_of[mi][0]] += events * kad
            admitted = events * (1.0 - tr.home_share - kad * (1.0 - tr.kad_transfer_to_hospital))
            alive = 1.0 - g.death_in_hospital
            # every live discharge not to long-term care can come back: episodes per first admission
            back = g.readmission_30d * alive * (1.0 - g.discharge_to.get("long_term", 0.0))
            episodes = admitted / (1.0 - min(back, 0.999))
            for si, name in enumerate(SERVICES):
                if name != "kad":
                    pathway[net.pool_of[mi][si]] += episodes * alive * g.discharge_to.get(name, 0.0)
        for si, name in enumerate(SERVICES):
            requests[net.pool_of[mi][si]] += getattr(s.services, name).other_requests_per_1000_80plus_year \
                * pop80 / 1000.0
    requests = [r + h for r, h in zip(requests, pathway, strict=True)]
    capacity = [p.capacity for p in net.pools]
    for day, changed, delta in net.capacity_changes:
        if day <= 0:
            capacity[changed] = max(capacity[changed] + delta, 0)
    out = []
    for p, pool in enumerate(net.pools):
        cfg = getattr(s.services, pool.service_name)
        stay = float(cfg.stay_days.mean)
        need = float(cfg.hours_per_client.mean) if pool.by_hours and cfg.hours_per_client is not None else 1.0
        busy = requests[p] / 365.0 * stay * need
        out.append(PoolLoad(pool.name, pool.service_name, tuple(net.municipalities[m] for m in pool.members),
                            capacity[p], requests[p], stay,
                            busy / capacity[p] if capacity[p] > 0 else (float("inf") if busy > 0 else 0.0),
                            cfg.leave_queue_per_year.total, pathway[p], cfg.hospital_priority,
                            f"pool.{pool.name}" if pool.shared else
                            f"municipality.{net.municipalities[pool.members[0]]}."
                            f"{'home_care_hours_per_week' if pool.by_hours else _CAPACITY_KEY[pool.service_name]}"))
    return out


def overload_errors(s: Scenario, shown: str, loads: list[PoolLoad] | None = None) -> list[str]:
    """``file:key.path: message`` for each pool whose queue would grow without bound (bad input before a run);
    ``loads`` when the caller has :func:`offered_loads` already."""
    out = []
    for pl in offered_loads(s) if loads is None else loads:
        if not pl.unbounded:
            continue
        if pl.hospital_priority and pl.pathway_load >= 1.0:
            out.append(f"{shown}:{pl.capacity_key}: pool {pl.pool!r} is offered {pl.pathway_load:.2f} times its "
                       f"places by patients waiting in hospital alone ({pl.pathway_requests_per_year:,.0f} requests "
                       f"a year x {pl.mean_stay_days:g} days for {pl.capacity:g} places); they are served first but "
                       "never leave the queue, so it would grow without bound: add places or send fewer patients "
                       "there (group discharge_to)")
        else:
            out.append(f"{shown}:services.{pl.service}.leave_queue_per_year: pool {pl.pool!r} is offered "
                       f"{pl.load:.2f} times its places ({pl.requests_per_year:,.0f} requests a year x "
                       f"{pl.mean_stay_days:g} days for {pl.capacity:g} places) and nobody leaves its queue, so it "
                       "would grow without bound: add places, lower the requests or give the rates at which people "
                       "waiting leave (death, withdrawal)")
    return out
