"""The engine's output for a short seeded run is pinned, so a change cannot alter results silently.

The golden files are readable tables in ``tests/data/golden`` for one run of ``trace_scenario.toml`` (two small
municipalities, 95 days after 20 days warm-up, replication 1, the scenario's seed, no parameter uncertainty):

* ``trace.csv``: the event log, one row per event (time, person, episode, kind and its name, municipality,
  group, age band, extra);
* ``trace_indicators.csv``: the indicators, per-municipality indicators, parameters, patients and events;
* ``trace_daily.csv``: the daily series.

Integers must be equal and floats agree to a relative 1e-9 (NumPy's vectorised exp and log differ in the last
digits between CPUs); a failure names the event row and column, or the indicator, that changed, from what to
what. Bit-identical results across executors on one machine are tested exactly in test_golden.py and
test_experiments_executors.py.

When a change deliberately alters results (the random-number layout, the model, the indicators), regenerate
every golden file with ``python tests/regenerate_golden.py``, review ``git diff tests/data/golden``
and say why in CHANGES.md and the commit message.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from regenerate_golden import (
    MAX_LINES,
    TRACE,
    TRACE_DAILY,
    TRACE_INDICATORS,
    compare_csv,
    trace_csv,
    trace_outputs_csv,
)

from hjemtilhjem.model.engine import Simulation
from hjemtilhjem.scenario.loader import load_scenario

ROOT = Path(__file__).parent.parent


RowLabel = Callable[[int, dict[str, str]], str]


def _check(*checks: tuple[Path, str, RowLabel]) -> None:
    lines = MAX_LINES // len(checks)  # the whole message stays within MAX_LINES
    problems = [compare_csv(path.name, path.read_text(encoding="utf-8"), got, label, max_lines=lines)
                for path, got, label in checks]
    if any(problems):
        pytest.fail("\n".join(p for p in problems if p), pytrace=False)


def test_event_log_of_a_seeded_run_is_unchanged() -> None:
    _check((TRACE, trace_csv(),
            lambda i, r: f"event row {i} (t={r.get('time')}, person {r.get('person')}, {r.get('kind_name')})"))


def test_indicators_and_daily_series_of_a_seeded_run_are_unchanged() -> None:
    indicators, daily = trace_outputs_csv()
    _check((TRACE_INDICATORS, indicators, lambda i, r: f"{r.get('scope')}.{r.get('name')}"),
           (TRACE_DAILY, daily, lambda i, r: f"day {r.get('day', '?').removesuffix('.0')}"))


def _short():
    return load_scenario(ROOT / "scenarios/vestfold/baseline.toml",
                         ["scenario.horizon_days=60", "scenario.warmup_days=20"]).scenario


def test_native_simpy_processes_still_run_on_the_model_calendar() -> None:
    sim = Simulation(_short(), replication=0, seed=3, parameter_uncertainty=False)
    seen: list[tuple[float, int]] = []

    def watcher(env):
        for delay in (0.5, 10.0, 55.25):  # inside a slot, across slots, far ahead of the buckets
            yield env.timeout(delay)
            seen.append((env.now, len(sim.log)))

    sim.env.process(watcher(sim.env))
    res = sim.run()
    assert [t for t, _ in seen] == [0.5, 10.5, 65.75]
    # the model's own events went on around the watcher: more were logged at each later visit
    assert 0 < seen[0][1] < seen[1][1] < seen[2][1] < res.events
