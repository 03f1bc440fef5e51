"""Figures of the sweep report: the indicators, each municipality's curve and the paired differences against
the varied values, with 95% CIs."""

from __future__ import annotations

import math
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from ..outcomes.labels import label  # noqa: E402
from .figures import ReportFigure, draw_figures  # noqa: E402
from .numbers import diff_unit, number, scaled, value_unit  # noqa: E402
from .plotting import _color, _finite, _num_formatter  # noqa: E402
from .sweep_data import MUNICIPALITY_KEY, SWEEP_KEYS, SweepData, key_label  # noqa: E402
from .texts import text  # noqa: E402

__all__ = ["sweep_figures"]


def _xs(data: SweepData, ps: list[dict[str, Any]]) -> list[float]:
    xk = data.x_key()
    vals = [p["values"].get(xk) for p in ps]
    if all(isinstance(v, (int, float)) for v in vals):
        return [float(v) for v in vals]
    order = list(dict.fromkeys(str(p["values"].get(xk)) for p in data.points))
    return [float(order.index(str(v))) for v in vals]


def _curve(ax: Any, xs: list[float], es: list[dict[str, Any] | None], key: str, color: str, scale: float,
           name: str | None = None, line: bool = True) -> None:
    ys, lo, hi = [], [], []
    for e in es:
        m = (e or {}).get("mean")
        c = (e or {}).get("ci95") or [None, None]
        ys.append(float(m) * scale if isinstance(m, (int, float)) and _finite(m) else math.nan)
        lo.append(float(c[0]) * scale if _finite(c[0]) else math.nan)
        hi.append(float(c[1]) * scale if _finite(c[1]) else math.nan)
    if line:
        ax.fill_between(xs, lo, hi, color=color, alpha=0.18, linewidth=0)
    err = [[max(y - a, 0) if _finite(y) and _finite(a) else 0 for y, a in zip(ys, lo, strict=False)],
           [max(b - y, 0) if _finite(y) and _finite(b) else 0 for y, b in zip(ys, hi, strict=False)]]
    ax.errorbar(xs, ys, yerr=err, color=color, marker="o", markersize=4.5, capsize=2.5,
                linewidth=1.6 if line else 0, elinewidth=1, label=name)


def _y_formatter(ax: Any, lang: str) -> FuncFormatter:
    """Tick labels with as many decimals as the tick step needs ("0,01", "0,02"; "500", "1 000")."""

    def f(x: float, _pos: int | None = None) -> str:
        locs = sorted(ax.yaxis.get_majorticklocs())
        step = min((b - a for a, b in zip(locs, locs[1:], strict=False) if b > a), default=1.0)
        digits = max(0, -math.floor(math.log10(step))) if step > 0 else 0
        return number(x, lang, digits if abs(step * 10 ** digits - round(step * 10 ** digits)) < 1e-6 else digits + 1)

    return FuncFormatter(f)


def _scale(key: str) -> float:
    return scaled(key, 1.0)


def _axis_label(key: str, lang: str, diff: bool = False) -> str:
    return diff_unit(key, lang) if diff else value_unit(key, lang)


def _x_axis(ax: Any, data: SweepData, lang: str) -> None:
    xk = data.x_key()
    ax.set_xlabel(key_label(xk, lang))
    if not all(isinstance(p["values"].get(xk), (int, float)) for p in data.points):
        order = list(dict.fromkeys(str(p["values"].get(xk)) for p in data.points))
        ax.set_xticks(range(len(order)))
        ax.set_xticklabels(order)
    else:
        ax.xaxis.set_major_formatter(_num_formatter(lang))


def _mark_reference(ax: Any, data: SweepData) -> None:
    ref = data.reference
    if ref is not None:
        ax.axvline(_xs(data, [ref])[0], color="#777777", linestyle=":", linewidth=1, zorder=1)


def _legend(fig: Figure, series: list[tuple[str, list[dict[str, Any]]]], lang: str, ref: bool) -> None:
    handles = [Line2D([], [], color=_color(i), marker="o", label=n) for i, (n, _) in enumerate(series) if n]
    if ref:
        handles.append(Line2D([], [], color="#777777", linestyle=":", label=text("sweep.reference_line", lang)))
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 3), fontsize=8.5)


def _grid(n: int) -> tuple[int, int]:
    cols = 2 if n > 1 else 1
    return math.ceil(n / cols), cols


def _indicators_figure(data: SweepData, lang: str) -> tuple[Figure, str, str] | None:
    keys = [k for k in SWEEP_KEYS if k in data.points[0].get("indicators", {})]
    if not keys:
        return None
    rows, cols = _grid(len(keys))
    fig, axes = plt.subplots(rows, cols, figsize=(9.0, 0.6 + 2.7 * rows), layout="constrained", squeeze=False)
    series = data.series(lang)
    for ax, k in zip(axes.flat, keys, strict=False):
        for i, (_, ps) in enumerate(series):
            _curve(ax, _xs(data, ps), [p["indicators"].get(k) for p in ps], k, _color(i), _scale(k),
                   line=data.connected)
        _mark_reference(ax, data)
        ax.set_title(label(k, lang), loc="left", fontsize=10)
        ax.set_ylabel(_axis_label(k, lang))
        ax.yaxis.set_major_formatter(_y_formatter(ax, lang))
        _x_axis(ax, data, lang)
    for ax in list(axes.flat)[len(keys):]:
        ax.set_visible(False)
    _legend(fig, series, lang, data.reference is not None)
    title = "Indikatorene mot verdiene som ble variert" if lang == "nb" else "The indicators against the varied values"
    fig.suptitle(title, x=0.01, ha="left", fontsize=11.5, fontweight="bold")
    cap = (f"Gjennomsnitt per år ved hvert punkt i designet, med 95 % konfidensintervall (skygge og streker), mot "
           f"{key_label(data.x_key(), lang)} ({data.x_key()}). Stiplet loddrett linje: referansepunktet."
           if lang == "nb" else
           f"Mean per year at each point of the design, with the 95% confidence interval (shade and whiskers), "
           f"against {key_label(data.x_key(), lang)} ({data.x_key()}). Dotted vertical line: the reference point.")
    return fig, title, cap


def _municipalities_figure(data: SweepData, lang: str, diff: bool = False) -> tuple[Figure, str, str] | None:
    """Each municipality's own curve (``diff``: its paired difference from the reference point), one scale."""
    munis = data.municipalities
    key = MUNICIPALITY_KEY
    if not munis or key not in (data.points[0].get("by_municipality") or {}).get(munis[0], {}):
        return None
    dm = data.doc.get("differences_by_municipality") or {}
    ref = data.reference
    if diff and (not dm or ref is None):
        return None
    zero = {"mean": 0.0, "ci95": [0.0, 0.0]}

    def entry(p: dict[str, Any], m: str) -> dict[str, Any] | None:
        if not diff:
            return (p.get("by_municipality") or {}).get(m, {}).get(key)
        if ref is not None and p["point"] == ref["point"]:
            return zero
        return (dm.get(str(p["point"])) or {}).get(m, {}).get(key)

    munis = munis[:12]
    rows, cols = _grid(len(munis))
    cols = 3 if len(munis) > 4 else cols
    rows = math.ceil(len(munis) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(9.0, 0.8 + 2.3 * rows), layout="constrained", squeeze=False,
                             sharey=True)
    series = data.series(lang)
    for ax, m in zip(axes.flat, munis, strict=False):
        for i, (_, ps) in enumerate(series):
            _curve(ax, _xs(data, ps), [entry(p, m) for p in ps], key, _color(i), _scale(key), line=data.connected)
        if diff:
            ax.axhline(0, color="black", linewidth=1)
        _mark_reference(ax, data)
        ax.set_title(m, loc="left", fontsize=10)
        ax.yaxis.set_major_formatter(_y_formatter(ax, lang))
        _x_axis(ax, data, lang)
    # one scale for every panel, set once all are drawn, so no curve is cut
    vals = [float(v) * _scale(key) for p in data.points for m in munis for e in [entry(p, m) or {}]
            for v in [e.get("mean"), *(e.get("ci95") or [])] if _finite(v)]
    top, bottom = max(vals, default=1.0), min(vals, default=0.0)
    if diff:
        pad = 0.05 * max(top - bottom, 1e-9)
        axes[0, 0].set_ylim(min(bottom, 0.0) - pad, max(top, 0.0) + pad)
    else:
        axes[0, 0].set_ylim(0, top * 1.05 if top > 0 else 1.0)
    for ax in axes[:, 0]:
        ax.set_ylabel(_axis_label(key, lang, diff=diff))
    for ax in list(axes.flat)[len(munis):]:
        ax.set_visible(False)
    _legend(fig, series, lang, data.reference is not None)
    title = (f"{label(key, lang)} per kommune" if lang == "nb" else f"{label(key, lang)} by municipality")
    if diff:
        title = (f"{label(key, lang)} per kommune: forskjell fra referansepunktet" if lang == "nb" else
                 f"{label(key, lang)} by municipality: difference from the reference point")
    fig.suptitle(title, x=0.01, ha="left", fontsize=11.5, fontweight="bold")
    if diff and ref is not None:
        who = data.point_label(ref, lang)
        cap = (f"Hver kommunes parvise forskjell fra referansepunktet ({who}) i {label(key, lang).lower()} per år, "
               f"med 95 % konfidensintervall for forskjellen, mot {key_label(data.x_key(), lang)}. Alle panelene "
               "har samme skala." if lang == "nb" else
               f"Each municipality's paired difference from the reference point ({who}) in "
               f"{label(key, lang).lower()} per year, with the 95% confidence interval of the difference, against "
               f"{key_label(data.x_key(), lang)}. All panels share one scale.")
        return fig, title, cap
    cap = (f"Hver kommunes egen kurve: {label(key, lang).lower()} per år med 95 % konfidensintervall mot "
           f"{key_label(data.x_key(), lang)}. Alle panelene har samme skala."
           if lang == "nb" else
           f"Each municipality's own curve: {label(key, lang).lower()} per year with the 95% confidence interval "
           f"against {key_label(data.x_key(), lang)}. All panels share one scale.")
    return fig, title, cap


def _differences_figure(data: SweepData, lang: str) -> tuple[Figure, str, str] | None:
    diffs = data.doc.get("differences") or {}
    ref = data.reference
    if not diffs or ref is None:
        return None
    keys = [k for k in SWEEP_KEYS if any(k in d for d in diffs.values())]
    if not keys:
        return None
    rows, cols = _grid(len(keys))
    fig, axes = plt.subplots(rows, cols, figsize=(9.0, 0.6 + 2.7 * rows), layout="constrained", squeeze=False)
    series = data.series(lang)
    zero = {"mean": 0.0, "ci95": [0.0, 0.0]}
    for ax, k in zip(axes.flat, keys, strict=False):
        for i, (_, ps) in enumerate(series):
            es = [zero if p["point"] == ref["point"] else (diffs.get(str(p["point"])) or {}).get(k) for p in ps]
            _curve(ax, _xs(data, ps), es, k, _color(i), _scale(k), line=data.connected)
        ax.axhline(0, color="black", linewidth=1)
        _mark_reference(ax, data)
        ax.set_title(label(k, lang), loc="left", fontsize=10)
        ax.set_ylabel(_axis_label(k, lang, diff=True))
        ax.yaxis.set_major_formatter(_y_formatter(ax, lang))
        _x_axis(ax, data, lang)
    for ax in list(axes.flat)[len(keys):]:
        ax.set_visible(False)
    _legend(fig, series, lang, True)
    title = "Parvis forskjell fra referansepunktet" if lang == "nb" else "Paired difference from the reference point"
    fig.suptitle(title, x=0.01, ha="left", fontsize=11.5, fontweight="bold")
    who = data.point_label(ref, lang)
    cap = (f"Forskjell fra referansepunktet ({who}) per år, med 95 % konfidensintervall for forskjellen. Alle "
           "punktene kjører de samme replikasjonene med samme frø (felles slumptall), så forskjellene er parvise "
           "og mye sikrere enn hvert punkts eget intervall."
           if lang == "nb" else
           f"Difference from the reference point ({who}) per year, with the 95% confidence interval of the "
           "difference. Every point runs the same replications with the same seed (common random numbers), so the "
           "differences are paired and much more certain than each point's own interval.")
    return fig, title, cap


def _municipality_differences_figure(data: SweepData, lang: str) -> tuple[Figure, str, str] | None:
    return _municipalities_figure(data, lang, diff=True)


_BUILDERS = (("sweep_indicators", _indicators_figure), ("sweep_municipalities", _municipalities_figure),
             ("sweep_differences", _differences_figure),
             ("sweep_municipality_differences", _municipality_differences_figure))


def sweep_figures(data: SweepData, lang: str = "nb") -> list[ReportFigure]:
    return draw_figures(_BUILDERS, data, lang, data.folder)
