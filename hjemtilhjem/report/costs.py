"""The figure of costs by payer: the hospital, each municipality and the interventions on one scale, the
delayed-day payment hatched (paid by a municipality, received by the hospital), 95% CI of each total."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
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


def _costs(data: ReportData, lang: str) -> tuple[Figure, str, str] | None:
    """Yearly costs by payer on one scale: horizontal bars (one row per scenario and payer), the delayed-day
    payment hatched (paid by a municipality, received by the hospital), 95% CI of each total, its value beside it."""
    ref = data.reference
    if "cost_hospital_nok" not in ref.indicators:
        return None
    munis, note = _top(data, data.municipalities, "cost_municipal_nok", MAX_COST_MUNICIPALITIES, lang)
    has_iv = any(_mean(s, "cost_intervention_nok") > 0 for s in data.scenarios)
    cats = [text("payer.hospital", lang), *munis] + ([text("payer.intervention", lang)] if has_iv else [])
    n_s = len(data.scenarios)
    fig, ax = plt.subplots(figsize=(9.0, 1.6 + len(cats) * (0.2 * n_s + 0.25)), layout="constrained")
    height = 0.8 / n_s
    right = 0.0
    for i, s in enumerate(data.scenarios):
        c = _color(i)
        own = [_mean(s, "cost_hospital_nok")]
        paid = [_mean(s, "delayed_payment_nok")]
        cis: list[tuple[float, float] | None] = [_total_ci(s, ("cost_hospital_nok", "delayed_payment_nok"))]
        for m in munis:
            p = _mean(s, "delayed_payment_nok", m)
            paid.append(p)
            own.append(_mean(s, "cost_municipal_nok", m) - p)
            e = s.by_municipality.get(m, {}).get("cost_municipal_nok", {})
            lo_hi = e.get("ci95") or [None, None]
            cis.append((float(lo_hi[0]), float(lo_hi[1])) if _finite(lo_hi[0]) and _finite(lo_hi[1]) else None)
        if has_iv:
            own.append(_mean(s, "cost_intervention_nok"))
            paid.append(0.0)
            e = s.indicators.get("cost_intervention_nok", {})
            lo_hi = e.get("ci95") or [None, None]
            cis.append((float(lo_hi[0]), float(lo_hi[1])) if _finite(lo_hi[0]) and _finite(lo_hi[1]) else None)
        y = [len(cats) - 1 - j - (i - (n_s - 1) / 2) * height for j in range(len(cats))]
        own_m = [v / 1e6 for v in own]
        paid_m = [v / 1e6 for v in paid]
        ax.barh(y, own_m, height * 0.9, color=c, zorder=2)
        ax.barh(y, paid_m, height * 0.9, left=own_m, color="white", edgecolor=c, hatch=PAYMENT_HATCH, zorder=2)
        for yy, a, b, ci_ in zip(y, own_m, paid_m, cis, strict=False):
            tot = a + b
            end = tot
            if ci_ is not None:
                lo, hi = ci_[0] / 1e6, ci_[1] / 1e6
                ax.errorbar([tot], [yy], xerr=[[max(tot - lo, 0)], [max(hi - tot, 0)]], fmt="none", ecolor="#333333",
                            elinewidth=0.9, capsize=2, zorder=3)
                end = max(hi, tot)
            ax.annotate(number(tot, lang, 0 if abs(tot) >= 100 else 1), (end, yy), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=7.2, color="#333333")
            right = max(right, end)
    ax.set_yticks(range(len(cats)))
    ax.set_yticklabels(cats[::-1])
    ax.set_ylim(-0.6, len(cats) - 0.4)
    for k in range(len(cats) - 1):
        ax.axhline(k + 0.5, color="#e4e4e4", linewidth=0.6, zorder=1)
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, right * 1.1 if right > 0 else 1)
    ax.xaxis.set_major_formatter(_num_formatter(lang))
    ax.set_xlabel(text("report.mnok_year", lang))
    title = "Kostnader per betaler" if lang == "nb" else "Costs by payer"
    ax.set_title(title, loc="left")
    handles = [Patch(facecolor=_color(i), label=s.name) for i, s in enumerate(data.scenarios)] if n_s > 1 else [
        Patch(facecolor=_color(0), label=text("cost.own", lang))]
    handles.append(Patch(facecolor="white", edgecolor="#555555", hatch=PAYMENT_HATCH,
                         label=("Betaling for utskrivningsklare: betalt av kommunen, mottatt av sykehuset"
                                if lang == "nb" else "Delayed-day payment: paid by the municipality, "
                                                     "received by the hospital")))
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 3), fontsize=8.5)
    pay = _mean(ref, "delayed_payment_nok")
    net = _mean(ref, "cost_hospital_nok")
    if lang == "nb":
        cap = (f"Kostnader per år i millioner kroner for sykehuset og hver kommune{' og tiltakene' if has_iv else ''}, "
               "på én felles skala, med 95 % konfidensintervall for hver sum (streker) og summen ved siden av. "
               "Skravert del: betalingen for utskrivningsklare pasienter, en overføring fra kommunene til "
               "sykehuset – hos kommunene er den en utgift, hos sykehuset dekker den en del av kostnadene. "
               f"I {ref.name} overføres {value('delayed_payment_nok', pay, lang)} mill. kr per år; sykehusets "
               f"kostnader etter mottatt betaling er {value('cost_hospital_nok', net, lang)} mill. kr.")
    else:
        cap = ("Costs per year in million NOK for the hospital and each municipality"
               f"{' and the interventions' if has_iv else ''}, on one common scale, with the 95% confidence "
               "interval of each total (whiskers) and the total beside it. "
               "Hatched: the delayed-discharge payment, a transfer from the municipalities to the hospital – an "
               f"expense for the municipalities that covers part of the hospital's costs. In {ref.name} "
               f"{value('delayed_payment_nok', pay, lang)} million NOK a year is transferred; the hospital's cost net "
               f"of the payment is {value('cost_hospital_nok', net, lang)} million NOK.")
    if n_s > 1:
        cap += (" Forskjellene med parvise konfidensintervaller står i figuren over endring i kostnader per betaler."
                if lang == "nb" else
                " The differences with paired confidence intervals are in the figure of the change in costs by payer.")
    return fig, title, cap + note
