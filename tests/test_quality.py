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
    res = _run("ruff", "check", "hjemtilhjem", "tests", "benchmarks", "tools")
    assert res.returncode == 0, res.stdout + res.stderr


def test_mypy_clean() -> None:
    pytest.importorskip("mypy")
    res = _run("mypy", "hjemtilhjem")
    assert res.returncode == 0, res.stdout + res.stderr


def test_the_version_is_stated_in_one_module_and_the_citation_agrees() -> None:
    import hjemtilhjem
    from hjemtilhjem.version import __version__

    assert hjemtilhjem.__version__ == __version__
    cff = (Path(__file__).resolve().parent.parent / "CITATION.cff").read_text(encoding="utf-8")
    assert f"\nversion: {__version__}\n" in cff
