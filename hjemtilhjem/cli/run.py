"""``hjemtilhjem run SCENARIO.toml``: replications of one scenario into a results folder."""

from __future__ import annotations

import argparse
import sys

from ..experiment.precision import run_to_precision
from ..experiment.results import run
from ..experiment.warmup import warning_text
from ..scenario.loader import load_scenario
from .common import (
    add_precision_options,
    add_run_options,
    check_output_folder,
    precision_rule,
    print_summary,
    print_years,
    warn_few_replications,
)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("run", help="run a scenario's replications and write a results folder")
    p.add_argument("scenario", help="scenario TOML file")
    add_run_options(p)
    add_precision_options(p)
    p.add_argument("--no-report", action="store_true",
                   help="do not write the report (report.html / report.md; with --lang en report.en.html / .md)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    check_output_folder(args.out)
    loaded = load_scenario(args.scenario, args.overrides)
    rule = precision_rule(args)
    kwargs = dict(replications=args.replications, seed=args.seed, jobs=args.jobs, executor=args.executor,
                  scheduler=args.scheduler, parameter_uncertainty=False if args.no_parameter_uncertainty else None,
                  quiet=args.quiet, command=" ".join(["hjemtilhjem", *sys.argv[1:]]))
    results = run(loaded, **kwargs) if rule is None else run_to_precision(loaded, rule, **kwargs)  # type: ignore[arg-type]
    warn_few_replications(len(results.outputs))
    text = warning_text(results.name, results.warmup_diagnostic())
    if text:
        print(text, file=sys.stderr)
    outcome = results.extra_manifest.get("precision")
    if outcome is not None and not outcome["met"]:
        print(f"hjemtilhjem: warning: target precision {outcome['target_relative_halfwidth']:g} not met after "
              f"{outcome['replications']} replications (cap --max-replications)", file=sys.stderr)
    extra = None
    if not args.no_report:
        from ..report import write_run_report

        def extra(folder):  # type: ignore[no-untyped-def]
            write_run_report(folder, results, lang=args.lang)

    folder = results.write(args.out, extra)
    summary = results.summary()
    print_summary(summary)
    print_years(summary)
    print(f"results: {folder}")
    return 0
