"""``hjemtilhjem init``: starting scenarios built from the packaged data load, validate and run as written; bad names
are one line, exit 2, with the closest names (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hjemtilhjem.cli import main
from hjemtilhjem.experiment.results import run
from hjemtilhjem.model.load import offered_loads
from hjemtilhjem.scenario import build
from hjemtilhjem.scenario.loader import load_scenario

QUICK = ["scenario.horizon_days=30", "scenario.warmup_days=10"]


def _runs_30_days(path: Path) -> None:
    res = run(path, replications=1, executor="serial", overrides=QUICK, quiet=True)
    ind = res.outputs[0].indicators
    assert ind["admissions"] > 0 and 0 < ind["bed_occupancy"] < 1.5


def _steady(pl) -> bool:  # type: ignore[no-untyped-def]
    """Below its places, or (long-term care) above them with the excess leaving a finite waiting list and the
    hospital's own requests below the places."""
    if pl.service == "kad" or pl.load < 1.0:
        return True
    return pl.leaving_per_year > 0 and pl.pathway_load < 1.0 and pl.waiting_list < float("inf")


def _loads_below_capacity(path: Path) -> None:
    loads = offered_loads(load_scenario(path).scenario)
    assert loads and all(_steady(pl) for pl in loads), [(pl.pool, pl.load) for pl in loads if not _steady(pl)]


def test_init_a_health_community_writes_files_that_validate_and_run(tmp_path: Path, capsys) -> None:
    out = tmp_path / "stavanger"
    assert main(["init", "--health-community", "Helse Stavanger HF", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    s = load_scenario(out / "baseline.toml").scenario
    assert len(s.municipality) == 15 and [h.name for h in s.hospitals] == ["Helse Stavanger HF"]
    assert sum(m.population["80+"] for m in s.municipality) == 14_922  # S-POP 1.1.2025 (hf_catchments_2024.md)
    assert main(["validate", str(out / "baseline.toml"), str(out / "targets.toml")]) == 0
    assert "targets: 8 targets" in capsys.readouterr().out
    _loads_below_capacity(out / "baseline.toml")
    _runs_30_days(out / "baseline.toml")


def test_init_a_municipality_list_splits_holmestrand_between_its_trusts(tmp_path: Path) -> None:
    out = tmp_path / "three"
    assert main(["init", "--municipalities", "Larvik, 3907,holmestrand", str(out)]) == 0
    s = load_scenario(out / "baseline.toml").scenario
    assert [m.name for m in s.municipality] == ["Larvik", "Sandefjord", "Holmestrand"]
    shares = {h.name: h.catchment for h in s.hospitals}
    assert shares == {"Vestre Viken HF": {"Holmestrand": 0.407992},
                      "Sykehuset i Vestfold HF": {"Larvik": 1.0, "Sandefjord": 1.0, "Holmestrand": 0.592008}}
    assert not any(h.external for h in s.hospitals)  # every trust of the chosen municipalities is simulated
    _loads_below_capacity(out / "baseline.toml")
    _runs_30_days(out / "baseline.toml")


def test_init_a_community_keeps_the_other_trusts_part_of_a_split_municipality_as_external(tmp_path: Path) -> None:
    assert main(["init", "--health-community", "vestre viken hf", str(tmp_path)]) == 0
    s = load_scenario(tmp_path / "baseline.toml").scenario
    names = [m.name for m in s.municipality]
    assert len(names) == 22 and "Jevnaker" in names and "Holmestrand" in names
    siv = next(h for h in s.hospitals if h.name == "Sykehuset i Vestfold HF")
    assert siv.external and siv.catchment == {"Holmestrand": 0.592008}


@pytest.mark.parametrize(("name", "community"), [("Sogn og Fjordane", "Helse Førde"), ("Helse Førde HF", "Helse Førde"),
                                                 ("Helsefellesskapet i Vestfold", "Sykehuset i Vestfold"),
                                                 ("Oslo universitetssykehus HF", "Oslo"), ("ahus", "Akershus "
                                                                                         "universitetssykehus")])
def test_health_community_names(name: str, community: str) -> None:
    assert build.find_health_community(name) == community


def test_every_health_community_has_its_plan() -> None:
    communities = build.health_communities()
    assert len(communities) == 19
    numbers = [n for c in communities for n in build.community_plan(c).numbers]
    assert len(set(numbers)) == 357  # every municipality in some community; Holmestrand in two
    assert len(numbers) == 358


def test_init_refuses_to_overwrite_unless_forced(tmp_path: Path, capsys) -> None:
    assert main(["init", "--municipalities", "Larvik", str(tmp_path)]) == 0
    (tmp_path / "targets.toml").write_text("# mine\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["init", "--municipalities", "Larvik", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"hjemtilhjem init: {tmp_path / 'baseline.toml'}: exists; use --force to overwrite it"]
    assert (tmp_path / "targets.toml").read_text(encoding="utf-8") == "# mine\n"
    assert main(["init", "--municipalities", "Larvik", str(tmp_path), "--force"]) == 0
    assert "[[target]]" in (tmp_path / "targets.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "says"), [
    (["--health-community", "Helse Stavangr"], "unknown health community 'Helse Stavangr' (did you mean "
                                               "'Helse Stavanger'?)"),
    (["--health-community", "Vestre Vikken"], "(did you mean 'Vestre Viken'?)"),
    (["--municipalities", "Larvik,Sandefjrd"], "unknown municipality 'Sandefjrd' (did you mean 'Sandefjord'"),
    (["--municipalities", "Herøy"], "'Herøy' is ambiguous: 'Herøy (Møre og Romsdal)' or 'Herøy (Nordland)'"),
    (["--municipalities", "Larvik,3909"], "municipality 'Larvik' is given twice"),
])
def test_init_bad_names_are_one_line_exit_2(tmp_path: Path, capsys, args: list[str], says: str) -> None:
    assert main(["init", *args, str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and says in err[0] and err[0].startswith("hjemtilhjem init: --"), err
    assert not (tmp_path / "x").exists()


def test_a_targets_file_with_an_unknown_indicator_is_one_line_exit_2(tmp_path: Path, capsys) -> None:
    path = tmp_path / "targets.toml"
    path.write_text('[[target]]\nindicator = "overliggedogn_per_100"\nobserved = 9.0\nsource = "x"\nyear = "2022"\n',
                    encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"{path}:target.") and "unknown indicator 'overliggedogn_per_100' (did you mean " \
                                                    "'overliggedogn_per_1000'" in err[0]


def test_long_term_requests_from_home_fill_the_places_freed() -> None:
    # 900 places, stays of 900 days: 365 freed a year; 200 from hospital; a waiting list of 40 losing 0.5 a year
    # each -> 365 + 20 - 200 = 185 from home / 5 thousand aged 80+
    assert build.long_term_balance(900, 200, 5000, 900.0, 40.0, 0.5) == pytest.approx((365 + 20 - 200) / 5)
    assert build.long_term_balance(10, 1000, 5000, 900.0) == 0.0  # never negative


def test_an_init_scenario_holds_its_waiting_list(tmp_path: Path) -> None:
    """validate's fluid estimate of the waiting list at home equals the published 0.35 per 1000 inhabitants the
    requests were derived from (summed over the long-term pools), and the list starts at about that size."""
    from hjemtilhjem.model.load import offered_loads

    assert main(["init", "--municipalities", "Larvik,Sandefjord", str(tmp_path)]) == 0
    s = load_scenario(tmp_path / "baseline.toml").scenario
    inhabitants = sum(sum(m.population.values()) for m in s.municipality)
    waiting = sum(pl.waiting_list for pl in offered_loads(s) if pl.service == "long_term")
    assert waiting == pytest.approx(build.WAITING_PER_1000 * inhabitants / 1000, rel=0.15)
    start = s.services.long_term.initial_waiting_per_1000_80plus * sum(m.population["80+"] for m in s.municipality)
    assert start / 1000 == pytest.approx(build.WAITING_PER_1000 * inhabitants / 1000, rel=0.02)


def test_init_with_the_2026_population(tmp_path: Path) -> None:
    assert main(["init", "--municipalities", "Oslo", "--year", "2026", str(tmp_path)]) == 0
    s = load_scenario(tmp_path / "baseline.toml").scenario
    assert sum(s.municipality[0].population.values()) == 728_714  # Oslo 1.1.2026 (hf_catchments_2024.md)
    assert len(s.hospitals) == 4


def test_every_health_community_builds_a_scenario_whose_queues_all_settle() -> None:
    import tomllib

    from hjemtilhjem.model.load import overload_errors
    from hjemtilhjem.scenario.loader import load_data

    for community in build.health_communities():
        s = load_data(tomllib.loads(build.build(build.community_plan(community)))).scenario
        loads = offered_loads(s)
        assert max(pl.load for pl in loads if pl.service not in ("kad", "long_term")) < 1.0, community
        assert all(_steady(pl) for pl in loads), community
        assert overload_errors(s, community, loads) == []
