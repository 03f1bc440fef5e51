"""What each scenario changed, in plain words: every intervention's effects with unit, value and CI, the evidence
variant used, its source, whom it targets and what it costs.

Read from each scenario's ``scenario.resolved.toml`` (the scenario that ran). No scenario key is shown raw: every
effect is written as a sentence fragment in nb or en ("relativ risiko for reinnleggelse innen 30 dager 0,89 (95 % KI
0,81–0,97)"); an effect this module does not know yet is named by its words, never by its key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .data import ReportData, ScenarioData
from .numbers import NBSP, is_missing, number
from .texts import TEXT, text

__all__ = ["InterventionText", "ScenarioChanges", "describe_interventions", "effect_phrases", "scenario_changes",
           "short_effects", "shown", "shared_overrides"]

_CI = {"nb": f"95{NBSP}% KI", "en": "95% CI"}

#: ratio effects: (nb, en) of what is multiplied
_RATIOS: dict[str, tuple[str, str]] = {
    "admission_rate_mult": ("akutte innleggelser (rate) ganget med", "acute admission rate multiplied by"),
    "los_mult": ("liggetid til utskrivningsklar ganget med",
                 "length of stay until ready for discharge multiplied by"),
    "readmission_rr": ("relativ risiko for reinnleggelse innen 30 dager",
                       "relative risk of readmission within 30 days"),
    "home_care_hours_mult": ("timer hjemmetjeneste per bruker ganget med",
                             "home-care hours per client multiplied by"),
}
#: additive effects in days: (nb, en) of what changes
_DAYS: dict[str, tuple[str, str]] = {
    "los_delta_days": ("liggetid til utskrivningsklar endret med",
                       "length of stay until ready for discharge changed by"),
    "discharge_delay_delta_days": ("tid fra ledig kommunal plass til utskrivning endret med",
                                   "time from a free municipal place to discharge changed by"),
    "planning_delay_delta_days": ("planleggingstid før utskrivning endret med",
                                  "discharge planning time changed by"),
}
#: capacities: (nb, en) names of the places, plural
_CAPACITY: dict[str, tuple[str, str]] = {
    "kad_beds": ("KAD-senger", "KAD beds"),
    "short_term_beds": ("korttidsplasser", "short-term places"),
    "rehab_beds": ("rehabiliteringsplasser", "rehabilitation places"),
    "long_term_beds": ("langtidsplasser", "long-term places"),
    "home_care_clients": ("plasser i hjemmetjenesten (brukere)", "home-care places (clients)"),
    "home_care_hours_per_week": ("timer hjemmetjeneste per uke", "home-care hours per week"),
}
_DESTINATIONS: dict[str, tuple[str, str]] = {
    "home": ("hjem", "home"), "home_care": ("hjem med hjemmetjeneste", "home with home care"),
    "short_term": ("korttidsopphold", "short-term stay"), "rehab": ("rehabilitering", "rehabilitation"),
    "long_term": ("langtidsplass", "long-term care"),
}


def _words(key: str) -> str:
    """An unknown key as words ("new_effect_mult" -> "new effect mult"), never the raw key."""
    return key.replace("_", " ").replace(".", " ").strip()


def _nb(lang: str) -> bool:
    return lang == "nb"


def _num(x: Any, lang: str, digits: int | None = None) -> str:
    return number(x, lang, digits)


def _range(lo: Any, hi: Any, lang: str, digits: int | None = None) -> str:
    a, b = _num(lo, lang, digits), _num(hi, lang, digits)
    if (not is_missing(lo) and float(lo) < 0) or (not is_missing(hi) and float(hi) < 0):
        return f"{a} {'til' if _nb(lang) else 'to'} {b}"
    return f"{a}–{b}"


def _point(v: Any) -> tuple[float | None, tuple[float, float] | None, str]:
    """(point value, 95% CI or None, distribution name) of a number or an uncertain effect table."""
    if isinstance(v, bool):
        return float(v), None, "fixed"
    if isinstance(v, (int, float)):
        return float(v), None, "fixed"
    if isinstance(v, dict):
        mean = v.get("mean", v.get("value"))
        c = v.get("ci95")
        ci = (float(c[0]), float(c[1])) if isinstance(c, (list, tuple)) and len(c) == 2 else None
        if ci is None and v.get("dist") == "uniform":
            ci = (float(v.get("low", 0.0)), float(v.get("high", 0.0)))
        return (None if mean is None else float(mean)), ci, str(v.get("dist", "fixed"))
    return None, None, ""


def _signed(x: float, lang: str, digits: int = 2) -> str:
    s = _num(abs(x), lang, digits)
    return ("+" if x > 0 else "−" if x < 0 else "") + s


def _with_ci(core: str, ci: tuple[float, float] | None, lang: str, digits: int | None = None) -> str:
    return core if ci is None else f"{core} ({_CI[lang]} {_range(ci[0], ci[1], lang, digits)})"


def effect_phrases(effects: dict[str, Any], lang: str = "nb", municipalities: list[str] | None = None) -> list[str]:
    """Each effect of one effects table as words with unit, value and (when uncertain) the 95% CI.

    ``municipalities``: the intervention's target municipalities (a capacity change applies to each of them; to
    every municipality when there are none).
    """
    nb = _nb(lang)
    out: list[str] = []
    for key, v in effects.items():
        if key == "capacity_delta" and isinstance(v, dict):
            for cap, n in v.items():
                if not n:
                    continue
                what = _CAPACITY.get(cap, (_words(cap), _words(cap)))[0 if nb else 1]
                more = ("flere" if n > 0 else "færre") if nb else ("more" if n > 0 else "fewer")
                munis = ", ".join(municipalities or [])
                each = ((f"i hver av {munis}" if nb else f"in each of {munis}") if len(municipalities or []) > 1
                        else (f"i {munis}" if nb else f"in {munis}") if munis
                        else ("i hver kommune" if nb else "in each municipality"))
                out.append(f"{_num(abs(n), lang, 0)} {more} {what} {each}")
            continue
        if key == "hospital_beds_delta":
            if v:
                more = ("flere" if v > 0 else "færre") if nb else ("more" if v > 0 else "fewer")
                beds = "bemannede sykehussenger" if nb else "staffed hospital beds"
                out.append(f"{_num(abs(v), lang, 0)} {more} {beds}")
            continue
        if key == "destination_shift" and isinstance(v, list):
            for shift in v:
                if not isinstance(shift, dict):
                    continue
                mean, ci, _ = _point(shift.get("share"))
                if mean is None or mean == 0.0 and ci is None:
                    continue
                a = _DESTINATIONS.get(str(shift.get("from")), (_words(str(shift.get("from"))),) * 2)[0 if nb else 1]
                b = _DESTINATIONS.get(str(shift.get("to")), (_words(str(shift.get("to"))),) * 2)[0 if nb else 1]
                share = number(mean * 100, lang, 0)
                core = (f"{share}{NBSP}% av dem som ellers ville blitt utskrevet til {a}, skrives ut til {b} i stedet"
                        if nb else f"{share}% of those who would have been discharged to {a} go to {b} instead")
                out.append(_with_ci(core, None if ci is None else (ci[0] * 100, ci[1] * 100), lang, 0))
            continue
        mean, ci, _ = _point(v)
        if mean is None:
            continue
        if key in _RATIOS:
            if key != "readmission_rr" and mean == 1.0 and ci is None:
                continue
            name = _RATIOS[key][0 if nb else 1]
            pct = (mean - 1.0) * 100
            tail = (f", dvs. {_signed(pct, lang, 0)}{NBSP}%" if nb else f", i.e. {_signed(pct, lang, 0)}%") \
                if abs(pct) >= 0.5 else ""
            out.append(_with_ci(f"{name} {_num(mean, lang, 2)}", ci, lang, 2) + tail)
        elif key in _DAYS:
            if mean == 0.0 and ci is None:
                continue
            name = _DAYS[key][0 if nb else 1]
            unit = "dager" if nb else "days"
            out.append(_with_ci(f"{name} {_signed(mean, lang)} {unit}", ci, lang, 2))
        elif key == "kad_diversion_share":
            pp = number(mean * 100, lang, 1)
            out.append(f"andelen akutte hendelser som sendes til KAD (når en seng er ledig) økt med {pp} prosentpoeng"
                       if nb else f"share of acute events sent to KAD (when a bed is free) raised by {pp} "
                                  "percentage points")
        else:
            out.append(_with_ci(f"{_words(key)} {_num(mean, lang)}", ci, lang))
    return out


@dataclass
class InterventionText:
    """One intervention as the report states it."""

    label: str
    effects: list[str]
    variant: str
    variants: list[str]
    source: str
    targets: str
    cost: str
    other: list[str] = field(default_factory=list)  # start day, reach, ramp-up when set
    variant_name: str = "base"

    def lines(self, lang: str = "nb") -> list[tuple[str, str]]:
        """(heading, text) pairs in reading order."""
        nb = _nb(lang)
        none = "ingen" if nb else "none"
        out = [(text("iv.effects", lang), "; ".join(self.effects) if self.effects else none),
               (text("iv.variant", lang), self.variant),
               (text("iv.source", lang), self.source or ("ikke oppgitt" if nb else "not given")),
               (text("iv.targets", lang), self.targets)]
        if self.cost:
            out.append((text("iv.cost", lang), self.cost))
        out += [(text("iv.other", lang), "; ".join(self.other))] if self.other else []
        return out


@dataclass
class ScenarioChanges:
    """What one scenario changed: its interventions and the overrides it ran with."""

    name: str
    interventions: list[InterventionText]
    overrides: list[str]


def _active(iv: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(variant name, effects table) the scenario ran with: ``variants[evidence]`` unless the base is used."""
    ev = str(iv.get("evidence") or "base")
    variants = iv.get("variants") or {}
    if ev != "base" and isinstance(variants.get(ev), dict):
        return ev, variants[ev]
    return "base", iv.get("effects") or {}


def _variant_text(iv: dict[str, Any], lang: str) -> tuple[str, list[str]]:
    nb = _nb(lang)
    ev, _ = _active(iv)
    others = [v for v in ["base", *(iv.get("variants") or {})] if v != ev]
    main = (f"«{ev}»" + (" (standard)" if ev == "base" else "")) if nb else (
        f"“{ev}”" + (" (the default)" if ev == "base" else ""))
    if others:
        main += (f"; andre varianter i filen: {', '.join(others)}" if nb else
                 f"; other variants in the file: {', '.join(others)}")
    return main, others


def _source_text(iv: dict[str, Any], ev: str, citations: dict[str, str]) -> str:
    """The intervention's source; a variant's own source when it has one; a key of ``[sources]`` expanded."""
    src = ""
    srcs = iv.get("sources")
    if isinstance(srcs, dict) and isinstance(srcs.get(ev), str):
        src = srcs[ev]
    src = src or str(iv.get("source") or "")
    return f"{src}: {citations[src]}" if src in citations else src


def _targets_text(iv: dict[str, Any], lang: str) -> str:
    nb = _nb(lang)
    t = iv.get("targets") or {}
    groups = [text(f"group.{g}", lang) if f"group.{g}" in TEXT else _words(g) for g in t.get("groups") or []]
    munis = list(t.get("municipalities") or [])
    who = ", ".join(g.lower() for g in groups) if groups else ("alle pasientgrupper" if nb
                                                                            else "all patient groups")
    where = (f"i {', '.join(munis)}" if nb else f"in {', '.join(munis)}") if munis else (
        "i alle kommuner" if nb else "in all municipalities")
    bands = t.get("age_bands") or []
    age = (f", aldersgruppe {', '.join(bands)}" if nb else f", age bands {', '.join(bands)}") if bands else ""
    return f"{who[0].upper() + who[1:] if who else who}{age}, {where}"


_PAYER: dict[str, tuple[str, str]] = {
    "hospital": ("betalt av sykehuset", "paid by the hospital"),
    "municipalities": ("betalt av kommunene", "paid by the municipalities"),
    "shared": ("delt likt mellom sykehuset og kommunene", "shared equally by the hospital and the municipalities"),
}
#: the [costs] key of the fixed cost of each capacity key
_PLACE_YEAR = {"kad_beds": "kad_place_year_nok", "short_term_beds": "short_term_place_year_nok",
               "rehab_beds": "rehab_place_year_nok", "long_term_beds": "long_term_place_year_nok",
               "home_care_clients": "home_care_place_year_nok", "home_care_hours_per_week": "home_care_place_year_nok"}


def _capacity_cost(effects: dict[str, Any], costs: dict[str, Any], n_munis: int) -> float:
    """Fixed cost per year of the capacity an effects table adds (places x place-year; beds x bed-year)."""
    total = 0.0
    for key, n in (effects.get("capacity_delta") or {}).items():
        total += float(n or 0) * n_munis * float(costs.get(_PLACE_YEAR.get(key, ""), 0) or 0)
    total += float(effects.get("hospital_beds_delta") or 0) * float(costs.get("hospital_bed_year_nok", 0) or 0)
    return total


def _cost_text(iv: dict[str, Any], lang: str, costs: dict[str, Any] | None = None, n_munis: int = 0) -> str:
    nb = _nb(lang)
    parts = []
    per = float(iv.get("cost_per_patient_nok") or 0)
    annual = float(iv.get("annual_cost_nok") or 0)
    if per:
        parts.append(f"{number(per, lang, 0)} kr per innleggelse av en pasient tiltaket når" if nb
                     else f"NOK {number(per, lang, 0)} per admission of a patient the intervention reaches")
    if annual:
        parts.append(f"{number(annual / 1e6, lang, 1)} mill. kr per år" if nb
                     else f"NOK {number(annual / 1e6, lang, 1)} million per year")
    own = " + ".join(parts)
    if own:
        own += f" ({_PAYER.get(str(iv.get('paid_by') or 'municipalities'), _PAYER['municipalities'])[0 if nb else 1]})"
    munis = len((iv.get("targets") or {}).get("municipalities") or []) or n_munis
    fixed = _capacity_cost(_active(iv)[1], costs or {}, munis)
    if fixed:
        cap = (f"faste kostnader for den nye kapasiteten {number(fixed / 1e6, lang, 1)} mill. kr per år (kostnad per "
               "bemannet plass-år i scenarioets kostnader, betalt av kommunen som legger plassene til; senger av "
               "sykehuset)" if nb else
               f"fixed cost of the added capacity NOK {number(fixed / 1e6, lang, 1)} million per year (the "
               "scenario's cost per staffed place-year, paid by the municipality that adds the places; beds by the "
               "hospital)")
        own = f"{own}; {cap}" if own else cap
    return own or ("ingen kostnad oppgitt" if nb else "no cost given")


def _other_text(iv: dict[str, Any], lang: str) -> list[str]:
    nb = _nb(lang)
    out = []
    start = float(iv.get("start_day") or 0)
    if start:
        out.append(f"starter dag {number(start, lang, 0)}" if nb else f"starts on day {number(start, lang, 0)}")
    reach, ci, _ = _point(iv.get("reach")) if iv.get("reach") is not None else (1.0, None, "")
    if reach is not None and reach < 1:
        out.append(_with_ci(f"når {number(reach * 100, lang, 0)}{NBSP}% av målgruppen (om en pasient nås, trekkes "
                            "for hvert sykehusopphold)" if nb else
                            f"reaches {number(reach * 100, lang, 0)}% of the target group (whether a patient is "
                            "reached is drawn for each hospital stay)",
                            None if ci is None else (ci[0] * 100, ci[1] * 100), lang, 0))
    elif not _nb(lang) and reach is not None:
        out.append("reaches the whole target group")
    elif reach is not None:
        out.append("når hele målgruppen")
    ramp = iv.get("ramp_up_days")
    if isinstance(ramp, (int, float)) and ramp > 0:
        full = number((reach or 1.0) * 100, lang, 0)
        out.append(f"trappes opp: andelen som nås øker jevnt fra 0 på startdagen til {full}{NBSP}% etter "
                   f"{number(ramp, lang, 0)} dager" if nb else
                   f"ramps up: the share reached grows evenly from 0 on the start day to {full}% after "
                   f"{number(ramp, lang, 0)} days")
    return out


def describe_interventions(s: ScenarioData, citations: dict[str, str] | None = None,
                           lang: str = "nb") -> list[InterventionText]:
    """The enabled interventions of one scenario, as the report states them."""
    out = []
    for iv in s.resolved.get("intervention", []) or []:
        if not isinstance(iv, dict) or not iv.get("enabled", True):
            continue
        ev, effects = _active(iv)
        variant, others = _variant_text(iv, lang)
        out.append(InterventionText(
            label=str(iv.get("label") or _words(str(iv.get("name", "")))),
            effects=effect_phrases(effects, lang, list((iv.get("targets") or {}).get("municipalities") or [])),
            variant=variant, variants=others, source=_source_text(iv, ev, citations or {}),
            targets=_targets_text(iv, lang),
            cost=_cost_text(iv, lang, s.resolved.get("costs") or {}, len(s.resolved.get("municipality") or [])),
            other=_other_text(iv, lang), variant_name=ev))
    return out


def scenario_changes(data: ReportData, citations: dict[str, str] | None = None,
                     lang: str = "nb") -> list[ScenarioChanges]:
    """For every scenario of the report: its interventions and its ``--set`` overrides."""
    common = shared_overrides(data)
    return [ScenarioChanges(s.name, describe_interventions(s, citations, lang),
                            [str(o) for o in s.manifest.get("overrides") or [] if str(o) not in common])
            for s in data.scenarios]


def shared_overrides(data: ReportData) -> list[str]:
    """The ``--set`` overrides every scenario of a comparison ran with (shown once, not under each scenario)."""
    if len(data.scenarios) < 2:
        return []
    each = [[str(o) for o in s.manifest.get("overrides") or []] for s in data.scenarios]
    return [o for o in each[0] if all(o in e for e in each[1:])]


def short_effects(s: ScenarioData, lang: str = "nb") -> str:
    """"Trygg utskrivning (variant «base»): relativ risiko ...; ..." for the model summary."""
    parts = []
    for iv in describe_interventions(s, None, lang):
        var = f"«{iv.variant_name}»" if _nb(lang) else f"“{iv.variant_name}”"
        eff = ", ".join(iv.effects) if iv.effects else ("ingen effekter" if _nb(lang) else "no effects")
        parts.append(f"{iv.label} (variant {var}): {eff}")
    return " + ".join(parts)


def shown(data: ReportData) -> bool:
    """Whether the report has a section on what was compared: always in a comparison, else when the run has
    an intervention or an override."""
    return data.is_comparison or any(
        describe_interventions(s) or s.manifest.get("overrides") for s in data.scenarios)
