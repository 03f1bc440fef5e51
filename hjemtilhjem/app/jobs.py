"""Runs for the page: in worker processes, shown as replications finish, cached.

A job runs one scenario (the baseline) or a comparison (the baseline first, then the page's scenario) on
common random numbers: replication *i* of every scenario is one work unit with the same seed, as in
:func:`hjemtilhjem.experiment.compare.compare`. The units go to a process pool owned by the job's own thread,
in replication order, so the page (Streamlit's script thread) never waits. After each finished unit the job
keeps a snapshot made from the replications every scenario has finished: a first estimate with wide CIs after
a few, narrowing as more finish. When all are done the job writes the same results folder as the CLI
(``Comparison.write``, ``RunResults.write``) and then, into it, the report by the CLI's own hooks
(``write_compare_report``, ``write_run_report``): the results show at once, the report a few seconds later.

Finished jobs are cached by the scenarios' hashes, seed, replications and parameter uncertainty.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..experiment.compare import Comparison
from ..experiment.results import RunResults
from ..experiment.runner import ReplicationOutput, WorkUnit, pool_map, run_unit
from ..model.errors import UnstableScenario
from ..scenario.loader import LoadedScenario, ScenarioError

__all__ = ["Job", "JobManager", "job_key", "FIRST_ESTIMATE"]

#: replications every scenario must have finished before the page shows a first estimate (a t interval on
#: fewer says little: experiment.stats.MIN_REPLICATIONS_FOR_CI is 5; 3 gives a rough first look)
FIRST_ESTIMATE = 3

Runner = Callable[[WorkUnit], ReplicationOutput]


def job_key(scenarios: Sequence[LoadedScenario], seed: int, replications: int, parameter_uncertainty: bool
            ) -> tuple[Any, ...]:
    return (tuple(ls.sha256 for ls in scenarios), tuple(ls.scenario.name for ls in scenarios), seed, replications,
            parameter_uncertainty)


@dataclass
class Job:
    """One run for the page; its fields are read by the page while the job's thread writes them."""

    scenarios: list[LoadedScenario]
    seed: int
    replications: int
    parameter_uncertainty: bool
    out: Path
    command: str = ""
    status: str = "queued"  # queued, running, writing, done, failed
    done_units: int = 0
    error: list[str] = field(default_factory=list)
    snapshot: Comparison | RunResults | None = None
    snapshot_n: int = 0
    folder: Path | None = None
    report_ready: bool = False
    started: float = 0.0
    first_result_seconds: float | None = None
    finished_seconds: float | None = None
    _outputs: list[dict[int, ReplicationOutput]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _report_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def total_units(self) -> int:
        return self.replications * len(self.scenarios)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def settled(self) -> bool:
        """Nothing more will change: failed, or done with its report written."""
        return self.status == "failed" or (self.status == "done" and self.report_ready)

    @property
    def is_comparison(self) -> bool:
        return len(self.scenarios) > 1

    def comparison(self) -> Comparison | None:
        return self.snapshot if isinstance(self.snapshot, Comparison) else None

    def reference(self) -> RunResults | None:
        if isinstance(self.snapshot, Comparison):
            return self.snapshot.reference
        return self.snapshot

    # ------------------------------------------------------------------ the job's thread
    def run(self, jobs: int, runner: Runner = run_unit, lang: str = "nb") -> None:
        self.started = time.perf_counter()
        self.status = "running"
        self._outputs = [{} for _ in self.scenarios]
        try:
            units = [(i, WorkUnit(ls.scenario, r, self.seed, self.parameter_uncertainty))
                     for r in range(self.replications) for i, ls in enumerate(self.scenarios)]
            if jobs <= 1 or runner is not run_unit:
                for i, unit in units:
                    self._got(i, runner(unit))
            else:
                self._pool(units, jobs, runner)
            self.status = "writing"
            self.folder = self._write()
            self.finished_seconds = time.perf_counter() - self.started
            self.status = "done"  # the results are complete; the report follows (a few seconds of figures)
        except ScenarioError as exc:
            self.error, self.status = list(exc.messages), "failed"
        except UnstableScenario as exc:
            self.error, self.status = [f"hjemtilhjem: unstable scenario: {exc}"], "failed"
        except Exception as exc:  # noqa: BLE001 - the page shows one line, never a traceback
            self.error, self.status = [f"hjemtilhjem: unexpected error: {exc.__class__.__name__}: {exc}"], "failed"
        if self.status == "failed":
            self.finished_seconds = time.perf_counter() - self.started
            return
        try:
            self.report(lang)
        except Exception as exc:  # noqa: BLE001 - the results are kept; the page says the report is missing
            self.error = [f"hjemtilhjem: warning: report not written ({exc.__class__.__name__}: {exc})"]
        self.report_ready = True

    def _pool(self, units: list[tuple[int, WorkUnit]], jobs: int, runner: Runner) -> None:
        # The pool is made and fed from this thread, which lives until the units are done: workers end with
        # it (runner.pool_map), also when the app's process is killed.
        pool_map(runner, [u for _, u in units], jobs, lambda k, out: self._got(units[k][0], out))

    def _got(self, i: int, out: ReplicationOutput) -> None:
        self._outputs[i][out.replication] = out
        self.done_units += 1
        common = sorted(set.intersection(*(set(o) for o in self._outputs)))
        # a snapshot on the replications every scenario has: the first few, then each new one
        n = len(common)
        if n >= min(FIRST_ESTIMATE, self.replications) and n > self.snapshot_n:
            snap = self.build(common)
            with self._lock:
                self.snapshot, self.snapshot_n = snap, n
            if self.first_result_seconds is None:
                self.first_result_seconds = time.perf_counter() - self.started

    def build(self, reps: Sequence[int]) -> Comparison | RunResults:
        """Results of the given replications, built as :func:`~hjemtilhjem.experiment.compare.compare` does."""
        wall = time.perf_counter() - self.started
        ref = self.scenarios[0].scenario.name
        results = [RunResults(loaded=ls, outputs=[self._outputs[i][r] for r in reps], seed=self.seed,
                              executor="process", wall_seconds=wall, parameter_uncertainty=self.parameter_uncertainty,
                              command=self.command,
                              extra_manifest=({"compared_with": ref, "common_random_numbers": True}
                                              if self.is_comparison else {}))
                   for i, ls in enumerate(self.scenarios)]
        if not self.is_comparison:
            return results[0]
        everywhere = tuple(x for x in self.scenarios[0].overrides if all(x in ls.overrides for ls in self.scenarios))
        return Comparison(results=results, wall_seconds=wall, command=self.command, overrides=everywhere,
                          overrides_by_scenario={ls.scenario.name: ls.overrides for ls in self.scenarios})

    def report(self, lang: str) -> tuple[Path, Path] | None:
        """The report files in ``lang`` (written into the finished folder the first time, as
        ``hjemtilhjem report FOLDER --lang en`` would)."""
        from ..report import report_names, write_compare_report, write_run_report

        if self.folder is None:
            return None
        html, md = (self.folder / n for n in report_names(lang))
        if not html.exists():
            with self._report_lock:
                if not html.exists():
                    hook = write_compare_report if self.is_comparison else write_run_report
                    hook(self.folder, self.snapshot, lang)
        return html, md

    def _write(self) -> Path:
        """The results folder, as ``Comparison.write`` / ``RunResults.write`` write it for the CLI; the report
        is written into it afterwards by the same function as ``hjemtilhjem report`` (:meth:`report`)."""
        snap = self.snapshot
        assert snap is not None
        self.out.mkdir(parents=True, exist_ok=True)
        return snap.write(self.out)


class JobManager:
    """The app's jobs, one process-wide object: starts each job in its own thread and caches finished ones."""

    def __init__(self, out: Path, jobs: int, runner: Runner = run_unit):
        self.out = Path(out)
        self.jobs = jobs
        self.runner = runner
        self._jobs: dict[tuple[Any, ...], Job] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def submit(self, scenarios: Sequence[LoadedScenario], seed: int, replications: int,
               parameter_uncertainty: bool, command: str = "") -> tuple[Job, bool]:
        """The job for these scenarios: a cached or running one (``False``), or a new one started now (``True``)."""
        key = job_key(scenarios, seed, replications, parameter_uncertainty)
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.status != "failed":
                return job, False
            job = Job(list(scenarios), seed, replications, parameter_uncertainty, self.out, command)
            self._jobs[key] = job
        threading.Thread(target=job.run, args=(self.jobs, self.runner), name="hjemtilhjem-app-job",
                         daemon=True).start()
        return job, True

    def wait(self, job: Job, timeout: float = 600.0) -> Job:
        """Block until ``job`` has finished (tests and benchmarks)."""
        t0 = time.perf_counter()
        while not job.settled and time.perf_counter() - t0 < timeout:
            time.sleep(0.05)
        return job
