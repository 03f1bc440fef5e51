"""Quality gates in the test command: ruff and mypy clean on the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_clean() -> None:
    pytest.importorskip("ruff")
    res = _run("ruff", "check", "src")
    assert res.returncode == 0, res.stdout + res.stderr


def test_mypy_clean() -> None:
    pytest.importorskip("mypy")
    res = _run("mypy", "src/hjemtilhjem")
    assert res.returncode == 0, res.stdout + res.stderr
