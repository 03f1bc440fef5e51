"""Shared fixtures. Every event log simulated in-process during the tests is checked for the model's
invariants and the exact (sample-path) Little's law (tests/invariants.py); set
HJEMTILHJEM_CHECK_INVARIANTS=0 to switch that off."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from invariants import assert_littles_law, check_invariants, max_capacity  # noqa: E402

from hjemtilhjem.model import engine  # noqa: E402
from hjemtilhjem.outcomes.indicators import context  # noqa: E402

CHECKED = {"logs": 0}


@pytest.fixture(autouse=True)
def _check_every_log(monkeypatch: pytest.MonkeyPatch) -> None:
    if os.environ.get("HJEMTILHJEM_CHECK_INVARIANTS", "1") == "0" or not hasattr(engine, "Simulation"):
        return
    original = engine.Simulation.run

    def run_and_check(self: engine.Simulation) -> engine.RunResult:
        res = original(self)
        ctx = context(self.scenario)
        check_invariants(res.log, max_capacity(self.scenario), ctx.w1)
        assert_littles_law(res.log, ctx, rel_tol=None)
        CHECKED["logs"] += 1
        return res

    monkeypatch.setattr(engine.Simulation, "run", run_and_check)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if CHECKED["logs"]:
        terminalreporter.write_line(f"invariants and Little's law checked on {CHECKED['logs']} event logs")


DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def tiny_path() -> Path:
    return DATA / "tiny.toml"


@pytest.fixture
def tiny(tiny_path: Path):
    from hjemtilhjem.scenario.loader import load_scenario

    return load_scenario(tiny_path).scenario
