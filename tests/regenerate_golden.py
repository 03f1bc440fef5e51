"""Golden files: how they are made, and how a run is compared with them.

Regenerate every golden file after a deliberate change to the model or the indicators:

    python tests/regenerate_golden.py

It writes, in ``tests/data/golden``:

* ``replications.csv`` -- the results folder's table for ``scenario.toml`` (serial executor, the scenario's seed
  and replications), checked by ``tests/test_golden.py``;
* ``trace.csv`` -- the event log of one short seeded run of ``trace_scenario.toml`` (replication 1, the
  scenario's seed, no parameter uncertainty), one row per event with the kind's name beside its code;
* ``trace_indicators.csv`` -- that run's indicators, per-municipality indicators, parameters, patients and
  events, one value per line (``scope,name,value``);
* ``trace_daily.csv`` -- that run's daily series, one row per day;

the last three checked by ``tests/test_engine_golden.py``. Review the diff (``git diff tests/data/golden``)
and say in the commit message why the numbers changed.

Comparison rule (the same for every golden file): integers and text must be equal; floats may differ by a
relative :data:`REL_TOL` (or an absolute :data:`ABS_TOL` near 0), because NumPy's vectorised exp and log
differ in the last digits between CPUs and NumPy versions. NaN equals NaN. Within one machine the results are
bit-identical across executors; that is tested exactly, not by this rule.
"""

from __future__ import annotations

import csv
import io
import math
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "data" / "golden"
SCENARIO = GOLDEN / "scenario.toml"
CSV = GOLDEN / "replications.csv"
TRACE_SCENARIO = GOLDEN / "trace_scenario.toml"
TRACE = GOLDEN / "trace.csv"
TRACE_INDICATORS = GOLDEN / "trace_indicators.csv"
TRACE_DAILY = GOLDEN / "trace_daily.csv"
TRACE_REPLICATION = 1

REGENERATE = "python tests/regenerate_golden.py"
GOLDEN_REL = "tests/data/golden"
REL_TOL = 1e-9
ABS_TOL = 1e-12
MAX_LINES = 30

EVENT_COLUMNS = ("time", "person", "episode", "kind", "kind_name", "municipality", "group", "band", "extra")


# --- making the golden tables -------------------------------------------------------------------------------


def golden_csv(executor: str = "serial") -> str:
    """``replications.csv`` of the golden scenario, as the results folder holds it (floats as repr)."""
    from hjemtilhjem.experiment.results import run

    results = run(SCENARIO, executor=executor, jobs=2)
    with tempfile.TemporaryDirectory() as d:
        folder = results.write(d)
        return (folder / "replications.csv").read_text(encoding="utf-8")


def _cell(value: Any) -> str:
    """Integers as digits, floats as repr (shortest text that reads back to the same float)."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu"):
        return str(int(value))
    if isinstance(value, float) or (hasattr(value, "dtype") and value.dtype.kind == "f"):
        return repr(float(value))
    return str(value)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue()


def _trace_scenario() -> Any:
    from hjemtilhjem.scenario.loader import load_scenario

    return load_scenario(TRACE_SCENARIO).scenario


def trace_csv() -> str:
    """``trace.csv``: the event log of the seeded trace run, one row per event, in the order of the log."""
    from hjemtilhjem.eventlog import Kind
    from hjemtilhjem.model.engine import simulate

    sc = _trace_scenario()
    log = simulate(sc, replication=TRACE_REPLICATION, seed=sc.scenario.seed, parameter_uncertainty=False).log
    cols = {name: getattr(log, name).tolist() for name in EVENT_COLUMNS if name != "kind_name"}
    cols["kind_name"] = [Kind.NAMES[k] if 0 <= k < len(Kind.NAMES) else f"kind_{k}" for k in cols["kind"]]
    return _table(list(EVENT_COLUMNS), [list(row) for row in zip(*(cols[c] for c in EVENT_COLUMNS), strict=True)])


def trace_outputs_csv() -> tuple[str, str]:
    """``trace_indicators.csv`` and ``trace_daily.csv`` of the seeded trace run (the replication's outputs)."""
    from hjemtilhjem.experiment.runner import WorkUnit, run_unit

    sc = _trace_scenario()
    out = run_unit(WorkUnit(sc, TRACE_REPLICATION, sc.scenario.seed, False))
    rows: list[list[Any]] = [["run", "patients", out.patients], ["run", "events", out.events]]
    rows += [["parameter", k, v] for k, v in sorted(out.parameters.items())]
    rows += [["all", k, v] for k, v in out.indicators.items()]
    rows += [[muni, k, v] for muni, values in out.by_municipality.items() for k, v in values.items()]
    names = list(out.daily)
    days = [list(day) for day in zip(*(out.daily[n].tolist() for n in names), strict=True)]
    return _table(["scope", "name", "value"], rows), _table(names, days)


# --- comparing ---------------------------------------------------------------------------------------------


def _parse(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _cell_difference(expected: str, got: str, rel_tol: float, abs_tol: float) -> str | None:
    """None when the two cells agree under the rule, else ``"expected -> got"`` (with the relative difference)."""
    if expected == got:
        return None
    a, b = _parse(expected), _parse(got)
    if isinstance(a, int) and isinstance(b, int):
        return None if a == b else f"{expected} -> {got}"
    if isinstance(a, str) or isinstance(b, str):
        return f"{expected!r} -> {got!r}"
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return None if math.isnan(x) and math.isnan(y) else f"{expected} -> {got}"
    if math.isclose(x, y, rel_tol=rel_tol, abs_tol=abs_tol):
        return None
    scale = max(abs(x), abs(y))
    rel = abs(x - y) / scale if scale and math.isfinite(scale) else math.inf
    return f"{expected} -> {got} (relative difference {rel:.2e})"


def compare_csv(name: str, expected: str, got: str, row_label: Callable[[int, dict[str, str]], str],
                rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL, hint: str | None = None,
                max_lines: int = MAX_LINES) -> str | None:
    """None when ``got`` matches the golden table ``expected`` under the rule, else a readable report.

    ``row_label(i, row)`` names a row of the golden table in the report (e.g. ``replication 2`` or an event's
    time, person and kind). The report gives one line per changed row, naming the columns that changed and
    from what to what, at most ``max_lines`` lines, ending with ``hint`` (by default: how to regenerate).
    """
    cols_a, a = _rows(expected)
    cols_b, b = _rows(got)
    summary: list[str] = []
    if cols_a != cols_b:
        gone = [c for c in cols_a if c not in cols_b]
        new = [c for c in cols_b if c not in cols_a]
        summary.append(f"columns changed: removed {gone or 'none'}, added {new or 'none'}"
                       + ("" if gone or new else " (order only)"))
    if len(a) != len(b):
        summary.append(f"rows: {len(a)} in the golden file, {len(b)} now (compared the first {min(len(a), len(b))})")
    common = [c for c in cols_a if c in cols_b]
    diffs: list[str] = []
    changed_values = 0
    first_row = None
    for i, (ra, rb) in enumerate(zip(a, b, strict=False)):
        here = [(c, d) for c in common if (d := _cell_difference(ra[c], rb[c], rel_tol, abs_tol)) is not None]
        if here:
            changed_values += len(here)
            first_row = i if first_row is None else first_row
            diffs.append(f"  {row_label(i, ra)}: " + "; ".join(f"{c} {d}" for c, d in here))
    if not summary and not diffs:
        return None
    rule = (f"integers exact, floats to relative {rel_tol:g} (absolute {abs_tol:g} near 0)" if rel_tol or abs_tol
            else "exact")
    head = [f"{name} differs ({rule}):"] + [f"  {s}" for s in summary]
    if diffs:
        head.append(f"  {changed_values} values in {len(diffs)} of {min(len(a), len(b))} rows changed, "
                    f"the first on line {(first_row or 0) + 2} of the file (golden -> now):")
    room = max(max_lines - len(head) - 1, 2)
    shown = diffs if len(diffs) <= room else diffs[:room - 1] + [f"  ... and {len(diffs) - room + 1} more rows"]
    tail = hint or f"If the change is deliberate, regenerate with `{REGENERATE}` and review `git diff {GOLDEN_REL}`."
    return "\n".join([*head, *shown, tail])


# --- regenerating ------------------------------------------------------------------------------------------


def _write(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(text, encoding="utf-8")
    rows = len(text.splitlines()) - 1
    print(f"{path.relative_to(HERE.parent)}: {'unchanged' if text == old else 'rewritten'} ({rows} rows)")


def main() -> int:
    sys.path.insert(0, str(HERE.parent))
    _write(CSV, golden_csv())
    _write(TRACE, trace_csv())
    indicators, daily = trace_outputs_csv()
    _write(TRACE_INDICATORS, indicators)
    _write(TRACE_DAILY, daily)
    return 0


if __name__ == "__main__":
    sys.exit(main())
