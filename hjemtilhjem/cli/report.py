"""``hjemtilhjem report RESULTS_DIR``: (re)generate the report and its figures from a results folder.

Norwegian (``--lang nb``, the default) is written to ``report.html``, ``report.md`` and
``figures/<name>.png|svg``; English (``--lang en``) beside it, to ``report.en.html``, ``report.en.md`` and
``figures/<name>.en.png|svg``, so regenerating one language never overwrites the other.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..report import LANGS, ReportInputError, write_report
from .common import UsageError, check_output_folder, warn_few_replications


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("report", help="regenerate the report (report.html / report.md, or report.en.* with --lang en) "
                                      "and figures/ from a results folder")
    p.add_argument("results_dir", help="a results folder written by run or compare")
    p.add_argument("--lang", choices=LANGS, default="nb",
                   help="report language: nb writes report.html / report.md, en report.en.html / report.en.md "
                        "(default: nb)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    if Path(args.results_dir).is_dir():
        check_output_folder(args.results_dir, "hjemtilhjem report:")
    try:
        paths = write_report(args.results_dir, args.lang)
    except ReportInputError as exc:
        raise UsageError(f"hjemtilhjem report: {exc}") from None
    warn_few_replications(paths["replications"])
    print(f"report: {paths['html']}")
    print(f"report: {paths['markdown']}")
    return 0
