"""Ctrl-C (SIGINT) and SIGTERM during ``run``: clean exit (130 / 143), no folder that looks complete,
no temporary folder left, earlier results untouched; workers print no tracebacks. The same while the
command line is still importing numpy, scipy, pydantic and the rest."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hjemtilhjem.experiment.results import atomic_folder, run, write_folder
from hjemtilhjem.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "vestfold" / "baseline.toml"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _earlier(out: Path) -> tuple[Path, float, str]:
    old = out / "vestfold-baseline-20250101-000000"
    old.mkdir(parents=True)
    (old / "summary.json").write_text('{"earlier": true}\n', encoding="utf-8")
    return old, (old / "summary.json").stat().st_mtime, (old / "summary.json").read_text(encoding="utf-8")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_until_running(pid: int, executor: str) -> None:
    """Until replications are running: the pool has workers, or the serial run has used 2 s of CPU
    (imports take about 1 s). Falls back to a fixed wait where /proc is missing."""
    if not Path(f"/proc/{pid}/stat").exists():
        time.sleep(3.0)
        return
    children = Path(f"/proc/{pid}/task/{pid}/children")
    deadline = time.monotonic() + 30.0
    while time.monotonic() < deadline:
        if executor == "process" and children.exists() and children.read_text().split():
            break
        if executor == "serial" and _cpu_seconds(pid) >= 2.0:
            break
        time.sleep(0.05)
    time.sleep(0.5)


def _default_sigint() -> None:
    # a shell starts background jobs with SIGINT ignored, and the child would inherit that
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _command(command: str, tmp_path: Path) -> list[str]:
    """Arguments of a long-running command (skipped when the command is not built)."""
    if importlib.util.find_spec(f"hjemtilhjem.cli.{command}") is None:
        pytest.skip(f"no `{command}` command")
    if command == "run":
        return ["run", str(BASELINE), "-r", "60", "--no-report"]
    if command == "compare":
        other = tmp_path / "other.toml"
        other.write_text(f'extends = "{BASELINE.as_posix()}"\n[scenario]\nname = "Other"\n', encoding="utf-8")
        return ["compare", str(BASELINE), str(other), "-r", "40", "--no-report"]
    return ["sweep", str(BASELINE), "--vary", "hospital.Sykehuset i Vestfold.beds=300,365,420", "-r", "20"]


@pytest.mark.parametrize(("command", "sig", "group", "executor", "code"), [
    ("run", signal.SIGINT, True, "process", 130),   # Ctrl-C in a terminal: the whole process group
    ("run", signal.SIGTERM, False, "process", 143),  # kill PID
    ("run", signal.SIGTERM, True, "process", 143),   # a service manager stopping the group
    ("run", signal.SIGINT, False, "serial", 130),
    ("compare", signal.SIGINT, True, "process", 130),
    ("compare", signal.SIGTERM, False, "process", 143),
    ("sweep", signal.SIGINT, True, "process", 130),
    ("sweep", signal.SIGTERM, False, "serial", 143),
])
def test_signal_during_command(tmp_path: Path, command: str, sig: signal.Signals, group: bool, executor: str,
                               code: int) -> None:
    args = _command(command, tmp_path)
    out = tmp_path / "results"
    old, mtime, text = _earlier(out)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "hjemtilhjem", *args, "-j", "2",
                             "--executor", executor, "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True, preexec_fn=_default_sigint)
    _wait_until_running(proc.pid, executor)
    assert proc.poll() is None, proc.communicate()
    if group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    assert proc.returncode == code, err
    assert "Traceback" not in err, err
    assert "no results folder was completed" in err
    # nothing new that looks complete, no .incomplete folder; a sweep keeps its checkpoints to resume
    left = sorted(p.name for p in out.iterdir() if not p.name.endswith("-sweep.partial"))
    assert left == [old.name], left
    assert (old / "summary.json").stat().st_mtime == mtime and (old / "summary.json").read_text() == text
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):  # no worker left behind in the group
        os.killpg(proc.pid, 0)


@pytest.mark.parametrize("exc", [KeyboardInterrupt, SystemExit(143)])
def test_interrupt_while_writing_leaves_no_folder(tmp_path: Path, exc: BaseException | type) -> None:
    s = load_scenario(BASELINE, ["scenario.horizon_days=20", "scenario.warmup_days=5"])
    results = run(s, replications=1, executor="serial")
    out = tmp_path / "results"
    old, mtime, text = _earlier(out)

    def boom(folder: Path) -> None:
        assert (folder / "summary.json").exists() and ".incomplete" in folder.name
        raise exc  # type: ignore[misc]

    with pytest.raises((KeyboardInterrupt, SystemExit)):
        write_folder(results, out, boom)
    assert sorted(p.name for p in out.iterdir()) == [old.name]
    assert (old / "summary.json").read_text() == text and (old / "summary.json").stat().st_mtime == mtime
    done = write_folder(results, out)  # a later run never overwrites the earlier one
    assert done != old and (done / "replications.csv").exists()


def test_atomic_folder_never_reuses_a_name(tmp_path: Path) -> None:
    names = set()
    for _ in range(3):
        f = atomic_folder(tmp_path, "x")
        with f:
            pass
        assert f.final is not None
        names.add(f.final.name)
    assert len(names) == 3


def _handlers_installed(pid: int) -> None:
    """Until the command line's own signal handlers are in (SIGTERM among the caught signals), which is its
    first act after the interpreter has started (some 20 to 100 ms). A signal before that meets the
    interpreter's start-up, where no program chooses its exit: the default action ends it (a shell still
    reports 130 / 143, with no output). Falls back to a fixed wait where /proc is missing."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        time.sleep(0.5)
        return
    deadline = time.monotonic() + 30.0
    while time.monotonic() < deadline:
        try:
            caught = next(int(line.split()[1], 16) for line in status.read_text().splitlines()
                          if line.startswith("SigCgt:"))
        except (OSError, StopIteration):
            return  # ended already: the assertions say how
        if caught >> (signal.SIGTERM - 1) & 1:
            return
        time.sleep(0.001)


@pytest.mark.parametrize(("entry", "sig", "delay"), [
    ("module", signal.SIGINT, 0.0),   # the very moment the handlers are in
    ("module", signal.SIGINT, 0.05),  # the imports take one to several seconds
    ("module", signal.SIGINT, 0.2),
    ("module", signal.SIGINT, 0.5),
    ("script", signal.SIGINT, 0.0),
    ("script", signal.SIGINT, 0.2),
    ("script", signal.SIGTERM, 0.05),
    ("module", signal.SIGTERM, 0.2),
])
def test_signal_while_starting(tmp_path: Path, entry: str, sig: signal.Signals, delay: float) -> None:
    if entry == "script":
        script = Path(sys.executable).with_name("hjemtilhjem")
        if not script.exists():
            pytest.skip("the console script is not installed beside this interpreter")
        command = [str(script)]
    else:
        command = [sys.executable, "-m", "hjemtilhjem"]
    out = tmp_path / "results"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([*command, "run", str(BASELINE), "-r", "60", "--no-report", "-j", "2", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True, preexec_fn=_default_sigint)
    try:
        _handlers_installed(proc.pid)
        time.sleep(delay)
        os.killpg(proc.pid, sig)  # as Ctrl-C in a terminal: the whole group
        _, err = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == (130 if sig == signal.SIGINT else 143), err
    assert "Traceback" not in err, err
    assert len(err.splitlines()) == 1, err
    assert "no results folder was completed" in err
    assert not out.exists() or not list(out.iterdir())


def test_import_is_light() -> None:
    """``import hjemtilhjem`` and the console script's module load nothing heavy: the handlers go in first."""
    code = ("import sys, hjemtilhjem, hjemtilhjem._entry; "
            "print(sorted(m for m in ('numpy', 'scipy', 'pydantic', 'simpy', 'matplotlib') if m in sys.modules))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"


def test_public_api_on_first_use() -> None:
    import hjemtilhjem as h
    from hjemtilhjem import ScenarioError, run

    assert run is h.run and ScenarioError is h.ScenarioError
    assert all(callable(getattr(h, name)) for name in h.__all__ if name != "__version__")
    assert set(h.__all__) <= set(dir(h))
    with pytest.raises(AttributeError):
        h.no_such_name  # noqa: B018
