"""Reports: figures (matplotlib), a self-contained ``report.html`` and a citable ``report.md``, in nb or en.

Every report is built from the files of a results folder (:func:`write_report`), so
``hjemtilhjem report RESULTS_DIR`` and the report written after ``run`` / ``compare`` share one code path.
Norwegian is ``report.html``, ``report.md`` and ``figures/<name>.png|svg``; English goes beside it as
``report.en.html``, ``report.en.md`` and ``figures/<name>.en.png|svg`` (:func:`report_names`), so one
language never overwrites the other.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..experiment.stats import few_replications
from .data import ReportData, ReportInputError, load_folder
from .figures import atomic_write, make_figures
from .html import render_html
from .markdown import render_markdown
from .sweep import write_sweep_report

__all__ = ["write_report", "write_run_report", "write_compare_report", "write_sweep_report", "load_folder",
           "ReportData", "ReportInputError", "LANGS", "report_names"]

LANGS = ("nb", "en")


def report_names(lang: str = "nb") -> tuple[str, str]:
    """File names of the HTML and Markdown report: ``report.html`` / ``report.md`` in nb, else ``report.<lang>.*``."""
    return ("report.html", "report.md") if lang == "nb" else (f"report.{lang}.html", f"report.{lang}.md")


def write_report(folder: str | Path, lang: str = "nb") -> dict[str, Any]:
    """(Re)generate the report of ``lang`` and its figures from the files in a results folder.

    Norwegian goes to ``report.html``, ``report.md`` and ``figures/<name>.png|svg``, English to
    ``report.en.html``, ``report.en.md`` and ``figures/<name>.en.png|svg``. Each file is written to a
    temporary name and renamed into place, so an interrupted report never leaves a half-written file,
    the data files are never touched and the other language's report is kept.

    Returns
    -------
    dict
        ``{"html": path, "markdown": path, "figures": [paths], "replications": n, "few_replications": bool}``
        (``n`` is the smallest number of replications of the folder's scenarios).
    """
    if lang not in LANGS:
        raise ReportInputError(f"unknown language {lang!r}; use nb or en")
    folder = Path(folder)
    if (folder / "sweep.json").is_file() and not (folder / "summary.json").is_file():
        return write_sweep_report(folder, lang)
    data = load_folder(folder)
    figures = make_figures(data, lang, folder)
    html_name, md_name = report_names(lang)
    html_path, md_path = folder / html_name, folder / md_name
    atomic_write(html_path, render_html(data, figures, lang))
    atomic_write(md_path, render_markdown(data, figures, lang))
    figs = [folder / "figures" / f"{f.stem}.{ext}" for f in figures for ext in ("png", "svg")]
    n = data.replications
    return {"html": html_path, "markdown": md_path, "figures": figs, "replications": n,
            "few_replications": few_replications(n)}


def _hook(folder: Path, lang: str) -> dict[str, Any] | None:
    """Write the report after a run; a failing report must not cost the simulation results."""
    try:
        return write_report(folder, lang)
    except Exception as exc:  # noqa: BLE001 - reported, and the results folder is kept
        again = "hjemtilhjem report RESULTS_DIR" + ("" if lang == "nb" else f" --lang {lang}")
        print(f"hjemtilhjem: warning: report not written ({exc.__class__.__name__}: {exc}); the results are "
              f"complete: regenerate it with `{again}`", file=sys.stderr)
        return None


def write_run_report(folder: Path, results: Any = None, lang: str = "nb") -> dict[str, Any] | None:
    """Hook for ``run``: the data files are already in ``folder`` (``results`` is not needed)."""
    return _hook(Path(folder), lang)


def write_compare_report(folder: Path, comparison: Any = None, lang: str = "nb") -> dict[str, Any] | None:
    """Hook for ``compare``: ``comparison.json`` and ``scenarios/<slug>/`` are already in ``folder``."""
    return _hook(Path(folder), lang)
