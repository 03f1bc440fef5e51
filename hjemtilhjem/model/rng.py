"""Named random-number streams: one ``numpy.random.Generator`` per stochastic activity.

A stream is keyed by ``SeedSequence(seed, spawn_key=(replication, crc32(name)))``, so replication
*i* of every scenario draws the same numbers for the same activity (common random numbers), and
adding a stream never shifts another.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["stream", "stable_id"]


def stable_id(name: str) -> int:
    """A stable 32-bit id of a stream name (never Python's salted ``hash``)."""
    return zlib.crc32(name.encode("utf-8"))


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """The generator of stream ``name`` in replication ``replication``."""
    ss = np.random.SeedSequence(seed, spawn_key=(replication, stable_id(name)))
    return np.random.Generator(np.random.PCG64(ss))
