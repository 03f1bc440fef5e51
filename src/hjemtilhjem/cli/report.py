"""``hjemtilhjem report RESULTS_DIR``: (re)generate report.html, report.md and figures/ from a results folder."""

from __future__ import annotations

import argparse

from ..report import LANGS, ReportInputError, write_report
from .common import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("report", help="regenerate report.html, report.md and figures/ from a results folder")
    p.add_argument("results_dir", help="a results folder written by run or compare")
    p.add_argument("--lang", choices=LANGS, default="nb", help="report language (default: nb)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    try:
        paths = write_report(args.results_dir, args.lang)
    except ReportInputError as exc:
        raise UsageError(f"hjemtilhjem report: {exc}") from None
    print(f"report: {paths['html']}")
    print(f"report: {paths['markdown']}")
    return 0
