"""The Python example in docs/python_api.md runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def test_python_api_example_runs(monkeypatch, capsys):
    blocks = _python_blocks(ROOT / "docs" / "python_api.md")
    assert len(blocks) == 1
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "docs_example"}
    exec(compile(blocks[0], "docs/python_api.md", "exec"), namespace)  # noqa: S102
    out = capsys.readouterr().out
    assert "delayed days:" in out
    assert len(namespace["sw"].points) == 3  # type: ignore[attr-defined]


def test_cluster_doc_names_the_commands():
    text = (ROOT / "docs" / "cluster.md").read_text(encoding="utf-8")
    for cmd in ("dask scheduler", "dask worker tcp://", "--executor dask --scheduler tcp://"):
        assert cmd in text
    pytest.importorskip("distributed")
