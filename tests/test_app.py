"""The meeting app's logic, through Streamlit's own test harness (AppTest) and directly.

A tiny health community (tests/data/tiny_exp.toml as its baseline, one intervention file) keeps each run to a
second or two; the jobs run serially in the job's thread (HJEMTILHJEM_APP_JOBS=1).
"""

from __future__ import annotations

import ast
import difflib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("streamlit", reason="the app's extra is not installed: pip install -e '.[app]'")

from streamlit.testing.v1 import AppTest  # noqa: E402

from hjemtilhjem.app.build import Draft, PoolDraft, capacities, describe, load_draft, prepare_upload  # noqa: E402
from hjemtilhjem.app.folders import AppFolders, OutsideFolders  # noqa: E402
from hjemtilhjem.app.jobs import Job  # noqa: E402
from hjemtilhjem.app.views import per_avoided_rows  # noqa: E402
from hjemtilhjem.scenario.loader import ScenarioError, load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "hjemtilhjem" / "app" / "page.py"
DATA = ROOT / "tests" / "data"

INTERVENTION = """extends = "baseline.toml"

[scenario]
name = "Trygg utskrivning"

[[intervention]]
name = "trygg_utskrivning"
label = "Trygg utskrivning"
targets = { groups = ["frail_elderly"] }
reach = 0.6
effects = { readmission_rr = { dist = "lognormal_ci", mean = 0.8, ci95 = [0.7, 0.9] } }
cost_per_patient_nok = 1800

[intervention.variants]
pessimistic = { readmission_rr = { dist = "lognormal_ci", mean = 1.05, ci95 = [0.9, 1.2] } }
"""


@pytest.fixture
def community(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    folder = tmp_path / "scenarios" / "tiny"
    folder.mkdir(parents=True)
    shutil.copy(DATA / "tiny_exp.toml", folder / "baseline.toml")
    (folder / "trygg.toml").write_text(INTERVENTION, encoding="utf-8")
    monkeypatch.setenv("HJEMTILHJEM_APP_SCENARIOS", str(tmp_path / "scenarios"))
    monkeypatch.setenv("HJEMTILHJEM_APP_OUT", str(tmp_path / "results"))
    monkeypatch.setenv("HJEMTILHJEM_APP_JOBS", "1")
    if request.node.get_closest_marker("slow") is None:
        # the report (figures: seconds) is checked against the CLI's in the slow test; here it is left out
        monkeypatch.setattr(Job, "report", lambda self, lang: None)
    return folder


def _app() -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _wait(job, timeout: float = 60.0, report: bool = True):  # type: ignore[no-untyped-def]
    t0 = time.monotonic()
    while not (job.settled if report else job.finished) and time.monotonic() - t0 < timeout:
        time.sleep(0.05)
    assert job.status == "done", job.error
    return job


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [s.value for s in at.success]
    parts += [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def _build_pool_scenario(at: AppTest, replications: int) -> None:
    at.sidebar.number_input(key="replications").set_value(replications)
    at.run()
    # a shared short-term pool for the two municipalities, one capacity changed, an intervention with a variant
    at.selectbox(key="pool_service").set_value("short_term")
    at.multiselect(key="pool_members").set_value(["Aby", "Bstad"])
    at.text_input(key="pool_name").set_value("Felles korttid")
    at.button(key="pool_add").click()
    at.run()
    at.selectbox(key="cap_place").set_value("municipality.Aby")
    at.run()
    at.number_input(key="cap:municipality.Aby.short_term_beds").set_value(7)
    at.run()
    at.checkbox(key="iv:trygg_utskrivning").check()
    at.run()
    at.selectbox(key="ivv:trygg_utskrivning").set_value("pessimistic")
    at.run()
    at.slider(key="ivr:trygg_utskrivning").set_value(40)
    at.run()


def test_pool_built_in_page_and_compared(community: Path) -> None:
    at = _app()
    assert "Hjem-til-hjem" in at.title[0].value
    _build_pool_scenario(at, 3)
    text = _texts(at)
    assert "Aby og Bstad deler korttidsplasser i én felles ordning, «Felles korttid», med 11 plasser" in text
    assert "Aby: korttidsplasser (plasser) endres fra 5 til 7 (+2)." in text
    assert ("Tiltaket «Trygg utskrivning» er slått på (evidens: pessimistic; når 40 % av målgruppen, endret fra "
            "60 % i filen).") in text
    at.button(key="run_compare").click()
    at.run()
    assert not at.exception, at.exception
    job = _wait(at.session_state["compare_job"])
    at.run()
    assert not at.exception, at.exception
    assert "Ferdig: 3 replikasjoner" in _texts(at)
    assert len(at.table) >= 2  # differences and per municipality
    other = at.session_state["compare_scenario"]
    assert [p.name for p in other.scenario.pool] == ["Felles korttid"]
    assert [(iv.evidence, iv.reach) for iv in other.scenario.intervention if iv.name == "trygg_utskrivning"] == [
        ("pessimistic", 0.4)]
    assert job.first_result_seconds is not None and job.snapshot_n == 3
    # finished runs are cached by scenario hash, seed and replications: the same request is the same job
    at.button(key="run_compare").click()
    at.run()
    assert at.session_state["compare_job"] is job


@pytest.mark.slow
def test_download_and_report_match_the_cli(community: Path, tmp_path: Path) -> None:
    at = _app()
    at.sidebar.text_area(key="overrides_text").set_value("scenario.horizon_days=100")
    _build_pool_scenario(at, 3)
    at.button(key="run_compare").click()
    at.run()
    job = _wait(at.session_state["compare_job"], report=True)
    at.run()
    assert not at.exception, at.exception
    assert [b.label for b in at.get("download_button")][:4] == [
        "Scenarioet (TOML)", "Rapporten (HTML)", "Rapporten (Markdown)", "Sammenligningen (CSV)"]
    # the downloaded TOML validates and runs with the CLI as written; same seed -> the same comparison and report
    other = at.session_state["compare_scenario"]
    toml = tmp_path / "download.toml"
    toml.write_text(other.resolved_toml(), encoding="utf-8")
    assert load_scenario(toml).sha256 == other.sha256
    out = tmp_path / "cli"
    proc = subprocess.run([sys.executable, "-m", "hjemtilhjem", "compare", str(community / "baseline.toml"),
                           str(toml), "-r", "3", "--seed", str(job.seed), "--jobs", "1", "--out", str(out), "-q",
                           "--set", "scenario.horizon_days=100"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    cli_folder = next(out.glob("compare-*"))
    app_doc = json.loads((job.folder / "comparison.json").read_text())
    cli_doc = json.loads((cli_folder / "comparison.json").read_text())
    assert app_doc["differences"] == cli_doc["differences"]
    assert app_doc["by_municipality"] == cli_doc["by_municipality"]
    # the report: the same text but for the lines that name the command, folders, run times and the date
    volatile = ("command", "kommando", "Kjøretid", "202", "results", "/tmp")
    a = [x for x in (job.folder / "report.md").read_text().splitlines() if not any(v in x for v in volatile)]
    b = [x for x in (cli_folder / "report.md").read_text().splitlines() if not any(v in x for v in volatile)]
    assert a == b, "\n".join(difflib.unified_diff(a, b, lineterm=""))


def test_reach_goes_in_as_a_set_line_and_in_words(community: Path, tmp_path: Path) -> None:
    at = _app()
    at.checkbox(key="iv:trygg_utskrivning").check()
    at.run()
    slider = at.slider(key="ivr:trygg_utskrivning")
    assert slider.value == 60 and not slider.disabled  # the file's reach, as whole percent
    assert "når 60 % av målgruppen, som i filen" in _texts(at)
    assert not at.session_state["draft_overrides"]  # the file's value: nothing to override
    slider.set_value(40)
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["draft_overrides"] == ["intervention.trygg_utskrivning.reach=0.4"]
    assert ("Tiltaket «Trygg utskrivning» er slått på (evidens: hovedanslag; når 40 % av målgruppen, endret fra "
            "60 % i filen).") in _texts(at)
    assert "--set intervention.trygg_utskrivning.reach=0.4" in "\n".join(c.value for c in at.code)
    at.sidebar.toggle(key="english").set_value(True)
    at.run()
    assert ("Intervention “Trygg utskrivning” is switched on (evidence: main estimate; reaches 40% of its target "
            "group, changed from 60% in the file).") in _texts(at)
    # what runs is the resolved file: reach 0.4 in it, and the CLI's loader gives the same scenario from the
    # generated file and the same --set line
    at.button(key="run_compare").click()
    at.run()
    other = at.session_state["compare_scenario"]
    assert [iv.reach for iv in other.scenario.intervention if iv.name == "trygg_utskrivning"] == [0.4]
    gen = other.path.parent
    cli = load_scenario(next(p for p in gen.glob("app-*.toml")), ["intervention.trygg_utskrivning.reach=0.4"])
    assert cli.sha256 == other.sha256
    _wait(at.session_state["compare_job"])


def test_reach_of_a_capacity_only_variant_is_disabled(tmp_path: Path) -> None:
    from hjemtilhjem.app.build import ShippedIntervention

    iv = ShippedIntervention("kad", "KAD", ("base", "prevent"),
                             {"name": "kad", "effects": {"capacity_delta": {"kad_beds": 1}},
                              "variants": {"prevent": {"capacity_delta": {"kad_beds": 1}, "admission_rate_mult": 0.9}}},
                             "kad.toml")
    assert iv.reach == 1.0 and not iv.reach_applies("base") and iv.reach_applies("prevent")
    draft = Draft(baseline=tmp_path / "b.toml", interventions={"kad": "base"}, reach={})
    assert describe(draft, {}, [iv], "nb") == ["Tiltaket «KAD» er slått på (evidens: hovedanslag)."]


def test_budget_view_shows_each_partner(community: Path) -> None:
    at = _app()
    at.sidebar.number_input(key="replications").set_value(2)
    at.sidebar.text_area(key="overrides_text").set_value("scenario.horizon_days=60")
    at.run()
    at.checkbox(key="iv:trygg_utskrivning").check()
    at.run()
    at.button(key="run_compare").click()
    at.run()
    job = _wait(at.session_state["compare_job"])
    at.run()
    assert not at.exception, at.exception
    assert "Budsjett per partner" in [h.value for h in at.subheader]
    frames = [df.value for df in at.table]
    partners = next(f for f in frames if "Partner" in f.columns)
    assert list(partners["Partner"]) == ["Sykehuset (helseforetaket)", "Aby", "Bstad", "Kommunene samlet",
                                         "Alle partnere"]
    assert all(x.endswith(" mill. kr per år") for x in partners["Netto endring per år"])
    assert all(x.endswith(" mill. kr per år") for x in partners["95 % KI"])
    per = next(f for f in frames if "Kostnad per unngått" in f.columns)
    assert set(per["Enhet"]) == {"kr per unngått overliggedøgn", "kr per unngått reinnleggelse"}
    assert list(per["Kostnaden for"])[:3] == ["Alle partnere", "Kommunene samlet", "Sykehuset (helseforetaket)"]
    # the report's figure of each partner's change on one scale
    assert [type(e).__name__ for e in at.main].count("Image") == 1
    # where Fieller's interval has no limits the page says so in words
    c = job.comparison()
    ((name, b),) = c.budget().items()
    e = b["cost_per_avoided"]["readmissions"]
    e["total"] = {**e["total"], "bounded": False, "ci95": [None, None]}
    c.budget = lambda: {name: {"cost_per_avoided": {"readmissions": e}}}  # type: ignore[method-assign]
    assert per_avoided_rows(c, "nb")[0]["95 % KI (Fieller)"] == "ikke avgrenset"
    assert per_avoided_rows(c, "en")[0]["95% CI (Fieller)"] == "not bounded"


def test_bad_capacity_shows_the_cli_message_and_keeps_the_result(community: Path) -> None:
    at = _app()
    at.sidebar.number_input(key="replications").set_value(2)
    at.run()
    at.selectbox(key="cap_place").set_value("municipality.Bstad")
    at.run()
    at.number_input(key="cap:municipality.Bstad.short_term_beds").set_value(6)
    at.run()
    at.button(key="run_compare").click()
    at.run()
    job = _wait(at.session_state["compare_job"])
    at.number_input(key="cap:municipality.Bstad.short_term_beds").set_value(-3)
    at.run()
    at.button(key="run_compare").click()
    at.run()
    assert not at.exception, at.exception
    try:
        load_scenario(community / "baseline.toml", ["municipality.Bstad.short_term_beds=-3"])
    except ScenarioError as exc:
        cli = exc.messages
    else:  # pragma: no cover
        raise AssertionError("the loader accepted a negative capacity")
    shown = "\n".join(e.value for e in at.error)
    assert cli and all(m in shown for m in cli), (cli, shown)
    assert "Traceback" not in shown
    assert at.session_state["compare_job"] is job  # nothing already computed is lost
    assert "Ferdig: 2 replikasjoner" in _texts(at)
    at.number_input(key="cap:municipality.Bstad.short_term_beds").set_value(6)  # corrected: the error goes
    at.run()
    assert not [e.value for e in at.error]


def test_bad_override_and_english(community: Path) -> None:
    at = _app()
    at.sidebar.toggle(key="english").set_value(True)
    at.sidebar.text_area(key="overrides_text").set_value("scenario.horizon_dayz=60")
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value.startswith("Home-to-home")
    shown = "\n".join(e.value for e in at.error)
    assert "--set:scenario.horizon_dayz: " in shown and "did you mean 'horizon_days'" in shown


def test_baseline_view_per_place(community: Path) -> None:
    at = _app()
    at.sidebar.number_input(key="replications").set_value(2)
    at.run()
    at.button(key="run_baseline").click()
    at.run()
    _wait(at.session_state["baseline_job"])
    at.run()
    assert not at.exception, at.exception
    first = at.table[0].value
    assert "Liggedøgn for utskrivningsklare" in list(first["Indikator"])
    assert set(first.columns) == {"Indikator", "Gjennomsnitt", "95 % KI", "Enhet"}
    frames = [df.value for df in at.dataframe]
    places = set().union(*(set(f["Sted"]) for f in frames if "Sted" in f.columns))
    assert {"Aby", "Bstad", "Tiny hospital"} <= places


def test_folders_confine_reads_and_writes(tmp_path: Path, community: Path) -> None:
    folders = AppFolders([community.parent], tmp_path / "results")
    with pytest.raises(OutsideFolders):
        folders.readable("/etc/passwd")
    with pytest.raises(OutsideFolders):
        folders.writable(tmp_path / "elsewhere.toml")
    saved = folders.save_upload("../../evil name.toml", b"[scenario]\n")
    assert saved.parent == (tmp_path / "results" / "app" / "uploads").resolve()
    # an uploaded file may extend a file of the chosen community, not one outside the app's folders
    with pytest.raises(ScenarioError) as err:
        prepare_upload(folders, "up.toml", b'extends = "../../../../etc/hosts"\n', community)
    assert err.value.messages == ["up.toml:extends: '../../../../etc/hosts' is outside the app's scenario folders"]
    with pytest.raises(ScenarioError) as err:
        prepare_upload(folders, "broken.toml", b"[scenario\n", community)
    assert err.value.messages[0].startswith("broken.toml: not a valid TOML file")
    good = prepare_upload(folders, "mine.toml", b'extends = "baseline.toml"\n[scenario]\nname = "Mine"\n', community)
    assert load_scenario(good).scenario.name == "Mine"


def test_draft_loads_like_the_cli(tmp_path: Path, community: Path) -> None:
    folders = AppFolders([community.parent], tmp_path / "results")
    base = load_scenario(community / "baseline.toml")
    caps = capacities(base)
    draft = Draft(baseline=community / "baseline.toml", name="Pool", capacity={"hospital.beds": 12},
                  pools=[PoolDraft("Felles KAD", "kad", ["Aby", "Bstad"])])
    loaded = load_draft(draft, folders, [])
    assert loaded.raw["hospital"]["beds"] == 12
    assert describe(draft, caps, [], "en")[0] == "The hospital: beds (staffed) changes from 11 to 12 (+1)."
    assert loaded.path.is_relative_to(folders.work)
    bad = Draft(baseline=community / "baseline.toml", pools=[PoolDraft("X", "kad", ["Aby", "Cby"])])
    with pytest.raises(ScenarioError) as err:
        load_draft(bad, folders, [])
    assert any("Cby" in m for m in err.value.messages)


def test_cli_app_command_and_no_streamlit_at_start() -> None:
    from hjemtilhjem.cli import COMMANDS, build_parser

    assert "app" in COMMANDS
    a = build_parser().parse_args(["app", "--port", "8600", "--no-browser"])
    assert a.port == 8600 and a.no_browser and a.host is None
    # the command line never imports Streamlit: only the server process started by `app` does
    for mod in ("cli/app.py", "cli/__init__.py", "__init__.py", "app/__init__.py", "app/build.py", "app/jobs.py",
                "app/folders.py", "app/views.py"):
        tree = ast.parse((ROOT / "hjemtilhjem" / mod).read_text(encoding="utf-8"))
        names = [n.name for node in ast.walk(tree) if isinstance(node, ast.Import) for n in node.names]
        names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [n for n in names if n.split(".")[0] == "streamlit"], mod
