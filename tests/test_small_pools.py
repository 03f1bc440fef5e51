"""Small municipalities' places in generated scenarios (hjemtilhjem.scenario.build) and pools that start at their
offered load (``initial_at_load``)."""

from __future__ import annotations

import math
import tomllib

import pytest
from queueing import theory_dict

from hjemtilhjem.eventlog import Kind, Place
from hjemtilhjem.model.engine import simulate
from hjemtilhjem.scenario import build
from hjemtilhjem.scenario.loader import load_data
from hjemtilhjem.scenario.schema import Scenario


def test_erlang_c_wait_against_the_closed_forms() -> None:
    # M/M/1 at rho 0.5, mean stay 4: Wq = rho / (1 - rho) x 4 = 4
    assert build.erlang_c_wait(1, 0.5, 4.0) == pytest.approx(4.0)
    # M/M/2 with 1 busy on average: P(wait) = 1/3, Wq = 1/3 x 1 / (2 - 1)
    assert build.erlang_c_wait(2, 1.0, 1.0) == pytest.approx(1.0 / 3.0)
    assert build.erlang_c_wait(3, 3.0, 1.0) == math.inf and build.erlang_c_wait(3, 0.0, 1.0) == 0.0
    # the same load per place waits far longer in a small pool than in a large one
    assert build.erlang_c_wait(4, 3.6, 21.0) > 20 * build.erlang_c_wait(60, 54.0, 21.0)


def test_long_term_wait_of_a_full_pool_is_the_wait_for_the_places_freed() -> None:
    # 100 places, two-year stays: 50 freed a year; hospital 40 (rho 0.8) and home 20 a year keep them full, so a
    # hospital patient waits as in an M/M/1 queue on the places freed: 730 / (100 x (1 - 0.8)) = 36.5 days
    assert build.long_term_wait(100, 40.0, 20.0, 730.0) == pytest.approx(36.5)
    # with room to spare (30 a year in all) the Erlang C wait of all requests is the shorter one
    assert build.long_term_wait(100, 20.0, 10.0, 730.0) == pytest.approx(build.erlang_c_wait(100, 60.0, 730.0))


def test_a_small_municipality_gets_more_places_per_80plus_than_a_large_one() -> None:
    """Vestre Viken: Hemsedal (117 aged 80+) gets more places per 1000 aged 80+ than Bærum (6,816), each raise said
    in its source, and every pool then serves about as well as the reference municipality's."""
    text = build.build(build.community_plan("Vestre Viken"))
    munis = {m["name"]: m for m in tomllib.loads(text)["municipality"]}
    small, large = munis["Hemsedal"], munis["Bærum"]
    for key in ("short_term_beds", "long_term_beds"):
        assert small[key] / small["population"]["80+"] > 1.3 * large[key] / large["population"]["80+"], key
    assert "long_term_beds raised" in small["source"] and "raised" not in large["source"]
    assert all(f"{build.LONG_TERM_WAIT_MAX:.1f} at most" in m["source"] for m in munis.values()
               if "long_term_beds raised" in m["source"])
    load_data(tomllib.loads(text))  # and it validates


def _initial_residents(initial_at_load: bool) -> int:
    d = theory_dict(lam_per_day=2.0, horizon_days=5.0, warmup_days=0.0)  # 10 places offered 8: load 0.8
    d["services"]["short_term"].update(initial_occupancy=1.0, initial_at_load=initial_at_load)
    log = simulate(Scenario.model_validate(d), 0).log
    return int(((log.kind == Kind.SERVICE_START) & (log.extra == Place.SHORT_TERM) & (log.time == 0.0)).sum())


def test_a_pool_with_room_starts_at_its_offered_load() -> None:
    assert _initial_residents(False) == 10
    assert _initial_residents(True) == 8  # round(10 x min(1.0, 0.8))


def test_the_generated_files_are_calibrated_where_the_tool_says() -> None:
    """Sogn og Fjordane's short-term requests from home are its own [CALIBRATED] value; Vestre Viken keeps the
    defaults' (the Vestfold baseline's)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    import build_scenarios as b

    for key in b.COMMUNITIES:
        plan = b.COMMUNITIES[key]()
        d = tomllib.loads(b.text(key))
        rate = d["services"]["short_term"]["other_requests_per_1000_80plus_year"]
        if plan.short_term_requests is None:
            assert rate == tomllib.loads(build.defaults_text())["services"]["short_term"][
                "other_requests_per_1000_80plus_year"]
        else:
            assert rate == plan.short_term_requests


def test_a_run_where_a_small_pool_has_nobody_in_one_replication(tmp_path) -> None:
    """Flå and Rollag: some of their pools start empty at their load and see nobody in 40 days of one replication;
    every replication still has the same bed-requirement keys, so the run writes its results and a row for every
    pool (it stopped with KeyError: 'census_mean')."""
    import csv

    from hjemtilhjem.cli import main

    assert main(["init", "--municipalities", "Flå,Rollag", str(tmp_path / "s")]) == 0
    assert main(["run", str(tmp_path / "s" / "baseline.toml"), "-r", "2", "--seed", "1", "--quiet", "--no-report",
                 "--out", str(tmp_path / "out"), "--set", "scenario.horizon_days=60",
                 "--set", "scenario.warmup_days=20"]) == 0
    (folder,) = (tmp_path / "out").iterdir()
    rows = list(csv.DictReader((folder / "bed_requirement.csv").open(encoding="utf-8")))
    assert len([r for r in rows if r["kind"] == "pool"]) == 2 * 5  # every pool of both municipalities, each service
