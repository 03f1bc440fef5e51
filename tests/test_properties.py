"""Property-based robustness of the scenario loader and the CLI (hypothesis).

Any scenario file, however wrong, gives exit 0 (valid) or exit 2 with ``file:key.path: message`` lines
on stderr: never a traceback, never exit 1. Files are mutations of the Vestfold baseline (keys deleted,
types changed, unknown keys added, syntax garbled, bad ``extends``) and random TOML documents; ``--set``
overrides are random too.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hjemtilhjem.cli import main
from hjemtilhjem.scenario.loader import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "vestfold" / "baseline.toml"
TEXT = BASELINE.read_text(encoding="utf-8")
DATA = tomllib.loads(TEXT)
EXAMPLES = int(os.environ.get("HJEMTILHJEM_PROPERTY_EXAMPLES", "60"))  # more to hunt for crashes
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _paths(x: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path of a TOML document (list items by index)."""
    out = []
    if isinstance(x, dict):
        for k, v in x.items():
            out.append((*prefix, k))
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _node(data: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        data = data[k]
    return data


PATHS = _paths(DATA)
FREE = {"population", "seasonality", "share", "admissions_per_1000_year", "discharge_to", "sources",
        "delayed_day_rate_nok_by_year", "catchment"}  # tables whose keys are data (names, years, bands)
TABLES = [(), *(p for p in PATHS if isinstance(_node(DATA, p), dict) and p[-1] not in FREE)]

toml_scalars = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True), st.booleans(), st.text(max_size=20),
                         st.dates())
toml_values = st.recursive(toml_scalars, lambda kids: st.one_of(st.lists(kids, max_size=3),
                                                                 st.dictionaries(st.text(max_size=8), kids,
                                                                                 max_size=3)), max_leaves=6)


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _check(code: int, err: str, sources: tuple[str, ...]) -> None:
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert code in (0, 2), (code, err)
    if code == 2:
        lines = [x for x in err.splitlines() if x.strip()]
        assert lines, "exit 2 without a message"
        for line in lines:
            assert line.startswith(sources), f"not file:key.path: message -> {line!r}"
            rest = line[len(next(s for s in sources if line.startswith(s))):]
            assert ":" in rest or rest.startswith(" "), line  # file:key.path: message, or file: message
            assert ": " in line, line


def _validate(text: str, *sets: str, name: str = "s.toml", extra: dict[str, str] | None = None) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        path.write_text(text, encoding="utf-8")
        for fname, body in (extra or {}).items():
            (Path(d) / fname).write_text(body, encoding="utf-8")
        argv = ["validate", str(path)]
        argv += [f"--set={s}" for s in sets]
        code, _, err = _cli(*argv)
        _check(code, err, (f"{path}:", f"{d}/", "--set:"))
    return code, err


def test_baseline_is_valid() -> None:
    assert _validate(TEXT)[0] == 0


@SETTINGS
@given(st.sampled_from(PATHS))
def test_deleting_any_key_is_ok_or_a_clear_error(path: tuple[Any, ...]) -> None:
    data = copy.deepcopy(DATA)
    parent = _node(data, path[:-1])
    del parent[path[-1]]
    _validate(tomli_w.dumps(data))


@SETTINGS
@given(st.sampled_from(PATHS), toml_values)
def test_changing_any_value_is_ok_or_a_clear_error(path: tuple[Any, ...], value: Any) -> None:
    data = copy.deepcopy(DATA)
    _node(data, path[:-1])[path[-1]] = value
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):
        assume(False)
    _validate(text)


@SETTINGS
@given(st.sampled_from(TABLES), st.text(min_size=1, max_size=12), toml_values)
def test_unknown_keys_are_reported(table: tuple[Any, ...], key: str, value: Any) -> None:
    data = copy.deepcopy(DATA)
    node = _node(data, table)
    assume(key not in node)
    node[key] = value
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):
        assume(False)
    code, err = _validate(text)
    assert code == 2 and "unknown key" in err


@SETTINGS
@given(st.integers(0, len(TEXT) - 1), st.integers(0, 40), st.text(max_size=10))
def test_garbled_syntax_is_a_clear_error(at: int, cut: int, insert: str) -> None:
    _validate(TEXT[:at] + insert + TEXT[at + cut:])


@SETTINGS
@given(st.one_of(st.text(max_size=30), st.sampled_from(["", ".", "..", "s.toml", "missing.toml", "/", "base.toml",
                                                       "loop.toml", "bin.toml", "a\x00b", "x" * 300])))
def test_bad_extends_is_a_clear_error(parent: str) -> None:
    child = f"extends = {tomli_w.dumps({'v': parent})[4:]}\n[scenario]\nname = 'child'\n"
    extra = {"base.toml": TEXT, "loop.toml": "extends = 's.toml'\n", "bin.toml": "\x00\x01garbage = = ="}
    _validate(child, extra=extra)


@SETTINGS
@given(st.lists(st.one_of(
    st.text(max_size=30),
    st.builds(lambda p, v: ".".join(str(x) for x in p) + "=" + v, st.sampled_from(PATHS), st.text(max_size=15)),
    st.builds(lambda p, v: ".".join(str(x) for x in p) + "=" + tomli_w.dumps({"v": v})[4:].strip(),
              st.sampled_from(PATHS), toml_scalars),
), min_size=1, max_size=3))
def test_random_set_overrides_are_ok_or_a_clear_error(sets: list[str]) -> None:
    _validate(TEXT, *sets)


@SETTINGS
@given(st.dictionaries(st.sampled_from(sorted(DATA) + ["x", "intervention"]), toml_values, max_size=6))
def test_random_documents_are_clear_errors(doc: dict[str, Any]) -> None:
    try:
        text = tomli_w.dumps(doc)
    except (TypeError, ValueError):
        assume(False)
    _validate(text)


def test_loader_reports_every_error_at_once(tmp_path: Path) -> None:
    data = copy.deepcopy(DATA)
    data["scenario"]["horizon_days"] = -1
    data["municipality"][0]["kad_bedz"] = 3
    data["group"][0]["readmission_30d"] = "high"
    path = tmp_path / "bad.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    msgs = info.value.messages
    assert any(m.startswith(f"{path}:scenario.horizon_days: ") for m in msgs)
    assert any(m.startswith(f"{path}:municipality.Horten.kad_bedz: unknown key") for m in msgs)
    assert any(m.startswith(f"{path}:group.frail_elderly.readmission_30d: ") for m in msgs)


@pytest.mark.parametrize("bad", ["scenario.replications=0", "municipality.Nowhere.kad_beds=1", "nokey",
                                 "hospital.beds=lots", "municipality.Larvik=3", "=1", "a..b=1",
                                 "group.other.discharge_to={home=0.5}"])
def test_run_with_bad_set_exits_2_before_running(bad: str, tmp_path: Path) -> None:
    code, _, err = _cli("run", str(BASELINE), "--set", bad, "--out", str(tmp_path), "-q")
    _check(code, err, (f"{BASELINE}:", "--set:"))
    assert code == 2 and not any(tmp_path.iterdir())
