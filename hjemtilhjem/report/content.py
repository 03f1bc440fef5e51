"""What a report says, independent of its format: citable sentences, tables, provenance, STRESS-DES summary.

The HTML and Markdown writers render the same :class:`Table` objects and sentences, so both carry the
same numbers; nb and en differ only in wording and number format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..experiment.stats import MIN_REPLICATIONS_FOR_CI, few_replications
from ..outcomes.labels import BETTER, label
from ..scenario.calendar import age_low
from .data import ReportData, ScenarioData
from .interventions import short_effects
from .numbers import (
    CUT,
    NBSP,
    ci,
    cut_limits,
    diff_unit,
    is_missing,
    joint_digits,
    kind,
    number,
    scaled,
    value,
    value_unit,
    with_unit,
)
from .texts import TEXT, VERBS, text

__all__ = ["Table", "TABLE_KEYS", "MUNICIPALITY_KEYS", "FLOW_ROWS", "run_sentences", "difference_sentences",
           "indicator_table", "difference_table", "municipality_table", "flow_table", "provenance", "stress",
           "sources", "sentence_label", "few_replications_warning", "budget_table", "budget_sentences"]

#: indicators in the main table, in reading order
TABLE_KEYS = ("delayed_days", "delayed_days_per_1000_67plus", "delayed_payment_nok", "bed_occupancy",
              "corridor_patient_days", "los_mean", "admissions", "readmission_30d", "mortality_30d", "home_days_90",
              "short_term_wait", "kad_admissions_per_1000", "cost_hospital_nok", "cost_municipal_nok",
              "cost_intervention_nok", "cost_total_nok",
              # the official indicators as Helsedirektoratet and SKDE define them (outcomes/official.py)
              "overliggedogn_per_1000", "utskrivningsklare_pasienter_per_1000",
              "utskrivningsklare_pasienter_per_1000_std", "andel_med_overliggedogn",
              "andel_pasienter_med_overliggedogn", "overliggedogn_per_opphold", "reinnleggelse_67plus",
              "reinnleggelse_utskrivningsklare")
#: the indicators of the citable sentences
SENTENCE_KEYS = ("delayed_days", "readmission_30d", "bed_occupancy", "corridor_patient_days", "home_days_90",
                 "delayed_payment_nok")
MUNICIPALITY_KEYS = ("delayed_days", "delayed_days_per_1000_67plus", "overliggedogn_per_1000", "delayed_payment_nok",
                     "admissions", "readmission_30d", "home_days_90", "cost_municipal_nok")
FLOW_ROWS = ("acute_events", "triage_hospital", "triage_kad", "triage_home", "kad_to_hospital", "kad_to_home",
             "hospital_admissions", "readmissions", "discharge_home", "discharge_home_care", "discharge_short_term",
             "discharge_rehab", "discharge_long_term", "deaths_in_hospital")


@dataclass
class Table:
    """A table: header cells, rows of cells, and which columns are numbers (right-aligned)."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)
    group_rows: list[int] = field(default_factory=list)  # indices of rows that start a new group


def _pct(lang: str) -> str:
    """The percent sign as written after a number: "12 %" in nb, "12%" in en."""
    return f"{NBSP}%" if lang == "nb" else "%"


def sentence_label(key: str, lang: str) -> str:
    """An indicator label for use inside a sentence ("liggedøgn for utskrivningsklare")."""
    s = label(key, lang)
    return s[0].lower() + s[1:] if len(s) > 1 and s[1].islower() else s


def _ci_text(lang: str) -> str:
    return f"95{NBSP}% KI" if lang == "nb" else "95% CI"


def few_replications_warning(data: ReportData, lang: str = "nb") -> str | None:
    """The report's warning when its scenarios have too few replications for the CIs to mean much."""
    n = data.replications
    if not n or not few_replications(n):
        return None
    return text("report.few_replications", lang, replications=n, minimum=MIN_REPLICATIONS_FOR_CI)


def _cut_words(key: str, e: dict[str, Any], lang: str) -> str:
    """", avkortet ved 0" when the CI in ``e`` was cut at what the indicator can be, else ""."""
    if not e.get("ci95_truncated"):
        return ""
    lo, hi = e.get("ci95") or [None, None]
    pct = _pct(lang) if kind(key) == "share" else ""
    cuts = [f"{number(scaled(key, b), lang, 0)}{pct}" for b in cut_limits(key, lo, hi) if b is not None]
    if not cuts:
        return ""
    return (f", avkortet ved {' og '.join(cuts)}" if lang == "nb" else f", cut at {' and '.join(cuts)}")


def run_sentences(s: ScenarioData, lang: str = "nb") -> list[str]:
    """Citable sentences of one scenario: "Liggedøgn ... var 1 234 døgn per år (95 % KI 1 100–1 350).

    A CI cut at what the indicator can be says so in words: "(95 % KI 0–1 295, avkortet ved 0)".
    """
    out = []
    for key in SENTENCE_KEYS:
        e = s.indicators.get(key)
        if not e or is_missing(e.get("mean")):
            continue
        lo, hi = e.get("ci95") or [None, None]
        v = with_unit(key, value(key, e["mean"], lang), lang)
        c = ci(key, lo, hi, lang) + (_pct(lang) if kind(key) == "share" else "") + _cut_words(key, e, lang)
        verb = "var" if lang == "nb" else "was"
        out.append(f"{label(key, lang)} {verb} {v} ({_ci_text(lang)} {c}) i {s.name}."
                   if lang == "nb" else f"{label(key, lang)} {verb} {v} ({_ci_text(lang)} {c}) in {s.name}.")
    return out


def _diff_phrase(key: str, d: dict[str, Any], lang: str) -> tuple[str, bool]:
    """("reduserer X med 812 døgn per år (95 % KI 640–985)", clear) for a paired difference."""
    mean = float(d["mean"])
    lo_, hi_ = d.get("ci95") or [None, None]
    if is_missing(lo_) or is_missing(hi_):
        lo, hi, clear = float("nan"), float("nan"), False
    else:
        lo, hi = float(lo_), float(hi_)
        clear = lo > 0 or hi < 0
    dec, inc, chg = VERBS[lang]
    name = sentence_label(key, lang)
    unit = diff_unit(key, lang)
    by = "med" if lang == "nb" else "by"
    if clear:
        sign = -1.0 if mean < 0 else 1.0
        a, b = sorted((sign * lo, sign * hi))
        mag = number(abs(scaled(key, mean)), lang, joint_digits(key, mean, lo, hi))
        verb = dec if mean < 0 else inc
        phrase = f"{verb} {name} {by} {mag} {unit} ({_ci_text(lang)} {ci(key, a, b, lang)})"
    else:
        mag = number(scaled(key, mean), lang, joint_digits(key, mean, lo, hi))
        phrase = f"{chg} {name} {by} {mag} {unit} ({_ci_text(lang)} {ci(key, lo, hi, lang)})"
    rel = d.get("relative")
    if rel is not None and not is_missing(rel) and kind(key) != "share":
        pct = number(abs(float(rel)) * 100 if clear else float(rel) * 100, lang, 1)
        phrase += f", {'eller' if lang == 'nb' else 'or'} {pct}{_pct(lang)},"
    return phrase, clear


def difference_sentences(data: ReportData, lang: str = "nb") -> list[str]:
    """Citable sentences of a comparison: "Trygg utskrivning reduserer liggedøgn ... med 812 døgn per år (...)"."""
    if not data.comparison:
        return []
    diffs = data.comparison.get("differences", {})
    ref = data.reference.name
    out = []
    for s in data.scenarios[1:]:
        for key in SENTENCE_KEYS:
            d = diffs.get(s.name, {}).get(key)
            if not d or is_missing(d.get("mean")):
                continue
            phrase, clear = _diff_phrase(key, d, lang)
            vs = f"sammenlignet med {ref}" if lang == "nb" else f"compared with {ref}"
            tail = "" if clear else f"; {text('report.not_clear', lang)}"
            out.append(f"{s.name} {phrase} {vs}{tail}.")
    return out + budget_sentences(data, lang)


def _nok(x: Any, lang: str) -> str:
    """Whole kroner ("53 100 kr" / "NOK 53,100")."""
    v = number(round(float(x), -2) if abs(float(x)) >= 1000 else float(x), lang, 0)
    return f"{v} kr" if lang == "nb" else f"NOK {v}"


def _ratio_text(r: dict[str, Any] | None, avoided: dict[str, Any] | None, lang: str) -> tuple[str, str]:
    """(value, 95% CI) of a cost per unit avoided, in words when it has no meaning."""
    nb = lang == "nb"
    if not r or is_missing(r.get("ratio")) or not avoided or is_missing(avoided.get("mean")):
        return "–", "–"
    if float(avoided["mean"]) <= 0:
        return ("– (ingen unngått)" if nb else "– (none avoided)"), "–"
    val = _nok(r["ratio"], lang)
    if float(r["ratio"]) < 0:
        val += " (sparer penger)" if nb else " (saves money)"
    lo, hi = r.get("ci95") or [None, None]
    if not r.get("bounded") or is_missing(lo) or is_missing(hi):
        return "–", ("ubegrenset: antallet unngått er ikke sikkert over null" if nb else
                     "unbounded: the number avoided is not clearly above zero")
    if float(lo) >= 0:  # "49 100–91 700 kr" / "NOK 49,100–91,700"
        a, b = _nok(lo, lang), _nok(hi, lang)
        return val, (f"{a.removesuffix(' kr')}–{b}" if nb else f"{a}–{b.removeprefix('NOK ')}")
    return val, f"{_nok(lo, lang)} {'til' if nb else 'to'} {_nok(hi, lang)}"


def _per_million(r: dict[str, Any] | None, avoided: dict[str, Any], lang: str) -> tuple[str, str] | None:
    """(value, 95% CI) of the number avoided per million NOK: the inverse of a cost per unit avoided, shown only
    when that costs money for certain (its Fieller interval bounded and above zero, so the inverse is too)."""
    if not r or not r.get("bounded") or is_missing(r.get("ratio")) or float(avoided.get("mean") or 0) <= 0:
        return None
    lo, hi = r.get("ci95") or [None, None]
    if is_missing(lo) or is_missing(hi) or float(lo) <= 0:
        return None
    a, b = 1e6 / float(hi), 1e6 / float(lo)
    d = 0 if a >= 10 else 1
    return number(1e6 / float(r["ratio"]), lang, d), f"{number(a, lang, d)}–{number(b, lang, d)}"


def budget_table(data: ReportData, lang: str = "nb") -> Table | None:
    """Each partner's net change in cost per year (paired, 95% CI) and the cost per delayed day and per readmission
    avoided (Fieller's 95% CI), from ``comparison.json``'s ``budget``."""
    budget = (data.comparison or {}).get("budget") or {}
    if not budget or len(data.scenarios) < 2:
        return None
    nb = lang == "nb"
    header = [text("report.scenario", lang), "Partner / mål" if nb else "Partner / measure",
              "Verdi per år" if nb else "Value per year", text("report.ci", lang)]
    mill = "mill. kr" if nb else "million NOK"
    names = {"hospital": "Sykehuset (helseforetaket)" if nb else "The hospital trust",
             "municipalities": "Kommunene samlet" if nb else "All municipalities",
             "total": "Alle partnere" if nb else "All partners"}
    rows: list[list[str]] = []
    groups: list[int] = []
    for s in data.scenarios[1:]:
        b = budget.get(s.name)
        if not b:
            continue
        groups.append(len(rows))

        def add(what: str, val: str, ci_txt: str, name: str = s.name) -> None:
            rows.append([name if len(rows) == groups[-1] else "", what, val, ci_txt])

        for who, d in (b.get("partners") or {}).items():
            if is_missing(d.get("mean")):
                continue
            lo, hi = d.get("ci95") or [None, None]
            label_ = names.get(who, who)
            add(("Netto kostnad: " if nb else "Net cost: ") + label_,
                f"{number(float(d['mean']) / 1e6, lang, 1)} {mill}", ci("cost_total_nok", lo, hi, lang))
        for effect, what_nb, what_en, unit_nb, unit_en in (
                ("delayed_days", "unngåtte liggedøgn for utskrivningsklare", "delayed days avoided", "døgn", "days"),
                ("readmissions", "unngåtte reinnleggelser", "readmissions avoided", "", "")):
            e = (b.get("cost_per_avoided") or {}).get(effect) or {}
            av = e.get("avoided") or {}
            if is_missing(av.get("mean")):
                continue
            lo, hi = av.get("ci95") or [None, None]
            unit = unit_nb if nb else unit_en
            add((what_nb[0].upper() + what_nb[1:]) if nb else what_en[0].upper() + what_en[1:],
                f"{number(av['mean'], lang, 0 if abs(float(av['mean'])) >= 10 else 1)}{' ' + unit if unit else ''}",
                ci("delayed_days", lo, hi, lang))
            for who in ("total", "municipalities", "hospital"):
                val, ci_txt = _ratio_text(e.get(who), av, lang)
                lead = (f"Kostnad per {'unngått liggedøgn' if effect == 'delayed_days' else 'unngått reinnleggelse'}"
                        if nb else f"Cost per {'delayed day' if effect == 'delayed_days' else 'readmission'} avoided")
                add(f"{lead}, {names[who][0].lower() + names[who][1:]}", val, ci_txt)
            for who in ("total", "municipalities") if effect == "delayed_days" else ():
                per = _per_million(e.get(who), av, lang)
                if per is not None:
                    add(("Unngåtte liggedøgn per million kr, " if nb else "Delayed days avoided per million NOK, ")
                        + names[who][0].lower() + names[who][1:], *per)
    if not rows:
        return None
    ref = data.reference.name
    cap = (f"Netto endring i hver partners kostnader per år (scenario minus referansen «{ref}», parvis, 95 % "
           "konfidensintervall): faste kostnader for bemannede plasser og senger, variable kostnader per belagt døgn, "
           "partnerens del av tiltakenes kostnader, og betalingen for utskrivningsklare (en utgift for kommunen, en "
           "inntekt for sykehuset). Kostnad per unngått liggedøgn eller reinnleggelse: gjennomsnittlig parvis "
           "kostnadsendring delt på gjennomsnittlig antall unngått per år, med Fiellers 95 % konfidensintervall "
           "(forholdet mellom to gjennomsnitt; «ubegrenset» når antallet unngått ikke er sikkert over null). Negative "
           "tall: tiltaket sparer penger." if nb else
           f"Net change in each partner's costs per year (scenario minus the reference “{ref}”, paired, 95% "
           "confidence interval): fixed costs of staffed places and beds, variable costs per occupied day, the "
           "partner's share of the interventions' costs, and the delayed-discharge payment (an expense for the "
           "municipality, income for the hospital). Cost per delayed day or readmission avoided: the mean paired "
           "change in cost over the mean number avoided per year, with Fieller's 95% confidence interval (a ratio of "
           "two means; “unbounded” when the number avoided is not clearly above zero). Negative: the intervention "
           "saves money.")
    return Table(cap, header, rows, [False, False, True, True], groups)


def budget_sentences(data: ReportData, lang: str = "nb") -> list[str]:
    """"Flere korttidsplasser: kommunene betaler 35,6 mill. kr mer per år (95 % KI ...); hvert unngått liggedøgn
    koster kommunene 53 100 kr (95 % KI ...)."."""
    budget = (data.comparison or {}).get("budget") or {}
    nb = lang == "nb"
    out = []
    for s in data.scenarios[1:]:
        b = budget.get(s.name) or {}
        d = (b.get("partners") or {}).get("municipalities")
        h = (b.get("partners") or {}).get("hospital")
        if not d or not h or is_missing(d.get("mean")):
            continue

        def change(x: dict[str, Any]) -> str:
            m = float(x["mean"])
            lo, hi = x.get("ci95") or [None, None]
            more = ("mer" if m >= 0 else "mindre") if nb else ("more" if m >= 0 else "less")
            return (f"{number(abs(m) / 1e6, lang, 1)} mill. kr {more} per år ({_ci_text(lang)} "
                    f"{ci('cost_total_nok', lo, hi, lang)})" if nb else
                    f"{number(abs(m) / 1e6, lang, 1)} million NOK {more} a year ({_ci_text(lang)} "
                    f"{ci('cost_total_nok', lo, hi, lang)})")

        line = (f"{s.name}: kommunene betaler {change(d)}, sykehuset {change(h)}" if nb else
                f"{s.name}: the municipalities pay {change(d)}, the hospital {change(h)}")
        for effect, who, what_nb, what_en in (
                ("delayed_days", "municipalities", "hvert unngått liggedøgn koster kommunene",
                 "each delayed day avoided costs the municipalities"),
                ("readmissions", "total", "hver unngått reinnleggelse koster alle partnere samlet",
                 "each readmission avoided costs all partners together")):
            e = (b.get("cost_per_avoided") or {}).get(effect) or {}
            val, ci_txt = _ratio_text(e.get(who), e.get("avoided"), lang)
            if val != "–" and not val.startswith("– "):  # only where the number avoided is clearly above zero
                line += f"; {what_nb if nb else what_en} {val} ({_ci_text(lang)} {ci_txt})"
        out.append(line + ".")
    return out


def _cell(key: str, e: dict[str, Any] | None, lang: str) -> str:
    """"812 (640–985)"; a CI limit cut at what the indicator can be is marked: "22,4 (0†–55,2)"."""
    if not e or is_missing(e.get("mean")):
        return "–"
    lo, hi = e.get("ci95") or [None, None]
    return f"{value(key, e['mean'], lang)} ({ci(key, lo, hi, lang, bool(e.get('ci95_truncated')))})"


def _cut_note(cells: list[list[str]], lang: str) -> str:
    """A caption note explaining :data:`CUT` when some cell carries it."""
    if not any(CUT in c for row in cells for c in row):
        return ""
    return " " + text("report.cut_note", lang, mark=CUT)


def indicator_table(data: ReportData, lang: str = "nb") -> Table:
    """Indicators (rows) by scenario (columns): mean with 95% CI."""
    keys = [k for k in TABLE_KEYS if any(k in s.indicators for s in data.scenarios)]
    if all(not s.indicators.get("cost_intervention_nok", {}).get("mean") for s in data.scenarios):
        keys = [k for k in keys if k != "cost_intervention_nok"]  # no intervention has a cost
    header = [text("report.indicator", lang), text("report.unit", lang)]
    header += [f"{s.name}" for s in data.scenarios]
    rows = []
    for k in keys:
        rows.append([label(k, lang), value_unit(k, lang), *[_cell(k, s.indicators.get(k), lang)
                                                            for s in data.scenarios]])
    cap = ("Gjennomsnitt per år i det målte året, med 95 % konfidensintervall i parentes." if lang == "nb"
           else "Mean per year in the measured year, with the 95% confidence interval in brackets.")
    return Table(cap + _cut_note(rows, lang), header, rows, [False, False, *[True] * len(data.scenarios)])


def difference_table(data: ReportData, lang: str = "nb") -> Table | None:
    """Paired differences of every scenario from the reference, with 95% CIs and share of replications better."""
    if not data.comparison or len(data.scenarios) < 2:
        return None
    diffs = data.comparison.get("differences", {})
    header = [text("report.scenario", lang), text("report.indicator", lang), text("report.difference", lang),
              text("report.ci", lang), text("report.relative", lang), text("report.share_better", lang)]
    rows: list[list[str]] = []
    groups: list[int] = []
    for s in data.scenarios[1:]:
        groups.append(len(rows))
        for k in TABLE_KEYS:
            d = diffs.get(s.name, {}).get(k)
            if not d or is_missing(d.get("mean")):
                continue
            lo, hi = d.get("ci95") or [None, None]
            rel, rlo_hi = d.get("relative"), d.get("relative_ci95") or [None, None]
            rel_txt = "–" if is_missing(rel) else (
                f"{number(rel * 100, lang, 1)}{_pct(lang)} ({ci('x', rlo_hi[0] * 100, rlo_hi[1] * 100, lang)})"
                if not is_missing(rlo_hi[0]) else f"{number(rel * 100, lang, 1)}{_pct(lang)}")
            share = d.get("share_better")
            share_txt = "–" if is_missing(share) or BETTER.get(k, 0) == 0 else (
                f"{number(share * 100, lang, 0)}{_pct(lang)}")
            diff_unit_txt = diff_unit(k, lang)
            if diff_unit_txt == "mill. kr per år" or diff_unit_txt == "million NOK per year":
                diff_unit_txt = "mill. kr" if lang == "nb" else "million NOK"
            diff_txt = number(scaled(k, d["mean"]), lang, joint_digits(k, d["mean"], lo, hi))
            rows.append([s.name if len(rows) == groups[-1] else "", label(k, lang), f"{diff_txt}"
                         f" {diff_unit_txt}", ci(k, lo, hi, lang), rel_txt, share_txt])
    cap = (f"Parvis forskjell (scenario minus referansen «{data.reference.name}») per år, med 95 % "
           "konfidensintervall, relativ endring og andelen replikasjoner der scenarioet er bedre." if lang == "nb" else
           f"Paired difference (scenario minus the reference “{data.reference.name}”) per year, with 95% confidence "
           "interval, relative change and the share of replications in which the scenario is better.")
    return Table(cap, header, rows, [False, False, True, True, True, True], groups)


def municipality_table(data: ReportData, lang: str = "nb") -> Table | None:
    """Key indicators by municipality (rows; one row per scenario in a comparison) with 95% CIs."""
    munis = data.municipalities
    if not munis:
        return None
    keys = [k for k in MUNICIPALITY_KEYS if k in data.reference.by_municipality.get(munis[0], {})]
    multi = len(data.scenarios) > 1
    header = [text("report.municipality", lang)] + ([text("report.scenario", lang)] if multi else [])
    header += [text(f"short.{k}", lang) if f"short.{k}" in TEXT else f"{label(k, lang)} ({value_unit(k, lang)})"
               for k in keys]
    rows: list[list[str]] = []
    groups: list[int] = []
    for m in munis:
        groups.append(len(rows))
        for i, s in enumerate(data.scenarios):
            cells = [m if i == 0 else ""] + ([s.name] if multi else [])
            cells += [_cell(k, s.by_municipality.get(m, {}).get(k), lang) for k in keys]
            rows.append(cells)
    cap = ("Nøkkeltall per kommune: gjennomsnitt per år med 95 % konfidensintervall i parentes. Kommunens kostnader "
           "omfatter betalingen for utskrivningsklare." if lang == "nb" else
           "Key figures by municipality: mean per year with the 95% confidence interval in brackets. Municipal costs "
           "include the delayed-discharge payment.")
    return Table(cap + _cut_note(rows, lang), header, rows, [False] * (1 + multi) + [True] * len(keys),
                 groups if multi else [])


def flow_table(data: ReportData, lang: str = "nb") -> Table | None:
    """Yearly flow counts by scenario."""
    have = [s for s in data.scenarios if s.flows]
    if not have:
        return None
    header = [text("report.flow_key", lang), *[s.name for s in have]]
    rows = []
    for k in FLOW_ROWS:
        if not any(k in s.flows for s in have):
            continue
        rows.append([text(f"flow.{k}", lang), *[number(round(s.flows[k]), lang, 0) if k in s.flows else "–"
                                                for s in have]])
    cap = ("Antall per år (gjennomsnitt over replikasjonene)." if lang == "nb"
           else "Number per year (mean over replications).")
    return Table(cap, header, rows, [False, *[True] * len(have)])


# ----------------------------------------------------------------------------------------- provenance
def provenance(s: ScenarioData, lang: str = "nb") -> list[tuple[str, str]]:
    """Label/value pairs an action-plan author needs to cite a figure."""
    m = s.manifest
    nb = lang == "nb"
    yes, no = ("ja", "nei") if nb else ("yes", "no")

    def g(k: str) -> str:
        v = m.get(k)
        return "–" if v is None or v == "" else str(v)

    pairs = [
        ("Scenario", s.name),
        ("Modellversjon" if nb else "Model version", f"hjemtilhjem {g('model_version')}"),
        ("Scenario SHA-256", g("scenario_sha256")),
        ("Frø (seed)" if nb else "Seed", g("seed")),
        ("Replikasjoner" if nb else "Replications", g("replications")),
        ("Målt periode" if nb else "Measured period", f"{number(m.get('horizon_days'), lang)} "
                                                      f"{'dager' if nb else 'days'}"),
        ("Innsvingingsperiode" if nb else "Warm-up",
         f"{number(m.get('warmup_days'), lang)} {'dager' if nb else 'days'}"),
        ("Startdato" if nb else "Start date", g("start_date")),
        ("Parameterusikkerhet" if nb else "Parameter uncertainty",
         "–" if m.get("parameter_uncertainty") is None else (yes if m.get("parameter_uncertainty") else no)),
        ("Kjøremiljø (executor)" if nb else "Executor", g("executor")),
        ("Laget" if nb else "Created", g("created")),
        ("Kommando" if nb else "Command", g("command")),
        ("Scenariofil" if nb else "Scenario file", g("scenario_file")),
        ("Programvare" if nb else "Software", f"Python {g('python')}, SimPy {g('simpy')}, NumPy {g('numpy')}"),
        ("Simulerte forløp" if nb else "Pathways simulated", number(m.get("patients_simulated"), lang, 0)),
        ("Kjøretid" if nb else "Run time", f"{number(m.get('wall_seconds'), lang)} s"),
    ]
    if m.get("overrides"):
        pairs.append(("Overstyringer (--set)" if nb else "Overrides (--set)", ", ".join(m["overrides"])))
    return pairs


def sources(data: ReportData) -> dict[str, str]:
    """Data sources cited by the scenarios (key -> citation), in first-seen order."""
    out: dict[str, str] = {}
    for s in data.scenarios:
        for k, v in (s.manifest.get("sources") or s.resolved.get("sources") or {}).items():
            out.setdefault(k, v)
    return out


def _sum_capacity(r: dict[str, Any], key: str) -> int:
    return int(sum(m.get(key, 0) for m in r.get("municipality", [])))


def _iv_summary(data: ReportData, lang: str) -> str:
    """"Trygg utskrivning: Trygg utskrivning (variant «base»): ..." for each scenario with interventions."""
    return "; ".join(f"{sd.name}: {short_effects(sd, lang)}" for sd in data.scenarios
                     if any(iv.get("enabled", True) for iv in sd.resolved.get("intervention", []) or []))


def stress(data: ReportData, lang: str = "nb") -> list[tuple[str, str]]:
    """A short STRESS-DES style model summary generated from the (reference) scenario."""
    nb = lang == "nb"
    s = data.reference
    r = s.resolved
    m = s.manifest
    munis = [x.get("name", "") for x in r.get("municipality", [])] or data.municipalities
    hosp = " / ".join(h.get("name", "sykehuset" if nb else "the hospital") for h in s.hospitals
                      if not h.get("external"))
    groups = [text(f"group.{g}", lang).lower() for g in s.groups]
    ivs = list({iv.get("name"): iv for sd in data.scenarios for iv in sd.resolved.get("intervention", [])
                if iv.get("enabled", True)}.values())
    iv_names = sorted({iv.get("label") or iv.get("name", "") for iv in ivs})
    pop = sum(sum(x.get("population", {}).values()) for x in r.get("municipality", []))
    pop67 = sum(n for x in r.get("municipality", []) for b, n in x.get("population", {}).items()
                if age_low(b) >= 67)
    scen = ", ".join(sd.name for sd in data.scenarios)
    out: list[tuple[str, str]] = []
    if nb:
        out.append(("1. Mål", (
            f"Å anslå hvordan {('tiltakene ' + ', '.join(iv_names)) if iv_names else 'dagens praksis'} påvirker "
            f"liggedøgn for utskrivningsklare, reinnleggelser, belegg, dager hjemme og kostnader for {hosp} og "
            f"{len(munis)} kommuner ({', '.join(munis)}). Scenarioer: {scen}.")))
        out.append(("2. Modellogikk", (
            "Hver akutte hendelse triageres av fastlege/legevakt til sykehus, KAD eller behandling hjemme. I sykehuset "
            "ligger pasienten til behandlingen er ferdig (utskrivningsklar); trenger pasienten et kommunalt tilbud "
            "(hjemmetjeneste, korttidsopphold, rehabilitering, langtidsplass) venter hen i sykehussengen til en plass "
            "er ledig, og kommunen betaler for hvert slikt døgn. Sykehussenger er en myk kapasitet (korridorpasienter "
            "telles), kommunale plasser er harde kapasiteter med kø. Etter utskrivning kan pasienten bli reinnlagt "
            f"eller dø innen 30 dager. Pasientgrupper: {', '.join(groups)}.")))
        out.append(("3. Data", (
            f"Befolkning {number(pop, lang, 0)} innbyggere, hvorav {number(pop67, lang, 0)} er 67 år eller eldre; "
            f"{number(s.own_beds, lang, 0)} bemannede sykehussenger; "
            f"{number(_sum_capacity(r, 'kad_beds'), lang, 0)} KAD-senger, "
            f"{number(_sum_capacity(r, 'short_term_beds'), lang, 0)} korttidsplasser, "
            f"{number(_sum_capacity(r, 'long_term_beds'), lang, 0)} langtidsplasser. Hvert tall i scenariofilen har "
            f"kilde eller er merket som anslag; {len(sources(data))} kilder er listet nedenfor.")))
        exp = (f"{m.get('replications')} replikasjoner per scenario, målt periode "
               f"{number(m.get('horizon_days'), lang)} dager etter {number(m.get('warmup_days'), lang)} dagers "
               f"innsvinging, frø {m.get('seed')}. Scenarioene "
               "deler tilfeldige tall (felles slumptall per aktivitet), så forskjeller er parvise. "
               + ("Tiltakseffekter trekkes per replikasjon fra sin usikkerhetsfordeling. "
                  if m.get("parameter_uncertainty") else "Tiltakseffekter er satt til punktestimatet. "))
        if ivs:
            exp += "Tiltak per scenario (se «Hva som ble sammenlignet»): " + _iv_summary(data, lang) + "."
        out.append(("4. Eksperimenter", exp))
        out.append(("5. Implementering", (
            f"hjemtilhjem {m.get('model_version')} (Python {m.get('python')}, SimPy {m.get('simpy')}), diskret "
            "hendelsessimulering med hendelseslogg; indikatorene beregnes fra loggen. "
            f"Kjørt med «{m.get('executor')}»; "
            "samme frø gir identiske resultater på alle kjøremiljøer.")))
    else:
        out.append(("1. Objectives", (
            f"To estimate how {('the interventions ' + ', '.join(iv_names)) if iv_names else 'current practice'} "
            f"affect delayed-discharge days, readmissions, occupancy, days at home and costs for {hosp} and "
            f"{len(munis)} municipalities ({', '.join(munis)}). Scenarios: {scen}.")))
        out.append(("2. Model logic", (
            "Each acute event is triaged by the GP/out-of-hours service to hospital, a municipal acute bed (KAD) or "
            "treatment at home. In hospital the patient stays until treatment ends (ready for discharge); a patient "
            "who needs a municipal service (home care, short-term stay, rehabilitation, long-term care) waits in the "
            "hospital bed until a place is free, and the municipality pays for each such day. Hospital beds are a soft "
            "capacity (corridor patients are counted); municipal places are hard capacities with queues. After "
            f"discharge a patient may be readmitted or die within 30 days. Patient groups: {', '.join(groups)}.")))
        out.append(("3. Data", (
            f"Population {number(pop, lang, 0)}, of whom {number(pop67, lang, 0)} aged 67 or more; "
            f"{number(s.own_beds, lang, 0)} staffed hospital beds; "
            f"{number(_sum_capacity(r, 'kad_beds'), lang, 0)} KAD beds, "
            f"{number(_sum_capacity(r, 'short_term_beds'), lang, 0)} short-term places, "
            f"{number(_sum_capacity(r, 'long_term_beds'), lang, 0)} long-term places. Every figure in the scenario "
            "file "
            f"names a source or is marked as an estimate; {len(sources(data))} sources are listed below.")))
        exp = (f"{m.get('replications')} replications per scenario, measured period "
               f"{number(m.get('horizon_days'), lang)} days after a warm-up of {number(m.get('warmup_days'), lang)} "
               f"days, seed {m.get('seed')}. Scenarios "
               "share random numbers (common random numbers per activity), so differences are paired. "
               + ("Intervention effects are drawn per replication from their uncertainty distribution. "
                  if m.get("parameter_uncertainty") else "Intervention effects are set to their point estimate. "))
        if ivs:
            exp += "Interventions by scenario (see “What was compared”): " + _iv_summary(data, lang) + "."
        out.append(("4. Experimentation", exp))
        out.append(("5. Implementation", (
            f"hjemtilhjem {m.get('model_version')} (Python {m.get('python')}, SimPy {m.get('simpy')}), discrete-event "
            f"simulation with an event log; indicators are computed from the log. Run with “{m.get('executor')}”; the "
            "same seed gives identical results on every executor.")))
    return out
