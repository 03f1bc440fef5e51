"""Calibration: simulated indicators against observed figures, and fitting unknown parameters.

A targets file (TOML) lists observed figures with their source, year and tolerance::

    description = "Vestfold calibration targets"

    [[target]]
    indicator = "hospital_bed_days"     # an indicator key (outcomes/labels.py)
    observed = 116000
    tolerance = 0.05                    # relative by default; tolerance_kind = "absolute" for pp or days
    source = "SiV-2022"
    year = "2022"

    [[target]]
    indicator = "delayed_days_per_1000"
    range = [5.0, 13.0]                 # an accepted range instead of one observed value
    source = "H-UKP22"
    year = "2022"

A target is met when the simulated mean across replications lies inside the accepted interval:
``observed * (1 +- tolerance)`` (relative), ``observed +- tolerance`` (absolute), or
``[low - tolerance, high + tolerance]`` for a range (tolerance 0 unless given). Targets with
``required = false`` are shown but never fail the check (figures whose definition differs from
the model's).

:func:`fit` adjusts named scenario values (``--set`` key paths) with Nelder-Mead on a few
replications with fixed seeds (common random numbers), so the objective is a smooth-ish function
of the parameters and not of the noise.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..outcomes.labels import LABELS
from ..scenario.keys import allowed_keys, did_you_mean, model_at, type_message
from ..scenario.loader import LoadedScenario, ScenarioError, load_scenario, parse_override
from .results import RunResults, run
from .stats import summary as stat_summary

__all__ = ["Target", "TargetSet", "TargetResult", "load_targets", "evaluate", "check", "FitResult", "fit",
           "write_fitted", "parameter_value"]


# ----------------------------------------------------------------------------------------- schema
class _Strict(BaseModel):
    """Unknown keys are errors and numbers must be numbers (as in the scenario schema)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Target(_Strict):
    """One observed figure the scenario should reproduce."""

    indicator: str = Field(description="indicator key, e.g. hospital_bed_days")
    name: str = Field("", description="label of this target (defaults to the indicator key)")
    observed: float | None = Field(None, description="the observed value")
    range: tuple[float, float] | None = Field(None, strict=False,  # TOML gives an array; its items stay strict
                                              description="accepted [low, high] instead of one value")
    tolerance: float | None = Field(None, ge=0, description="accepted deviation (default 0.10 relative)")
    tolerance_kind: Literal["relative", "absolute"] = "relative"
    source: str = Field(min_length=1, description="source key or citation")
    year: str = Field(min_length=1, description="year(s) the figure refers to")
    required: bool = Field(True, description="false: shown for information, never fails the check")
    note: str = ""

    @field_validator("indicator")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in LABELS:
            raise ValueError(f"unknown indicator {v!r}{did_you_mean(v, LABELS)}; "
                             f"use one of {', '.join(sorted(LABELS))}")
        return v

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v

    @model_validator(mode="after")
    def _one_value(self) -> Target:
        if (self.observed is None) == (self.range is None):
            raise ValueError("give exactly one of observed = value or range = [low, high]")
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError("range must be [low, high] with low <= high")
        return self

    @property
    def label(self) -> str:
        return self.name or self.indicator

    def interval(self) -> tuple[float, float]:
        """The accepted interval of the simulated mean."""
        if self.range is not None:
            tol = self.tolerance or 0.0
            lo, hi = self.range
            if self.tolerance_kind == "relative":
                return lo * (1 - tol), hi * (1 + tol)
            return lo - tol, hi + tol
        assert self.observed is not None
        tol = 0.10 if self.tolerance is None else self.tolerance
        d = abs(self.observed) * tol if self.tolerance_kind == "relative" else tol
        return self.observed - d, self.observed + d

    @property
    def centre(self) -> float:
        if self.observed is not None:
            return self.observed
        assert self.range is not None
        return (self.range[0] + self.range[1]) / 2.0

    def tolerance_text(self) -> str:
        lo, hi = self.interval()
        return f"[{_fmt(lo)}, {_fmt(hi)}]"


class TargetSet(_Strict):
    description: str = ""
    target: list[Target] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> TargetSet:
        labels = [t.label for t in self.target]
        dup = sorted({x for x in labels if labels.count(x) > 1})
        if dup:
            raise ValueError(f"two targets are named {dup[0]!r}; give one a distinct name")
        return self


def load_targets(path: str | Path) -> TargetSet:
    """Read and validate a targets file; errors as ``file:key.path: message`` (:class:`ScenarioError`)."""
    path = Path(path)
    shown = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError([f"{shown}: targets file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{shown}: cannot read file ({exc.__class__.__name__}: {exc})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{shown}: TOML syntax error: {exc}"]) from None
    if not data:
        raise ScenarioError([f"{shown}: the file is empty"])
    try:
        return TargetSet.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False):
            parts: list[str] = []
            node: Any = data
            for p in err["loc"]:
                if isinstance(p, int) and isinstance(node, list) and p < len(node):
                    item = node[p]
                    parts.append(str(item.get("name") or item.get("indicator") or p) if isinstance(item, dict)
                                 else str(p))
                    node = item
                else:
                    parts.append(str(p))
                    node = node.get(p) if isinstance(node, dict) else None
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                allowed = allowed_keys(model_at(err["loc"][:-1], root=TargetSet))
                msg = f"unknown key{did_you_mean(str(err['loc'][-1]), allowed) or ' (check the spelling)'}"
            elif err["type"] == "missing":
                msg = "required key is missing"
            else:
                msg = type_message(err["type"], err.get("input")) or msg
            lines.append(f"{shown}:{'.'.join(parts) or '(targets)'}: {msg}")
        raise ScenarioError(lines) from None


# ----------------------------------------------------------------------------------------- evaluation
@dataclass(frozen=True)
class TargetResult:
    target: Target
    mean: float
    ci95: tuple[float, float]
    n: int

    @property
    def relative_error(self) -> float:
        """(simulated - observed) / observed; for a range, against its nearest bound (0 inside)."""
        t = self.target
        if t.range is not None:
            lo, hi = t.range
            ref = lo if self.mean < lo else hi if self.mean > hi else None
            if ref is None:
                return 0.0
            return (self.mean - ref) / ref if ref else float("nan")
        return (self.mean - t.centre) / t.centre if t.centre else float("nan")

    @property
    def met(self) -> bool:
        lo, hi = self.target.interval()
        return bool(not math.isnan(self.mean) and lo <= self.mean <= hi)

    @property
    def passed(self) -> bool:
        """Met, or not required."""
        return self.met or not self.target.required

    def as_dict(self) -> dict[str, Any]:
        t = self.target
        lo, hi = t.interval()
        return {"name": t.label, "indicator": t.indicator, "observed": t.observed,
                "range": list(t.range) if t.range else None, "accepted": [lo, hi], "simulated_mean": self.mean,
                "simulated_ci95": list(self.ci95), "n": self.n, "relative_error": self.relative_error,
                "met": self.met, "required": t.required, "source": t.source, "year": t.year}


def _target_result(t: Target, values: np.ndarray) -> TargetResult:
    """Target ``t`` against the mean of per-replication ``values`` (95% CI, Student t)."""
    s = stat_summary(values)
    lo, hi = s["ci95"]  # type: ignore[misc]
    return TargetResult(t, float(s["mean"]), (float(lo), float(hi)), int(s["n"]))  # type: ignore[arg-type]


def evaluate(results: RunResults, targets: TargetSet) -> list[TargetResult]:
    """Each target against the replications' mean (95% CI, Student t)."""
    return [_target_result(t, results.values(t.indicator)) for t in targets.target]


def evaluate_by_year(results: RunResults, targets: TargetSet) -> dict[str, list[TargetResult]]:
    """Each target in each whole measured year (a horizon of two years or more; empty otherwise), so that a
    calibration that holds in year 1 only shows: ``{"1": [...], "2": [...]}``."""
    outs = results.outputs
    years = sorted(outs[0].by_year, key=int) if outs else []
    return {y: [_target_result(t, np.array([o.by_year[y].get(t.indicator, np.nan) for o in outs], dtype=float))
                for t in targets.target] for y in years}


def format_years(by_year: dict[str, list[TargetResult]]) -> str:
    """Plain-text table: each target's simulated mean in each measured year, ``*`` where a required one is missed."""
    years = list(by_year)
    first = by_year[years[0]]
    head = f"{'by measured year':30s} " + " ".join(f"{'year ' + y:>12s}" for y in years) + f" {'accepted':>20s}"
    lines = [head, "-" * len(head)]
    for i, r in enumerate(first):
        cells = []
        for y in years:
            ry = by_year[y][i]
            cells.append(f"{_fmt(ry.mean) + ('' if ry.passed else '*'):>12s}")
        lines.append(f"{r.target.label:30s} " + " ".join(cells) + f" {r.target.tolerance_text():>20s}")
    lines.append("* a required target missed in that year")
    return "\n".join(lines)


def check(results: list[TargetResult]) -> bool:
    """True when every required target is met."""
    return all(r.passed for r in results)


def _fmt(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.1f}"
    if a >= 10:
        return f"{x:.2f}"
    return f"{x:.3f}" if a < 1 else f"{x:.2f}"


def format_table(results: list[TargetResult]) -> str:
    """Plain-text table: target, observed, simulated mean [95% CI], relative error, accepted, result."""
    head = (f"{'target':30s} {'observed':>15s} {'simulated (95% CI)':>30s} {'rel.err':>8s} "
            f"{'accepted':>20s}  result  source")
    lines = [head, "-" * len(head)]
    for r in results:
        t = r.target
        obs = _fmt(t.observed) if t.observed is not None else f"{_fmt(t.range[0])}–{_fmt(t.range[1])}"  # type: ignore[index]
        sim = f"{_fmt(r.mean)} [{_fmt(r.ci95[0])}, {_fmt(r.ci95[1])}]"
        rel = f"{r.relative_error:+.1%}" if not math.isnan(r.relative_error) else "–"
        res = "met" if r.met else ("MISSED" if t.required else "off (info)")
        lines.append(f"{t.label:30s} {obs:>15s} {sim:>30s} {rel:>8s} {t.tolerance_text():>20s}  {res:7s} "
                     f"{t.source} {t.year}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------- fitting
def _get_path(data: Any, path: Sequence[str]) -> Any:
    node = data
    for part in path:
        if isinstance(node, list):
            match = [x for x in node if isinstance(x, dict) and x.get("name") == part]
            if not match:
                return None
            node = match[0]
        elif isinstance(node, dict):
            if part not in node:
                return None
            node = node[part]
        else:
            return None
    return node


def parameter_value(loaded: LoadedScenario, key: str) -> float:
    """Current numeric value of a ``--set`` key path in a loaded scenario (ScenarioError if not a number)."""
    path = tuple(key.split("."))
    value = _get_path(loaded.raw, path)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        what = "not found" if value is None else "not a number"
        raise ScenarioError([f"{loaded.path}:{key}: cannot fit this key ({what})"])
    return float(value)


@dataclass
class FitResult:
    parameters: dict[str, float]  # fitted values (integers for integer keys)
    start: dict[str, float]
    objective: float
    evaluations: int
    history: list[tuple[dict[str, float], float]]


def _objective_terms(results: list[TargetResult]) -> list[float]:
    """Scaled misses of the required targets: 0 inside half the accepted interval, grows outside it."""
    terms = []
    for r in results:
        if not r.target.required:
            continue
        lo, hi = r.target.interval()
        half = max((hi - lo) / 2.0, 1e-12)
        if math.isnan(r.mean):
            terms.append(10.0)
            continue
        # distance from the centre in units of the half-width; aiming at the centre keeps a margin
        terms.append((r.mean - (lo + hi) / 2.0) / half)
    return terms


def fit(loaded: LoadedScenario, targets: TargetSet, keys: Sequence[str], *, replications: int = 4,
        seed: int | None = None, jobs: int | None = None, executor: str = "process", max_evaluations: int = 60,
        log: Callable[[str], None] | None = None) -> FitResult:
    """Adjust the scenario values at ``keys`` so the simulated means hit the targets.

    Minimises the sum of squared scaled misses (see :func:`_objective_terms`) with Nelder-Mead
    over multipliers of the starting values, on ``replications`` replications with the same seeds
    at every evaluation (common random numbers). Integer keys are rounded.
    """
    from scipy.optimize import minimize

    if not keys:
        raise ScenarioError(["--fit: name at least one key path"])
    start = {k: parameter_value(loaded, k) for k in keys}
    is_int = {k: isinstance(_get_path(loaded.raw, tuple(k.split("."))), int) for k in keys}
    for k, v in start.items():
        if v == 0:
            raise ScenarioError([f"{loaded.path}:{k}: cannot fit a value that starts at 0 (set a starting guess)"])
    history: list[tuple[dict[str, float], float]] = []
    cache: dict[tuple[float, ...], float] = {}

    def values(x: np.ndarray) -> dict[str, float]:
        out = {}
        for k, xi in zip(keys, x, strict=True):
            v = max(start[k] * float(xi), 0.0)
            out[k] = float(round(v)) if is_int[k] else v
        return out

    def f(x: np.ndarray) -> float:
        vals = values(x)
        key = tuple(vals.values())
        if key in cache:
            return cache[key]
        sets = [*loaded.overrides, *(f"{k}={int(v) if is_int[k] else v!r}" for k, v in vals.items())]
        try:
            candidate = load_scenario(loaded.path, sets)
        except ScenarioError:
            cache[key] = 1e6  # outside the valid region (e.g. a share above 1)
            return 1e6
        res = run(candidate, replications=replications, seed=seed, jobs=jobs, executor=executor, quiet=True,
                  parameter_uncertainty=False)
        terms = _objective_terms(evaluate(res, targets))
        obj = float(sum(t * t for t in terms))
        cache[key] = obj
        history.append((vals, obj))
        if log:
            log(f"  fit {len(history):3d}: objective {obj:9.4f}  " +
                ", ".join(f"{k}={_fmt(v)}" for k, v in vals.items()))
        return obj

    x0 = np.ones(len(keys))
    simplex = np.vstack([x0] + [x0 + 0.15 * np.eye(len(keys))[i] for i in range(len(keys))])
    res = minimize(f, x0, method="Nelder-Mead",
                   options={"initial_simplex": simplex, "maxfev": max_evaluations, "xatol": 0.005, "fatol": 0.01})
    best_vals, best_obj = min(history, key=lambda h: h[1]) if history else (values(res.x), float(res.fun))
    return FitResult(parameters=best_vals, start=start, objective=best_obj, evaluations=len(history),
                     history=history)


def _nested(loaded: LoadedScenario, values: dict[str, float]) -> dict[str, Any]:
    """The fitted keys as a TOML document that ``extends`` the input (named tables by name)."""
    doc: dict[str, Any] = {}
    for key, value in values.items():
        path = key.split(".")
        node: Any = doc
        raw: Any = loaded.raw
        for i, part in enumerate(path):
            last = i == len(path) - 1
            if isinstance(raw, list):  # array of named tables: [[municipality]] name = "Larvik"
                raw = next(x for x in raw if isinstance(x, dict) and x.get("name") == part)
                items = node
                entry = next((x for x in items if x.get("name") == part), None)
                if entry is None:
                    entry = {"name": part}
                    items.append(entry)
                node = entry
                continue
            nxt = raw.get(part) if isinstance(raw, dict) else None
            if last:
                node[part] = int(value) if isinstance(nxt, int) and not isinstance(nxt, bool) else value
            else:
                node = node.setdefault(part, [] if isinstance(nxt, list) else {})
            raw = nxt
    return doc


def write_fitted(loaded: LoadedScenario, fitted: FitResult, out: str | Path | None = None,
                 header: Sequence[str] = ()) -> Path:
    """Write ``<stem>.fitted.toml`` next to the input: ``extends`` the input and sets only the fitted keys."""
    src = loaded.path
    target = Path(out) if out is not None else src.with_name(f"{src.stem}.fitted.toml")
    if target.resolve() in {p.resolve() for p in loaded.files}:
        raise ScenarioError([f"{target}: refusing to overwrite an input scenario; choose another --out"])
    import os

    rel = os.path.relpath(src.resolve(), target.resolve().parent)
    doc = {"extends": rel, **_nested(loaded, {k: round(v, 6) for k, v in fitted.parameters.items()})}
    lines = [f"# Fitted by `hjemtilhjem calibrate --fit` from {src.name}. Only the fitted keys are set here;",
             "# every other value comes from the scenario this file extends. [CALIBRATED] values:"]
    for k, v in fitted.parameters.items():
        lines.append(f"#   {k}: {_fmt(fitted.start[k])} -> {_fmt(v)}")
    lines.append(f"# objective {fitted.objective:.4f} after {fitted.evaluations} evaluations.")
    lines.extend(f"# {h}" for h in header)
    if loaded.overrides:
        lines.append(f"# fitted with --set {' --set '.join(loaded.overrides)} (not repeated here)")
    text = "\n".join(lines) + "\n\n" + tomli_w.dumps(doc)
    target.write_text(text, encoding="utf-8")
    return target


def _check_fit_keys(keys: Sequence[str]) -> list[str]:
    out = []
    for k in keys:
        k = k.strip()
        if not k:
            continue
        parse_override(f"{k}=0")  # same syntax as --set
        out.append(k)
    return out
