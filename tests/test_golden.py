"""Golden back-test: the seeded small scenario reproduces the committed replications.csv.

``tests/data/golden/replications.csv`` holds the results table of ``tests/data/golden/scenario.toml`` (three
replications, an uncertain intervention). Integers must be equal and floats agree to a relative 1e-9, so the
file passes on any CPU (NumPy's vectorised exp and log differ in the last digits between machines); a failure
names the replication and indicator that changed, from what to what. On one machine the process pool must
still give exactly the serial executor's table, byte for byte.

After a deliberate change to the model or the indicators, regenerate every golden file with
``python tests/regenerate_golden.py`` and explain the change in the commit message.
"""

from __future__ import annotations

import functools

import pytest
from regenerate_golden import CSV, compare_csv, golden_csv


@functools.cache
def _serial() -> str:
    return golden_csv("serial")


def _replication(_: int, row: dict[str, str]) -> str:
    return f"replication {row.get('replication', '?')}"


def test_golden_replications_csv() -> None:
    problem = compare_csv("replications.csv", CSV.read_text(encoding="utf-8"), _serial(), _replication)
    if problem:
        pytest.fail(problem, pytrace=False)


def test_process_pool_gives_the_serial_table_bit_for_bit() -> None:
    serial, process = _serial(), golden_csv("process")
    if process != serial:
        problem = compare_csv("replications.csv (process pool against serial)", serial, process, _replication,
                              rel_tol=0.0, abs_tol=0.0,
                              hint="On one machine every executor must give the same results, bit for bit.")
        pytest.fail(problem or "the process pool's replications.csv differs from the serial one in its text",
                    pytrace=False)
