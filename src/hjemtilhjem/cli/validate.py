"""``hjemtilhjem validate SCENARIO.toml ...``: check files, report every error at once."""

from __future__ import annotations

import argparse
import sys

from ..scenario.loader import ScenarioError, load_scenario


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("validate", help="validate scenario files (every error, as file:key.path: message)")
    p.add_argument("scenarios", nargs="+", help="scenario TOML files")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    failed = False
    for path in args.scenarios:
        try:
            ls = load_scenario(path, args.overrides)
        except ScenarioError as exc:
            failed = True
            for line in exc.messages:
                print(line, file=sys.stderr)
            continue
        print(f"{path}: ok ({ls.scenario.name}; sha256 {ls.sha256[:12]})")
    return 2 if failed else 0
