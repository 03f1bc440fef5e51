"""Parameter uncertainty: point values when off; per-replication draws centred on the point when on."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import hjemtilhjem as h
from hjemtilhjem.cli import main
from hjemtilhjem.model.effects import draw_parameters as _draw_parameters

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny_exp.toml"
ON = ["intervention.follow_up.enabled=true"]
KEY = "follow_up.readmission_rr"


def test_draws_off_are_the_point_value():
    s = h.load_scenario(TINY, ON).scenario
    vals = [_draw_parameters(s, 11, r, False)[KEY] for r in range(50)]
    assert vals == [0.8] * 50


def test_draws_on_vary_around_the_point_value():
    """readmission_rr ~ lognormal with median 0.8 and 95% CI [0.6, 1.05]: the log draws have mean
    log(0.8) and sd (log 1.05 - log 0.6) / 3.92."""
    s = h.load_scenario(TINY, ON).scenario
    logs = np.log([_draw_parameters(s, 11, r, True)[KEY] for r in range(400)])
    sigma = (math.log(1.05) - math.log(0.6)) / 3.92
    assert logs.std(ddof=1) > 0
    assert abs(logs.mean() - math.log(0.8)) < 3 * sigma / math.sqrt(400)
    assert 0.8 * sigma < logs.std(ddof=1) < 1.2 * sigma
    # a draw depends on seed and replication only: the same in every scenario (CRN)
    other = h.load_scenario(TINY, [*ON, "hospital.beds=20"]).scenario
    assert _draw_parameters(other, 11, 7, True) == _draw_parameters(s, 11, 7, True)


def test_run_compare_sweep_honour_the_switch(tmp_path):
    sc = h.load_scenario(TINY, ON)
    off = h.run(sc, replications=3, executor="serial", parameter_uncertainty=False)
    on = h.run(sc, replications=3, executor="serial", parameter_uncertainty=True)
    assert [o.parameters[KEY] for o in off.outputs] == [0.8] * 3
    assert len({o.parameters[KEY] for o in on.outputs}) == 3
    assert off.summary()["manifest"]["parameter_uncertainty"] is False
    assert off.summary()["parameters"][KEY]["mean"] == pytest.approx(0.8)

    c = h.compare(TINY, sc, replications=2, executor="serial", parameter_uncertainty=False)
    assert [o.parameters[KEY] for o in c.results[1].outputs] == [0.8, 0.8]
    assert c.document()["manifest"]["parameter_uncertainty"] is False

    sw = h.sweep(TINY, {"hospital.beds": [10, 12]}, overrides=ON, replications=2, executor="serial",
                 parameter_uncertainty=False, out=tmp_path)
    assert all(o.parameters[KEY] == 0.8 for p in sw.points for o in p.outputs)
    assert sw.document()["manifest"]["parameter_uncertainty"] is False


def test_cli_run_switch_recorded(tmp_path):
    rc = main(["run", str(TINY), "-r", "2", "--out", str(tmp_path), "-q", "--executor", "serial", "--no-report",
               "--set", ON[0], "--no-parameter-uncertainty"])
    assert rc == 0
    summary = json.loads(next(tmp_path.iterdir()).joinpath("summary.json").read_text(encoding="utf-8"))
    assert summary["manifest"]["parameter_uncertainty"] is False
    assert summary["parameters"][KEY]["mean"] == pytest.approx(0.8)
    assert summary["parameters"][KEY]["sd"] == pytest.approx(0.0, abs=1e-12)
