"""Speed and scale benchmark of hjemtilhjem (``make bench``).

Parts (all by default; ``--only`` picks one or more, comma-separated):

ratio     The Vestfold baseline with the full event log and every indicator (``run_unit``:
          simulate + outcomes.indicators + outcomes.daily) against the idiomatic SimPy reference
          pathway (``reference_simpy.py``), in one process, interleaved A, B, A, B ... for several
          rounds; medians of patient pathways per second per core (CPU time, and wall), their
          ratio, events logged per pathway, bytes per logged event and peak memory.
scale     Cost per pathway at 1x, 4x and 16x the Vestfold population (populations and every
          capacity scaled with ``model_copy``), interleaved; ratios to 1x (target: within 15 %).
national  One replication of ``scenarios/norway/national.toml`` (5.6 M inhabitants, 365 days
          measured after 120 days warm-up) in a fresh process: wall seconds and peak RSS
          (targets: < 15 s on one core, < 1 GB), with its 21 hospitals (one per trust).
parallel  Replications per second with ``ProcessExecutor(jobs=2)`` against ``jobs=1`` (target >= 1.8x).
instructions  (only with ``--only instructions``; needs valgrind) CPU instructions per pathway of the model and of
          the reference, counted by cachegrind: the marginal count between one and two replications (the
          reference: 1825 and 3650 days), so start-up and imports cancel. Deterministic where CPU time on a shared
          machine is not (rounds of the ratio part range from 0.9 to 2.9 there); their ratio is the ratio part's
          with every instruction weighing the same.

Results are printed and written to ``benchmarks/results/<UTC timestamp>.json`` (git-ignored) so
runs can be compared. CPU time is ``time.process_time`` of this (single-threaded) process, so
pathways per CPU second is pathways per second per core. Other load on the machine shows in the
wall figures and the parallel speed-up; the load average is recorded with the results.

Usage::

    python benchmarks/run.py [--quick] [--only ratio|scale|national|parallel[,...]] [--rounds N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmark this checkout, whatever is installed
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
import simpy  # noqa: E402
from reference_simpy import run_reference  # noqa: E402

import hjemtilhjem  # noqa: E402
from hjemtilhjem.eventlog import EventLog, running_bytes_per_episode  # noqa: E402
from hjemtilhjem.experiment.runner import ProcessExecutor, WorkUnit, run_unit  # noqa: E402
from hjemtilhjem.model.engine import Simulation  # noqa: E402
from hjemtilhjem.scenario.loader import load_scenario  # noqa: E402
from hjemtilhjem.scenario.schema import Scenario  # noqa: E402

#: the scenario of the ratio benchmark (another scenario, e.g. an older baseline: HJEM_BENCH_SCENARIO=path)
VESTFOLD = Path(os.environ.get("HJEM_BENCH_SCENARIO", ROOT / "scenarios/vestfold/baseline.toml"))
NATIONAL = ROOT / "scenarios/norway/national.toml"
PARTS = ("ratio", "scale", "national", "parallel")
#: parts run only when asked for (``--only instructions``): they need valgrind and take a few minutes
OPTIONAL_PARTS = ("instructions",)
REFERENCE_DAYS = 1825.0
# version 2 (the network of places): ratio >= 1.5, national year with one hospital per trust < 15 s and 1 GB
TARGETS = {"ratio": 1.5, "bytes_per_event": 32, "scale_tolerance": 0.15, "national_seconds": 15.0,
           "national_gb": 1.0, "parallel_speedup": 1.8}


# --------------------------------------------------------------------------------------------- helpers
def _timed(fn: Any, *args: Any) -> tuple[Any, float, float]:
    """``fn(*args)``, its CPU seconds and its wall seconds."""
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.process_time() - c0, time.perf_counter() - w0


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def _vestfold() -> Scenario:
    return load_scenario(VESTFOLD).scenario


def scaled(s: Scenario, k: int) -> Scenario:
    """The scenario with every population, municipal capacity (own places and shared pools) and every hospital's
    beds times ``k``."""
    fields = ("kad_beds", "short_term_beds", "rehab_beds", "long_term_beds", "home_care_clients")
    munis = [m.model_copy(update={"population": {b: n * k for b, n in m.population.items()},
                                  **{f: getattr(m, f) * k for f in fields if getattr(m, f) is not None}})
             for m in s.municipality]
    hospitals = [h.model_copy(update={"beds": h.beds * k}) if h.beds is not None else h for h in s.hospitals]
    pools = [p.model_copy(update={"capacity": p.capacity * k}) if p.capacity is not None else p for p in s.pool]
    return s.model_copy(update={"municipality": munis, "hospital": hospitals, "pool": pools})


def _git() -> dict[str, Any]:
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--", "hjemtilhjem"], cwd=ROOT,
                                    capture_output=True, text=True).stdout.strip())
        return {"commit": rev, "src_dirty": dirty}
    except OSError:
        return {}


def _machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cpus": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__,
            "simpy": simpy.__version__, "hjemtilhjem": hjemtilhjem.__version__, "platform": platform.platform(),
            "load_average_start": list(os.getloadavg())}


def _med(xs: list[float]) -> float:
    return float(statistics.median(xs))


# --------------------------------------------------------------------------------------------- parts
def part_ratio(rounds: int) -> dict[str, Any]:
    """Model (full run_unit) vs the reference pathway, interleaved, medians of ``rounds``."""
    s = _vestfold()
    seed = s.scenario.seed
    run_unit(WorkUnit(s, 0, seed, False))  # warm caches and imports once, untimed
    run_reference(1, 200.0)
    model_cpu, model_wall, ref_cpu, ref_wall, ratios = [], [], [], [], []
    patients = events = 0
    ref_pathways = ref_events = 0
    for r in range(rounds):
        out, cpu, wall = _timed(run_unit, WorkUnit(s, r, seed, False))
        model_cpu.append(out.patients / cpu)
        model_wall.append(out.patients / wall)
        patients, events = out.patients, out.events
        ref, rcpu, rwall = _timed(run_reference, 1 + r, REFERENCE_DAYS)
        ref_cpu.append(ref["pathways"] / rcpu)
        ref_wall.append(ref["pathways"] / rwall)
        ref_pathways, ref_events = ref["pathways"], ref["events"]
        ratios.append(model_cpu[-1] / ref_cpu[-1])
        print(f"  round {r + 1}/{rounds}: model {model_cpu[-1]:>9,.0f}/s  reference {ref_cpu[-1]:>9,.0f}/s  "
              f"ratio {ratios[-1]:.2f}", flush=True)

    # memory and log layout: one more run of each piece, untimed
    sim = Simulation(s, 0, seed, False)
    res = sim.run()
    calendar_entries = next(sim.env._eid)  # ids handed out = events put on SimPy's queue
    running_bytes = sim.log.buffer_nbytes
    del sim
    gc.collect()
    tracemalloc.start()
    run_unit(WorkUnit(s, 0, seed, False))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tracemalloc.start()
    run_reference(1, REFERENCE_DAYS)
    _, ref_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    out_ratio = _med(model_cpu) / _med(ref_cpu)
    return {
        "rounds": rounds,
        "model": {
            "pathways_per_cpu_second": _med(model_cpu), "pathways_per_wall_second": _med(model_wall),
            "all_pathways_per_cpu_second": model_cpu,
            "pathways_per_replication": patients, "events_logged": events,
            "events_logged_per_pathway": events / patients,
            "calendar_events_per_pathway": calendar_entries / res.patients,
            "bytes_per_event_layout": EventLog.bytes_per_event(),
            "bytes_per_event_measured": res.log.nbytes / len(res.log),
            "bytes_per_event_while_running": running_bytes / len(res.log),
            "running_bytes_per_episode": running_bytes_per_episode,
            "log_mb": res.log.nbytes / 2**20,
            "tracemalloc_peak_mb": peak / 2**20,
        },
        "reference": {
            "pathways_per_cpu_second": _med(ref_cpu), "pathways_per_wall_second": _med(ref_wall),
            "all_pathways_per_cpu_second": ref_cpu,
            "pathways_per_run": ref_pathways, "calendar_events_per_pathway": ref_events / ref_pathways,
            "days": REFERENCE_DAYS, "tracemalloc_peak_mb": ref_peak / 2**20,
        },
        "ratio_cpu": out_ratio,
        "ratio_wall": _med(model_wall) / _med(ref_wall),
        "ratio_median_of_rounds": _med(ratios),
        "maxrss_mb": _maxrss_mb(),
    }


def part_scale(rounds: int, factors: tuple[int, ...] = (1, 4, 16)) -> dict[str, Any]:
    """CPU microseconds per pathway at growing population, interleaved across factors."""
    base = _vestfold()
    seed = base.scenario.seed
    scenarios = {k: scaled(base, k) for k in factors}
    for k in factors:  # once each, untimed: a process pays for growing its memory to a size only once
        run_unit(WorkUnit(scenarios[k], 0, seed, False))
    us: dict[int, list[float]] = {k: [] for k in factors}
    patients: dict[int, int] = {}
    for r in range(rounds):
        for k in factors:
            out, cpu, _ = _timed(run_unit, WorkUnit(scenarios[k], r, seed, False))
            us[k].append(cpu / out.patients * 1e6)
            patients[k] = out.patients
            print(f"  round {r + 1}/{rounds}: {k:>2}x  {out.patients:>9,} pathways  {us[k][-1]:.2f} us/pathway",
                  flush=True)
    med = {k: _med(v) for k, v in us.items()}
    ratios = {f"{k}x": med[k] / med[factors[0]] for k in factors}
    return {"rounds": rounds, "us_per_pathway": {f"{k}x": med[k] for k in factors},
            "all_us_per_pathway": {f"{k}x": v for k, v in us.items()},
            "pathways": {f"{k}x": n for k, n in patients.items()}, "ratio_to_1x": ratios,
            "within_tolerance": all(abs(x - 1.0) <= TARGETS["scale_tolerance"] for x in ratios.values())}


def _national_child() -> None:
    """Run in a fresh process: one replication of the national scenario; prints JSON."""
    from hjemtilhjem.model.engine import simulate
    from hjemtilhjem.outcomes.indicators import context, daily, indicators, stays
    from hjemtilhjem.outcomes.places import by_hospital, by_pool, daily_by_place

    w0, c0 = time.perf_counter(), time.process_time()
    s = load_scenario(NATIONAL).scenario
    load_s = time.perf_counter() - w0
    res, sim_cpu, sim_wall = _timed(simulate, s, 0, s.scenario.seed, False)
    rss_after_sim = _maxrss_mb()
    w1, c1 = time.perf_counter(), time.process_time()
    ctx = context(s)
    st = stays(res.log, ctx.w1)
    indicators(res.log, ctx, st)
    daily(res.log, ctx, st)
    by_hospital(st, ctx)
    by_pool(res.log, st, ctx)
    daily_by_place(st, ctx)
    out_cpu, out_wall = time.process_time() - c1, time.perf_counter() - w1
    print(json.dumps({
        "municipalities": len(s.municipality), "inhabitants": int(sum(sum(m.population.values())
                                                                      for m in s.municipality)),
        "days": s.scenario.warmup_days + s.scenario.horizon_days, "warmup_days": s.scenario.warmup_days,
        "pathways": res.patients, "events": res.events, "log_mb": res.log.nbytes / 2**20,
        "load_seconds": load_s, "simulate_cpu_seconds": sim_cpu, "simulate_wall_seconds": sim_wall,
        "outcomes_cpu_seconds": out_cpu, "outcomes_wall_seconds": out_wall,
        "cpu_seconds": time.process_time() - c0, "wall_seconds": time.perf_counter() - w0,
        "maxrss_after_simulate_mb": rss_after_sim, "maxrss_mb": _maxrss_mb(),
    }))


def part_national() -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, "--national-child"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"national run failed:\n{proc.stderr}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["within_target"] = (out["wall_seconds"] < TARGETS["national_seconds"]
                            and out["maxrss_mb"] < TARGETS["national_gb"] * 1024)
    return out


def _instr_child(kind: str, n: int) -> None:
    """Run ``n`` replications of the model, or the reference for ``n`` days; print the pathways."""
    if kind == "model":
        s = load_scenario(VESTFOLD).scenario
        total = sum(run_unit(WorkUnit(s, r, s.scenario.seed, False)).patients for r in range(n))
    else:
        total = run_reference(1, float(n))["pathways"]
    print(f"pathways {total}")


def _instructions(kind: str, n: int) -> tuple[int, int]:
    """(instructions, pathways) of a child run under cachegrind."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                               f"--cachegrind-out-file={tmp}/cg.out", sys.executable, __file__, "--instr-child",
                               kind, str(n)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"cachegrind run failed:\n{proc.stderr[-2000:]}")
    refs = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    paths = re.search(r"pathways (\d+)", proc.stdout)
    if refs is None or paths is None:
        raise RuntimeError(f"no instruction count in:\n{proc.stderr[-2000:]}")
    return int(refs.group(1).replace(",", "")), int(paths.group(1))


def part_instructions() -> dict[str, Any]:
    if shutil.which("valgrind") is None:
        return {"skipped": "valgrind not installed (Debian package valgrind)"}
    out: dict[str, Any] = {}
    for kind, (a, b) in (("model", (1, 2)), ("reference", (int(REFERENCE_DAYS), 2 * int(REFERENCE_DAYS)))):
        (i1, p1), (i2, p2) = _instructions(kind, a), _instructions(kind, b)
        out[f"{kind}_instructions_per_pathway"] = (i2 - i1) / (p2 - p1)
    out["ratio"] = out["reference_instructions_per_pathway"] / out["model_instructions_per_pathway"]
    out["within_target"] = out["ratio"] >= TARGETS["ratio"]
    return out


def _busy(n: int) -> int:
    """A pure-Python CPU-bound unit of about the length of a replication (the control)."""
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def part_parallel(rounds: int, replications: int) -> dict[str, Any]:
    """Wall replications per second with 1 and 2 worker processes, interleaved."""
    s = _vestfold()
    units = [WorkUnit(s, r, s.scenario.seed, False) for r in range(replications)]
    run_unit(units[0])
    rate: dict[int, list[float]] = {1: [], 2: []}
    cpu: dict[int, list[float]] = {1: [], 2: []}
    load: list[float] = []
    for r in range(rounds):
        for jobs in (1, 2):
            children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            _, own_cpu, wall = _timed(ProcessExecutor(jobs).map, run_unit, units)
            children1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers are joined by now
            worker_cpu = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
            rate[jobs].append(replications / wall)
            cpu[jobs].append(own_cpu + worker_cpu)
            load.append(os.getloadavg()[0])
            print(f"  round {r + 1}/{rounds}: jobs={jobs}  {rate[jobs][-1]:.2f} replications/s  "
                  f"({cpu[jobs][-1]:.1f} CPU s in all processes, {wall:.1f} s wall, load {load[-1]:.1f})", flush=True)
    # control: the same executors on a plain CPU-bound function show how many cores the machine gives us
    _, busy_cpu, _ = _timed(_busy, 1_000_000)
    n_busy = max(1, int(1_000_000 * 0.4 / max(busy_cpu, 1e-3)))
    control: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(rounds):
        for jobs in (1, 2):
            _, _, wall = _timed(ProcessExecutor(jobs).map, _busy, [n_busy] * replications)
            control[jobs].append(replications / wall)
    control_speedup = _med(control[2]) / _med(control[1])
    print(f"  control (CPU-bound loop): jobs=2 / jobs=1 = {control_speedup:.2f}", flush=True)
    med = {j: _med(v) for j, v in rate.items()}
    # CPU seconds of all processes per replication, jobs=1 over jobs=2: 1.0 means the pool adds no work,
    # so on two free cores the speed-up would be 2 x this; the wall speed-up also depends on other load
    efficiency = _med(cpu[1]) / _med(cpu[2])
    return {"rounds": rounds, "replications": replications, "replications_per_second": {"1": med[1], "2": med[2]},
            "all_replications_per_second": {str(j): v for j, v in rate.items()}, "speedup": med[2] / med[1],
            "cpu_seconds": {str(j): _med(v) for j, v in cpu.items()}, "cpu_efficiency": efficiency,
            "load_average": load, "cpus": os.cpu_count(), "control_speedup": control_speedup,
            "speedup_relative_to_control": (med[2] / med[1]) / control_speedup}


# --------------------------------------------------------------------------------------------- report
def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def summary_lines(res: dict[str, Any]) -> list[str]:
    lines = []
    if "instructions" in res:
        r = res["instructions"]
        lines.append(f"instructions per pathway    skipped: {r['skipped']}" if "skipped" in r else
                     f"instructions per pathway    model {r['model_instructions_per_pathway']:>9,.0f}   reference "
                     f"{r['reference_instructions_per_pathway']:>9,.0f}   ratio {r['ratio']:.2f} "
                     f"[{'ok' if r['within_target'] else 'MISSED'}, target >= {TARGETS['ratio']}]")
    if "ratio" in res:
        r = res["ratio"]
        m, ref = r["model"], r["reference"]
        lines += [
            f"pathways/s per core (CPU)   model {m['pathways_per_cpu_second']:>9,.0f}   reference "
            f"{ref['pathways_per_cpu_second']:>9,.0f}   ratio {r['ratio_cpu']:.2f} "
            f"[{_verdict(r['ratio_cpu'] >= TARGETS['ratio'])}, target >= {TARGETS['ratio']}]",
            f"pathways/s (wall)           model {m['pathways_per_wall_second']:>9,.0f}   reference "
            f"{ref['pathways_per_wall_second']:>9,.0f}   ratio {r['ratio_wall']:.2f}",
            f"events logged per pathway   {m['events_logged_per_pathway']:.2f}   calendar events per pathway "
            f"{m['calendar_events_per_pathway']:.2f} (reference {ref['calendar_events_per_pathway']:.2f})",
            f"bytes per logged event      {m['bytes_per_event_layout']} layout, {m['bytes_per_event_measured']:.1f} "
            f"measured, {m['bytes_per_event_while_running']:.1f} while running "
            f"[{_verdict(m['bytes_per_event_measured'] <= TARGETS['bytes_per_event'])}, target <= 32]",
            f"peak memory                 {m['tracemalloc_peak_mb']:.0f} MB tracemalloc (one replication, log "
            f"{m['log_mb']:.1f} MB); process maxrss {r['maxrss_mb']:.0f} MB",
        ]
    if "scale" in res:
        sc = res["scale"]
        parts = "  ".join(f"{k} {v:.2f} us ({sc['ratio_to_1x'][k]:.2f})" for k, v in sc["us_per_pathway"].items())
        lines.append(f"cost per pathway (CPU)      {parts} [{_verdict(sc['within_tolerance'])}, target within 15 %]")
    if "national" in res:
        n = res["national"]
        lines.append(f"national (1 replication)    {n['wall_seconds']:.1f} s wall, {n['cpu_seconds']:.1f} s CPU "
                     f"(simulate {n['simulate_cpu_seconds']:.1f}, outcomes {n['outcomes_cpu_seconds']:.1f}), "
                     f"{n['pathways']:,} pathways, {n['events']:,} events, peak RSS {n['maxrss_mb']:.0f} MB "
                     f"[{_verdict(n['within_target'])}, target < {TARGETS['national_seconds']:g} s, "
                     f"< {TARGETS['national_gb']:g} GB]")
    if "parallel" in res:
        p = res["parallel"]
        rps = p["replications_per_second"]
        lines.append(f"parallel ({p['replications']} replications)  jobs=1 {rps['1']:.2f}/s  jobs=2 {rps['2']:.2f}/s  "
                     f"speed-up {p['speedup']:.2f} [{_verdict(p['speedup'] >= TARGETS['parallel_speedup'])}, "
                     f"target >= 1.8]; CPU per replication jobs=1/jobs=2 {p['cpu_efficiency']:.2f} "
                     f"(load average {max(p['load_average']):.1f} on {p['cpus']} CPUs); a plain CPU-bound loop "
                     f"gets {p['control_speedup']:.2f}x here")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="hjemtilhjem speed and scale benchmark")
    ap.add_argument("--quick", action="store_true", help="fewer rounds and replications (about a minute)")
    ap.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts: {', '.join(PARTS)}")
    ap.add_argument("--rounds", type=int, default=None, help="rounds for ratio (default 7, quick 3)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks/results")
    ap.add_argument("--national-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--instr-child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.national_child:
        _national_child()
        return 0
    if args.instr_child:
        _instr_child(args.instr_child[0], int(args.instr_child[1]))
        return 0
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    bad = [p for p in parts if p not in PARTS + OPTIONAL_PARTS]
    if bad:
        ap.error(f"unknown part {bad[0]!r}; use {', '.join(PARTS + OPTIONAL_PARTS)}")
    rounds = args.rounds or (3 if args.quick else 7)
    results: dict[str, Any] = {"started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                               "quick": args.quick, "machine": _machine(), "git": _git(), "targets": TARGETS}
    if "ratio" in parts:
        print(f"ratio: Vestfold baseline (run_unit) vs reference SimPy pathway, {rounds} rounds", flush=True)
        results["ratio"] = part_ratio(rounds)
    if "scale" in parts:
        n = 2 if args.quick else 5
        print(f"scale: 1x, 4x, 16x Vestfold population, {n} rounds", flush=True)
        results["scale"] = part_scale(n)
    if "national" in parts:
        print("national: scenarios/norway/national.toml, 1 replication in a fresh process", flush=True)
        results["national"] = part_national()
    if "parallel" in parts:
        reps, n = (8, 1) if args.quick else (8, 2)
        print(f"parallel: {reps} replications, jobs=1 vs jobs=2, {n} rounds", flush=True)
        results["parallel"] = part_parallel(n, reps)
    if "instructions" in parts:
        print("instructions: cachegrind, model 1 and 2 replications, reference 1825 and 3650 days", flush=True)
        results["instructions"] = part_instructions()
    results["machine"]["load_average_end"] = list(os.getloadavg())
    print()
    for line in summary_lines(results):
        print(line)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = args.out / f"{stamp}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
