"""Replications and executors.

A work unit is ``(scenario, replication)``; it comes back as compact arrays and numbers
(:class:`ReplicationOutput`), never live SimPy objects. Every executor returns the outputs in
replication order, so the same seed gives bit-identical results serially, in a process pool or on
a Dask cluster.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from ..model.engine import simulate
from ..outcomes.indicators import context, daily, indicators, stays
from ..scenario.schema import Scenario

__all__ = ["ReplicationOutput", "WorkUnit", "run_unit", "Executor", "SerialExecutor", "ProcessExecutor",
           "DaskExecutor", "make_executor", "run_replications", "Progress"]


@dataclass
class ReplicationOutput:
    """Everything kept of one replication."""

    scenario: str
    replication: int
    indicators: dict[str, float]
    by_municipality: dict[str, dict[str, float]]
    daily: dict[str, np.ndarray]
    patients: int
    events: int
    cpu_seconds: float
    log_bytes: int
    parameters: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkUnit:
    scenario: Scenario
    replication: int
    seed: int
    parameter_uncertainty: bool


def run_unit(unit: WorkUnit) -> ReplicationOutput:
    """Simulate one replication and reduce its event log to indicators and daily series."""
    res = simulate(unit.scenario, unit.replication, unit.seed, unit.parameter_uncertainty)
    ctx = context(unit.scenario)
    st = stays(res.log, ctx.w1)  # shared by indicators and daily series
    ind, by = indicators(res.log, ctx, st)
    return ReplicationOutput(scenario=unit.scenario.name, replication=unit.replication, indicators=ind,
                             by_municipality=by, daily=daily(res.log, ctx, st), patients=res.patients,
                             events=res.events, cpu_seconds=res.cpu_seconds, log_bytes=res.log.nbytes,
                             parameters=res.parameters)


Progress = Callable[[int], None]


class Executor(Protocol):
    name: str

    def map(self, fn: Callable[[Any], Any], units: Sequence[Any], progress: Progress | None = None) -> list[Any]:
        """Apply ``fn`` to every unit; results in the order of ``units``."""
        ...


class SerialExecutor:
    name = "serial"

    def map(self, fn: Callable[[Any], Any], units: Sequence[Any], progress: Progress | None = None) -> list[Any]:
        out = []
        for u in units:
            out.append(fn(u))
            if progress:
                progress(1)
        return out


class ProcessExecutor:
    """A local process pool (``jobs`` worker processes)."""

    name = "process"

    def __init__(self, jobs: int | None = None):
        self.jobs = max(1, jobs or os.cpu_count() or 1)

    def map(self, fn: Callable[[Any], Any], units: Sequence[Any], progress: Progress | None = None) -> list[Any]:
        if self.jobs == 1 or len(units) <= 1:
            return SerialExecutor().map(fn, units, progress)
        results: list[Any] = [None] * len(units)
        with ProcessPoolExecutor(max_workers=min(self.jobs, len(units))) as pool:
            futures = {pool.submit(fn, u): i for i, u in enumerate(units)}
            try:
                for fut in as_completed(futures):
                    results[futures[fut]] = fut.result()
                    if progress:
                        progress(1)
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
        return results


class DaskExecutor:
    """Dask distributed: ``scheduler`` address, or a local cluster when ``None``."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, jobs: int | None = None):
        self.scheduler = scheduler
        self.jobs = jobs

    def map(self, fn: Callable[[Any], Any], units: Sequence[Any], progress: Progress | None = None) -> list[Any]:
        try:
            from dask.distributed import Client, LocalCluster, as_completed as dask_completed
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise RuntimeError("the Dask executor needs the optional extra: pip install 'hjemtilhjem[dask]'") from exc
        cluster = None
        if self.scheduler:
            client = Client(self.scheduler)
        else:
            cluster = LocalCluster(n_workers=self.jobs or os.cpu_count() or 1, threads_per_worker=1,
                                   processes=True, dashboard_address=None)
            client = Client(cluster)
        try:
            futures = client.map(fn, list(units), pure=False)
            index = {f.key: i for i, f in enumerate(futures)}
            results: list[Any] = [None] * len(units)
            for fut in dask_completed(futures):
                results[index[fut.key]] = fut.result()
                if progress:
                    progress(1)
            return results
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def make_executor(name: str = "process", jobs: int | None = None, scheduler: str | None = None) -> Executor:
    if name == "serial":
        return SerialExecutor()
    if name == "process":
        return ProcessExecutor(jobs)
    if name == "dask":
        return DaskExecutor(scheduler, jobs)
    raise ValueError(f"unknown executor {name!r}; use serial, process or dask")


def _progress_bar(total: int, desc: str, quiet: bool) -> Any:
    from tqdm import tqdm

    disable = quiet or not sys.stderr.isatty()
    return tqdm(total=total, desc=desc, unit="rep", file=sys.stderr, disable=disable, leave=False)


def run_replications(scenario: Scenario, replications: Iterable[int], executor: Executor, seed: int | None = None,
                     parameter_uncertainty: bool | None = None, quiet: bool = False,
                     desc: str | None = None) -> list[ReplicationOutput]:
    """Run the given replications of one scenario with an executor."""
    seed = scenario.scenario.seed if seed is None else seed
    pu = scenario.scenario.parameter_uncertainty if parameter_uncertainty is None else parameter_uncertainty
    units = [WorkUnit(scenario, r, seed, pu) for r in replications]
    with _progress_bar(len(units), desc or scenario.name, quiet) as bar:
        return executor.map(run_unit, units, bar.update)
