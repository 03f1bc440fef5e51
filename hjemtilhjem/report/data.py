"""Read a results folder (one run or a comparison) into plain data for the report.

A run folder holds ``summary.json``, ``replications.csv``, ``daily.csv`` and ``scenario.resolved.toml``;
a comparison folder holds ``comparison.json`` and ``scenarios/<slug>/`` with the same files for every
scenario (only ``summary.json`` is required there).
"""

from __future__ import annotations

import csv
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..experiment.results import slug

__all__ = ["ScenarioData", "ReportData", "load_folder", "ReportInputError"]


class ReportInputError(Exception):
    """The folder is not a results folder: one clear sentence naming the file."""


@dataclass
class ScenarioData:
    """One scenario's results as read from its folder."""

    name: str
    folder: Path
    summary: dict[str, Any]
    daily: dict[str, list[float]] = field(default_factory=dict)  # column -> values by day
    dates: list[str] = field(default_factory=list)
    replications: list[dict[str, float]] = field(default_factory=list)
    resolved: dict[str, Any] = field(default_factory=dict)  # scenario.resolved.toml

    @property
    def manifest(self) -> dict[str, Any]:
        return self.summary.get("manifest", {})

    @property
    def indicators(self) -> dict[str, Any]:
        return self.summary.get("indicators", {})

    @property
    def by_municipality(self) -> dict[str, dict[str, Any]]:
        return self.summary.get("by_municipality", {})

    @property
    def hospitals(self) -> list[dict[str, Any]]:
        """The scenario's hospitals (one ``[hospital]`` table or several ``[[hospital]]``) as resolved."""
        h = self.resolved.get("hospital", {})
        return [x for x in h if isinstance(x, dict)] if isinstance(h, list) else [h]

    @property
    def own_beds(self) -> int | None:
        """Staffed beds of the health community's own hospitals (external ones have none)."""
        beds = [h.get("beds") for h in self.hospitals if not h.get("external")]
        counts = [b for b in beds if isinstance(b, int)]
        return sum(counts) if beds and len(counts) == len(beds) else None

    @property
    def by_hospital(self) -> dict[str, dict[str, Any]]:
        return self.summary.get("by_hospital", {})

    @property
    def by_pool(self) -> dict[str, dict[str, Any]]:
        return self.summary.get("by_pool", {})

    @property
    def flows(self) -> dict[str, float]:
        return self.summary.get("flows", {})

    @property
    def groups(self) -> list[str]:
        """Group names, from the resolved scenario or else from the flow keys."""
        if self.resolved.get("group"):
            return [g["name"] for g in self.resolved["group"]]
        names = []
        for k in self.flows:
            if k.startswith("at_risk.") and k != "at_risk.all":
                names.append(k[len("at_risk."):])
        return names


@dataclass
class ReportData:
    """Everything a report shows: one scenario (a run) or several (a comparison, reference first)."""

    folder: Path
    scenarios: list[ScenarioData]
    comparison: dict[str, Any] | None = None

    @property
    def is_comparison(self) -> bool:
        return self.comparison is not None

    @property
    def reference(self) -> ScenarioData:
        return self.scenarios[0]

    @property
    def municipalities(self) -> list[str]:
        return list(self.reference.by_municipality)

    @property
    def shared_pools(self) -> list[str]:
        """Names of the pools that several municipalities share (``[[pool]]`` of any scenario)."""
        return list(dict.fromkeys(p["name"] for s in self.scenarios for p in s.resolved.get("pool", [])
                                  if isinstance(p, dict) and "name" in p))

    @property
    def replications(self) -> int:
        """The smallest number of replications of the scenarios (0 when no summary says)."""
        ns = [int(s.manifest.get("replications") or 0) for s in self.scenarios]
        return min(ns) if ns else 0


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportInputError(f"{path}: not found; is this a results folder?") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportInputError(f"{path}: cannot read: {exc}") from None
    if not isinstance(data, dict):
        raise ReportInputError(f"{path}: expected a JSON object")
    return data


def _num(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _read_csv(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return [{k: _num(v) for k, v in row.items()} for row in csv.DictReader(fh)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ReportInputError(f"{path}: cannot read: {exc}") from None


def _read_scenario(folder: Path, summary: dict[str, Any]) -> ScenarioData:
    name = str(summary.get("scenario", folder.name))
    data = ScenarioData(name=name, folder=folder, summary=summary)
    rows = _read_csv(folder / "daily.csv")
    if rows:
        data.dates = [str(r.get("date", "")) for r in rows]
        for k in rows[0]:
            if k == "date":
                continue
            vals = [r[k] for r in rows]
            if all(isinstance(v, float) for v in vals):
                data.daily[k] = vals  # type: ignore[assignment]
    data.replications = _read_csv(folder / "replications.csv")
    toml_path = folder / "scenario.resolved.toml"
    if toml_path.is_file():
        try:
            data.resolved = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            data.resolved = {}
    return data


def _check_summary(path: Path, summary: dict[str, Any]) -> None:
    for key in ("scenario", "manifest", "indicators"):
        if key not in summary:
            raise ReportInputError(f"{path}: missing key {key!r}; is this a summary.json written by hjemtilhjem?")


def load_folder(folder: str | Path) -> ReportData:
    """Read a run or comparison folder; raises :class:`ReportInputError` when it is neither."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportInputError(f"{folder}: not a folder")
    comp_path = folder / "comparison.json"
    if comp_path.is_file():
        comparison = _read_json(comp_path)
        names = comparison.get("scenarios") or []
        if not names:
            raise ReportInputError(f"{comp_path}: no scenarios listed")
        found: dict[str, Path] = {}
        for p in sorted((folder / "scenarios").glob("*/summary.json")):
            found[str(_read_json(p).get("scenario"))] = p.parent
        scenarios = []
        for name in names:
            sub = folder / "scenarios" / slug(name)
            if not (sub / "summary.json").is_file():
                if name not in found:
                    raise ReportInputError(f"{folder / 'scenarios'}: no summary.json for scenario {name!r}")
                sub = found[name]
            summary = _read_json(sub / "summary.json")
            _check_summary(sub / "summary.json", summary)
            scenarios.append(_read_scenario(sub, summary))
        ref = comparison.get("reference", names[0])
        scenarios.sort(key=lambda s: s.name != ref)  # reference first, order otherwise kept
        return ReportData(folder=folder, scenarios=scenarios, comparison=comparison)
    summary = _read_json(folder / "summary.json")
    _check_summary(folder / "summary.json", summary)
    return ReportData(folder=folder, scenarios=[_read_scenario(folder, summary)])
