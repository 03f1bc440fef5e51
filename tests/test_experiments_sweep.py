"""sweep: designs, one row per point, checkpointed units and resume after an interruption."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import hjemtilhjem as h
from hjemtilhjem.cli import main
from hjemtilhjem.experiment.runner import SerialExecutor
from hjemtilhjem.experiment.sweep import SweepError, Vary, design, parse_vary

TINY = Path(__file__).parent / "data" / "tiny_exp.toml"
VARY = ["municipality.Aby.short_term_beds=4,7", "hospital.beds=10,13"]


def test_parse_vary():
    assert parse_vary("hospital.beds=10,12,14") == Vary("hospital.beds", values=(10, 12, 14))
    assert parse_vary("triage.kad_share=0.05:0.1") == Vary("triage.kad_share", low=0.05, high=0.1)
    assert parse_vary("hospital.beds=300:400").integer is True
    assert parse_vary('hospital.name="A","B"').values == ("A", "B")
    for bad in ("hospital.beds", "=1,2", "hospital.beds=", "hospital.beds=5:1", "hospital.beds=a:b"):
        with pytest.raises(SweepError):
            parse_vary(bad)


def test_factorial_design():
    pts = design([parse_vary("a=1,2,3"), parse_vary("b=x,y")])
    assert len(pts) == 6
    assert pts[0] == {"a": 1, "b": "x"} and pts[-1] == {"a": 3, "b": "y"}


def test_latin_hypercube_design_is_stratified_and_seeded():
    v = [parse_vary("x=0.0:1.0"), parse_vary("n=10:29")]
    pts = design(v, samples=20, seed=5)
    assert len(pts) == 20
    x = np.array([p["x"] for p in pts])
    assert sorted(np.floor(x * 20).astype(int).tolist()) == list(range(20))  # one point per stratum
    n = [p["n"] for p in pts]
    assert all(isinstance(k, int) for k in n) and sorted(n) == list(range(10, 30))
    assert design(v, samples=20, seed=5) == pts
    assert design(v, samples=20, seed=6) != pts
    crossed = design([parse_vary("a=1,2"), *v], samples=4, seed=1)
    assert len(crossed) == 8
    with pytest.raises(SweepError):
        design([parse_vary("x=0.0:1.0")])  # a range needs samples
    with pytest.raises(SweepError):
        design([parse_vary("a=1,2"), parse_vary("a=3")])


def test_sweep_rows_and_common_random_numbers(tmp_path):
    sw = h.sweep(TINY, VARY, replications=3, executor="serial", out=tmp_path)
    assert len(sw.points) == 4 and sw.computed_units == 12 and sw.reused_units == 0
    df = sw.to_dataframe()
    assert len(df) == 4
    assert {"municipality.Aby.short_term_beds", "hospital.beds", "delayed_days", "delayed_days_ci95_low",
            "delayed_days_ci95_high", "n"} <= set(df.columns)
    # hospital beds are a soft capacity: delayed days depend only on municipal places, on the same numbers
    for beds_a, beds_b in [(0, 1), (2, 3)]:
        assert sw.points[beds_a].indicator("delayed_days").tolist() == sw.points[beds_b].indicator(
            "delayed_days").tolist()
    direct = h.run(h.load_scenario(TINY, list(sw.points[3].overrides)), replications=3, executor="serial")
    assert direct.values("delayed_days").tolist() == sw.points[3].indicator("delayed_days").tolist()


class _Interrupted(SerialExecutor):
    """Finishes ``k`` units, then behaves as if the user pressed Ctrl-C."""

    def __init__(self, k: int):
        self.k = k

    def map(self, fn, units, progress=None, on_result=None) -> list[Any]:
        for i, u in enumerate(units[: self.k]):
            on_result(i, fn(u))
        raise KeyboardInterrupt


class _Counting(SerialExecutor):
    def __init__(self):
        self.ran = 0

    def map(self, fn, units, progress=None, on_result=None) -> list[Any]:
        self.ran += len(units)
        return super().map(fn, units, progress, on_result)


def test_resume_after_interruption_recomputes_only_missing_units(tmp_path):
    ck = tmp_path / "ck"
    with pytest.raises(KeyboardInterrupt):
        h.sweep(TINY, VARY, replications=3, executor=_Interrupted(5), out=tmp_path, checkpoints=ck)
    assert len(list(ck.glob("*.json"))) == 5
    assert not [p for p in tmp_path.iterdir() if p.name != "ck"]  # no results folder
    counting = _Counting()
    sw = h.sweep(TINY, VARY, replications=3, executor=counting, out=tmp_path, checkpoints=ck)
    assert counting.ran == 7 and sw.computed_units == 7 and sw.reused_units == 5
    fresh = h.sweep(TINY, VARY, replications=3, executor="serial", out=tmp_path / "fresh")
    assert json.dumps(sw.rows()) == json.dumps(fresh.rows())  # resumed results are bit-identical
    folder = sw.write(tmp_path / "out")
    assert not ck.exists()  # checkpoints removed once the folder is complete
    assert (folder / "sweep.csv").exists()


def test_deleted_unit_files_are_recomputed(tmp_path):
    ck = tmp_path / "ck"
    first = h.sweep(TINY, VARY, replications=3, executor="serial", checkpoints=ck, keep_checkpoints=True)
    first.write(tmp_path / "a")
    files = sorted(ck.glob("*.json"))
    assert len(files) == 12
    for f in files[:4]:
        f.unlink()
    files[4].write_text('{"key": "trunc', encoding="utf-8")  # a file cut short counts as missing
    counting = _Counting()
    again = h.sweep(TINY, VARY, replications=3, executor=counting, checkpoints=ck)
    assert counting.ran == 5 and again.reused_units == 7
    assert json.dumps(again.rows()) == json.dumps(first.rows())


def test_cli_sweep_writes_folder_and_resumes(tmp_path, capsys):
    args = ["sweep", str(TINY), "--vary", "hospital.beds=9:14", "--samples", "3", "--vary",
            "municipality.Bstad.short_term_beds=3,6", "-r", "2", "--out", str(tmp_path), "-q", "--executor", "serial"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "6 points x 2 replications" in out
    folder = next(p for p in tmp_path.iterdir() if p.name.startswith("tiny-test-sweep-"))
    assert not list(tmp_path.glob("*.partial"))
    with (folder / "sweep.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6 and all(9 <= int(r["hospital.beds"]) <= 14 for r in rows)
    doc = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
    assert doc["manifest"]["design"] == "factorial x latin_hypercube" and len(doc["points"]) == 6
    assert doc["points"][0]["indicators"]["delayed_days"]["n"] == 2


@pytest.mark.parametrize("vary, named", [("hospital.bedz=1,2", "hospital.bedz"),
                                         ("municipality.Nowhere.kad_beds=1,2", "Nowhere"),
                                         ("hospital.beds=-1,5", "hospital.beds")])
def test_cli_sweep_bad_key_exit_2(tmp_path, capsys, vary, named):
    rc = main(["sweep", str(TINY), "--vary", vary, "-r", "2", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert rc == 2 and named in err and err.startswith("--vary:") and "Traceback" not in err


def test_cli_sweep_range_without_samples_exit_2(tmp_path, capsys):
    assert main(["sweep", str(TINY), "--vary", "hospital.beds=9:14", "--out", str(tmp_path)]) == 2
    assert "--samples" in capsys.readouterr().err
