"""The report of a ``sweep`` folder (``sweep.json``): each indicator against the varied values with 95% CIs, each
municipality's own curve, and paired differences from a reference point, as ``report.html`` / ``report.md`` (nb)
or ``report.en.html`` / ``report.en.md``, with figures in ``figures/`` like the run and comparison reports.
Data: :mod:`.sweep_data`; figures: :mod:`.sweep_figures`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

from ..experiment.stats import MIN_REPLICATIONS_FOR_CI, few_replications
from ..outcomes.labels import label
from ..version import __version__
from .content import Table
from .figures import ReportFigure, atomic_write
from .html import CSS
from .html import _table as html_table
from .markdown import _table as md_table
from .numbers import ci, diff_unit, is_missing, joint_digits, number, scaled, value, value_unit
from .sweep_data import MUNICIPALITY_KEY, SWEEP_KEYS, SweepData, _fmt, key_label, load_sweep
from .sweep_figures import sweep_figures
from .texts import text

__all__ = ["write_sweep_report", "SWEEP_KEYS", "key_label", "SweepData", "load_sweep"]


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
