"""Scenario files: validation of good and bad files, extends/merge rules, --set overrides."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hjemtilhjem.cli import main
from hjemtilhjem.scenario.loader import ScenarioError, load_scenario

from .conftest import DATA, ROOT

LINE = re.compile(r"^[^:\n]+:[^:\n]+: .+$")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_shipped_baseline_validates() -> None:
    ls = load_scenario(ROOT / "scenarios/vestfold/baseline.toml")
    assert [m.name for m in ls.scenario.municipality] == ["Horten", "Holmestrand", "Tønsberg", "Sandefjord",
                                                           "Larvik", "Færder"]
    assert len(ls.sha256) == 64
    # the hash is of the resolved content, not of comments or formatting
    assert load_scenario(ROOT / "scenarios/vestfold/baseline.toml").sha256 == ls.sha256


def test_every_error_is_reported_at_once_with_file_and_key(tmp_path: Path) -> None:
    text = (DATA / "tiny.toml").read_text(encoding="utf-8")
    text = text.replace("beds = 30", "beds = -3\nbedz = 4")  # bad value and unknown key
    text = text.replace("readmission_30d = 0.2", "readmission_30d = 1.7")
    text = text.replace('los_days = { dist = "gamma", mean = 3.5, sd = 3.0 }', 'los_days = { dist = "weibull" }')
    bad = _write(tmp_path, "bad.toml", text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    msgs = err.value.messages
    joined = "\n".join(msgs)
    assert all(LINE.match(m) for m in msgs), msgs
    assert f"{bad}:hospital.beds: " in joined
    assert f"{bad}:hospital.bedz: unknown key" in joined
    assert f"{bad}:group.frail.readmission_30d: " in joined
    assert f"{bad}:group.other.los_days: unknown dist 'weibull'" in joined
    assert len(msgs) >= 4


def test_cross_field_errors_name_the_key(tmp_path: Path) -> None:
    text = (DATA / "tiny.toml").read_text(encoding="utf-8")
    text = text.replace('targets = { groups = ["frail"] }', 'targets = { groups = ["fragile"] }')
    text = text.replace("discharge_to = { home = 0.85, home_care = 0.1, short_term = 0.05 }",
                        "discharge_to = { home = 0.85, home_care = 0.1 }")
    bad = _write(tmp_path, "bad.toml", text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    joined = "\n".join(err.value.messages)
    assert f"{bad}:group.other.discharge_to: shares must sum to 1" in joined


def test_unknown_group_in_targets(tmp_path: Path) -> None:
    text = (DATA / "tiny.toml").read_text(encoding="utf-8").replace('groups = ["frail"]', 'groups = ["fragile"]')
    bad = _write(tmp_path, "bad.toml", text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    assert any("intervention.follow_up.targets.groups: unknown group 'fragile'" in m for m in err.value.messages)


def test_extends_merges_tables_by_key_and_named_arrays_by_name(tmp_path: Path) -> None:
    child = _write(tmp_path, "child.toml", f"""
extends = "{(DATA / 'tiny.toml').as_posix()}"
[scenario]
name = "Child"
[[municipality]]
name = "Nordby"
short_term_beds = 20
[[intervention]]
name = "more_beds"
effects = {{ capacity_delta = {{ short_term_beds = 3 }} }}
""")
    s = load_scenario(child).scenario
    assert s.name == "Child"
    assert s.scenario.seed == 7  # inherited
    nordby = s.municipality[0]
    assert nordby.short_term_beds == 20 and nordby.long_term_beds == 40  # merged key by key
    assert [iv.name for iv in s.intervention] == ["follow_up", "more_beds"]  # appended


def test_errors_name_the_file_that_set_the_key(tmp_path: Path) -> None:
    child = _write(tmp_path, "child.toml", f"""
extends = "{(DATA / 'tiny.toml').as_posix()}"
[hospital]
beds = 0
""")
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert err.value.messages[0].startswith(f"{child}:hospital.beds: ")


def test_missing_extends_and_syntax_errors(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.toml", 'extends = "nowhere.toml"\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(a)
    assert "nowhere.toml: file not found" in err.value.messages[0]
    b = _write(tmp_path, "b.toml", "[scenario\nname = 1\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(b)
    assert err.value.messages[0].startswith(f"{b}: TOML syntax error")


def test_set_overrides_are_validated_like_the_file(tiny_path: Path) -> None:
    s = load_scenario(tiny_path, ["municipality.Sørby.kad_beds=4", "scenario.seed=11"]).scenario
    assert s.municipality[1].kad_beds == 4 and s.scenario.seed == 11
    with pytest.raises(ScenarioError) as err:
        load_scenario(tiny_path, ["hospital.bedz=3"])
    assert err.value.messages == ["--set:hospital.bedz: unknown key (did you mean 'beds'?)"]
    with pytest.raises(ScenarioError) as err:
        load_scenario(tiny_path, ["hospital.xyzzy=3"])
    assert err.value.messages == ["--set:hospital.xyzzy: unknown key (check the spelling; see `hjemtilhjem schema`)"]
    with pytest.raises(ScenarioError) as err:
        load_scenario(tiny_path, ["municipality.Oslo.kad_beds=3"])
    assert "no entry named 'Oslo'" in err.value.messages[0]


def test_cli_validate_exit_codes(tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tiny_path)]) == 0
    bad = _write(tmp_path, "bad.toml", (DATA / "tiny.toml").read_text(encoding="utf-8").replace("seed = 7",
                                                                                                  "seed = 'x'"))
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:scenario.seed: " in err and "Traceback" not in err
    assert main(["run", str(bad), "--out", str(tmp_path / "res")]) == 2
    assert not (tmp_path / "res").exists()


def test_schema_command_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "hjemtilhjem scenario"
    assert "municipality" in schema["properties"] and schema.get("additionalProperties") is False
