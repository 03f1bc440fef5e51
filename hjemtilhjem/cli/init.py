"""``hjemtilhjem init``: a starting scenario for a health community or a list of municipalities, from the data
packaged with hjemtilhjem (population, catchments, national defaults): ``OUT_DIR/baseline.toml`` and
``OUT_DIR/targets.toml``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..scenario.build import (
    BuildError,
    build,
    community_plan,
    find_health_community,
    find_municipalities,
    municipalities_plan,
    targets_text,
)
from .common import UsageError

FILES = ("baseline.toml", "targets.toml")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("init", help="write a starting scenario for a health community or municipalities",
                       description="Write OUT_DIR/baseline.toml (population, hospitals and catchments, capacities "
                                   "from national ratios, national default parameters) and OUT_DIR/targets.toml "
                                   "(national figures as placeholders) from the data packaged with hjemtilhjem. "
                                   "The files validate and run as written; edit them with your own figures.")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--health-community", metavar="NAME",
                       help="a health community or its hospital trust, e.g. 'Vestre Viken', 'Helse Stavanger HF', "
                            "'Sogn og Fjordane'")
    which.add_argument("--municipalities", metavar="A,B,...",
                       help="comma-separated municipality names or numbers, e.g. 'Larvik,Sandefjord' or '3909,3907'")
    p.add_argument("out_dir", metavar="OUT_DIR", help="folder to write baseline.toml and targets.toml into")
    p.add_argument("--year", type=int, choices=(2025, 2026), default=2025,
                   help="population of 1 January (default 2025)")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    try:
        if args.health_community is not None:
            plan = community_plan(find_health_community(args.health_community), args.year)
        else:
            plan = municipalities_plan(find_municipalities(args.municipalities.split(","), args.year), args.year)
    except BuildError as exc:
        option = "--health-community" if args.health_community is not None else "--municipalities"
        raise UsageError(f"hjemtilhjem init: {option}: {exc}") from None
    out = Path(args.out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"hjemtilhjem init: {out}: is a file, not a folder")
    if not args.force:
        for name in FILES:
            if (out / name).exists():
                raise UsageError(f"hjemtilhjem init: {out / name}: exists; use --force to overwrite it")
    texts = {"baseline.toml": build(plan, year=args.year), "targets.toml": targets_text(plan)}
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            tmp = out / f".{name}.tmp"
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, out / name)
    except OSError as exc:
        raise UsageError(f"hjemtilhjem init: {out}: cannot write ({exc.strerror or exc})") from None
    print(f"wrote {out / 'baseline.toml'} ({plan.name}: {len(plan.numbers)} municipalities, "
          f"{len(plan.hospitals)} hospital{'s' if len(plan.hospitals) != 1 else ''}) and {out / 'targets.toml'}")
    print(f"next: hjemtilhjem validate {out / 'baseline.toml'} {out / 'targets.toml'}")
    return 0
