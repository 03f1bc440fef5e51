"""The budget figure: each partner (the hospital trust, each municipality) on one scale, its costs stacked as fixed
costs of staffed capacity, variable costs per occupied day and the interventions' own costs, the delayed-day payment
hatched (paid by a municipality, received by the hospital), 95% CI of each partner's net total (DESIGN.md 4.1)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from ..experiment.stats import summary as stat_summary  # noqa: E402
from .data import ReportData, ScenarioData  # noqa: E402
from .numbers import number, value  # noqa: E402
from .plotting import (  # noqa: E402
    MAX_COST_MUNICIPALITIES,
    PAYMENT_HATCH,
    _color,
    _finite,
    _mean,
    _num_formatter,
    _top,
)
from .texts import text  # noqa: E402

__all__: list[str] = []


def _total_ci(s: ScenarioData, keys: tuple[str, ...]) -> tuple[float, float] | None:
    """95% CI of the mean of a sum of indicators, from the per-replication values."""
    vals = [sum(float(r[k]) for k in keys) for r in s.replications
            if all(_finite(r.get(k)) for k in keys)]
    if len(vals) < 2:
        return None
    lo, hi = stat_summary(vals)["ci95"]  # type: ignore[misc]
    return float(lo), float(hi)


#: the parts of a partner's budget, in the order they are stacked: (indicator of the hospital, of a municipality)
_PARTS = (("fixed", "cost_hospital_fixed_nok", "cost_municipal_fixed_nok"),
          ("variable", "cost_hospital_variable_nok", "cost_municipal_variable_nok"),
          ("intervention", "cost_hospital_intervention_nok", "cost_municipal_intervention_nok"))
#: (alpha, hatch) of each part, drawn in the scenario's colour
_PART_STYLE: dict[str, tuple[float, str | None]] = {"fixed": (1.0, None), "variable": (0.45, None),
                                                    "intervention": (0.25, "....")}
_PART_LABEL = {
    "fixed": ("Faste kostnader: bemannede plasser og senger, brukt eller ikke",
              "Fixed costs: staffed places and beds, used or not"),
    "variable": ("Variable kostnader: belagte døgn", "Variable costs: occupied days"),
    "intervention": ("Tiltakenes egne kostnader", "The interventions' own costs"),
}


def _parts(s: ScenarioData, municipality: str | None) -> list[float] | None:
    """Fixed, variable and intervention costs of the hospital (``None``) or a municipality, or None when the
    results lack the parts (an older results folder: the figure then shows totals only)."""
    col = 1 if municipality is None else 2
    src = s.indicators if municipality is None else s.by_municipality.get(municipality, {})
    if not all(p[col] in src for p in _PARTS):
        return None
    return [_mean(s, p[col], municipality) for p in _PARTS]


def _costs(data: ReportData, lang: str) -> tuple[Figure, str, str] | None:
    """Each partner's yearly budget on one scale: the trust and each municipality, one bar per scenario, stacked as
    fixed costs (staffed capacity), variable costs (occupied days), the interventions' own costs and the
    delayed-day payment (hatched: paid by a municipality; for the trust the part of its costs the payment covers),
    with the 95% CI of each partner's net total and its value beside it."""
    ref = data.reference
    if "cost_hospital_nok" not in ref.indicators:
        return None
    nb = lang == "nb"
    munis, note = _top(data, data.municipalities, "cost_municipal_nok", MAX_COST_MUNICIPALITIES, lang)
    cats = [("Sykehuset (helseforetaket)" if nb else "The hospital trust"), *munis]
    n_s = len(data.scenarios)
    fig, ax = plt.subplots(figsize=(9.0, 2.2 + len(cats) * (0.24 * n_s + 0.25)), layout="constrained")
    height = 0.8 / n_s
    right = 0.0
    used: set[str] = set()
    for i, s in enumerate(data.scenarios):
        c = _color(i)
        for j, m in enumerate([None, *munis]):
            yy = len(cats) - 1 - j - (i - (n_s - 1) / 2) * height
            total = _mean(s, "cost_hospital_nok" if m is None else "cost_municipal_nok", m)
            pay = _mean(s, "delayed_payment_nok", m)
            parts = _parts(s, m)
            if parts is None:  # totals only: own part and the payment
                parts = [total - pay if m is not None else total + pay, 0.0, 0.0]
            left = 0.0
            for (name, _, _), v in zip(_PARTS, parts, strict=True):
                if v <= 0:
                    continue
                alpha, hatch = _PART_STYLE[name]
                ax.barh([yy], [v / 1e6], height * 0.9, left=left / 1e6, color=c, alpha=alpha,
                        hatch=hatch, edgecolor=c if hatch else None, linewidth=0.0, zorder=2)
                used.add(name)
                left += v
            if pay > 0:
                # a municipality pays it on top of its own costs; the trust receives it: the part of its costs it covers
                at = left if m is not None else left - pay
                ax.barh([yy], [pay / 1e6], height * 0.9, left=at / 1e6, color="white", edgecolor=c,
                        hatch=PAYMENT_HATCH, linewidth=0.6, zorder=2.5)
                used.add("payment")
            e = (s.indicators if m is None else s.by_municipality.get(m, {})).get(
                "cost_hospital_nok" if m is None else "cost_municipal_nok", {})
            if m is None:
                ci_ = _total_ci(s, ("cost_hospital_nok",))
            else:
                lo_hi = e.get("ci95") or [None, None]
                ci_ = (float(lo_hi[0]), float(lo_hi[1])) if _finite(lo_hi[0]) and _finite(lo_hi[1]) else None
            tot = total / 1e6
            end = max(tot, left / 1e6)
            if ci_ is not None:
                lo, hi = ci_[0] / 1e6, ci_[1] / 1e6
                ax.errorbar([tot], [yy], xerr=[[max(tot - lo, 0)], [max(hi - tot, 0)]], fmt="|", color="#222222",
                            ecolor="#222222", markersize=9, elinewidth=1.0, capsize=2.5, zorder=3)
                end = max(hi, end)
            ax.annotate(number(tot, lang, 0 if abs(tot) >= 100 else 1), (end, yy), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=7.2, color="#333333")
            right = max(right, end)
    ax.set_yticks(range(len(cats)))
    ax.set_yticklabels(cats[::-1])
    ax.set_ylim(-0.6, len(cats) - 0.4)
    for k in range(len(cats) - 1):
        ax.axhline(k + 0.5, color="#e4e4e4", linewidth=0.6, zorder=1)
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, right * 1.12 if right > 0 else 1)
    ax.xaxis.set_major_formatter(_num_formatter(lang))
    ax.set_xlabel(text("report.mnok_year", lang))
    title = "Budsjett per partner" if nb else "Budget by partner"
    ax.set_title(title, loc="left")
    handles: list[Artist] = [Patch(facecolor=_color(i), label=s.name) for i, s in enumerate(data.scenarios)] \
        if n_s > 1 else []
    grey = "#666666"
    for name in ("fixed", "variable", "intervention"):
        if name in used:
            alpha, hatch = _PART_STYLE[name]
            handles.append(Patch(facecolor=grey, alpha=alpha, hatch=hatch, edgecolor=grey,
                                 label=_PART_LABEL[name][0 if nb else 1]))
    if "payment" in used:
        handles.append(Patch(facecolor="white", edgecolor=grey, hatch=PAYMENT_HATCH,
                             label=("Betaling for utskrivningsklare: betalt av kommunen; hos sykehuset den delen av "
                                    "kostnadene betalingen dekker" if nb else
                                    "Delayed-day payment: paid by the municipality; for the hospital, the part of its "
                                    "costs the payment covers")))
    handles.append(Line2D([], [], marker="|", color="#222222", linestyle="-", markersize=9,
                          label=("Netto sum med 95 % KI" if nb else "Net total with 95% CI")))
    fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize=8)
    pay = _mean(ref, "delayed_payment_nok")
    net = _mean(ref, "cost_hospital_nok")
    if nb:
        cap = ("Hver partners kostnader per år i millioner kroner, på én felles skala: faste kostnader for bemannede "
               "plasser og senger (betalt enten de brukes eller ikke, så flere plasser koster alltid), variable "
               "kostnader per belagt døgn, tiltakenes egne kostnader (hos den som betaler dem) og betalingen for "
               "utskrivningsklare pasienter, en overføring fra kommunene til sykehuset (skravert). Streken og tallet "
               "er partnerens netto sum med 95 % konfidensintervall: for kommunene med betalingen, for sykehuset etter "
               f"mottatt betaling. I {ref.name} overføres {value('delayed_payment_nok', pay, lang)} mill. kr per år; "
               f"sykehusets kostnader etter mottatt betaling er {value('cost_hospital_nok', net, lang)} mill. kr. "
               "Delte interkommunale plasser er fordelt på medlemskommunene etter innbyggere 80 år og eldre; plasser "
               "et tiltak legger til, betales av kommunen som legger dem til.")
    else:
        cap = ("Each partner's costs per year in million NOK, on one common scale: fixed costs of staffed places and "
               "beds (paid whether used or not, so more places always cost), variable costs per occupied day, the "
               "interventions' own costs (with whoever pays them) and the delayed-discharge payment, a transfer from "
               "the municipalities to the hospital (hatched). The tick and the number are the partner's net total "
               "with its 95% confidence interval: for a municipality including the payment, for the hospital net of "
               f"the payment received. In {ref.name} {value('delayed_payment_nok', pay, lang)} million NOK a year is "
               f"transferred; the hospital's cost net of the payment is {value('cost_hospital_nok', net, lang)} "
               "million NOK. Shared intermunicipal places are split between the member municipalities by their "
               "inhabitants aged 80 and over; places an intervention adds are paid by the municipality that adds them.")
    if n_s > 1:
        cap += (" Forskjellene med parvise konfidensintervaller står i figuren over endring i kostnader per betaler."
                if nb else
                " The differences with paired confidence intervals are in the figure of the change in costs by payer.")
    return fig, title, cap + note
