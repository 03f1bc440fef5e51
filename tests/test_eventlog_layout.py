"""The event log's compact running layout (episode table + 13 bytes per event) gives back exactly the records."""

from __future__ import annotations

import numpy as np

from hjemtilhjem.eventlog import BACKGROUND_GROUP, EventLog, Kind, Place

RECORDS = [  # time, person, episode, kind, municipality, group, band, extra, hospital
    (0.5, 0, 1, Kind.ARRIVAL, 3, 1, 2, 0, 0),
    (0.5, 0, 1, Kind.HOSP_ADMIT, 3, 1, 2, 0, 0),
    (1.25, -7, 1, Kind.SERVICE_START, 300, BACKGROUND_GROUP, 0, Place.LONG_TERM, -1),
    (4.0, 0, 1, Kind.HOSP_LEAVE, 3, 1, 2, Place.DEAD, 0),
    (9.75, 70000, 300, Kind.DEATH, 356, 2, 3, Place.HOSPITAL, 20),
    (9.75, -7, 1, Kind.SERVICE_END, 300, BACKGROUND_GROUP, 0, Place.LONG_TERM, -1),
]
NAMES = ("time", "person", "episode", "kind", "municipality", "group", "band", "extra", "hospital")


def _columns(log: EventLog) -> dict[str, list]:
    arrays = log.arrays()
    return {name: getattr(arrays, name).tolist() for name in NAMES}


def test_append_round_trips_every_column_and_dtype() -> None:
    log = EventLog()
    for rec in RECORDS:
        log.append(*rec)
    cols = _columns(log)
    for i, name in enumerate(NAMES):
        assert cols[name] == [rec[i] for rec in RECORDS], name
    arrays = log.arrays()
    assert [arrays.time.dtype, arrays.person.dtype, arrays.episode.dtype, arrays.kind.dtype,
            arrays.municipality.dtype, arrays.group.dtype, arrays.band.dtype, arrays.extra.dtype,
            arrays.hospital.dtype, arrays.row.dtype] == [np.float64, np.int32, np.int16, np.int8, np.int16, np.int8,
                                                         np.int8, np.int8, np.int8, np.int32]
    assert arrays.nbytes == len(RECORDS) * EventLog.bytes_per_event() == len(RECORDS) * 25


def test_row_is_one_number_per_episode_even_when_its_events_are_apart() -> None:
    log = EventLog()
    for rec in RECORDS:
        log.append(*rec)
    arrays = log.arrays()
    keys = list(zip(arrays.person.tolist(), arrays.episode.tolist(), strict=True))
    rows = arrays.row.tolist()
    for i in range(len(keys)):
        for j in range(len(keys)):
            assert (rows[i] == rows[j]) == (keys[i] == keys[j]), (i, j)
    assert rows[2] == rows[5] != rows[0]  # the background resident's start and end, with others between


def test_episode_rows_and_events_give_the_same_log_as_append() -> None:
    fast = EventLog()
    rows: dict[tuple, int] = {}
    first = fast.new_episodes(np.array([0]), np.array([1]), np.array([3]), np.array([1]), np.array([2]),
                              np.array([0]))
    rows[(0, 1, 3, 1, 2, 0)] = first
    for t, p, e, k, m, g, b, x, h in RECORDS:
        key = (p, e, m, g, b, h)
        if key not in rows:
            rows[key] = fast.new_episode(*key)
        fast.event(t, rows[key], k * 16 + x)
    slow = EventLog()
    for rec in RECORDS:
        slow.append(*rec)
    assert _columns(fast) == _columns(slow)
    assert fast.episodes == 3
    assert len(fast) == len(RECORDS)


def test_empty_log() -> None:
    arrays = EventLog().arrays()
    assert len(arrays) == 0 and arrays.nbytes == 0


def test_blocks_give_the_same_log_as_one_column(monkeypatch) -> None:
    import hjemtilhjem.eventlog as el

    monkeypatch.setattr(el, "CHUNK_EVENTS", 4)
    blocked, whole = EventLog(), EventLog()
    rng = np.random.default_rng(3)
    for i in range(50):
        rec = (float(i) / 3, int(rng.integers(0, 5)), 1, int(rng.integers(0, 10)), 2, 1, 0, int(rng.integers(0, 7)))
        blocked.append(*rec)
        whole.append(*rec)
        if i % 3 == 0:
            blocked.seal()
    assert len(blocked._chunks) > 5 and len(whole._chunks) == 1
    assert len(blocked) == len(whole) == 50
    assert blocked.buffer_nbytes == whole.buffer_nbytes
    a, b = blocked.arrays(), whole.arrays()
    for name in NAMES + ("row",):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_episodes_and_events_waiting_in_lists_keep_their_rows(monkeypatch) -> None:
    # events and single episodes wait in lists until a seal joins them to the columns (PENDING_EVENTS); bulk
    # registration and person() must see the waiting ones in order
    import hjemtilhjem.eventlog as el

    monkeypatch.setattr(el, "PENDING_EVENTS", 3)
    log = EventLog()
    persons = []
    for i in range(20):
        if i % 7 == 3:
            first = log.new_episodes(np.array([100 + i, 200 + i]), np.array([1, 1]), np.array([2, 2]),
                                     np.array([1, 1]), np.array([0, 0]), np.array([0, 0]))
            assert first == len(persons)
            persons += [100 + i, 200 + i]
        eid = log.new_episode(-i, 1, 3, BACKGROUND_GROUP, 0, -1)
        assert eid == len(persons)
        persons.append(-i)
        log.event(float(i), eid, Kind.SERVICE_START * 16 + Place.LONG_TERM)
        if i % 2:
            log.seal()
        assert log.episodes == len(persons)
        assert [log.person(e) for e in range(len(persons))] == persons
    arrays = log.arrays()
    assert arrays.person.tolist() == [p for p in persons if p <= 0]
    assert arrays.time.tolist() == [float(i) for i in range(20)]
    assert log.buffer_nbytes == 20 * EventLog.running_bytes_per_event() + len(persons) * el.running_bytes_per_episode
