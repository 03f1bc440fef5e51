"""``report.md``: citable sentences, tables with 95% CIs, provenance and the model summary in Markdown."""

from __future__ import annotations

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

__all__ = ["render_markdown"]


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _table(t: Table, index: int, lang: str) -> list[str]:
    lines = [f"*{text('report.table', lang)} {index}. {t.caption}*", ""]
    lines.append("| " + " | ".join(_cell(h) for h in t.header) + " |")
    lines.append("|" + "|".join("---:" if i < len(t.numeric) and t.numeric[i] else "---"
                                for i in range(len(t.header))) + "|")
    for row in t.rows:
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return [*lines, ""]


def _compared(data: ReportData, lang: str) -> list[str]:
    """The section "What was compared": each scenario's interventions in plain words, and its overrides."""
    comp = data.is_comparison
    lines = [f"## {text('report.what_compared' if comp else 'report.what_ran', lang)}", "",
             text("report.what_compared_intro", lang), ""]
    shared = shared_overrides(data)
    if shared:
        lines += [f"{text('report.overrides_all', lang)}: " + ", ".join(f"`{o}`" for o in shared), ""]
    for i, sc in enumerate(scenario_changes(data, sources(data), lang)):
        if comp:
            ref = f" ({text('report.reference_mark', lang)})" if i == 0 else ""
            lines += [f"### {sc.name}{ref}", ""]
        if not sc.interventions:
            lines += [text("report.no_interventions", lang), ""]
        for iv in sc.interventions:
            lines += [f"**{iv.label}**", ""] + [f"- {k}: {v}" for k, v in iv.lines(lang)] + [""]
        if sc.overrides:
            lines += [f"{text('report.overrides', lang)}: " + ", ".join(f"`{o}`" for o in sc.overrides), ""]
    return lines


def render_markdown(data: ReportData, figures: list[ReportFigure], lang: str = "nb") -> str:
    """The whole ``report.md`` as a string (figures are linked from ``figures/``)."""
    ref = data.reference
    m = ref.manifest
    comp = data.is_comparison
    title = text("report.compare_title" if comp else "report.title", lang)
    lines = [f"# {title} – {', '.join(s.name for s in data.scenarios)}", ""]
    lines += [text("report.intro", lang, replications=m.get("replications")), ""]
    if comp:
        lines += [text("report.compare_intro", lang, reference=ref.name), ""]
    warning = few_replications_warning(data, lang)
    if warning:
        lines += [f"> **{text('report.warning', lang)}:** {warning}", ""]
    if shown(data):
        lines += _compared(data, lang)
    lines += [f"## {text('report.key_findings', lang)}", ""]
    sentences = difference_sentences(data, lang) if comp else run_sentences(ref, lang)
    lines += [f"- {s}" for s in sentences] + [""]
    n = 1
    lines += [f"## {text('report.indicators', lang)}", ""] + _table(indicator_table(data, lang), n, lang)
    dt_ = difference_table(data, lang)
    if dt_ is not None:
        n += 1
        lines += [f"### {text('report.differences', lang)}", ""] + _table(dt_, n, lang)
    bt = budget_table(data, lang)
    if bt is not None:
        n += 1
        lines += [f"### {'Budsjett per partner' if lang == 'nb' else 'Budget by partner'}", ""] + _table(bt, n, lang)
    lines += [f"**{text('report.how_to_read', lang)}.** "
              f"{text('report.how_to_read_text', lang, warmup=number(m.get('warmup_days'), lang))}", ""]
    lines += [f"## {text('report.figures', lang)}", ""]
    for i, f in enumerate(figures, 1):
        lines += [f"![{f.title}](figures/{f.stem}.svg)", "",
                  f"*{text('report.figure', lang)} {i}. {f.title}.* {f.caption}", ""]
    mt = municipality_table(data, lang)
    if mt is not None:
        n += 1
        lines += [f"## {text('report.by_municipality', lang)}", ""] + _table(mt, n, lang)
    pt = place_table(data, lang)
    if pt is not None:
        n += 1
        lines += [f"## {text('report.by_place', lang)}", ""] + _table(pt, n, lang)
    ft = flow_table(data, lang)
    if ft is not None:
        n += 1
        lines += [f"## {text('report.flows', lang)}", ""] + _table(ft, n, lang)
    lines += [f"## {text('report.provenance', lang)}", ""]
    for s in data.scenarios:
        if comp:
            lines += [f"### {s.name}", ""]
        lines += [f"- {k}: `{v}`" for k, v in provenance(s, lang)] + [""]
    lines += [f"## {text('report.model_summary', lang)}", ""]
    for k, v in stress(data, lang):
        lines += [f"**{k}.** {v}", ""]
    src = sources(data)
    if src:
        lines += [f"## {text('report.sources', lang)}", ""] + [f"- **{k}**: {v}" for k, v in src.items()] + [""]
    return "\n".join(lines).rstrip() + "\n"
