"""Reports a meeting reads right: the comparison says what it compared (each intervention's effects in words,
evidence variant, source, targets; no raw scenario keys), the flow diagram draws readmissions from the live
discharges and no empty boxes, per-municipality differences are paired, legends sit outside the data."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from hjemtilhjem.report import load_folder, write_report
from hjemtilhjem.report.data import ScenarioData
from hjemtilhjem.report.flows import LIVE, LIVE_DESTINATIONS, flow_layout
from hjemtilhjem.report.interventions import describe_interventions, effect_phrases
from hjemtilhjem.report.numbers import NBSP
from hjemtilhjem.report.paired import municipality_series

from .test_report import _comparison_folder

#: scenario keys that must never reach a reader
RAW_KEYS = ("short_term_beds", "capacity_delta", "readmission_rr", "los_delta_days", "admission_rate_mult",
            "hospital_beds_delta", "liggetid + dager", "short_term_beds +", "destination_shift", "ramp_up_days",
            "paid_by", "place_year", "home_care_hours_mult", "age_bands", "[costs]")


@pytest.fixture(scope="module")
def compare_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = _comparison_folder(tmp_path_factory.mktemp("meeting"))
    write_report(folder, "nb")
    write_report(folder, "en")
    return folder


def _reports(folder: Path) -> dict[str, str]:
    return {n: (folder / n).read_text(encoding="utf-8") for n in ("report.html", "report.md", "report.en.html",
                                                                  "report.en.md")}


# ----------------------------------------------------------------------------------------- what was compared
def test_comparison_report_says_what_it_compared(compare_folder: Path) -> None:
    r = _reports(compare_folder)
    for name in ("report.html", "report.md"):
        t = r[name]
        assert "Hva som ble sammenlignet" in t
        assert f"relativ risiko for reinnleggelse innen 30 dager 0,80 (95{NBSP}% KI 0,70–0,90)" in t
        assert "2 flere korttidsplasser i hver kommune" in t
        assert "Evidensvariant" in t and "«base»" in t
        assert "TEST-COST" in t  # the intervention's source
        assert "Skrøpelige eldre, i alle kommuner" in t
        assert f"1{NBSP}800 kr per innleggelse av en pasient tiltaket når" in t
        assert "Ingen tiltak (dagens praksis)." in t  # the reference
    for name in ("report.en.html", "report.en.md"):
        t = r[name]
        assert "What was compared" in t
        assert "relative risk of readmission within 30 days 0.80 (95% CI 0.70–0.90)" in t
        assert "2 more short-term places in each municipality" in t
        assert "Evidence variant" in t and "“base”" in t and "TEST-COST" in t
        assert "Frail elderly, in all municipalities" in t


def test_no_raw_scenario_keys_in_the_reports(compare_folder: Path) -> None:
    for name, t in _reports(compare_folder).items():
        body = re.sub(r"<svg.*?</svg>", "", t, flags=re.S)  # figures carry only their own words
        for key in RAW_KEYS:
            assert key not in body, f"{name} shows the raw key {key!r}"


def test_model_summary_names_the_effects_in_words(compare_folder: Path) -> None:
    md = (compare_folder / "report.md").read_text(encoding="utf-8")
    exp = next(line for line in md.splitlines() if line.startswith("**4. Eksperimenter.**"))
    assert "Trygg utskrivning (variant «base»)" in exp
    assert "relativ risiko for reinnleggelse" in exp and "2 flere korttidsplasser" in exp


def _scenario(iv: dict[str, object]) -> ScenarioData:
    return ScenarioData(name="S", folder=Path("."), summary={}, resolved={"intervention": [iv]})


def test_the_variant_that_ran_is_the_one_described() -> None:
    iv = {"name": "tu", "label": "Trygg utskrivning", "evidence": "pessimistic",
          "effects": {"readmission_rr": {"dist": "lognormal_ci", "mean": 0.89, "ci95": [0.81, 0.97]},
                      "los_delta_days": {"dist": "normal_ci", "mean": -0.73, "ci95": [-1.33, -0.12]}},
          "variants": {"pessimistic": {"readmission_rr": {"dist": "lognormal_ci", "mean": 1.09, "ci95": [0.88, 1.34]}}},
          "targets": {"groups": ["frail_elderly", "multimorbid"], "municipalities": ["Larvik"]},
          "source": "key1"}
    (d,) = describe_interventions(_scenario(iv), {"key1": "Donzé 2023 TARGET-READ"}, "nb")
    assert d.variant_name == "pessimistic" and d.variant.startswith("«pessimistic»") and "base" in d.variant
    assert d.effects == [f"relativ risiko for reinnleggelse innen 30 dager 1,09 (95{NBSP}% KI 0,88–1,34), "
                         f"dvs. +9{NBSP}%"]  # not the base effects
    assert d.source == "key1: Donzé 2023 TARGET-READ"
    assert d.targets == "Skrøpelige eldre, multisyke, i Larvik"
    (en,) = describe_interventions(_scenario(iv), None, "en")
    assert en.variant.startswith("“pessimistic”") and en.targets == "Frail elderly, multimorbid, in Larvik"


def test_effects_in_words_with_units() -> None:
    eff = {"los_delta_days": {"dist": "normal_ci", "mean": -0.73, "ci95": [-1.33, -0.12]},
           "admission_rate_mult": 0.9, "kad_diversion_share": 0.05, "hospital_beds_delta": 0,
           "capacity_delta": {"short_term_beds": 5, "kad_beds": -1}, "new_future_effect": 2.0}
    nb = effect_phrases(eff, "nb", ["Larvik"])
    assert nb[0] == f"liggetid til utskrivningsklar endret med −0,73 dager (95{NBSP}% KI −1,33 til −0,12)"
    assert nb[1] == f"akutte innleggelser (rate) ganget med 0,90, dvs. −10{NBSP}%"
    assert "økt med 5,0 prosentpoeng" in nb[2]
    assert nb[3:5] == ["5 flere korttidsplasser i Larvik", "1 færre KAD-senger i Larvik"]
    assert nb[5] == "new future effect 2"  # an effect the report does not know yet: words, not the key
    assert len(nb) == 6  # no line for a zero change of hospital beds
    en = effect_phrases(eff, "en")
    assert en[0] == "length of stay until ready for discharge changed by −0.73 days (95% CI −1.33 to −0.12)"
    assert en[3] == "5 more short-term places in each municipality"


# ----------------------------------------------------------------------------------------- flow diagram
def test_readmissions_come_from_the_live_discharges(compare_folder: Path) -> None:
    for s in load_folder(compare_folder).scenarios:
        lay = flow_layout(s.flows)
        arrow = lay.arrow("readmissions")
        assert arrow is not None and arrow.source == LIVE and arrow.target == "hospital_admissions"
        assert arrow.count == pytest.approx(s.flows["readmissions"])
        assert "deaths_in_hospital" not in lay.live and set(lay.live) <= set(LIVE_DESTINATIONS)
        bracket, hosp = lay.boxes[LIVE], lay.boxes["hospital_admissions"]
        # the bracket spans exactly the live-discharge boxes, and the death box lies outside it
        assert bracket.top == pytest.approx(lay.boxes[lay.live[0]].top)
        assert bracket.bottom == pytest.approx(lay.boxes[lay.live[-1]].bottom)
        dead = lay.boxes["deaths_in_hospital"]
        assert dead.bottom > bracket.top
        # the arrow starts on the bracket and ends at the hospital box
        assert arrow.points[0] == (bracket.x, bracket.y)
        assert arrow.points[-1] == (hosp.x, hosp.bottom)
        # every other arrow starts where its patients come from
        for a in lay.arrows:
            if a.flow.startswith("discharge_") or a.flow == "deaths_in_hospital":
                assert a.source == "hospital_admissions"


def test_no_empty_boxes_in_the_flow_diagram(compare_folder: Path) -> None:
    s = load_folder(compare_folder).reference
    assert s.flows.get("triage_home", 0) == 0  # the tiny scenario treats nobody at home
    lay = flow_layout(s.flows)
    assert "triage_home" not in lay.boxes and lay.arrow("triage_home") is None
    assert all(b.count > 0 for b in lay.boxes.values())
    some = {**s.flows, "triage_home": 120.0, "discharge_rehab": 0.0}
    lay = flow_layout(some)
    assert lay.boxes["triage_home"].count == 120 and lay.arrow("triage_home").source == "acute_events"  # type: ignore[union-attr]
    assert "discharge_rehab" not in lay.boxes and "discharge_rehab" not in lay.live


# ----------------------------------------------------------------------------------------- paired figures
def test_municipality_figure_shows_paired_differences(compare_folder: Path) -> None:
    data = load_folder(compare_folder)
    doc = json.loads((compare_folder / "comparison.json").read_text(encoding="utf-8"))
    munis = data.municipalities
    ((name, _, vals),) = municipality_series(data, "delayed_days", munis)
    assert name == "Trygg utskrivning"
    for m, v in zip(munis, vals, strict=True):
        d = doc["by_municipality"][name][m]["delayed_days"]
        assert v == pytest.approx((d["mean"], *d["ci95"]))
    html = (compare_folder / "report.html").read_text(encoding="utf-8")
    assert 'id="fig-municipality_differences"' in html and "Parvis forskjell per kommune" in html
    assert 'id="fig-cost_differences"' in html


def test_legends_sit_outside_the_data(compare_folder: Path) -> None:
    import matplotlib.pyplot as plt

    from hjemtilhjem.report import figures as F
    from hjemtilhjem.report.paired import cost_differences, municipality_differences

    data = load_folder(compare_folder)
    for build in (F._costs, F._readmission, F._delayed_by_municipality, municipality_differences, cost_differences):
        made = build(data, "nb")
        assert made is not None
        fig = made[0]
        try:
            assert all(ax.get_legend() is None for ax in fig.axes), build.__name__  # no legend inside an axes
            assert fig.legends, build.__name__
        finally:
            plt.close(fig)
    fig = F._costs(data, "en")[0]  # type: ignore[index]
    assert len(fig.axes) == 1  # one scale for the hospital and every municipality
    plt.close(fig)


def test_comparison_figures_checked_as_png(compare_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(compare_folder, folder)
    out = write_report(folder, "en")
    names = {p.name for p in out["figures"]}
    for n in ("municipality_differences", "cost_differences", "costs_by_payer", "pathway_flows"):
        assert f"{n}.en.png" in names and (folder / "figures" / f"{n}.en.png").stat().st_size > 5000
