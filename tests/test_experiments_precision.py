"""Precision-driven replications: add batches until the relative CI half-width is met, or the cap."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import hjemtilhjem as h
from hjemtilhjem.cli import main
from hjemtilhjem.experiment.precision import PrecisionRule, relative_halfwidth, run_until_precise

TINY = Path(__file__).parent / "data" / "tiny_exp.toml"


def _driver(mean: float, sd: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    draws = rng.normal(mean, sd, 1000)
    got: list[float] = []
    calls: list[range] = []

    def batch(reps: range) -> None:
        calls.append(reps)
        got.extend(draws[reps.start:reps.stop])

    def values():
        return [{"x": np.array(got)}]

    return batch, values, calls


def test_relative_halfwidth():
    assert relative_halfwidth([1.0]) == math.inf
    assert relative_halfwidth([0.0, 0.0, 0.0]) == 0.0
    assert relative_halfwidth([-1.0, 1.0]) == math.inf
    x = np.array([9.0, 10.0, 11.0])
    assert relative_halfwidth(x) == pytest.approx(4.302652729911275 * 1.0 / math.sqrt(3) / 10.0)


def test_stops_when_target_met():
    batch, values, calls = _driver(10.0, 1.0)
    out = run_until_precise(batch, values, 5, PrecisionRule(0.05, ("x",), 200))
    assert out["met"] is True
    n = out["replications"]
    assert relative_halfwidth(values()[0]["x"]) <= 0.05
    # about (1.96 * 0.1 / 0.05)**2 = 15 are needed (fewer when the sample sd comes out low)
    assert 6 <= n <= 40
    assert sum(out["batches"]) == n and out["batches"][0] == 5
    assert all(b <= a for a, b in zip([5, *np.cumsum(out["batches"])], out["batches"][1:], strict=False))
    # replications are contiguous and run once each
    assert [r.start for r in calls] == [0, *np.cumsum(out["batches"])[:-1].tolist()]
    # not met at the previous stop
    prev = n - out["batches"][-1]
    assert relative_halfwidth(values()[0]["x"][:prev]) > 0.05


def test_cap_reached_and_reported():
    batch, values, _ = _driver(10.0, 5.0)
    out = run_until_precise(batch, values, 3, PrecisionRule(0.001, ("x",), 20))
    assert out["met"] is False and out["replications"] == 20
    assert out["achieved_relative_halfwidth"]["0"]["x"] > 0.001
    assert out["max_replications"] == 20 and out["indicators"] == ["x"]


def test_rule_validation():
    with pytest.raises(ValueError):
        PrecisionRule(0.0)
    with pytest.raises(ValueError):
        PrecisionRule(0.05, ())


def test_cli_run_target_precision_records_outcome(tmp_path):
    rc = main(["run", str(TINY), "-r", "3", "--out", str(tmp_path), "-q", "--executor", "serial", "--no-report",
               "--target-precision", "0.1", "--precision-indicators", "readmission_30d,bed_occupancy",
               "--max-replications", "40"])
    assert rc == 0
    summary = json.loads(next(tmp_path.iterdir()).joinpath("summary.json").read_text(encoding="utf-8"))
    p = summary["manifest"]["precision"]
    assert p["indicators"] == ["readmission_30d", "bed_occupancy"] and p["target_relative_halfwidth"] == 0.1
    assert summary["manifest"]["replications"] == p["replications"] <= 40
    rel = {k: (v["ci95"][1] - v["ci95"][0]) / 2 / abs(v["mean"]) for k, v in summary["indicators"].items()
           if k in p["indicators"]}
    assert p["met"] == all(x <= 0.1 for x in rel.values())
    if p["met"]:
        assert max(rel.values()) == pytest.approx(max(p["achieved_relative_halfwidth"]["Tiny test"].values()),
                                                  abs=1e-6)


def test_cli_unknown_precision_indicator_exit_2(tmp_path, capsys):
    rc = main(["run", str(TINY), "--out", str(tmp_path), "--target-precision", "0.05",
               "--precision-indicators", "delayed_dayz"])
    assert rc == 2
    assert "delayed_dayz" in capsys.readouterr().err


def test_compare_with_precision_rule():
    rule = PrecisionRule(0.2, ("readmission_30d",), max_replications=12)
    c = h.compare(TINY, TINY, replications=3, executor="serial", precision=rule)
    n = c.precision["replications"]
    assert all(len(r.outputs) == n for r in c.results)
    assert [o.replication for o in c.results[1].outputs] == list(range(n))
    assert c.document()["manifest"]["precision"]["met"] == c.precision["met"]


def test_cli_compare_target_precision(tmp_path):
    more = Path(__file__).parent / "data" / "tiny_more_short_term.toml"
    rc = main(["compare", str(TINY), str(more), "-r", "3", "--out", str(tmp_path), "-q", "--executor", "serial",
               "--target-precision", "0.2", "--precision-indicators", "readmission_30d", "--max-replications", "8"])
    assert rc == 0
    doc = json.loads(next(tmp_path.iterdir()).joinpath("comparison.json").read_text(encoding="utf-8"))
    p = doc["manifest"]["precision"]
    assert set(p["achieved_relative_halfwidth"]) == set(doc["scenarios"])
    assert doc["manifest"]["replications"] == p["replications"] <= 8
    assert all(d["n"] == p["replications"] for d in doc["differences"][doc["scenarios"][1]].values()
               if d["n"])
