"""How soon the meeting app shows a result: time to the first estimate and to the full 30 replications of a
Vestfold comparison, as multiples of one replication's time on the same machine (a script, not a timed test).

    .venv/bin/python benchmarks/app_progressive.py [--replications 30] [--jobs N] [--json FILE] [--cli]

One replication's time is measured first, serially in this process (the mean of two, after one to warm up).
Then the app's job runs the Vestfold baseline against "six more short-term places in Larvik" exactly as the
page does (hjemtilhjem.app.jobs: a process pool owned by the job's thread, replications in order, a snapshot
after every replication both scenarios have finished); the report is timed on its own afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hjemtilhjem.app.jobs import FIRST_ESTIMATE, Job  # noqa: E402
from hjemtilhjem.experiment.runner import WorkUnit, run_unit  # noqa: E402
from hjemtilhjem.scenario.loader import load_scenario  # noqa: E402


def one_replication_seconds(base_path: Path) -> float:
    base = load_scenario(base_path)
    s = base.scenario
    run_unit(WorkUnit(s, 0, s.scenario.seed, True))  # warm-up: imports, caches
    times = []
    for r in (1, 2):
        t0 = time.perf_counter()
        run_unit(WorkUnit(s, r, s.scenario.seed, True))
        times.append(time.perf_counter() - t0)
    return sum(times) / len(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", "-r", type=int, default=30)
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--cli", action="store_true", help="also time the same comparison through hjemtilhjem.compare")
    args = ap.parse_args()
    base_path = ROOT / "scenarios" / "vestfold" / "baseline.toml"
    one = one_replication_seconds(base_path)
    base = load_scenario(base_path)
    other = load_scenario(base_path, ["municipality.Larvik.short_term_beds=64",
                                      'scenario.name="Seks flere korttidsplasser i Larvik"'])
    seen: list[tuple[float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        job = Job([base, other], base.scenario.scenario.seed, args.replications, True, Path(tmp))
        job.report = lambda lang: None  # type: ignore[method-assign, assignment, return-value]
        import threading

        th = threading.Thread(target=job.run, args=(args.jobs,))
        th.start()
        while th.is_alive():  # what the page sees, polled as often as it polls (it polls every second)
            if job.snapshot_n and (not seen or seen[-1][1] != job.snapshot_n):
                seen.append((time.perf_counter() - job.started, job.snapshot_n))
            time.sleep(0.02)
        th.join()
        assert job.status == "done", job.error
        t0 = time.perf_counter()
        from hjemtilhjem.report import write_compare_report

        assert job.folder is not None
        write_compare_report(job.folder, job.snapshot, "nb")
        report_seconds = time.perf_counter() - t0
    cli_seconds = None
    if args.cli:  # the same comparison through the CLI's compare (process pool, same workers, no report)
        from hjemtilhjem.experiment.compare import compare

        t0 = time.perf_counter()
        compare(base, other, replications=args.replications, jobs=args.jobs, executor="process")
        cli_seconds = time.perf_counter() - t0
    first = job.first_result_seconds or float("nan")
    full = job.finished_seconds or float("nan")
    out = {
        "machine": platform.machine(), "python": platform.python_version(), "cpu_count": os.cpu_count(),
        "jobs": args.jobs, "replications": args.replications, "first_estimate_after_replications": FIRST_ESTIMATE,
        "one_replication_seconds": round(one, 3),
        "first_result_seconds": round(first, 3), "first_result_x_one_replication": round(first / one, 2),
        "all_replications_seconds": round(full, 3), "all_replications_x_one_replication": round(full / one, 2),
        "report_seconds": round(report_seconds, 3), "report_x_one_replication": round(report_seconds / one, 2),
        "cli_compare_seconds": None if cli_seconds is None else round(cli_seconds, 3),
        "cli_compare_x_one_replication": None if cli_seconds is None else round(cli_seconds / one, 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "snapshots": [{"seconds": round(s, 2), "replications": n} for s, n in seen],
    }
    print(f"one replication (Vestfold baseline, serial): {one:.2f} s")
    print(f"first estimate ({FIRST_ESTIMATE} replications of both scenarios, {args.jobs} workers): {first:.2f} s = "
          f"{first / one:.1f} x one replication")
    print(f"all {args.replications} replications of both scenarios (results folder written): {full:.2f} s = "
          f"{full / one:.1f} x one replication")
    print(f"report (figures, HTML, Markdown) afterwards: {report_seconds:.2f} s = {report_seconds / one:.1f} x")
    if cli_seconds is not None:
        print(f"the same comparison through hjemtilhjem.compare (CLI): {cli_seconds:.2f} s = {cli_seconds / one:.1f} x")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
