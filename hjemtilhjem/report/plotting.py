"""Helpers shared by the report's figures: colours, number formatting on axes, the municipalities shown."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from .data import ReportData, ScenarioData  # noqa: E402
from .numbers import number  # noqa: E402

__all__ = ["COLORS", "PAYMENT_HATCH", "MAX_MUNICIPALITIES", "MAX_COST_MUNICIPALITIES"]

#: Okabe-Ito colours (readable for colour-blind readers and in grey print)
COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
PAYMENT_HATCH = "////"
#: municipalities shown in the figures (the tables show all)
MAX_MUNICIPALITIES = 25
MAX_COST_MUNICIPALITIES = 12


def _num_formatter(lang: str, scale: float = 1.0) -> FuncFormatter:
    def f(x: float, _pos: int | None = None) -> str:
        v = x * scale
        digits = 0 if abs(v - round(v)) < 1e-9 else 1
        return number(v, lang, digits)

    return FuncFormatter(f)


def _title(fig: Figure, title: str) -> None:
    fig.suptitle(title, x=0.01, y=0.995, ha="left", va="top", fontsize=11.5, fontweight="bold")


def _color(i: int) -> str:
    return COLORS[i % len(COLORS)]


def _top(data: ReportData, munis: list[str], key: str, limit: int, lang: str) -> tuple[list[str], str]:
    """At most ``limit`` municipalities, the highest by ``key`` in the reference, and a caption note."""
    if len(munis) <= limit:
        return munis, ""
    ref = data.reference
    top = sorted(munis, key=lambda m: -_mean(ref, key, m))[:limit]
    keep = [m for m in munis if m in top]
    if lang == "nb":
        return keep, (f" Figuren viser de {limit} av {len(munis)} kommuner med høyest verdi i {ref.name}; "
                      "tabellen per kommune viser alle.")
    return keep, (f" The figure shows the {limit} of {len(munis)} municipalities with the highest value in {ref.name}; "
                  "the table by municipality shows all.")


def _finite(x: object) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x)


def _mean(s: ScenarioData, key: str, municipality: str | None = None) -> float:
    e = (s.by_municipality.get(municipality, {}) if municipality else s.indicators).get(key, {})
    v = e.get("mean")
    return float(v) if _finite(v) else 0.0
