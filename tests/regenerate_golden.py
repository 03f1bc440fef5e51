"""Regenerate the golden back-test files after a deliberate change to the model or the indicators.

    PYTHONPATH=src python tests/regenerate_golden.py

writes ``tests/data/golden/replications.csv`` from ``tests/data/golden/scenario.toml`` (serial executor,
the scenario's seed and replications). Review the diff (``git diff tests/data/golden``) and say in the
commit message why the numbers changed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "data" / "golden"
SCENARIO = GOLDEN / "scenario.toml"
CSV = GOLDEN / "replications.csv"


def golden_csv(executor: str = "serial") -> str:
    """``replications.csv`` of the golden scenario, as the results folder holds it (floats as repr)."""
    from hjemtilhjem.experiment.results import run

    results = run(SCENARIO, executor=executor, jobs=2)
    with tempfile.TemporaryDirectory() as d:
        folder = results.write(d)
        return (folder / "replications.csv").read_text(encoding="utf-8")


def main() -> int:
    sys.path.insert(0, str(HERE.parent / "src"))
    text = golden_csv()
    old = CSV.read_text(encoding="utf-8") if CSV.exists() else ""
    CSV.write_text(text, encoding="utf-8")
    print(f"{CSV}: {'unchanged' if text == old else 'rewritten'} ({len(text.splitlines()) - 1} replications)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
