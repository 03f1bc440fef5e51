"""Vectorised draws: what each patient will do, drawn at arrival from named streams.

Everything a patient will do (length of stay, destination, death, readmission and its time, stay lengths)
is drawn at arrival by inverse CDF from uniforms of its municipality x group's streams, so a change of
capacity or of an intervention elsewhere never reshuffles who gets which draw.

An episode is a *record*: a tuple alive while the episode has something scheduled. Its fields are named
once, in :data:`FIELDS`, and records are only ever built by :func:`record` or :func:`records` (by name).
A record should be few Python objects (each one is memory the CPU must fetch again when the episode's next
event comes, days later), so fields most episodes do not use hold None: ``stay`` when discharged home,
``die`` (the fraction of the stay at which the patient dies in hospital) when the patient survives the stay,
``kad_los`` unless triaged to KAD, ``outcome``/``outcome_time`` when neither readmission nor death can follow,
``hours`` unless the patient goes to home care counted in hours. Background users of a service have a record of
``(eid, stay, hours)`` only (the first three fields).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..eventlog import SERVICES, Place, Route
from ..scenario.schema import DESTINATIONS
from .rng import stream
from .sampling import durations

if TYPE_CHECKING:
    from .engine import Simulation

__all__ = ["FIELDS", "Rec", "record", "records", "background_record", "Episodes"]

#: the fields of an episode record, in tuple order
FIELDS = ("eid", "stay", "hours", "los", "die", "dest", "outcome", "outcome_time", "kad_los", "kad_transfer",
          "episode", "muni", "group", "band", "hospital", "route")
EID, STAY, HOURS, LOS, DIE, DEST, UOUT, OFRAC, KADLOS, KADTX, EP, MUNI, GRP, BAND, HOSP, ROUTE = range(len(FIELDS))
Rec = tuple[Any, ...]

_DEST_CODE = {name: Place.BY_NAME[name] for name in DESTINATIONS}
_ATTRS = ("los", "death", "death_time", "destination", "outcome", "outcome_time", "stay", "kad_los",
          "kad_transfer")


def record(*, eid: int, stay: float | None, hours: float | None, los: float, die: float | None, dest: int,
           outcome: float | None, outcome_time: float | None, kad_los: float | None, kad_transfer: bool, episode: int,
           muni: int, group: int, band: int, hospital: int, route: int) -> Rec:
    """One episode record, by field name."""
    return (eid, stay, hours, los, die, dest, outcome, outcome_time, kad_los, kad_transfer, episode, muni, group,
            band, hospital, route)


def background_record(eid: int, stay: float, hours: float | None) -> Rec:
    """The record of a service user from outside the hospital pathway (the first fields of :func:`record`)."""
    return (eid, stay, hours)


def records(columns: Mapping[str, Sequence[Any]]) -> list[Rec]:
    """Records from equally long columns named as :data:`FIELDS`."""
    return list(zip(*(columns[name] for name in FIELDS), strict=True))


def sparse(values: np.ndarray, where: np.ndarray) -> list[Any]:
    """``values`` as a list with None where ``where`` is false (no float object made for those)."""
    out: list[Any] = [None] * len(values)
    idx = np.flatnonzero(where)
    for i, v in zip(idx.tolist(), values[idx].tolist(), strict=True):
        out[i] = v
    return out


def attribute_columns(d: Mapping[str, np.ndarray], outcome_bound: np.ndarray | float) -> dict[str, list[Any]]:
    """The ``stay``, ``los``, ``die``, ``dest``, ``outcome`` and ``outcome_time`` columns of one
    :meth:`Episodes.draw`.

    ``outcome`` (the draw that decides readmission or death within 30 days of discharge) and ``outcome_time``
    (when in those 30 days) are kept only where it is below ``outcome_bound``, the highest chance of either
    that the episode's municipality and group can have; None says neither can happen.
    """
    possible = d["uout"] < outcome_bound
    hours = sparse(d["hours"], d["dest"] == Place.HOME_CARE) if "hours" in d else [None] * len(possible)
    return {"stay": sparse(d["stay"], d["dest"] != Place.HOME), "hours": hours, "los": d["los"].tolist(),
            "die": sparse(d["dfrac"], d["die"]), "dest": d["dest"].tolist(),
            "outcome": sparse(d["uout"], possible), "outcome_time": sparse(d["ofrac"], possible)}


class Episodes:
    """Vectorised draws of episode attributes from one municipality x group's named streams."""

    def __init__(self, sim: Simulation, m: int, g: int, prefix: str):
        self.sim, self.m, self.g = sim, m, g
        s = sim.scenario
        name = f"{s.municipality[m].name}:{s.group[g].name}"
        attrs = list(_ATTRS)
        if s.services.home_care.capacity_unit == "hours_per_week":
            attrs.append("hours")
        if s.triage.kad_transfer_days is not None:
            attrs.append("kad_transfer_time")
        self.rngs = {a: stream(sim.seed, sim.replication, f"{prefix}{a}:{name}") for a in attrs}
        grp = s.group[g]
        self.dest_codes = np.array([_DEST_CODE[d] for d in grp.discharge_to], dtype=np.int64)
        self.dest_cum = np.cumsum(list(grp.discharge_to.values()))
        self.dest_cum[-1] = 1.0 + 1e-9
        self.buffer: list[tuple[Any, ...]] = []

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
        kad_tx = u["kad_transfer"] < s.triage.kad_transfer_to_hospital
        kad_los = durations(s.services.kad.stay_days, u["kad_los"])
        if s.triage.kad_transfer_days is not None:  # a transfer ends the KAD stay after its own time
            kad_los = np.where(kad_tx, durations(s.triage.kad_transfer_days, u["kad_transfer_time"]), kad_los)
        out = {
            "los": durations(grp.los_days, u["los"]),
            "die": u["death"] < grp.death_in_hospital,
            "dfrac": u["death_time"],
            "dest": dest,
            "uout": u["outcome"],
            "ofrac": u["outcome_time"],
            "stay": stay,
            "kad_los": kad_los,
            "kad_tx": kad_tx,
        }
        if "hours" in u:
            hours_per_client = s.services.home_care.hours_per_client
            assert hours_per_client is not None  # validated with capacity_unit = "hours_per_week"
            out["hours"] = durations(hours_per_client, u["hours"])
        return out

    def next_record(self, pid: int, episode: int, band: int, hospital: int) -> Rec:
        """One episode record for a readmission to ``hospital`` (drawn in blocks of 64)."""
        sim = self.sim
        if not self.buffer:
            cols = attribute_columns(self.draw(64), sim.outcome_bound[self.m * sim.n_groups + self.g])
            self.buffer = list(zip(*cols.values(), strict=True))
            self.buffer.reverse()
        stay, hours, los, die, dest, outcome, outcome_time = self.buffer.pop()
        eid = sim.log.new_episode(pid, episode, self.m, self.g, band, hospital)
        return record(eid=eid, stay=stay, hours=hours, los=los, die=die, dest=dest, outcome=outcome,
                      outcome_time=outcome_time, kad_los=None, kad_transfer=False, episode=episode, muni=self.m,
                      group=self.g, band=band, hospital=hospital, route=Route.HOSPITAL)
