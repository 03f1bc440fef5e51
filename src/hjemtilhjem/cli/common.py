"""Options and output shared by commands."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from ..outcomes.labels import LABELS

__all__ = ["UsageError", "add_run_options", "executor_options", "add_precision_options", "precision_rule", "fmt",
           "print_summary", "HEADLINE", "command_line"]

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


def add_run_options(p: argparse.ArgumentParser, per_point: bool = False) -> None:
    """Options of a batch of replications: ``run`` and ``compare``, or with ``per_point`` a ``sweep``
    (the same settings at every point of its design, checkpoints under ``--out``, no report)."""
    p.add_argument("--replications", "-r", type=_positive_int, default=None,
                   help="replications per point" if per_point else "replications (default: scenario)")
    p.add_argument("--seed", type=_seed, default=None, help="base seed (default: scenario)")
    executor_options(p)
    p.add_argument("--out", default="results", help="folder for results and checkpoints (default: results)"
                   if per_point else "folder for results (default: results)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE",
                   help="override one scenario value at every point (repeatable)" if per_point
                   else "override one scenario value, validated like the file (repeatable)")
    p.add_argument("--no-parameter-uncertainty", action="store_true",
                   help="use the point value of every intervention effect")
    if not per_point:
        p.add_argument("--lang", choices=("nb", "en"), default="nb", help="report language (default: nb)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def _fraction(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 0.05, got {text!r}") from None
    if not 0 < v < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (relative half-width), got {v}")
    return v


def add_precision_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("precision-driven replications")
    g.add_argument("--target-precision", type=_fraction, default=None, metavar="REL",
                   help="add replications until the 95%% CI half-width is at most REL x |mean| (e.g. 0.05); "
                        "-r sets the first batch")
    g.add_argument("--precision-indicators", default=None, metavar="KEY,KEY",
                   help="indicators the target applies to (default: delayed_days,readmission_30d)")
    g.add_argument("--max-replications", type=_positive_int, default=200, metavar="N",
                   help="cap on replications with --target-precision (default: 200)")


def precision_rule(args: argparse.Namespace) -> Any:
    """The :class:`PrecisionRule` asked for on the command line, or ``None``."""
    from ..experiment.precision import DEFAULT_INDICATORS, PrecisionRule

    if args.target_precision is None:
        if args.precision_indicators is not None:
            raise UsageError("--precision-indicators needs --target-precision")
        return None
    keys = tuple(k.strip() for k in (args.precision_indicators or ",".join(DEFAULT_INDICATORS)).split(",")
                 if k.strip())
    bad = [k for k in keys if k not in LABELS]
    if bad or not keys:
        raise UsageError(f"--precision-indicators: unknown indicator {bad[0] if bad else ''!r}; "
                         f"use one of {', '.join(LABELS)}")
    return PrecisionRule(target=args.target_precision, indicators=keys, max_replications=args.max_replications)


def command_line() -> str:
    return " ".join(["hjemtilhjem", *sys.argv[1:]])


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
