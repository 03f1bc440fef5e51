"""Report figures (matplotlib, Agg): each has a title, axis units and a caption, in nb or en.

Every figure is written as PNG and SVG to ``figures/`` (each file atomically) and its SVG text is
returned for inlining in ``report.html``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import dates as mdates  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from ..outcomes.labels import BETTER, label  # noqa: E402
from .costs import _costs  # noqa: E402
from .data import ReportData  # noqa: E402
from .flows import _flows  # noqa: E402
from .numbers import ci as fmt_ci  # noqa: E402
from .numbers import number, value, with_unit  # noqa: E402
from .paired import cost_differences, municipality_differences  # noqa: E402
from .plotting import (  # noqa: E402
    COLORS,
    MAX_MUNICIPALITIES,
    _color,
    _finite,
    _num_formatter,
    _top,
)
from .texts import text  # noqa: E402

__all__ = ["ReportFigure", "make_figures", "FOREST_KEYS", "COLORS", "atomic_write"]


#: indicators in the forest plot of differences (those without a relative change are left out)
FOREST_KEYS = ("delayed_days", "corridor_patient_days", "bed_occupancy", "los_mean", "admissions",
               "readmission_30d", "mortality_30d", "home_days_90", "short_term_wait", "cost_hospital_nok",
               "cost_municipal_nok", "delayed_payment_nok")

_MONTHS = {"nb": ("jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"),
           "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")}

_RC: dict[str, Any] = {
       "font.family": "DejaVu Sans", "font.size": 9.5, "axes.titlesize": 11.5, "axes.titleweight": "bold",
       "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.color": "#dddddd",
       "grid.linewidth": 0.6, "legend.frameon": False, "svg.fonttype": "path", "svg.hashsalt": "hjemtilhjem",
       "figure.dpi": 100, "savefig.dpi": 150, "hatch.linewidth": 0.8}


@dataclass(frozen=True)
class ReportFigure:
    """One figure of the report."""

    name: str  # what the figure is ("occupancy"); the id in report.html
    title: str
    caption: str
    svg: str  # inline SVG (no XML prolog, no external references)
    lang: str = "nb"

    @property
    def stem(self) -> str:
        """File stem in ``figures/``: ``name`` in nb, ``name.<lang>`` otherwise (figures carry text)."""
        return self.name if self.lang == "nb" else f"{self.name}.{self.lang}"


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write a file through a temporary file in the same folder and rename it into place."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _inline_svg(svg: str, name: str, title: str) -> str:
    """Make matplotlib's SVG fit for inlining: no prolog, metadata or namespace URLs; unique ids."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    # ids must be unique across the figures of one HTML page
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{name}-{m.group(1)}"', svg)
    svg = re.sub(r'(xlink:href|href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{name}-{m.group(2)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{name}-{m.group(1)})", svg)
    svg = re.sub(r'\s(width|height)="[^"]*pt"', "", svg, count=2)  # scale with the page
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{_escape(title)}" class="figure"', 1)
    return svg.strip()


def _escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _save(fig: Figure, folder: Path, stem: str, name: str, title: str) -> str:
    """Write ``figures/<stem>.png|svg``; return the SVG for inlining (ids prefixed with ``name``)."""
    out = Path(folder) / "figures"
    out.mkdir(exist_ok=True)
    png = io.BytesIO()
    fig.savefig(png, format="png", bbox_inches="tight", facecolor="white")
    svg = io.StringIO()
    fig.savefig(svg, format="svg", bbox_inches="tight", facecolor="white", metadata={"Date": None})
    plt.close(fig)
    atomic_write(out / f"{stem}.png", png.getvalue())
    atomic_write(out / f"{stem}.svg", svg.getvalue())
    return _inline_svg(svg.getvalue(), name, title)


def _dates(iso: list[str]) -> list[float]:
    """ISO dates as matplotlib date numbers."""
    return [float(mdates.date2num(dt.date.fromisoformat(x))) for x in iso]


# ----------------------------------------------------------------------------------------- occupancy
def _occupancy(data: ReportData, lang: str) -> tuple[Figure, str, str] | None:
    with_daily = [s for s in data.scenarios if "hospital_occupancy" in s.daily]
    if not with_daily:
        return None
    title = text("report.occupied_beds", lang).split(" (")[0] + (" i sykehuset per dag" if lang == "nb"
                                                                  else " in hospital per day")
    fig, ax = plt.subplots(figsize=(9.0, 4.4), layout="constrained")
    ref = with_daily[0]
    days = _dates(ref.dates)
    warm = [w for w in ref.daily.get("warmup", [])]
    if warm and any(w > 0 for w in warm):
        end = days[sum(1 for w in warm if w > 0)] if sum(1 for w in warm if w > 0) < len(days) else days[-1]
        ax.axvspan(days[0], end, color="#eeeeee", zorder=0, label=text("report.warmup", lang))
    for i, s in enumerate(with_daily):
        d = _dates(s.dates)
        c = _color(i)
        if "hospital_occupancy_p025" in s.daily:
            ax.fill_between(d, s.daily["hospital_occupancy_p025"], s.daily["hospital_occupancy_p975"], color=c,
                            alpha=0.18, linewidth=0, step="post",
                            label=text("report.band95", lang) if i == 0 and not data.is_comparison else None)
        name = text("report.occupied_beds", lang) + (f" – {s.name}" if data.is_comparison else "")
        # the reference on top: a scenario that changes nothing in the hospital would hide it
        ax.step(d, s.daily["hospital_occupancy"], where="post", color=c, linewidth=1.3, label=name,
                zorder=3 if i == 0 else 2)
    if "staffed_beds" in ref.daily:
        ax.step(days, ref.daily["staffed_beds"], where="post", color="black", linestyle="--", linewidth=1.2,
                label=text("report.staffed_beds", lang), zorder=4)
        for i, s in enumerate(with_daily[1:], start=1):  # a scenario with its own beds (a summer closure) shows them
            if s.daily.get("staffed_beds") is not None and list(s.daily["staffed_beds"]) != list(
                    ref.daily["staffed_beds"]):
                ax.step(_dates(s.dates), s.daily["staffed_beds"], where="post", color=_color(i), linestyle="--",
                        linewidth=1.2, label=f"{text('report.staffed_beds', lang)} – {s.name}", zorder=4)
    ax.set_title(title, loc="left")
    ax.set_ylabel(text("report.beds_axis", lang))
    ax.set_xlabel(text("report.date", lang))
    ax.set_ylim(bottom=0)
    ax.set_xlim(days[0], days[-1])
    ax.yaxis.set_major_formatter(_num_formatter(lang))
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    months = _MONTHS[lang]
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda x, _p=None: f"{months[mdates.num2date(x).month - 1]}" + (
            f"\n{mdates.num2date(x).year}" if mdates.num2date(x).month == 1 else "")))
    handles, names = ax.get_legend_handles_labels()
    if data.is_comparison:
        handles.append(Patch(facecolor="#999999", alpha=0.35, label=text("report.band95", lang)))
        names.append(text("report.band95", lang))
    fig.legend(handles, names, loc="outside lower center", ncol=4 if not data.is_comparison else 3, fontsize=8.5)
    occ = ref.indicators.get("bed_occupancy", {})
    cor = ref.indicators.get("corridor_patient_days", {})
    beds = ref.own_beds
    warmup = ref.manifest.get("warmup_days")
    if lang == "nb":
        cap = ("Gjennomsnittlig antall pasienter i sykehus per dag (linje) og området som 95 % av replikasjonene "
               "ligger innenfor (skygge), mot bemannede senger (stiplet"
               + (f", {number(beds, lang)} senger" if beds else "") + "). "
               f"Grått felt: innsvingingsperioden på {number(warmup, lang)} dager, som ikke inngår i indikatorene. ")
        if occ:
            lo, hi = occ["ci95"]
            occ_ci = fmt_ci("bed_occupancy", lo, hi, lang, bool(occ.get("ci95_truncated")))
            cap += (f"Beleggsprosent i {ref.name}: {value('bed_occupancy', occ['mean'], lang)} % "
                    f"(95 % KI {occ_ci} %); korridorpasientdøgn: "
                    f"{value('corridor_patient_days', cor.get('mean'), lang)} per år.")
    else:
        cap = ("Mean number of patients in hospital per day (line) and the range holding 95% of replications "
               "(shade), against staffed beds (dashed" + (f", {number(beds, lang)} beds" if beds else "") + "). "
               f"Grey: the warm-up of {number(warmup, lang)} days, left out of the indicators. ")
        if occ:
            lo, hi = occ["ci95"]
            occ_ci = fmt_ci("bed_occupancy", lo, hi, lang, bool(occ.get("ci95_truncated")))
            cap += (f"Bed occupancy in {ref.name}: {value('bed_occupancy', occ['mean'], lang)}% "
                    f"(95% CI {occ_ci}%); corridor patient days: "
                    f"{value('corridor_patient_days', cor.get('mean'), lang)} per year.")
    return fig, title, cap


# ----------------------------------------------------------------------------------------- delayed days
def _delayed_by_municipality(data: ReportData, lang: str) -> tuple[Figure, str, str] | None:
    key = "delayed_days_per_1000_67plus"
    munis = data.municipalities
    if not munis or key not in data.reference.by_municipality.get(munis[0], {}):
        return None
    munis, note = _top(data, munis, key, MAX_MUNICIPALITIES, lang)
    cats = [*munis, text("report.all_municipalities", lang)]
    n_s = len(data.scenarios)
    paired = bool(data.comparison and data.comparison.get("by_municipality")) and n_s > 1
    fig, ax = plt.subplots(figsize=(9.0, 1.0 + 0.42 * len(cats) * max(1, n_s) ** 0.6 + 0.4), layout="constrained")
    height = 0.8 / n_s
    for i, s in enumerate(data.scenarios):
        means, los, his = [], [], []
        for m in munis:
            e = s.by_municipality.get(m, {}).get(key, {})
            means.append(e.get("mean"))
            los.append((e.get("ci95") or [None, None])[0])
            his.append((e.get("ci95") or [None, None])[1])
        e = s.indicators.get(key, {})
        means.append(e.get("mean"))
        los.append((e.get("ci95") or [None, None])[0])
        his.append((e.get("ci95") or [None, None])[1])
        y = [len(cats) - 1 - j - (i - (n_s - 1) / 2) * height for j in range(len(cats))]
        mv = [float("nan") if v is None else v for v in means]
        err = [[0 if (v is None or lo is None) else max(v - lo, 0) for v, lo in zip(means, los, strict=False)],
               [0 if (v is None or hi is None) else max(hi - v, 0) for v, hi in zip(means, his, strict=False)]]
        ax.barh(y, mv, height=height * 0.92, color=_color(i), label=s.name, zorder=2)
        if not paired:  # a comparison shows the paired differences in their own figure instead
            ax.errorbar(mv, y, xerr=err, fmt="none", ecolor="#333333", elinewidth=1, capsize=2.5, zorder=3)
        for yy, v, hi in zip(y, means, his, strict=False):
            if v is not None and not math.isnan(v):
                end = v if paired else max(v, hi if hi is not None else v)
                ax.annotate(number(v, lang), (end, yy), xytext=(3, 0), textcoords="offset points", va="center",
                            fontsize=8, color="#333333")
    ax.set_yticks(range(len(cats)))
    ax.set_yticklabels(cats[::-1])
    ax.get_yticklabels()[0].set_fontweight("bold")
    ax.grid(axis="y", visible=False)
    ax.set_xlim(left=0)
    ax.xaxis.set_major_formatter(_num_formatter(lang))
    title = label(key, lang)
    ax.set_title(title, loc="left")
    ax.set_xlabel("døgn per 1000 innbyggere 67+ per år" if lang == "nb" else "days per 1000 inhabitants 67+ per year")
    if n_s > 1:
        handles, labels_ = ax.get_legend_handles_labels()
        fig.legend(handles, labels_, loc="outside lower center", ncol=min(n_s, 4), fontsize=8.5)
    ax.set_xlim(0, ax.get_xlim()[1] * 1.07)  # room for the value beside the longest bar or whisker
    if lang == "nb":
        cap = ("Liggedøgn for utskrivningsklare pasienter per 1000 innbyggere 67 år og eldre per år, per kommune "
               "og samlet" + (". Kommunen betaler for hvert slikt døgn. Forskjellene fra referansen med parvise "
                              "95 % konfidensintervaller står i figuren over endring per kommune; hvert scenarios "
                              "eget intervall står i tabellen per kommune." if paired else
                              ", med 95 % konfidensintervall (streker). Kommunen betaler for hvert slikt døgn."))
    else:
        cap = ("Delayed-discharge days per 1000 inhabitants aged 67+ per year, by municipality and overall"
               + (". The municipality pays for each such day. The differences from the reference with paired 95% "
                  "confidence intervals are in the figure of the change by municipality; each scenario's own "
                  "interval is in the table by municipality." if paired else
                  ", with 95% confidence intervals (whiskers). The municipality pays for each such day."))
    return fig, title, cap + note


# ----------------------------------------------------------------------------------------- differences
def _forest(data: ReportData, lang: str) -> tuple[Figure, str, str] | None:
    if not data.is_comparison or len(data.scenarios) < 2:
        return None
    diffs = data.comparison.get("differences", {}) if data.comparison else {}
    others = [s for s in data.scenarios[1:] if s.name in diffs]
    keys = [k for k in FOREST_KEYS if any(_finite(diffs[s.name].get(k, {}).get("relative")) for s in others)]
    if not keys:
        return None
    n_s = len(others)
    fig, ax = plt.subplots(figsize=(9.0, 1.3 + 0.42 * len(keys) * max(1, n_s) ** 0.6), layout="constrained")
    height = 0.7 / n_s
    labelled: set[str] = set()
    for i, s in enumerate(others):
        for j, k in enumerate(keys):
            d = diffs[s.name].get(k, {})
            rel = d.get("relative")
            if not _finite(rel):
                continue
            lo, hi = d.get("relative_ci95") or [rel, rel]
            y = len(keys) - 1 - j - (i - (n_s - 1) / 2) * height
            ax.errorbar([rel * 100], [y], xerr=[[max(rel - lo, 0) * 100], [max(hi - rel, 0) * 100]], fmt="o",
                        color=_color(i + 1), ecolor=_color(i + 1), capsize=3, markersize=5, elinewidth=1.6,
                        label=s.name if s.name not in labelled else None, zorder=3)
            labelled.add(s.name)
    ax.axvline(0, color="black", linewidth=1)
    ticks = []
    for k in keys:
        b = BETTER.get(k, 0)
        arrow = " (↓ " + text("report.better", lang) + ")" if b < 0 else (
            " (↑ " + text("report.better", lang) + ")" if b > 0 else "")
        ticks.append(label(k, lang) + arrow)
    ax.set_yticks(range(len(keys)))
    ax.set_yticklabels(ticks[::-1])
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p=None: number(x, lang, 0) + (" %" if lang == "nb"
                                                                                         else "%")))
    lim = max(abs(v) for v in ax.get_xlim())
    ax.set_xlim(-lim, lim)
    ref = data.reference.name
    title = ("Endring fra referansen per indikator" if lang == "nb" else "Change from the reference by indicator")
    ax.set_title(title, loc="left")
    ax.set_xlabel(text("report.relative_change_axis", lang))
    fig.legend(loc="outside lower center", ncol=min(n_s, 3))
    if lang == "nb":
        cap = (f"Parvis forskjell fra referansen «{ref}» i prosent av referansens gjennomsnitt, med 95 % "
               "konfidensintervall. Punkter til venstre for null betyr lavere verdi; pilen ved hver indikator viser "
               "hvilken retning som er bedre. Et intervall som krysser null betyr ingen sikker forskjell.")
    else:
        cap = (f"Paired difference from the reference “{ref}” as a percentage of the reference mean, with 95% "
               "confidence intervals. Points left of zero mean a lower value; the arrow by each indicator shows "
               "which direction is better. An interval crossing zero means no clear difference.")
    return fig, title, cap


# ----------------------------------------------------------------------------------------- readmission
def _readmission(data: ReportData, lang: str) -> tuple[Figure, str, str] | None:
    with_curve = [s for s in data.scenarios if any(k.startswith("readmitted_by_day.") for k in s.flows)]
    if not with_curve:
        return None
    fig, ax = plt.subplots(figsize=(9.0, 4.2), layout="constrained")
    # one scenario: a curve per patient group; several: one curve (all patients) per scenario in its own colour, as
    # in every other figure (line styles per scenario ran out after four and made scenarios look alike)
    several = len(with_curve) > 1
    groups = ["all"] if several else [*with_curve[0].groups, "all"]
    days = list(range(31))
    for si, s in enumerate(with_curve):
        for gi, g in enumerate(groups):
            ys = [s.flows.get(f"readmitted_by_day.{g}.{d}") for d in days]
            if any(v is None for v in ys):
                continue
            c = _color(si) if several else ("black" if g == "all" else _color(gi))
            name = s.name if several else text(f"group.{g}", lang)
            ax.plot(days, [100 * float(v or 0.0) for v in ys], color=c, linewidth=2.2 if g == "all" else 1.5,
                    label=name, zorder=3 if si == 0 else 2)
    ax.set_xlim(0, 30)
    ax.set_ylim(bottom=0)
    ax.set_xticks(range(0, 31, 5))
    ax.yaxis.set_major_formatter(_num_formatter(lang))
    ax.set_xlabel(text("report.days_after_discharge", lang))
    ax.set_ylabel(text("report.share_readmitted", lang))
    title = "Tid til reinnleggelse" if lang == "nb" else "Time to readmission"
    ax.set_title(title, loc="left")
    # outside the axes: the curves fill the plot and a legend inside would hide some of them
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", fontsize=8.5,
               ncol=min(len(with_curve), 4) if several else len(groups))
    r = data.reference.indicators.get("readmission_30d", {})
    if lang == "nb":
        cap = ("Kumulativ andel av utskrevne pasienter (i live, ikke til langtidsplass) som er lagt inn igjen "
               "akutt innen et gitt antall dager, per pasientgruppe. Verdien ved dag 30 er reinnleggelse innen "
               "30 dager" + (f" ({with_unit('readmission_30d', value('readmission_30d', r.get('mean'), lang), lang)} "
                            f"for alle i {data.reference.name})" if r else "") + ".")
    else:
        cap = ("Cumulative share of discharged patients (alive, not to long-term care) readmitted as emergencies "
               "within a given number of days, by patient group. The value at day 30 is the 30-day readmission "
               "rate" + (f" ({with_unit('readmission_30d', value('readmission_30d', r.get('mean'), lang), lang)} "
                         f"for all in {data.reference.name})" if r else "") + ".")
    return fig, title, cap


_BUILDERS: tuple[tuple[str, Callable[[ReportData, str], tuple[Figure, str, str] | None]], ...] = (
    ("occupancy", _occupancy),
    ("differences", _forest),
    ("delayed_days_by_municipality", _delayed_by_municipality),
    ("municipality_differences", municipality_differences),
    ("costs_by_payer", _costs),
    ("cost_differences", cost_differences),
    ("pathway_flows", _flows),
    ("time_to_readmission", _readmission),
)


def make_figures(data: ReportData, lang: str = "nb", folder: Path | None = None) -> list[ReportFigure]:
    """Draw every figure the data allows, write PNG and SVG to ``folder/figures``; return them in order.

    Files are ``figures/<name>.png|svg`` in nb and ``figures/<name>.<lang>.png|svg`` otherwise.
    """
    return draw_figures(_BUILDERS, data, lang, folder or data.folder)


def draw_figures(builders: Sequence[tuple[str, Callable[[Any, str], tuple[Figure, str, str] | None]]], data: Any,
                 lang: str, folder: Path) -> list[ReportFigure]:
    """Each ``(name, build)`` of ``builders`` whose ``build(data, lang)`` makes a figure, in the report's style,
    saved as PNG and SVG under ``folder/figures``; in order."""
    out = []
    with plt.rc_context(_RC):  # type: ignore[arg-type]
        for name, build in builders:
            made = build(data, lang)
            if made is None:
                continue
            fig, title, caption = made
            f = ReportFigure(name=name, title=title, caption=caption, svg="", lang=lang)
            out.append(dataclasses.replace(f, svg=_save(fig, folder, f.stem, name, title)))
    return out
