"""Bad input gives one clear ``file:key.path: message`` line per problem, exit 2, no traceback: strict numbers,
empty files, "did you mean", targets files in ``validate``, and ``--set`` on ``compare`` (DESIGN.md section 7)."""

from __future__ import annotations

import glob
import json
import re
from pathlib import Path

import pytest

from hjemtilhjem.cli import main
from hjemtilhjem.experiment.compare import resolve_overrides, split_target
from hjemtilhjem.scenario.loader import ScenarioError, load_scenario, resolved_toml

from .conftest import DATA, ROOT

TINY = DATA / "tiny.toml"
LINE = re.compile(r"^[^\n]+:([^:\n]*:)? [^\n]+$")  # file:key.path: message, or file: message
SHORT = ["--set", "scenario.horizon_days=30", "--set", "scenario.warmup_days=10", "-r", "2", "--executor", "serial",
         "-q", "--no-report"]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _errors(path: Path, *overrides: str) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, overrides)
    assert all(LINE.match(m) for m in err.value.messages), err.value.messages
    return err.value.messages


def _tiny_with(tmp_path: Path, old: str, new: str) -> Path:
    text = TINY.read_text(encoding="utf-8")
    assert old in text
    return _write(tmp_path, "bad.toml", text.replace(old, new, 1))


# ----------------------------------------------------------------------------------------- numbers are numbers
@pytest.mark.parametrize("old, new, key, says", [
    ("beds = 30", 'beds = "30"', "hospital.beds", "expected a whole number, got the text '30' (remove the quotes)"),
    ("seed = 7", "seed = true", "scenario.seed", "expected a whole number, got true"),
    ("replications = 4", "replications = 4.0", "scenario.replications", "expected a whole number, got 4.0"),
    ("horizon_days = 200", 'horizon_days = "200"', "scenario.horizon_days", "expected a number, got the text '200'"),
    ("readmission_30d = 0.2", "readmission_30d = false", "group.frail.readmission_30d", "expected a number, got false"),
    ("mean = 0.8,", 'mean = "0.8",', "intervention.follow_up.effects.readmission_rr.mean", "expected a number"),
    ("ci95 = [0.7, 0.9]", 'ci95 = [0.7, "0.9"]', "intervention.follow_up.effects.readmission_rr.ci95.1",
     "expected a number"),
    ("initial_occupancy = 0.5", 'initial_occupancy = "half"', "services.short_term.initial_occupancy",
     "expected a number, got the text 'half'"),
    ("ends_in_death = true", 'ends_in_death = "true"', "services.long_term.ends_in_death",
     "expected true or false, got the text 'true' (remove the quotes)"),
])
def test_numbers_must_be_numbers(tmp_path: Path, old: str, new: str, key: str, says: str) -> None:
    bad = _tiny_with(tmp_path, old, new)
    msgs = _errors(bad)
    assert len(msgs) == 1, msgs
    assert msgs[0].startswith(f"{bad}:{key}: {says}"), msgs


def test_an_effect_given_as_text_is_one_line(tmp_path: Path) -> None:
    bad = _tiny_with(tmp_path, 'readmission_rr = { dist = "lognormal_ci", mean = 0.8, ci95 = [0.7, 0.9] }',
                     'readmission_rr = "0.8"')
    assert _errors(bad) == [f"{bad}:intervention.follow_up.effects.readmission_rr: expected a number, got the text "
                            f"'0.8' (remove the quotes)"]


def test_whole_numbers_for_floats_lists_for_tuples_and_text_dates_still_load(tmp_path: Path) -> None:
    ls = load_scenario(TINY, ["scenario.horizon_days=30", "hospital.beds=300", "costs.kad_day_nok=2500"])
    s = ls.scenario
    assert s.scenario.horizon_days == 30.0 and isinstance(s.scenario.horizon_days, float)
    assert s.hospital.beds == 300  # type: ignore[union-attr]
    assert s.intervention[0].effects.readmission_rr.ci95 == (0.7, 0.9)  # type: ignore[union-attr]
    assert s.scenario.start_date.isoformat() == "2025-01-01"
    # the resolved scenario (dates as text, tuples as arrays) validates to the same scenario
    again = load_scenario(_write(tmp_path, "resolved.toml", resolved_toml(s)))
    assert again.sha256 == ls.sha256


def test_set_value_is_read_as_toml(tmp_path: Path) -> None:
    assert load_scenario(TINY, ["municipality.Nordby.kad_beds=5"]).scenario.municipality[0].kad_beds == 5
    assert _errors(TINY, 'municipality.Nordby.kad_beds="5"') == [
        "--set:municipality.Nordby.kad_beds: expected a whole number, got the text '5' (remove the quotes)"]


# ----------------------------------------------------------------------------------------- empty files
@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n# and another\n"])
def test_an_empty_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    empty = _write(tmp_path, "empty.toml", text)
    assert _errors(empty) == [f"{empty}: the file is empty"]
    assert main(["validate", str(empty)]) == 2
    assert capsys.readouterr().err == f"{empty}: the file is empty\n"


def test_an_empty_parent_is_named(tmp_path: Path) -> None:
    _write(tmp_path, "base.toml", "# nothing yet\n")
    child = _write(tmp_path, "child.toml", 'extends = "base.toml"\n[scenario]\nname = "Child"\n')
    assert _errors(child) == [f"{tmp_path / 'base.toml'}: the file is empty"]


# ----------------------------------------------------------------------------------------- did you mean
def test_unknown_keys_suggest_the_closest_allowed_key(tmp_path: Path) -> None:
    text = TINY.read_text(encoding="utf-8").replace("kad_beds = 2", "kad_bed = 2", 1)
    text = text.replace("beds = 30", "beds = 30\nbedz = 4", 1)
    text = text.replace('{ dist = "exponential", mean = 3.0 }', '{ dist = "exponential", mean = 3.0, maen = 3.0 }', 1)
    text = text.replace("cost_per_patient_nok = 1000", "cost_per_patient_nok = 1000\nevidense = 'base'")
    text = text.replace("[[group]]", "[[group]]\nreadmision_30d = 0.1", 1)
    bad = _write(tmp_path, "bad.toml", text)
    msgs = "\n".join(_errors(bad))
    assert f"{bad}:municipality.Nordby.kad_bed: unknown key (did you mean 'kad_beds'?)" in msgs
    assert f"{bad}:hospital.bedz: unknown key (did you mean 'beds'?)" in msgs
    assert f"{bad}:services.kad.stay_days.maen: unknown key (did you mean 'mean'?)" in msgs
    assert f"{bad}:intervention.follow_up.evidense: unknown key (did you mean 'evidence'?)" in msgs
    assert f"{bad}:group.frail.readmision_30d: unknown key (did you mean 'readmission_30d'?)" in msgs


def test_nothing_close_keeps_the_plain_message(tmp_path: Path) -> None:
    bad = _tiny_with(tmp_path, "beds = 30", "beds = 30\nzzzqqq = 1")
    assert _errors(bad) == [f"{bad}:hospital.zzzqqq: unknown key (check the spelling; see `hjemtilhjem schema`)"]


def test_unknown_names_in_set_paths_suggest_the_closest_name() -> None:
    assert _errors(TINY, "municipality.Nordbi.kad_beds=1") == [
        "--set:municipality: no entry named 'Nordbi' (did you mean 'Nordby'?)"]
    assert _errors(TINY, "municipality.Oslo.kad_beds=1") == [
        "--set:municipality: no entry named 'Oslo' (have Nordby, Sørby)"]
    assert _errors(TINY, "group.fragile.readmission_30d=0.1") == [
        "--set:group: no entry named 'fragile' (did you mean 'frail'?)"]
    assert _errors(TINY, "hospitl.beds=3") == ["--set:hospitl: unknown key (did you mean 'hospital'?)"]
    assert _errors(TINY, "services.kad.stay_days.sd=3") == [
        "--set:services.kad.stay_days.sd: unknown key (check the spelling; see `hjemtilhjem schema`)"]


def test_set_a_named_entry_the_scenario_lacks(tmp_path: Path) -> None:
    no_iv = _write(tmp_path, "no_iv.toml", TINY.read_text(encoding="utf-8").split("[[intervention]]")[0])
    assert _errors(no_iv, "intervention.follow_up.evidence=base") == [
        "--set:intervention: no entry named 'follow_up' (there are none)"]


def test_set_keys_no_file_gives_but_the_schema_allows_still_work() -> None:
    s = load_scenario(TINY, ["discharge.planning_delay_days=1.5", "triage.home_share=0.05",
                             "hospital.seasonality.jul=0.9", "sources.X=\"a source\""]).scenario
    assert s.discharge.planning_delay_days == 1.5 and s.triage.home_share == 0.05 and s.sources == {"X": "a source"}


# ----------------------------------------------------------------------------------------- validate: targets files
def test_validate_the_documented_glob_with_its_targets_file(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(glob.glob(str(ROOT / "scenarios/vestfold/*.toml")))
    assert any(f.endswith("targets.toml") for f in files)
    assert main(["validate", *files]) == 0
    out = capsys.readouterr().out
    assert re.search(r"targets\.toml: ok \(targets: \d+ targets\)", out), out
    assert out.count(": ok (") == len(files)


def test_validate_reports_a_bad_targets_file_as_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path, "targets.toml", """
[[target]]
indicator = "delayed_days_per_1000"
range = [5.0, "13"]
sorce = "x"
source = "y"
year = "2022"
tolerance = "0.1"
""")
    assert main(["validate", str(bad)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert f"{bad}:target.delayed_days_per_1000.range.1: expected a number, got the text '13' (remove the quotes)" \
        in lines
    assert f"{bad}:target.delayed_days_per_1000.sorce: unknown key (did you mean 'source'?)" in lines
    assert f"{bad}:target.delayed_days_per_1000.tolerance: expected a number, got the text '0.1' (remove the quotes)" \
        in lines
    assert len(lines) == 3 and not any("required key is missing" in x for x in lines)


# ----------------------------------------------------------------------------------------- compare --set
def _pair(tmp_path: Path) -> tuple[Path, Path]:
    """Tiny, and a child with an intervention (and evidence variants) that Tiny lacks."""
    child = _write(tmp_path, "safe_discharge.toml", f"""
extends = "{TINY.as_posix()}"
[scenario]
name = "Tiny safe"
[[intervention]]
name = "safe"
targets = {{ groups = ["frail"] }}
effects = {{ readmission_rr = 0.8 }}
[intervention.variants]
pessimistic = {{ readmission_rr = 1.0 }}
""")
    return TINY, child


def test_split_target() -> None:
    assert split_target("hospital.beds=3") == (None, "hospital.beds=3")
    assert split_target("Tiny safe:hospital.beds=3") == ("Tiny safe", "hospital.beds=3")
    assert split_target("Pakke: KAD:hospital.beds=3") == ("Pakke: KAD", "hospital.beds=3")
    assert split_target('scenario.description="a:b"') == (None, 'scenario.description="a:b"')


def test_resolve_overrides_per_scenario(tmp_path: Path) -> None:
    base, child = _pair(tmp_path)
    per, notes, errors = resolve_overrides([base, child], [
        "intervention.safe.evidence=pessimistic",    # only the child has it
        "hospital.beds=40",                          # both
        "triage.home_share=0.01",                    # neither file gives it; the schema allows it: both
        "safe_discharge:scenario.seed=3",            # by file stem
        "Tiny:municipality.Nordby.kad_beds=3",       # by [scenario] name
    ])
    assert errors == []
    assert per == [["hospital.beds=40", "triage.home_share=0.01", "municipality.Nordby.kad_beds=3"],
                   ["intervention.safe.evidence=pessimistic", "hospital.beds=40", "triage.home_share=0.01",
                    "scenario.seed=3"]]
    assert notes == ["hjemtilhjem: --set intervention.safe.evidence=pessimistic applies only to Tiny safe "
                     "(not a key of Tiny)"]


@pytest.mark.parametrize("setting, line", [
    ("intervention.saf.evidence=pessimistic",
     "--set:intervention: no entry named 'saf' in any of the scenarios (did you mean 'safe'?)"),
    ("intervention.safe.evidense=pessimistic",
     "--set:intervention.safe.evidense: unknown key (did you mean 'evidence'?)"),
    ("hospital.bedz=3", "--set:hospital.bedz: unknown key (did you mean 'beds'?)"),
    ("municipality.Nordbi.kad_beds=3",
     "--set:municipality: no entry named 'Nordbi' in any of the scenarios (did you mean 'Nordby'?)"),
    ("Tiny saf:scenario.seed=3",
     "--set:Tiny saf: no scenario named 'Tiny saf' in this comparison (did you mean 'Tiny safe'"),
    ("safe_dischrge:scenario.seed=3",
     "--set:safe_dischrge: no scenario named 'safe_dischrge' in this comparison (did you mean 'safe_discharge'?)"),
    ("Tiny:intervention.safe.evidence=pessimistic", "--set:intervention: no entry named 'safe' (have follow_up)"),
    ("nokey", "--set:nokey: expected key.path=value"),
])
def test_cli_compare_bad_set_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], setting: str,
                                         line: str) -> None:
    base, child = _pair(tmp_path)
    out = tmp_path / "results"
    assert main(["compare", str(base), str(child), "--set", setting, "--out", str(out), *SHORT]) == 2
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(line), err
    assert "Traceback" not in err and not (out.exists() and any(out.iterdir()))


def test_cli_compare_set_on_some_scenarios_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base, child = _pair(tmp_path)
    out = tmp_path / "results"
    rc = main(["compare", str(base), str(child), "--set", "intervention.safe.evidence=pessimistic",
               "--set", "Tiny:hospital.beds=27", "--out", str(out), *SHORT])
    err = capsys.readouterr().err
    assert rc == 0, err
    notes = [x for x in err.splitlines() if "--set" in x and "applies only" in x]
    assert notes == ["hjemtilhjem: --set intervention.safe.evidence=pessimistic applies only to Tiny safe "
                     "(not a key of Tiny)"]
    folder = next(out.iterdir())
    doc = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
    manifest = doc["manifest"]
    assert manifest["overrides_all_scenarios"] == ["scenario.horizon_days=30", "scenario.warmup_days=10"]
    assert "hospital.beds=27" in manifest["overrides_by_scenario"]["Tiny"]
    assert "hospital.beds=27" not in manifest["overrides_by_scenario"]["Tiny safe"]
    assert "intervention.safe.evidence=pessimistic" in manifest["overrides_by_scenario"]["Tiny safe"]
    resolved = {name: (folder / sub / "scenario.resolved.toml").read_text(encoding="utf-8")
                for name, sub in doc["folders"].items()}
    assert 'evidence = "pessimistic"' in resolved["Tiny safe"] and "pessimistic" not in resolved["Tiny"]
    assert "\nbeds = 27\n" in resolved["Tiny"] and "\nbeds = 27\n" not in resolved["Tiny safe"]


def test_compare_help_documents_named_set(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "[NAME:]KEY.PATH=VALUE" in out and "file stem" in out
