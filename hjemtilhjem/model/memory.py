"""Keep freed heap memory in the process between replications (glibc only).

A replication allocates and frees large arrays (the event log, the arrival columns, the
indicators' temporaries). By default glibc gives blocks above a dynamic threshold (128 KiB to
32 MiB) back to the kernel when they are freed, and the next replication faults every page in
again: at 16 times the Vestfold population that was 0.1 page faults and 0.2-0.5 us of kernel time
per pathway, about 5 % of the run (``benchmarks/``). Raising the thresholds keeps the memory for
reuse. Peak memory is unchanged; the process keeps its peak until it exits.
"""

from __future__ import annotations

import ctypes
import functools
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


@functools.cache
def retain_freed_memory() -> bool:
    """Ask glibc's malloc to keep freed memory in the process (once); ``False`` where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, 1 << 30) == 1 and mallopt(_M_TRIM_THRESHOLD, (1 << 31) - 1) == 1)
