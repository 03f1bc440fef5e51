"""Options and output shared by commands."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from ..outcomes.labels import LABELS

__all__ = ["UsageError", "add_run_options", "executor_options", "fmt", "print_summary", "HEADLINE"]

HEADLINE = ("delayed_days", "delayed_days_per_1000_67plus", "readmission_30d", "bed_occupancy",
            "corridor_patient_days", "los_mean", "home_days_90", "mortality_30d", "short_term_wait",
            "delayed_payment_nok")


class UsageError(Exception):
    """Bad command-line use: printed as one line, exit 2."""


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {v}")
    return v


def _seed(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {v}")
    return v


def executor_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", "-j", type=_positive_int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--executor", choices=("serial", "process", "dask"), default="process",
                   help="where replications run (default: process pool)")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address, e.g. tcp://host:8786")


def add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--replications", "-r", type=_positive_int, default=None, help="replications (default: scenario)")
    p.add_argument("--seed", type=_seed, default=None, help="base seed (default: scenario)")
    executor_options(p)
    p.add_argument("--out", default="results", help="folder for results (default: results)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE",
                   help="override one scenario value, validated like the file (repeatable)")
    p.add_argument("--no-parameter-uncertainty", action="store_true",
                   help="use the point value of every intervention effect")
    p.add_argument("--lang", choices=("nb", "en"), default="nb", help="report language (default: nb)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def fmt(x: Any, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    x = float(x)
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.1f}"
    return f"{x:.{digits}g}" if abs(x) < 1 else f"{x:.2f}"


def print_summary(summary: dict[str, Any], keys: tuple[str, ...] = HEADLINE, file: Any = None) -> None:
    out = file or sys.stdout
    ind = summary["indicators"]
    print(f"{summary['scenario']}  ({summary['manifest']['replications']} replications, "
          f"seed {summary['manifest']['seed']})", file=out)
    print(f"  {'indicator':34s} {'mean':>14s}   95% CI", file=out)
    for k in keys:
        if k not in ind:
            continue
        s = ind[k]
        lo, hi = s["ci95"]
        unit = LABELS[k].unit_en if k in LABELS else ""
        print(f"  {k:34s} {fmt(s['mean']):>14s}   [{fmt(lo)}, {fmt(hi)}] {unit}", file=out)
