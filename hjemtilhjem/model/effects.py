"""Intervention effects: drawn once per replication, combined per municipality x group over time."""

from __future__ import annotations

from dataclasses import dataclass

from ..scenario.schema import ADMISSION_MULT_CAP, Scenario
from .rng import stream
from .sampling import effect_value

__all__ = ["Effect", "draw_parameters", "effects_table", "effect_at"]


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


def draw_parameters(s: Scenario, seed: int, replication: int, uncertain: bool) -> dict[str, float]:
    """Intervention effects for this replication (a draw each, or the point values)."""
    out: dict[str, float] = {}
    for iv in sorted((x for x in s.intervention if x.enabled), key=lambda x: x.name):
        eff = iv.active_effects()
        for key in ("admission_rate_mult", "los_mult", "los_delta_days", "readmission_rr",
                    "discharge_delay_delta_days"):
            value = getattr(eff, key)
            if value is None:
                continue
            rng = stream(seed, replication, f"param:{iv.name}:{key}") if uncertain else None
            out[f"{iv.name}.{key}"] = effect_value(value, rng)
    return out


def effects_table(s: Scenario, params: dict[str, float]) -> list[list[Effect]]:
    """Piecewise-constant combined effects, ``[municipality*groups + group] -> [Effect by start]``."""
    groups = [g.name for g in s.group]
    table: list[list[Effect]] = []
    active = [iv for iv in s.intervention if iv.enabled]
    for m in s.municipality:
        for gname in groups:
            mine = [iv for iv in active
                    if (not iv.targets.groups or gname in iv.targets.groups)
                    and (not iv.targets.municipalities or m.name in iv.targets.municipalities)]
            pieces = []
            for t0 in sorted({0.0, *(iv.start_day for iv in mine)}):
                vals = dict(admission_mult=1.0, kad_add=0.0, los_mult=1.0, los_delta=0.0,
                            readmission_rr=1.0, delay_delta=0.0)
                for iv in mine:
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
                vals["admission_mult"] = min(vals["admission_mult"], ADMISSION_MULT_CAP)
                pieces.append(Effect(start_day=t0, **vals))
            table.append(pieces)
    return table


def effect_at(pieces: list[Effect], t: float) -> Effect:
    """The piece in force at time ``t``."""
    e = pieces[0]
    for p in pieces:
        if p.start_day <= t:
            e = p
    return e
