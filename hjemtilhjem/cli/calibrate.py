"""``hjemtilhjem calibrate SCENARIO.toml``: simulated indicators against observed targets.

Prints, per target, the observed value, the simulated mean with its 95% CI, the relative error and
whether it lies inside the accepted tolerance. Exit 0 when every required target is met, 1 when one
is missed, 2 for bad input. ``--fit key.path,...`` first adjusts the named values and writes them to
``<name>.fitted.toml`` (which ``extends`` the input), then checks the fitted scenario.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..experiment.calibrate import (
    _check_fit_keys,
    evaluate,
    evaluate_by_year,
    fit,
    format_table,
    format_years,
    load_targets,
    write_fitted,
)
from ..experiment.results import run
from ..scenario.loader import load_scenario
from .common import (
    UsageError,
    _positive_int,
    _seed,
    check_output_file,
    executor_options,
    warn_few_replications,
)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("calibrate", help="compare a scenario with observed targets (and fit unknown parameters)")
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--targets", "-t", default=None,
                   help="targets TOML file (default: targets.toml next to the scenario)")
    p.add_argument("--replications", "-r", type=_positive_int, default=None, help="replications (default: scenario)")
    p.add_argument("--seed", type=_seed, default=None, help="base seed (default: scenario)")
    executor_options(p)
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE",
                   help="override one scenario value, validated like the file (repeatable)")
    p.add_argument("--fit", default=None, metavar="KEY.PATH,KEY.PATH,...",
                   help="adjust these values (--set key paths) to hit the targets; writes <name>.fitted.toml")
    p.add_argument("--fit-replications", type=_positive_int, default=4,
                   help="replications per fit evaluation, same seeds each time (default: 4)")
    p.add_argument("--fit-evaluations", type=_positive_int, default=60,
                   help="most scenario evaluations the fit may use (default: 60)")
    p.add_argument("--out", default=None, help="where --fit writes the fitted scenario (default: <name>.fitted.toml)")
    p.add_argument("--json", default=None, metavar="FILE", help="also write the table as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    # where results go is checked before any simulation
    if args.json:
        check_output_file(args.json, "hjemtilhjem: --json")
    if args.fit is not None:
        src = Path(args.scenario)
        check_output_file(args.out or src.with_name(f"{src.stem}.fitted.toml"), "hjemtilhjem: --out")
    loaded = load_scenario(args.scenario, args.overrides)
    targets_path = Path(args.targets) if args.targets else Path(args.scenario).with_name("targets.toml")
    targets = load_targets(targets_path)
    say = (lambda m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))

    if args.fit is not None:
        try:
            keys = _check_fit_keys(args.fit.split(","))
        except ValueError as exc:
            raise UsageError(f"--fit: {exc}") from None
        if not keys:
            raise UsageError("--fit: name at least one key path, e.g. services.short_term.initial_occupancy")
        say(f"fitting {', '.join(keys)} on {args.fit_replications} replications (common random numbers)")
        result = fit(loaded, targets, keys, replications=args.fit_replications, seed=args.seed, jobs=args.jobs,
                     executor=args.executor, max_evaluations=args.fit_evaluations, log=say)
        out = write_fitted(loaded, result, args.out,
                           header=[f"targets: {targets_path}", f"seed {args.seed or loaded.scenario.scenario.seed}, "
                                   f"{args.fit_replications} replications per evaluation"])
        print(f"fitted scenario: {out}")
        for k, v in result.parameters.items():
            print(f"  {k} = {v:g}   (was {result.start[k]:g})")
        loaded = load_scenario(out, args.overrides)

    res = run(loaded, replications=args.replications, seed=args.seed, jobs=args.jobs, executor=args.executor,
              scheduler=args.scheduler, quiet=args.quiet, parameter_uncertainty=None,
              command=" ".join(["hjemtilhjem", *sys.argv[1:]]))
    rows = evaluate(res, targets)
    warn_few_replications(len(res.outputs))
    print(f"{loaded.scenario.name}: {len(res.outputs)} replications, seed {res.seed}, "
          f"scenario sha256 {loaded.sha256[:12]}; targets {targets_path}")
    print(format_table(rows))
    missed = [r.target.label for r in rows if not r.passed]
    by_year = evaluate_by_year(res, targets)
    if by_year:  # a horizon of several years: every measured year must meet the targets too
        print(format_years(by_year))
        for y, yrows in by_year.items():
            missed += [f"{r.target.label} (year {y})" for r in yrows if not r.passed]
    met = sum(r.met for r in rows if r.target.required)
    required = sum(r.target.required for r in rows)
    if args.json:
        Path(args.json).write_text(json.dumps({"scenario": loaded.scenario.name, "sha256": loaded.sha256,
                                               "replications": len(res.outputs), "seed": res.seed,
                                               "targets": [r.as_dict() for r in rows],
                                               "by_year": {y: [r.as_dict() for r in yrows]
                                                           for y, yrows in by_year.items()}}, indent=2,
                                              ensure_ascii=False) + "\n", encoding="utf-8")
    if missed:
        print(f"{met} of {required} required targets met; missed: {', '.join(missed)}")
        return 1
    print(f"all {required} required targets met")
    return 0
