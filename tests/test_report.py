"""Reports: generated from a results folder, self-contained HTML, nb/en differ in labels only, render in Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from hjemtilhjem.cli import main as cli_main
from hjemtilhjem.experiment.results import _write_csv, run, slug
from hjemtilhjem.experiment.stats import paired_difference
from hjemtilhjem.outcomes.labels import BETTER
from hjemtilhjem.report import ReportInputError, write_report
from hjemtilhjem.report.numbers import NBSP, ci, number

DATA = Path(__file__).parent / "data"
TINY = DATA / "report_tiny.toml"
TINY_IV = DATA / "report_tiny_intervention.toml"
RUN_FIGURES = ("occupancy", "delayed_days_by_municipality", "costs_by_payer", "pathway_flows", "time_to_readmission")


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("results")
    assert cli_main(["run", str(TINY), "--out", str(out), "--quiet", "--executor", "serial"]) == 0
    (folder,) = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return folder


def _comparison_folder(root: Path) -> Path:
    """A comparison folder as ``compare`` writes it (built here so the report does not depend on compare)."""
    results = [run(p, executor="serial") for p in (TINY, TINY_IV)]
    ref = results[0]
    folder = root / "cmp"
    for r in results:
        sub = folder / "scenarios" / slug(r.name)
        sub.mkdir(parents=True)
        (sub / "summary.json").write_text(json.dumps(r.summary(), ensure_ascii=False), encoding="utf-8")
        _write_csv(sub / "replications.csv", r.replication_rows())
        _write_csv(sub / "daily.csv", r.daily_rows())
        (sub / "scenario.resolved.toml").write_text(r.loaded.resolved_toml(), encoding="utf-8")
    diffs = {}
    for r in results[1:]:
        diffs[r.name] = {k: paired_difference(ref.values(k), r.values(k), BETTER.get(k, 0))
                         for k in ref.outputs[0].indicators}
    by_m = {r.name: {m: {k: paired_difference(ref.municipality_values(m, k), r.municipality_values(m, k),
                                              BETTER.get(k, 0)) for k in ind}
                     for m, ind in ref.outputs[0].by_municipality.items()} for r in results[1:]}
    doc = {"reference": ref.name, "scenarios": [r.name for r in results], "differences": diffs,
           "by_municipality": by_m}
    text = json.dumps(doc, ensure_ascii=False).replace("NaN", "null")
    (folder / "comparison.json").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def compare_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = _comparison_folder(tmp_path_factory.mktemp("compare"))
    write_report(folder, "nb")
    return folder


def _check_self_contained(html: str) -> None:
    assert not re.search(r"https?://", html), "the report must not reference the network"
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"<script\b", html, re.I)
    assert not re.search(r"""\bsrc\s*=\s*["'](?!data:)""", html, re.I), "no src= to files"
    assert not re.search(r"""url\((?!#)""", html), "no url() to files"
    assert not re.search(r"""href\s*=\s*["'](?!#)""", html), "links only inside the page"


# ----------------------------------------------------------------------------------------- numbers
def test_norwegian_number_format() -> None:
    assert number(1234.4, "nb") == f"1{NBSP}234"
    assert number(1234.4, "en") == "1,234"
    assert number(3.14159, "nb") == "3,14"
    assert number(-812.0, "nb") == "\u2212812"
    assert number(30.0, "nb") == "30"
    assert ci("delayed_days", 640.2, 985.1, "nb") == "640–985"
    assert ci("delayed_days", -400.0, 150.0, "nb") == "\u2212400 til 150"
    assert ci("delayed_days", -40.0, 15.0, "en") == "\u221240.0 to 15.0"
    assert ci("readmission_30d", 0.073, 0.126, "nb") == "7,3–12,6"


# ----------------------------------------------------------------------------------------- run report
def test_run_writes_report_with_every_figure(run_folder: Path) -> None:
    html = (run_folder / "report.html").read_text(encoding="utf-8")
    md = (run_folder / "report.md").read_text(encoding="utf-8")
    _check_self_contained(html)
    assert html.count("<svg") == len(RUN_FIGURES)
    for name in RUN_FIGURES:
        assert f'id="fig-{name}"' in html
        for ext in ("png", "svg"):
            assert (run_folder / "figures" / f"{name}.{ext}").stat().st_size > 1000
    assert '<html lang="nb">' in html and "Hovedfunn" in html
    summary = json.loads((run_folder / "summary.json").read_text(encoding="utf-8"))
    dd = summary["indicators"]["delayed_days"]
    expected = f"Liggedøgn for utskrivningsklare var {number(dd['mean'], 'nb')} døgn per år (95{NBSP}% KI "
    assert expected in md, expected
    assert summary["manifest"]["scenario_sha256"] in html and summary["manifest"]["scenario_sha256"] in md
    for m in summary["by_municipality"]:
        assert m in html
    for key in summary["manifest"]["sources"]:
        assert key in html and key in md
    for part in ("1. Mål", "2. Modellogikk", "3. Data", "4. Eksperimenter", "5. Implementering"):
        assert part in html


def test_flows_in_summary_are_consistent(run_folder: Path) -> None:
    f = json.loads((run_folder / "summary.json").read_text(encoding="utf-8"))["flows"]
    assert f["acute_events"] == pytest.approx(f["triage_hospital"] + f["triage_kad"] + f["triage_home"])
    # every hospital admission is direct, from KAD or a readmission (up to boundary effects of the window)
    direct = f["triage_hospital"] + f["kad_to_hospital"] + f["readmissions"]
    assert f["hospital_admissions"] == pytest.approx(direct, rel=0.03)
    curve = [f[f"readmitted_by_day.all.{d}"] for d in range(31)]
    assert curve[0] == 0.0 and all(b >= a for a, b in zip(curve, curve[1:], strict=False))


def test_readmission_curve_matches_indicator(run_folder: Path) -> None:
    summary = json.loads((run_folder / "summary.json").read_text(encoding="utf-8"))
    day30 = summary["flows"]["readmitted_by_day.all.30"]
    assert day30 == pytest.approx(summary["indicators"]["readmission_30d"]["mean"], rel=1e-9)


def test_report_command_writes_english_beside_norwegian(run_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(run_folder, folder)
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert cli_main(["report", str(folder), "--lang", "en"]) == 0
    html = (folder / "report.en.html").read_text(encoding="utf-8")
    md = (folder / "report.en.md").read_text(encoding="utf-8")
    _check_self_contained(html)
    assert '<html lang="en">' in html and "Key findings" in html and "Hovedfunn" not in html
    assert "Key findings" in md and "Hovedfunn" not in md
    for name in RUN_FIGURES:
        assert f"](figures/{name}.en.svg)" in md
        for ext in ("png", "svg"):
            assert (folder / "figures" / f"{name}.en.{ext}").stat().st_size > 1000
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert {k: v for k, v in after.items() if k in before} == before, "the nb report, figures and data are kept"
    assert '<html lang="nb">' in (folder / "report.html").read_text(encoding="utf-8")
    assert not [p for p in folder.rglob(".*tmp*")], "no temporary files left"
    # and back: the Norwegian report is written to its own names and keeps the English one
    assert cli_main(["report", str(folder)]) == 0
    assert (folder / "report.en.md").read_text(encoding="utf-8") == md
    assert "Hovedfunn" in (folder / "report.md").read_text(encoding="utf-8")


def test_run_lang_en_writes_the_english_report(tmp_path: Path) -> None:
    assert cli_main(["run", str(TINY), "--out", str(tmp_path), "-r", "2", "--quiet", "--executor", "serial",
                     "--lang", "en"]) == 0
    (folder,) = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert (folder / "report.en.html").is_file() and (folder / "report.en.md").is_file()
    assert not (folder / "report.html").exists() and not (folder / "report.md").exists()
    assert (folder / "figures" / "occupancy.en.svg").is_file() and not (folder / "figures" / "occupancy.svg").exists()


def test_nb_and_en_differ_in_labels_only(run_folder: Path, tmp_path: Path) -> None:
    texts = {}
    for lang in ("nb", "en"):
        folder = tmp_path / lang
        shutil.copytree(run_folder, folder)
        paths = write_report(folder, lang)
        texts[lang] = paths["markdown"].read_text(encoding="utf-8")

    def numbers(s: str, lang: str) -> list[float]:
        s = s.replace("\u2212", "-")
        if lang == "nb":
            s = re.sub(r"(?<=\d)\xa0(?=\d{3})", "", s)  # thousands separator
            s = re.sub(r"(?<=\d),(?=\d)", ".", s)  # decimal comma
        else:
            s = re.sub(r"(?<=\d),(?=\d{3})", "", s)
        return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", s)]

    def shape(s: str) -> list[str]:
        return [f"{re.match(r'[#*|-]*', line).group()}{line.count('|')}" for line in s.splitlines()]  # type: ignore

    assert numbers(texts["nb"], "nb") == numbers(texts["en"], "en")
    assert shape(texts["nb"]) == shape(texts["en"])
    assert texts["nb"] != texts["en"]


def test_not_a_results_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ReportInputError):
        write_report(tmp_path)
    assert cli_main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "summary.json" in err and "Traceback" not in err


# ----------------------------------------------------------------------------------------- comparison
def test_comparison_report(compare_folder: Path) -> None:
    html = (compare_folder / "report.html").read_text(encoding="utf-8")
    md = (compare_folder / "report.md").read_text(encoding="utf-8")
    _check_self_contained(html)
    for name in ("differences", "municipality_differences", "cost_differences", *RUN_FIGURES):
        assert f'id="fig-{name}"' in html
        assert (compare_folder / "figures" / f"{name}.png").is_file()
    assert "Liten test" in html and "Trygg utskrivning" in html
    doc = json.loads((compare_folder / "comparison.json").read_text(encoding="utf-8"))
    d = doc["differences"]["Trygg utskrivning"]["readmission_30d"]
    verb = "reduserer" if d["ci95"][1] < 0 else ("øker" if d["ci95"][0] > 0 else "endrer")
    assert f"Trygg utskrivning {verb} reinnleggelse innen 30 dager med" in md
    assert "sammenlignet med Liten test" in md


# ----------------------------------------------------------------------------------------- browser
def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def render(html_path: Path, png: Path, tmp: Path, height: int = 2000) -> float:
    """Render a page with headless Chromium to ``png``; returns seconds taken."""
    exe = _chromium()
    assert exe
    t0 = time.perf_counter()
    subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp / 'chromium-profile'}", f"--screenshot={png}",
                    f"--window-size=1280,{height}", html_path.resolve().as_uri()],
                   check=True, capture_output=True, timeout=120)
    return time.perf_counter() - t0


@pytest.mark.skipif(_chromium() is None, reason="chromium not found (Debian: apt-get install chromium; "
                                                 "`make test` installs it when apt is available)")
@pytest.mark.parametrize("which", ["run", "compare"])
def test_report_renders_in_headless_chromium(which: str, run_folder: Path, compare_folder: Path,
                                             tmp_path: Path) -> None:
    import matplotlib.image as mpimg

    folder = run_folder if which == "run" else compare_folder
    png = tmp_path / "page.png"
    render(folder / "report.html", png, tmp_path)
    img = mpimg.imread(png)[..., :3]
    assert img.shape[0] >= 1000 and img.shape[1] >= 1000
    assert float(img.std()) > 0.05, "the screenshot is blank"
    dark = (img.mean(axis=2) < 0.5).mean()
    assert dark > 0.005, "almost no text or figure ink on the page"
    assert np.isfinite(img).all()


def test_report_without_flows_leaves_those_figures_out(run_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "old"
    shutil.copytree(run_folder, folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    del summary["flows"]
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    (folder / "daily.csv").unlink()
    shutil.rmtree(folder / "figures")
    write_report(folder, "nb")
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 2  # delayed days by municipality, costs
    assert 'id="fig-pathway_flows"' not in html and 'id="fig-occupancy"' not in html


def test_failing_report_keeps_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    import hjemtilhjem.report as report

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(report, "write_report", broken)
    assert cli_main(["run", str(TINY), "--out", str(tmp_path), "-r", "1", "--quiet", "--executor", "serial"]) == 0
    (folder,) = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert (folder / "summary.json").is_file()
    assert "report not written" in capsys.readouterr().err


def test_many_municipalities_figures_show_the_top(run_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    shutil.copytree(run_folder, folder)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    base = next(iter(summary["by_municipality"].values()))
    summary["by_municipality"] = {f"Kommune {i:02d}": {k: {**v, "mean": v["mean"] * (1 + i / 10)} if v["mean"] else v
                                                       for k, v in base.items()} for i in range(30)}
    (folder / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    write_report(folder, "nb")
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "de 25 av 30 kommuner" in html and "de 12 av 30 kommuner" in html
    assert html.count("Kommune 29") >= 2 and "Kommune 00" in html  # the table shows all
