"""MSER-5 warm-up diagnostic: synthetic series with a known transient, and the run's warning."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import hjemtilhjem as h
from hjemtilhjem.cli import main
from hjemtilhjem.experiment.warmup import mser, mser5, warmup_diagnostic

TINY = Path(__file__).parent / "data" / "tiny_exp.toml"


def test_mser5_finds_known_transient():
    """An exponential approach to 100 with time constant 10 days: the bias is below the noise
    (sd 2) after about 4 time constants, so the cut lies between 1.5 and 8 time constants."""
    rng = np.random.default_rng(1)
    t = np.arange(400)
    y = 100 * (1 - np.exp(-t / 10)) + rng.normal(0, 2, len(t))
    cut = mser5(y)
    assert cut % 5 == 0
    assert 15 <= cut <= 80


def test_mser5_longer_transient_longer_cut():
    rng = np.random.default_rng(2)
    t = np.arange(600)
    noise = rng.normal(0, 2, len(t))
    short = mser5(100 * (1 - np.exp(-t / 5)) + noise)
    long = mser5(100 * (1 - np.exp(-t / 30)) + noise)
    assert long > short


def test_mser5_stationary_series_cuts_little():
    rng = np.random.default_rng(3)
    y = 50 + rng.normal(0, 3, 500)
    assert mser5(y) <= 50


def test_mser_statistic_by_hand():
    y = np.array([0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 9, 9, 9, 9, 9], dtype=float)
    cut, stat = mser(y)
    z = np.array([0, 10, 11, 9.0])
    want = [((z[d:] - z[d:].mean()) ** 2).sum() / (4 - d) ** 2 for d in range(3)]
    assert np.allclose(stat, want)
    assert cut == 5


def test_diagnostic_flags_short_warmup():
    rng = np.random.default_rng(4)
    t = np.arange(300)
    reps = [200 * (1 - np.exp(-t / 12)) + rng.normal(0, 5, len(t)) for _ in range(5)]
    bad = warmup_diagnostic(reps, warmup_days=5)
    good = warmup_diagnostic(reps, warmup_days=120)
    assert bad is not None and good is not None
    assert bad["suggested_days"] == good["suggested_days"] > 5
    assert bad["ok"] is False and good["ok"] is True
    assert warmup_diagnostic([], 10) is None


def test_run_records_diagnostic_and_warns(tmp_path, capsys):
    rc = main(["run", str(TINY), "-r", "3", "--out", str(tmp_path), "-q", "--executor", "serial", "--no-report",
               "--set", "scenario.warmup_days=0"])
    err = capsys.readouterr().err
    assert rc == 0
    summary = json.loads(next(tmp_path.iterdir()).joinpath("summary.json").read_text(encoding="utf-8"))
    diag = summary["manifest"]["warmup_diagnostic"]
    assert diag["scenario_days"] == 0 and diag["suggested_days"] > 0 and diag["ok"] is False
    assert "warm-up of 0 days is shorter than" in err and "MSER-5" in err


def test_run_results_expose_diagnostic():
    res = h.run(TINY, replications=3, executor="serial")
    diag = res.summary()["manifest"]["warmup_diagnostic"]
    assert set(diag) == {"method", "series", "suggested_days", "scenario_days", "ok", "determined", "by_series"}
    assert diag["ok"] == (30 >= diag["suggested_days"])
    # what can drift is watched too: the patients waiting in hospital and long-term care; the longest is reported
    assert set(diag["by_series"]) == {"hospital_occupancy", "delayed_patients", "long_term_occupancy"}
    assert diag["suggested_days"] == max(diag["by_series"].values())
    assert diag["series"].split(" (")[0] in diag["by_series"]
