"""Memory between replications: a finished replication is freed at once, and freed heap memory is reused."""

from __future__ import annotations

import gc
import platform
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from hjemtilhjem.model.engine import simulate
from hjemtilhjem.model.memory import retain_freed_memory
from hjemtilhjem.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def test_a_finished_replication_is_freed_without_the_garbage_collector() -> None:
    # The event log and the simulation used to sit in reference cycles, so each replication's log
    # stayed in memory until the next garbage collection (two replications' worth at a time).
    s = load_scenario(ROOT / "scenarios/vestfold/baseline.toml").scenario
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        res = simulate(s, 0)
        held = tracemalloc.get_traced_memory()[0] - base
        log_bytes = res.log.nbytes
        del res
        left = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
        gc.enable()
    assert log_bytes > 4_000_000 and held > log_bytes
    # what stays is CPython's free lists of small tuples and floats (well under a megabyte), not the log
    assert left < 1_000_000, (held, left)


def _rss_bytes() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="glibc's mallopt")
def test_freed_memory_stays_in_the_process_for_the_next_replication() -> None:
    assert retain_freed_memory() is True
    assert retain_freed_memory() is True  # once per process; asking again changes nothing
    size = 64 * 2**20  # above glibc's largest default threshold (32 MB): it went back to the kernel when freed
    a = np.ones(size // 8)
    held = _rss_bytes()
    del a
    given_back = held - _rss_bytes()
    b = np.ones(size // 8)  # ... and the next one had to fault it in and zero it again
    assert b.sum() == size // 8
    assert given_back < size // 8, given_back
