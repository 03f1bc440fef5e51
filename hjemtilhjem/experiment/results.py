"""Run a scenario's replications and write the results folder (DESIGN.md section 8).

Every results folder is written to a hidden temporary folder and renamed when complete, so an
interrupted run never leaves a folder that looks complete and no run overwrites an earlier one.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..model.load import overload_errors
from ..outcomes.labels import LABELS
from ..scenario.loader import LoadedScenario, ScenarioError, load_scenario
from ..scenario.schema import Scenario
from ..version import __version__
from .runner import Executor, ReplicationOutput, make_executor, run_replications
from .stats import indicator_summary
from .stats import summary as stat_summary
from .warmup import WATCHED, warmup_by_series

__all__ = ["RunResults", "run", "write_folder", "write_into", "atomic_folder", "slug", "manifest_base"]


def slug(name: str) -> str:
    """ASCII folder name of a scenario name ("Vestfold baseline" -> "vestfold-baseline")."""
    s = name.lower()
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "aa")):
        s = s.replace(a, b)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "scenario"


def _clean(x: Any) -> Any:
    """JSON-safe: NaN becomes null, numpy scalars become Python numbers."""
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, (np.floating, float)):
        return None if math.isnan(float(x)) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


def manifest_base() -> dict[str, Any]:
    import numpy
    import simpy

    return {"model_version": __version__, "python": platform.python_version(), "simpy": simpy.__version__,
            "numpy": numpy.__version__}


@dataclass
class RunResults:
    """The replications of one scenario and how they were made."""

    loaded: LoadedScenario
    outputs: list[ReplicationOutput]
    seed: int
    executor: str
    wall_seconds: float
    parameter_uncertainty: bool
    command: str = ""
    extra_manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def scenario(self) -> Scenario:
        return self.loaded.scenario

    @property
    def name(self) -> str:
        return self.scenario.name

    def values(self, key: str) -> np.ndarray:
        """Per-replication values of an indicator, in replication order."""
        return np.array([o.indicators[key] for o in self.outputs], dtype=float)

    def municipality_values(self, municipality: str, key: str) -> np.ndarray:
        return np.array([o.by_municipality[municipality][key] for o in self.outputs], dtype=float)

    def manifest(self) -> dict[str, Any]:
        s = self.scenario.scenario
        m = manifest_base()
        m.update({
            "scenario_sha256": self.loaded.sha256, "seed": self.seed, "replications": len(self.outputs),
            "horizon_days": s.horizon_days, "warmup_days": s.warmup_days, "command": self.command,
            "executor": self.executor, "wall_seconds": round(self.wall_seconds, 3),
            "simulation_cpu_seconds": round(sum(o.cpu_seconds for o in self.outputs), 3),
            "patients_simulated": int(sum(o.patients for o in self.outputs)),
            "events_logged": int(sum(o.events for o in self.outputs)),
            "parameter_uncertainty": self.parameter_uncertainty,
            "scenario_file": str(self.loaded.path), "scenario_files": [str(p) for p in self.loaded.files],
            "overrides": list(self.loaded.overrides), "start_date": s.start_date.isoformat(),
            "created": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "sources": dict(self.scenario.sources),
        })
        diag = self.warmup_diagnostic()
        if diag is not None:
            m["warmup_diagnostic"] = diag
        m.update(self.extra_manifest)
        return m

    def warmup_diagnostic(self) -> dict[str, Any] | None:
        """MSER-5 on the daily series that can drift (hospital occupancy, patients waiting in hospital, long-term
        occupancy; see :mod:`.warmup`): the longest suggestion; ``None`` without daily series."""
        series = {name: [o.daily[name] for o in self.outputs if o.daily and name in o.daily] for name in WATCHED}
        return warmup_by_series(series, self.scenario.scenario.warmup_days)

    def summary(self) -> dict[str, Any]:
        """The ``summary.json`` document.

        Indicator CIs are Student t, cut at the range the indicator can take (``ci95_truncated``).
        """
        keys = list(self.outputs[0].indicators) if self.outputs else []
        ind = {}
        for k in keys:
            s: dict[str, Any] = indicator_summary(k, self.values(k))
            lab = LABELS.get(k)
            if lab:
                s.update({"unit": lab.unit_en, "label_nb": lab.nb, "label_en": lab.en})
            ind[k] = s
        by = self._by_place("by_municipality")
        params = {}
        for k in (self.outputs[0].parameters if self.outputs else {}):
            params[k] = stat_summary([o.parameters[k] for o in self.outputs])
        flow_keys = list(self.outputs[0].flows) if self.outputs else []
        flows = {k: stat_summary([o.flows[k] for o in self.outputs])["mean"] for k in flow_keys}
        return _clean({"scenario": self.name, "manifest": self.manifest(), "indicators": ind,
                       "by_municipality": by, "by_hospital": self._by_place("by_hospital"),
                       "by_pool": self._by_place("by_pool"), "by_year": self._by_place("by_year"),
                       "parameters": params, "flows": flows})

    def _by_place(self, attr: str) -> dict[str, dict[str, Any]]:
        """Mean and 95% CI of each indicator of each municipality, hospital or pool (``attr`` of the outputs)."""
        out: dict[str, dict[str, Any]] = {}
        first = getattr(self.outputs[0], attr) if self.outputs else {}
        for place, keys in first.items():
            out[place] = {}
            for k in keys:
                s = indicator_summary(k, np.array([getattr(o, attr)[place][k] for o in self.outputs], dtype=float))
                out[place][k] = {"mean": s["mean"], "ci95": s["ci95"], "n": s["n"],
                                 "ci95_truncated": s["ci95_truncated"]}
        return out

    def replication_rows(self) -> list[dict[str, Any]]:
        rows = []
        for o in self.outputs:
            row: dict[str, Any] = {"scenario": o.scenario, "replication": o.replication}
            row.update(o.indicators)
            row.update({"patients": o.patients, "events": o.events})
            row.update({f"param.{k}": v for k, v in o.parameters.items()})
            rows.append(row)
        return rows

    def daily_rows(self) -> list[dict[str, Any]]:
        if not self.outputs:
            return []
        series = list(self.outputs[0].daily)
        stacked = {k: np.vstack([o.daily[k] for o in self.outputs]) for k in series}
        start = self.scenario.scenario.start_date
        n = stacked["day"].shape[1]
        rows = []
        for d in range(n):
            row: dict[str, Any] = {"day": d, "date": (start + dt.timedelta(days=d)).isoformat(),
                                   "warmup": int(d < self.scenario.scenario.warmup_days)}
            for k in series:
                if k == "day":
                    continue
                col = stacked[k][:, d]
                row[k] = float(col.mean())
                if k not in ("staffed_beds",):
                    row[f"{k}_p025"] = float(np.percentile(col, 2.5))
                    row[f"{k}_p975"] = float(np.percentile(col, 97.5))
            rows.append(row)
        return rows

    def to_dataframe(self) -> Any:
        """Per-replication indicators as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.replication_rows())

    def daily_dataframe(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.daily_rows())

    def write(self, out: str | Path = "results", extra: Callable[[Path], None] | None = None) -> Path:
        """Write the results folder under ``out``; returns its final path."""
        return write_folder(self, out, extra)


def _write_json(path: Path, doc: Any) -> None:
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        if not rows:
            return
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in r.items()})


class atomic_folder:
    """Context manager: a hidden temporary folder renamed to ``root/<stem>-<timestamp>`` on success."""

    def __init__(self, root: str | Path, stem: str):
        self.root = Path(root)
        self.stem = stem
        self.tmp: Path | None = None
        self.final: Path | None = None

    def __enter__(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.tmp = self.root / f".{self.stem}-{stamp}.incomplete-{os.getpid()}"
        self.tmp.mkdir()
        self._stamp = stamp
        return self.tmp

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        assert self.tmp is not None
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        base = self.root / f"{self.stem}-{self._stamp}"
        final, n = base, 1
        while final.exists():  # never replace an earlier run, even one from the same second
            n += 1
            final = Path(f"{base}-{n}")
        os.rename(self.tmp, final)
        self.final = final


def write_folder(results: RunResults, out: str | Path = "results",
                 extra: Callable[[Path], None] | None = None) -> Path:
    folder = atomic_folder(out, slug(results.name))
    with folder as tmp:
        write_into(results, tmp)
        (tmp / "figures").mkdir()
        if extra is not None:
            extra(tmp)
    assert folder.final is not None
    return folder.final


def bed_requirement_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per hospital and pool: its places, the mean midnight census and the places enough on 95 % and 99 %
    of days (mean over the replications with the 95 % CI)."""
    rows = []
    for kind, places in (("hospital", summary.get("by_hospital", {})), ("pool", summary.get("by_pool", {}))):
        for name, figures in places.items():
            if "places_needed_95" not in figures:
                continue
            row: dict[str, Any] = {"kind": kind, "place": name,
                                   "capacity": figures.get("capacity", {}).get("mean", "")}
            for key in ("census_mean", "places_needed_95", "places_needed_99"):
                row[key] = figures[key]["mean"]
                row[f"{key}_ci95_low"], row[f"{key}_ci95_high"] = figures[key]["ci95"]
            rows.append(row)
    return rows


def write_into(results: RunResults, folder: Path) -> None:
    """Write ``summary.json``, ``replications.csv``, ``daily.csv``, ``bed_requirement.csv`` and
    ``scenario.resolved.toml`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    summary = results.summary()
    _write_json(folder / "summary.json", summary)
    _write_csv(folder / "bed_requirement.csv", bed_requirement_rows(summary))
    _write_csv(folder / "replications.csv", results.replication_rows())
    _write_csv(folder / "daily.csv", results.daily_rows())
    (folder / "scenario.resolved.toml").write_text(results.loaded.resolved_toml(), encoding="utf-8")


def run(scenario: str | Path | LoadedScenario | Scenario, *, replications: int | None = None,
        seed: int | None = None, jobs: int | None = None, executor: str | Executor = "process",
        scheduler: str | None = None, parameter_uncertainty: bool | None = None, overrides: Iterable[str] = (),
        quiet: bool = True, command: str = "", first_replication: int = 0) -> RunResults:
    """Run a scenario's replications.

    Parameters
    ----------
    scenario
        A path to a TOML file, a loaded scenario or a :class:`Scenario`.
    replications, seed
        Override the scenario's values.
    jobs, executor, scheduler
        Where the replications run: ``"serial"``, ``"process"`` (default, ``jobs`` workers) or
        ``"dask"`` (``scheduler`` address, or a local cluster).
    parameter_uncertainty
        Draw intervention effects per replication (default: the scenario's setting).
    """
    loaded, n, seed, pu, ex = resolve_settings(scenario, overrides, replications, seed, parameter_uncertainty,
                                               executor, jobs, scheduler)
    t0 = time.perf_counter()
    outputs = run_replications(loaded.scenario, range(first_replication, first_replication + n), ex, seed, pu, quiet)
    return RunResults(loaded=loaded, outputs=outputs, seed=seed, executor=ex.name,
                      wall_seconds=time.perf_counter() - t0, parameter_uncertainty=pu,
                      command=command or " ".join(["hjemtilhjem", *sys.argv[1:]]))


def resolve_settings(scenario: str | Path | LoadedScenario | Scenario, overrides: Iterable[str],
                     replications: int | None, seed: int | None, parameter_uncertainty: bool | None,
                     executor: str | Executor, jobs: int | None,
                     scheduler: str | None) -> tuple[LoadedScenario, int, int, bool, Executor]:
    """The loaded scenario and the run settings, each defaulting to the scenario's own value.

    Raises :class:`ScenarioError` before any simulation when a pool's queue would grow without bound (offered its
    places or more, nobody leaving it: :func:`hjemtilhjem.model.load.overload_errors`).
    """
    loaded = _as_loaded(scenario, overrides)
    problems = overload_errors(loaded.scenario, str(loaded.path))
    if problems:
        raise ScenarioError(problems)
    meta = loaded.scenario.scenario
    return (loaded, meta.replications if replications is None else replications,
            meta.seed if seed is None else seed,
            meta.parameter_uncertainty if parameter_uncertainty is None else parameter_uncertainty,
            make_executor(executor, jobs, scheduler))


def _as_loaded(scenario: str | Path | LoadedScenario | Scenario, overrides: Iterable[str] = ()) -> LoadedScenario:
    if isinstance(scenario, LoadedScenario):
        if overrides:
            return load_scenario(scenario.path, [*scenario.overrides, *overrides])
        return scenario
    if isinstance(scenario, Scenario):
        return LoadedScenario(scenario=scenario, path=Path("<python>"), files=())
    return load_scenario(scenario, overrides)
