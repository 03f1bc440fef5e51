"""The report of a ``sweep`` folder (``sweep.json``): each indicator against the varied values with 95% CIs, each
municipality's own curve, and paired differences from a reference point, as ``report.html`` / ``report.md`` (nb)
or ``report.en.html`` / ``report.en.md``, with figures in ``figures/`` like the run and comparison reports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from ..experiment.stats import MIN_REPLICATIONS_FOR_CI, few_replications  # noqa: E402
from ..outcomes.labels import label  # noqa: E402
from ..version import __version__  # noqa: E402
from .content import Table  # noqa: E402
from .data import ReportInputError  # noqa: E402
from .figures import _RC, ReportFigure, _save, atomic_write  # noqa: E402
from .html import CSS  # noqa: E402
from .html import _table as html_table  # noqa: E402
from .interventions import _CAPACITY  # noqa: E402
from .markdown import _table as md_table  # noqa: E402
from .numbers import ci, diff_unit, is_missing, joint_digits, number, scaled, value, value_unit  # noqa: E402
from .plotting import _color, _finite, _num_formatter  # noqa: E402
from .texts import text  # noqa: E402

__all__ = ["write_sweep_report", "SWEEP_KEYS", "key_label", "SweepData", "load_sweep"]

#: indicators drawn against the varied values (those present)
SWEEP_KEYS = ("delayed_days", "readmission_30d", "bed_occupancy", "corridor_patient_days", "short_term_wait",
              "cost_municipal_nok")
#: indicator of the per-municipality curves
MUNICIPALITY_KEY = "delayed_days"
#: at most this many curves per panel; more (a Latin hypercube) are drawn as unconnected points
MAX_SERIES = 6
_E = {"nb": 0, "en": 1}


def key_label(key: str, lang: str = "nb") -> str:
    """A varied key in words: ``municipality.Larvik.short_term_beds`` -> "Larvik: korttidsplasser"."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "municipality" and parts[2] in _CAPACITY:
        return f"{parts[1]}: {_CAPACITY[parts[2]][_E[lang]]}"
    if key == "hospital.beds":
        return "sykehussenger" if lang == "nb" else "hospital beds"
    return key


@dataclasses.dataclass
class SweepData:
    folder: Path
    doc: dict[str, Any]

    @property
    def points(self) -> list[dict[str, Any]]:
        return self.doc.get("points") or []

    @property
    def keys(self) -> list[str]:
        return list(self.doc.get("vary") or {})

    @property
    def manifest(self) -> dict[str, Any]:
        return self.doc.get("manifest") or {}

    @property
    def reference(self) -> dict[str, Any] | None:
        ref = self.doc.get("reference")
        if not ref:
            return None
        return next((p for p in self.points if p["point"] == ref.get("point")), None)

    @property
    def municipalities(self) -> list[str]:
        return list((self.points[0].get("by_municipality") or {}) if self.points else [])

    def x_key(self) -> str:
        """The varied key on the x axis: the first numeric one (else the first)."""
        for k in self.keys:
            if all(isinstance(p["values"].get(k), (int, float)) for p in self.points):
                return k
        return self.keys[0]

    def series(self, lang: str = "nb") -> list[tuple[str, list[dict[str, Any]]]]:
        """Points grouped by the values of the other varied keys, each group sorted along the x key."""
        xk = self.x_key()
        others = [k for k in self.keys if k != xk]
        groups: dict[str, list[dict[str, Any]]] = {}
        for p in self.points:
            name = ", ".join(f"{key_label(k, lang)} = {_fmt(p['values'].get(k), lang)}" for k in others)
            groups.setdefault(name, []).append(p)
        if len(groups) > MAX_SERIES:  # e.g. a Latin hypercube: every point differs in the other keys too
            return [("", sorted(self.points, key=lambda p: _x(p["values"].get(xk))))]
        return [(n, sorted(ps, key=lambda p: _x(p["values"].get(xk)))) for n, ps in groups.items()]

    @property
    def connected(self) -> bool:
        """Whether the points of a series lie on one line (only the x key varies along it)."""
        others = [k for k in self.keys if k != self.x_key()]
        return not others or len({tuple(str(p["values"].get(k)) for k in others) for p in self.points}) \
            <= MAX_SERIES

    def point_label(self, p: dict[str, Any], lang: str) -> str:
        return ", ".join(f"{key_label(k, lang)} = {_fmt(p['values'].get(k), lang)}" for k in self.keys)


def _x(v: Any) -> float:
    return float(v) if isinstance(v, (int, float)) else math.nan


def _fmt(v: Any, lang: str) -> str:
    return number(v, lang) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def load_sweep(folder: str | Path) -> SweepData:
    path = Path(folder) / "sweep.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportInputError(f"{path}: cannot read: {exc}") from None
    if not isinstance(doc, dict) or not doc.get("points"):
        raise ReportInputError(f"{path}: no points; is this a sweep folder written by hjemtilhjem?")
    return SweepData(Path(folder), doc)


# ----------------------------------------------------------------------------------------- figures
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
    out = []
    with plt.rc_context(_RC):  # type: ignore[arg-type]
        for name, build in _BUILDERS:
            made = build(data, lang)
            if made is None:
                continue
            fig, title, caption = made
            f = ReportFigure(name=name, title=title, caption=caption, svg="", lang=lang)
            out.append(dataclasses.replace(f, svg=_save(fig, data.folder, f.stem, name, title)))
    return out


# ----------------------------------------------------------------------------------------- tables
def _cell(key: str, e: dict[str, Any] | None, lang: str) -> str:
    if not e or is_missing(e.get("mean")):
        return "–"
    lo, hi = e.get("ci95") or [None, None]
    return f"{value(key, e['mean'], lang)} ({ci(key, lo, hi, lang)})"


def _diff_cell(key: str, d: dict[str, Any] | None, lang: str) -> str:
    if not d or is_missing(d.get("mean")):
        return "–"
    lo, hi = d.get("ci95") or [None, None]
    if d["mean"] == 0 and lo == 0 and hi == 0:
        return "0"  # the same in every replication (e.g. a municipality not affected)
    return f"{number(scaled(key, d['mean']), lang, joint_digits(key, d['mean'], lo, hi))} ({ci(key, lo, hi, lang)})"


def points_table(data: SweepData, lang: str) -> Table:
    keys = [k for k in SWEEP_KEYS if k in data.points[0].get("indicators", {})]
    header = [key_label(k, lang) for k in data.keys] + [f"{label(k, lang)} ({value_unit(k, lang)})" for k in keys]
    rows = [[_fmt(p["values"].get(k), lang) for k in data.keys] + [_cell(k, p["indicators"].get(k), lang)
                                                                    for k in keys] for p in data.points]
    cap = ("Hvert punkt i designet: gjennomsnitt per år med 95 % konfidensintervall i parentes." if lang == "nb"
           else "Each point of the design: mean per year with the 95% confidence interval in brackets.")
    return Table(cap, header, rows, [False] * len(data.keys) + [True] * len(keys))


def differences_table(data: SweepData, lang: str) -> Table | None:
    diffs = data.doc.get("differences") or {}
    ref = data.reference
    if not diffs or ref is None:
        return None
    keys = [k for k in SWEEP_KEYS if any(k in d for d in diffs.values())]
    header = [key_label(k, lang) for k in data.keys] + [f"{label(k, lang)} ({diff_unit(k, lang)})" for k in keys]
    rows = []
    for p in data.points:
        d = diffs.get(str(p["point"]))
        if d is None:
            continue
        rows.append([_fmt(p["values"].get(k), lang) for k in data.keys] + [_diff_cell(k, d.get(k), lang)
                                                                             for k in keys])
    who = data.point_label(ref, lang)
    cap = (f"Parvis forskjell fra referansepunktet ({who}) med 95 % konfidensintervall i parentes." if lang == "nb"
           else f"Paired difference from the reference point ({who}) with the 95% confidence interval in brackets.")
    return Table(cap, header, rows, [False] * len(data.keys) + [True] * len(keys))


def municipality_table(data: SweepData, lang: str) -> Table | None:
    munis = data.municipalities
    key = MUNICIPALITY_KEY
    if not munis:
        return None
    dm = data.doc.get("differences_by_municipality") or {}
    header = [text("report.municipality", lang)] + [key_label(k, lang) for k in data.keys]
    header += [f"{label(key, lang)} ({value_unit(key, lang)})",
               f"{text('sweep.difference', lang)} ({diff_unit(key, lang)})"]
    rows: list[list[str]] = []
    groups = []
    for m in munis:
        groups.append(len(rows))
        for p in data.points:
            e = (p.get("by_municipality") or {}).get(m, {}).get(key)
            d = (dm.get(str(p["point"])) or {}).get(m, {}).get(key)
            is_ref = data.reference is not None and p["point"] == data.reference["point"]
            rows.append([m if len(rows) == groups[-1] else "", *[_fmt(p["values"].get(k), lang) for k in data.keys],
                         _cell(key, e, lang), text("sweep.reference", lang) if is_ref else _diff_cell(key, d, lang)])
    cap = (f"{label(key, lang)} per kommune ved hvert punkt, og den parvise forskjellen fra referansepunktet, med "
           "95 % konfidensintervall i parentes." if lang == "nb" else
           f"{label(key, lang)} by municipality at each point, and the paired difference from the reference point, "
           "with the 95% confidence interval in brackets.")
    return Table(cap, header, rows, [False] * (1 + len(data.keys)) + [True, True], groups)


# ----------------------------------------------------------------------------------------- documents
def _intro(data: SweepData, lang: str) -> list[str]:
    m = data.manifest
    name = data.doc.get("scenario", "")
    def values(vs: Any) -> str:
        if isinstance(vs, list):
            return ", ".join(_fmt(v, lang) for v in vs)
        return f"{_fmt(vs.get('low'), lang)}–{_fmt(vs.get('high'), lang)}"

    varied = "; ".join(f"{key_label(k, lang)} ({k}): {values(vs)}" for k, vs in (data.doc.get("vary") or {}).items())
    ref = data.reference
    if lang == "nb":
        out = [f"Scenarioet «{name}» er kjørt ved {len(data.points)} punkter med {m.get('replications')} "
               f"replikasjoner hver, frø {m.get('seed')}. Variert: {varied}.",
               "Alle punktene kjører de samme replikasjonene med samme frø (felles slumptall), så forskjellene "
               "mellom punktene er parvise."]
        if ref is not None:
            out.append(f"Referansepunktet for forskjellene er {data.point_label(ref, lang)}.")
    else:
        out = [f"The scenario “{name}” ran at {len(data.points)} points with {m.get('replications')} replications "
               f"each, seed {m.get('seed')}. Varied: {varied}.",
               "Every point runs the same replications with the same seed (common random numbers), so the "
               "differences between points are paired."]
        if ref is not None:
            out.append(f"The reference point of the differences is {data.point_label(ref, lang)}.")
    return out


def _warning(data: SweepData, lang: str) -> str | None:
    n = int(data.manifest.get("replications") or 0)
    if not n or not few_replications(n):
        return None
    return text("report.few_replications", lang, replications=n, minimum=MIN_REPLICATIONS_FOR_CI)


def _provenance(data: SweepData, lang: str) -> list[tuple[str, str]]:
    m = data.manifest
    nb = lang == "nb"
    keys = [("model_version", "Modellversjon", "Model version"), ("scenario_sha256", "Scenario SHA-256",
                                                                   "Scenario SHA-256"),
            ("seed", "Frø (seed)", "Seed"), ("replications", "Replikasjoner per punkt", "Replications per point"),
            ("points", "Punkter", "Points"), ("design", "Design", "Design"), ("executor", "Kjøremiljø", "Executor"),
            ("created", "Laget", "Created"), ("command", "Kommando", "Command")]
    return [(a if nb else b, str(m.get(k, "–"))) for k, a, b in keys if m.get(k) is not None]


def render_sweep_html(data: SweepData, figures: list[ReportFigure], lang: str) -> str:
    e = _e_html
    name = str(data.doc.get("scenario", ""))
    title = text("sweep.title", lang)
    parts = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
             f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f"<title>{e(title)} – {e(name)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
             f'<header class="top"><h1>{e(title)}</h1><p class="subtitle">{e(name)} · hjemtilhjem '
             f"{e(data.manifest.get('model_version', __version__))} · {len(data.points)} "
             f"{'punkter' if lang == 'nb' else 'points'}</p></header>"]
    parts += [f"<p>{e(p)}</p>" for p in _intro(data, lang)]
    w = _warning(data, lang)
    if w:
        parts.append(f'<p class="warning" role="note"><b>{e(text("report.warning", lang))}:</b> {e(w)}</p>')
    n = 0
    parts.append(f"<h2>{e(text('report.figures', lang))}</h2>")
    for i, f in enumerate(figures, 1):
        parts.append(f'<figure id="fig-{e(f.name)}">{f.svg}<figcaption><b>{e(text("report.figure", lang))} {i}. '
                     f"{e(f.title)}.</b> {e(f.caption)}</figcaption></figure>")
    parts.append(f"<h2>{e(text('sweep.points', lang))}</h2>")
    for t in (points_table(data, lang), differences_table(data, lang), municipality_table(data, lang)):
        if t is not None:
            n += 1
            parts.append(html_table(t, n, lang))
    parts.append(f"<h2>{e(text('report.provenance', lang))}</h2><dl class=\"prov\">"
                 + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in _provenance(data, lang)) + "</dl>")
    parts.append(f"<footer>hjemtilhjem {e(data.manifest.get('model_version', __version__))} · {e(name)} · "
                 f"{e('rapport laget' if lang == 'nb' else 'report generated')} "
                 f"{e(dt.datetime.now().astimezone().isoformat(timespec='seconds'))}</footer>\n</main>\n</body>\n"
                 "</html>\n")
    return "".join(parts)


def _e_html(s: object) -> str:
    import html

    return html.escape(str(s), quote=True)


def render_sweep_markdown(data: SweepData, figures: list[ReportFigure], lang: str) -> str:
    name = str(data.doc.get("scenario", ""))
    lines = [f"# {text('sweep.title', lang)} – {name}", ""]
    for p in _intro(data, lang):
        lines += [p, ""]
    w = _warning(data, lang)
    if w:
        lines += [f"> **{text('report.warning', lang)}:** {w}", ""]
    lines += [f"## {text('report.figures', lang)}", ""]
    for i, f in enumerate(figures, 1):
        lines += [f"![{f.title}](figures/{f.stem}.svg)", "", f"*{text('report.figure', lang)} {i}. {f.title}.* "
                                                             f"{f.caption}", ""]
    lines += [f"## {text('sweep.points', lang)}", ""]
    n = 0
    for t in (points_table(data, lang), differences_table(data, lang), municipality_table(data, lang)):
        if t is not None:
            n += 1
            lines += md_table(t, n, lang)
    lines += [f"## {text('report.provenance', lang)}", ""] + [f"- {k}: `{v}`" for k, v in _provenance(data, lang)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip() + "\n"


def write_sweep_report(folder: str | Path, lang: str = "nb") -> dict[str, Any]:
    """(Re)generate the report of a sweep folder in ``lang``: ``report.html`` / ``report.md`` (nb) or
    ``report.<lang>.*``, figures in ``figures/``."""
    folder = Path(folder)
    data = load_sweep(folder)
    figures = sweep_figures(data, lang)
    html_name, md_name = ("report.html", "report.md") if lang == "nb" else (f"report.{lang}.html",
                                                                            f"report.{lang}.md")
    atomic_write(folder / html_name, render_sweep_html(data, figures, lang))
    atomic_write(folder / md_name, render_sweep_markdown(data, figures, lang))
    n = int(data.manifest.get("replications") or 0)
    return {"html": folder / html_name, "markdown": folder / md_name,
            "figures": [folder / "figures" / f"{f.stem}.{ext}" for f in figures for ext in ("png", "svg")],
            "replications": n, "few_replications": few_replications(n)}
