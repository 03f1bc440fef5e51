"""``report.html``: one self-contained page (inline SVG figures, inline CSS, no scripts, no network).

It prints cleanly to A4: figures and table rows are not split across pages.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from ..version import __version__
from .content import (
    Table,
    budget_table,
    difference_sentences,
    difference_table,
    few_replications_warning,
    flow_table,
    indicator_table,
    municipality_table,
    provenance,
    run_sentences,
    sources,
    stress,
)
from .data import ReportData
from .figures import ReportFigure
from .interventions import scenario_changes, shared_overrides, shown
from .numbers import number
from .places import place_table
from .texts import text

__all__ = ["render_html", "CSS"]

CSS = """
:root { --ink: #1d2430; --muted: #5b6573; --line: #d5dbe3; --accent: #0b5394; --soft: #f3f6fa; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; color: var(--ink); background: #fff;
       font-family: "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
       line-height: 1.45; }
main { max-width: 1000px; margin: 0 auto; padding: 28px 32px 48px; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 10px; margin-bottom: 18px; }
h1 { font-size: 1.75rem; margin: 0 0 4px; color: var(--accent); }
.subtitle { color: var(--muted); margin: 0; }
h2 { font-size: 1.3rem; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 22px 0 8px; }
p { margin: 8px 0; }
.findings { background: var(--soft); border-left: 5px solid var(--accent); padding: 12px 18px; margin: 16px 0; }
.findings ul { margin: 6px 0; padding-left: 20px; }
.warning { background: #fff4e5; border-left: 5px solid #D55E00; padding: 10px 18px; margin: 16px 0; }
.findings li { margin: 5px 0; }
nav.toc { font-size: 0.92rem; color: var(--muted); margin: 8px 0 0; }
nav.toc a { color: var(--accent); text-decoration: none; margin-right: 14px; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-size: 0.88rem; }
caption { caption-side: top; text-align: left; color: var(--muted); font-size: 0.88rem; padding: 4px 0 6px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; text-align: left; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td .ci { color: var(--muted); font-size: 0.86em; }
.table-wrap { overflow-x: auto; }
table.wide { font-size: 0.82rem; }
table.wide th, table.wide td { padding: 5px 6px; }
tr.group-start td { border-top: 2px solid #b9c3cf; }
figure { margin: 18px 0 26px; break-inside: avoid; page-break-inside: avoid; }
figure svg.figure { width: 100%; height: auto; display: block; }
figcaption { font-size: 0.88rem; color: #333; margin-top: 6px; }
figcaption b { color: var(--ink); }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; font-size: 0.88rem; margin: 8px 0; }
dl.prov dt { color: var(--muted); }
dl.prov dd { margin: 0; word-break: break-all; }
dl.prov.iv dd { word-break: normal; }
p.iv-name { margin: 12px 0 2px; }
.stress dt { font-weight: 600; margin-top: 8px; }
.stress dd { margin: 2px 0 0 0; }
ol.sources { font-size: 0.85rem; padding-left: 20px; }
ol.sources code, dl.prov code { font-size: 0.85em; }
footer { margin-top: 40px; font-size: 0.8rem; color: var(--muted); border-top: 1px solid var(--line);
         padding-top: 8px; }
@page { size: A4; margin: 14mm 13mm 16mm; }
@media print {
  html { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; }
  tr, .findings li, .warning { break-inside: avoid; page-break-inside: avoid; }
  table { font-size: 8.6pt; }
  table.wide { font-size: 7.6pt; }
  table.wide td.num { white-space: normal; }
  th, td { padding: 3px 5px; }
  .table-wrap { overflow: visible; }
  #municipalities, #flows, .findings { break-inside: avoid; page-break-inside: avoid; }
  figure { margin: 10px 0 16px; }
  a { color: inherit; text-decoration: none; }
  section.page-break { break-before: page; page-break-before: always; }
}
"""


#: a numeric cell "value (CI)" is shown as the value with the CI in small type below it
_WITH_CI = re.compile(r"^(.+?) \((.+)\)$")


def _e(s: object) -> str:
    return html.escape(str(s), quote=True)


def _table(t: Table, index: int, lang: str) -> str:
    wide = ' class="wide"' if len(t.header) > 6 else ""
    out = [f'<div class="table-wrap"><table{wide}>',
           f"<caption><b>{_e(text('report.table', lang))} {index}.</b> {_e(t.caption)}</caption>",
           "<thead><tr>"]
    for i, h in enumerate(t.header):
        cls = ' class="num"' if i < len(t.numeric) and t.numeric[i] else ""
        out.append(f"<th{cls}>{_e(h)}</th>")
    out.append("</tr></thead><tbody>")
    for r, row in enumerate(t.rows):
        cls = ' class="group-start"' if r in t.group_rows and r > 0 else ""
        out.append(f"<tr{cls}>")
        for i, c in enumerate(row):
            if i < len(t.numeric) and t.numeric[i]:
                m = _WITH_CI.match(c)
                cell = f'{_e(m.group(1))}<br><span class="ci">{_e(m.group(2))}</span>' if m else _e(c)
                out.append(f'<td class="num">{cell}</td>')
            else:
                out.append(f"<td>{_e(c)}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _compared(data: ReportData, lang: str) -> str:
    """The section "What was compared": each scenario's interventions in plain words, and its overrides."""
    comp = data.is_comparison
    out = [f'<section id="compared"><h2>{_e(text("report.what_compared" if comp else "report.what_ran", lang))}</h2>'
           f"<p>{_e(text('report.what_compared_intro', lang))}</p>"]
    shared = shared_overrides(data)
    if shared:
        out.append(f"<p>{_e(text('report.overrides_all', lang))}: " + ", ".join(f"<code>{_e(o)}</code>" for o in shared)
                   + "</p>")
    for i, sc in enumerate(scenario_changes(data, sources(data), lang)):
        if comp:
            ref = f" ({text('report.reference_mark', lang)})" if i == 0 else ""
            out.append(f"<h3>{_e(sc.name)}{_e(ref)}</h3>")
        if not sc.interventions:
            out.append(f"<p>{_e(text('report.no_interventions', lang))}</p>")
        for iv in sc.interventions:
            out.append(f'<p class="iv-name"><b>{_e(iv.label)}</b></p><dl class="prov iv">'
                       + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in iv.lines(lang)) + "</dl>")
        if sc.overrides:
            out.append(f"<p>{_e(text('report.overrides', lang))}: "
                       + ", ".join(f"<code>{_e(o)}</code>" for o in sc.overrides) + "</p>")
    out.append("</section>")
    return "".join(out)


def render_html(data: ReportData, figures: list[ReportFigure], lang: str = "nb") -> str:
    """The whole ``report.html`` as a string."""
    ref = data.reference
    m = ref.manifest
    comp = data.is_comparison
    title = text("report.compare_title" if comp else "report.title", lang)
    names = ", ".join(s.name for s in data.scenarios)
    created = str(m.get("created") or dt.datetime.now().astimezone().isoformat(timespec="seconds"))
    tables = 0
    parts = [f'<!DOCTYPE html>\n<html lang="{"nb" if lang == "nb" else "en"}">\n<head>\n<meta charset="utf-8">\n'
             f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f"<title>{_e(title)} – {_e(names)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"]
    parts.append(f'<header class="top"><h1>{_e(title)}</h1><p class="subtitle">{_e(names)} · '
                 f"{_e(text('report.generated', lang))} {_e(created[:10])} · hjemtilhjem {_e(m.get('model_version'))}"
                 f" · {_e(m.get('replications'))} {'replikasjoner' if lang == 'nb' else 'replications'}</p>")
    toc = ([("compared", text("report.what_compared" if comp else "report.what_ran", lang))] if shown(data) else [])
    toc += [("findings", text("report.key_findings", lang)), ("indicators", text("report.indicators", lang)),
           ("figures", text("report.figures", lang)), ("municipalities", text("report.by_municipality", lang)),
           ("flows", text("report.flows", lang)), ("provenance", text("report.provenance", lang))]
    parts.append('<nav class="toc">' + "".join(f'<a href="#{a}">{_e(b)}</a>' for a, b in toc) + "</nav></header>")

    # introduction and key findings
    parts.append(f"<p>{_e(text('report.intro', lang, replications=m.get('replications')))}</p>")
    if comp:
        parts.append(f"<p>{_e(text('report.compare_intro', lang, reference=ref.name))}</p>")
    warning = few_replications_warning(data, lang)
    if warning:
        parts.append(f'<p class="warning" role="note"><b>{_e(text("report.warning", lang))}:</b> {_e(warning)}</p>')
    if shown(data):
        parts.append(_compared(data, lang))
    sentences = difference_sentences(data, lang) if comp else run_sentences(ref, lang)
    parts.append(f'<section class="findings" id="findings"><h2 style="margin-top:0;border:0">'
                 f"{_e(text('report.key_findings', lang))}</h2><ul>"
                 + "".join(f"<li>{_e(s)}</li>" for s in sentences) + "</ul></section>")

    # indicator tables
    parts.append(f'<section id="indicators"><h2>{_e(text("report.indicators", lang))}</h2>')
    tables += 1
    parts.append(_table(indicator_table(data, lang), tables, lang))
    dt_ = difference_table(data, lang)
    if dt_ is not None:
        parts.append(f"<h3>{_e(text('report.differences', lang))}</h3>")
        tables += 1
        parts.append(_table(dt_, tables, lang))
    bt = budget_table(data, lang)
    if bt is not None:
        parts.append(f"<h3>{_e('Budsjett per partner' if lang == 'nb' else 'Budget by partner')}</h3>")
        tables += 1
        parts.append(_table(bt, tables, lang))
    how = text("report.how_to_read_text", lang, warmup=number(m.get("warmup_days"), lang))
    parts.append(f"<p><b>{_e(text('report.how_to_read', lang))}.</b> {_e(how)}</p></section>")

    # figures
    parts.append(f'<section id="figures"><h2>{_e(text("report.figures", lang))}</h2>')
    for i, f in enumerate(figures, 1):
        parts.append(f'<figure id="fig-{_e(f.name)}">{f.svg}<figcaption><b>{_e(text("report.figure", lang))} {i}. '
                     f"{_e(f.title)}.</b> {_e(f.caption)}</figcaption></figure>")
    parts.append("</section>")

    # municipalities, flows
    mt = municipality_table(data, lang)
    if mt is not None:
        tables += 1
        parts.append(f'<section id="municipalities"><h2>{_e(text("report.by_municipality", lang))}</h2>'
                     f"{_table(mt, tables, lang)}</section>")
    pt = place_table(data, lang)
    if pt is not None:
        tables += 1
        parts.append(f'<section id="places"><h2>{_e(text("report.by_place", lang))}</h2>'
                     f"{_table(pt, tables, lang)}</section>")
    ft = flow_table(data, lang)
    if ft is not None:
        tables += 1
        parts.append(f'<section id="flows"><h2>{_e(text("report.flows", lang))}</h2>{_table(ft, tables, lang)}'
                     "</section>")

    # provenance, model summary, sources
    parts.append(f'<section id="provenance" class="page-break"><h2>{_e(text("report.provenance", lang))}</h2>')
    for s in data.scenarios:
        if comp:
            parts.append(f"<h3>{_e(s.name)}</h3>")
        parts.append('<dl class="prov">' + "".join(f"<dt>{_e(k)}</dt><dd><code>{_e(v)}</code></dd>"
                                                  if k in ("Scenario SHA-256", "Kommando", "Command")
                                                  else f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>"
                                                  for k, v in provenance(s, lang)) + "</dl>")
    parts.append(f"<h3>{_e(text('report.model_summary', lang))}</h3><dl class=\"stress\">"
                 + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in stress(data, lang)) + "</dl>")
    src = sources(data)
    if src:
        parts.append(f"<h3>{_e(text('report.sources', lang))}</h3><ol class=\"sources\">"
                     + "".join(f"<li><b>{_e(k)}</b>: {_e(v)}</li>" for k, v in src.items()) + "</ol>")
    parts.append("</section>")
    parts.append(f"<footer>hjemtilhjem {_e(m.get('model_version', __version__))} · {_e(names)} · SHA-256 "
                 f"{_e(', '.join(str(s.manifest.get('scenario_sha256', ''))[:12] for s in data.scenarios))} · "
                 f"{_e('rapport laget' if lang == 'nb' else 'report generated')} "
                 f"{_e(dt.datetime.now().astimezone().isoformat(timespec='seconds'))}</footer>\n</main>\n</body>\n</html>\n")
    return "".join(parts)
