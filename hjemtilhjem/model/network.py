"""The network of places a scenario describes, compiled once before a run (pure data, no SimPy).

A scenario names municipalities, hospitals and services; the model moves patients between *places*:
hospitals (soft capacity: a patient above the staffed beds is a corridor patient) and pools (hard
capacity with a queue: KAD, short-term, rehabilitation, long-term care, home care). By default each
municipality has its own pool of every service; a ``[[pool]]`` is shared by several municipalities.
The engine reads the lookups here (``pool_of[municipality][service]``, ``pools[p].service``,
``hospital_shares[municipality]``) and never computes a place from a municipality's position.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..eventlog import SERVICES
from ..scenario.calendar import closure_days
from ..scenario.schema import SERVICE_OF_CAPACITY, Scenario

__all__ = ["Pool", "HospitalSite", "Network", "compile_network", "default_pool_name"]


@dataclass(frozen=True)
class Pool:
    """Places of one service, used by the patients of its member municipalities."""

    name: str
    service: int  #: index into ``SERVICES``
    members: tuple[int, ...]  #: municipality indices
    capacity: float  #: places (or hours per week) at day 0, before capacity changes
    by_hours: bool = False  #: capacity in hours per week; each client holds the hours they need
    shared: bool = False  #: declared by a ``[[pool]]`` (not a municipality's own)

    @property
    def service_name(self) -> str:
        return SERVICES[self.service]


@dataclass(frozen=True)
class HospitalSite:
    """A hospital: staffed beds (None when external) and the share of each municipality's patients."""

    name: str
    beds: int | None
    catchment: tuple[float, ...]  #: share of each municipality's patients (by municipality index)
    external: bool = False


@dataclass(frozen=True)
class Network:
    municipalities: tuple[str, ...]
    pools: tuple[Pool, ...]
    pool_of: tuple[tuple[int, ...], ...]  #: ``pool_of[municipality][service]`` -> pool index
    hospitals: tuple[HospitalSite, ...]
    #: interventions' capacity changes: ``(start_day, pool, delta)``, in time order
    capacity_changes: tuple[tuple[float, int, float], ...]

    @property
    def n_pools(self) -> int:
        return len(self.pools)

    def hospitals_of(self, municipality: int) -> list[tuple[int, float]]:
        """``(hospital, share)`` of a municipality's patients, shares > 0, in hospital order."""
        return [(h, site.catchment[municipality]) for h, site in enumerate(self.hospitals)
                if site.catchment[municipality] > 0]

    def main_hospital(self, municipality: int) -> int:
        """The hospital with the largest share of a municipality's patients (the first on a tie)."""
        return max(self.hospitals_of(municipality), key=lambda hs: hs[1])[0]


def default_pool_name(municipality: str, service: str) -> str:
    """The name of a municipality's own pool of a service."""
    return f"{municipality} {service}"


def compile_network(s: Scenario) -> Network:
    """The places of scenario ``s``.

    Pools are numbered municipality by municipality, service by service (a shared pool where its first member
    comes), so a scenario without ``[[pool]]`` has pool ``m * 5 + s``, as version 1 had.
    """
    names = tuple(m.name for m in s.municipality)
    by_hours = [getattr(s.services, name).capacity_unit == "hours_per_week" for name in SERVICES]
    pools: list[Pool] = []
    shared_index: dict[str, int] = {}
    pool_of: list[tuple[int, ...]] = []
    for mi, m in enumerate(s.municipality):
        row = []
        for si, service in enumerate(SERVICES):
            unit = "hours_per_week" if by_hours[si] else "places"
            shared = s.shared_pool(m.name, service)
            if shared is None:
                row.append(len(pools))
                pools.append(Pool(default_pool_name(m.name, service), si, (mi,), m.capacity(service, unit),
                                  by_hours[si]))
            elif shared.name in shared_index:
                row.append(shared_index[shared.name])
            else:
                members = tuple(names.index(x) for x in shared.members)
                capacity = shared.capacity if shared.capacity is not None else sum(
                    s.municipality[x].capacity(service, unit) for x in members)
                shared_index[shared.name] = len(pools)
                row.append(len(pools))
                pools.append(Pool(shared.name, si, members, capacity, by_hours[si], shared=True))
        pool_of.append(tuple(row))
    hospitals = []
    for h in s.hospitals:
        catchment = tuple(h.catchment.get(n, 0.0) for n in names) if h.catchment else tuple(1.0 for _ in names)
        hospitals.append(HospitalSite(h.name, h.beds, catchment, h.external))
    changes = _capacity_changes(s, pool_of) + _closures(s, pools)
    return Network(names, tuple(pools), tuple(pool_of), tuple(hospitals), tuple(sorted(changes)))


def _closures(s: Scenario, pools: list[Pool]) -> tuple[tuple[float, int, float], ...]:
    """Yearly closures of a service's places (``services.<x>.closures``): each pool loses ``share`` of its places
    (rounded) from the first day of a closure and gets them back the day after its last."""
    out: list[tuple[float, int, float]] = []
    for si, name in enumerate(SERVICES):
        for closure in getattr(s.services, name).closures:
            for first, after in closure_days(s, closure.from_, closure.to):
                for p, pool in enumerate(pools):
                    cut = round(pool.capacity * closure.share)
                    if pool.service == si and cut:
                        out += [(float(first), p, -cut), (float(after), p, cut)]
    return tuple(out)


def _capacity_changes(s: Scenario, pool_of: list[tuple[int, ...]]) -> tuple[tuple[float, int, float], ...]:
    """Capacity changes of enabled interventions: ``capacity_delta`` (e.g. ``{short_term_beds = 5}``) adds to
    the pool of each targeted municipality (every municipality when none are named) from ``start_day``; a
    shared pool gets the change of each of its targeted members."""
    index = {m.name: i for i, m in enumerate(s.municipality)}
    out: list[tuple[float, int, float]] = []
    for iv in s.intervention:
        if not iv.enabled:
            continue
        munis = [index[m] for m in iv.targets.municipalities] or list(range(len(index)))
        for key, delta in iv.active_effects().capacity_delta.items():
            if delta:
                si = SERVICES.index(SERVICE_OF_CAPACITY[key])
                out.extend((float(iv.start_day), pool_of[mi][si], delta) for mi in munis)
    return tuple(sorted(out))
