"""Every executor gives bit-identical indicators for the same seed (serial, process pool, Dask)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import hjemtilhjem as h
from hjemtilhjem.experiment.runner import DaskExecutor, ProcessExecutor, SerialExecutor

TINY = Path(__file__).parent / "data" / "tiny_exp.toml"
SHORT = ["scenario.horizon_days=60", "scenario.warmup_days=10", "intervention.follow_up.enabled=true"]


def _fingerprint(res: h.RunResults) -> str:
    return json.dumps([[o.replication, o.indicators, o.by_municipality, o.parameters, o.patients, o.events]
                       for o in res.outputs], sort_keys=True)


def test_serial_process_dask_bit_identical(tmp_path):
    sc = h.load_scenario(TINY, SHORT)
    serial = h.run(sc, replications=4, executor=SerialExecutor())
    process = h.run(sc, replications=4, executor=ProcessExecutor(2))
    assert _fingerprint(serial) == _fingerprint(process)
    pytest.importorskip("distributed")
    with DaskExecutor(jobs=2) as dask:
        on_dask = h.run(sc, replications=4, executor=dask)
        assert _fingerprint(on_dask) == _fingerprint(serial)
        # the same client serves several calls: a comparison and a checkpointed sweep
        c = h.compare(sc, sc, replications=2, executor=dask)
        assert _fingerprint(c.results[0]) == _fingerprint(h.run(sc, replications=2, executor="serial"))
        sw = h.sweep(TINY, {"hospital.beds": [9, 12]}, overrides=SHORT, replications=2, executor=dask,
                     out=tmp_path)
        assert sw.computed_units == 4 and len(list(tmp_path.glob("*.partial/*.json"))) == 4
        local = h.sweep(TINY, {"hospital.beds": [9, 12]}, overrides=SHORT, replications=2, executor="serial",
                        out=tmp_path / "serial")
        assert json.dumps(sw.rows()) == json.dumps(local.rows())


def test_process_pool_returns_replication_order():
    sc = h.load_scenario(TINY, SHORT)
    res = h.run(sc, replications=5, executor=ProcessExecutor(2), seed=99)
    assert [o.replication for o in res.outputs] == list(range(5))
