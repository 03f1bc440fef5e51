"""Reports: figures (matplotlib), a self-contained ``report.html`` and a citable ``report.md``, in nb or en.

Every report is built from the files of a results folder (:func:`write_report`), so
``hjemtilhjem report RESULTS_DIR`` and the report written after ``run`` / ``compare`` share one code path.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .data import ReportData, ReportInputError, load_folder
from .figures import atomic_write, make_figures
from .html import render_html
from .markdown import render_markdown

__all__ = ["write_report", "write_run_report", "write_compare_report", "load_folder", "ReportData",
           "ReportInputError", "LANGS"]

LANGS = ("nb", "en")


def write_report(folder: str | Path, lang: str = "nb") -> dict[str, Path]:
    """(Re)generate ``report.html``, ``report.md`` and ``figures/`` from the files in a results folder.

    Each file is written to a temporary name and renamed into place, so an interrupted report never
    leaves a half-written file and the data files are never touched.

    Returns
    -------
    dict
        ``{"html": path, "markdown": path, "figures": [paths]}``.
    """
    if lang not in LANGS:
        raise ReportInputError(f"unknown language {lang!r}; use nb or en")
    folder = Path(folder)
    data = load_folder(folder)
    figures = make_figures(data, lang, folder)
    html_path, md_path = folder / "report.html", folder / "report.md"
    atomic_write(html_path, render_html(data, figures, lang))
    atomic_write(md_path, render_markdown(data, figures, lang))
    figs = [folder / "figures" / f"{f.name}.{ext}" for f in figures for ext in ("png", "svg")]
    return {"html": html_path, "markdown": md_path, "figures": figs}  # type: ignore[dict-item]


def _hook(folder: Path, lang: str) -> dict[str, Path] | None:
    """Write the report after a run; a failing report must not cost the simulation results."""
    try:
        return write_report(folder, lang)
    except Exception as exc:  # noqa: BLE001 - reported, and the results folder is kept
        print(f"hjemtilhjem: warning: report not written ({exc.__class__.__name__}: {exc}); the results are "
              "complete: regenerate it with `hjemtilhjem report RESULTS_DIR`", file=sys.stderr)
        return None


def write_run_report(folder: Path, results: Any = None, lang: str = "nb") -> dict[str, Path] | None:
    """Hook for ``run``: the data files are already in ``folder`` (``results`` is not needed)."""
    return _hook(Path(folder), lang)


def write_compare_report(folder: Path, comparison: Any = None, lang: str = "nb") -> dict[str, Path] | None:
    """Hook for ``compare``: ``comparison.json`` and ``scenarios/<slug>/`` are already in ``folder``."""
    return _hook(Path(folder), lang)
