"""The event log: compact columns, the single source of truth for every indicator.

One record per event: time (days, float64), person (int32), episode (int16), kind (int8),
municipality (int16), group (int8), age band (int8), extra (int8) = 20 bytes per event.
Columns grow as ``array.array`` while the model runs (cheap appends, no per-event Python
objects kept) and are viewed as numpy arrays, without a copy, when the run ends.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Kind", "Place", "EventLog", "LogArrays", "BACKGROUND_GROUP"]


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

    SERVICES = ("kad", "short_term", "rehab", "long_term", "home_care")
    BY_NAME = {"kad": 0, "short_term": 1, "rehab": 2, "long_term": 3, "home_care": 4, "home": 5, "hospital": 6}


#: group code of people who use a municipal service without coming from the hospital pathway
BACKGROUND_GROUP = 127

_COLUMNS = (("time", "d"), ("person", "i"), ("episode", "h"), ("kind", "b"),
            ("municipality", "h"), ("group", "b"), ("band", "b"), ("extra", "b"))


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

    def __len__(self) -> int:
        return int(self.time.shape[0])

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name, _ in _COLUMNS)

    def select(self, mask: np.ndarray) -> LogArrays:
        return LogArrays(**{name: getattr(self, name)[mask] for name, _ in _COLUMNS})


class EventLog:
    """Append-only event log. ``append`` is the only thing the model calls per event."""

    __slots__ = ("_cols", "append")

    def __init__(self) -> None:
        self._cols: tuple[array[Any], ...] = tuple(array(code) for _, code in _COLUMNS)
        t, p, e, k, m, g, b, x = (c.append for c in self._cols)

        def append(time: float, person: int, episode: int, kind: int, muni: int, group: int, band: int,
                   extra: int) -> None:
            t(time)
            p(person)
            e(episode)
            k(kind)
            m(muni)
            g(group)
            b(band)
            x(extra)

        self.append = append

    def __len__(self) -> int:
        return len(self._cols[0])

    def arrays(self) -> LogArrays:
        cols = {}
        for (name, code), col in zip(_COLUMNS, self._cols, strict=False):
            arr = np.frombuffer(col, dtype=np.dtype(code)) if len(col) else np.zeros(0, dtype=np.dtype(code))
            cols[name] = arr
        return LogArrays(**cols)

    @staticmethod
    def bytes_per_event() -> int:
        return sum(np.dtype(code).itemsize for _, code in _COLUMNS)
