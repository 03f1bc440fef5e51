"""``hjemtilhjem validate FILE.toml ...``: check scenario and targets files, report every error at once.

A targets file (``[[target]]`` entries and no ``[scenario]``, as read by ``calibrate``) is validated as
one, so ``hjemtilhjem validate scenarios/vestfold/*.toml`` checks a whole folder. For a scenario, each pool's
offered load (:mod:`hjemtilhjem.model.load`) is printed; a pool offered its places or more whose waiting people
never leave (``leave_queue_per_year``) is bad input, as its queue would grow without bound.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from ..scenario.loader import ScenarioError, load_scenario

if TYPE_CHECKING:
    from ..model.load import PoolLoad


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("validate", help="validate scenario and targets files (every error, as file:key.path: message)",
                       description="Validate scenario files (and calibration targets files, recognised by their "
                                   "[[target]] entries); every error is printed as file:key.path: message.")
    p.add_argument("scenarios", nargs="+", metavar="FILE.toml", help="scenario or targets TOML files")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY.PATH=VALUE",
                   help="override one scenario value, validated like the file (repeatable; not for targets files)")
    p.set_defaults(func=main)


def is_targets_file(path: str | Path) -> bool:
    """Whether ``path`` reads as a calibration targets file: ``[[target]]`` entries and no ``[scenario]``.

    A file that cannot be read or parsed is not one (the scenario loader reports why).
    """
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return "target" in data and "scenario" not in data and "extends" not in data


def _loads(loads: list[PoolLoad]) -> list[str]:
    """Lines of offered loads: one per municipality's own pools, one per shared pool (``!`` at 1 or more)."""
    lines: dict[str, list[str]] = {}
    for pl in loads:
        owner = pl.members[0] if pl.pool.endswith(f" {pl.service}") and len(pl.members) == 1 else pl.pool
        mark = "!" if pl.load >= 1.0 and pl.service != "kad" else ""
        detail = []
        if pl.service != "kad" and pl.pathway_requests_per_year and pl.load >= 0.95:
            detail.append(f"from hospital {pl.pathway_load:.2f}")
        if mark and pl.leaving_per_year > 0:
            detail.append(f"leaving {pl.leaving_per_year:g}/yr, about {pl.waiting_list:,.0f} waiting at home")
        extra = f" ({'; '.join(detail)})" if detail else ""
        lines.setdefault(owner, []).append(f"{pl.service} {pl.load:.2f}{mark}{extra}")
    return [f"  offered load  {owner}: " + "  ".join(items) for owner, items in lines.items()]


def _check(path: str, overrides: list[str]) -> str:
    """The ``ok`` line of one file (and a scenario's offered loads); raises :class:`ScenarioError` with its
    problems."""
    if is_targets_file(path):
        from ..experiment.calibrate import load_targets  # only when a targets file is given

        targets = load_targets(path)
        n = len(targets.target)
        return f"{path}: ok (targets: {n} target{'s' if n != 1 else ''})"
    ls = load_scenario(path, overrides)
    from ..model.load import offered_loads, overload_errors

    loads = offered_loads(ls.scenario)
    problems = overload_errors(ls.scenario, path, loads)
    if problems:
        raise ScenarioError(problems)
    return "\n".join([f"{path}: ok ({ls.scenario.name}; sha256 {ls.sha256[:12]})", *_loads(loads)])


def main(args: argparse.Namespace) -> int:
    failed = False
    for path in args.scenarios:
        try:
            line = _check(path, args.overrides)
        except ScenarioError as exc:
            failed = True
            for message in exc.messages:
                print(message, file=sys.stderr)
            continue
        print(line)
    return 2 if failed else 0
