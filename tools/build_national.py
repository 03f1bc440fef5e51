"""Build ``scenarios/norway/national.toml``: the whole country as one scenario (speed, scale, national figures).

Every municipality of Norway (population 1 January 2025 from the copy the package ships), one hospital per
hospital trust with its catchment (Oslo split between four trusts, Holmestrand between two), capacities from
national ratios and the national default parameters: the same code as ``hjemtilhjem init``
(:mod:`hjemtilhjem.scenario.build`), so ``hjemtilhjem init`` for every municipality would give the same
municipalities, hospitals and capacities. Keys that the committed file's ``[costs]`` has and the defaults lack are
kept (they are added by hand or by other tools).

Usage::

    .venv/bin/python tools/build_national.py [--out scenarios/norway/national.toml] [--year 2025]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hjemtilhjem.scenario.build import build, national_plan

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "scenarios" / "norway" / "national.toml"
GENERATOR = "tools/build_national.py"


def text(year: int = 2025, out: Path = OUT) -> str:
    """The national scenario as written (``out``: the file regenerated, whose extra [costs] keys are kept)."""
    existing = out.read_text(encoding="utf-8") if out.is_file() else None
    plan = national_plan(year)
    plan.short_term_requests = 140.0
    plan.short_term_why = ("prior 50-150 (Vestfold 130): Norway's 13.1 overliggedøgn per 1000 (H-UKP22) is above "
                           "Helse Sør-Øst's; at 130 the country gave 8.8 (2 replications), at 140 12.2 [11.2, 13.1] "
                           "(4 replications, 30 November 2026); at 150 the largest municipalities' places would be "
                           "offered their capacity or more (refused by validate)")
    return build(plan, year=year, generator=GENERATOR, existing=existing)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--year", type=int, default=2025)
    args = ap.parse_args(argv)
    result = text(args.year, args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(result, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
