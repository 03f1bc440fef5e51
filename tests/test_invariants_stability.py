"""Unstable scenarios are detected during the run and reported with municipality and service."""

from __future__ import annotations

from pathlib import Path

import pytest
from queueing import theory_scenario

from hjemtilhjem.cli import main
from hjemtilhjem.model.engine import UnstableScenario, simulate

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "vestfold" / "baseline.toml")


def test_overloaded_municipal_queue_is_reported() -> None:
    s = theory_scenario(short_term_beds=4, horizon_days=3000)  # rho = 2 * 4 / 4 = 2
    with pytest.raises(UnstableScenario) as info:
        simulate(s, 0)
    err = info.value
    assert err.municipality == "Testby" and err.service == "short_term"
    assert "municipality Testby: short_term queue grows without bound" in str(err)
    rho = float(str(err).split("rho = ")[1].rstrip(")"))
    assert 1.2 < rho < 3.0  # estimated from the requests while the queue grew (true value 2)
    assert err.day < 200  # found early, not at the end of a 3000-day run


def _long_term(places: int, per_year: float, leaving: float = 0.0, horizon_days: float = 1825.0):
    from queueing import theory_dict

    from hjemtilhjem.scenario.schema import Scenario

    d = theory_dict(lam_per_day=per_year / 365.0, discharge_to={"long_term": 1.0}, horizon_days=horizon_days,
                    warmup_days=0.0)
    d["municipality"][0]["long_term_beds"] = places
    d["services"]["long_term"]["stay_days"] = {"dist": "exponential", "mean": 365.0}
    d["services"]["long_term"]["initial_occupancy"] = 1.0
    if leaving:
        d["services"]["long_term"]["leave_queue_per_year"] = {"death": leaving}
    return Scenario.model_validate(d)


def test_slow_growth_of_a_large_pool_is_reported() -> None:
    """100 long-term places with one-year stays free 100 places a year; hospital patients ask for 130 a year and
    never leave the queue, which grows by about 30 a year: it passes a year's turnover (100) in about three
    years, long before 5 x places (500, the limit for short stays), and the run says where."""
    with pytest.raises(UnstableScenario, match="long_term queue grows without bound") as info:
        simulate(_long_term(100, 130.0), 0)
    assert info.value.service == "long_term" and 600 < info.value.day < 1825


def test_a_waiting_list_that_sheds_people_is_not_flagged() -> None:
    """The same requests from home, where people leave the queue at 1 a year: the waiting list settles near
    (130 - 100) / 1 = 30 and the run goes on; so does a hospital queue offered 0.9 of the places."""
    from queueing import theory_dict

    from hjemtilhjem.scenario.schema import Scenario

    d = theory_dict(lam_per_day=1e-9, discharge_to={"home": 1.0}, horizon_days=1825.0, warmup_days=0.0)
    d["municipality"][0]["long_term_beds"] = 100
    d["services"]["long_term"].update(stay_days={"dist": "exponential", "mean": 365.0}, initial_occupancy=1.0,
                                      other_requests_per_1000_80plus_year=130.0 / (d["municipality"][0]["population"]
                                                                                   ["80+"] / 1000.0),
                                      leave_queue_per_year={"death": 1.0})
    simulate(Scenario.model_validate(d), 0)
    simulate(_long_term(100, 90.0), 0)


def test_no_places_at_all_is_reported() -> None:
    s = theory_scenario(short_term_beds=0)
    with pytest.raises(UnstableScenario, match=r"short_term queue .* rho = inf \(no places\)"):
        simulate(s, 0)


def test_readmission_loop_that_cannot_drain_is_reported() -> None:
    s = theory_scenario(lam_per_day=20.0, discharge_to={"home": 1.0}, readmission_30d=1.0, hospital_beds=100,
                        horizon_days=3000)
    with pytest.raises(UnstableScenario, match="hospital census grows without bound") as info:
        simulate(s, 0)
    assert info.value.service == "hospital" and info.value.municipality == "Hospital"  # the hospital's name
    assert "readmission loop does not drain" in str(info.value)


def test_readmission_loop_is_reported_even_with_room_in_hospital() -> None:
    s = theory_scenario(lam_per_day=2.0, discharge_to={"home": 1.0}, readmission_30d=1.0, hospital_beds=100_000,
                        los={"dist": "fixed", "value": 0.0}, horizon_days=3650)
    with pytest.raises(UnstableScenario, match=r"Hospital: hospital readmission loop does not drain "
                                               r"\(20\.\d episodes per patient .*readmission_30d = 1 in group "
                                               r"patients\)"):
        simulate(s, 0)


def test_stable_but_busy_scenarios_are_not_flagged() -> None:
    simulate(theory_scenario(short_term_beds=9, horizon_days=1000), 0)  # rho = 0.89
    simulate(theory_scenario(discharge_to={"home": 1.0}, readmission_30d=0.9, hospital_beds=10), 0)  # drains


def test_unstable_exception_survives_pickling() -> None:
    import pickle

    err = pickle.loads(pickle.dumps(UnstableScenario("m: x", "m", "short_term", 12.0)))
    assert (str(err), err.municipality, err.service, err.day) == ("m: x", "m", "short_term", 12.0)


@pytest.mark.parametrize("executor", ["serial", "process"])
def test_cli_reports_unstable_scenario_in_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          executor: str) -> None:
    code = main(["run", BASELINE, "-r", "2", "--executor", executor, "-j", "2", "--out", str(tmp_path), "-q",
                 "--set", "municipality.Larvik.short_term_beds=3", "--no-report"])
    err = capsys.readouterr().err
    assert code == 2
    lines = [x for x in err.splitlines() if x.strip()]
    assert lines == [lines[0]] and "Traceback" not in err
    # offered more than its places with nobody leaving the queue: refused before any simulation, the pool named
    assert lines[0].startswith(f"{BASELINE}:municipality.Larvik.short_term_beds: pool 'Larvik short_term' is "
                               "offered "), lines[0]
    assert "by patients waiting in hospital alone" in lines[0]
    assert not any(tmp_path.iterdir())  # no results folder
