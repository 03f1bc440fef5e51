"""The network of places a scenario describes, compiled once before a run (pure data, no SimPy).

A scenario names municipalities, hospitals and services; the model moves patients between *places*:
hospitals (soft capacity: a patient above the staffed beds is a corridor patient) and pools (hard
capacity with a queue: KAD, short-term, rehabilitation, long-term care, home care). By default each
municipality has its own pool of every service; a pool may also be shared by several municipalities.
The engine reads the lookups here (``pool_of[municipality][service]``, ``pools[p].service``) and never
computes a place from a municipality's position.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scenario.schema import _CAPACITY_KEY, SERVICES, Scenario

__all__ = ["Pool", "HospitalSite", "Network", "compile_network"]


@dataclass(frozen=True)
class Pool:
    """Places of one service, used by the patients of its member municipalities."""

    name: str
    service: int  #: index into ``SERVICES``
    members: tuple[int, ...]  #: municipality indices
    capacity: int  #: places at day 0 (before capacity changes)

    @property
    def service_name(self) -> str:
        return SERVICES[self.service]


@dataclass(frozen=True)
class HospitalSite:
    """A hospital: staffed beds and the share of each municipality's patients it receives."""

    name: str
    beds: int
    catchment: tuple[float, ...]  #: share of each municipality's patients (by municipality index)


@dataclass(frozen=True)
class Network:
    municipalities: tuple[str, ...]
    pools: tuple[Pool, ...]
    pool_of: tuple[tuple[int, ...], ...]  #: ``pool_of[municipality][service]`` -> pool index
    hospitals: tuple[HospitalSite, ...]
    #: interventions' capacity changes: ``(start_day, pool, delta)``, in time order
    capacity_changes: tuple[tuple[float, int, int], ...]

    @property
    def n_pools(self) -> int:
        return len(self.pools)

    def pool_named(self, name: str) -> int:
        return next(i for i, p in enumerate(self.pools) if p.name == name)


def default_pool_name(municipality: str, service: str) -> str:
    """The name of a municipality's own pool of a service."""
    return f"{municipality} {service}"


def compile_network(s: Scenario) -> Network:
    """The places of scenario ``s``: one pool per municipality and service, one hospital."""
    names = tuple(m.name for m in s.municipality)
    pools: list[Pool] = []
    pool_of: list[tuple[int, ...]] = []
    for mi, m in enumerate(s.municipality):
        row = []
        for si, service in enumerate(SERVICES):
            row.append(len(pools))
            pools.append(Pool(default_pool_name(m.name, service), si, (mi,), m.capacity(service)))
        pool_of.append(tuple(row))
    hospitals = (HospitalSite(s.hospital.name, s.hospital.beds, tuple(1.0 for _ in names)),)
    return Network(names, tuple(pools), tuple(pool_of), hospitals, _capacity_changes(s, pool_of))


def _capacity_changes(s: Scenario, pool_of: list[tuple[int, ...]]) -> tuple[tuple[float, int, int], ...]:
    """Capacity changes of enabled interventions: ``capacity_delta`` (e.g. ``{short_term_beds = 5}``) adds to
    the pool of each targeted municipality (every municipality when none are named) from ``start_day``."""
    service_of = {key: SERVICES.index(service) for service, key in _CAPACITY_KEY.items()}
    index = {m.name: i for i, m in enumerate(s.municipality)}
    out: list[tuple[float, int, int]] = []
    for iv in s.intervention:
        if not iv.enabled:
            continue
        munis = [index[m] for m in iv.targets.municipalities] or list(range(len(index)))
        for key, delta in iv.active_effects().capacity_delta.items():
            if delta:
                out.extend((float(iv.start_day), pool_of[mi][service_of[key]], int(delta)) for mi in munis)
    return tuple(sorted(out))
