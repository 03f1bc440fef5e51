"""A ``sweep`` folder read for its report: ``sweep.json`` (points, varied keys, reference, paired differences)."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

from .data import ReportInputError
from .interventions import _CAPACITY
from .numbers import number

__all__ = ["SWEEP_KEYS", "MUNICIPALITY_KEY", "MAX_SERIES", "key_label", "SweepData", "load_sweep"]

#: indicators drawn against the varied values (those present)
SWEEP_KEYS = ("delayed_days", "readmission_30d", "bed_occupancy", "corridor_patient_days", "short_term_wait",
              "cost_municipal_nok")
#: indicator of the per-municipality curves
MUNICIPALITY_KEY = "delayed_days"
#: at most this many curves per panel; more (a Latin hypercube) are drawn as unconnected points
MAX_SERIES = 6
_E = {"nb": 0, "en": 1}


def key_label(key: str, lang: str = "nb") -> str:
    """A varied key in words: ``municipality.Larvik.short_term_beds`` -> "Larvik: korttidsplasser"."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "municipality" and parts[2] in _CAPACITY:
        return f"{parts[1]}: {_CAPACITY[parts[2]][_E[lang]]}"
    if key == "hospital.beds":
        return "sykehussenger" if lang == "nb" else "hospital beds"
    return key


@dataclasses.dataclass
class SweepData:
    folder: Path
    doc: dict[str, Any]

    @property
    def points(self) -> list[dict[str, Any]]:
        return self.doc.get("points") or []

    @property
    def keys(self) -> list[str]:
        return list(self.doc.get("vary") or {})

    @property
    def manifest(self) -> dict[str, Any]:
        return self.doc.get("manifest") or {}

    @property
    def reference(self) -> dict[str, Any] | None:
        ref = self.doc.get("reference")
        if not ref:
            return None
        return next((p for p in self.points if p["point"] == ref.get("point")), None)

    @property
    def municipalities(self) -> list[str]:
        return list((self.points[0].get("by_municipality") or {}) if self.points else [])

    def x_key(self) -> str:
        """The varied key on the x axis: the first numeric one (else the first)."""
        for k in self.keys:
            if all(isinstance(p["values"].get(k), (int, float)) for p in self.points):
                return k
        return self.keys[0]

    def series(self, lang: str = "nb") -> list[tuple[str, list[dict[str, Any]]]]:
        """Points grouped by the values of the other varied keys, each group sorted along the x key."""
        xk = self.x_key()
        others = [k for k in self.keys if k != xk]
        groups: dict[str, list[dict[str, Any]]] = {}
        for p in self.points:
            name = ", ".join(f"{key_label(k, lang)} = {_fmt(p['values'].get(k), lang)}" for k in others)
            groups.setdefault(name, []).append(p)
        if len(groups) > MAX_SERIES:  # e.g. a Latin hypercube: every point differs in the other keys too
            return [("", sorted(self.points, key=lambda p: _x(p["values"].get(xk))))]
        return [(n, sorted(ps, key=lambda p: _x(p["values"].get(xk)))) for n, ps in groups.items()]

    @property
    def connected(self) -> bool:
        """Whether the points of a series lie on one line (only the x key varies along it)."""
        others = [k for k in self.keys if k != self.x_key()]
        return not others or len({tuple(str(p["values"].get(k)) for k in others) for p in self.points}) \
            <= MAX_SERIES

    def point_label(self, p: dict[str, Any], lang: str) -> str:
        return ", ".join(f"{key_label(k, lang)} = {_fmt(p['values'].get(k), lang)}" for k in self.keys)


def _x(v: Any) -> float:
    return float(v) if isinstance(v, (int, float)) else math.nan


def _fmt(v: Any, lang: str) -> str:
    return number(v, lang) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def load_sweep(folder: str | Path) -> SweepData:
    path = Path(folder) / "sweep.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportInputError(f"{path}: cannot read: {exc}") from None
    if not isinstance(doc, dict) or not doc.get("points"):
        raise ReportInputError(f"{path}: no points; is this a sweep folder written by hjemtilhjem?")
    return SweepData(Path(folder), doc)
