"""``hjemtilhjem compare BASE.toml OTHER.toml ...``: scenarios on common random numbers, paired differences.

Every scenario runs the same replications with the same seed (the reference's, or ``--seed``/``-r``),
so differences are paired. ``--set key.path=value`` applies to every scenario that has the key (and says
so when some lack it; a key in none is an error); ``--set NAME:key.path=value`` to one scenario, named by its
``[scenario]`` name or its file stem.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any, TextIO

from ..experiment.compare import Comparison, compare
from ..experiment.warmup import warning_text
from .common import HEADLINE, add_precision_options, add_run_options, command_line, fmt, precision_rule


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("compare", help="compare scenarios with a reference on common random numbers",
                       description="Run every scenario on the same replications (same seed and replication "
                                   "numbers: common random numbers) and report paired differences from the first "
                                   "scenario with 95% CIs. --set key.path=value applies to every scenario that "
                                   "has the key (it says so when some lack it, e.g. an intervention the reference "
                                   "does not have; a key no scenario has is an error); --set NAME:key.path=value "
                                   "applies to one scenario, NAME being its [scenario] name or its file stem, e.g. "
                                   "--set trygg_utskrivning:intervention.trygg_utskrivning.evidence=pessimistic.")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO.toml", help="the reference first, then the others")
    add_run_options(p)
    for action in p._actions:
        if action.dest == "overrides":
            action.metavar = "[NAME:]KEY.PATH=VALUE"
            action.help = ("override one value, validated like the file (repeatable): in every scenario that has "
                           "the key, or with NAME: in that scenario only")
    add_precision_options(p)
    p.add_argument("--no-report", action="store_true", help="write data only (no report files)")
    p.set_defaults(func=main)


def _pct(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{100 * x:+.1f}%"


def print_comparison(c: Comparison, keys: tuple[str, ...] = HEADLINE, file: TextIO | None = None) -> None:
    """A table of paired differences from the reference, one block per other scenario."""
    out = file or sys.stdout
    ref = c.reference
    n = len(ref.outputs)
    print(f"Reference: {ref.name} — {n} replications each, seed {ref.seed}, common random numbers; "
          f"differences are paired with 95% CIs (Student t).", file=out)
    means = {r.name: {k: float(r.values(k).mean()) if len(r.outputs) else float("nan") for k in keys
                      if k in r.outputs[0].indicators} for r in c.results}
    for r in c.others:
        print(f"\n{r.name}  vs  {ref.name}", file=out)
        print(f"  {'indicator':30s} {'reference':>11s} {'scenario':>11s}   {'difference [95% CI]':34s} "
              f"{'relative [95% CI]':26s} {'better':>6s}", file=out)
        for k in keys:
            if k not in means[r.name] or k not in means[ref.name]:
                continue
            d = c.difference(r, k)
            lo, hi = d["ci95"]
            rlo, rhi = d["relative_ci95"]
            diff = f"{fmt(d['mean'])} [{fmt(lo)}, {fmt(hi)}]"
            rel = f"{_pct(d['relative'])} [{_pct(rlo)}, {_pct(rhi)}]"
            better = "" if d["share_better"] is None else f"{100 * d['share_better']:.0f}%"
            print(f"  {k:30s} {fmt(means[ref.name][k]):>11s} {fmt(means[r.name][k]):>11s}   {diff:34s} "
                  f"{rel:26s} {better:>6s}", file=out)
    print("\n  better = share of replications in which the scenario is better than the reference", file=out)
    print_budget(c, out)


def _nok(x: Any) -> str:
    return "nan" if x is None or x != x else f"{x:,.0f}"


def print_budget(c: Comparison, file: TextIO | None = None) -> None:
    """Each partner's net change in cost per year (paired 95% CI) and the cost per delayed day and per readmission
    avoided (Fieller's 95% CI), one block per other scenario (nothing when the results have no budget)."""
    out = file or sys.stdout
    budget = c.budget()
    for name, b in budget.items():
        print(f"\nBudget: {name}  vs  {c.reference.name} (NOK per year; paired 95% CI)", file=out)
        for who, d in b["partners"].items():
            label = {"hospital": "hospital trust", "municipalities": "all municipalities",
                     "total": "all partners"}.get(who, who)
            lo, hi = d["ci95"]
            print(f"  {'net cost, ' + label:46s} {_nok(d['mean']):>14s} [{_nok(lo)}, {_nok(hi)}]", file=out)
        for effect, what in (("delayed_days", "delayed day"), ("readmissions", "readmission")):
            e = b["cost_per_avoided"].get(effect)
            if not e:
                continue
            av = e["avoided"]
            print(f"  {what + 's avoided per year':46s} {av['mean']:>14,.1f} [{av['ci95'][0]:,.1f}, "
                  f"{av['ci95'][1]:,.1f}]", file=out)
            for who in ("total", "municipalities", "hospital"):
                r = e[who]
                if av["mean"] <= 0:
                    txt = "- (none avoided)"
                elif not r["bounded"]:
                    txt = "- (unbounded: the number avoided is not clearly above zero)"
                else:
                    txt = f"{_nok(r['ratio'])} [{_nok(r['ci95'][0])}, {_nok(r['ci95'][1])}]"
                label = {"total": "all partners", "municipalities": "municipalities", "hospital": "hospital trust"}[who]
                print(f"  {'cost per ' + what + ' avoided, ' + label:46s} {txt:>14s}", file=out)
    if budget:
        print("  cost per ... avoided = mean paired change in cost / mean number avoided (Fieller's 95% CI)",
              file=out)


def main(args: argparse.Namespace) -> int:
    from .common import UsageError, check_output_folder

    check_output_folder(args.out)
    if len(args.scenarios) < 2:
        raise UsageError("hjemtilhjem compare: give a reference scenario and at least one other")
    rule = precision_rule(args)
    c = compare(*args.scenarios, replications=args.replications, seed=args.seed, jobs=args.jobs,
                executor=args.executor, scheduler=args.scheduler,
                parameter_uncertainty=False if args.no_parameter_uncertainty else None, overrides=args.overrides,
                quiet=args.quiet, command=command_line(), precision=rule,
                note=lambda line: print(line, file=sys.stderr))
    for r in c.results:
        text = warning_text(r.name, r.warmup_diagnostic())
        if text:
            print(text, file=sys.stderr)
    if c.precision is not None and not c.precision["met"]:
        print(f"hjemtilhjem: warning: target precision {c.precision['target_relative_halfwidth']:g} not met after "
              f"{c.precision['replications']} replications (cap --max-replications)", file=sys.stderr)
    extra = None
    if not args.no_report:
        from ..report import write_compare_report

        def extra(folder):  # type: ignore[no-untyped-def]
            write_compare_report(folder, c, args.lang)

    folder = c.write(args.out, extra)
    print_comparison(c)
    print(f"\nresults: {folder}")
    return 0
