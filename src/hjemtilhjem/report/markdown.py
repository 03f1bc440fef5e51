"""A Markdown report of one run: the indicator table with 95% CIs and the provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..outcomes.labels import LABELS, label
from .numbers import number


def run_markdown(summary: dict[str, Any], lang: str = "nb") -> str:
    m = summary["manifest"]
    nb = lang == "nb"
    lines = [f"# {summary['scenario']}", ""]
    lines.append("| Indikator | Gjennomsnitt | 95 % KI | Enhet |" if nb else "| Indicator | Mean | 95% CI | Unit |")
    lines.append("|---|---:|---|---|")
    for key, s in summary["indicators"].items():
        lab = LABELS.get(key)
        unit = (lab.unit_nb if nb else lab.unit_en) if lab else ""
        lo, hi = s["ci95"]
        lines.append(f"| {label(key, lang)} | {number(s['mean'], lang)} | {number(lo, lang)}–{number(hi, lang)} "
                     f"| {unit} |")
    lines += ["", "## " + ("Proveniens" if nb else "Provenance"), ""]
    for k in ("model_version", "scenario_sha256", "seed", "replications", "warmup_days", "horizon_days",
              "executor", "command", "created"):
        lines.append(f"- {k}: `{m.get(k)}`")
    return "\n".join(lines) + "\n"


def write_run_report(folder: Path, results: Any, lang: str = "nb") -> None:
    (Path(folder) / "report.md").write_text(run_markdown(results.summary(), lang), encoding="utf-8")
