"""Intervention mechanisms against theory (fixed seeds), budgets on hand-made cases, and bad input.

Mechanisms: ``reach`` (a reached/not-reached draw per episode from the intervention's own stream), ``ramp_up_days``,
``targets.age_bands``, ``destination_shift`` and ``home_care_hours_mult``. Budgets (DESIGN.md 4.1): fixed costs of
staffed capacity per place-year, who pays an intervention, the cost per unit avoided (Fieller's interval).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

from hjemtilhjem.cli import main as cli_main
from hjemtilhjem.eventlog import Kind, Place
from hjemtilhjem.experiment.stats import ratio_of_means
from hjemtilhjem.model.engine import Simulation, simulate
from hjemtilhjem.outcomes.indicators import context, fixed_costs, indicators
from hjemtilhjem.scenario.loader import ScenarioError, load_scenario
from hjemtilhjem.scenario.schema import Scenario

TINY = Path(__file__).parent / "data" / "tiny.toml"
FRAIL, OTHER = 0, 1
Z = 3.29  # two-sided 99.9 %: a seeded test that fails only when the mechanism is wrong


@pytest.fixture(scope="module")
def tiny() -> Scenario:
    return load_scenario(TINY).scenario


def _with(base: Scenario, *interventions: dict[str, Any], costs: dict[str, float] | None = None,
          **sections: Any) -> Scenario:
    d = base.model_dump(by_alias=True, exclude={"extends"})
    d["intervention"] = list(interventions)
    d["costs"].update(costs or {})
    for key, value in sections.items():
        d[key] = value
    return Scenario.model_validate(d)


def _arrivals(s: Scenario, reps: int = 20) -> list[dict[str, np.ndarray]]:
    """First arrivals (every candidate kept) of ``reps`` replications, from the engine's own generator."""
    return [Simulation(s, r)._generate_arrivals() for r in range(reps)]


def _reached(a: dict[str, np.ndarray]) -> np.ndarray:
    """Whether each arrival was reached by some partial intervention (its effect index is not the default)."""
    return a["fx"] != a["muni"] * 2 + a["group"]


PREVENT = {"name": "prevent", "targets": {"groups": ["frail"]}, "effects": {"admission_rate_mult": 0.5}}


# ----------------------------------------------------------------------------------------- reach
def test_reach_one_half_halves_an_admission_rate_effect(tiny: Scenario) -> None:
    base = _arrivals(_with(tiny))
    full = _arrivals(_with(tiny, PREVENT))
    half = _arrivals(_with(tiny, {**PREVENT, "reach": 0.5}))
    n = sum(int((a["group"] == FRAIL).sum()) for a in base)
    for got, p in ((full, 0.5), (half, 0.75)):  # x 0.5 for all; x 0.5 for half of them: 1 - 0.5 * 0.5
        kept = sum(int((a["group"] == FRAIL).sum()) for a in got)
        # common random numbers: a candidate kept with the effect was kept without it, so kept/n is binomial(n, p)
        assert abs(kept / n - p) < Z * math.sqrt(p * (1 - p) / n), (kept / n, p)


def test_the_same_patients_are_reached_and_no_other_draw_moves(tiny: Scenario) -> None:
    half = _arrivals(_with(tiny, {**PREVENT, "reach": 0.5}), 3)
    more = _arrivals(_with(tiny, {**PREVENT, "reach": 0.5},
                           {"name": "another", "targets": {"groups": ["other"]}, "reach": 0.3,
                            "effects": {"los_mult": 0.9}}), 3)
    plain = _arrivals(_with(tiny), 3)
    for a, b, c in zip(half, more, plain, strict=True):
        fa, fb = a["group"] == FRAIL, b["group"] == FRAIL
        for key in ("time", "band", "dest", "los", "stay", "uout"):  # the frail: the same patients ...
            assert np.array_equal(a[key][fa], b[key][fb]), key
        assert np.array_equal(_reached(a)[fa], _reached(b)[fb])  # ... and the same of them reached
        oa, oc = a["group"] == OTHER, c["group"] == OTHER
        for key in ("time", "band", "dest", "los", "stay", "uout", "route"):  # the others: as without interventions
            assert np.array_equal(a[key][oa], c[key][oc]), key
    # reach 1 without a ramp draws nothing: the effect index is the municipality x group of every episode
    full = _arrivals(_with(tiny, PREVENT), 1)[0]
    assert np.array_equal(full["fx"], full["muni"] * 2 + full["group"])


def test_ramp_up_grows_the_share_reached_linearly(tiny: Scenario) -> None:
    iv = {"name": "ramp", "targets": {"groups": ["frail"]}, "ramp_up_days": 100, "start_day": 20,
          "effects": {"los_mult": 0.9}}
    arr = _arrivals(_with(tiny, iv))
    t = np.concatenate([a["time"][a["group"] == FRAIL] for a in arr])
    reached = np.concatenate([_reached(a)[a["group"] == FRAIL] for a in arr])
    assert not reached[t < 20].any()  # nobody before start_day
    for lo, hi in ((20, 70), (70, 120), (120, 260)):  # reach x (t - 20) / 100: mean 0.25, 0.75, then 1
        sel = (t >= lo) & (t < hi)
        p = float(np.mean(np.clip((t[sel] - 20) / 100, 0, 1)))
        share = reached[sel].mean()
        assert abs(share - p) < Z * math.sqrt(max(p * (1 - p), 1e-9) / sel.sum()) + 1e-12, (lo, share, p)


def test_age_bands_target_only_those_bands(tiny: Scenario) -> None:
    iv = {**PREVENT, "targets": {"groups": ["frail"], "age_bands": ["80+"]}}
    a = _arrivals(_with(tiny, iv), 1)[0]
    reached = _reached(a)
    old = tiny.bands.index("80+")
    assert np.array_equal(reached, (a["group"] == FRAIL) & (a["band"] == old))


def test_reach_halves_a_readmission_effect(tiny: Scenario) -> None:
    follow = {"name": "follow", "targets": {"groups": ["frail"]}, "effects": {"readmission_rr": 0.4}}

    def share(s: Scenario) -> float:
        readm = dis = 0
        for r in range(30):
            log = simulate(s, r, parameter_uncertainty=False).log
            frail = log.group == FRAIL
            readm += int(((log.kind == Kind.HOSP_ADMIT) & (log.episode > 1) & frail).sum())
            dis += int(((log.kind == Kind.HOSP_LEAVE) & (log.extra != Place.DEAD) & (log.extra != Place.LONG_TERM)
                        & frail).sum())
        return readm / dis

    base, full, half = share(_with(tiny)), share(_with(tiny, follow)), share(_with(tiny, {**follow, "reach": 0.5}))
    assert full < half < base
    # RR 0.4 for half the episodes: the fall is half the full fall (readmissions of readmissions blur it a little)
    assert 0.35 < (base - half) / (base - full) < 0.65


# ----------------------------------------------------------------------------------------- destinations, hours
def test_destination_shift_moves_the_expected_share(tiny: Scenario) -> None:
    iv = {"name": "cga", "targets": {"groups": ["frail"]},
          "effects": {"destination_shift": [{"from": "long_term", "to": "home_care", "share": 0.4}]}}
    base, moved = _arrivals(_with(tiny)), _arrivals(_with(tiny, iv))
    n_lt = changed = 0
    for a, b in zip(base, moved, strict=True):
        f = a["group"] == FRAIL
        da, db = a["dest"][f], b["dest"][f]
        assert np.all((da == db) | ((da == Place.LONG_TERM) & (db == Place.HOME_CARE)))  # only long-term moves
        n_lt += int((da == Place.LONG_TERM).sum())
        changed += int((da != db).sum())
        assert np.array_equal(a["dest"][~f], b["dest"][~f])
    p = 0.4
    assert abs(changed / n_lt - p) < Z * math.sqrt(p * (1 - p) / n_lt)
    # the frail's expected long-term share falls from 0.05 to 0.05 x 0.6
    assert tiny.group[FRAIL].discharge_to["long_term"] == 0.05


def test_home_care_hours_per_client_multiplied(tiny: Scenario) -> None:
    d = tiny.model_dump(by_alias=True, exclude={"extends"})
    d["services"]["home_care"].update(capacity_unit="hours_per_week", hours_per_client={"dist": "fixed", "value": 5.0})
    for m in d["municipality"]:
        m.update(home_care_hours_per_week=900.0, home_care_clients=None)
    hours = Scenario.model_validate(d)
    iv = {"name": "reable", "targets": {"groups": ["frail"]}, "reach": 0.5,
          "effects": {"home_care_hours_mult": 0.8}}
    a = _arrivals(_with(hours, iv, services=d["services"], municipality=d["municipality"]), 1)[0]
    hc = (a["group"] == FRAIL) & (a["dest"] == Place.HOME_CARE)
    reached = _reached(a)
    assert np.allclose(a["hours"][hc & reached], 4.0) and np.allclose(a["hours"][hc & ~reached], 5.0)
    assert (hc & reached).any() and (hc & ~reached).any()
    simulate(_with(hours, iv, services=d["services"], municipality=d["municipality"]), 0)  # runs, invariants hold


# ----------------------------------------------------------------------------------------- budgets
def test_five_more_places_cost_exactly_five_place_years(tiny: Scenario) -> None:
    price = 1_200_000.0
    costs = {"short_term_place_year_nok": price}
    base = _with(tiny, costs=costs)
    more = _with(tiny, {"name": "places", "targets": {"municipalities": ["Sørby"]},
                        "effects": {"capacity_delta": {"short_term_beds": 5}}}, costs=costs)
    _, fb, _ = fixed_costs(base)
    _, fm, _ = fixed_costs(more)
    assert fm[1] - fb[1] == pytest.approx(5 * price, rel=1e-12)  # per year, Sørby only
    assert fm[0] == fb[0]
    years = tiny.scenario.horizon_days / 365.0
    assert (fm[1] - fb[1]) * years == pytest.approx(5 * price * years)
    # and through a run: the municipality's fixed cost in its indicators
    rb, rm = simulate(base, 0), simulate(more, 0)
    _, by_b = indicators(rb.log, context(base))
    _, by_m = indicators(rm.log, context(more))
    assert by_m["Sørby"]["cost_municipal_fixed_nok"] - by_b["Sørby"]["cost_municipal_fixed_nok"] == \
        pytest.approx(5 * price)
    assert by_b["Sørby"]["cost_municipal_fixed_nok"] == pytest.approx(5 * price)  # Sørby's 5 own places
    # from the middle of the window: half of it
    later = _with(tiny, {"name": "places", "targets": {"municipalities": ["Sørby"]}, "start_day": 160,
                         "effects": {"capacity_delta": {"short_term_beds": 5}}}, costs=costs)
    assert fixed_costs(later)[1][1] - fb[1] == pytest.approx(5 * price * 0.5)


def test_shared_pool_fixed_cost_split_by_80plus_and_beds_priced(tiny: Scenario) -> None:
    costs = {"kad_place_year_nok": 1_000_000.0, "hospital_bed_year_nok": 3_000_000.0}
    munis = [{**m.model_dump(by_alias=True), "kad_beds": None} for m in tiny.municipality]
    pooled = _with(tiny, costs=costs, municipality=munis,
                   pool=[{"name": "KAD felles", "service": "kad", "members": ["Nordby", "Sørby"], "capacity": 4}])
    hosp, muni, _ = fixed_costs(pooled)
    assert muni == pytest.approx([4e6 * 600 / 1000, 4e6 * 400 / 1000])  # 80+: 600 and 400
    assert hosp == pytest.approx(30 * 3e6)
    more_beds = _with(tiny, {"name": "beds", "effects": {"hospital_beds_delta": 10}}, costs=costs)
    assert fixed_costs(more_beds)[0] == pytest.approx(40 * 3e6)


def test_intervention_costs_follow_reach_and_payer(tiny: Scenario) -> None:
    iv = {"name": "bundle", "targets": {"groups": ["frail"]}, "cost_per_patient_nok": 1000.0,
          "annual_cost_nok": 500_000.0}
    out = {}
    for key, extra in (("all", {}), ("half", {"reach": 0.5}), ("hospital", {"paid_by": "hospital"})):
        s = _with(tiny, {**iv, **extra})
        ind, by = indicators(simulate(s, 0).log, context(s))
        out[key] = (ind, by)
    a, h = out["all"][0], out["half"][0]
    per_patient = a["cost_intervention_nok"] - 500_000.0
    assert per_patient > 0
    assert h["cost_intervention_nok"] == pytest.approx(500_000.0 + per_patient / 2)  # expected number reached
    assert a["cost_municipal_intervention_nok"] == pytest.approx(a["cost_intervention_nok"])
    assert out["all"][1]["Nordby"]["cost_municipal_intervention_nok"] + \
        out["all"][1]["Sørby"]["cost_municipal_intervention_nok"] == pytest.approx(a["cost_intervention_nok"])
    hp = out["hospital"][0]
    assert hp["cost_hospital_intervention_nok"] == pytest.approx(a["cost_intervention_nok"])
    assert hp["cost_hospital_nok"] - a["cost_hospital_nok"] == pytest.approx(a["cost_intervention_nok"])
    assert a["cost_total_nok"] == pytest.approx(a["cost_hospital_nok"] + a["cost_municipal_nok"])


def test_fieller_interval() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(100.0, 10.0, 20)
    r = ratio_of_means(x, np.full(20, 4.0))  # a constant denominator: the t interval of the mean, divided
    h = stats.t.ppf(0.975, 19) * x.std(ddof=1) / math.sqrt(20)
    assert r["bounded"] and r["ratio"] == pytest.approx(x.mean() / 4)
    assert r["ci95"] == pytest.approx([(x.mean() - h) / 4, (x.mean() + h) / 4])
    none = ratio_of_means(x, rng.normal(0.0, 5.0, 20))  # nothing clearly avoided: no bounded interval
    assert not none["bounded"] and none["ci95"] == [None, None]


# ----------------------------------------------------------------------------------------- bad input
LINE = re.compile(r"^[^\n]+:[\w.\-]+: [^\n]+$")


def _errors(*overrides: str) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load_scenario(TINY, list(overrides))
    assert all(LINE.match(m) for m in err.value.messages), err.value.messages
    return err.value.messages


@pytest.mark.parametrize("override, key, says", [
    ("intervention.follow_up.reach=1.5", "intervention.follow_up.reach", "less than or equal to 1"),
    ("intervention.follow_up.reach=-0.1", "intervention.follow_up.reach", "greater than or equal to 0"),
    ("intervention.follow_up.ramp_up_days=300", "intervention.follow_up.ramp_up_days",
     "the ramp-up (300 days) is longer than the horizon (200 days)"),
    ("costs.daycare_place_year_nok=1000", "costs.daycare_place_year_nok", "unknown key"),
    ("costs.short_term_place_yr_nok=1000", "costs.short_term_place_yr_nok",
     "unknown key (did you mean 'short_term_place_year_nok'"),
    ("intervention.follow_up.evidence=pesimistic", "intervention.follow_up",
     "evidence 'pesimistic' is not a variant (did you mean 'pessimistic'?)"),
    ("intervention.follow_up.targets.age_bands=[\"90+\"]", "intervention.follow_up.targets.age_bands",
     "unknown age band '90+'"),
    ("intervention.follow_up.effects.destination_shift=[{from=\"long_term\", to=\"hotel\", share=0.2}]",
     "intervention.follow_up.effects.destination_shift.0", "unknown destination 'hotel'"),
    ("intervention.follow_up.effects.home_care_hours_mult=0.8", "intervention.follow_up.effects.home_care_hours_mult",
     "home care is counted in clients"),
])
def test_bad_input_is_one_line_naming_the_key(override: str, key: str, says: str) -> None:
    extra = ["intervention.follow_up.variants={pessimistic={readmission_rr=1.0}}"] if "pesimistic" in override else []
    errors = _errors(*extra, override)
    assert len(errors) == 1, errors
    assert f":{key}: " in errors[0] and says in errors[0], errors[0]


def test_cli_bad_reach_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    rc = cli_main(["validate", str(TINY), "--set", "intervention.follow_up.reach=2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "intervention.follow_up.reach" in err[0], err


def test_compare_reports_each_partners_budget_and_the_cost_per_day_avoided(tiny: Scenario) -> None:
    from hjemtilhjem.experiment.compare import compare

    price = 1_000_000.0
    base = _with(tiny, costs={"short_term_place_year_nok": price})
    more = _with(tiny, {"name": "places", "targets": {"municipalities": ["Nordby"]},
                        "effects": {"capacity_delta": {"short_term_beds": 3}}},
                 costs={"short_term_place_year_nok": price})
    more = more.model_copy(update={"scenario": more.scenario.model_copy(update={"name": "More"})})
    c = compare(base, more, replications=4, executor="serial")
    b = c.budget()["More"]
    assert set(b["partners"]) == {"hospital", "Nordby", "Sørby", "municipalities", "total"}
    fixed = c.results[1].values("cost_municipal_fixed_nok") - c.results[0].values("cost_municipal_fixed_nok")
    assert np.allclose(fixed, 3 * price)  # the added places' fixed cost, in every replication
    total = b["partners"]["total"]["mean"]
    assert total == pytest.approx(b["partners"]["hospital"]["mean"] + b["partners"]["municipalities"]["mean"])
    e = b["cost_per_avoided"]["delayed_days"]
    avoided = c.results[0].values("delayed_days") - c.results[1].values("delayed_days")
    assert e["avoided"]["mean"] == pytest.approx(avoided.mean())
    assert e["total"]["ratio"] == pytest.approx(total / avoided.mean())
    assert e["total"]["method"] == "Fieller"
    assert "budget" in c.document()
