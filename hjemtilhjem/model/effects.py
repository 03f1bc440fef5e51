"""Intervention effects: drawn once per replication, combined per municipality x group over time.

An episode carries an *effect index* (``fx``, a field of its record). Without partial interventions it is
``municipality * groups + group``, whose entry holds the combined effects of every intervention that targets
that municipality and group, piecewise constant from each ``start_day``. An intervention is *partial* when it
reaches only some of its targeted patients (``reach`` < 1, a ramp-up) or only some age bands: whether an episode
is reached is decided when the episode begins, from the intervention's own stream
(``reach:<intervention>:<municipality>:<group>``), by ``u < reach x ramp(t)``, so the same patients are reached
in every scenario with the same reach and adding an intervention shifts no other draw. The episode's effect index
then names the entry of the interventions that reached it (one entry per subset of the partial interventions
of its municipality and group).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..eventlog import Place
from ..scenario.schema import ADMISSION_MULT_CAP, Intervention, Scenario
from .rng import stream
from .sampling import effect_value

__all__ = ["Effect", "EffectTable", "Partial", "draw_parameters", "effects_table", "effect_at"]

#: partial interventions of one municipality x group above this many would need too many table entries
MAX_PARTIAL = 10


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
    hours_mult: float = 1.0
    #: destination shifts in order: (from place code, to place code, share of those bound for `from`)
    shifts: tuple[tuple[int, int, float], ...] = ()


def draw_parameters(s: Scenario, seed: int, replication: int, uncertain: bool) -> dict[str, float]:
    """Intervention effects for this replication (a draw each, or the point values)."""
    out: dict[str, float] = {}
    for iv in sorted((x for x in s.intervention if x.enabled), key=lambda x: x.name):
        eff = iv.active_effects()
        for key in ("admission_rate_mult", "los_mult", "los_delta_days", "readmission_rr",
                    "discharge_delay_delta_days", "home_care_hours_mult"):
            value = getattr(eff, key)
            if value is None:
                continue
            rng = stream(seed, replication, f"param:{iv.name}:{key}") if uncertain else None
            out[f"{iv.name}.{key}"] = effect_value(value, rng)
        for i, shift in enumerate(eff.destination_shift):
            rng = stream(seed, replication, f"param:{iv.name}:destination_shift:{i}") if uncertain else None
            out[f"{iv.name}.destination_shift.{i}"] = min(max(effect_value(shift.share, rng), 0.0), 1.0)
    return out


def _targets(iv: Intervention, municipality: str, group: str) -> bool:
    t = iv.targets
    return (not t.groups or group in t.groups) and (not t.municipalities or municipality in t.municipalities)


def _pieces(ivs: list[Intervention], params: dict[str, float]) -> list[Effect]:
    """Piecewise-constant combined effects of ``ivs`` (each from its ``start_day``)."""
    pieces = []
    for t0 in sorted({0.0, *(iv.start_day for iv in ivs)}):
        vals: dict[str, float] = dict(admission_mult=1.0, kad_add=0.0, los_mult=1.0, los_delta=0.0,
                                      readmission_rr=1.0, delay_delta=0.0, hours_mult=1.0)
        shifts: list[tuple[int, int, float]] = []
        for iv in ivs:
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
            if (v := params.get(pre + "home_care_hours_mult")) is not None:
                vals["hours_mult"] *= v
            for i, shift in enumerate(eff.destination_shift):
                share = params.get(f"{pre}destination_shift.{i}", 0.0)
                if share > 0:
                    shifts.append((Place.BY_NAME[shift.from_], Place.BY_NAME[shift.to], share))
        vals["admission_mult"] = min(vals["admission_mult"], ADMISSION_MULT_CAP)
        pieces.append(Effect(start_day=t0, shifts=tuple(shifts), **vals))
    return pieces


@dataclass(frozen=True)
class Partial:
    """A partial intervention of one municipality x group: who of its targeted patients it reaches."""

    name: str
    reach: float
    start_day: float
    ramp_up_days: float
    bands: tuple[int, ...] | None  #: age band indices it targets (None: all)

    @property
    def drawn(self) -> bool:
        """Whether reaching is a random draw (``reach`` < 1 or a ramp-up), not only a matter of age band."""
        return self.reach < 1.0 or self.ramp_up_days > 0

    def share(self, t: np.ndarray) -> np.ndarray:
        """Share of the targeted patients reached by an episode beginning at ``t`` (0 before ``start_day``)."""
        if self.ramp_up_days > 0:
            return self.reach * np.clip((t - self.start_day) / self.ramp_up_days, 0.0, 1.0)
        return np.where(t >= self.start_day, self.reach, 0.0)


@dataclass
class EffectTable:
    """Effect entries by effect index (see the module docstring) and how an episode finds its index."""

    entries: list[list[Effect]]
    n_base: int  #: municipalities x groups: the entries of episodes reached by no partial intervention
    partial: list[tuple[Partial, ...]]  #: by municipality x group
    first_extra: list[int]  #: by municipality x group: index of its entry for subset 1 (subset ``k`` at + k - 1)
    #: every Effect of every entry, flattened, and where each entry starts in it
    flat: list[Effect] = field(default_factory=list)
    flat_start: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.flat, self.flat_start = [], []
        for pieces in self.entries:
            self.flat_start.append(len(self.flat))
            self.flat.extend(pieces)
        self.starts = [np.array([p.start_day for p in pieces]) for pieces in self.entries]
        self.adjusts = any(p.shifts or p.hours_mult != 1.0 for p in self.flat)  # destinations or hours change

    def entries_of(self, mg: int) -> list[int]:
        """Effect indices an episode of municipality x group ``mg`` can have."""
        return [mg, *range(self.first_extra[mg], self.first_extra[mg] + 2 ** len(self.partial[mg]) - 1)]

    def __getitem__(self, fx: int) -> list[Effect]:
        return self.entries[fx]

    def __len__(self) -> int:
        return len(self.entries)

    def index(self, mg: int, t: np.ndarray, band: np.ndarray, uniform: Callable[[str], np.ndarray]) -> np.ndarray:
        """Effect index of each episode of municipality x group ``mg`` beginning at ``t`` in age band ``band``;
        ``uniform(name)`` gives the episodes' uniforms of the partial intervention ``name``."""
        fx = np.full(t.shape, mg, dtype=np.int64)
        parts = self.partial[mg]
        if not parts:
            return fx
        mask = np.zeros(t.shape, dtype=np.int64)
        for k, p in enumerate(parts):
            hit = np.ones(t.shape, dtype=bool) if p.bands is None else np.isin(band, p.bands)
            if p.drawn:
                hit &= uniform(p.name) < p.share(t)
            mask |= hit.astype(np.int64) << k
        return np.where(mask > 0, self.first_extra[mg] + mask - 1, fx)

    def flat_index(self, fx: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Index into :attr:`flat` of the Effect in force for each episode (effect index ``fx``) at ``t``."""
        out = np.empty(fx.shape, dtype=np.int64)
        for f in np.unique(fx):
            sel = fx == f
            which = np.searchsorted(self.starts[f], t[sel], side="right") - 1
            out[sel] = self.flat_start[f] + np.maximum(which, 0)
        return out

    def flat_at(self, fx: int, t: float) -> int:
        """Index into :attr:`flat` of the Effect in force for effect index ``fx`` at time ``t``."""
        pieces = self.entries[fx]
        k = 0
        for i, p in enumerate(pieces):
            if p.start_day <= t:
                k = i
        return self.flat_start[fx] + k

    def column(self, name: str) -> np.ndarray:
        """One field of every flat Effect, as an array (e.g. ``admission_mult``)."""
        return np.array([getattr(e, name) for e in self.flat], dtype=float)


def effects_table(s: Scenario, params: dict[str, float]) -> EffectTable:
    """The effect entries of a scenario (see the module docstring)."""
    groups = [g.name for g in s.group]
    active = [iv for iv in s.intervention if iv.enabled]
    entries: list[list[Effect]] = []
    subsets: list[tuple[list[Intervention], list[Intervention]]] = []
    partial: list[tuple[Partial, ...]] = []
    for m in s.municipality:
        for gname in groups:
            mine = [iv for iv in active if _targets(iv, m.name, gname)]
            whole = [iv for iv in mine if not iv.partial]
            some = [iv for iv in mine if iv.partial]
            if len(some) > MAX_PARTIAL:
                raise ValueError(f"more than {MAX_PARTIAL} interventions with a reach, ramp-up or age bands target "
                                 f"{m.name}, {gname}")
            entries.append(_pieces(whole, params))
            subsets.append((whole, some))
            partial.append(tuple(Partial(iv.name, iv.reach, iv.start_day, iv.ramp_up_days,
                                         tuple(s.bands.index(b) for b in iv.targets.age_bands) or None)
                                 for iv in some))
    first_extra = []
    for whole, some in subsets:
        first_extra.append(len(entries))
        for mask in range(1, 2 ** len(some)):
            entries.append(_pieces(whole + [iv for k, iv in enumerate(some) if mask >> k & 1], params))
    return EffectTable(entries, len(subsets), partial, first_extra)


def effect_at(pieces: list[Effect], t: float) -> Effect:
    """The piece in force at time ``t``."""
    e = pieces[0]
    for p in pieces:
        if p.start_day <= t:
            e = p
    return e
