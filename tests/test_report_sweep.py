"""The sweep report: each indicator against the varied values with CIs, each municipality's own curve, paired
differences from a reference point (``--reference key=value``), in the HTML/Markdown style of the other reports."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from hjemtilhjem.cli import main
from hjemtilhjem.experiment.stats import paired_difference
from hjemtilhjem.experiment.sweep import SweepError, reference_point
from hjemtilhjem.report import write_report
from hjemtilhjem.report.sweep import key_label, load_sweep

TINY = Path(__file__).parent / "data" / "tiny_exp.toml"
KEY = "municipality.Aby.short_term_beds"


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sweep")
    assert main(["sweep", str(TINY), "--vary", f"{KEY}=3,5,8", "-r", "3", "--reference", f"{KEY}=5",
                 "--out", str(out), "-q", "--executor", "serial"]) == 0
    return next(p for p in out.iterdir() if p.name.startswith("tiny-test-sweep-"))


def test_sweep_writes_a_report_with_its_figures(sweep_folder: Path) -> None:
    html = (sweep_folder / "report.html").read_text(encoding="utf-8")
    md = (sweep_folder / "report.md").read_text(encoding="utf-8")
    for name in ("sweep_indicators", "sweep_municipalities", "sweep_differences", "sweep_municipality_differences"):
        assert f'id="fig-{name}"' in html and f"figures/{name}.svg" in md
        assert (sweep_folder / "figures" / f"{name}.png").stat().st_size > 5000
    assert "Referansepunktet for forskjellene er Aby: korttidsplasser = 5." in md
    assert "Aby" in html and "Bstad" in html  # each municipality's own curve and rows


def test_differences_are_paired_from_the_reference(sweep_folder: Path) -> None:
    doc = json.loads((sweep_folder / "sweep.json").read_text(encoding="utf-8"))
    ref = next(p for p in doc["points"] if p["values"][KEY] == 5)
    assert doc["reference"] == {"point": ref["point"], "values": {KEY: 5}}
    assert str(ref["point"]) not in doc["differences"]
    reps: dict[int, dict[int, float]] = {}
    import csv

    with (sweep_folder / "replications.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            reps.setdefault(int(r["point"]), {})[int(r["replication"])] = float(r["delayed_days"])
    for p in doc["points"]:
        if p is ref:
            continue
        d = doc["differences"][str(p["point"])]["delayed_days"]
        want = paired_difference(list(reps[ref["point"]].values()), list(reps[p["point"]].values()))
        assert d["mean"] == pytest.approx(want["mean"]) and d["ci95"] == pytest.approx(want["ci95"])
        # per municipality too, and the municipality values are there for the curves
        dm = doc["differences_by_municipality"][str(p["point"])]["Aby"]["delayed_days"]
        assert np.isfinite(dm["mean"])
        assert "delayed_days" in p["by_municipality"]["Aby"]


def test_sweep_ci_is_cut_at_what_the_indicator_can_be(sweep_folder: Path) -> None:
    doc = json.loads((sweep_folder / "sweep.json").read_text(encoding="utf-8"))
    for p in doc["points"]:
        for k in ("delayed_days", "corridor_patient_days", "short_term_wait"):
            assert p["indicators"][k]["ci95"][0] >= 0


def test_report_command_rerenders_a_sweep_in_english(sweep_folder: Path) -> None:
    out = write_report(sweep_folder, "en")
    md = out["markdown"].read_text(encoding="utf-8")
    assert out["markdown"].name == "report.en.md"
    assert "The reference point of the differences is Aby: short-term places = 5." in md
    assert (sweep_folder / "figures" / "sweep_differences.en.png").is_file()
    data = load_sweep(sweep_folder)
    assert data.x_key() == KEY and [n for n, _ in data.series()] == [""]


def test_reference_point() -> None:
    pts = [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2, "b": "y"}]
    assert reference_point(pts, None, ["a", "b"]) == 0
    assert reference_point(pts, ["a=2", 'b="y"'], ["a", "b"]) == 3
    with pytest.raises(SweepError, match="matches 2 points; name b too"):
        reference_point(pts, ["a=2"], ["a", "b"])
    with pytest.raises(SweepError, match="no point has it; a takes 1, 2"):
        reference_point(pts, ["a=3", 'b="x"'], ["a", "b"])
    with pytest.raises(SweepError, match="c is not varied"):
        reference_point(pts, ["c=1"], ["a", "b"])


def test_cli_reference_not_in_the_design_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["sweep", str(TINY), "--vary", f"{KEY}=3,5", "-r", "2", "--reference", f"{KEY}=4", "--out",
               str(tmp_path), "-q", "--executor", "serial"])
    err = capsys.readouterr().err
    assert rc == 2 and "no point has it" in err and "Traceback" not in err
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith(".")]  # nothing simulated or written


def test_key_label() -> None:
    assert key_label("municipality.Larvik.short_term_beds", "nb") == "Larvik: korttidsplasser"
    assert key_label("municipality.Larvik.short_term_beds", "en") == "Larvik: short-term places"
    assert key_label("triage.kad_share", "en") == "triage.kad_share"
