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
          "episode", "muni", "group", "band", "hospital", "route", "fx")
EID, STAY, HOURS, LOS, DIE, DEST, UOUT, OFRAC, KADLOS, KADTX, EP, MUNI, GRP, BAND, HOSP, ROUTE, FX = range(len(FIELDS))
Rec = tuple[Any, ...]

_DEST_CODE = {name: Place.BY_NAME[name] for name in DESTINATIONS}
#: readmission records drawn at a time: the first block, and the most (see :meth:`Episodes.next_record`)
FIRST_BLOCK, MAX_BLOCK = 64, 1024
_ATTRS = ("los", "death", "death_time", "destination", "outcome", "outcome_time", "stay", "kad_los",
          "kad_transfer")


def record(*, eid: int, stay: float | None, hours: float | None, los: float, die: float | None, dest: int,
           outcome: float | None, outcome_time: float | None, kad_los: float | None, kad_transfer: bool, episode: int,
           muni: int, group: int, band: int, hospital: int, route: int, fx: int) -> Rec:
    """One episode record, by field name (``fx``: the episode's effect index, see :mod:`.effects`)."""
    return (eid, stay, hours, los, die, dest, outcome, outcome_time, kad_los, kad_transfer, episode, muni, group,
            band, hospital, route, fx)


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

    def __init__(self, sim: Simulation, m: int, g: int, prefix: str, kad: bool = True):
        """``kad``: whether these episodes can begin in KAD (False for readmissions, which go to hospital: their
        KAD streams are not made; each stream is its own, so leaving some out changes no other draw)."""
        self.sim, self.m, self.g = sim, m, g
        s = sim.scenario
        name = f"{s.municipality[m].name}:{s.group[g].name}"
        attrs = list(_ATTRS)
        if s.services.home_care.capacity_unit == "hours_per_week":
            attrs.append("hours")
        if s.triage.kad_transfer_days is not None:
            attrs.append("kad_transfer_time")
        if not kad:
            attrs = [a for a in attrs if not a.startswith("kad_")]
        self.rngs = {a: stream(sim.seed, sim.replication, f"{prefix}{a}:{name}") for a in attrs}
        grp = s.group[g]
        self.dest_codes = np.array([_DEST_CODE[d] for d in grp.discharge_to], dtype=np.int64)
        self.dest_cum = np.cumsum(list(grp.discharge_to.values()))
        self.dest_cum[-1] = 1.0 + 1e-9
        self.buffer: list[tuple[Any, ...]] = []
        self.block = FIRST_BLOCK  # records in the next block of readmission draws
        table = sim.effects
        self.mg = m * sim.n_groups + g
        self.partial = table.partial[self.mg]
        # readmission episodes: whether each is reached, and its destination and hours when an effect changes them
        self.reach_rngs = [stream(sim.seed, sim.replication, f"{prefix}reach:{p.name}:{name}") if p.drawn else None
                           for p in self.partial]
        self.adjusts = table.adjusts and any(
            p.shifts or p.hours_mult != 1.0 for fx in table.entries_of(self.mg) for p in table[fx])

    def draw(self, n: int, flat: np.ndarray | None = None, keep: np.ndarray | None = None,
             kad: np.ndarray | bool = True) -> dict[str, np.ndarray]:
        """Attributes of ``n`` episodes; ``flat``: each one's Effect (index into ``sim.effects.flat``), when
        effects may change destinations or home-care hours.

        Every stream gives ``n`` uniforms, whatever is used of them. The durations (inverse CDFs, most of the cost)
        are computed only where needed, elementwise, so each episode gets the same values as when all are computed:
        ``keep`` (a mask of the ``n``) keeps only those episodes (every array returned is of the kept ones: thinned
        arrivals); ``kad`` says whose KAD stay is needed: all (True), none (False: ``kad_los`` and ``kad_tx`` left
        out, e.g. readmissions, which never go to KAD) or a mask of the kept episodes (others get 0.0)."""
        s, grp = self.sim.scenario, self.sim.scenario.group[self.g]
        u = {a: r.random(n) for a, r in self.rngs.items()}
        if keep is not None:
            u = {a: v[keep] for a, v in u.items()}
            flat = None if flat is None else flat[keep]
        m = len(u["destination"])
        dest = self.dest_codes[np.searchsorted(self.dest_cum, u["destination"], side="right")]
        if flat is not None and self.adjusts:
            dest = self._shift(dest, u["destination"], flat)
        stay = np.zeros(m)
        for code in np.unique(dest):
            if code == Place.HOME:
                continue
            mask = dest == code
            stay[mask] = durations(getattr(s.services, SERVICES[code]).stay_days, u["stay"][mask])
        out = {}
        if kad is not False:
            kad_tx = u["kad_transfer"] < s.triage.kad_transfer_to_hospital
            sel = slice(None) if kad is True else kad
            kad_los = np.zeros(m)
            kad_los[sel] = durations(s.services.kad.stay_days, u["kad_los"][sel])
            if s.triage.kad_transfer_days is not None:  # a transfer ends the KAD stay after its own time
                kad_los[sel] = np.where(kad_tx[sel], durations(s.triage.kad_transfer_days,
                                                               u["kad_transfer_time"][sel]), kad_los[sel])
            out = {"kad_los": kad_los, "kad_tx": kad_tx}
        out = {
            "los": durations(grp.los_days, u["los"]),
            "die": u["death"] < grp.death_in_hospital,
            "dfrac": u["death_time"],
            "dest": dest,
            "uout": u["outcome"],
            "ofrac": u["outcome_time"],
            "stay": stay,
            **out,
        }
        if "hours" in u:
            hours_per_client = s.services.home_care.hours_per_client
            assert hours_per_client is not None  # validated with capacity_unit = "hours_per_week"
            out["hours"] = durations(hours_per_client, u["hours"])
            if flat is not None and self.adjusts:
                out["hours"] = out["hours"] * self.sim.effects.column("hours_mult")[flat]
        if flat is None and self.adjusts:  # readmissions: kept to apply the effects when the episode begins
            out["u_dest"] = u["destination"]
            out["u_stay"] = u["stay"]
        return out

    def _interval(self, code: int) -> tuple[float, float] | None:
        """The destination uniform's interval of destination ``code`` in this group (None: not a destination)."""
        hit = np.flatnonzero(self.dest_codes == code)
        if not len(hit):
            return None
        j = int(hit[0])
        return (float(self.dest_cum[j - 1]) if j else 0.0), float(self.dest_cum[j])

    def _shift(self, dest: np.ndarray, u: np.ndarray, flat: np.ndarray) -> np.ndarray:
        """Destinations after the shifts of each episode's Effect: of those bound for ``from``, the ones whose
        destination uniform lies in the first ``share`` of its interval go to ``to`` (a second shift from the same
        place takes its share of the rest), so the same patients move in every scenario with the same share."""
        table = self.sim.effects
        out = dest.copy()
        for k in np.unique(flat):
            shifts = table.flat[k].shifts
            if not shifts:
                continue
            sel = flat == k
            done: dict[int, float] = {}
            for a, b, share in shifts:
                iv = self._interval(a)
                if iv is None:
                    continue
                lo = done.get(a, 0.0)
                hi = lo + (1.0 - lo) * share
                done[a] = hi
                v = (u - iv[0]) / (iv[1] - iv[0])
                out[sel & (dest == a) & (v >= lo) & (v < hi)] = b
        return out

    def next_record(self, pid: int, episode: int, band: int, hospital: int) -> Rec:
        """One episode record for a readmission to ``hospital``.

        Drawn in blocks that start at :data:`FIRST_BLOCK` records and double up to :data:`MAX_BLOCK`: each
        attribute has its own stream and every draw is elementwise, so the records are the same whatever the
        block sizes; a municipality x group with many readmissions pays numpy's per-call cost less often, one
        with few keeps a small block."""
        sim = self.sim
        if not self.buffer:
            n = self.block
            self.block = min(2 * n, MAX_BLOCK)
            d = self.draw(n, kad=False)  # a readmission goes to hospital
            cols: dict[str, Any] = attribute_columns(d, sim.outcome_bound[self.mg])
            if self.partial:
                cols["reach"] = list(zip(*(r.random(n).tolist() if r is not None else [0.0] * n
                                           for r in self.reach_rngs), strict=True))
            if self.adjusts:
                cols.update(u_dest=d["u_dest"].tolist(), u_stay=d["u_stay"].tolist(),
                            all_hours=d["hours"].tolist() if "hours" in d else [None] * n)
            self.buffer = list(zip(*cols.values(), strict=True))
            self.buffer.reverse()
        row = self.buffer.pop()
        stay, hours, los, die, dest, outcome, outcome_time = row[:7]
        fx = self.mg
        if self.partial:
            fx = self._reached(row[7], band)
            if self.adjusts:
                stay, hours, dest = self._adjust(fx, stay, hours, dest, *row[8:])
        elif self.adjusts:
            stay, hours, dest = self._adjust(fx, stay, hours, dest, *row[7:])
        eid = sim.log.new_episode(pid, episode, self.m, self.g, band, hospital)
        return record(eid=eid, stay=stay, hours=hours, los=los, die=die, dest=dest, outcome=outcome,
                      outcome_time=outcome_time, kad_los=None, kad_transfer=False, episode=episode, muni=self.m,
                      group=self.g, band=band, hospital=hospital, route=Route.HOSPITAL, fx=fx)

    def _reached(self, uniforms: tuple[float, ...], band: int) -> int:
        """Effect index of a readmission episode beginning now in age band ``band``."""
        now = self.sim.env._now
        mask = 0
        for k, (p, u) in enumerate(zip(self.partial, uniforms, strict=True)):
            if p.bands is not None and band not in p.bands:
                continue
            if p.drawn and not u < float(p.share(np.array([now]))[0]):
                continue
            mask |= 1 << k
        return self.sim.effects.first_extra[self.mg] + mask - 1 if mask else self.mg

    def _adjust(self, fx: int, stay: float | None, hours: float | None, dest: int, u_dest: float, u_stay: float,
                all_hours: float | None) -> tuple[float | None, float | None, int]:
        """Stay, hours and destination of a readmission episode under the effect in force now."""
        table = self.sim.effects
        k = table.flat_at(fx, self.sim.env._now)
        e = table.flat[k]
        if e.shifts:
            new = int(self._shift(np.array([dest]), np.array([u_dest]), np.array([k]))[0])
            if new != dest:
                dest = new
                stay = None if dest == Place.HOME else float(
                    durations(getattr(self.sim.scenario.services, SERVICES[dest]).stay_days, np.array([u_stay]))[0])
                hours = all_hours if dest == Place.HOME_CARE else None
        if hours is not None and e.hours_mult != 1.0:
            hours = hours * e.hours_mult
        return stay, hours, dest
