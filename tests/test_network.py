"""The network of places: an exact trace through hospital, a full pool, an interim place and a readmission
(SimPy-style: fixed durations, the exact list of events), shared pools, split municipalities, home care in
hours, KAD transfers, and the scenario errors of a network."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from queueing import theory_dict

from hjemtilhjem.cli import main
from hjemtilhjem.eventlog import Kind, Place, Route
from hjemtilhjem.model import engine
from hjemtilhjem.model.network import compile_network
from hjemtilhjem.scenario.loader import load_scenario
from hjemtilhjem.scenario.schema import Scenario

DATA = Path(__file__).parent / "data"
PLACE = {Place.KAD: "kad", Place.SHORT_TERM: "short_term", Place.REHAB: "rehab", Place.LONG_TERM: "long_term",
         Place.HOME_CARE: "home_care", Place.HOME: "home", Place.HOSPITAL: "hospital"}


def _trace_scenario() -> Scenario:
    d = theory_dict(lam_per_day=0.0, los={"dist": "fixed", "value": 2.0}, discharge_to={"long_term": 1.0},
                    readmission_30d=1.0, horizon_days=20.0, warmup_days=0.0)
    d["services"]["long_term"].update(stay_days={"dist": "fixed", "value": 5.0}, ends_in_death=True,
                                      interim="short_term")
    d["municipality"][0].update(long_term_beds=1, short_term_beds=1)
    return Scenario.model_validate(d)


def _arrivals(patients: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """First arrivals with every attribute given (what ``_generate_arrivals`` would draw)."""
    cols = {"time": [], "muni": [], "group": [], "band": [], "route": [], "hospital": [], "los": [], "die": [],
            "dfrac": [], "dest": [], "uout": [], "ofrac": [], "stay": [], "kad_los": [], "kad_tx": []}
    for p in patients:
        row = {"muni": 0, "group": 0, "band": 0, "route": Route.HOSPITAL, "hospital": 0, "los": 2.0, "die": False,
               "dfrac": 0.0, "uout": 0.0, "ofrac": 0.5, "stay": 5.0, "kad_los": 0.0, "kad_tx": False, **p}
        for k in cols:
            cols[k].append(row[k])
    return {k: np.array(v) for k, v in cols.items()}


def test_exact_trace_through_a_full_pool_an_interim_place_and_a_readmission(monkeypatch) -> None:
    """A (t=1) takes the only long-term place; C (t=2) finds it full and waits in the free short-term place
    (interim), moving when A's stay ends; B (t=3) goes home and is readmitted; its second stay ends in the
    long-term place that C's death freed."""
    patients = [{"time": 1.0, "dest": Place.LONG_TERM}, {"time": 2.0, "dest": Place.LONG_TERM},
                {"time": 3.0, "dest": Place.HOME}]
    monkeypatch.setattr(engine.Simulation, "_generate_arrivals", lambda self: _arrivals(patients))
    log = engine.simulate(_trace_scenario(), 0).log
    placed = (Kind.READY, Kind.HOSP_LEAVE, Kind.SERVICE_REQUEST, Kind.SERVICE_START, Kind.SERVICE_END, Kind.DEATH)
    got = [(round(float(t), 6), int(p), int(e), Kind.NAMES[k], PLACE[int(x)] if k in placed else int(x))
           for t, p, e, k, x in zip(log.time, log.person, log.episode, log.kind, log.extra, strict=True)]
    dt = -10.0 * math.log(1.0 - 0.5 * (1.0 - math.exp(-30.0 / 10.0)))  # readmission: truncated exponential
    r = round(3.0 + 2.0 + dt, 6)
    a, c, b = 0, 1, 2
    assert got == [
        (1.0, a, 1, "arrival", Route.HOSPITAL),
        (1.0, a, 1, "hosp_admit", 0),
        (2.0, c, 1, "arrival", Route.HOSPITAL),
        (2.0, c, 1, "hosp_admit", 0),
        (3.0, a, 1, "ready", "long_term"),
        (3.0, a, 1, "service_request", "long_term"),
        (3.0, a, 1, "hosp_leave", "long_term"),
        (3.0, a, 1, "service_start", "long_term"),
        (3.0, b, 1, "arrival", Route.HOSPITAL),
        (3.0, b, 1, "hosp_admit", 0),
        (4.0, c, 1, "ready", "long_term"),
        (4.0, c, 1, "service_request", "long_term"),  # full: waits, in the free short-term place
        (4.0, c, 1, "hosp_leave", "short_term"),
        (4.0, c, 1, "service_start", "short_term"),
        (5.0, b, 1, "ready", "home"),
        (5.0, b, 1, "hosp_leave", "home"),
        (8.0, a, 1, "service_end", "long_term"),
        (8.0, a, 1, "death", "long_term"),
        (8.0, c, 1, "service_end", "short_term"),  # the long-term place is free: C moves
        (8.0, c, 1, "service_start", "long_term"),
        (r, b, 2, "arrival", Route.HOSPITAL),  # readmitted: same person, next episode
        (r, b, 2, "hosp_admit", 0),
        (13.0, c, 1, "service_end", "long_term"),
        (13.0, c, 1, "death", "long_term"),
        (round(r + 2.0, 6), b, 2, "ready", "long_term"),
        (round(r + 2.0, 6), b, 2, "service_request", "long_term"),
        (round(r + 2.0, 6), b, 2, "hosp_leave", "long_term"),
        (round(r + 2.0, 6), b, 2, "service_start", "long_term"),
        (round(r + 7.0, 6), b, 2, "service_end", "long_term"),
        (round(r + 7.0, 6), b, 2, "death", "long_term"),
    ]


def test_an_interim_place_that_frees_later_takes_the_patient_out_of_hospital(monkeypatch) -> None:
    """A (t=1) takes the only long-term place for 10 days; E (t=1.5) the only short-term place for 5; C (t=2) is
    ready at 4 with both full and waits in hospital; when E's short-term stay ends (8.5) nobody waits for it, so C
    leaves hospital for it (4.5 days fewer in hospital than waiting for A's place), moves on at 13 and stays 5."""
    d = theory_dict(lam_per_day=0.0, los={"dist": "fixed", "value": 2.0}, discharge_to={"long_term": 1.0},
                    horizon_days=20.0, warmup_days=0.0)
    d["services"]["long_term"].update(stay_days={"dist": "fixed", "value": 5.0}, interim="short_term")
    d["municipality"][0].update(long_term_beds=1, short_term_beds=1)
    patients = [{"time": 1.0, "dest": Place.LONG_TERM, "stay": 10.0},
                {"time": 1.5, "dest": Place.SHORT_TERM, "stay": 5.0},
                {"time": 2.0, "dest": Place.LONG_TERM}]
    monkeypatch.setattr(engine.Simulation, "_generate_arrivals", lambda self: _arrivals(patients))
    log = engine.simulate(Scenario.model_validate(d), 0).log
    c = 2
    mine = log.person == c
    got = [(round(float(t), 6), Kind.NAMES[k], PLACE[int(x)]) for t, k, x in
           zip(log.time[mine], log.kind[mine], log.extra[mine], strict=True) if k >= Kind.READY and k != 4]
    assert got == [(4.0, "ready", "long_term"), (4.0, "service_request", "long_term"),
                   (8.5, "hosp_leave", "short_term"), (8.5, "service_start", "short_term"),
                   (13.0, "service_end", "short_term"), (13.0, "service_start", "long_term"),
                   (18.0, "service_end", "long_term")]


def test_an_interim_place_goes_only_to_its_own_municipality_s_patients(monkeypatch) -> None:
    """A long-term place shared by Testby and Nabo, short-term places of their own: C from Nabo waits in hospital
    (Nabo's short-term place is taken); Testby's short-term place that frees at 8.5 is not Nabo's interim place, so
    C leaves hospital only when the long-term place frees at 13."""
    import copy

    d = theory_dict(lam_per_day=0.0, los={"dist": "fixed", "value": 2.0}, discharge_to={"long_term": 1.0},
                    horizon_days=20.0, warmup_days=0.0)
    d["services"]["long_term"].update(stay_days={"dist": "fixed", "value": 5.0}, interim="short_term")
    d["municipality"][0].update(long_term_beds=1, short_term_beds=1)
    nabo = copy.deepcopy(d["municipality"][0])
    nabo.update(name="Nabo", long_term_beds=0)
    d["municipality"].append(nabo)
    d["pool"] = [{"name": "Langtid felles", "service": "long_term", "members": ["Testby", "Nabo"]}]
    patients = [{"time": 1.0, "dest": Place.LONG_TERM, "stay": 10.0},
                {"time": 1.5, "dest": Place.SHORT_TERM, "stay": 5.0},
                {"time": 1.5, "muni": 1, "dest": Place.SHORT_TERM, "stay": 20.0},
                {"time": 2.0, "muni": 1, "dest": Place.LONG_TERM}]
    monkeypatch.setattr(engine.Simulation, "_generate_arrivals", lambda self: _arrivals(patients))
    log = engine.simulate(Scenario.model_validate(d), 0).log
    mine = log.person == 3
    leave = [(round(float(t), 6), PLACE[int(x)]) for t, k, x in
             zip(log.time[mine], log.kind[mine], log.extra[mine], strict=True) if k == Kind.HOSP_LEAVE]
    assert leave == [(13.0, "long_term")]


def test_home_care_in_hours_is_an_mmc_queue_with_hours_over_need_servers() -> None:
    """Home care of 30 hours a week, each client needing 2.5: 12 clients at once, an M/M/12 queue (fixed LOS
    keeps arrivals Poisson); the wait of the ready patients matches Erlang C within a 95% CI."""
    from queueing import mmc_wait

    from hjemtilhjem.experiment.stats import summary
    from hjemtilhjem.outcomes.indicators import stays

    lam, service, c = 2.0, 5.0, 12
    d = theory_dict(lam_per_day=lam, los={"dist": "fixed", "value": 2.0}, discharge_to={"home_care": 1.0},
                    horizon_days=1500.0, warmup_days=200.0, replications=6, seed=99)
    d["services"]["home_care"].update(stay_days={"dist": "exponential", "mean": service},
                                      capacity_unit="hours_per_week", hours_per_client={"dist": "fixed", "value": 2.5})
    d["municipality"][0].pop("home_care_clients")
    d["municipality"][0]["home_care_hours_per_week"] = 2.5 * c
    s = Scenario.model_validate(d)
    w0, w1 = s.scenario.warmup_days, s.scenario.warmup_days + s.scenario.horizon_days
    means, most = [], 0
    for r in range(s.scenario.replications):
        log = engine.simulate(s, r).log
        st = stays(log, w1)
        ok = st["ready"].closed & (st["ready"].start >= w0)
        means.append(float(np.mean(st["ready"].end[ok] - st["ready"].start[ok])))
        hc = (log.extra == Place.HOME_CARE) & np.isin(log.kind, [Kind.SERVICE_START, Kind.SERVICE_END])
        most = max(most, int(np.cumsum(np.where(log.kind[hc] == Kind.SERVICE_START, 1, -1)).max()))
    lo, hi = summary(means)["ci95"]
    assert lo <= mmc_wait(lam, service, c) <= hi, (mmc_wait(lam, service, c), summary(means))
    assert most == c  # the hours bind: never a 13th client


def test_hours_per_client_from_a_distribution_are_held_and_given_back() -> None:
    """With hours drawn per client, hours in use never exceed the pool's hours (checked from the engine)."""
    s = load_scenario(DATA / "network.toml", ["services.home_care.hours_per_client.mean=30.0",
                                              "services.home_care.hours_per_client.sd=20.0"]).scenario
    sim = engine.Simulation(s, 0)
    worst: list[float] = []
    original = sim._start_service

    def watch(pool: int, rec: Any) -> None:
        original(pool, rec)
        if sim.by_hours[pool]:
            worst.append(sim.used[pool] - sim.cap[pool])

    sim._start_service = watch  # type: ignore[method-assign]
    log = sim.run().log
    waited = (log.kind == Kind.SERVICE_REQUEST) & (log.extra == Place.HOME_CARE)
    assert len(worst) > 50 and max(worst) <= 1e-9
    assert waited.sum() > len(worst) * 0.5  # the hours bound: requests outnumber the clients started meanwhile


def test_a_split_municipality_sends_its_patients_by_the_catchment_shares() -> None:
    s = load_scenario(DATA / "network.toml").scenario
    hosp = np.concatenate([a["hospital"][a["muni"] == 1] for a in
                           (engine.Simulation(s, r)._generate_arrivals() for r in range(10))])
    n = len(hosp)
    assert abs(float(np.mean(hosp == 1)) - 0.4) < 2.576 * math.sqrt(0.4 * 0.6 / n), (np.mean(hosp == 1), n)  # 99%
    log = engine.simulate(s, 1).log
    first = (log.kind == Kind.HOSP_ADMIT) & (log.episode == 1) & (log.person >= 0)
    assert not (log.hospital[first & (log.municipality == 0)] == 1).any()  # Nordby: all to its own hospital
    # a readmission goes back to the patient's hospital
    again = (log.kind == Kind.HOSP_ADMIT) & (log.episode > 1)
    person_hosp = {int(p): int(h) for p, h in zip(log.person[first], log.hospital[first], strict=True)}
    assert again.sum() > 20
    assert all(person_hosp[int(p)] == int(h) for p, h in zip(log.person[again], log.hospital[again], strict=True))


def test_a_shared_pool_is_one_set_of_places_for_its_members() -> None:
    s = load_scenario(DATA / "network.toml").scenario
    net = compile_network(s)
    kad = net.pool_of[0][Place.KAD]
    assert net.pool_of[1][Place.KAD] == kad and net.pools[kad].name == "Felles KAD" and net.pools[kad].capacity == 3
    assert net.pool_of[0][Place.SHORT_TERM] != net.pool_of[1][Place.SHORT_TERM]
    log = engine.simulate(s, 0).log  # the per-pool capacity invariant is checked on every log (conftest)
    k = log.kind
    sel = (k == Kind.KAD_ADMIT) | (k == Kind.KAD_LEAVE)
    level = np.cumsum(np.where(k[sel] == Kind.KAD_ADMIT, 1, -1))
    both = set(log.municipality[sel].tolist())
    assert level.max() == 3 and both == {0, 1}  # full at times, used by both municipalities


def test_kad_transfers_happen_after_their_own_drawn_time() -> None:
    from hjemtilhjem.outcomes.indicators import stays

    s = load_scenario(DATA / "network.toml", ["triage.kad_share=0.5"]).scenario
    runs = [stays(engine.simulate(s, r).log, s.scenario.warmup_days + s.scenario.horizon_days)["kad"]
            for r in range(3)]
    stay = np.concatenate([k.end[k.closed & (k.extra == 1)] - k.start[k.closed & (k.extra == 1)] for k in runs])
    n = len(stay)
    assert n > 50
    mean, half = float(stay.mean()), 2.576 * float(stay.std(ddof=1)) / math.sqrt(n)
    assert abs(mean - 0.8) < half, (mean, half, n)  # exponential, mean 0.8 days (most within the first day)
    kad = runs[0]
    home = kad.closed & (kad.extra == 0)
    assert (kad.end[home] - kad.start[home]).mean() > 2.0  # a full KAD stay (mean 3) for the others


def test_scenarios_without_network_keys_compile_to_one_pool_per_municipality_and_service() -> None:
    s = load_scenario(DATA / "tiny.toml").scenario
    net = compile_network(s)
    assert [list(row) for row in net.pool_of] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    assert len(net.hospitals) == 1 and net.hospitals[0].catchment == (1.0, 1.0)


NETWORK_ERRORS = [
    ('[[pool]]\nname = "P"\nservice = "kad"\nmembers = ["Nordby", "Nordbi"]\n',
     "pool.P.members: 'Nordbi' is not a municipality of the scenario (did you mean 'Nordby'?)"),
    ('[[pool]]\nname = "P"\nservice = "kad"\nmembers = ["Nordby"]\n'
     '[[pool]]\nname = "Q"\nservice = "kad"\nmembers = ["Nordby", "Sørby"]\n',
     "pool.Q.members: 'Nordby' is already in pool 'P' of service kad"),
    ('[[pool]]\nname = "P"\nservice = "short_term"\nmembers = ["Nordby"]\ncapacity = 12\n',
     "municipality.Nordby.short_term_beds: the capacity of shared pool 'P' is given on the pool"),
    ('[[hospital]]\nname = "A"\nbeds = 20\ncatchment = { "Nordby" = 1.0, "Sørby" = 0.5 }\n'
     '[[hospital]]\nname = "B"\nbeds = 10\ncatchment = { "Sørby" = 0.3 }\n',
     "hospital: catchment shares of municipality 'Sørby' sum to 0.8000, not 1"),
    ('[[hospital]]\nname = "A"\nbeds = 20\ncatchment = { "Nordby" = 1.0, "Sørby" = 0.7 }\n'
     '[[hospital]]\nname = "B"\nbeds = 10\ncatchment = { "Sørby" = 0.6 }\n',
     "hospital: catchment shares of municipality 'Sørby' sum to 1.3000, more than its whole population "
     "('A' + 'B')"),
]


@pytest.mark.parametrize(("extra", "message"), NETWORK_ERRORS)
def test_network_errors_are_one_line_each_exit_2(extra: str, message: str, tmp_path: Path, capsys) -> None:
    text = (DATA / "tiny.toml").read_text(encoding="utf-8")
    if "[[hospital]]" in extra:
        text = text.replace('[hospital]\nname = "Test HF"\nbeds = 30\n', "")
    path = tmp_path / "bad.toml"
    path.write_text(text + "\n" + extra, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert any(line.startswith(f"{path}:") and message in line for line in err), err
    assert len(err) == 1, err


def test_a_shared_kad_and_a_split_municipality_are_scenario_edits_only(tmp_path: Path) -> None:
    """The Vestfold baseline holds the Tønsberg region's shared KAD pool and Holmestrand split between SiV and an
    external hospital; a variant's [[hospital]] named like the base's merges into it (beds changed, catchment and
    seasonality kept)."""
    root = Path(__file__).resolve().parent.parent / "scenarios" / "vestfold"
    s = load_scenario(root / "baseline.toml").scenario
    siv, drammen = s.hospitals
    assert drammen.external and drammen.beds is None
    net = compile_network(s)
    names = list(net.municipalities)
    kad = net.pools[net.pool_of[names.index("Tønsberg")][Place.KAD]]
    assert kad.name == "Tønsbergregionen ØHD" and kad.capacity == 11
    assert {names[m] for m in kad.members} == {"Tønsberg", "Færder", "Holmestrand"}
    assert net.hospitals_of(names.index("Holmestrand")) == [(0, 0.592008), (1, 0.407992)]
    assert net.pools[net.pool_of[names.index("Larvik")][Place.KAD]].members == (names.index("Larvik"),)
    variant = tmp_path / "more_beds.toml"
    variant.write_text(f'extends = "{(root / "baseline.toml").as_posix()}"\n[[hospital]]\nname = "{siv.name}"\n'
                       'beds = 400\n', encoding="utf-8")
    v = load_scenario(variant).scenario
    assert v.hospitals[0].beds == 400 and v.hospitals[0].catchment == siv.catchment
    assert v.hospitals[0].seasonality == siv.seasonality and len(v.hospitals) == 2


def test_offered_load_of_a_pool_from_the_scenario_alone() -> None:
    """2 arrivals a day, all to 10 short-term places for 4 days: rho = 0.8; with readmission p = 0.5 the
    pathway brings 1 / (1 - p) episodes per first arrival: rho = 1.6."""
    from hjemtilhjem.model.load import offered_loads

    loads = {pl.pool: pl for pl in offered_loads(Scenario.model_validate(theory_dict()))}
    assert loads["Testby short_term"].load == pytest.approx(0.8)
    assert loads["Testby short_term"].requests_per_year == pytest.approx(2.0 * 365)
    d = theory_dict(readmission_30d=0.5)
    assert {pl.pool: pl.load for pl in offered_loads(Scenario.model_validate(d))}["Testby short_term"] == \
        pytest.approx(1.6)
    d["municipality"][0]["short_term_beds"] = 0
    assert {pl.pool: pl.load for pl in offered_loads(Scenario.model_validate(d))}["Testby short_term"] == math.inf


def test_an_unbounded_queue_is_bad_input_before_any_run(tmp_path: Path, capsys) -> None:
    """Offered 1.6 times its places by requests from home with nobody leaving the queue: validate and run exit 2
    naming the pool and its load, and run writes nothing; with people leaving the queue the same scenario is fine.
    Offered 1.6 times by hospital patients alone it stays bad input with leaving rates: they never leave."""
    import tomli_w
    from queueing import POP

    d = theory_dict(readmission_30d=0.5, horizon_days=30.0, warmup_days=0.0)
    d["group"][0]["discharge_to"] = {"home": 1.0}
    d["services"]["short_term"]["other_requests_per_1000_80plus_year"] = 2.0 * 365 * 1.6 / 0.8 / (POP / 1000.0)
    path = tmp_path / "loaded.toml"
    path.write_text(tomli_w.dumps(d), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{path}:services.short_term.leave_queue_per_year: pool "
                                               "'Testby short_term' is offered 1.60 times its places"), err
    out = tmp_path / "results"
    assert main(["run", str(path), "-r", "1", "--executor", "serial", "--out", str(out), "-q"]) == 2
    assert "is offered 1.60 times its places" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())
    d["services"]["short_term"]["leave_queue_per_year"] = {"withdrawal": 36.5}
    path.write_text(tomli_w.dumps(d), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    # the waiting list settles where those leaving take the excess: (1,460 - 912.5 freed a year) / 36.5 = 15
    assert "offered load  Testby: kad 0.00  short_term 1.60! (leaving 36.5/yr, about 15 waiting at home)" \
        in capsys.readouterr().out
    # the same load from hospital patients (2 a day, readmission 0.5): leaving rates for people at home do not help
    d = theory_dict(readmission_30d=0.5, horizon_days=30.0, warmup_days=0.0)
    d["services"]["short_term"]["leave_queue_per_year"] = {"withdrawal": 36.5}
    path.write_text(tomli_w.dumps(d), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{path}:municipality.Testby.short_term_beds: pool 'Testby "
                                               "short_term' is offered 1.60 times its places by patients waiting "
                                               "in hospital alone"), err
