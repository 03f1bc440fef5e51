"""The page's tables and chart data as plain rows (no Streamlit here): every number with its unit, in
Norwegian or English, formatted as the report formats them (:mod:`hjemtilhjem.report.numbers`)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from ..experiment.compare import Comparison
from ..experiment.results import RunResults
from ..experiment.stats import indicator_summary
from ..outcomes.labels import label
from ..report import numbers as fmt
from .texts import t

__all__ = ["HEADLINE", "indicator_rows", "place_rows", "difference_rows", "forest_rows", "municipality_rows",
           "daily_rows", "OCCUPANCY_SERIES", "budget_rows", "per_avoided_rows", "budget_figure"]

#: the indicators the page leads with (the CLI's headline)
HEADLINE = ("delayed_days", "delayed_days_per_1000_67plus", "readmission_30d", "bed_occupancy",
            "corridor_patient_days", "los_mean", "home_days_90", "mortality_30d", "short_term_wait",
            "delayed_payment_nok", "cost_hospital_nok", "cost_municipal_nok", "cost_intervention_nok")

OCCUPANCY_SERIES = ("hospital_occupancy", "staffed_beds", "corridor_patients", "delayed_patients", "kad_occupancy",
                    "short_term_occupancy", "rehab_occupancy", "long_term_occupancy", "home_care_occupancy")


def _keys(res: RunResults, keys: tuple[str, ...] | None) -> list[str]:
    have = res.outputs[0].indicators if res.outputs else {}
    return [k for k in (keys or HEADLINE) if k in have]


def _mean_ci(key: str, values: np.ndarray, lang: str) -> tuple[str, str]:
    s: dict[str, Any] = indicator_summary(key, values)
    lo, hi = s["ci95"]
    return fmt.value(key, s["mean"], lang), fmt.ci(key, lo, hi, lang, bool(s.get("ci95_truncated")))


def indicator_rows(res: RunResults, lang: str = "nb", keys: tuple[str, ...] | None = None) -> list[dict[str, str]]:
    """One row per indicator: label, mean, 95% CI, unit."""
    rows = []
    for k in _keys(res, keys):
        mean, ci = _mean_ci(k, res.values(k), lang)
        rows.append({t("col.indicator", lang): label(k, lang), t("col.mean", lang): mean, t("col.ci", lang): ci,
                     t("col.unit", lang): fmt.value_unit(k, lang)})
    return rows


def place_rows(res: RunResults, attr: str, lang: str = "nb") -> list[dict[str, str]]:
    """One row per place (municipality, hospital or pool) and indicator: mean [95% CI] unit."""
    if not res.outputs:
        return []
    rows = []
    for place, ind in getattr(res.outputs[0], attr).items():
        for k in ind:
            vals = np.array([getattr(o, attr)[place][k] for o in res.outputs], dtype=float)
            if np.all(np.isnan(vals)):
                continue
            mean, ci = _mean_ci(k, vals[~np.isnan(vals)], lang)
            rows.append({t("place", lang): place, t("col.indicator", lang): label(k, lang), t("col.mean", lang): mean,
                         t("col.ci", lang): ci, t("col.unit", lang): fmt.value_unit(k, lang) or _place_unit(k, lang)})
    return rows


_PLACE_UNITS = {"clients_in_place": ("pasienter", "patients"), "requests": ("per år", "per year"),
                "wait_mean": ("døgn", "days"), "capacity": ("plasser", "places"), "occupancy": ("%", "%")}


def _place_unit(key: str, lang: str) -> str:
    pair = _PLACE_UNITS.get(key)
    return "" if pair is None else pair[0 if lang == "nb" else 1]


def difference_rows(c: Comparison, lang: str = "nb", keys: tuple[str, ...] | None = None) -> list[dict[str, str]]:
    """One row per other scenario and indicator: both means, the paired difference and relative change, CIs."""
    rows = []
    for r in c.others:
        for k in _keys(c.reference, keys):
            if k not in r.outputs[0].indicators:
                continue
            d = c.difference(r, k)
            lo, hi = d["ci95"]
            rlo, rhi = d["relative_ci95"]
            if fmt.is_missing(d["relative"]) or not np.isfinite(float(d["relative"])):
                relative = "–"  # no relative change from zero (e.g. intervention costs the baseline does not have)
            else:
                relci = ("–" if fmt.is_missing(rlo) or fmt.is_missing(rhi)
                         else fmt.ci("relative", 100 * rlo, 100 * rhi, lang))
                relative = f"{fmt.number(100 * d['relative'], lang, 1)} % [{relci} %]"
            rows.append({
                t("col.indicator", lang): label(k, lang),
                t("col.reference", lang): fmt.with_unit(k, fmt.value(k, c.reference.values(k).mean(), lang), lang),
                t("col.scenario", lang): fmt.with_unit(k, fmt.value(k, r.values(k).mean(), lang), lang),
                t("col.difference", lang): f"{_signed(k, d['mean'], lang)} {fmt.diff_unit(k, lang)}",
                t("col.ci", lang): f"{_ci_signed(k, lo, hi, lang)} {fmt.diff_unit(k, lang)}",
                t("col.relative", lang): relative,
                t("col.better", lang): "–" if d["share_better"] is None else f"{100 * d['share_better']:.0f} %",
            })
    return rows


def _signed(key: str, x: Any, lang: str) -> str:
    if fmt.is_missing(x):
        return "–"
    s = fmt.value(key, abs(float(x)), lang)
    return ("+" if float(x) >= 0 else fmt.MINUS) + s


def _ci_signed(key: str, lo: Any, hi: Any, lang: str) -> str:
    if fmt.is_missing(lo) or fmt.is_missing(hi):
        return "–"
    return f"{_signed(key, lo, lang)} {'til' if lang == 'nb' else 'to'} {_signed(key, hi, lang)}"


def forest_rows(c: Comparison, lang: str = "nb", keys: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Relative paired differences (percent) with 95% CI, for the forest plot."""
    rows = []
    for r in c.others:
        for k in _keys(c.reference, keys):
            d = c.difference(r, k)
            rel, (lo, hi) = d["relative"], d["relative_ci95"]
            if rel is None or lo is None or hi is None or not np.isfinite([rel, lo, hi]).all():
                continue
            rows.append({"scenario": r.name, "indicator": label(k, lang), "key": k, "relative_pct": 100 * rel,
                         "low_pct": 100 * lo, "high_pct": 100 * hi})
    return rows


def municipality_rows(c: Comparison, lang: str = "nb",
                      keys: tuple[str, ...] = ("delayed_days", "delayed_payment_nok", "readmission_30d")
                      ) -> list[dict[str, str]]:
    """Per municipality: the paired difference of a few indicators with 95% CI and unit."""
    rows = []
    for name, by in c.municipality_differences().items():
        for m, ind in by.items():
            # the scenario's name only when there are several (one name on every row took a third of the width)
            row = {t("col.scenario", lang): name} if len(c.others) > 1 else {}
            row[t("place", lang)] = m
            for k in keys:
                if k not in ind:
                    continue
                d = ind[k]
                lo, hi = d["ci95"]
                row[label(k, lang)] = (f"{_signed(k, d['mean'], lang)} [{_ci_signed(k, lo, hi, lang)}] "
                                       f"{fmt.diff_unit(k, lang)}")
            rows.append(row)
    return rows


def daily_rows(results: list[RunResults], lang: str = "nb", series: tuple[str, ...] = ("hospital_occupancy",)
               ) -> list[dict[str, Any]]:
    """Long-format daily means (measured period only) per scenario and series, for a line chart."""
    rows: list[dict[str, Any]] = []
    for r in results:
        if not r.outputs or not r.outputs[0].daily:
            continue
        warm = r.scenario.scenario.warmup_days
        for k in series:
            if k not in r.outputs[0].daily:
                continue
            mean = np.vstack([o.daily[k] for o in r.outputs]).mean(axis=0)
            name = t(f"series.{k}", lang)
            for d in range(int(warm), len(mean)):
                rows.append({"day": d - int(warm), "value": float(mean[d]), "scenario": r.name, "series": name})
    return rows


#: the differences the page states in words above the forest plot
SENTENCE_KEYS = ("delayed_days", "readmission_30d", "bed_occupancy", "corridor_patient_days", "delayed_payment_nok",
                 "cost_municipal_nok")


def difference_sentences(c: Comparison, lang: str = "nb") -> list[str]:
    """One line per headline indicator: "Liggedøgn for utskrivningsklare: −17,4 døgn per år (95 % KI …)"."""
    out = []
    ci = "95 % KI" if lang == "nb" else "95% CI"
    for r in c.others:
        for k in SENTENCE_KEYS:
            if k not in r.outputs[0].indicators or k not in c.reference.outputs[0].indicators:
                continue
            d = c.difference(r, k)
            lo, hi = d["ci95"]
            unit = fmt.diff_unit(k, lang)
            out.append(f"**{label(k, lang)}**: {_signed(k, d['mean'], lang)} {unit} "
                       f"({ci} {_ci_signed(k, lo, hi, lang)} {unit})")
    return out


# ---------------------------------------------------------------------------------------------- budget
def _partner(who: str, lang: str) -> str:
    return t(f"partner.{who}", lang) if who in ("hospital", "municipalities", "total") else who


def budget_rows(c: Comparison, lang: str = "nb") -> list[dict[str, str]]:
    """Each partner's net change in cost per year (the trust, each municipality, all municipalities, all partners)
    with its paired 95% CI, from :meth:`Comparison.budget`; in million NOK per year."""
    key = "cost_total_nok"  # all cost indicators share the unit (million NOK per year)
    unit = fmt.diff_unit(key, lang)
    rows = []
    many = len(c.others) > 1
    for name, b in c.budget().items():
        for who, d in (b.get("partners") or {}).items():
            if fmt.is_missing(d.get("mean")):
                continue
            lo, hi = d.get("ci95") or [None, None]
            row = {t("col.scenario", lang): name} if many else {}
            row.update({t("col.partner", lang): _partner(who, lang),
                        t("col.net_change", lang): f"{_signed(key, d['mean'], lang)} {unit}",
                        t("col.ci", lang): f"{_ci_signed(key, lo, hi, lang)} {unit}"})
            rows.append(row)
    return rows


def _kr(x: float, lang: str) -> str:
    """Whole kroner, to the nearest hundred from 1000 up ("53 100"; the unit is in its own column)."""
    x = float(x)
    v = fmt.number(abs(round(x, -2) if abs(x) >= 1000 else x), lang, 0)
    return (fmt.MINUS if x < 0 and v.strip("0,. " + fmt.NBSP) else "") + v


def _ratio(r: dict[str, Any] | None, avoided: float, lang: str) -> tuple[str, str]:
    """(cost per one avoided, Fieller's 95% CI) in words: "ikke avgrenset" where the interval has no limits."""
    if not r:
        return "–", "–"
    lo, hi = r.get("ci95") or [None, None]
    bounded = bool(r.get("bounded")) and not (fmt.is_missing(lo) or fmt.is_missing(hi))
    ci_txt = f"{_kr(lo, lang)} {'til' if lang == 'nb' else 'to'} {_kr(hi, lang)}" if bounded else t("not_bounded", lang)
    if fmt.is_missing(avoided) or avoided <= 0 or fmt.is_missing(r.get("ratio")):
        return t("none_avoided", lang), ci_txt
    val = _kr(r["ratio"], lang)
    if float(r["ratio"]) < 0:
        val += f" ({t('saves', lang)})"
    return val, ci_txt


def per_avoided_rows(c: Comparison, lang: str = "nb") -> list[dict[str, str]]:
    """The cost per delayed day avoided and per readmission avoided, for all partners, the municipalities and the
    trust: the mean paired change in cost over the mean number avoided per year, with Fieller's 95% CI."""
    ci_word = "95 % KI" if lang == "nb" else "95% CI"
    rows = []
    many = len(c.others) > 1
    for name, b in c.budget().items():
        for effect, e in (b.get("cost_per_avoided") or {}).items():
            av = e.get("avoided") or {}
            if fmt.is_missing(av.get("mean")):
                continue
            mean = float(av["mean"])
            lo, hi = av.get("ci95") or [None, None]
            digits = 0 if abs(mean) >= 10 else 1
            unit = t(f"unit.avoided.{effect}", lang)
            avoided = (f"{fmt.number(mean, lang, digits)} ({ci_word} "
                       f"{fmt.number(lo, lang, digits) if not fmt.is_missing(lo) else '–'} "
                       f"{'til' if lang == 'nb' else 'to'} "
                       f"{fmt.number(hi, lang, digits) if not fmt.is_missing(hi) else '–'}) {unit}")
            for i, who in enumerate(("total", "municipalities", "hospital")):
                val, ci_txt = _ratio(e.get(who), mean, lang)
                row = {t("col.scenario", lang): name} if many else {}
                row.update({t("col.measure", lang): t(f"effect.{effect}", lang) if i == 0 else "",
                            t("col.avoided", lang): avoided if i == 0 else "",
                            t("col.paid_by", lang): _partner(who, lang),
                            t("col.cost_per", lang): val, t("col.fieller", lang): ci_txt,
                            t("col.unit", lang): t(f"unit.per.{effect}", lang)})
                rows.append(row)
    return rows


def budget_figure(c: Comparison, lang: str = "nb") -> tuple[bytes, str, str] | None:
    """The report's figure of each partner's net change in cost per year on one scale (paired 95% CI:
    :func:`hjemtilhjem.report.paired.cost_differences`), drawn from the comparison in memory, as PNG bytes with
    its title and caption; ``None`` when the results have no costs per partner."""
    import matplotlib.pyplot as plt

    from ..report.data import ReportData, ScenarioData
    from ..report.figures import _RC  # the report's figure style, so the page's figure looks like the report's
    from ..report.paired import cost_differences

    if not c.budget():
        return None
    here = Path(".")
    scenarios = []
    for r in c.results:
        munis = r.outputs[0].by_municipality if r.outputs else {}
        by = {m: {"cost_municipal_nok": {"mean": float(r.municipality_values(m, "cost_municipal_nok").mean())}}
              for m in munis if "cost_municipal_nok" in munis[m]}
        scenarios.append(ScenarioData(name=r.name, folder=here,
                                      summary={"scenario": r.name, "indicators": {}, "by_municipality": by}))
    data = ReportData(folder=here, scenarios=scenarios,
                      comparison={"reference": c.reference.name, "scenarios": c.names,
                                  "differences": c.differences(), "by_municipality": c.municipality_differences()})
    with plt.rc_context(_RC):  # type: ignore[arg-type]
        made = cost_differences(data, lang)
        if made is None:
            return None
        fig, title, caption = made
        png = io.BytesIO()
        fig.savefig(png, format="png", bbox_inches="tight", facecolor="white", dpi=130)
        plt.close(fig)
    return png.getvalue(), title, caption
