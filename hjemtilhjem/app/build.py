"""A scenario built in the page: the baseline, the shipped interventions switched on (each with its evidence
variant and its reach), changed capacities and shared pools.

What the page builds is written as an ordinary scenario file that ``extends`` the baseline (interventions and
pools as tables, in the app's work folder) plus ``--set`` strings for the capacities, evidence variants and reaches
(``intervention.NAME.reach=0.4``), and
loaded by the same loader as the CLI: the same validation and the same ``file:key.path: message`` lines. The
download is the resolved scenario (``scenario.resolved.toml``: self-contained, same hash).
"""

from __future__ import annotations

import copy
import hashlib
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from ..experiment.results import slug
from ..scenario.loader import LoadedScenario, ScenarioError, load_scenario
from .folders import AppFolders, OutsideFolders
from .texts import t

__all__ = ["Draft", "PoolDraft", "ShippedIntervention", "shipped_interventions", "capacities", "describe",
           "write_draft", "load_draft", "load_baseline", "check_extends", "prepare_upload", "CAPACITY_FIELDS",
           "reach_pct"]

#: capacity keys of a municipality, in the order the page shows them
CAPACITY_FIELDS = ("kad_beds", "short_term_beds", "rehab_beds", "long_term_beds", "home_care_clients",
                   "home_care_hours_per_week")


@dataclass(frozen=True)
class ShippedIntervention:
    """An ``[[intervention]]`` found in one of the community's scenario files."""

    name: str
    label: str
    variants: tuple[str, ...]  # "base" first
    table: dict[str, Any]
    file: str

    @property
    def reach(self) -> float:
        """The file's ``reach``: share of the targeted patients reached, 0..1 (1 when the file has none)."""
        r = self.table.get("reach", 1.0)
        return float(r) if isinstance(r, (int, float)) and not isinstance(r, bool) else 1.0

    def reach_applies(self, variant: str = "base") -> bool:
        """Whether the reach changes anything with this evidence variant: an effect on patients (not only added
        capacity) or a cost per reached patient. Capacity and yearly costs are the same whatever the reach."""
        effects = self.table.get("effects") if variant == "base" else (self.table.get("variants") or {}).get(variant)
        patient = [k for k in (effects or {}) if k not in ("capacity_delta", "hospital_beds_delta")]
        return bool(patient) or bool(self.table.get("cost_per_patient_nok"))


def reach_pct(reach: float) -> int:
    """A reach (0..1) as whole percent, as the page's slider shows it."""
    return int(round(100 * reach))


@dataclass
class PoolDraft:
    name: str
    service: str
    members: list[str]
    capacity: float | None = None

    def table(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "service": self.service, "members": list(self.members)}
        if self.capacity is not None:
            out["capacity"] = self.capacity
        out["source"] = "built in hjemtilhjem app"
        return out


@dataclass
class Draft:
    """The page's scenario: what differs from the baseline."""

    baseline: Path
    name: str = "Scenario"
    interventions: dict[str, str] = field(default_factory=dict)  # name -> evidence variant
    capacity: dict[str, float] = field(default_factory=dict)  # --set key path -> value
    pools: list[PoolDraft] = field(default_factory=list)
    reach: dict[str, float] = field(default_factory=dict)  # name -> reach (0..1) where it differs from the file's

    def empty(self) -> bool:
        return not (self.interventions or self.capacity or self.pools)

    def overrides(self) -> list[str]:
        out = [f"{k}={_num(v)}" for k, v in self.capacity.items()]
        for n, v in self.interventions.items():
            if v != "base":
                out.append(f"intervention.{n}.evidence={v!r}".replace("'", '"'))
            if n in self.reach:
                out.append(f"intervention.{n}.reach={_num(self.reach[n])}")
        return out


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


# ---------------------------------------------------------------------------------------------- reading
def shipped_interventions(files: Iterable[Path]) -> list[ShippedIntervention]:
    """The interventions of a community's scenario files, each once (the first file that has it)."""
    seen: dict[str, ShippedIntervention] = {}
    for f in files:
        try:
            data = tomllib.loads(f.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        for iv in data.get("intervention", []) or []:
            if not isinstance(iv, dict) or not isinstance(iv.get("name"), str) or iv["name"] in seen:
                continue
            variants = ("base", *[v for v in (iv.get("variants") or {}) if v != "base"])
            seen[iv["name"]] = ShippedIntervention(iv["name"], str(iv.get("label") or iv["name"]), variants,
                                                   copy.deepcopy(iv), f.name)
    return list(seen.values())


def capacities(loaded: LoadedScenario) -> dict[str, float]:
    """Every capacity the page can change, as ``--set`` key path -> the baseline's value."""
    out: dict[str, float] = {}
    raw = loaded.raw
    for m in sorted(raw.get("municipality", []), key=lambda m: m["name"]):
        for k in CAPACITY_FIELDS:
            if m.get(k) is not None:
                out[f"municipality.{m['name']}.{k}"] = m[k]
    hosp = raw.get("hospital")
    if isinstance(hosp, dict) and hosp.get("beds") is not None:
        out["hospital.beds"] = hosp["beds"]
    elif isinstance(hosp, list):
        for h in hosp:
            if h.get("beds") is not None and not h.get("external"):
                out[f"hospital.{h['name']}.beds"] = h["beds"]
    for p in raw.get("pool", []) or []:
        if p.get("capacity") is not None:
            out[f"pool.{p['name']}.capacity"] = p["capacity"]
    return out


def load_baseline(path: Path, folders: AppFolders, overrides: Iterable[str] = ()) -> LoadedScenario:
    check_extends(path, folders)
    return load_scenario(path, list(overrides))


def check_extends(path: Path, folders: AppFolders) -> None:
    """The file and every file it ``extends`` lie inside the app's folders (else one ScenarioError line)."""
    seen: set[Path] = set()
    p = folders.readable(path)
    while p not in seen:
        seen.add(p)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return  # the loader says what is wrong with it
        ext = data.get("extends")
        if not isinstance(ext, str):
            return
        try:
            p = folders.readable(p.parent / ext)
        except OutsideFolders:
            raise ScenarioError([f"{path}:extends: {ext!r} is outside the app's scenario folders"]) from None


def prepare_upload(folders: AppFolders, name: str, data: bytes, community: Path) -> Path:
    """Save an uploaded scenario in the work folder; an ``extends`` names a file of the chosen community
    (``extends = "baseline.toml"``) and is rewritten to point at it from the work folder. Raises
    :class:`ScenarioError` (with the uploaded file's name) when the file cannot be read or extends a file
    outside the app's folders."""
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError([f"{Path(name).name}: not a valid TOML file: {exc}"]) from None
    path = folders.save_upload(name, data)
    ext = doc.get("extends")
    if isinstance(ext, str):
        target = (community / ext).resolve()
        try:
            folders.readable(target)
        except OutsideFolders:
            path.unlink(missing_ok=True)
            raise ScenarioError([f"{Path(name).name}:extends: {ext!r} is outside the app's scenario "
                                 "folders"]) from None
        doc["extends"] = os.path.relpath(target, path.parent)
        path.write_text(f"# uploaded as {Path(name).name}\n" + tomli_w.dumps(doc), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------- writing
def draft_document(draft: Draft, folders: AppFolders, shipped: Iterable[ShippedIntervention]) -> dict[str, Any]:
    """The generated scenario file: ``extends`` the baseline, with the chosen interventions and pools."""
    base = folders.readable(draft.baseline)
    gen = folders.work / "scenarios"
    doc: dict[str, Any] = {"extends": os.path.relpath(base, gen), "scenario": {"name": draft.name}}
    by_name = {s.name: s for s in shipped}
    ivs = [copy.deepcopy(by_name[n].table) for n in draft.interventions if n in by_name]
    if ivs:
        doc["intervention"] = ivs
    if draft.pools:
        doc["pool"] = [p.table() for p in draft.pools]
    return doc


def write_draft(draft: Draft, folders: AppFolders, shipped: Iterable[ShippedIntervention]) -> Path:
    """Write the generated scenario file (named by its content) into ``work/scenarios``."""
    text = ("# built in hjemtilhjem app: the baseline (extends) with interventions and pools; capacities and "
            "evidence variants are given as --set\n" + tomli_w.dumps(draft_document(draft, folders, shipped)))
    gen = folders.work / "scenarios"
    gen.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    path = folders.writable(gen / f"app-{digest}.toml")
    if not path.exists():
        path.write_text(text, encoding="utf-8")
    return path


def load_draft(draft: Draft, folders: AppFolders, shipped: Iterable[ShippedIntervention],
               extra: Iterable[str] = ()) -> LoadedScenario:
    """Load the page's scenario like the CLI would: ``load_scenario(generated file, --set strings)``.

    Raises :class:`ScenarioError` with the CLI's ``file:key.path: message`` lines.
    """
    check_extends(draft.baseline, folders)
    path = write_draft(draft, folders, list(shipped))
    extra = list(extra)
    loaded = load_scenario(path, [*draft.overrides(), *extra])
    return freeze(loaded, folders, extra)


def freeze(loaded: LoadedScenario, folders: AppFolders, extra: Iterable[str] = ()) -> LoadedScenario:
    """The resolved scenario written as a file of its own (what the page offers for download) and loaded from
    it with the sidebar's ``--set`` lines (``extra``, already in the file: they change nothing but are recorded as
    the CLI records them): what runs is that file, so the CLI given the downloaded file and the same ``--set``
    lines runs and reports the same."""
    text = loaded.resolved_toml()
    gen = folders.work / "scenarios"
    gen.mkdir(parents=True, exist_ok=True)
    path = folders.writable(gen / f"{slug(loaded.scenario.name)}-{loaded.sha256[:12]}.toml")
    if not path.exists():
        path.write_text(text, encoding="utf-8")
    frozen = load_scenario(path, list(extra))
    assert frozen.sha256 == loaded.sha256, "the resolved scenario must load to the same scenario"
    return frozen


# ---------------------------------------------------------------------------------------------- words
def describe(draft: Draft, base: dict[str, float], shipped: Iterable[ShippedIntervention],
             lang: str = "nb") -> list[str]:
    """Each change from the baseline as one plain sentence ("Larvik: korttidsplasser 64 → 70 (+6)")."""
    lines: list[str] = []
    by_name = {s.name: s for s in shipped}
    for n, variant in draft.interventions.items():
        iv = by_name.get(n)
        shown = t(f"variant.{variant}", lang) if variant == "base" else variant
        name = iv.label if iv is not None else n
        if iv is None or not iv.reach_applies(variant):
            lines.append(t("change.intervention", lang, name=name, variant=shown))
        elif n in draft.reach:
            lines.append(t("change.intervention_reach_changed", lang, name=name, variant=shown,
                           reach=reach_pct(draft.reach[n]), old=reach_pct(iv.reach)))
        else:
            lines.append(t("change.intervention_reach", lang, name=name, variant=shown, reach=reach_pct(iv.reach)))
    for key, value in draft.capacity.items():
        old = base.get(key)
        parts = key.split(".")
        what = t(f"cap.{parts[-1]}", lang)
        place = t("place.hospital", lang) if parts[0] == "hospital" and len(parts) == 2 else parts[1]
        if old is None:
            lines.append(t("change.capacity_new", lang, place=place, what=what, new=_num(value)))
        else:
            lines.append(t("change.capacity", lang, place=place, what=what, old=_num(old), new=_num(value),
                           delta=f"{value - old:+g}"))
    for p in draft.pools:
        members = t("and", lang).join([", ".join(p.members[:-1]), p.members[-1]] if len(p.members) > 1
                                      else p.members)
        now = {**base, **draft.capacity}
        cap = (t("pool.capacity_sum", lang, n=_num(sum(now.get(f"municipality.{m}.{_field(p.service)}", 0)
                                                          for m in p.members)))
               if p.capacity is None else t("pool.capacity", lang, n=_num(p.capacity)))
        lines.append(t("change.pool", lang, service=t(f"service.{p.service}", lang), members=members,
                       name=p.name, capacity=cap))
    return lines


def _field(service: str) -> str:
    return {"home_care": "home_care_clients"}.get(service, f"{service}_beds")
