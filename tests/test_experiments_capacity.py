"""Interventions with capacity_delta change municipal places (and compare sees it on common random numbers)."""

from __future__ import annotations

import json
from pathlib import Path

import hjemtilhjem as h
from hjemtilhjem.eventlog import Place
from hjemtilhjem.model.network import compile_network

TINY = Path(__file__).parent / "data" / "tiny_exp.toml"
PLUS_ONE = ["intervention.follow_up.enabled=true", "intervention.follow_up.cost_per_patient_nok=0",
            "intervention.follow_up.effects={capacity_delta={short_term_beds=1}}"]


def _fp(res: h.RunResults) -> str:
    return json.dumps([[o.indicators, o.by_municipality] for o in res.outputs], sort_keys=True)


def test_capacity_changes_listed_per_targeted_municipality():
    s = h.load_scenario(TINY, [*PLUS_ONE, 'intervention.follow_up.targets.municipalities=["Bstad"]',
                               "intervention.follow_up.start_day=40"]).scenario
    net = compile_network(s)
    assert net.capacity_changes == ((40.0, net.pool_of[1][Place.SHORT_TERM], 1),)  # Bstad's short-term pool
    assert compile_network(h.load_scenario(TINY).scenario).capacity_changes == ()  # the intervention is disabled


def test_capacity_delta_from_day_0_equals_more_places():
    by_set = h.run(TINY, replications=3, executor="serial",
                   overrides=["municipality.Aby.short_term_beds=6", "municipality.Bstad.short_term_beds=5"])
    by_iv = h.run(TINY, replications=3, executor="serial", overrides=PLUS_ONE)
    assert _fp(by_set) == _fp(by_iv)


def test_capacity_delta_after_the_run_changes_nothing():
    base = h.run(TINY, replications=2, executor="serial")
    late = h.run(TINY, replications=2, executor="serial", overrides=[*PLUS_ONE, "intervention.follow_up.start_day=500"])
    assert _fp(base) == _fp(late)


def test_capacity_delta_mid_run_reduces_delays_on_common_numbers():
    c = h.compare(TINY, h.load_scenario(TINY, [*PLUS_ONE, "intervention.follow_up.start_day=30"]),
                  replications=10, executor="serial")
    d = c.difference(c.others[0], "delayed_days")
    assert d["ci95"][1] < 0
    st = c.others[0].summary()["indicators"]["short_term_occupancy"]["mean"]
    assert 0 < st <= 1.0  # occupancy is over the larger capacity
