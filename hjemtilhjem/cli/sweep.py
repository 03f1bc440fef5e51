"""``hjemtilhjem sweep SCENARIO.toml --vary KEY=V1,V2,... [--vary KEY=LO:HI --samples N]``: resumable sweeps."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from ..experiment.sweep import SweepError, SweepResults, checkpoint_folder, sweep
from ..scenario.loader import load_scenario
from .common import (
    UsageError,
    _positive_int,
    add_run_options,
    check_output_folder,
    command_line,
    fmt,
    warn_few_replications,
)

#: indicators shown in the sweep table on stdout (every indicator is in sweep.csv)
SHOWN = ("delayed_days", "readmission_30d", "bed_occupancy", "corridor_patient_days")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "sweep", help="run a scenario over a grid or Latin hypercube of values (resumable)",
        description="Run one scenario at every point of a design: a full factorial over listed values "
                    "(--vary key.path=v1,v2,...), a Latin hypercube over ranges (--vary key.path=low:high with "
                    "--samples N), or both crossed. Every point uses the same seed and replications (common random "
                    "numbers). Finished work units are checkpointed under OUT/<scenario>-sweep.partial/; running "
                    "the same command again after an interruption resumes without redoing them.")
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--vary", action="append", default=[], metavar="KEY.PATH=V1,V2,...|LO:HI", required=True,
                   help="a scenario key and its values, or a numeric range low:high (repeatable)")
    p.add_argument("--samples", type=_positive_int, default=None, metavar="N",
                   help="Latin hypercube points over the low:high ranges")
    add_run_options(p, per_point=True)
    p.add_argument("--keep-checkpoints", action="store_true", help="keep the unit files after the sweep completes")
    p.add_argument("--reference", action="append", default=[], metavar="KEY.PATH=VALUE",
                   help="the point the paired differences are taken from, by its value of a varied key "
                        "(repeatable, one per varied key; default: the first point)")
    p.add_argument("--lang", choices=("nb", "en"), default="nb",
                   help="report language: nb writes report.html / report.md, en report.en.html / report.en.md "
                        "(default: nb)")
    p.add_argument("--no-report", action="store_true", help="do not write the report (report.html / report.md)")
    p.set_defaults(func=main)


def print_sweep(res: SweepResults, keys: tuple[str, ...] = SHOWN, file: TextIO | None = None) -> None:
    out = file or sys.stdout
    print(f"{res.name}: {len(res.points)} points x {res.replications} replications, seed {res.seed} "
          f"(common random numbers); mean [95% CI]", file=out)
    rows = res.rows()
    present = [k for k in keys if rows and k in rows[0]]
    w = {k: max(len(k), 8) for k in res.keys}
    head = "  " + " ".join(f"{k:>{w[k]}s}" for k in res.keys) + "  " + " ".join(f"{k:>28s}" for k in present)
    print(head, file=out)
    for row in rows:
        vals = " ".join(f"{_value(row[k]):>{w[k]}s}" for k in res.keys)
        cells = " ".join(f"{_cell(row, k):>28s}" for k in present)
        print(f"  {vals}  {cells}", file=out)


def _cell(row: dict[str, Any], k: str) -> str:
    return f"{fmt(row[k])} [{fmt(row[k + '_ci95_low'])}, {fmt(row[k + '_ci95_high'])}]"


def _value(v: Any) -> str:
    return fmt(v) if isinstance(v, float) else str(v)


def main(args: argparse.Namespace) -> int:
    check_output_folder(args.out)
    base = load_scenario(args.scenario, args.overrides)
    ck = checkpoint_folder(args.out, base.scenario.name)
    try:
        res = sweep(args.scenario, args.vary, samples=args.samples, replications=args.replications, seed=args.seed,
                    jobs=args.jobs, executor=args.executor, scheduler=args.scheduler,
                    parameter_uncertainty=False if args.no_parameter_uncertainty else None,
                    overrides=args.overrides, quiet=args.quiet, out=args.out, checkpoints=ck,
                    keep_checkpoints=args.keep_checkpoints, command=command_line(), reference=args.reference)
    except SweepError as exc:
        raise UsageError(f"hjemtilhjem sweep: {exc}") from None
    except KeyboardInterrupt:
        print(f"hjemtilhjem: sweep interrupted; finished units are kept in {ck} — run the same command to resume",
              file=sys.stderr)
        raise
    warn_few_replications(res.replications)
    if res.reused_units:
        print(f"resumed: {res.reused_units} of {res.reused_units + res.computed_units} units from {ck}",
              file=sys.stderr)
    extra = None
    if not args.no_report:
        from ..report import write_sweep_report

        def extra(folder):  # type: ignore[no-untyped-def]
            write_sweep_report(folder, lang=args.lang)

    folder = res.write(args.out, extra)
    print_sweep(res)
    print(f"results: {folder}")
    return 0
