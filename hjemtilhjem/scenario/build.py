"""Build a scenario file from the data shipped in the package: population, catchments, national defaults.

Used by ``hjemtilhjem init`` (a starting scenario for any health community or list of municipalities),
``tools/build_national.py`` (the whole country) and ``tools/build_scenarios.py`` (Vestre Viken, Sogn og Fjordane),
so every generated scenario is made by the same code. It reads only :mod:`hjemtilhjem.data`:

* populations on 1 January of ``year`` (SSB table 07459), summed into the bands 0-66, 67-74, 75-79, 80+;
* hospital-trust catchments with the shares of split municipalities (``hf_catchments_2024.csv``);
* the national default parameters (``scenario_defaults.toml``: costs, triage, services, patient groups, sources),
  copied with their comments.

Capacities come from ratios per population (:data:`RATIOS`, each with its source), hospital beds from
the expected acute bed-days of the catchment, and the long-term requests from home are derived so that the places
freed each year cover the requests (:func:`long_term_balance`). A pool that would serve worse than a large
municipality's gets more places (stated in the municipality's ``source``): at :data:`MAX_LOAD` or more of its places,
and, since a small pool waits far longer than a large one at the same load, until a request's mean wait (Erlang C,
:func:`erlang_c_wait`) is no longer than at the reference municipality's places, and a hospital patient's wait for a
long-term place (:func:`long_term_wait`) is at most :data:`LONG_TERM_WAIT_MAX` days.
The arithmetic of the offered load is that of :mod:`hjemtilhjem.model.load` (requests x mean stay / places), done
here on the defaults, as this module sits below the model.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import data
from .keys import did_you_mean

__all__ = ["BuildError", "Municipality", "Plan", "SharedPool", "municipalities", "catchment_rows",
           "health_communities", "find_health_community", "find_municipalities", "community_plan",
           "municipalities_plan", "national_plan", "build", "defaults_text", "RATIOS", "MAX_LOAD",
           "WAITING_PER_1000", "erlang_c_wait", "long_term_wait"]

DEFAULTS = "scenario_defaults.toml"
TARGETS = "targets_defaults.toml"
BANDS = {"0-66": ("0-17", "18-66"), "67-74": ("67-74",), "75-79": ("75-79",), "80+": ("80-84", "85-89", "90+")}
SERVICES = ("kad", "short_term", "rehab", "long_term", "home_care")
CAPACITY_KEY = {"kad": "kad_beds", "short_term": "short_term_beds", "rehab": "rehab_beds",
                "long_term": "long_term_beds", "home_care": "home_care_clients"}
#: trusts of Helse Sør-Øst RHF (KAD density of the region, H-KAD22)
SOUTH_EAST = {"Akershus universitetssykehus HF", "Diakonhjemmet Sykehus", "Lovisenberg Diakonale Sykehus",
              "Oslo universitetssykehus HF", "Sykehuset Innlandet HF", "Sykehuset Telemark HF",
              "Sykehuset i Vestfold HF", "Sykehuset Østfold HF", "Sørlandet sykehus HF", "Vestre Viken HF"}

# National ratios (the Vestfold baseline's comments; sources in scenario_defaults.toml [sources]).
_NORWAY_80PLUS_2025 = 270_537  # S-POP, 1.1.2025
_INSTITUTION_PLACES = 39_754  # SSB-OMS23, 31.12.2023
_LONG_TERM_SHARE = 31_405 / (31_405 + 10_014)  # SSB-OMS23 residents: long-term / all, 0.758
_REHAB_SHARE_OF_SHORT = 0.2  # [ESTIMATE] of the time-limited places, as the Vestfold baseline's 5.0 of 25.8
_VESTFOLD_80PLUS = 14_069  # S-POP 1.1.2025, the six municipalities (Holmestrand whole)
_VESTFOLD_PLACES = {"long_term": 1_300, "short_term": 292, "rehab": 70}  # scenarios/vestfold/baseline.toml
#: capacity per 1000 inhabitants (kad, home care) or per 1000 aged 80+ (institution places), with how it was made
RATIOS: dict[str, tuple[float, str, str]] = {
    "kad_south_east": (350 / 3_076_276 * 1000, "inhabitants",
                       "H-KAD22 tabell 1: Sør-Øst 350 places / 3,076,276 inhabitants (1.1.2022)"),
    "kad": (688 / 5_594_340 * 1000, "inhabitants",
            "H-KAD22 tabell 1: Norway 688 places / 5,594,340 inhabitants (1.1.2025)"),
    # institution places per 1000 aged 80+ as the calibrated Vestfold baseline has them (its places are the national
    # ratio of SSB-OMS23 per inhabitant, 39,754 / 5.59 M, 76 % long-term, then set by municipality): with the national
    # ratio per 80+ (147 per 1000) every generated scenario had more room than the pathway was calibrated on
    "long_term": (_VESTFOLD_PLACES["long_term"] / _VESTFOLD_80PLUS * 1000, "aged 80+",
                  "the Vestfold baseline's 1,300 long-term places / 14,069 aged 80+ (S-POP 1.1.2025); national ratio "
                  "SSB-OMS23 39,754 places x 0.758 long-term / 270,537 aged 80+ = 111"),
    "short_term": (_VESTFOLD_PLACES["short_term"] / _VESTFOLD_80PLUS * 1000, "aged 80+",
                   "the Vestfold baseline's 292 short-term places / 14,069 aged 80+; national SSB-OMS23 time-limited "
                   "share 0.242 of 39,754, 80 % short-term [ESTIMATE] = 28 per 1000 aged 80+"),
    "rehab": (_VESTFOLD_PLACES["rehab"] / _VESTFOLD_80PLUS * 1000, "aged 80+",
              "the Vestfold baseline's 70 rehabilitation places / 14,069 aged 80+; national 20 % of the time-limited "
              "places [ESTIMATE] = 7 per 1000 aged 80+"),
    "home_care": (175_353 / 5_594_340 * 1000, "inhabitants",
                  "SSB-OMS23: 175,353 users of home health services (2023) / 5,594,340 inhabitants (1.1.2025)"),
}
#: people waiting at home for a long-term place per 1000 inhabitants [DERIVED] between 0.27 (HDIR-VENT18, 2018) and
#: 0.54 (TV2-VENT23, 2023, including 24-hour housing): the waiting list the long-term requests settle at
WAITING_PER_1000 = 0.35
#: long-term places in use at day 0: the rest are held between a resident and the next (measured in Vestfold)
LONG_TERM_OCCUPANCY = 0.995
#: a pool offered this share of its places or more gets more places (to an offered load of ``RAISED_LOAD``)
MAX_LOAD = 0.97
RAISED_LOAD = 0.95
#: a hospital patient's mean wait for a long-term place (days) above which a municipality gets more long-term places
#: [DERIVED]: half of long-term decisions are carried out within 15 days, the largest municipalities slowest
#: (KR-KO17); a wait for the places freed is exponential (M/M/1), whose mean is its median / ln 2 = 21.6 days
LONG_TERM_WAIT_MAX = 15.0 / math.log(2.0)
#: the municipality whose places, sized and asked as a generated scenario's, set the service level (a request's mean
#: wait, M/M/c) that a smaller pool is raised to: Tønsberg, of the calibrated Vestfold baseline
REFERENCE_NUMBER = "3905"
#: ... but never a mean wait below this (days)
SHORT_WAIT_MIN = 1.0
#: staffed beds of Sykehuset i Vestfold (SiV-2022 [ESTIMATE]): with Vestfold's expected treatment bed-days under
#: the defaults, the beds per expected occupied bed used for every generated hospital
SIV_BEDS = 365
VESTFOLD_NUMBERS = ("3901", "3903", "3905", "3907", "3909", "3911")


class BuildError(ValueError):
    """A name that is not in the packaged data, or an impossible request: one line."""


@dataclass(frozen=True)
class Municipality:
    number: str
    name: str
    county: str
    population: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.population.values())


@dataclass(frozen=True)
class SharedPool:
    """An intermunicipal pool to write as ``[[pool]]`` (capacity ``None``: the members' own places add up)."""

    name: str
    service: str
    members: tuple[str, ...]  # municipality numbers
    capacity: int | None = None
    comment: str = ""
    source: str = ""


@dataclass
class Plan:
    """What to build: municipalities and how their patients split between hospitals."""

    name: str
    description: str
    numbers: list[str]
    #: hospital name -> {municipality number: share}; ``external`` hospitals are outside the health community
    hospitals: dict[str, dict[str, float]]
    external: set[str] = field(default_factory=set)
    hospital_sources: dict[str, str] = field(default_factory=dict)
    pools: list[SharedPool] = field(default_factory=list)
    why: str = ""  # comment lines on the catchment (without '# ')
    replications: int | None = None
    #: short-term requests from home per 1000 aged 80+ a year [CALIBRATED for this health community], with why;
    #: ``None``: the defaults' (the Vestfold baseline's)
    short_term_requests: float | None = None
    short_term_why: str = ""
    extra_sources: dict[str, str] = field(default_factory=dict)


# ----------------------------------------------------------------------------------------------- data
def municipalities(year: int = 2025) -> dict[str, Municipality]:
    """Every municipality of ``year`` by number; a name used twice (Herøy, Våler) gets its county."""
    rows = data.population(year)
    if not rows:
        raise BuildError(f"no population for {year} in the packaged data (2025 or 2026)")
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["municipality"]] = counts.get(r["municipality"], 0) + 1
    out = {}
    for r in rows:
        name = r["municipality"]
        county = r["county"].split("-")[0]
        if counts[name] > 1:
            name = f"{name} ({county})"
        pop = {band: sum(int(r[c]) for c in cols) for band, cols in BANDS.items()}
        out[r["municipality_number"]] = Municipality(r["municipality_number"], name, county, pop)
    return out


@dataclass(frozen=True)
class CatchmentRow:
    number: str
    trust: str
    community: str
    share: float
    source: str


def catchment_rows() -> list[CatchmentRow]:
    return [CatchmentRow(r["municipality_number"], r["health_trust"], r["health_community"], float(r["share"]),
                         r["source"]) for r in data.catchments()]


def health_communities() -> dict[str, list[str]]:
    """The 19 health communities with their trusts (file order)."""
    out: dict[str, list[str]] = {}
    for r in catchment_rows():
        trusts = out.setdefault(r.community, [])
        if r.trust not in trusts:
            trusts.append(r.trust)
    return out


_NOISE = re.compile(r"\b(hf|helsefellesskapet|helsefellesskap|i|for|og omegn)\b")


def _key(text: str) -> str:
    return " ".join(_NOISE.sub(" ", text.casefold().replace("-", " ")).split())


#: other names a planner may use for a health community
ALIASES = {"sogn og fjordane": "Helse Førde", "førde": "Helse Førde", "vestfold": "Sykehuset i Vestfold",
           "siv": "Sykehuset i Vestfold", "ahus": "Akershus universitetssykehus", "ous": "Oslo",
           "telemark": "Sykehuset Telemark", "østfold": "Sykehuset Østfold", "innlandet": "Sykehuset Innlandet",
           "sørlandet": "Sørlandet sykehus", "stavanger": "Helse Stavanger", "bergen": "Helse Bergen",
           "fonna": "Helse Fonna", "møre og romsdal": "Helse Møre og Romsdal", "st. olav": "St. Olavs hospital",
           "st olavs": "St. Olavs hospital", "trøndelag": "St. Olavs hospital",
           "nord trøndelag": "Helse Nord-Trøndelag",
           "helgeland": "Helgelandssykehuset", "nordland": "Nordlandssykehuset", "finnmark": "Finnmarkssykehuset",
           "unn": "UNN", "universitetssykehuset nord norge": "UNN", "buskerud": "Vestre Viken"}


def find_health_community(name: str) -> str:
    """The health community called ``name``: its name, a trust's name (``Helse Stavanger HF``) or a common
    alias (``Sogn og Fjordane``, ``SiV``), in any case, with or without ``HF`` / ``Helsefellesskapet i``."""
    communities = health_communities()
    key = _key(name)
    names: dict[str, str] = {}
    for community, trusts in communities.items():
        names[_key(community)] = community
        for trust in trusts:
            if community != "Oslo" or trust != "Akershus universitetssykehus HF":
                names.setdefault(_key(trust), community)
    names.update({_key(a): c for a, c in ALIASES.items()})
    if key in names:
        return names[key]
    hint = did_you_mean(name, list(communities)) or did_you_mean(key, list(names))
    if hint and not did_you_mean(name, list(communities)):
        hint = f" (did you mean {names[hint.split(chr(39))[1]]!r}?)"
    return _fail(f"unknown health community {name!r}{hint or ''}; the 19 are: {', '.join(communities)}")


def _fail(message: str) -> Any:
    raise BuildError(message)


def find_municipalities(names: Iterable[str], year: int = 2025) -> list[str]:
    """Municipality numbers of ``names`` (names in any case, the first part of a bilingual name such as
    ``Oslo`` for ``Oslo-Oslove``, or 4-digit numbers), in the order given."""
    munis = municipalities(year)
    by_name: dict[str, list[str]] = {}
    for m in munis.values():
        by_name.setdefault(m.name.casefold(), []).append(m.number)
        plain = m.name.split(" (")[0].casefold()
        if plain != m.name.casefold():
            by_name.setdefault(plain, []).append(m.number)
        first = m.name.split("-")[0].casefold()
        if first != m.name.casefold() and "-" in m.name:
            by_name.setdefault(first, []).append(m.number)
    out: list[str] = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if name in munis:
            number = name
        else:
            found = by_name.get(name.casefold(), [])
            if len(found) > 1:
                _fail(f"municipality {name!r} is ambiguous: "
                      f"{' or '.join(repr(munis[n].name) for n in found)}")
            if not found:
                _fail(f"unknown municipality {name!r}"
                      f"{did_you_mean(name, [m.name for m in munis.values()])}")
            number = found[0]
        if number in out:
            _fail(f"municipality {munis[number].name!r} is given twice")
        out.append(number)
    if not out:
        _fail("no municipality given")
    return out


# ----------------------------------------------------------------------------------------------- plans
def community_plan(community: str, year: int = 2025) -> Plan:
    """A health community's municipalities with one hospital per trust of the community; the part of a split
    municipality served by a trust of another community becomes an external hospital."""
    rows = catchment_rows()
    numbers = list(dict.fromkeys(r.number for r in rows if r.community == community))
    hospitals: dict[str, dict[str, float]] = {}
    external: set[str] = set()
    for r in rows:
        if r.number in numbers:
            hospitals.setdefault(r.trust, {})[r.number] = r.share
            if r.community != community:
                external.add(r.trust)
    munis = municipalities(year)
    plan = Plan(name=f"{community} baseline", numbers=numbers, hospitals=hospitals, external=external,
                description=f"Helsefellesskapet {community}: {len(numbers)} municipalities, population 1.1.{year}",
                why=f"Catchment: the municipalities of the health community {community!r} in the packaged "
                    f"catchments (HF-CATCH), {len(numbers)}: "
                    + ", ".join(munis[n].name for n in numbers) + ".")
    _source_hospitals(plan, rows)
    return plan


def municipalities_plan(numbers: Sequence[str], year: int = 2025) -> Plan:
    """The municipalities given, each hospital trust serving any of them as one hospital."""
    rows = catchment_rows()
    hospitals: dict[str, dict[str, float]] = {}
    for r in rows:
        if r.number in numbers:
            hospitals.setdefault(r.trust, {})[r.number] = r.share
    munis = municipalities(year)
    names = [munis[n].name for n in numbers]
    plan = Plan(name=f"{', '.join(names[:3])}{' ...' if len(names) > 3 else ''} baseline", numbers=list(numbers),
                hospitals=hospitals,
                description=f"{len(numbers)} municipalities ({', '.join(names)}), population 1.1.{year}",
                why="Municipalities chosen with --municipalities: " + ", ".join(names) + "; their hospital trusts "
                    "from the packaged catchments (HF-CATCH), each trust's beds scaled to the part of its catchment "
                    "in this scenario.")
    _source_hospitals(plan, rows)
    return plan


def national_plan(year: int = 2025) -> Plan:
    munis = municipalities(year)
    rows = catchment_rows()
    hospitals: dict[str, dict[str, float]] = {}
    for r in rows:
        hospitals.setdefault(r.trust, {})[r.number] = r.share
    plan = Plan(name="Norway national", numbers=list(munis), hospitals=dict(sorted(hospitals.items())),
                description=f"All {len(munis)} municipalities of Norway, population 1.1.{year}; capacities from "
                            f"national ratios; one hospital per hospital trust ({len(hospitals)})",
                why="Every municipality of Norway; one hospital per hospital trust, each with its catchment "
                    "(HF-CATCH: Oslo's districts split between OUS, Lovisenberg, Diakonhjemmet and Ahus; Holmestrand "
                    "between Sykehuset i Vestfold and Vestre Viken).", replications=10)
    _source_hospitals(plan, rows)
    return plan


def _source_hospitals(plan: Plan, rows: list[CatchmentRow]) -> None:
    for trust, shares in plan.hospitals.items():
        keys = sorted({k for r in rows if r.trust == trust and r.number in shares for k in r.source.split(";")})
        plan.hospital_sources[trust] = "HF-CATCH (" + "; ".join(keys) + ")"


# ----------------------------------------------------------------------------------------------- arithmetic
def defaults_text() -> str:
    """The packaged national defaults (``scenario_defaults.toml``) as text."""
    return data.path(DEFAULTS).read_text(encoding="utf-8")


def _mean(d: Mapping[str, Any]) -> float:
    return float(d["mean"] if "mean" in d else d.get("value", 0.0))


def _rate(g: Mapping[str, Any], band: str) -> float:
    r = g["admissions_per_1000_year"]
    return float(r) if isinstance(r, (int, float)) else float(r.get(band, 0.0))


def bed_days_per_person(defaults: Mapping[str, Any]) -> dict[str, float]:
    """Expected acute treatment bed-days a year per inhabitant of each band."""
    return {b: sum(g["share"].get(b, 0.0) * _rate(g, b) / 1000.0 * _mean(g["los_days"]) for g in defaults["group"])
            for b in BANDS}


def hospital_requests(pop: Mapping[str, int], defaults: Mapping[str, Any]) -> dict[str, float]:
    """Requests a year for each municipal service from the hospital pathway (and KAD admissions), as
    :func:`hjemtilhjem.model.load.offered_loads` counts them."""
    tr = defaults["triage"]
    kad_share, home, transfer = tr.get("kad_share", 0.0), tr.get("home_share", 0.0), tr.get(
        "kad_transfer_to_hospital", 0.1)
    out = dict.fromkeys(SERVICES, 0.0)
    for g in defaults["group"]:
        events = sum(pop[b] * g["share"].get(b, 0.0) * _rate(g, b) for b in BANDS) / 1000.0
        kad = kad_share if g.get("kad_eligible", True) else 0.0
        out["kad"] += events * kad
        admitted = events * (1.0 - home - kad * (1.0 - transfer))
        alive = 1.0 - g.get("death_in_hospital", 0.0)
        back = g["readmission_30d"] * alive * (1.0 - g["discharge_to"].get("long_term", 0.0))
        episodes = admitted / (1.0 - min(back, 0.999))
        for s in SERVICES[1:]:
            out[s] += episodes * alive * g["discharge_to"].get(s, 0.0)
    return out


def _stay(defaults: Mapping[str, Any], service: str) -> float:
    return _mean(defaults["services"][service]["stay_days"])


def _home(defaults: Mapping[str, Any], service: str) -> float:
    return float(defaults["services"][service].get("other_requests_per_1000_80plus_year", 0.0))


def long_term_balance(places: float, hospital: float, pop80: float, stay_days: float, waiting: float = 0.0,
                      leaving: float = 0.0) -> float:
    """Requests from home per 1000 aged 80+ a year so that hospital + home requests are the places freed each year
    (``places x 365 / stay_days``) plus those who leave a waiting list of ``waiting`` people at ``leaving`` a year
    each: the list then holds at ``waiting``; never below 0."""
    freed = places * 365.0 / stay_days
    return max(0.0, (freed + waiting * leaving - hospital) / (pop80 / 1000.0)) if pop80 > 0 else 0.0


def ratio_places(m: Municipality, south_east: bool) -> dict[str, int]:
    """A municipality's places of each service by :data:`RATIOS` (KAD by Helse Sør-Øst's density when
    ``south_east``), each rounded and at least 1."""
    kad = RATIOS["kad_south_east" if south_east else "kad"][0]
    out = {"kad": max(1, round(kad * m.total / 1000)),
           "home_care": max(1, round(RATIOS["home_care"][0] * m.total / 1000))}
    for s in ("short_term", "rehab", "long_term"):
        out[s] = max(1, round(RATIOS[s][0] * m.population["80+"] / 1000))
    return out


def erlang_c_wait(places: int, load: float, stay_days: float) -> float:
    """Mean wait (days) of a request for one of ``places`` with ``load`` places busy on average and mean stay
    ``stay_days``, first come first served (M/M/c, Erlang C): ``C(c, a) x stay / (c - a)``; infinite at or above
    capacity. Small pools wait far longer than large ones at the same load, which the mean load cannot show."""
    if load <= 0.0:
        return 0.0
    if load >= places:
        return math.inf
    blocking = 1.0  # Erlang B by its recursion, stable for any size
    for k in range(1, places + 1):
        blocking = load * blocking / (k + load * blocking)
    waits = blocking / (1.0 - load / places * (1.0 - blocking))
    return waits * stay_days / (places - load)


def long_term_wait(places: int, hospital: float, home: float, stay_days: float) -> float:
    """Mean wait (days) of a hospital patient for a long-term place: ``hospital`` and ``home`` requests a year,
    hospital patients served first. When the requests fill the places (the waiting list at home keeps every freed
    place taken), a hospital patient waits for the places freed, an M/M/1 queue on them: ``stay / (c (1 - rho))``
    with ``rho`` the hospital's share of the places freed; when they do not, the Erlang C wait of all requests,
    whichever is shorter."""
    freed = places * 365.0 / stay_days
    rho = hospital / freed if freed > 0 else math.inf
    saturated = stay_days / places / (1.0 - rho) if rho < 1.0 else math.inf
    return min(saturated, erlang_c_wait(places, (hospital + home) * stay_days / 365.0, stay_days))


# ----------------------------------------------------------------------------------------------- writing
def _sections(text: str) -> list[tuple[str, str]]:
    """``(header, text)`` chunks of a TOML text, split before each table header; comment lines just above a
    header belong to it. The first chunk (header ``""``) is the file's opening comment."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, ln in enumerate(lines) if ln.startswith("[")]
    cut: list[int] = []
    for i in starts:
        j = i
        while j > 0 and lines[j - 1].startswith("#") and (j - 1) not in starts:
            j -= 1
        cut.append(j if j > (cut[-1] if cut else 0) else i)
    out = [("", "".join(lines[:cut[0]]))] if cut else [("", text)]
    for k, (i, c) in enumerate(zip(starts, cut, strict=True)):
        end = cut[k + 1] if k + 1 < len(cut) else len(lines)
        out.append((lines[i].split("#")[0].strip(), "".join(lines[c:end])))
    return out


def _set_line(text: str, key: str, value: str, comment: str) -> str:
    pattern = re.compile(rf"^{re.escape(key)} = [^\n]*$", re.M)
    assert pattern.search(text), key
    return pattern.sub(lambda _: f"{key} = {value}  # {comment}", text, count=1)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _inline(d: Mapping[str, Any]) -> str:
    return "{ " + ", ".join(f"{_q(k)} = {_num(v)}" for k, v in d.items()) + " }"


def _num(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6f}".rstrip("0").rstrip(".") if v != int(v) else f"{v:.1f}"
    return str(v)


def _costs_keeping(template: str, existing: str | None) -> str:
    """The ``[costs]`` of the file being regenerated, as written there (its tables ``[costs]`` and
    ``[costs.*]``: costs are kept up by hand or by other tools), else the template's."""
    if not existing:
        return template
    kept = [t for h, t in _sections(existing) if h == "[costs]" or h.startswith("[costs.")]
    if not kept:
        return template
    return "".join(kept).rstrip("\n") + "\n\n"


def build(plan: Plan, *, year: int = 2025, generator: str = "hjemtilhjem init", existing: str | None = None,
          defaults: str | None = None) -> str:
    """The scenario file of ``plan`` as TOML text, with comments.

    ``existing``: the text of the file being regenerated; keys its ``[costs]`` has that the defaults lack are
    kept. ``defaults``: the national defaults' text (default: the packaged ``scenario_defaults.toml``).
    """
    text = defaults if defaults is not None else defaults_text()
    base = tomllib.loads(text)
    sections = dict(_sections(text))
    groups = "".join(t for h, t in _sections(text) if h == "[[group]]")
    munis = municipalities(year)
    chosen = [munis[n] for n in plan.numbers]
    name_of = {m.number: m.name for m in chosen}
    total = sum(m.total for m in chosen)
    total80 = sum(m.population["80+"] for m in chosen)

    # --- capacities from national ratios
    south_east = {n for trust, shares in plan.hospitals.items() if trust in SOUTH_EAST for n in shares}
    pooled = {(n, p.service): p for p in plan.pools for n in p.members}
    caps: dict[str, dict[str, int]] = {}
    notes: dict[str, list[str]] = {}
    for m in chosen:
        caps[m.number] = ratio_places(m, m.number in south_east)
        notes[m.number] = []
    requests = {m.number: hospital_requests(m.population, base) for m in chosen}

    # --- long-term requests from home: the places freed each year cover hospital + home requests
    lt_places = sum(caps[m.number]["long_term"] for m in chosen)
    lt_hospital = sum(requests[m.number]["long_term"] for m in chosen)
    lt_stay = _stay(base, "long_term")
    lt_leaving = float(sum(base["services"]["long_term"].get("leave_queue_per_year", {}).values()))
    lt_waiting = WAITING_PER_1000 * total / 1000.0 if lt_leaving > 0 else 0.0
    lt_home = round(long_term_balance(lt_places, lt_hospital, total80, lt_stay, lt_waiting, lt_leaving), 1)
    lt_waiting80 = round(lt_waiting / (total80 / 1000.0), 2) if total80 else 0.0
    home_rate = {s: _home(base, s) for s in SERVICES} | {"long_term": lt_home}

    # --- pools: own per municipality unless shared; raise any offered MAX_LOAD or more (long-term care: by the
    # hospital's requests alone, which are served first and never leave; people at home leave its waiting list)
    def lt_wait(number: str, places: int) -> float:
        return long_term_wait(places, requests[number]["long_term"],
                              lt_home * munis[number].population["80+"] / 1000.0, lt_stay)

    # a small municipality's long-term places free too rarely for its hospital patients (13 places with two-year
    # stays free one every 56 days): give it places until they wait LONG_TERM_WAIT_MAX days or less
    for m in chosen:
        if (m.number, "long_term") in pooled or requests[m.number]["long_term"] <= 0:
            continue
        before = places = caps[m.number]["long_term"]
        while lt_wait(m.number, places) > LONG_TERM_WAIT_MAX:
            places += 1
        if places > before:
            notes[m.number].append(f"long_term_beds raised from {before} to {places} (a hospital patient would wait "
                                   f"{lt_wait(m.number, before):.0f} days on average for a place; "
                                   f"{LONG_TERM_WAIT_MAX:.1f} at most) [DERIVED]")
            caps[m.number]["long_term"] = places

    # --- short-term requests from home: the defaults' (the Vestfold baseline's) unless calibrated for this community
    if plan.short_term_requests is not None:
        home_rate["short_term"] = plan.short_term_requests

    def busy_of(numbers: Sequence[str], service: str) -> float:
        home = 0.0 if service == "long_term" and lt_leaving > 0 else home_rate[service]
        req = sum(requests[n][service] + home * munis[n].population["80+"] / 1000 for n in numbers)
        busy = req / 365.0 * _stay(base, service)
        return busy

    # the service level of short-term, rehabilitation and home-care places: a request waits no longer on average
    # (M/M/c) than at the reference municipality's places, sized and asked as here (the calibrated pathway)
    ref = munis[REFERENCE_NUMBER]
    ref_req = hospital_requests(ref.population, base)
    ref_places = ratio_places(ref, south_east=True)
    reference_wait = {}
    for s in ("short_term", "rehab", "home_care"):
        busy = (ref_req[s] + home_rate[s] * ref.population["80+"] / 1000) / 365.0 * _stay(base, s)
        reference_wait[s] = max(SHORT_WAIT_MIN, erlang_c_wait(ref_places[s], busy, _stay(base, s)))

    def places_for(numbers: Sequence[str], service: str, places: int) -> tuple[int, str]:
        """Places that keep the pool below MAX_LOAD and (short-term, rehabilitation, home care) its requests' mean
        wait at or below the reference municipality's, with the reason when more than ``places``."""
        busy = busy_of(numbers, service)
        load = busy / places
        need = math.ceil(places * load / RAISED_LOAD) if load >= MAX_LOAD else places
        if service not in reference_wait:
            return need, f"offered load {load:.2f}"
        while erlang_c_wait(need, busy, _stay(base, service)) > reference_wait[service]:
            need += 1
        return need, (f"offered load {load:.2f}, a request would wait "
                      f"{min(erlang_c_wait(places, busy, _stay(base, service)), 999):.1f} days on average; "
                      f"{reference_wait[service]:.1f} at {ref.name}'s places")

    for s in SERVICES[1:]:
        for m in chosen:
            if (m.number, s) in pooled:
                continue
            new, why = places_for([m.number], s, caps[m.number][s])
            if new > caps[m.number][s]:
                notes[m.number].append(f"{CAPACITY_KEY[s]} raised from {caps[m.number][s]} to {new} ({why}) "
                                       "[DERIVED]")
                caps[m.number][s] = new
    pool_caps: dict[str, int] = {}
    for p in plan.pools:
        if p.capacity is not None:
            pool_caps[p.name] = p.capacity
        elif p.service != "kad":
            places = sum(caps[n][p.service] for n in p.members)
            new, why = places_for(p.members, p.service, places)
            if new > places:
                caps[p.members[0]][p.service] += new - places
                notes[p.members[0]].append(f"{CAPACITY_KEY[p.service]} +{new - places} for pool {p.name!r} "
                                           f"({why}) [DERIVED]")

    # --- hospitals: beds by expected acute bed-days
    bd = bed_days_per_person(base)
    vestfold_bd = sum(munis[n].population[b] * bd[b] for n in VESTFOLD_NUMBERS for b in BANDS)
    beds_per_bed_day = SIV_BEDS / vestfold_bd
    seasonality = base.get("hospital", {}).get("seasonality", {})
    hospital_blocks = []
    beds_total = 0
    for hname, shares in plan.hospitals.items():
        lines = ["[[hospital]]", f"name = {_q(hname)}"]
        if hname in plan.external:
            lines.append("external = true   # outside this health community: its patients are simulated, its beds "
                         "are not")
        else:
            expected = sum(munis[n].population[b] * bd[b] * share for n, share in shares.items() for b in BANDS)
            beds = max(1, round(expected * beds_per_bed_day))
            beds_total += beds
            lines.append(f"beds = {beds}   # [DERIVED] expected acute bed-days {expected:,.0f} x {SIV_BEDS} / "
                         f"{vestfold_bd:,.0f} (see the header)")
        lines.append("catchment = " + _inline({name_of[n]: share for n, share in shares.items()}))
        if seasonality and hname not in plan.external:
            lines.append("seasonality = " + "{ " + ", ".join(f"{k} = {v:.2f}" for k, v in seasonality.items()) + " }"
                         "   # [ESTIMATE] national default (scenario_defaults.toml)")
        lines.append(f"source = {_q(plan.hospital_sources.get(hname, 'HF-CATCH'))}")
        hospital_blocks.append("\n".join(lines) + "\n")

    pool_blocks = []
    for p in plan.pools:
        lines = [f"# {ln}" for ln in p.comment.splitlines()] + [
            "[[pool]]", f"name = {_q(p.name)}", f"service = {_q(p.service)}",
            "members = [" + ", ".join(_q(name_of[n]) for n in p.members) + "]"]
        if p.capacity is not None:
            lines.append(f"capacity = {p.capacity}")
        lines.append(f"source = {_q(p.source or '[ESTIMATE]')}")
        pool_blocks.append("\n".join(lines) + "\n")

    muni_blocks = []
    for m in chosen:
        lines = ["[[municipality]]", f"name = {_q(m.name)}", f"number = {_q(m.number)}",
                 f"population = {_inline(m.population)}"]
        for s in SERVICES:
            shared = pooled.get((m.number, s))
            if shared is not None and shared.capacity is not None:
                continue
            lines.append(f"{CAPACITY_KEY[s]} = {caps[m.number][s]}")
        src = "S-POP; capacities [DERIVED] ratios (see the header)"
        if notes[m.number]:
            src += "; " + "; ".join(notes[m.number])
        lines.append(f"source = {_q(src)}")
        muni_blocks.append("\n".join(lines) + "\n")

    # --- the services, with the derived long-term lines
    services = "".join(t for h, t in _sections(text) if h.startswith("[services."))
    freed = lt_places * 365.0 / lt_stay
    lt = sections["[services.long_term]"]
    lt_new = _set_line(lt, "initial_occupancy", f"{LONG_TERM_OCCUPANCY}",
                       "[DERIVED] full with a waiting list; 0.5 % held between a resident and the next (Vestfold)")
    lt_new = _set_line(lt_new, "other_requests_per_1000_80plus_year", f"{lt_home:g}",
                       "[DERIVED] see the header: the places freed a year plus those leaving the waiting list")
    lt_new = _set_line(lt_new, "initial_waiting_per_1000_80plus", f"{lt_waiting80:g}",
                       f"[DERIVED] the waiting list at day 0: {WAITING_PER_1000} per 1000 inhabitants (see the header)")
    services = services.replace(lt, lt_new)
    if plan.short_term_requests is not None:
        st = sections["[services.short_term]"]
        st_new = _set_line(st, "other_requests_per_1000_80plus_year", f"{plan.short_term_requests:g}",
                           f"[CALIBRATED] {plan.short_term_why}")
        services = services.replace(st, st_new)

    sources = dict(base.get("sources", {}))
    sources.update(plan.extra_sources)
    if existing:  # keys cited by hand-kept parts ([costs]) stay
        try:
            for k, v in tomllib.loads(existing).get("sources", {}).items():
                sources.setdefault(k, v)
        except tomllib.TOMLDecodeError:
            pass
    source_block = "[sources]\n" + "".join(f"{k} = {_q(v)}\n" for k, v in sources.items())

    scenario = sections["[scenario]"]
    scenario = scenario.replace("[scenario]\n", f"[scenario]\nname = {_q(plan.name)}\n"
                                                f"description = {_q(plan.description)}\n", 1)
    if plan.replications is not None:
        scenario = re.sub(r"^replications = \d+", f"replications = {plan.replications}", scenario, flags=re.M)

    ratio_lines = "\n".join(f"#   {CAPACITY_KEY.get(k.replace('_south_east', ''), k)}"
                            f"{' (Helse Sør-Øst)' if k.endswith('south_east') else ''}: {v:.3f} per 1000 {unit} "
                            f"[DERIVED] {how}" for k, (v, unit, how) in RATIOS.items())
    ext = f"; external: {', '.join(sorted(plan.external))}" if plan.external else ""
    why = "\n".join(f"# {ln}" if ln else "#" for ln in _wrap(plan.why))
    intro = "\n".join(f"# {ln}" for ln in _wrap(
        f"{plan.name}: a starting scenario of the hjem-til-hjem pathway, built from the data packaged with "
        f"hjemtilhjem by {generator} (hjemtilhjem.scenario.build). Edit it: put in your own capacities, hospital "
        "beds and figures where you have them, with their source, and calibrate (`hjemtilhjem calibrate`)."))
    raised_text = "\n".join(f"#   {ln}" for ln in _wrap(
        f"Raised where a pool would serve worse than a large municipality's (said in the municipality's `source`): "
        f"a pool offered {MAX_LOAD} or more of its places gets an offered load of {RAISED_LOAD}; short-term, "
        f"rehabilitation and home-care pools get places until a request's mean wait (M/M/c, Erlang C) is no longer "
        f"than at {ref.name}'s places sized the same way ({reference_wait['short_term']:.1f}, "
        f"{reference_wait['rehab']:.1f} and {reference_wait['home_care']:.1f} days), and at least "
        f"{SHORT_WAIT_MIN:g} day; long-term places until a hospital patient waits {LONG_TERM_WAIT_MAX:.1f} days or "
        "less on average (half of the decisions are carried out within 15 days, the largest municipalities slowest, "
        "KR-KO17: an exponential wait with that median). Small pools wait far longer than large ones at the same "
        "load, so small municipalities get more places per 1000 aged 80+, as Norway's small municipalities have "
        "(56 % of the municipalities had nobody waiting for a long-term place in 2018, HDIR-VENT18).", 108))
    header = f"""{intro}
{why}
# Population 1.1.{year} (S-POP): {len(chosen)} municipalities, {total:,} inhabitants, {total80:,} aged 80+; bands
#   0-66 (0-17 + 18-66), 67-74, 75-79, 80+ (80-84 + 85-89 + 90+).
# Hospitals: {len(plan.hospitals)} ({beds_total:,} staffed beds{ext}). Beds [DERIVED]: expected acute treatment
#   bed-days of the catchment (population by band x the groups' admission rates x mean treatment stay, each
#   municipality weighted by its share) x {SIV_BEDS} staffed beds of Sykehuset i Vestfold (SiV-2022 [ESTIMATE]) /
#   Vestfold's expected bed-days under the same defaults ({vestfold_bd:,.0f}): no staffed-bed figure per trust
#   was found; replace with the hospital's own.
# Municipal capacities [DERIVED] from ratios (no per-municipality figures in the data): KAD and home care national,
#   institution places per 80+ as the calibrated Vestfold baseline has them; each rounded,
#   at least 1 (small municipalities often share units: declare a [[pool]]):
{ratio_lines}
{raised_text}
# Long-term requests from home [DERIVED], so that the long-term waiting list holds at its published size:
#   {lt_places:,} places with a mean stay of {lt_stay:g} days free {freed:,.1f} places a year; the hospital pathway
#   asks for {lt_hospital:,.1f} (discharges to long-term care, `hjemtilhjem.model.load`); a waiting list at home of
#   {WAITING_PER_1000} per 1000 inhabitants ({lt_waiting:,.1f} people; 0.27 in 2018, HDIR-VENT18, to 0.54 in 2023,
#   TV2-VENT23) loses {lt_leaving:g} of its people a year (deaths), so requests from home are
#   ({freed:,.1f} + {lt_waiting:,.1f} x {lt_leaving:g} - {lt_hospital:,.1f}) / {total80 / 1000:,.3f} thousand aged 80+
#   = {lt_home:g} per 1000 aged 80+ a year, and the list starts at that size. `hjemtilhjem validate` prints each
#   pool's load and the waiting list it settles at.
# Everything else (costs, triage, services, patient groups) is the national defaults
#   (hjemtilhjem/data/scenario_defaults.toml: the Vestfold baseline's pathway, marked [ESTIMATE] / [CALIBRATED]
#   Vestfold / [SOURCE] national): NOT CALIBRATED for this scenario.

"""
    costs = _costs_keeping(sections["[costs]"], existing)
    parts = [header, scenario, costs, sections.get("[calendar]", ""), sections["[triage]"], sections["[discharge]"],
             services,
             "".join(hospital_blocks[i] + "\n" for i in range(len(hospital_blocks))),
             "".join(b + "\n" for b in pool_blocks), "".join(b + "\n" for b in muni_blocks), groups.rstrip("\n") + "\n",
             "\n", source_block]
    return "".join(parts)


def _wrap(text: str, width: int = 112) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            if len(line) + len(word) + 1 > width:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append(line)
    return out


def targets_text(plan: Plan, baseline: str = "baseline.toml") -> str:
    """A targets file to fill in for ``plan``: NATIONAL figures as placeholders (``targets_defaults.toml``), each
    marked as such."""
    text = data.path(TARGETS).read_text(encoding="utf-8")
    return text.replace("@NAME@", plan.name).replace("@BASELINE@", baseline)
