"""The event kernel: the only module that touches SimPy's internals.

The pathway's steps are not SimPy processes: each is a calendar entry ``(time, NORMAL, id, fn, payload)``
in SimPy's own heap, with the time, priority and id a ``Timeout`` would get, so events happen in exactly
SimPy's order without an ``Event`` object per step; ordinary SimPy processes still run on the same
calendar. This relies on how SimPy 4 keeps its queue (``Environment._queue``: a heap of
``(time, priority, id, event)``; ``_eid``: a counter; ``_now``). The layout is checked when this module is
imported, so an incompatible SimPy fails at once with a clear message instead of giving wrong results.

Entries beyond the current time slot wait in columns, one set per slot ("buckets"), and are sorted (by numpy)
when the clock reaches their slot, then taken in order alongside SimPy's heap: the heap holds only what is
scheduled during a slot for that slot, instead of every pending stay (tens of thousands of long-term and
home-care stays at national scale), and the cost per event does not grow with the population. A waiting
entry is a time and an id in plain arrays plus a callback and its payload, not a tuple with a float and an
int of its own: at 16 times Vestfold's population those three objects per entry, made days before and
touched again when the slot came, were out of the CPU's caches.
Entries at or after the end of the run are never processed and are not kept.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Callable, Iterator
from heapq import heappop, heappush
from itertools import repeat
from typing import Any

import numpy as np
import simpy
from simpy.events import NORMAL

__all__ = ["Kernel", "check_simpy_layout", "slots_per_day", "SIMPY_SUPPORTED"]

#: SimPy versions whose queue layout the kernel was written for (pinned in pyproject.toml)
SIMPY_SUPPORTED = ">=4.1,<5"


def check_simpy_layout() -> None:
    """Raise ImportError unless SimPy keeps its calendar as the kernel expects."""
    problem = None
    try:
        env = simpy.Environment()
        ev = env.timeout(1.5)
        queue = getattr(env, "_queue", None)
        if not isinstance(queue, list) or len(queue) != 1:
            problem = "Environment._queue is not a list holding the scheduled events"
        elif not isinstance(getattr(env, "_eid", None), itertools.count):
            problem = "Environment._eid is not an itertools.count"
        elif not isinstance(getattr(env, "_now", None), (int, float)):
            problem = "Environment._now is missing"
        else:
            entry = queue[0]
            if not (isinstance(entry, tuple) and len(entry) == 4 and entry[0] == 1.5 and entry[1] == NORMAL
                    and isinstance(entry[2], int) and entry[3] is ev):
                problem = f"a queue entry is {entry!r}, not (time, priority, id, event)"
    except Exception as exc:  # noqa: BLE001 - any failure here means the layout is not the expected one
        problem = f"{exc.__class__.__name__}: {exc}"
    if problem:
        raise ImportError(f"hjemtilhjem needs SimPy {SIMPY_SUPPORTED} (its event kernel reads SimPy's queue); "
                          f"SimPy {getattr(simpy, '__version__', '?')} is installed and differs: {problem}")


check_simpy_layout()


def slots_per_day(population: float) -> int:
    """Calendar slots a day: a few hundred events per slot (1 for Vestfold's 258,000 inhabitants, 16 for
    Norway)."""
    per_day = 1
    while per_day < 256 and population / (per_day * 2) >= 180_000:
        per_day *= 2
    return per_day


class Kernel:
    """Calendar methods of :class:`~hjemtilhjem.model.engine.Simulation` (a mixin).

    Needs ``env``, ``until``, ``log`` and the callback ``_stay_end`` on the simulation.
    """

    env: simpy.Environment
    until: float
    log: Any
    _stay_end: Callable[[int], None]

    def _init_calendar(self, per_day: int) -> None:
        # a power of two, so that ``slot / per_day`` and ``t * per_day`` are exact: "t is before the end of
        # slot k" is then ``t < (k + 1) / per_day``, a float comparison, exactly when ``int(t * per_day) <= k``
        assert per_day >= 1 and per_day & (per_day - 1) == 0, "slots per day must be a power of two"
        self._slots_per_day = per_day
        self._queue: list[Any] = self.env._queue  # type: ignore[attr-defined]
        self._eid: Iterator[int] = self.env._eid  # type: ignore[attr-defined]
        self._set_slot(-1)  # the current slot (none yet: the first is chosen when the calendar runs)
        self._buckets: list[tuple[array[float], array[int], list[Any], list[Any]] | None] = \
            [None] * (int(self.until * per_day) + 1)
        # Ends of municipal stays (months to years ahead, most of the pending entries) wait as three plain
        # columns per day (time, id, stay code), kept at the day's first slot, and become calendar tuples
        # when that slot starts, so they hold no Python objects meanwhile. Per day, not per slot: the
        # columns' ends, where the next stay is appended, then fit in the CPU cache at any population.
        self._stay_buckets: list[tuple[array[float], array[int], array[int]] | None] = [None] * len(self._buckets)

    def _set_slot(self, slot: int) -> None:
        """Make ``slot`` the current slot, and keep the two times that decide where a new entry goes (compared
        per entry instead of computing its slot): before ``_heap_until`` (the end of the slot, or of the run)
        an entry goes straight into SimPy's heap; a stay end before ``_day_until`` (the end of the slot's day,
        or of the run) too, since stay ends wait per day."""
        per_day = self._slots_per_day
        self._slot = slot
        self._heap_until = min((slot + 1) / per_day, self.until)
        self._day_until = min(float(slot // per_day + 1), self.until)

    def _at(self, delay: float, fn: Callable[[Any], None], payload: Any) -> None:
        """Call ``fn(payload)`` after ``delay`` days."""
        t = self.env._now + delay
        eid = next(self._eid)  # every entry takes an id, as a Timeout would, even one after the run's end
        if t < self._heap_until:  # in the current slot: same as ``int(t * per_day) <= slot`` (and before until)
            heappush(self._queue, (t, NORMAL, eid, fn, payload))
        elif t < self.until:
            b = int(t * self._slots_per_day)
            cols = self._buckets[b]
            if cols is None:
                cols = self._buckets[b] = (array("d"), array("q"), [], [])
            cols[0].append(t)
            cols[1].append(eid)
            cols[2].append(fn)
            cols[3].append(payload)

    def _at_stay_end(self, delay: float, code: int) -> None:
        """``_at(delay, self._stay_end, code)``, kept in the day's columns until the day starts."""
        t = self.env._now + delay
        eid = next(self._eid)
        if t < self._day_until:  # the day of the current slot: same as ``int(t) * per_day <= slot``
            heappush(self._queue, (t, NORMAL, eid, self._stay_end, code))
        elif t < self.until:
            b = int(t) * self._slots_per_day  # the first slot of the day
            cols = self._stay_buckets[b]
            if cols is None:
                cols = self._stay_buckets[b] = (array("d"), array("q"), array("q"))
            cols[0].append(t)
            cols[1].append(eid)
            cols[2].append(code)

    def _run_calendar(self) -> None:
        """SimPy's ``Environment.run(until)`` for our entries; native SimPy events still work.

        When the clock reaches a slot, the entries waiting in its columns are sorted once, by numpy on time and
        id, into ``ready`` and taken in that order, merged with SimPy's heap, which then holds only what is
        scheduled during the slot for the slot itself (and native SimPy events). (time, priority, id) is unique,
        so this is the order of one heap of everything, at one comparison per entry instead of a heap's dozen.
        """
        env, until, per_day = self.env, self.until, self._slots_per_day
        heap, buckets, stay_buckets = self._queue, self._buckets, self._stay_buckets
        seal = self.log.seal
        n_slots = len(buckets)
        slot = self._slot
        ready: list[Any] = []  # entries from the columns, sorted; ready[i:] are still to come
        i = n_ready = 0
        try:
            while True:
                limit = self._heap_until
                while True:  # the entries before the end of this slot (and of the run), in SimPy's order
                    if i < n_ready:
                        item = ready[i]
                        if heap and heap[0] < item:
                            item = heap[0]
                        else:
                            t = item[0]
                            if t >= limit:
                                break
                            i += 1
                            env._now = t
                            item[3](item[4])
                            continue
                    elif heap:
                        item = heap[0]
                    else:
                        break
                    t = item[0]  # the heap's first entry is next
                    if t >= limit:
                        break
                    env._now = t
                    if len(item) == 5:
                        heappop(heap)
                        item[3](item[4])  # type: ignore[misc]
                    else:  # an ordinary SimPy event (process, timeout...): SimPy pops and steps it
                        env.step()
                first = heap[0][0] if heap else None  # the time of the next entry, from either source
                if i < n_ready and (first is None or ready[i][0] < first):
                    first = ready[i][0]
                if first is not None and int(first * per_day) <= slot:  # next in this slot, at or after until
                    break
                # every event of this slot is done: move to the next slot that has any
                nxt = slot + 1
                while nxt < n_slots and buckets[nxt] is None and stay_buckets[nxt] is None:
                    nxt += 1
                if first is not None:
                    nxt = min(nxt, int(first * per_day))
                elif nxt >= n_slots:
                    break
                slot = nxt
                self._set_slot(nxt)
                seal()
                if nxt < n_slots and (buckets[nxt] is not None or stay_buckets[nxt] is not None):
                    new = self._slot_entries(nxt)
                    if i < n_ready:  # entries of a later slot of the day (stay ends wait per day): merge
                        new = sorted(ready[i:] + new)
                    ready, i, n_ready = new, 0, len(new)
        finally:
            ready.clear()  # the entries hold bound methods of the simulation
        env._now = until

    def _slot_entries(self, slot: int) -> list[Any]:
        """The entries waiting in the columns of ``slot`` (emptied), as calendar tuples sorted by (time, id)."""
        entries: list[Any] = []
        times: list[np.ndarray] = []
        ids: list[np.ndarray] = []
        if (cols := self._buckets[slot]) is not None:
            entries.extend(zip(cols[0], repeat(NORMAL), cols[1], cols[2], cols[3]))
            times.append(np.frombuffer(cols[0], dtype=np.float64))
            ids.append(np.frombuffer(cols[1], dtype=np.int64))
            self._buckets[slot] = None
        if (stays := self._stay_buckets[slot]) is not None:
            entries.extend(zip(stays[0], repeat(NORMAL), stays[1], repeat(self._stay_end), stays[2]))
            times.append(np.frombuffer(stays[0], dtype=np.float64))
            ids.append(np.frombuffer(stays[1], dtype=np.int64))
            self._stay_buckets[slot] = None
        if len(times) == 1:
            order = np.lexsort((ids[0], times[0]))
        else:
            order = np.lexsort((np.concatenate(ids), np.concatenate(times)))
        return [entries[k] for k in order.tolist()]

    def _clear_calendar(self) -> None:
        """Drop pending entries (they hold bound methods of the simulation: reference cycles)."""
        self.env._queue.clear()  # type: ignore[attr-defined]
        self._buckets = []
        self._stay_buckets = []
