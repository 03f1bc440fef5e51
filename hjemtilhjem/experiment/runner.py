"""Replications and executors.

A work unit is ``(scenario, replication)``; it comes back as compact arrays and numbers
(:class:`ReplicationOutput`), never live SimPy objects. Every executor returns the outputs in
replication order, so the same seed gives bit-identical results serially, in a process pool or on
a Dask cluster.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from ..model.engine import simulate
from ..model.memory import retain_freed_memory
from ..outcomes.flows import flows
from ..outcomes.indicators import context, corridor_by_hospital, daily, indicators, stays
from ..outcomes.official import official
from ..outcomes.places import by_hospital, by_pool, daily_by_place
from ..scenario.schema import Scenario

__all__ = ["ReplicationOutput", "WorkUnit", "run_unit", "Executor", "SerialExecutor", "ProcessExecutor",
           "DaskExecutor", "make_executor", "run_replications", "Progress", "OnResult",
           "progress_bar", "session"]


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
    flows: dict[str, float] = field(default_factory=dict)  # outcomes.flows: yearly counts, readmission curve
    by_hospital: dict[str, dict[str, float]] = field(default_factory=dict)  # outcomes.places
    by_pool: dict[str, dict[str, float]] = field(default_factory=dict)
    by_year: dict[str, dict[str, float]] = field(default_factory=dict)  # measured year -> indicators


@dataclass(frozen=True)
class WorkUnit:
    scenario: Scenario
    replication: int
    seed: int
    parameter_uncertainty: bool


def run_unit(unit: WorkUnit) -> ReplicationOutput:
    """Simulate one replication and reduce its event log to indicators and daily series."""
    retain_freed_memory()  # the next replication in this process reuses the memory (no page faults)
    res = simulate(unit.scenario, unit.replication, unit.seed, unit.parameter_uncertainty)
    ctx = context(unit.scenario)
    st = stays(res.log, ctx.w1)  # shared by indicators and daily series
    corridor = corridor_by_hospital(st["hospital"], ctx, ctx.w0, ctx.w1)  # shared by four callers
    ind, by = _all_indicators(res.log, ctx, st, corridor)
    return ReplicationOutput(scenario=unit.scenario.name, replication=unit.replication, indicators=ind,
                             by_municipality=by,
                             daily={**daily(res.log, ctx, st, corridor), **daily_by_place(st, ctx, corridor)},
                             patients=res.patients, events=res.events, cpu_seconds=res.cpu_seconds,
                             log_bytes=res.log.nbytes, parameters=res.parameters,
                             flows=flows(res.log, ctx, [g.name for g in unit.scenario.group]),
                             by_hospital=by_hospital(st, ctx, corridor), by_pool=by_pool(res.log, st, ctx),
                             by_year=_by_year(res.log, ctx, st))


def _all_indicators(log: Any, ctx: Any, st: Any, corridor: Any = None,
                    ) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """The model's indicators and the official ones, overall and by municipality."""
    ind, by = indicators(log, ctx, st, corridor)
    off, off_by = official(log, ctx, st)
    ind.update(off)
    for name, values in off_by.items():
        by[name].update(values)
    return ind, by


def _by_year(log: Any, ctx: Any, st: Any) -> dict[str, dict[str, float]]:
    """Every indicator for each whole measured year, when the horizon holds more than one (so that drift shows):
    ``{"1": {...}, "2": {...}}``; empty for a horizon under two years."""
    years = int((ctx.w1 - ctx.w0) // 365.0)
    if years < 2:
        return {}
    out = {}
    for y in range(years):
        w0 = ctx.w0 + 365.0 * y
        out[str(y + 1)] = _all_indicators(log, replace(ctx, w0=w0, w1=w0 + 365.0), st)[0]
    return out


Progress = Callable[[int], None]
#: called in the client process as each unit finishes: ``(index in units, result)`` (e.g. to checkpoint it)
OnResult = Callable[[int, Any], None]


class Executor(Protocol):
    name: str

    def map(self, fn: Callable[[Any], Any], units: Sequence[Any], progress: Progress | None = None,
            on_result: OnResult | None = None) -> list[Any]:
        """Apply ``fn`` to every unit; results in the order of ``units``."""
        ...


def _done(i: int, result: Any, progress: Progress | None, on_result: OnResult | None) -> None:
    if on_result:
        on_result(i, result)
    if progress:
        progress(1)


class SerialExecutor:
    name = "serial"

    def map(self, fn: Callable[[Any], Any], units: Sequence[Any], progress: Progress | None = None,
            on_result: OnResult | None = None) -> list[Any]:
        out = []
        for i, u in enumerate(units):
            out.append(fn(u))
            _done(i, out[-1], progress, on_result)
        return out


def _worker_init(parent: int | None = None) -> None:
    """Workers leave Ctrl-C and SIGTERM to the parent, which cleans up (no traceback from each worker),
    and end with ``parent``, the process that made the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if parent is not None:
        _end_with(parent)


def _end_with(parent: int) -> None:
    """End this worker within a second or so of ``parent``, however that ends.

    A parent killed by SIGKILL (or the OOM killer) cannot stop its workers, and they would wait forever:
    for work, or to hand back a result through a pipe that they themselves keep open. On Linux the kernel
    kills the worker when the thread that started it ends (PR_SET_PDEATHSIG; ``map`` starts the workers in
    the calling thread, which waits in ``map`` until they are done). Everywhere, a daemon thread looks at
    least once a second whether the worker has been given another parent, and, when the worker's parent is
    a forkserver (which its workers keep alive), whether ``parent`` itself has ended.
    """
    ppid = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    pidfd = None
    if ppid != parent and hasattr(os, "pidfd_open"):  # a pidfd notices the end even before it is reaped
        try:
            pidfd = os.pidfd_open(parent)
        except ProcessLookupError:
            os._exit(1)
        except OSError:
            pass
    if _parent_ended(parent, ppid, pidfd):  # before the kernel was told, or before this worker got here
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent, ppid, pidfd), name="end-with-parent", daemon=True).start()


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _parent_ended(parent: int, ppid: int, pidfd: int | None) -> bool:
    if os.getppid() != ppid:
        return True
    if ppid == parent:
        return False
    if pidfd is not None:
        return bool(select.select([pidfd], [], [], 0)[0])
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    return False


def _watch_parent(parent: int, ppid: int, pidfd: int | None) -> None:
    while not _parent_ended(parent, ppid, pidfd):
        if pidfd is None:
            time.sleep(1.0)
        else:  # readable as soon as ``parent`` ends
            select.select([pidfd], [], [], 1.0)
    os._exit(1)


class ProcessExecutor:
    """A local process pool (``jobs`` worker processes)."""

    name = "process"

    def __init__(self, jobs: int | None = None):
        self.jobs = max(1, jobs or os.cpu_count() or 1)

    def map(self, fn: Callable[[Any], Any], units: Sequence[Any], progress: Progress | None = None,
            on_result: OnResult | None = None) -> list[Any]:
        if self.jobs == 1 or len(units) <= 1:
            return SerialExecutor().map(fn, units, progress, on_result)
        results: list[Any] = [None] * len(units)

        def got(i: int, result: Any) -> None:
            results[i] = result
            _done(i, result, progress, on_result)

        pool_map(fn, units, self.jobs, got)
        return results


def pool_map(fn: Callable[[Any], Any], units: Sequence[Any], jobs: int, got: OnResult) -> None:
    """``fn`` of each unit in a pool of at most ``jobs`` worker processes (which end with this process);
    ``got(index, result)`` in this thread as each finishes. An exception, or an interrupt, stops the workers at once."""
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(units)), initializer=_worker_init, initargs=(os.getpid(),))
    try:
        futures = {pool.submit(fn, u): i for i, u in enumerate(units)}
        for fut in as_completed(futures):
            got(futures[fut], fut.result())
    except BaseException:
        # Stop the workers now rather than after their current replication, and drop the queued ones
        # (results are discarded): also when the interrupt came while the work was being submitted.
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


class DaskExecutor:
    """Dask distributed: ``scheduler`` address, or a local cluster when ``None``.

    Used as a context manager (``with DaskExecutor(...) as ex:``) the client and any local cluster
    live across several ``map`` calls (batches of replications, sweep points); otherwise each
    ``map`` connects and closes on its own.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, jobs: int | None = None):
        self.scheduler = scheduler
        self.jobs = jobs
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskExecutor:
        self._connect()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise RuntimeError("the Dask executor needs the optional extra: pip install 'hjemtilhjem[dask]'") from exc
        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout=30)
            except OSError as exc:
                raise RuntimeError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from None
        else:
            self._cluster = LocalCluster(n_workers=self.jobs or os.cpu_count() or 1, threads_per_worker=1,
                                         processes=True, dashboard_address=None)
            self._client = Client(self._cluster)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def map(self, fn: Callable[[Any], Any], units: Sequence[Any], progress: Progress | None = None,
            on_result: OnResult | None = None) -> list[Any]:
        from dask.distributed import as_completed as dask_completed

        owned = self._client is None
        client = self._connect()
        try:
            futures = client.map(fn, list(units), pure=False)
            index = {f.key: i for i, f in enumerate(futures)}
            results: list[Any] = [None] * len(units)
            for fut in dask_completed(futures):
                i = index[fut.key]
                results[i] = fut.result()
                fut.release()
                _done(i, results[i], progress, on_result)
            return results
        finally:
            if owned:
                self.close()


@contextlib.contextmanager
def session(executor: Executor) -> Iterator[Executor]:
    """Keep a Dask client (and local cluster) open for several ``map`` calls; a no-op otherwise.

    An executor already connected by the caller is left open.
    """
    if isinstance(executor, DaskExecutor) and executor._client is None:
        with executor:
            yield executor
    else:
        yield executor


def make_executor(name: str | Executor = "process", jobs: int | None = None,
                  scheduler: str | None = None) -> Executor:
    """The executor called ``name`` (``serial``, ``process``, ``dask``); an executor given is returned as is."""
    if not isinstance(name, str):
        return name
    if name == "serial":
        return SerialExecutor()
    if name == "process":
        return ProcessExecutor(jobs)
    if name == "dask":
        return DaskExecutor(scheduler, jobs)
    raise ValueError(f"unknown executor {name!r}; use serial, process or dask")


def progress_bar(total: int, desc: str, quiet: bool, unit: str = "rep") -> Any:
    """A tqdm bar on stderr, hidden when ``quiet`` or when stderr is not a terminal."""
    from tqdm import tqdm

    disable = quiet or not sys.stderr.isatty()
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=disable, leave=False)


def run_replications(scenario: Scenario, replications: Iterable[int], executor: Executor, seed: int | None = None,
                     parameter_uncertainty: bool | None = None, quiet: bool = False,
                     desc: str | None = None) -> list[ReplicationOutput]:
    """Run the given replications of one scenario with an executor."""
    seed = scenario.scenario.seed if seed is None else seed
    pu = scenario.scenario.parameter_uncertainty if parameter_uncertainty is None else parameter_uncertainty
    units = [WorkUnit(scenario, r, seed, pu) for r in replications]
    with progress_bar(len(units), desc or scenario.name, quiet) as bar:
        return executor.map(run_unit, units, bar.update)
