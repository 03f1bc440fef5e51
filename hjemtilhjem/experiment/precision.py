"""Precision-driven replications: add replications until the 95% CIs are narrow enough.

Like the replications algorithm of sim-tools (STARS; Hoad, Robinson & Davies 2010): run an initial
number of replications, compute the relative half-width ``h / |mean|`` of the 95% Student-t CI of
every chosen indicator (of every scenario), and add replications until all are at or below the
target or a cap is reached. Replications are added in batches so a process pool or a cluster stays
busy: the next total is the estimate ``n * (h_rel / target)**2`` of the replications needed, at
most double the current number and at least two more. The rule and its outcome (met or not, the
final number of replications and the half-widths reached) go into the manifest.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..scenario.loader import LoadedScenario
from ..scenario.schema import Scenario
from .runner import Executor, ReplicationOutput, run_replications, session
from .stats import t_halfwidth

__all__ = ["PrecisionRule", "DEFAULT_INDICATORS", "relative_halfwidth", "run_until_precise", "run_to_precision"]

#: indicators checked when none are named: the headline outcome and the quality indicator
DEFAULT_INDICATORS = ("delayed_days", "readmission_30d")
#: replications to start from when the scenario asks for fewer (a CI needs a few)
MIN_INITIAL = 3


@dataclass(frozen=True)
class PrecisionRule:
    """Stop when every indicator's relative 95% CI half-width is at most ``target``.

    Attributes
    ----------
    target
        Relative half-width, e.g. 0.05 for +-5 % of the mean.
    indicators
        Indicator keys checked (in every scenario).
    max_replications
        Cap on the total number of replications.
    """

    target: float
    indicators: tuple[str, ...] = DEFAULT_INDICATORS
    max_replications: int = 200

    def __post_init__(self) -> None:
        if not self.target > 0:
            raise ValueError(f"target precision must be > 0, got {self.target}")
        if self.max_replications < 2:
            raise ValueError("max replications must be at least 2")
        if not self.indicators:
            raise ValueError("name at least one indicator for the precision rule")

    def describe(self) -> str:
        return (f"replications added in batches until the 95% CI half-width is at most {self.target:g} x |mean| "
                f"for {', '.join(self.indicators)} (at most {self.max_replications} replications)")


def relative_halfwidth(values: Sequence[float] | np.ndarray) -> float:
    """95% CI half-width over ``|mean|`` (0 for a constant 0 series, inf when the mean is 0 otherwise)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) < 2:
        return math.inf
    h = t_halfwidth(x)
    m = abs(float(x.mean()))
    if m == 0.0:
        return 0.0 if h == 0.0 else math.inf
    return h / m


def _next_total(n: int, worst: float, rule: PrecisionRule) -> int:
    want = math.ceil(n * (worst / rule.target) ** 2) if math.isfinite(worst) else 2 * n
    return min(rule.max_replications, max(n + 2, min(want, 2 * n)))


def run_until_precise(run_batch: Callable[[range], None], values: Callable[[], list[dict[str, np.ndarray]]],
                      initial: int, rule: PrecisionRule, labels: Sequence[str] | None = None) -> dict[str, Any]:
    """Drive the batches.

    Parameters
    ----------
    run_batch
        Runs replications ``range(a, b)`` (of every scenario) and keeps their outputs.
    values
        Per-replication values so far: one ``{indicator: array}`` per scenario.
    initial
        Replications of the first batch (at least 3 are run).
    labels
        Scenario names, for the outcome.

    Returns
    -------
    The manifest entry: rule, target, indicators, cap, met, replications, batches, achieved.
    """
    n = 0
    target_n = min(max(initial, MIN_INITIAL), rule.max_replications)
    batches: list[int] = []
    while True:
        run_batch(range(n, target_n))
        batches.append(target_n - n)
        n = target_n
        vals = values()
        achieved = [{k: relative_halfwidth(v[k]) for k in rule.indicators} for v in vals]
        worst = max(max(a.values()) for a in achieved)
        met = worst <= rule.target
        if met or n >= rule.max_replications:
            break
        target_n = _next_total(n, worst, rule)
    names = list(labels) if labels else [str(i) for i in range(len(achieved))]
    return {"rule": rule.describe(), "target_relative_halfwidth": rule.target, "indicators": list(rule.indicators),
            "max_replications": rule.max_replications, "met": bool(met), "replications": n, "batches": batches,
            "achieved_relative_halfwidth": {nm: {k: (None if not math.isfinite(v) else round(v, 6))
                                                 for k, v in a.items()} for nm, a in zip(names, achieved, strict=True)}}


def check_indicators(rule: PrecisionRule, known: Iterable[str]) -> None:
    """Raise ``ValueError`` naming an indicator the model does not produce."""
    known = set(known)
    bad = [k for k in rule.indicators if k not in known]
    if bad:
        raise ValueError(f"--precision-indicators: unknown indicator {bad[0]!r}; use one of {', '.join(sorted(known))}")


def run_to_precision(scenario: str | Path | LoadedScenario | Scenario, rule: PrecisionRule, *,
                     replications: int | None = None, seed: int | None = None, jobs: int | None = None,
                     executor: str | Executor = "process", scheduler: str | None = None,
                     parameter_uncertainty: bool | None = None, overrides: Iterable[str] = (), quiet: bool = True,
                     command: str = "") -> Any:
    """Like :func:`hjemtilhjem.run`, adding replications until ``rule`` is met (or its cap).

    ``replications`` (default: the scenario's) is the first batch. The outcome is recorded in the
    manifest under ``precision``.
    """
    from .results import RunResults, resolve_settings

    loaded, n0, seed, pu, ex = resolve_settings(scenario, overrides, replications, seed, parameter_uncertainty,
                                                executor, jobs, scheduler)
    s = loaded.scenario
    outputs: list[ReplicationOutput] = []

    def batch(reps: range) -> None:
        outputs.extend(run_replications(s, reps, ex, seed, pu, quiet,
                                        desc=f"{s.name} replications {reps.start}-{reps.stop - 1}"))
        if len(outputs) == len(reps):
            check_indicators(rule, outputs[0].indicators)

    def values() -> list[dict[str, np.ndarray]]:
        return [{k: np.array([o.indicators[k] for o in outputs], dtype=float) for k in rule.indicators}]

    t0 = time.perf_counter()
    with session(ex):
        outcome = run_until_precise(batch, values, n0, rule, labels=[s.name])
    return RunResults(loaded=loaded, outputs=outputs, seed=seed, executor=ex.name,
                      wall_seconds=time.perf_counter() - t0, parameter_uncertainty=pu,
                      command=command or " ".join(["hjemtilhjem", *sys.argv[1:]]),
                      extra_manifest={"precision": outcome})
