"""Parameter sweeps: one scenario over a design of values, resumable, on any executor.

A design is a full factorial over listed values (``key=v1,v2,...``), a Latin hypercube over numeric
ranges (``key=lo:hi`` with ``samples``), or both crossed. Each point is the scenario with
``key.path=value`` overrides, validated like ``--set``. Every point runs the same replication
indices with the same seed, so points are compared on common random numbers.

Work units are ``(point, replication)``. Each finished unit is checkpointed as a small JSON file
under ``<out>/<scenario>-sweep.partial/``, named by a hash of what determines its result (model
version, resolved scenario, seed, replication, parameter uncertainty). Re-running the same command
after an interruption reuses those files and computes only what is missing. The final folder is
written atomically; the unit files are then removed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from ..outcomes.labels import BETTER, LABELS
from ..scenario.loader import LoadedScenario, ScenarioError, load_scenario
from ..version import __version__
from .results import _clean, _write_csv, _write_json, atomic_folder, manifest_base, slug
from .runner import Executor, ReplicationOutput, WorkUnit, make_executor, progress_bar, run_unit, session
from .stats import indicator_summary, paired_difference

__all__ = ["Vary", "SweepError", "parse_vary", "design", "SweepPoint", "SweepResults", "sweep", "unit_key",
           "Checkpoints", "checkpoint_folder", "override_text", "reference_point"]


class SweepError(ValueError):
    """A ``--vary`` that cannot be read (usage error)."""


@dataclass(frozen=True)
class Vary:
    """One varied key: listed values, or a numeric range ``[low, high]`` for a Latin hypercube."""

    key: str
    values: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    integer: bool = False

    @property
    def is_range(self) -> bool:
        return self.low is not None


def _split_top(text: str) -> list[str]:
    """Split at commas outside brackets (so ``[1, 2]`` stays one value)."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [x.strip() for x in out]


def _toml_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def parse_vary(text: str) -> Vary:
    """Parse ``key.path=v1,v2,...`` or ``key.path=lo:hi``."""
    key, sep, rest = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not p for p in key.split(".")) or not rest.strip():
        raise SweepError(f"--vary {text!r}: expected key.path=v1,v2,... or key.path=low:high")
    rest = rest.strip()
    if ":" in rest and "," not in rest and not rest.startswith(("[", "{", '"', "'")):
        lo_s, _, hi_s = rest.partition(":")
        lo, hi = _toml_value(lo_s.strip()), _toml_value(hi_s.strip())
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lo, hi)):
            raise SweepError(f"--vary {text!r}: a range needs two numbers, low:high")
        if hi < lo:
            raise SweepError(f"--vary {text!r}: high must be >= low")
        return Vary(key, low=float(lo), high=float(hi), integer=isinstance(lo, int) and isinstance(hi, int))
    values = tuple(_toml_value(v) for v in _split_top(rest))
    if any(v == "" for v in values):
        raise SweepError(f"--vary {text!r}: empty value")
    return Vary(key, values=values)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return bool(a == b)


def reference_point(points: Sequence[dict[str, Any]], refs: Sequence[str] | str | None,
                    keys: Sequence[str]) -> int:
    """Index of the design point ``--reference key=value`` (repeatable, one per varied key at most) names.

    Without a reference the first point is the reference. A key that is not varied, a value no point has,
    or a reference that matches several points (name the other keys too) is a :class:`SweepError`.
    """
    if not refs:
        return 0
    want: dict[str, Any] = {}
    for text in [refs] if isinstance(refs, str) else refs:
        key, sep, raw = text.partition("=")
        key = key.strip()
        if not sep or not key or not raw.strip():
            raise SweepError(f"--reference {text!r}: expected key.path=value")
        if key not in keys:
            raise SweepError(f"--reference {text!r}: {key} is not varied; varied: {', '.join(keys)}")
        want[key] = _toml_value(raw.strip())
    hits = [i for i, p in enumerate(points) if all(_same(p.get(k), v) for k, v in want.items())]
    if not hits:
        seen = {k: sorted({str(p.get(k)) for p in points}) for k in want}
        raise SweepError("--reference " + ", ".join(f"{k}={v}" for k, v in want.items()) + ": no point has it; "
                         + "; ".join(f"{k} takes {', '.join(vs)}" for k, vs in seen.items()))
    if len(hits) > 1:
        others = [k for k in keys if k not in want]
        raise SweepError(f"--reference matches {len(hits)} points; name {', '.join(others)} too")
    return hits[0]


def _lhs(n_dims: int, samples: int, seed: int) -> np.ndarray:
    from scipy.stats import qmc

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x5EE9,)))
    try:
        sampler = qmc.LatinHypercube(d=n_dims, rng=rng)
    except TypeError:  # scipy < 1.15
        sampler = qmc.LatinHypercube(d=n_dims, seed=rng)
    return sampler.random(samples)


def design(varies: Sequence[Vary], samples: int | None = None, seed: int = 0) -> list[dict[str, Any]]:
    """The points of a sweep: ``[{key: value}]``.

    Listed values form a full factorial; ranges are sampled by a Latin hypercube of ``samples``
    points (seeded, so the same command gives the same design); both together are crossed.
    """
    keys = [v.key for v in varies]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise SweepError(f"--vary {dup[0]}: given twice")
    lists = [v for v in varies if not v.is_range]
    ranges = [v for v in varies if v.is_range]
    if ranges and not samples:
        raise SweepError(f"--vary {ranges[0].key}: a low:high range needs --samples N (Latin hypercube)")
    if samples and not ranges:
        raise SweepError("--samples needs at least one --vary key=low:high range")
    lhs_points: list[dict[str, Any]] = [{}]
    if ranges:
        u = _lhs(len(ranges), int(samples or 0), seed)
        lhs_points = []
        for row in u:
            p: dict[str, Any] = {}
            for v, x in zip(ranges, row, strict=True):
                assert v.low is not None and v.high is not None
                if v.integer:  # equal-width integer bins: every value in [low, high] equally likely
                    p[v.key] = int(min(math.floor(v.low + x * (v.high - v.low + 1)), v.high))
                else:
                    p[v.key] = float(v.low + x * (v.high - v.low))
            lhs_points.append(p)
    points = []
    for combo in itertools.product(*(v.values for v in lists)):
        for lp in lhs_points:
            p = {v.key: c for v, c in zip(lists, combo, strict=True)}
            p.update(lp)
            points.append({k: p[k] for k in keys})
    return points


def override_text(key: str, value: Any) -> str:
    """``key=value`` with the value written as TOML."""
    return f"{key}={tomli_w.dumps({'v': value}).partition('=')[2].strip()}"


def unit_key(loaded: LoadedScenario, seed: int, replication: int, parameter_uncertainty: bool) -> str:
    """What determines a unit's result, hashed: model version, resolved scenario, seed, replication, uncertainty."""
    text = f"{__version__}|{loaded.sha256}|{seed}|{replication}|{int(parameter_uncertainty)}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _output_to_json(o: ReplicationOutput) -> dict[str, Any]:
    return {"scenario": o.scenario, "replication": o.replication, "indicators": o.indicators,
            "by_municipality": o.by_municipality, "patients": o.patients, "events": o.events,
            "cpu_seconds": o.cpu_seconds, "log_bytes": o.log_bytes, "parameters": o.parameters}


def _output_from_json(d: Mapping[str, Any]) -> ReplicationOutput:
    return ReplicationOutput(scenario=d["scenario"], replication=d["replication"], indicators=d["indicators"],
                             by_municipality=d["by_municipality"], daily={}, patients=d["patients"],
                             events=d["events"], cpu_seconds=d["cpu_seconds"], log_bytes=d["log_bytes"],
                             parameters=d["parameters"])


class Checkpoints:
    """A folder of finished units, one JSON file each, written atomically (temp file + rename)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def load(self, key: str) -> ReplicationOutput | None:
        p = self.path(key)
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # missing, or a file cut short: recompute
        if d.get("key") != key:
            return None
        return _output_from_json(d)

    def save(self, key: str, output: ReplicationOutput, point: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        doc = {"key": key, "point": point, **_output_to_json(output)}
        tmp = self.folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(doc), encoding="utf-8")  # floats round-trip exactly (repr)
        os.replace(tmp, self.path(key))

    def remove(self, keys: Iterable[str]) -> None:
        for k in keys:
            self.path(k).unlink(missing_ok=True)
        try:
            self.folder.rmdir()
        except OSError:
            pass


@dataclass
class SweepPoint:
    index: int
    values: dict[str, Any]
    overrides: tuple[str, ...]
    loaded: LoadedScenario
    outputs: list[ReplicationOutput] = field(default_factory=list)

    def indicator(self, key: str) -> np.ndarray:
        return np.array([o.indicators[key] for o in self.outputs], dtype=float)

    def municipality(self, municipality: str, key: str) -> np.ndarray:
        return np.array([o.by_municipality.get(municipality, {}).get(key, math.nan) for o in self.outputs],
                        dtype=float)


@dataclass
class SweepResults:
    """The points of a sweep with their replications."""

    base: LoadedScenario
    varies: list[Vary]
    points: list[SweepPoint]
    seed: int
    replications: int
    parameter_uncertainty: bool
    executor: str
    samples: int | None = None
    wall_seconds: float = 0.0
    computed_units: int = 0
    reused_units: int = 0
    command: str = ""
    overrides: tuple[str, ...] = ()
    checkpoints: Checkpoints | None = None
    unit_keys: list[str] = field(default_factory=list)
    keep_checkpoints: bool = False
    reference: int = 0  # index in ``points`` of the reference point of the paired differences

    @property
    def name(self) -> str:
        return self.base.scenario.name

    @property
    def keys(self) -> list[str]:
        return [v.key for v in self.varies]

    def indicator_keys(self) -> list[str]:
        return list(self.points[0].outputs[0].indicators) if self.points and self.points[0].outputs else []

    def municipalities(self) -> list[str]:
        return list(self.points[0].outputs[0].by_municipality) if self.points and self.points[0].outputs else []

    def municipality_keys(self) -> list[str]:
        munis = self.municipalities()
        return list(self.points[0].outputs[0].by_municipality[munis[0]]) if munis else []

    def differences(self) -> dict[str, dict[str, Any]]:
        """``{point: {indicator: paired difference from the reference point}}`` (common random numbers: every
        point runs the same replications with the same seed); the reference point is left out."""
        ref = self.points[self.reference]
        out: dict[str, dict[str, Any]] = {}
        for p in self.points:
            if p is ref:
                continue
            out[str(p.index)] = {k: paired_difference(ref.indicator(k).tolist(), p.indicator(k).tolist(),
                                                      BETTER.get(k, 0))
                                 for k in self.indicator_keys()}
        return out

    def municipality_differences(self) -> dict[str, dict[str, dict[str, Any]]]:
        """``{point: {municipality: {indicator: paired difference from the reference point}}}``."""
        ref = self.points[self.reference]
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for p in self.points:
            if p is ref:
                continue
            out[str(p.index)] = {m: {k: paired_difference(ref.municipality(m, k).tolist(),
                                                          p.municipality(m, k).tolist(), BETTER.get(k, 0))
                                     for k in self.municipality_keys()}
                                 for m in self.municipalities()}
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One row per point: the varied values, then mean and 95% CI of every indicator."""
        rows = []
        for p in self.points:
            row: dict[str, Any] = {"point": p.index, **p.values, "n": len(p.outputs),
                                   "scenario_sha256": p.loaded.sha256}
            for k in self.indicator_keys():
                s = indicator_summary(k, p.indicator(k))  # cut at what the indicator can be, like run
                row[k] = s["mean"]
                row[f"{k}_ci95_low"], row[f"{k}_ci95_high"] = s["ci95"]  # type: ignore[misc]
            rows.append(row)
        return rows

    def replication_rows(self) -> list[dict[str, Any]]:
        rows = []
        for p in self.points:
            for o in p.outputs:
                rows.append({"point": p.index, **p.values, "replication": o.replication, **o.indicators})
        return rows

    def to_dataframe(self) -> Any:
        """:meth:`rows` as a pandas DataFrame (one row per point)."""
        import pandas as pd

        return pd.DataFrame(self.rows())

    def manifest(self) -> dict[str, Any]:
        m = manifest_base()
        m.update({
            "scenario_sha256": self.base.sha256, "scenario_file": str(self.base.path), "seed": self.seed,
            "replications": self.replications, "parameter_uncertainty": self.parameter_uncertainty,
            "design": ("factorial" if not self.samples else
                       ("latin_hypercube" if all(v.is_range for v in self.varies) else "factorial x latin_hypercube")),
            "samples": self.samples, "points": len(self.points), "common_random_numbers": True,
            "executor": self.executor, "wall_seconds": round(self.wall_seconds, 3), "command": self.command,
            "overrides_all_points": list(self.overrides), "units_computed": self.computed_units,
            "units_from_checkpoints": self.reused_units,
            "simulation_cpu_seconds": round(sum(o.cpu_seconds for p in self.points for o in p.outputs), 3),
            "patients_simulated": int(sum(o.patients for p in self.points for o in p.outputs)),
        })
        return m

    def document(self) -> dict[str, Any]:
        """The ``sweep.json`` document."""
        vary = {v.key: ({"low": v.low, "high": v.high, "integer": v.integer} if v.is_range else list(v.values))
                for v in self.varies}
        points = []
        for p in self.points:
            ind = {}
            for k in self.indicator_keys():
                s = indicator_summary(k, p.indicator(k))
                lab = LABELS.get(k)
                ind[k] = {"mean": s["mean"], "sd": s["sd"], "ci95": s["ci95"], "n": s["n"],
                          "ci95_truncated": s["ci95_truncated"], **({"unit": lab.unit_en} if lab else {})}
            by_m: dict[str, dict[str, Any]] = {}
            for m in self.municipalities():
                by_m[m] = {}
                for k in self.municipality_keys():
                    s = indicator_summary(k, p.municipality(m, k))
                    by_m[m][k] = {"mean": s["mean"], "ci95": s["ci95"], "ci95_truncated": s["ci95_truncated"]}
            points.append({"point": p.index, "values": p.values, "overrides": list(p.overrides),
                           "scenario_sha256": p.loaded.sha256, "indicators": ind, "by_municipality": by_m})
        ref = self.points[self.reference] if self.points else None
        return _clean({"scenario": self.name, "vary": vary, "points": points,
                       "reference": None if ref is None else {"point": ref.index, "values": ref.values},
                       "differences": self.differences() if ref is not None else {},
                       "differences_by_municipality": self.municipality_differences() if ref is not None else {},
                       "manifest": self.manifest()})

    def write(self, out: str | Path = "results", extra: Callable[[Path], Any] | None = None) -> Path:
        """Write ``sweep.csv``, ``sweep.json`` and ``replications.csv`` atomically under ``out``.

        ``extra(folder)`` runs before the folder is renamed into place (the report). Once the folder is
        complete the unit checkpoints are removed (unless ``keep_checkpoints``).
        """
        folder = atomic_folder(out, f"{slug(self.name)}-sweep")
        with folder as tmp:
            _write_json(tmp / "sweep.json", self.document())
            _write_csv(tmp / "sweep.csv", self.rows())
            _write_csv(tmp / "replications.csv", self.replication_rows())
            (tmp / "scenario.resolved.toml").write_text(self.base.resolved_toml(), encoding="utf-8")
            if extra is not None:
                extra(tmp)
        assert folder.final is not None
        if self.checkpoints is not None and not self.keep_checkpoints:
            self.checkpoints.remove(self.unit_keys)
        return folder.final


def checkpoint_folder(out: str | Path, name: str) -> Path:
    return Path(out) / f"{slug(name)}-sweep.partial"


def _load_points(path: Path, overrides: tuple[str, ...], points: list[dict[str, Any]]) -> list[SweepPoint]:
    """Load and validate every point; the base with ``overrides`` is known to load, so any ``--set``
    error here comes from a ``--vary`` value and is labelled so."""
    out, errors = [], []
    for i, values in enumerate(points):
        texts = tuple(override_text(k, v) for k, v in values.items())
        try:
            ls = load_scenario(path, [*overrides, *texts])
        except ScenarioError as exc:
            for msg in exc.messages:
                msg = "--vary:" + msg[len("--set:"):] if msg.startswith("--set:") else msg
                if msg not in errors:
                    errors.append(msg)
            continue
        out.append(SweepPoint(index=i, values=values, overrides=texts, loaded=ls))
    if errors:
        raise ScenarioError(errors)
    return out


def sweep(scenario: str | Path, vary: Sequence[str | Vary] | Mapping[str, Sequence[Any]], *,
          samples: int | None = None, replications: int | None = None, seed: int | None = None,
          jobs: int | None = None, executor: str | Executor = "process", scheduler: str | None = None,
          parameter_uncertainty: bool | None = None, overrides: Iterable[str] = (), quiet: bool = True,
          out: str | Path = "results", checkpoints: str | Path | None = None, keep_checkpoints: bool = False,
          command: str = "", reference: Sequence[str] | str | None = None) -> SweepResults:
    """Run a scenario over a design of values.

    Parameters
    ----------
    scenario
        Path of the scenario TOML file.
    vary
        ``["key=v1,v2", "key=lo:hi"]`` (CLI syntax), :class:`Vary` objects, or ``{key: [values]}``.
    samples
        Latin hypercube points over the ranges.
    out
        Where results go; the default checkpoint folder is ``<out>/<scenario>-sweep.partial``.
    checkpoints
        Folder for finished units (overrides the default); finished units
        found there are reused, so an interrupted sweep resumes.
    keep_checkpoints
        Keep the unit files after the sweep completes (default: remove them).
    reference
        ``"key=value"`` (or several, one per varied key) naming the point the paired differences are taken
        from; the first point when not given. Checked before anything runs.

    Returns
    -------
    SweepResults
        ``computed_units`` and ``reused_units`` say how much was run and how much resumed.
    """
    if isinstance(vary, Mapping):
        varies = [Vary(k, values=tuple(v)) for k, v in vary.items()]
    else:
        varies = [v if isinstance(v, Vary) else parse_vary(v) for v in vary]
    if not varies:
        raise SweepError("give at least one --vary key=v1,v2,...")
    overrides = tuple(overrides)
    base = load_scenario(scenario, overrides)
    meta = base.scenario.scenario
    n = meta.replications if replications is None else replications
    seed = meta.seed if seed is None else seed
    pu = meta.parameter_uncertainty if parameter_uncertainty is None else parameter_uncertainty
    values = design(varies, samples, seed)
    ref = reference_point(values, reference, [v.key for v in varies])
    points = _load_points(Path(scenario), overrides, values)
    ck = Checkpoints(Path(checkpoints) if checkpoints is not None else checkpoint_folder(out, base.scenario.name))
    ex = make_executor(executor, jobs, scheduler)
    t0 = time.perf_counter()
    todo: list[tuple[SweepPoint, int, str]] = []
    found: dict[str, ReplicationOutput] = {}
    keys_all = []
    for p in points:
        for r in range(n):
            key = unit_key(p.loaded, seed, r, pu)
            keys_all.append(key)
            got = ck.load(key)
            if got is None:
                todo.append((p, r, key))
            else:
                found[key] = got
    units = [WorkUnit(p.loaded.scenario, r, seed, pu) for p, r, _ in todo]

    def save(i: int, output: ReplicationOutput) -> None:
        p, _, key = todo[i]
        output = _output_from_json(_output_to_json(output))  # keep only what is checkpointed
        ck.save(key, output, p.index)
        found[key] = output

    reused = len(found)
    with progress_bar(len(keys_all), f"sweep {len(points)} points x {n} replications", quiet, unit="unit") as bar:
        bar.update(reused)
        if units:
            with session(ex):
                ex.map(run_unit, units, bar.update, on_result=save)
    for p in points:
        p.outputs = [found[unit_key(p.loaded, seed, r, pu)] for r in range(n)]
    return SweepResults(base=base, varies=varies, points=points, seed=seed, replications=n, parameter_uncertainty=pu,
                       executor=ex.name, samples=samples, wall_seconds=time.perf_counter() - t0,
                       computed_units=len(units), reused_units=reused,
                       command=command or " ".join(["hjemtilhjem", *sys.argv[1:]]), overrides=overrides,
                       checkpoints=ck, unit_keys=keys_all, keep_checkpoints=keep_checkpoints,
                       reference=next(i for i, p in enumerate(points) if p.index == ref))
