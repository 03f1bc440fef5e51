"""``remove = { ... }`` in a scenario that ``extends`` another takes inherited entries out (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hjemtilhjem.cli import main
from hjemtilhjem.scenario.loader import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
VESTRE_VIKEN = ROOT / "scenarios" / "vestre_viken" / "baseline.toml"
PAKKE = ROOT / "scenarios" / "vestfold" / "samlet_pakke.toml"
VESTFOLD = ROOT / "scenarios" / "vestfold" / "baseline.toml"


def _variant(tmp_path: Path, base: Path, body: str) -> Path:
    path = tmp_path / "variant.toml"
    path.write_text(f'extends = "{base.as_posix()}"\n{body}', encoding="utf-8")
    return path


def _errors(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return err.value.messages


def test_remove_a_municipality_leaves_catchments_and_pools(tmp_path: Path) -> None:
    s = load_scenario(_variant(tmp_path, VESTRE_VIKEN, 'remove = { municipality = ["Jevnaker"] }\n')).scenario
    names = [m.name for m in s.municipality]
    assert "Jevnaker" not in names and len(names) == 21
    assert all("Jevnaker" not in h.catchment for h in s.hospitals)
    ringerike = next(h for h in s.hospitals if h.name == "Ringerike sykehus")
    assert "Ringerike" in ringerike.catchment


def test_remove_an_intervention_and_a_municipality_with_its_pool_member(tmp_path: Path) -> None:
    s = load_scenario(_variant(tmp_path, PAKKE, 'remove = { intervention = ["vitality"] }\n')).scenario
    assert "vitality" not in [iv.name for iv in s.intervention] and len(s.intervention) == 3
    body = ('remove = { municipality = ["Holmestrand"], hospital = ["Drammen sykehus (Vestre Viken)"] }\n'
            '[scenario]\nname = "uten Holmestrand"\n')
    s = load_scenario(_variant(tmp_path, VESTFOLD, body)).scenario
    assert [p.members for p in s.pool] == [["Tønsberg", "Færder"]]
    assert [h.name for h in s.hospitals] == ["Sykehuset i Vestfold"]
    assert "Holmestrand" not in s.hospitals[0].catchment


def test_the_variant_may_add_back_what_it_removed(tmp_path: Path) -> None:
    body = ('remove = { group = ["other"] }\n[[group]]\nname = "other"\nshare = { "0-66" = 0.5 }\n'
            'admissions_per_1000_year = 40\nlos_days = { dist = "fixed", value = 3 }\ndischarge_to = { home = 1.0 }\n'
            'readmission_30d = 0.05\n')
    s = load_scenario(_variant(tmp_path, VESTRE_VIKEN, body)).scenario
    other = next(g for g in s.group if g.name == "other")
    assert other.share == {"0-66": 0.5}  # replaced, not merged with the inherited one


@pytest.mark.parametrize(("body", "says"), [
    ('remove = { municipality = ["Jevnakker"] }\n',
     "remove.municipality: the base scenario has no municipality 'Jevnakker' (did you mean 'Jevnaker'?)"),
    ('remove = { municipalities = ["Jevnaker"] }\n', "remove.municipalities: cannot remove 'municipalities' "
                                                     "(did you mean 'municipality'?)"),
    ('remove = { pool = ["KAD"] }\n', "remove.pool: the base scenario has no pool 'KAD'"),
    ('remove = { municipality = "Jevnaker" }\n', "remove.municipality: must be a list of names"),
    ('remove = { municipality = ["Bærum", "Asker"] }\n',
     "hospital 'Bærum sykehus' serves only removed municipalities (Asker, Bærum); remove it too: "
     "remove.hospital = [\"Bærum sykehus\"]"),
])
def test_bad_removals_are_one_line_each(tmp_path: Path, body: str, says: str) -> None:
    path = _variant(tmp_path, VESTRE_VIKEN, body)
    errors = _errors(path)
    assert len(errors) == 1 and errors[0].startswith(f"{path}:") and says in errors[0], errors


def test_removing_what_an_intervention_targets_is_reported(tmp_path: Path) -> None:
    base = tmp_path / "base.toml"
    base.write_text(f'extends = "{PAKKE.as_posix()}"\n[[intervention]]\nname = "vitality"\n'
                    'targets = { groups = ["frail_elderly"], municipalities = ["Larvik"] }\n', encoding="utf-8")
    errors = _errors(_variant(tmp_path, base, 'remove = { municipality = ["Larvik"] }\n'))
    assert any("intervention 'vitality' targets only removed municipalities (Larvik)" in e for e in errors), errors


def test_remove_without_extends_is_an_error(tmp_path: Path, capsys) -> None:
    path = tmp_path / "alone.toml"
    path.write_text('remove = { municipality = ["Larvik"] }\n' + VESTRE_VIKEN.read_text(encoding="utf-8"),
                    encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.strip() == f"{path}:remove: removes inherited entries, so it needs extends = \"...\""


def test_an_unnamed_hospital_table_changes_the_only_hospital_or_is_an_error(tmp_path: Path) -> None:
    assert main(["init", "--municipalities", "Larvik", str(tmp_path / "larvik")]) == 0
    s = load_scenario(_variant(tmp_path, tmp_path / "larvik" / "baseline.toml", "[hospital]\nbeds = 123\n")).scenario
    assert [(h.name, h.beds, h.catchment) for h in s.hospitals] == [("Sykehuset i Vestfold HF", 123, {"Larvik": 1.0})]
    path = _variant(tmp_path, VESTRE_VIKEN, "[hospital]\nbeds = 10\n")
    (line,) = _errors(path)
    assert line.startswith(f"{path}:hospital: the base scenario has 5 hospitals ('Bærum sykehus', ") \
        and line.endswith('write [[hospital]] with its name, e.g. name = "Bærum sykehus"')
