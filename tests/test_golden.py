"""Golden back-test: the seeded small scenario reproduces the committed replications.csv exactly.

After a deliberate change to the model or the indicators, regenerate with
``PYTHONPATH=src python tests/regenerate_golden.py`` and explain the change in the commit message.
"""

from __future__ import annotations

import csv
import io

import pytest
from regenerate_golden import CSV, golden_csv


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _diff(expected: str, got: str) -> str:
    a, b = _rows(expected), _rows(got)
    lines = []
    if len(a) != len(b) or (a and list(a[0]) != list(b[0])):
        lines.append(f"shape or columns changed: {len(a)} -> {len(b)} rows; "
                     f"columns {sorted(set(a[0]) ^ set(b[0])) if a and b else '?'}")
    for i, (ra, rb) in enumerate(zip(a, b, strict=False)):
        for k in ra:
            if ra.get(k) != rb.get(k):
                lines.append(f"replication {i} {k}: {ra.get(k)} -> {rb.get(k)}")
    return "\n".join(lines[:30])


@pytest.mark.parametrize("executor", ["serial", "process"])
def test_golden_replications_csv(executor: str) -> None:
    expected = CSV.read_text(encoding="utf-8")
    got = golden_csv(executor)
    assert got == expected, ("golden replications.csv changed (regenerate with `python tests/regenerate_golden.py` "
                             "if deliberate):\n" + _diff(expected, got))
