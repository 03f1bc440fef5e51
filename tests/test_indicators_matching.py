"""Matching events of an episode (and deaths of a person) by table, in linear time."""

from __future__ import annotations

import numpy as np

from hjemtilhjem.eventlog import EventLog, Kind, Place
from hjemtilhjem.outcomes.indicators import _death_table, _death_time
from hjemtilhjem.outcomes.intervals import _first_at, stays


def test_first_at_gives_the_position_of_each_keys_first_occurrence() -> None:
    assert _first_at(np.array([2, 0, 4]), 5).tolist() == [1, -1, 0, -1, 2]
    # repeated keys (never written by the model, possible in a hand-made log): the first one, for certain
    assert _first_at(np.array([3, 1, 3, 0, 1, 3]), 5).tolist() == [3, 1, -1, 0, -1]
    assert _first_at(np.zeros(0, dtype=np.int64), 0).tolist() == []


def test_stays_pair_interleaved_episodes_and_take_the_first_close() -> None:
    log = EventLog()
    a = (0, 1, 0, 0, 0)  # person, episode, municipality, group, band
    b = (1, 1, 0, 0, 0)
    log.append(1.0, *a[:2], Kind.HOSP_ADMIT, *a[2:], 0)
    log.append(2.0, *b[:2], Kind.HOSP_ADMIT, *b[2:], 0)
    log.append(3.0, *a[:2], Kind.HOSP_LEAVE, *a[2:], Place.HOME)
    log.append(4.0, *a[:2], Kind.HOSP_LEAVE, *a[2:], Place.SHORT_TERM)  # a second close: ignored
    log.append(5.0, *b[:2], Kind.HOSP_LEAVE, *b[2:], Place.DEAD)
    log.append(5.0, *b[:2], Kind.DEATH, *b[2:], Place.HOSPITAL)
    log.append(6.0, 2, 1, Kind.HOSP_ADMIT, 0, 0, 0, 0)  # still in hospital at the end of the run
    arrays = log.arrays()
    h = stays(arrays, run_end=10.0)["hospital"]
    assert h.person.tolist() == [0, 1, 2]
    assert h.end.tolist() == [3.0, 5.0, 10.0]
    assert h.closed.tolist() == [True, True, False]
    assert h.extra.tolist() == [Place.HOME, Place.DEAD, -1]
    deaths = _death_table(arrays)
    assert _death_time(deaths, np.array([1, 0, 2, -5, 99])).tolist() == [5.0, np.inf, np.inf, np.inf, np.inf]
