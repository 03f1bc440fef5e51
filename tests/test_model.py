"""The pathway model: reproducibility, conservation, capacity limits, and the Erlang C queue."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from hjemtilhjem.eventlog import Kind, Place, Route
from hjemtilhjem.experiment.results import run
from hjemtilhjem.experiment.runner import ProcessExecutor, SerialExecutor, WorkUnit, run_unit
from hjemtilhjem.experiment.stats import summary
from hjemtilhjem.model.engine import simulate
from hjemtilhjem.outcomes.indicators import context, indicators, stays
from hjemtilhjem.scenario.loader import load_scenario


def _log_equal(a, b) -> bool:
    return all(np.array_equal(getattr(a, c), getattr(b, c)) for c in
               ("time", "person", "episode", "kind", "municipality", "group", "band", "extra"))


def test_same_seed_same_log_different_replication_different(tiny) -> None:
    a, b = simulate(tiny, 1), simulate(tiny, 1)
    assert _log_equal(a.log, b.log) and a.patients == b.patients
    c = simulate(tiny, 2)
    assert not _log_equal(a.log, c.log)


def test_serial_and_process_pool_give_identical_results(tiny) -> None:
    units = [WorkUnit(tiny, r, 7, True) for r in range(4)]
    serial = SerialExecutor().map(run_unit, units)
    pooled = ProcessExecutor(2).map(run_unit, units)
    for s, p in zip(serial, pooled, strict=True):
        assert repr(s.indicators) == repr(p.indicators)
        assert repr(s.by_municipality) == repr(p.by_municipality)
        assert all(np.array_equal(s.daily[k], p.daily[k]) for k in s.daily)


def test_every_patient_is_accounted_for(tiny) -> None:
    res = simulate(tiny, 0)
    log = res.log
    k = log.kind
    pathway = log.person >= 0
    arrivals = np.flatnonzero(k == Kind.ARRIVAL)
    assert len(arrivals) == res.patients
    routes = log.extra[arrivals]
    n_hosp_direct = int((routes == Route.HOSPITAL).sum())
    n_kad = int((routes == Route.KAD).sum())
    assert n_kad == int((k == Kind.KAD_ADMIT).sum())
    kad_tx = int(((k == Kind.KAD_LEAVE) & (log.extra == 1)).sum())
    admits = int((k == Kind.HOSP_ADMIT).sum())
    assert admits == n_hosp_direct + kad_tx
    leaves = int((k == Kind.HOSP_LEAVE).sum())
    st = stays(log, tiny.scenario.warmup_days + tiny.scenario.horizon_days)
    in_hospital_at_end = int((~st["hospital"].closed).sum())
    assert admits == leaves + in_hospital_at_end
    # every death is final and happens once per person
    dead = log.person[(k == Kind.DEATH) & pathway]
    assert len(dead) == len(np.unique(dead))
    t_death = dict(zip(log.person[(k == Kind.DEATH) & pathway].tolist(),
                       log.time[(k == Kind.DEATH) & pathway].tolist(), strict=True))
    after = [(p, t) for p, t in zip(log.person[pathway].tolist(), log.time[pathway].tolist(), strict=True)
             if p in t_death and t > t_death[p]]
    assert after == []
    # hospital deaths leave hospital as dead; readmissions keep the person and add an episode
    assert int(((k == Kind.HOSP_LEAVE) & (log.extra == Place.DEAD)).sum()) == int(
        ((k == Kind.DEATH) & (log.extra == Place.HOSPITAL)).sum())
    readm = arrivals[log.episode[arrivals] > 1]
    assert len(readm) > 0 and set(log.person[readm].tolist()) <= set(log.person[arrivals[log.episode[arrivals] == 1]]
                                                                     .tolist())


def test_unlimited_municipal_capacity_means_no_waiting(tiny_path: Path) -> None:
    big = [f"municipality.{m}.{c}=100000" for m in ("Nordby", "Sørby")
           for c in ("short_term_beds", "rehab_beds", "long_term_beds", "home_care_clients")]
    s = load_scenario(tiny_path, big).scenario
    res = simulate(s, 0)
    ind, _ = indicators(res.log, context(s))
    assert ind["delayed_days"] == 0.0
    assert ind["short_term_wait"] == 0.0
    st = stays(res.log, s.scenario.warmup_days + s.scenario.horizon_days)
    assert np.all(st["ready"].end[st["ready"].closed] == st["ready"].start[st["ready"].closed])
    # and with the tiny scenario's real capacities, patients do wait
    ind_small, _ = indicators(simulate(load_scenario(tiny_path).scenario, 0).log,
                              context(load_scenario(tiny_path).scenario))
    assert ind_small["delayed_days"] > 0


def erlang_c_wait(lam: float, mean_service: float, c: int) -> float:
    """Mean wait in queue of an M/M/c queue (Erlang C)."""
    a = lam * mean_service
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c / mean_service - lam)


MMC = """
[scenario]
name = "M/M/c"
horizon_days = 1500
warmup_days = 200
replications = 12
seed = 3
[costs]
delayed_day_rate_nok = 0
[hospital]
beds = 1000
[services.kad]
stay_days = {{ dist = "fixed", value = 1.0 }}
[services.short_term]
stay_days = {{ dist = "exponential", mean = {service} }}
[services.rehab]
stay_days = {{ dist = "fixed", value = 1.0 }}
[services.long_term]
stay_days = {{ dist = "fixed", value = 1.0 }}
[services.home_care]
stay_days = {{ dist = "fixed", value = 1.0 }}
[[municipality]]
name = "Eksempel"
population = {{ "80+" = 1000 }}
kad_beds = 0
short_term_beds = {c}
rehab_beds = 0
long_term_beds = 0
home_care_clients = 0
[[group]]
name = "all"
share = {{ "80+" = 1.0 }}
admissions_per_1000_year = {rate}
los_days = {{ dist = "fixed", value = 2.0 }}
discharge_to = {{ short_term = 1.0 }}
readmission_30d = 0.0
"""


def test_mmc_wait_matches_erlang_c(tmp_path: Path) -> None:
    """Patients ready for discharge queue for c short-term beds: an M/M/c queue (fixed LOS keeps it Poisson)."""
    lam, service, c = 2.0, 5.0, 12
    path = tmp_path / "mmc.toml"
    path.write_text(MMC.format(service=service, c=c, rate=lam * 365), encoding="utf-8")
    s = load_scenario(path).scenario
    w0, w1 = s.scenario.warmup_days, s.scenario.warmup_days + s.scenario.horizon_days
    means = []
    for r in range(s.scenario.replications):
        st = stays(simulate(s, r).log, w1)["ready"]
        ok = st.closed & (st.start >= w0)
        means.append(float(np.mean(st.end[ok] - st.start[ok])))
    sm = summary(means)
    theory = erlang_c_wait(lam, service, c)
    lo, hi = sm["ci95"]
    assert lo <= theory <= hi, (theory, sm)
    assert 0.3 < theory < 1.5  # a queue that really waits (rho = 0.83)


def test_run_api_summary_has_cis_and_manifest(tiny) -> None:
    res = run(tiny, replications=3, executor="serial")
    s = res.summary()
    d = s["indicators"]["delayed_days"]
    assert d["n"] == 3 and d["ci95"][0] <= d["mean"] <= d["ci95"][1]
    m = s["manifest"]
    assert m["replications"] == 3 and m["seed"] == 7 and len(m["scenario_sha256"]) == 64
    assert m["patients_simulated"] == sum(o.patients for o in res.outputs) > 0
    assert set(s["by_municipality"]) == {"Nordby", "Sørby"}


@pytest.mark.parametrize("jobs", [1, 2])
def test_cli_run_writes_a_complete_results_folder(tiny_path: Path, tmp_path: Path, jobs: int) -> None:
    from hjemtilhjem.cli import main

    out = tmp_path / "results"
    assert main(["run", str(tiny_path), "-r", "2", "-j", str(jobs), "--out", str(out), "-q"]) == 0
    folders = [p for p in out.iterdir()]
    assert len(folders) == 1 and folders[0].name.startswith("tiny-")
    names = {p.name for p in folders[0].iterdir()}
    assert {"summary.json", "replications.csv", "daily.csv", "scenario.resolved.toml", "report.md"} <= names
    # the resolved scenario is itself a valid scenario with the same hash
    again = load_scenario(folders[0] / "scenario.resolved.toml")
    assert again.sha256 == load_scenario(tiny_path).sha256
    # a second run never overwrites the first
    assert main(["run", str(tiny_path), "-r", "2", "--out", str(out), "-q"]) == 0
    assert len(list(out.iterdir())) == 2


@pytest.mark.parametrize("scenario", ["tiny", "vestfold_short"])
def test_time_slots_of_the_calendar_do_not_change_the_log(scenario: str, tiny, monkeypatch: pytest.MonkeyPatch) -> None:
    from hjemtilhjem.model import engine

    s = tiny if scenario == "tiny" else load_scenario(
        Path(__file__).resolve().parent.parent / "scenarios/vestfold/baseline.toml",
        ["scenario.warmup_days=30", "scenario.horizon_days=60"]).scenario
    logs = []
    for per_day in (1, 4, 16):
        monkeypatch.setattr(engine, "slots_per_day", lambda population, per_day=per_day: per_day)
        sim = engine.Simulation(s, 0)
        assert sim._slots_per_day == per_day
        logs.append(sim.run().log)
    assert len(logs[0]) > 1000
    for other in logs[1:]:
        for name in ("time", "person", "episode", "kind", "extra", "row"):
            assert np.array_equal(getattr(logs[0], name), getattr(other, name)), name
