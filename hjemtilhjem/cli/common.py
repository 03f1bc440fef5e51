"""Options and output shared by commands."""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..experiment.stats import MIN_REPLICATIONS_FOR_CI, few_replications
from ..outcomes.labels import LABELS

__all__ = ["UsageError", "add_run_options", "executor_options", "add_precision_options", "precision_rule", "fmt",
           "print_summary", "HEADLINE", "command_line", "check_output_folder", "check_output_file",
           "warn_few_replications", "TRUNCATED_MARK"]

#: marks a CI limit cut at the range the indicator can take (0, or 1 for shares of events)
TRUNCATED_MARK = "\u2020"

HEADLINE = ("delayed_days", "delayed_days_per_1000_67plus", "overliggedogn_per_1000", "andel_med_overliggedogn",
            "readmission_30d", "bed_occupancy", "corridor_patient_days", "los_mean", "home_days_90", "mortality_30d",
            "short_term_wait", "delayed_payment_nok")


class UsageError(Exception):
    """Bad command-line use: printed as one line, exit 2."""


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # e.g. a folder we may not look into: treat as there, the write test below decides
        return True


def _nearest_existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists (where a missing folder would be created)."""
    probe = path
    while not _exists(probe) and probe.parent != probe:
        probe = probe.parent
    return probe


def _writable_folder(folder: Path) -> str | None:
    """``None`` when a file can be created (and removed) in ``folder``, else why not."""
    try:
        fd, name = tempfile.mkstemp(prefix=".hjemtilhjem-write-test-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return exc.strerror or exc.__class__.__name__
    return None


def check_output_folder(path: str | Path, prefix: str = "hjemtilhjem: --out") -> None:
    """Fail before any simulation when results could not be written under ``path``.

    ``path`` must be a writable folder, or not exist yet under a writable folder (it is created when the
    results are written, not here). Raises :class:`UsageError` ("<prefix> <path>: is a file, not a folder",
    "... not writable (Permission denied)") otherwise.
    """
    p = Path(path)
    if _exists(p) and not p.is_dir():
        raise UsageError(f"{prefix} {path}: is a file, not a folder")
    base = _nearest_existing(p)
    if not base.is_dir():
        raise UsageError(f"{prefix} {path}: cannot create the folder: {base} is a file, not a folder")
    why = _writable_folder(base)
    if why is not None:
        where = "not writable" if base == p else f"cannot be created in {base}"
        raise UsageError(f"{prefix} {path}: {where} ({why})")


def check_output_file(path: str | Path, prefix: str) -> None:
    """Fail before any simulation when the file ``path`` could not be written (its folder must exist)."""
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"{prefix} {path}: is a folder; give a file name")
    parent = p.parent
    if not parent.is_dir():
        what = "is a file, not a folder" if _exists(parent) else "does not exist"
        raise UsageError(f"{prefix} {path}: the folder {parent} {what}")
    why = _writable_folder(parent)
    if why is None and _exists(p) and not os.access(p, os.W_OK):
        why = "Permission denied"
    if why is not None:
        raise UsageError(f"{prefix} {path}: not writable ({why})")


def warn_few_replications(n: int, file: Any = None) -> None:
    """One warning line on stderr when ``n`` replications are too few for the 95% CIs to mean much."""
    if few_replications(n):
        print(f"hjemtilhjem: warning: only {n} replication{'s' if n != 1 else ''}: with fewer than "
              f"{MIN_REPLICATIONS_FOR_CI} the 95% CIs are too wide and uncertain to mean much; use -r "
              f"{MIN_REPLICATIONS_FOR_CI} or more", file=file or sys.stderr)


def _whole_number(text: str, least: int) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}, got {v}")
    return v


def _positive_int(text: str) -> int:
    return _whole_number(text, 1)


def _seed(text: str) -> int:
    return _whole_number(text, 0)


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
        p.add_argument("--lang", choices=("nb", "en"), default="nb",
                       help="report language: nb writes report.html / report.md, en report.en.html / report.en.md "
                            "(default: nb)")
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
    cut = False
    for k in keys:
        if k not in ind:
            continue
        s = ind[k]
        lo, hi = s["ci95"]
        mark = TRUNCATED_MARK if s.get("ci95_truncated") else ""
        cut = cut or bool(mark)
        unit = LABELS[k].unit_en if k in LABELS else ""
        print(f"  {k:34s} {fmt(s['mean']):>14s}   [{fmt(lo)}, {fmt(hi)}]{mark} {unit}", file=out)
    if cut:
        print(f"  {TRUNCATED_MARK} 95% CI cut at what the indicator can be (never below 0; a share of patients "
              "never above 1, days at home never above 90)", file=out)


#: indicators shown per measured year (a horizon of two years or more), so drift is visible at a glance
YEARLY = ("delayed_days", "overliggedogn_per_1000", "andel_med_overliggedogn", "bed_occupancy",
          "corridor_patient_days", "readmission_30d")


def print_years(summary: dict[str, Any], keys: tuple[str, ...] = YEARLY, file: Any = None) -> None:
    """One line per measured year (``by_year`` of ``summary.json``): drift shows as a trend down the column."""
    years = summary.get("by_year") or {}
    if not years:
        return
    out = file or sys.stdout
    keys = tuple(k for k in keys if k in next(iter(years.values())))
    print("  by measured year (mean of the replications; every indicator per year is in summary.json by_year)",
          file=out)
    print("  year " + "".join(f"{k:>26s}" for k in keys), file=out)
    for year, values in years.items():
        print(f"  {year:>4s} " + "".join(f"{fmt(values[k]['mean']):>26s}" for k in keys), file=out)

