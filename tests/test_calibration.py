"""Calibration: the targets schema, the pass/fail rule, fitting, the CLI, and the calibrated Vestfold baseline."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from hjemtilhjem.cli import main as cli_main
from hjemtilhjem.experiment.calibrate import (
    FitResult,
    Target,
    TargetSet,
    evaluate,
    fit,
    load_targets,
    parameter_value,
    write_fitted,
)
from hjemtilhjem.experiment.results import run
from hjemtilhjem.scenario.loader import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
VESTFOLD = ROOT / "scenarios" / "vestfold"
BASELINE = VESTFOLD / "baseline.toml"
SHORT = ["scenario.horizon_days=60", "scenario.warmup_days=30"]


def _target(**kw):
    base = {"indicator": "hospital_bed_days", "source": "test", "year": "2022"}
    return Target.model_validate({**base, **kw})


class _Values:
    """Per-replication values of indicators, the only thing ``evaluate`` reads from results."""

    def __init__(self, **values):
        self._v = {k: np.asarray(v, dtype=float) for k, v in values.items()}

    def values(self, key):
        return self._v[key]


# ----------------------------------------------------------------------------------------- schema
def test_interval_relative_absolute_and_range():
    assert _target(observed=100.0).interval() == pytest.approx((90.0, 110.0))  # default 10 % relative
    assert _target(observed=100.0, tolerance=0.05).interval() == pytest.approx((95.0, 105.0))
    assert _target(observed=0.167, tolerance=0.02, tolerance_kind="absolute").interval() == pytest.approx(
        (0.147, 0.187))
    assert _target(range=(5.0, 13.0)).interval() == (5.0, 13.0)
    assert _target(range=(3.4, 3.5), tolerance=0.5, tolerance_kind="absolute").interval() == pytest.approx(
        (2.9, 4.0))


def test_target_needs_exactly_one_of_observed_and_range():
    with pytest.raises(ValueError, match="exactly one"):
        _target()
    with pytest.raises(ValueError, match="exactly one"):
        _target(observed=1.0, range=(0.0, 2.0))
    with pytest.raises(ValueError, match="unknown indicator"):
        _target(indicator="bed_dayz", observed=1.0)


def test_met_and_relative_error():
    ts = TargetSet(target=[_target(observed=100.0), _target(name="range", indicator="los_mean", range=(5.0, 13.0)),
                           _target(name="info", indicator="mortality_30d", observed=0.044, required=False)])
    rows = evaluate(_Values(hospital_bed_days=[104, 106], los_mean=[14, 14], mortality_30d=[0.01, 0.01]), ts)
    assert rows[0].mean == pytest.approx(105.0) and rows[0].met and rows[0].relative_error == pytest.approx(0.05)
    assert rows[0].ci95[0] < 105.0 < rows[0].ci95[1]
    assert not rows[1].met and rows[1].relative_error == pytest.approx(1 / 13)  # against the nearest bound
    assert not rows[2].met and rows[2].passed  # not required: shown, never fails


def test_targets_file_errors_name_file_and_key(tmp_path):
    bad = tmp_path / "targets.toml"
    bad.write_text('[[target]]\nindicator = "hospital_bed_days"\nobserved = 1\nsourse = "x"\nyear = "2022"\n')
    with pytest.raises(ScenarioError) as exc:
        load_targets(bad)
    text = "\n".join(exc.value.messages)
    assert f"{bad}:target.hospital_bed_days.sourse: unknown key" in text
    assert f"{bad}:target.hospital_bed_days.source: required key is missing" in text
    with pytest.raises(ScenarioError, match="not found"):
        load_targets(tmp_path / "missing.toml")


def test_shipped_targets_files_load():
    files = sorted((ROOT / "scenarios").glob("**/targets*.toml"))
    assert files
    for f in files:
        ts = load_targets(f)
        assert all(t.source and t.year for t in ts.target)


# ----------------------------------------------------------------------------------------- fitting
def test_write_fitted_extends_input_and_sets_only_fitted_keys(tmp_path):
    src = tmp_path / "base.toml"
    src.write_text(BASELINE.read_text(encoding="utf-8").replace('extends', '#'), encoding="utf-8")
    loaded = load_scenario(src)
    fr = FitResult(parameters={"services.short_term.other_requests_per_1000_80plus_year": 123.5,
                               "municipality.Larvik.short_term_beds": 61.0},
                   start={"services.short_term.other_requests_per_1000_80plus_year": 100.0,
                          "municipality.Larvik.short_term_beds": 58.0},
                   objective=0.5, evaluations=3, history=[])
    out = write_fitted(loaded, fr)
    assert out == tmp_path / "base.fitted.toml"
    doc = tomllib.loads(out.read_text(encoding="utf-8"))
    assert doc["extends"] == "base.toml"
    assert doc["services"] == {"short_term": {"other_requests_per_1000_80plus_year": 123.5}}
    assert doc["municipality"] == [{"name": "Larvik", "short_term_beds": 61}]
    fitted = load_scenario(out).scenario
    assert fitted.services.short_term.other_requests_per_1000_80plus_year == 123.5
    assert {m.name: m.short_term_beds for m in fitted.municipality}["Larvik"] == 61
    assert fitted.municipality[0] == loaded.scenario.municipality[0]  # the rest is inherited
    with pytest.raises(ScenarioError, match="refusing to overwrite"):
        write_fitted(loaded, fr, out=src)


def test_parameter_value_rejects_unknown_or_non_numeric_keys():
    loaded = load_scenario(BASELINE)
    assert parameter_value(loaded, "municipality.Larvik.kad_beds") == 6
    with pytest.raises(ScenarioError, match="cannot fit"):
        parameter_value(loaded, "services.short_term.no_such_key")
    with pytest.raises(ScenarioError, match="cannot fit"):
        parameter_value(loaded, "scenario.name")


def test_fit_moves_a_parameter_towards_its_target():
    """KAD admissions per 1000 grow with the KAD share; start far too low, the fit must raise the share."""
    loaded = load_scenario(BASELINE, [*SHORT, "triage.kad_share=0.02"])
    ts = TargetSet(target=[_target(indicator="kad_admissions_per_1000", observed=6.2, tolerance=0.1)])
    res = fit(loaded, ts, ["triage.kad_share"], replications=1, executor="serial", max_evaluations=8)
    assert res.start["triage.kad_share"] == pytest.approx(0.02)
    assert res.parameters["triage.kad_share"] > 0.02
    assert res.objective < res.history[0][1]


# ----------------------------------------------------------------------------------------- CLI
def test_cli_bad_targets_exit_2(tmp_path, capsys):
    assert cli_main(["calibrate", str(BASELINE), "--targets", str(tmp_path / "nope.toml")]) == 2
    assert "targets file not found" in capsys.readouterr().err
    assert cli_main(["calibrate", str(BASELINE), "--fit", "", "-q"]) == 2


def test_cli_missed_target_exit_1(tmp_path, capsys):
    t = tmp_path / "targets.toml"
    t.write_text('[[target]]\nindicator = "kad_los_mean"\nobserved = 30.0\ntolerance = 0.1\n'
                 'source = "impossible"\nyear = "2022"\n', encoding="utf-8")
    rc = cli_main(["calibrate", str(BASELINE), "--targets", str(t), "-r", "2", "--executor", "serial", "-q",
                   *(x for s in SHORT for x in ("--set", s))])
    out = capsys.readouterr().out
    assert rc == 1
    assert "MISSED" in out and "kad_los_mean" in out


@pytest.mark.slow
def test_vestfold_baseline_meets_every_target(tmp_path, capsys):
    """The committed calibration: `hjemtilhjem calibrate scenarios/vestfold/baseline.toml` passes."""
    out_json = tmp_path / "cal.json"
    rc = cli_main(["calibrate", str(BASELINE), "-r", "8", "-q", "--json", str(out_json)])
    text = capsys.readouterr().out
    assert rc == 0, text
    import tomllib

    targets = tomllib.loads((BASELINE.parent / "targets.toml").read_text(encoding="utf-8"))["target"]
    assert f"all {sum(t.get('required', True) for t in targets)} required targets met" in text


@pytest.mark.slow
def test_vestfold_long_term_occupancy_does_not_drift():
    """Long-term places stay (nearly) full through the measured year: no downward drift."""
    res = run(BASELINE, replications=3, jobs=2)
    s = res.scenario.scenario
    occ = np.mean([o.daily["long_term_occupancy"] for o in res.outputs], axis=0)
    w0 = int(s.warmup_days)
    first, last = occ[w0:w0 + 60].mean(), occ[-60:].mean()
    cap = sum(m.long_term_beds for m in res.scenario.municipality)
    assert first > 0.93 * cap and last > 0.93 * cap
    assert abs(last - first) / cap < 0.04
