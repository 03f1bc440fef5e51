"""Figures of paired differences (scenario minus the reference, common random numbers, 95% CI of the mean of the
per-replication differences): per municipality, and per partner for the costs.

A per-scenario CI says how uncertain each scenario's own mean is; the paired CI says how uncertain the difference
is, which is what a meeting decides on (it is much narrower: both scenarios see the same patients).
"""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from ..experiment.stats import paired_difference  # noqa: E402
from .data import ReportData  # noqa: E402
from .numbers import number  # noqa: E402
from .plotting import MAX_COST_MUNICIPALITIES, MAX_MUNICIPALITIES, _color, _finite, _num_formatter, _top  # noqa: E402
from .texts import text  # noqa: E402

__all__ = ["municipality_differences", "municipality_series", "cost_differences", "Interval"]

Interval = tuple[float, float, float]  # mean, low, high


def _interval(d: dict[str, Any] | None, scale: float = 1.0) -> Interval | None:
    if not d or not _finite(d.get("mean")):
        return None
    lo, hi = d.get("ci95") or [None, None]
    m = float(d["mean"]) * scale
    if not (_finite(lo) and _finite(hi)):
        return m, m, m
    return m, float(lo) * scale, float(hi) * scale


def _forest(ax: Axes, rows: list[str], series: list[tuple[str, str, list[Interval | None]]], lang: str,
            bold_last: bool = False) -> None:
    """Points with 95% CI whiskers, one row per category, scenarios dodged within a row; filled when the CI
    excludes 0, hollow when it crosses 0."""
    n_s = len(series)
    height = 0.72 / max(n_s, 1)
    for i, (_, color, vals) in enumerate(series):
        for j, v in enumerate(vals):
            if v is None:
                continue
            m, lo, hi = v
            y = len(rows) - 1 - j - (i - (n_s - 1) / 2) * height
            clear = lo > 0 or hi < 0
            ax.errorbar([m], [y], xerr=[[max(m - lo, 0)], [max(hi - m, 0)]], fmt="o", color=color, ecolor=color,
                        capsize=2.5, markersize=5.5, elinewidth=1.5, zorder=3,
                        markerfacecolor=color if clear else "white", markeredgewidth=1.4)
    ax.axvline(0, color="black", linewidth=1, zorder=2)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows[::-1])
    ticks = ax.get_yticklabels()
    if bold_last and ticks:
        ticks[0].set_fontweight("bold")
    ax.set_ylim(-0.6, len(rows) - 0.4)
    for k in range(len(rows) - 1):
        ax.axhline(k + 0.5, color="#e4e4e4", linewidth=0.6, zorder=1)
    ax.grid(axis="y", visible=False)
    lim = max((abs(x) for _, _, vals in series for v in vals if v is not None for x in v), default=1.0) * 1.08
    ax.set_xlim(-lim, lim)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, symmetric=True))
    ax.xaxis.set_major_formatter(_num_formatter(lang))


def _legend(fig: Figure, series: list[tuple[str, str, list[Interval | None]]], lang: str) -> None:
    handles = [Line2D([], [], marker="o", color=c, linestyle="-", markersize=5.5, label=name) for name, c, _ in series]
    handles.append(Line2D([], [], marker="o", color="#555555", markerfacecolor="white", linestyle="-", markersize=5.5,
                          label=text("report.crosses_zero", lang)))
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 3), fontsize=8.5)


def municipality_series(data: ReportData, key: str, munis: list[str]) -> list[tuple[str, str, list[Interval | None]]]:
    """(scenario, colour, [paired difference (mean, low, high) per municipality]) of each scenario but the
    reference, from ``comparison.json``'s ``by_municipality`` (million NOK for costs)."""
    by_m = (data.comparison or {}).get("by_municipality") or {}
    scale = 1e-6 if key.endswith("_nok") else 1.0
    return [(s.name, _color(i + 1), [_interval(by_m[s.name].get(m, {}).get(key), scale) for m in munis])
            for i, s in enumerate(s for s in data.scenarios[1:] if s.name in by_m)]


def municipality_differences(data: ReportData, lang: str) -> tuple[Figure, str, str] | None:
    """Paired difference of delayed days and of municipal costs per municipality (and all), per scenario."""
    comp = data.comparison or {}
    by_m = comp.get("by_municipality") or {}
    others = [s for s in data.scenarios[1:] if s.name in by_m]
    if not others:
        return None
    munis, note = _top(data, data.municipalities, "delayed_days", MAX_MUNICIPALITIES, lang)
    panels = [k for k in ("delayed_days", "cost_municipal_nok")
              if any(k in by_m[s.name].get(m, {}) for s in others for m in munis)]
    if not munis or not panels:
        return None
    rows = list(munis)  # the total (much larger) is in the table of differences and would squash the rest
    n_s = len(others)
    fig, axes = plt.subplots(1, len(panels), figsize=(9.0, 1.4 + 0.36 * len(rows) * max(1, n_s) ** 0.6),
                             sharey=True, layout="constrained", squeeze=False)
    series: list[tuple[str, str, list[Interval | None]]] = []
    for ax, key in zip(axes[0], panels, strict=False):
        series = municipality_series(data, key, munis)
        _forest(ax, rows, series, lang)
        ax.set_title(text(f"report.diff_panel.{key}", lang), loc="left", fontsize=10)
        ax.set_xlabel(text(f"report.diff_axis.{key}", lang))
    _legend(fig, series, lang)
    title = "Endring per kommune fra referansen" if lang == "nb" else "Change by municipality from the reference"
    fig.suptitle(title, x=0.01, ha="left", fontsize=11.5, fontweight="bold")
    ref = data.reference.name
    if lang == "nb":
        cap = (f"Parvis forskjell per kommune (scenario minus referansen «{ref}») i liggedøgn for utskrivningsklare "
               "og i kommunens kostnader, med 95 % konfidensintervall for forskjellen. Scenarioene deler tilfeldige "
               "tall, så forskjellen er mye sikrere enn hvert scenarios eget intervall (tabellen per kommune). Fylt "
               "punkt: intervallet ligger helt på én side av null; åpent punkt: det krysser null (ingen sikker "
               "forskjell). Til venstre for null er lavere enn referansen. Forskjellen for alle kommuner samlet står i "
               "tabellen over parvise forskjeller.")
    else:
        cap = (f"Paired difference by municipality (scenario minus the reference “{ref}”) in delayed-discharge days "
               "and in the municipality's costs, with the 95% confidence interval of the difference. The scenarios "
               "share random numbers, so the difference is much more certain than each scenario's own interval (the "
               "table by municipality). Filled point: the interval lies wholly on one side of zero; open point: it "
               "crosses zero (no clear difference). Left of zero is lower than the reference. The difference for all "
               "municipalities together is in the table of paired differences.")
    return fig, title, cap + note


def _total_difference(data: ReportData, name: str) -> dict[str, Any] | None:
    """Paired difference of the sum of all partners' costs, from the per-replication values."""
    # version 2 results: the interventions' costs are inside the partners' (older folders: a partner of their own)
    keys = ("cost_hospital_nok", "cost_municipal_nok") + (
        () if data.reference.replications and "cost_total_nok" in data.reference.replications[0]
        else ("cost_intervention_nok",))
    scen = next((s for s in data.scenarios if s.name == name), None)
    if scen is None or not data.reference.replications or not scen.replications:
        return None

    def totals(rows: list[dict[str, Any]]) -> dict[int, float]:
        out = {}
        for r in rows:
            vals = [r.get(k) for k in keys if k in r]
            if _finite(r.get("replication")) and vals and all(_finite(v) for v in vals):
                out[int(r["replication"])] = float(sum(vals))  # type: ignore[arg-type]
        return out

    a, b = totals(data.reference.replications), totals(scen.replications)
    reps = sorted(set(a) & set(b))
    if len(reps) < 2:
        return None
    return paired_difference([a[r] for r in reps], [b[r] for r in reps], -1)


def cost_differences(data: ReportData, lang: str) -> tuple[Figure, str, str] | None:
    """Paired difference of each partner's yearly cost (hospital, each municipality, interventions, all), one scale."""
    comp = data.comparison or {}
    diffs = comp.get("differences") or {}
    by_m = comp.get("by_municipality") or {}
    others = [s for s in data.scenarios[1:] if s.name in diffs and "cost_hospital_nok" in diffs[s.name]]
    if not others:
        return None
    munis, note = _top(data, data.municipalities, "cost_municipal_nok", MAX_COST_MUNICIPALITIES, lang)
    munis = [m for m in munis if any("cost_municipal_nok" in by_m.get(s.name, {}).get(m, {}) for s in others)]
    # version 2: each partner's cost holds its share of the interventions' costs; older folders kept them apart
    inside = all("cost_total_nok" in diffs[s.name] for s in others)
    has_iv = not inside and any(_finite(diffs[s.name].get("cost_intervention_nok", {}).get("mean"))
                                and diffs[s.name]["cost_intervention_nok"]["mean"] != 0 for s in others)
    nb = lang == "nb"
    rows = [text("payer.hospital", lang), *munis]
    rows += [("Kommunene samlet" if nb else "All municipalities")] if len(munis) > 1 else []
    rows += [text("payer.intervention", lang)] if has_iv else []
    rows.append(text("payer.all", lang))
    series: list[tuple[str, str, list[Interval | None]]] = []
    for i, s in enumerate(others):
        vals: list[Interval | None] = [_interval(diffs[s.name].get("cost_hospital_nok"), 1e-6)]
        vals += [_interval(by_m.get(s.name, {}).get(m, {}).get("cost_municipal_nok"), 1e-6) for m in munis]
        if len(munis) > 1:
            vals.append(_interval(diffs[s.name].get("cost_municipal_nok"), 1e-6))
        if has_iv:
            vals.append(_interval(diffs[s.name].get("cost_intervention_nok"), 1e-6))
        vals.append(_interval(diffs[s.name]["cost_total_nok"] if inside else _total_difference(data, s.name), 1e-6))
        series.append((s.name, _color(i + 1), vals))
    n_s = len(others)
    fig, ax = plt.subplots(figsize=(9.0, 1.5 + 0.36 * len(rows) * max(1, n_s) ** 0.6), layout="constrained")
    _forest(ax, rows, series, lang, bold_last=True)
    lo_, hi_ = ax.get_xlim()
    ax.set_xlim(lo_ * 1.18, hi_ * 1.18)  # room for the values beside the widest intervals
    ax.set_xlabel(text("report.diff_axis.cost", lang))
    for i, (_, c, vals) in enumerate(series):  # the value beside each interval
        for j, v in enumerate(vals):
            if v is None:
                continue
            y = len(rows) - 1 - j - (i - (n_s - 1) / 2) * (0.72 / n_s)
            # outside the interval, away from zero (the axis is symmetric, so there is room on that side)
            left = v[0] < 0
            ax.annotate(number(v[0], lang, 1 if abs(v[0]) < 100 else 0), (min(v[1], v[0]) if left else
                                                                          max(v[2], v[0]), y),
                        xytext=(-6 if left else 6, 0), textcoords="offset points", va="center",
                        ha="right" if left else "left", fontsize=7, color=c)
    _legend(fig, series, lang)
    title = ("Endring i kostnader per betaler fra referansen" if lang == "nb"
             else "Change in costs by payer from the reference")
    ax.set_title(title, loc="left")
    ref = data.reference.name
    if lang == "nb":
        cap = (f"Parvis forskjell i kostnader per år (scenario minus referansen «{ref}») for sykehuset, hver kommune"
               f"{', tiltakene' if has_iv else ''} og alle betalere samlet, i millioner kroner på én felles skala, "
               "med 95 % konfidensintervall: hver partners netto endring. Den holder faste kostnader for bemannede "
               "plasser og senger (plasser et tiltak legger til, koster også når de står tomme), variable kostnader "
               "per belagt døgn og partnerens del av tiltakenes kostnader. Sykehusets kostnader er etter mottatt "
               "betaling for utskrivningsklare og kommunenes inkluderer betalingen, så betalingen går ut av summen for "
               "alle betalere. Åpent punkt: intervallet krysser null.")
    else:
        cap = (f"Paired difference in costs per year (scenario minus the reference “{ref}”) for the hospital, each "
               f"municipality{', the interventions' if has_iv else ''} and all payers together, in million NOK on one "
               "common scale, with 95% confidence intervals: each partner's net change. It holds the fixed costs of "
               "staffed places and beds (places an intervention adds cost even when empty), variable costs per "
               "occupied day and the partner's share of the interventions' costs. The hospital's costs are net of the "
               "delayed-discharge payment received and the municipalities' include it, so the payment cancels out of "
               "the total. Open point: the interval crosses zero.")
    return fig, title, cap + note
