from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def tiny_path() -> Path:
    return DATA / "tiny.toml"


@pytest.fixture
def tiny(tiny_path: Path):
    from hjemtilhjem.scenario.loader import load_scenario

    return load_scenario(tiny_path).scenario
