"""The event log: compact columns, the single source of truth for every indicator.

One record per event: time (days, float64), person (int32), episode (int16), kind (int8),
municipality (int16), group (int8), age band (int8), extra (int8), hospital (int8: the patient's
hospital, -1 for people outside the hospital pathway), and the episode's row (int32, one number per
person and episode, so the indicators can match the events of an episode in linear time) = 25 bytes
per event (:class:`LogArrays`).

While the model runs, the columns that are constant for an episode (person, episode,
municipality, group, band, hospital) are stored once per episode in a small table, and each event
appends only three things: its time, the episode's row in that table and ``kind * 16 + extra``
(13 bytes per event plus 11 per episode). The columns grow as ``array.array`` (no per-event Python objects
kept) and are expanded into the 25-byte columns with numpy when the run ends.

The newest events (fewer than :data:`PENDING_EVENTS`) wait in three Python lists and join the compact columns,
converted by ``struct``, at the first :meth:`EventLog.seal` after there are that many (episodes registered one at a
time likewise): ``array.append`` parses its argument as a format string (``PyArg_Parse``) on every call, which
made the three appends per event cost as much as the rest of the logging, while ``list.append`` only stores a
reference (the time, row and code objects exist anyway).
"""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np

__all__ = ["Kind", "Place", "EventLog", "LogArrays", "BACKGROUND_GROUP", "SERVICES", "ServiceName"]

#: The services with hard capacity, in the order of their codes (``Place``, the ``extra`` column of service
#: events). The one list of services: the scenario schema, the model and the indicators take it from here.
ServiceName = Literal["kad", "short_term", "rehab", "long_term", "home_care"]
SERVICES: tuple[str, ...] = get_args(ServiceName)


class Kind:
    """Event kinds (the ``kind`` column)."""

    ARRIVAL = 0  # acute event enters the pathway; extra = Route
    HOSP_ADMIT = 1  # extra = 0 direct, 1 from KAD
    READY = 2  # utskrivningsklar (treatment done); extra = destination (Place)
    HOSP_LEAVE = 3  # extra = destination (Place), Place.DEAD when the patient died in hospital
    KAD_ADMIT = 4
    KAD_LEAVE = 5  # extra = 0 home, 1 transferred to hospital
    SERVICE_REQUEST = 6  # extra = service (Place)
    SERVICE_START = 7  # extra = service (Place)
    SERVICE_END = 8  # extra = service (Place)
    DEATH = 9  # extra = where (Place)

    NAMES = ("arrival", "hosp_admit", "ready", "hosp_leave", "kad_admit", "kad_leave",
             "service_request", "service_start", "service_end", "death")


class Route:
    HOSPITAL = 0
    KAD = 1
    HOME = 2


class Place:
    """Places and destinations (the ``extra`` column). Municipal services keep fixed codes."""

    KAD = 0
    SHORT_TERM = 1
    REHAB = 2
    LONG_TERM = 3
    HOME_CARE = 4
    HOME = 5
    HOSPITAL = 6
    DEAD = 9

    SERVICES = SERVICES
    BY_NAME = {**{name: code for code, name in enumerate(SERVICES)}, "home": 5, "hospital": 6}


#: group code of people who use a municipal service without coming from the hospital pathway
BACKGROUND_GROUP = 127

_COLUMNS = (("time", "d"), ("person", "i"), ("episode", "h"), ("kind", "b"),
            ("municipality", "h"), ("group", "b"), ("band", "b"), ("extra", "b"), ("hospital", "b"), ("row", "i"))


@dataclass(frozen=True)
class LogArrays:
    """The event log as numpy arrays (read-only views), in the order events happened."""

    time: np.ndarray
    person: np.ndarray
    episode: np.ndarray
    kind: np.ndarray
    municipality: np.ndarray
    group: np.ndarray
    band: np.ndarray
    extra: np.ndarray
    hospital: np.ndarray  # the patient's hospital (index in the scenario's hospitals); -1 outside the pathway
    row: np.ndarray  # the episode's row: equal for the events of one (person, episode), different otherwise

    def __len__(self) -> int:
        return int(self.time.shape[0])

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name, _ in _COLUMNS)

    def select(self, mask: np.ndarray) -> LogArrays:
        return LogArrays(**{name: getattr(self, name)[mask] for name, _ in _COLUMNS})


_EPISODE_COLUMNS = (("person", "i"), ("episode", "h"), ("municipality", "h"), ("group", "b"), ("band", "b"),
                    ("hospital", "b"))
_EVENT_COLUMNS = ("d", "i", "B")  # time, episode row, kind * 16 + extra
#: events per block of the running columns. An ``array.array`` grows by 1/16 at a time and copies itself
#: each time (16 copies of every byte); a block of 32,768 events (425 KB) does that inside the CPU cache,
#: while one array of the whole run (48 MB at 16 times Vestfold's population) did it from main memory.
CHUNK_EVENTS = 1 << 15
#: events kept in Python lists before they join the compact columns (at most this many plus one slot's):
#: enough that numpy's cost per conversion is spread thin, few enough to stay in the CPU cache
PENDING_EVENTS = 1 << 12


def _new_block() -> tuple[array[float], array[int], array[int]]:
    return array("d"), array("i"), array("B")


def _packed(code: str, values: list[Any]) -> bytes:
    """``values`` as the bytes of an ``array(code)`` (``struct`` uses the same native C types as ``array``, and
    converts a list three times as fast as ``numpy.array`` or ``array.array``)."""
    return struct.pack(f"{len(values)}{code}", *values)


class EventLog:
    """Append-only event log.

    The model registers an episode once with :meth:`new_episode` and then logs each event with
    ``event(time, episode_id, kind * 16 + extra)`` (``kind`` and ``extra`` are both below 16), and calls
    :meth:`seal` now and then (not per event; once per calendar slot): it moves the waiting events into the
    compact columns once there are :data:`PENDING_EVENTS` of them, and starts a new block of columns when the
    current one holds :data:`CHUNK_EVENTS` events. :meth:`append` takes a full record and is kept for hand-made
    logs and tests.
    """

    __slots__ = ("_chunks", "_pending", "_episodes", "_pending_episodes", "_join_episodes", "event", "new_episode",
                 "append", "seal")

    def __init__(self) -> None:
        chunks = [_new_block()]
        self._chunks = chunks
        # events since the last seal: time, episode row, code (lists: see the module docstring)
        pending: tuple[list[float], list[int], list[int]] = ([], [], [])
        self._pending = pending
        self._episodes = tuple(array(code) for _, code in _EPISODE_COLUMNS)
        # episodes registered one at a time since they last joined the table: lists as the events
        ep_waiting: tuple[list[int], ...] = tuple([] for _ in _EPISODE_COLUMNS)
        self._pending_episodes = ep_waiting
        t, e, c = pending[0].append, pending[1].append, pending[2].append
        ep_cols = self._episodes
        pa, ea, ma, ga, ba, ha = (col.append for col in ep_waiting)
        person_col, person_waiting = ep_cols[0], ep_waiting[0]

        def event(time: float, eid: int, code: int) -> None:
            t(time)
            e(eid)
            c(code)

        def join_episodes() -> None:
            for col, values, (_, code) in zip(ep_cols, ep_waiting, _EPISODE_COLUMNS, strict=True):
                col.frombytes(_packed(code, values))
                values.clear()

        def seal() -> None:
            if len(person_waiting) >= PENDING_EVENTS:
                join_episodes()
            if len(pending[0]) >= min(PENDING_EVENTS, CHUNK_EVENTS):
                block: tuple[array[Any], ...] = chunks[-1]
                waiting: tuple[list[Any], ...] = pending
                for col, values, code in zip(block, waiting, _EVENT_COLUMNS, strict=True):
                    col.frombytes(_packed(code, values))
                    values.clear()
            if len(chunks[-1][0]) >= CHUNK_EVENTS:
                chunks.append(_new_block())

        def new_episode(person: int, episode: int, muni: int, group: int, band: int, hospital: int = 0) -> int:
            eid = len(person_col) + len(person_waiting)
            pa(person)
            ea(episode)
            ma(muni)
            ga(group)
            ba(band)
            ha(hospital)
            return eid

        rows: dict[tuple[int, ...], int] = {}  # a local, not an attribute: no reference cycle through self

        def append(time: float, person: int, episode: int, kind: int, muni: int, group: int, band: int,
                   extra: int, hospital: int = 0) -> None:
            key = (person, episode, muni, group, band, hospital)
            row = rows.get(key)
            if row is None:
                row = rows[key] = new_episode(*key)
            event(time, row, kind * 16 + extra)

        self.event = event
        self.new_episode = new_episode
        self._join_episodes = join_episodes
        self.append = append
        self.seal = seal

    def __len__(self) -> int:
        return sum(len(chunk[0]) for chunk in self._chunks) + len(self._pending[0])

    def person(self, eid: int) -> int:
        """The person of episode row ``eid``."""
        joined = self._episodes[0]
        return joined[eid] if eid < len(joined) else self._pending_episodes[0][eid - len(joined)]

    @property
    def episodes(self) -> int:
        """Number of episode rows registered."""
        return len(self._episodes[0]) + len(self._pending_episodes[0])

    @property
    def buffer_nbytes(self) -> int:
        """Bytes held by the growing columns (used part, not the over-allocation; the events and episodes waiting
        in lists counted as they will be when they join the columns)."""
        return (sum(col.itemsize * len(col) for chunk in self._chunks for col in chunk)
                + len(self._pending[0]) * self.running_bytes_per_event()  # as they will be when sealed
                + sum(col.itemsize * len(col) for col in self._episodes)
                + len(self._pending_episodes[0]) * running_bytes_per_episode)

    def new_episodes(self, person: np.ndarray, episode: np.ndarray, muni: np.ndarray, group: np.ndarray,
                     band: np.ndarray, hospital: np.ndarray | None = None) -> int:
        """Register many episodes at once; returns the id of the first (the rest follow in order)."""
        self._join_episodes()  # in order: rows are positions
        first = self.episodes
        values_by_column = (person, episode, muni, group, band,
                            np.zeros(len(person), dtype=np.int8) if hospital is None else hospital)
        for (_, code), col, values in zip(_EPISODE_COLUMNS, self._episodes, values_by_column, strict=True):
            col.frombytes(np.ascontiguousarray(values, dtype=np.dtype(code)).tobytes())
        return first

    def _column(self, i: int) -> np.ndarray:
        """Event column ``i`` of every block and the events not yet sealed (a view when there is one block)."""
        dtype = np.dtype(_EVENT_COLUMNS[i])
        parts = [np.frombuffer(chunk[i], dtype=dtype) for chunk in self._chunks if chunk[i]]
        if self._pending[i]:
            parts.append(np.frombuffer(bytearray(_packed(_EVENT_COLUMNS[i], self._pending[i])), dtype=dtype))
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def arrays(self) -> LogArrays:
        """The log as :class:`LogArrays` (while the log has one block and nothing waits to join it, ``time`` is a
        view of it)."""
        if len(self) == 0:
            return LogArrays(**{name: np.zeros(0, dtype=np.dtype(code)) for name, code in _COLUMNS})
        self._join_episodes()
        eid = self._column(1)
        code = self._column(2)
        cols: dict[str, np.ndarray] = {"time": self._column(0)}
        for (name, dtype), col in zip(_EPISODE_COLUMNS, self._episodes, strict=True):
            cols[name] = np.frombuffer(col, dtype=np.dtype(dtype))[eid]
        cols["kind"] = (code >> 4).astype(np.int8)
        cols["extra"] = (code & 15).astype(np.int8)
        cols["row"] = eid
        return LogArrays(**{name: cols[name] for name, _ in _COLUMNS})

    @staticmethod
    def bytes_per_event() -> int:
        """Bytes per event of the finished log (:class:`LogArrays`)."""
        return sum(np.dtype(code).itemsize for _, code in _COLUMNS)

    @staticmethod
    def running_bytes_per_event() -> int:
        """Bytes per event while the model runs (plus :data:`running_bytes_per_episode` per episode)."""
        return 8 + 4 + 1


#: bytes per episode row while the model runs
running_bytes_per_episode = sum(np.dtype(code).itemsize for _, code in _EPISODE_COLUMNS)
