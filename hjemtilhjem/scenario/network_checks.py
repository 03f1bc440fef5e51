"""Checks of a scenario's network of places: hospitals' catchments, pools' members, where each capacity is
given. Each problem is one ``key.path: message``."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..eventlog import SERVICES
from .schema import _CAPACITY_KEY

if TYPE_CHECKING:
    from .schema import Scenario

__all__ = ["network_errors"]


def network_errors(s: Scenario) -> list[str]:
    """Hospitals' catchments, pools' members and where each capacity is given (``key.path: message`` each)."""
    errors: list[str] = []
    mnames = [m.name for m in s.municipality]
    hospitals = s.hospitals
    many = isinstance(s.hospital, list)
    names = [h.name for h in hospitals]
    if len(set(names)) < len(names):
        errors.append(f"hospital: duplicate name {sorted(n for n in names if names.count(n) > 1)[0]!r}")
    shares = {name: 0.0 for name in mnames}
    for h in hospitals:
        where = f"hospital.{h.name}" if many else "hospital"
        if h.beds is None and not h.external:
            errors.append(f"{where}.beds: required (staffed beds) unless external = true")
        if many and not h.catchment:
            errors.append(f"{where}.catchment: required with several hospitals (share of each municipality's "
                          f"patients, e.g. {{ \"{mnames[0]}\" = 1.0 }})")
        for mname, share in h.catchment.items():
            if mname not in shares:
                errors.append(f"{where}.catchment: unknown municipality {mname!r}{_did_you_mean(mname, mnames)}")
            elif not 0 <= share <= 1:
                errors.append(f"{where}.catchment.{mname}: share must be between 0 and 1")
            else:
                shares[mname] += share
    if many or hospitals[0].catchment:
        for mname, total in shares.items():
            if total > 1.0 + 1e-6:
                where_ = [h.name for h in hospitals if mname in h.catchment]
                errors.append(f"hospital: catchment shares of municipality {mname!r} sum to {total:.4f}, more than "
                              f"its whole population ({' + '.join(repr(n) for n in where_)}), and a municipality's "
                              f"shares over the hospitals must sum to 1")
            elif abs(total - 1.0) > 1e-6:
                errors.append(f"hospital: catchment shares of municipality {mname!r} sum to {total:.4f}, not 1 "
                              f"(give the "
                              f"part treated outside the health community as an external hospital)")
    seen: dict[tuple[str, str], str] = {}
    pnames = [p.name for p in s.pool]
    if len(set(pnames)) < len(pnames):
        errors.append(f"pool: duplicate name {sorted(n for n in pnames if pnames.count(n) > 1)[0]!r}")
    for p in s.pool:
        for member in p.members:
            if member not in mnames:
                errors.append(f"pool.{p.name}.members: {member!r} is not a municipality of the scenario"
                              f"{_did_you_mean(member, mnames)}")
            elif (member, p.service) in seen:
                errors.append(f"pool.{p.name}.members: {member!r} is already in pool {seen[member, p.service]!r} of "
                              f"service {p.service} (a municipality uses one pool per service)")
            else:
                seen[member, p.service] = p.name
    unit_hours = {name: getattr(s.services, name).capacity_unit == "hours_per_week" for name in SERVICES}
    for name in SERVICES:
        cfg = getattr(s.services, name)
        if cfg.capacity_unit == "hours_per_week" and name != "home_care":
            errors.append(f"services.{name}.capacity_unit: only home_care can be counted in hours per week")
        if cfg.capacity_unit == "hours_per_week" and cfg.hours_per_client is None:
            errors.append(f"services.{name}.hours_per_client: required with capacity_unit = 'hours_per_week'")
        if cfg.interim is not None and name != "long_term":
            errors.append(f"services.{name}.interim: only long_term can name an interim service (a patient "
                          f"discharged to long-term care has no 30-day outcome that the interim stay would move)")
        elif cfg.interim == name:
            errors.append(f"services.{name}.interim: a service cannot be its own interim place")
    for m in s.municipality:
        for name in SERVICES:
            key = "home_care_hours_per_week" if unit_hours[name] else _CAPACITY_KEY[name]
            if name == "home_care":
                other = _CAPACITY_KEY[name] if unit_hours[name] else "home_care_hours_per_week"
                if getattr(m, other) is not None:
                    errors.append(f"municipality.{m.name}.{other}: home care is counted in "
                                  f"{'hours per week' if unit_hours[name] else 'clients'} here "
                                  f"(services.home_care.capacity_unit): give {key}")
            given = getattr(m, key) is not None
            pool = s.shared_pool(m.name, name)
            if pool is not None and pool.capacity is not None:
                if given:
                    errors.append(f"municipality.{m.name}.{key}: the capacity of shared pool {pool.name!r} is given "
                                  f"on the pool (give it in one place only)")
            elif not given:
                errors.append(f"municipality.{m.name}.{key}: required key is missing"
                              + (f" (or give the capacity of pool {pool.name!r})" if pool is not None else ""))
    return errors


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
