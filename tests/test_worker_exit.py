"""Pool workers end with the process that made the pool, however it ends: a SIGKILL leaves it no time to stop
them, and they used to wait forever (for work, or to hand back a result through a pipe they keep open)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "vestfold" / "baseline.toml"

pytestmark = pytest.mark.skipif(not Path(f"/proc/{os.getpid()}/task").exists(), reason="reads /proc")

#: run by the start-method test: each worker writes its pid to a file, then waits for a minute
SCRIPT = """
import os, sys, time
from pathlib import Path

def wait(path):
    Path(path).write_text(str(os.getpid()))
    time.sleep(60)

if __name__ == "__main__":
    import multiprocessing

    multiprocessing.set_start_method(sys.argv[1])
    from hjemtilhjem.experiment.runner import ProcessExecutor

    ProcessExecutor(2).map(wait, [os.path.join(sys.argv[2], str(i)) for i in range(2)])
"""


def _descendants(pid: int) -> list[int]:
    """Children of every thread of ``pid``, and theirs."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child in map(int, (task / "children").read_text().split()):
                found += [child, *_descendants(child)]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended (nobody may reap it: its new parent is whatever init is here)


def _kill_and_time(proc: subprocess.Popen[bytes], workers: list[int]) -> float:
    """SIGKILL ``proc``; seconds until none of ``workers`` is alive (fails after 10 s)."""
    proc.kill()
    proc.wait()
    start = time.monotonic()
    while any(_alive(w) for w in workers) and time.monotonic() - start < 10.0:
        time.sleep(0.02)
    seconds = time.monotonic() - start
    assert not [w for w in workers if _alive(w)], f"workers alive {seconds:.1f} s after the parent was killed"
    return seconds


def _cleanup(proc: subprocess.Popen[bytes], pids: list[int]) -> None:
    for pid in [proc.pid, *pids]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait()


def test_run_workers_end_when_the_parent_is_killed(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "hjemtilhjem", "run", str(BASELINE), "-r", "200", "--no-report",
                             "--jobs", "2", "--executor", "process", "--out", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60.0
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            workers = _descendants(proc.pid)
        assert len(workers) >= 2, "no pool workers"
        time.sleep(0.5)  # into the replications
        _kill_and_time(proc, workers)
    finally:
        _cleanup(proc, workers)


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_workers_end_with_the_parent_whatever_the_start_method(tmp_path: Path, method: str) -> None:
    """With forkserver the workers' parent is the server, which they themselves keep alive."""
    import multiprocessing

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    script = tmp_path / "pool.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, str(script), method, str(tmp_path)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    files = [tmp_path / "0", tmp_path / "1"]
    workers: list[int] = []
    others: list[int] = []
    try:
        deadline = time.monotonic() + 60.0
        while not all(f.exists() and f.read_text() for f in files) and time.monotonic() < deadline:
            assert proc.poll() is None, "the pool script ended"
            time.sleep(0.05)
        workers = [int(f.read_text()) for f in files]
        others = _descendants(proc.pid)  # a forkserver, a resource tracker: they end once the workers have
        _kill_and_time(proc, workers)
        start = time.monotonic()
        while any(_alive(p) for p in others) and time.monotonic() - start < 10.0:
            time.sleep(0.02)
        assert not [p for p in others if _alive(p)]
    finally:
        _cleanup(proc, workers + others)
