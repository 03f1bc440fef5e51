"""Where results go, and what their CIs say: the output location is checked before any simulation (exit 2,
one line), CIs of indicators that cannot be negative are never printed below 0 (differences are not cut),
and too few replications are warned about on the console and in the report."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import hjemtilhjem.experiment.results as results_module
from hjemtilhjem.cli import main
from hjemtilhjem.cli.common import TRUNCATED_MARK, print_summary, warn_few_replications
from hjemtilhjem.experiment.stats import (
    MIN_REPLICATIONS_FOR_CI,
    few_replications,
    indicator_summary,
    paired_difference,
    summary,
)
from hjemtilhjem.outcomes.labels import LABELS, bounds, label
from hjemtilhjem.report import write_report
from hjemtilhjem.report.content import TABLE_KEYS, run_sentences
from hjemtilhjem.report.data import ScenarioData
from hjemtilhjem.report.numbers import CUT, ci

DATA = Path(__file__).parent / "data"
TINY = DATA / "report_tiny.toml"
TINY_IV = DATA / "report_tiny_intervention.toml"


@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any replication run fails the test: bad output locations must be found before."""
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("a simulation ran before the output location was checked")

    monkeypatch.setattr(results_module, "run_replications", refuse)


def _one_clear_line(err: str, *needles: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err and "unexpected error" not in err
    for n in needles:
        assert n in lines[0], (n, lines[0])


# ----------------------------------------------------------------------------------------- output location
def _commands(out: str) -> dict[str, list[str]]:
    return {"run": ["run", str(TINY), "-r", "2", "--out", out],
            "compare": ["compare", str(TINY), str(TINY_IV), "-r", "2", "--out", out],
            "sweep": ["sweep", str(TINY), "--vary", "hospital.beds=20,30", "-r", "2", "--out", out]}


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_out_is_a_file_exit_2_before_simulating(command: str, tmp_path: Path, no_simulation: None,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    afile = tmp_path / "afile"
    afile.write_text("keep me", encoding="utf-8")
    for out, says in ((afile, "is a file, not a folder"), (afile / "sub", "afile is a file")):
        assert main([*_commands(str(out))[command], "-q"]) == 2
        _one_clear_line(capsys.readouterr().err, f"--out {out}", says)
    assert afile.read_text(encoding="utf-8") == "keep me", "nothing already written is lost"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def _still_writable(folder: Path) -> bool:
    try:
        (folder / "probe").touch()
    except OSError:
        return False
    (folder / "probe").unlink()
    return True


@pytest.mark.skipif(os.name != "posix", reason="chmod")
@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_out_read_only_exit_2_before_simulating(command: str, tmp_path: Path, no_simulation: None,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        if _still_writable(ro):
            pytest.skip("a read-only folder is still writable here (root); the file cases cover the check")
        assert main([*_commands(str(ro))[command], "-q"]) == 2
        _one_clear_line(capsys.readouterr().err, f"--out {ro}", "not writable", "Permission denied")
        assert main([*_commands(str(ro / "new" / "sub"))[command], "-q"]) == 2
        _one_clear_line(capsys.readouterr().err, "cannot be created in", "Permission denied")
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


def test_out_missing_folder_is_fine_and_not_made_before_the_run(tmp_path: Path) -> None:
    from hjemtilhjem.cli.common import check_output_folder

    check_output_folder(tmp_path / "new" / "deeper")  # may be created later: no error
    assert not (tmp_path / "new").exists(), "the check creates nothing"
    check_output_folder(tmp_path)
    assert list(tmp_path.iterdir()) == [], "the write test leaves no file behind"


def test_calibrate_output_files_checked_before_simulating(tmp_path: Path, no_simulation: None,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    assert main(["calibrate", str(TINY), "--json", str(afile / "t.json"), "-q"]) == 2
    _one_clear_line(capsys.readouterr().err, f"--json {afile / 't.json'}", "is a file")
    assert main(["calibrate", str(TINY), "--json", str(tmp_path), "-q"]) == 2
    _one_clear_line(capsys.readouterr().err, "--json", "is a folder")
    assert main(["calibrate", str(TINY), "--fit", "hospital.beds", "--out", str(tmp_path / "no" / "f.toml"),
                 "-q"]) == 2
    _one_clear_line(capsys.readouterr().err, "--out", "does not exist")


def test_report_folder_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    assert main(["report", str(afile)]) == 2
    _one_clear_line(capsys.readouterr().err, "not a folder")


# ----------------------------------------------------------------------------------------- CIs cut at 0
def test_summary_cuts_the_ci_at_the_bounds_only_when_given() -> None:
    x = [0.0, 10.0]  # mean 5, Student-t half-width 63.5
    plain = summary(x)
    assert plain["ci95"][0] < 0 and plain["ci95_truncated"] is False  # type: ignore[index]
    cut = summary(x, low=0.0)
    assert cut["ci95"][0] == 0.0 and cut["ci95"][1] == plain["ci95"][1] and cut["ci95_truncated"] is True  # type: ignore[index]
    assert cut["mean"] == plain["mean"] and cut["sd"] == plain["sd"]
    share = summary([0.1, 0.9], low=0.0, high=1.0)
    assert share["ci95"] == [0.0, 1.0] and share["ci95_truncated"] is True
    narrow = summary([10.0, 10.5, 11.0], low=0.0)
    assert narrow["ci95_truncated"] is False and narrow["ci95"][0] > 0  # type: ignore[index]


def test_bounds_come_from_the_labels() -> None:
    assert bounds("corridor_patient_days") == (0.0, None)
    assert bounds("readmission_30d") == (0.0, 1.0)
    assert bounds("home_days_90") == (0.0, 90.0)
    assert bounds("cost_hospital_nok") == (None, None)  # net of payments received: may be negative
    assert bounds("not_an_indicator") == (None, None)
    s = indicator_summary("corridor_patient_days", [0.0, 10.0])
    assert s["ci95"][0] == 0.0 and s["ci95_truncated"] is True  # type: ignore[index]
    assert indicator_summary("cost_hospital_nok", [0.0, 10.0])["ci95"][0] < 0  # type: ignore[index]


def test_differences_are_not_cut() -> None:
    d = paired_difference([10.0, 10.0, 10.0], [9.0, 12.0, 8.0])
    assert d["ci95"][0] < 0 < d["ci95"][1]  # type: ignore[index]


@pytest.fixture(scope="module")
def two_replications(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("r2")
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(["run", str(TINY), "-r", "2", "--out", str(out), "-q", "--executor", "serial"]) == 0
    (folder,) = [p for p in out.iterdir() if not p.name.startswith(".")]
    return folder, err.getvalue()


def test_summary_json_never_below_what_an_indicator_can_be(two_replications: tuple[Path, str]) -> None:
    folder, _ = two_replications
    doc = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    cut = 0
    entries = [(k, e) for k, e in doc["indicators"].items()]
    entries += [(k, e) for m in doc["by_municipality"].values() for k, e in m.items()]
    for k, e in entries:
        low, high = bounds(k)
        lo, hi = e["ci95"]
        if lo is None:
            continue
        assert low is None or lo >= low, (k, e)
        assert high is None or hi <= high, (k, e)
        assert e["ci95_truncated"] == ((low is not None and lo == low) or (high is not None and hi == high)), (k, e)
        cut += e["ci95_truncated"]
    assert cut > 0, "with 2 replications some Student-t interval reaches below 0"


def test_console_table_marks_a_cut_ci() -> None:
    import io

    doc = {"scenario": "S", "manifest": {"replications": 2, "seed": 1},
           "indicators": {"corridor_patient_days": {"mean": 22.4, "ci95": [0.0, 55.2], "ci95_truncated": True},
                          "los_mean": {"mean": 3.0, "ci95": [2.5, 3.5], "ci95_truncated": False}}}
    out = io.StringIO()
    print_summary(doc, file=out)
    text = out.getvalue()
    assert f"[0, 55.20]{TRUNCATED_MARK} days per year" in text
    assert "[2.50, 3.50] days" in text and f"[2.50, 3.50]{TRUNCATED_MARK}" not in text
    assert text.splitlines()[-1].strip().startswith(f"{TRUNCATED_MARK} 95% CI cut at")
    assert "-" not in text.replace("Student-t", "")


def test_report_marks_a_cut_ci_in_tables_and_says_it_in_sentences() -> None:
    assert ci("corridor_patient_days", 0.0, 1295.0, "nb", truncated=True) == f"0{CUT}–1\u00a0295"
    assert ci("corridor_patient_days", 0.0, 55.2, "nb", truncated=True) == f"0,0{CUT}–55,2"
    assert ci("readmission_30d", 0.8, 1.0, "en", truncated=True) == f"80.0–100.0{CUT}"
    assert ci("delayed_days", -40.0, 15.0, "en") == "\u221240.0 to 15.0"  # a difference: shown as it is
    s = ScenarioData(name="S", folder=Path("."), summary={"indicators": {
        "corridor_patient_days": {"mean": 22.4, "ci95": [0.0, 55.2], "ci95_truncated": True},
        "readmission_30d": {"mean": 0.95, "ci95": [0.8, 1.0], "ci95_truncated": True}}})
    nb, en = run_sentences(s, "nb"), run_sentences(s, "en")
    assert "(95\u00a0% KI 80,0–100,0\u00a0%, avkortet ved 100\u00a0%)" in nb[0]
    assert "(95\u00a0% KI 0,0–55,2, avkortet ved 0)" in nb[1]
    assert "(95% CI 0.0–55.2, cut at 0)" in en[1]


def test_report_table_agrees_with_summary(two_replications: tuple[Path, str]) -> None:
    folder, _ = two_replications
    md = (folder / "report.md").read_text(encoding="utf-8")
    doc = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    rows = {line.split(" | ")[0][2:]: line for line in md.splitlines() if line.startswith("| ")}
    for k in TABLE_KEYS:
        e = doc["indicators"].get(k)
        if not e or label(k, "nb") not in rows:
            continue
        row = rows[label(k, "nb")]
        assert (CUT in row) == e["ci95_truncated"], (k, row)
        if bounds(k)[0] is not None:
            assert "\u2212" not in row, (k, row)


# ----------------------------------------------------------------------------------------- few replications
def test_threshold_is_a_named_constant(capsys: pytest.CaptureFixture[str]) -> None:
    assert MIN_REPLICATIONS_FOR_CI == 5
    assert few_replications(MIN_REPLICATIONS_FOR_CI - 1) and not few_replications(MIN_REPLICATIONS_FOR_CI)
    warn_few_replications(MIN_REPLICATIONS_FOR_CI)
    assert capsys.readouterr().err == ""
    warn_few_replications(1)
    _one_clear_line(capsys.readouterr().err, "warning: only 1 replication:", "fewer than 5")


def test_console_warns_once_about_few_replications(two_replications: tuple[Path, str]) -> None:
    _, err = two_replications
    warned = [line for line in err.splitlines() if "replications" in line and "warning" in line]
    assert len(warned) == 1 and "only 2 replications" in warned[0] and "fewer than 5" in warned[0]


def test_report_warns_in_both_languages_only_below_the_threshold(two_replications: tuple[Path, str],
                                                                  tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(two_replications[0], folder)
    for lang, word in (("nb", "Advarsel"), ("en", "Warning")):
        paths = write_report(folder, lang)
        assert paths["few_replications"] and paths["replications"] == 2
        md = paths["markdown"].read_text(encoding="utf-8")
        html = paths["html"].read_text(encoding="utf-8")
        assert f"> **{word}:**" in md and "2 " in md.split(f"**{word}:**")[1][:60]
        assert f'<p class="warning" role="note"><b>{word}:</b>' in html
    doc = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    doc["manifest"]["replications"] = MIN_REPLICATIONS_FOR_CI
    (folder / "summary.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    for lang, word in (("nb", "Advarsel"), ("en", "Warning")):
        paths = write_report(folder, lang)
        assert not paths["few_replications"]
        assert f"**{word}:**" not in paths["markdown"].read_text(encoding="utf-8")
        assert 'class="warning"' not in paths["html"].read_text(encoding="utf-8")


def test_every_indicator_label_has_a_range() -> None:
    for k, lab in LABELS.items():
        assert lab.low is None or lab.high is None or lab.low < lab.high, k
        if lab.unit_en == "share" and lab.high is not None:
            assert lab.high == 1.0, k
    assert np.isfinite([lab.low for lab in LABELS.values() if lab.low is not None]).all()
