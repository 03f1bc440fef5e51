"""Indicators as pure functions of the event log (numpy only, no SimPy).

Definitions follow DESIGN.md section 4; every indicator is measured on the window
``[warmup_days, warmup_days + horizon_days]``. Totals (days, NOK, admissions) are per year:
the window total times ``365 / horizon_days``. A discharge counts for 30-day indicators only when
its 30 days of follow-up lie inside the run (90 days for ``home_days_90``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from ..eventlog import BACKGROUND_GROUP, SERVICES, Kind, LogArrays, Place
from ..model.network import Network, compile_network
from ..scenario.calendar import age_low, beds_by_day, population_by_band
from ..scenario.schema import SERVICE_OF_CAPACITY, Scenario
from .intervals import (
    Intervals,
    _excess,
    _first_at,
    _first_by_row,
    _key,
    _overlap_each,
    daily_mean,
    hospital_part,
    overlap_total,
    overliggedogn,
    select,
    stays,
)

__all__ = ["Context", "context", "indicators", "daily", "Intervals", "overlap_total", "stays"]

_AWAY = (Place.KAD, Place.SHORT_TERM, Place.REHAB, Place.LONG_TERM)  # away from home (not home care)


@dataclass(frozen=True)
class InterventionCost:
    """What an intervention costs and who pays: per reached admission of a targeted patient (``reach`` x the
    ramp-up at the admission: the expected number reached) and per year from ``start_day``."""

    start_day: float
    per_patient_nok: float
    annual_nok: float
    groups: list[int]
    municipalities: list[int]
    bands: list[int] | None = None  #: targeted age bands (None: all)
    reach: float = 1.0
    ramp_up_days: float = 0.0
    hospital_share: float = 0.0  #: share paid by the trust (the rest by the municipalities)
    annual_split: np.ndarray | None = None  #: share of the annual cost each municipality pays (by 80+ population)

    def reached(self, t: np.ndarray) -> np.ndarray:
        """Expected share of the targeted admissions at ``t`` that are reached."""
        if self.ramp_up_days > 0:
            return self.reach * np.clip((t - self.start_day) / self.ramp_up_days, 0.0, 1.0)
        return np.full(t.shape, self.reach)


@dataclass(frozen=True)
class Context:
    """What indicators need to know besides the log (all plain data)."""

    w0: float
    w1: float
    beds: np.ndarray  # staffed beds per day of the run, every hospital of the health community together
    population: np.ndarray  # (municipalities, bands)
    bands: list[str]
    municipalities: list[str]
    day_rate_nok: float
    unit_costs: dict[str, float]
    pool_capacity: np.ndarray  # places (or hours per week) of each pool, mean over the measured window
    pool_of: np.ndarray  # (municipalities, services) -> pool
    #: the delayed-day payment rate of each calendar year of the run: (first day, end day, NOK), days from the start
    day_rates: tuple[tuple[float, float, float], ...] = ()
    pool_names: list[str] = field(default_factory=list)
    pool_service: list[int] = field(default_factory=list)
    pool_by_hours: list[bool] = field(default_factory=list)
    hospitals: list[str] = field(default_factory=lambda: ["Hospital"])
    hospital_beds: np.ndarray | None = None  # (hospitals, days + 1); ones for an external hospital
    hospital_external: list[bool] = field(default_factory=lambda: [False])
    intervention_costs: list[InterventionCost] = field(default_factory=list)
    #: fixed costs of staffed capacity per year (DESIGN.md 4.1): the trust's beds, each municipality's places
    fixed_hospital_nok: float = 0.0
    fixed_municipal_nok: np.ndarray | None = None

    @property
    def years(self) -> float:
        return (self.w1 - self.w0) / 365.0

    def places(self, service: int) -> float:
        """Places of a service in every pool together (mean over the measured window)."""
        return float(sum(c for c, si in zip(self.pool_capacity, self.pool_service, strict=True) if si == service))

    @property
    def internal(self) -> np.ndarray:
        """Hospitals of the health community (not external), as a bool mask."""
        return ~np.array(self.hospital_external, dtype=bool)


def _day_rates(s: Scenario) -> tuple[tuple[float, float, float], ...]:
    """(first day, end day, rate) of each calendar year the run touches (days counted from ``start_date``)."""
    start = s.scenario.start_date
    end_year = (start + dt.timedelta(days=s.scenario.warmup_days + s.scenario.horizon_days)).year
    by_year = s.costs.delayed_day_rate_nok_by_year
    return tuple((float((dt.date(y, 1, 1) - start).days), float((dt.date(y + 1, 1, 1) - start).days),
                  by_year.get(str(y), s.costs.delayed_day_rate_nok)) for y in range(start.year, end_year + 1))


def _payments(ready: Intervals, ctx: Context, n_m: int) -> np.ndarray:
    """The municipalities' payments for utskrivningsklare patients in the window: each overliggedøgn (a midnight
    passed while waiting) at the rate of its calendar year (forskrift om kommunal betaling for
    utskrivningsklare pasienter), by home municipality."""
    pay = np.zeros(n_m)
    rates = ctx.day_rates or ((-np.inf, np.inf, ctx.day_rate_nok),)
    for a, b, rate in rates:  # the midnight that starts day k belongs to day k's year: k in [a, b)
        dogn = overliggedogn(ready.start, ready.end, max(ctx.w0, a - 1.0), min(ctx.w1, b - 1.0))
        pay += np.bincount(ready.municipality, weights=dogn, minlength=n_m) * rate
    return pay


def population_80plus(s: Scenario) -> np.ndarray:
    """Inhabitants aged 80 and over of each municipality (everyone when no band starts at 80 or above): the key
    that splits a shared pool's fixed cost and an intervention's annual cost between municipalities."""
    pop = population_by_band(s)
    old = [i for i, b in enumerate(s.bands) if age_low(b) >= 80]
    return pop[:, old].sum(axis=1) if old else pop.sum(axis=1)


def _split(weights: np.ndarray, members: list[int], n: int) -> np.ndarray:
    """Shares of ``members`` by ``weights`` (equal when they are all 0), as an array over ``n`` municipalities."""
    out = np.zeros(n)
    w = weights[members]
    out[members] = w / w.sum() if w.sum() > 0 else 1.0 / len(members)
    return out


def fixed_costs(s: Scenario, net: Network | None = None) -> tuple[float, np.ndarray, np.ndarray]:
    """Fixed costs of staffed capacity per year over the measured window: ``(trust, by municipality, mean places
    of each pool)``.

    The trust pays for the staffed beds of its own hospitals (closures and ``hospital_beds_delta`` included) at
    ``hospital_bed_year_nok``; each municipality for its own pools' places at ``<service>_place_year_nok``. A pool
    shared by several municipalities is split between its members by their population aged 80+. Places added by
    an intervention (``capacity_delta``) are paid by the municipality that added them, from ``start_day``.
    """
    c = s.costs
    w0, w1 = s.scenario.warmup_days, s.scenario.warmup_days + s.scenario.horizon_days
    n_m = len(s.municipality)
    net = compile_network(s) if net is None else net

    def weight(day: float) -> float:  # share of the window from ``day`` on
        return (w1 - min(max(day, w0), w1)) / (w1 - w0)

    capacity = np.array([p.capacity for p in net.pools], dtype=float)
    for day, pool, delta in net.capacity_changes:  # time-weighted over the measured window
        capacity[pool] += delta * weight(day)
    added = np.zeros(len(net.pools))  # intervention places, paid by the municipality that added them
    municipal = np.zeros(n_m)
    index = {m.name: i for i, m in enumerate(s.municipality)}
    for iv in s.intervention:
        if not iv.enabled:
            continue
        munis = [index[m] for m in iv.targets.municipalities] or list(range(n_m))
        for key, delta in iv.active_effects().capacity_delta.items():
            service = SERVICE_OF_CAPACITY[key]
            si = SERVICES.index(service)
            for mi in munis:
                places = delta * weight(iv.start_day)
                added[net.pool_of[mi][si]] += places
                municipal[mi] += places * c.place_year_nok(service)
    pop80 = population_80plus(s)
    for p, place in enumerate(net.pools):
        base = max(capacity[p] - added[p], 0.0) * c.place_year_nok(SERVICES[place.service])
        municipal += base * _split(pop80, list(place.members), n_m)
    beds = beds_by_day(s)
    d0, d1 = int(np.floor(w0)), int(np.ceil(w1))
    inside = any(not h.external for h in s.hospitals)
    hospital = float(np.mean(beds[d0:d1])) * c.hospital_bed_year_nok if inside else 0.0
    return hospital, municipal, np.maximum(capacity, 0.0)


def context(s: Scenario) -> Context:
    """The indicator context of a scenario."""
    gnames = [g.name for g in s.group]
    mnames = [m.name for m in s.municipality]
    pop80 = population_80plus(s)
    iv_costs = []
    for iv in s.intervention:
        if not iv.enabled:
            continue
        groups = [gnames.index(g) for g in iv.targets.groups] or list(range(len(gnames)))
        munis = [mnames.index(m) for m in iv.targets.municipalities] or list(range(len(mnames)))
        bands = [s.bands.index(b) for b in iv.targets.age_bands] or None
        iv_costs.append(InterventionCost(iv.start_day, iv.cost_per_patient_nok, iv.annual_cost_nok, groups, munis,
                                         bands, iv.reach, iv.ramp_up_days,
                                         {"hospital": 1.0, "municipalities": 0.0, "shared": 0.5}[iv.paid_by],
                                         _split(pop80, munis, len(mnames))))
    c = s.costs
    net = compile_network(s)
    fixed_hospital, fixed_municipal, capacity = fixed_costs(s, net)
    return Context(
        w0=s.scenario.warmup_days,
        w1=s.scenario.warmup_days + s.scenario.horizon_days,
        beds=beds_by_day(s),
        population=population_by_band(s),
        bands=list(s.bands),
        municipalities=mnames,
        day_rate_nok=c.delayed_day_rate_nok,
        day_rates=_day_rates(s),
        unit_costs={"hospital": c.hospital_bed_day_nok, "kad": c.kad_day_nok, "short_term": c.short_term_day_nok,
                    "rehab": c.rehab_day_nok, "long_term": c.long_term_day_nok, "home_care": c.home_care_day_nok},
        pool_capacity=capacity,
        pool_of=np.array(net.pool_of, dtype=np.int64),
        pool_names=[p.name for p in net.pools],
        pool_service=[p.service for p in net.pools],
        pool_by_hours=[p.by_hours for p in net.pools],
        hospitals=[h.name for h in s.hospitals],
        hospital_beds=np.array([beds_by_day(s, h) for h in s.hospitals]),
        hospital_external=[h.external for h in s.hospitals],
        intervention_costs=iv_costs,
        fixed_hospital_nok=fixed_hospital,
        fixed_municipal_nok=fixed_municipal,
    )


# ----------------------------------------------------------------------------------------- indicators
def _share(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def _discharges(log: LogArrays, lo: float, hi: float) -> np.ndarray:
    """Indices of live discharges from hospital with time in ``[lo, hi]``."""
    k = log.kind
    return np.flatnonzero((k == Kind.HOSP_LEAVE) & (log.extra != Place.DEAD) & (log.time >= lo) & (log.time <= hi))


def days_to_readmission(log: LogArrays, idx: np.ndarray) -> np.ndarray:
    """Days from each discharge ``idx`` to the next episode's hospital admission (inf when none)."""
    adm = np.flatnonzero(log.kind == Kind.HOSP_ADMIT)
    if len(adm) == 0 or len(idx) == 0:
        return np.full(len(idx), np.inf)
    ka = _key(log.person[adm], log.episode[adm])
    order = np.argsort(ka, kind="stable")
    ka = ka[order]
    want = _key(log.person[idx], log.episode[idx] + 1)
    pos = np.minimum(np.searchsorted(ka, want), len(ka) - 1)
    hit = ka[pos] == want
    return np.where(hit, log.time[adm][order][pos] - log.time[idx], np.inf)


def _readmitted(log: LogArrays, idx: np.ndarray, days: float) -> np.ndarray:
    """For each discharge, whether the next episode's hospital admission came within ``days``."""
    return days_to_readmission(log, idx) <= days


def _death_table(log: LogArrays) -> np.ndarray:
    """Time of each pathway person's first death, indexed by person id (inf: no death in the log).

    Pathway person ids are 0, 1, 2, ... (arrival order, as the model writes them), so a table indexed by
    id finds them without a sort; the table is as long as the largest id.
    """
    d = np.flatnonzero((log.kind == Kind.DEATH) & (log.person >= 0))
    at = _first_at(log.person[d], int(log.person[d].max()) + 1 if len(d) else 0)
    return np.where(at >= 0, log.time[d][np.maximum(at, 0)] if len(d) else np.inf, np.inf)


def _death_time(deaths: np.ndarray, who: np.ndarray) -> np.ndarray:
    """Time of death of each person in ``who`` from :func:`_death_table` (inf: none; background users: inf)."""
    out = np.full(len(who), np.inf)
    known = (who >= 0) & (who < len(deaths))
    out[known] = deaths[who[known]]
    return out


def _death_within(log: LogArrays, idx: np.ndarray, days: float, deaths: np.ndarray) -> np.ndarray:
    dt = _death_time(deaths, log.person[idx]) - log.time[idx]
    return (dt > 0) & (dt <= days)


def _home_days(log: LogArrays, idx: np.ndarray, st: dict[str, Intervals], deaths: np.ndarray,
               days: float = 90.0) -> np.ndarray:
    """Days alive and not in hospital, KAD, short-term, rehab or long-term care after each discharge."""
    if len(idx) == 0:
        return np.zeros(0)
    parts = [st["hospital"], st["kad"], st["short_term"], st["rehab"], st["long_term"]]
    p = np.concatenate([x.person for x in parts])
    s = np.concatenate([x.start for x in parts])
    e = np.concatenate([x.end for x in parts])
    keep = p >= 0
    p, s, e = p[keep], s[keep], e[keep]
    order = np.argsort(p, kind="stable")
    p, s, e = p[order], s[order], e[order]
    who = log.person[idx]
    t0 = log.time[idx]
    # person ids are small non-negative ints: where each person's run of stays starts, by a table
    start = np.zeros(max(int(who.max()), int(p.max()) if len(p) else 0) + 2, dtype=np.int64)
    np.cumsum(np.bincount(p, minlength=len(start) - 1), out=start[1:])
    pathway = who >= 0  # (a background user is never discharged from hospital; guarded all the same)
    lo = np.where(pathway, start[np.maximum(who, 0)], 0)
    hi = np.where(pathway, start[np.maximum(who, 0) + 1], 0)
    counts = hi - lo
    rows = np.repeat(np.arange(len(idx)), counts)
    # the stays of discharge i are p[lo[i]:hi[i]]; list them all at once: for each row, its position
    # within its own run plus that run's first index
    first = np.cumsum(counts) - counts
    j = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(first - lo, counts)
    ov = np.clip(np.minimum(e[j], t0[rows] + days) - np.maximum(s[j], t0[rows]), 0.0, None)
    away = np.bincount(rows, weights=ov, minlength=len(idx))
    died = _death_time(deaths, who)
    dead = np.where(died < t0 + days, np.clip(t0 + days - died, 0.0, days), 0.0)
    # a stay cut by death ends at the death, so away-time and dead-time do not overlap
    return np.clip(days - away - dead, 0.0, days)


Corridor = tuple[list[float], list[np.ndarray]]


def indicators(log: LogArrays, ctx: Context, st: dict[str, Intervals] | None = None,
               corridor: Corridor | None = None) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """All indicators of one replication: ``(overall, by_municipality)``.

    ``st`` is ``stays(log, ctx.w1)`` when the caller already has it (it is shared with :func:`daily`).
    """
    w0, w1, yrs = ctx.w0, ctx.w1, ctx.years
    run_end = w1
    st = stays(log, run_end) if st is None else st
    hosp, ready, kad = st["hospital"], st["ready"], st["kad"]
    pathway = log.person >= 0
    n_m = len(ctx.municipalities)
    pop_m = ctx.population.sum(axis=1)
    old = [i for i, b in enumerate(ctx.bands) if age_low(b) >= 67]
    old75 = [i for i, b in enumerate(ctx.bands) if age_low(b) >= 75]
    pop67_m = ctx.population[:, old].sum(axis=1)
    out: dict[str, float] = {}

    # hospital occupancy and corridor days: the hospitals of the health community (each its own beds)
    n_days = len(ctx.beds) - 1
    inside = _inside(hosp, ctx)
    occ_daily = daily_mean(inside, n_days)
    d0, d1 = int(np.floor(w0)), int(np.ceil(w1))
    out["bed_occupancy"] = float(np.mean(occ_daily[d0:d1] / ctx.beds[d0:d1]))
    corridor = corridor_by_hospital(hosp, ctx, w0, w1) if corridor is None else corridor
    out["corridor_patient_days"] = sum(corridor[0]) / yrs
    bed_days = overlap_total(inside.start, inside.end, w0, w1)
    out["hospital_bed_days"] = bed_days / yrs
    out["hospital_occupied_beds"] = bed_days / (w1 - w0)

    # delayed discharge (utskrivningsklar until leaving hospital)
    dl = _overlap_each(ready.start, ready.end, w0, w1)
    dl_m = np.bincount(ready.municipality, weights=dl, minlength=n_m) / yrs
    out["delayed_days"] = float(dl_m.sum())
    out["delayed_days_per_1000_67plus"] = _share(out["delayed_days"], pop67_m.sum() / 1000.0)
    out["delayed_days_per_1000"] = _share(out["delayed_days"], pop_m.sum() / 1000.0)
    pay_m = _payments(ready, ctx, n_m) / yrs
    out["delayed_payment_nok"] = float(pay_m.sum())
    needs = ready.extra != Place.HOME
    rs = np.flatnonzero(needs & ready.closed & (ready.end >= w0) & (ready.end <= w1))
    waits = ready.end[rs] - ready.start[rs]
    out["utskrivningsklare_per_1000"] = _share(len(rs) / yrs, pop_m.sum() / 1000.0)
    out["share_delayed"] = _share(float((waits > 0).sum()), len(waits))
    out["delay_per_delayed_stay"] = float(waits[waits > 0].mean()) if (waits > 0).any() else 0.0

    # length of stay, admissions
    ended = hosp.closed & (hosp.end >= w0) & (hosp.end <= w1)
    out["los_mean"] = float(np.mean(hosp.end[ended] - hosp.start[ended])) if ended.any() else float("nan")
    ended75 = ended & np.isin(hosp.band, old75)
    out["los_mean_75plus"] = (float(np.mean(hosp.end[ended75] - hosp.start[ended75])) if ended75.any()
                              else float("nan"))
    adm_in = (hosp.start >= w0) & (hosp.start < w1)
    out["admissions"] = float(adm_in.sum()) / yrs
    adm75 = adm_in & np.isin(hosp.band, old75) & (hosp.group != BACKGROUND_GROUP)
    out["admissions_per_1000_75plus"] = _share(float(adm75.sum()) / yrs, ctx.population[:, old75].sum() / 1000.0)
    died = np.flatnonzero((log.kind == Kind.HOSP_LEAVE) & (log.extra == Place.DEAD) & (log.time >= w0)
                          & (log.time <= w1))
    left = np.flatnonzero((log.kind == Kind.HOSP_LEAVE) & (log.time >= w0) & (log.time <= w1))
    out["deaths_in_hospital_share"] = _share(len(died), len(left))

    # 30-day readmission and mortality; home days in 90 days
    dis = _discharges(log, w0, run_end - 30.0)
    not_lt = dis[log.extra[dis] != Place.LONG_TERM]
    readm = _readmitted(log, not_lt, 30.0)
    out["readmission_30d"] = _share(float(readm.sum()), len(readm))
    is75 = np.isin(log.band[not_lt], old75)
    out["readmission_30d_75plus"] = _share(float(readm[is75].sum()), int(is75.sum()))
    deaths = _death_table(log)  # shared by 30-day mortality and days at home
    dead30 = _death_within(log, dis, 30.0, deaths)
    out["mortality_30d"] = _share(float(dead30.sum()), len(dis))
    dis90 = _discharges(log, w0, run_end - 90.0)
    home = _home_days(log, dis90, st, deaths)
    out["home_days_90"] = float(home.mean()) if len(home) else float("nan")

    # short-term wait (pathway patients), KAD
    req = np.flatnonzero((log.kind == Kind.SERVICE_REQUEST) & (log.extra == Place.SHORT_TERM) & pathway)
    sts = np.flatnonzero((log.kind == Kind.SERVICE_START) & (log.extra == Place.SHORT_TERM) & pathway)
    wait = _match_times(log, req, sts)
    ok = ~np.isnan(wait) & (log.time[req] + np.nan_to_num(wait) >= w0) & (log.time[req] + np.nan_to_num(wait) <= w1)
    out["short_term_wait"] = float(wait[ok].mean()) if ok.any() else float("nan")
    kad_days = overlap_total(kad.start, kad.end, w0, w1)
    kad_beds = ctx.places(Place.KAD)
    out["kad_occupancy"] = _share(kad_days / (w1 - w0), kad_beds)
    kad_in = (kad.start >= w0) & (kad.start < w1)
    out["kad_admissions_per_1000"] = _share(float(kad_in.sum()) / yrs, pop_m.sum() / 1000.0)
    kad_end = kad.closed & (kad.end >= w0) & (kad.end <= w1)
    out["kad_los_mean"] = float(np.mean(kad.end[kad_end] - kad.start[kad_end])) if kad_end.any() else float("nan")
    st_days = overlap_total(st["short_term"].start, st["short_term"].end, w0, w1)
    out["short_term_occupancy"] = _share(st_days / (w1 - w0), ctx.places(Place.SHORT_TERM))

    # costs by payer (per year). The delayed-day payment moves money from municipality to hospital.
    uc = ctx.unit_costs
    service_cost_m = np.zeros(n_m)
    for name in ("short_term", "rehab", "long_term", "home_care"):
        iv = st[name]
        service_cost_m += np.bincount(iv.municipality, weights=_overlap_each(iv.start, iv.end, w0, w1),
                                      minlength=n_m) * uc[name]
    service_cost_m += np.bincount(kad.municipality, weights=_overlap_each(kad.start, kad.end, w0, w1),
                                  minlength=n_m) * uc["kad"]
    service_cost_m /= yrs
    # Budgets (DESIGN.md 4.1): fixed costs of staffed capacity, variable costs per occupied day, the
    # interventions' own costs, and the delayed-day payment, a transfer from the municipalities to the trust.
    iv_m = np.zeros(n_m)  # intervention costs paid by each municipality, per year
    iv_hospital = 0.0
    for ic in ctx.intervention_costs:
        t_from = max(w0, ic.start_day)
        hit = adm_in & (hosp.start >= t_from) & np.isin(hosp.group, ic.groups) & np.isin(hosp.municipality,
                                                                                        ic.municipalities)
        if ic.bands is not None:
            hit &= np.isin(hosp.band, ic.bands)
        per_m = np.bincount(hosp.municipality[hit], weights=ic.reached(hosp.start[hit]), minlength=n_m) \
            * ic.per_patient_nok / yrs
        annual = ic.annual_nok * max(0.0, w1 - t_from) / (w1 - w0)
        split = ic.annual_split if ic.annual_split is not None else _split(np.ones(n_m), ic.municipalities, n_m)
        iv_m += (1.0 - ic.hospital_share) * (per_m + annual * split)
        iv_hospital += ic.hospital_share * (float(per_m.sum()) + annual)
    fixed_m = ctx.fixed_municipal_nok if ctx.fixed_municipal_nok is not None else np.zeros(n_m)
    out["cost_hospital_fixed_nok"] = ctx.fixed_hospital_nok
    out["cost_hospital_variable_nok"] = bed_days / yrs * uc["hospital"]
    out["cost_hospital_intervention_nok"] = iv_hospital
    out["cost_hospital_nok"] = (ctx.fixed_hospital_nok + out["cost_hospital_variable_nok"] + iv_hospital
                                - out["delayed_payment_nok"])
    out["cost_municipal_fixed_nok"] = float(fixed_m.sum())
    out["cost_municipal_variable_nok"] = float(service_cost_m.sum())
    out["cost_municipal_intervention_nok"] = float(iv_m.sum())
    out["cost_municipal_nok"] = float(fixed_m.sum() + service_cost_m.sum() + iv_m.sum() + pay_m.sum())
    out["cost_intervention_nok"] = float(iv_m.sum()) + iv_hospital
    out["cost_total_nok"] = out["cost_hospital_nok"] + out["cost_municipal_nok"]  # the payment cancels out
    follow_up = (run_end - 30.0 - w0) / 365.0  # years of discharges with 30 days of follow-up
    out["readmissions"] = float(readm.sum()) / follow_up if follow_up > 0 else float("nan")

    # by municipality
    by: dict[str, dict[str, float]] = {}
    dis_m = log.municipality[not_lt]
    home_m = log.municipality[dis90]
    adm_m = np.bincount(hosp.municipality[adm_in], minlength=n_m) / yrs
    for mi, name in enumerate(ctx.municipalities):
        sel = dis_m == mi
        hm = home_m == mi
        by[name] = {
            "delayed_days": float(dl_m[mi]),
            "delayed_days_per_1000_67plus": _share(float(dl_m[mi]), pop67_m[mi] / 1000.0),
            "delayed_payment_nok": float(pay_m[mi]),
            "admissions": float(adm_m[mi]),
            "readmission_30d": _share(float(readm[sel].sum()), int(sel.sum())),
            "home_days_90": float(home[hm].mean()) if hm.any() else float("nan"),
            "cost_municipal_nok": float(fixed_m[mi] + service_cost_m[mi] + iv_m[mi] + pay_m[mi]),
            "cost_municipal_fixed_nok": float(fixed_m[mi]),
            "cost_municipal_variable_nok": float(service_cost_m[mi]),
            "cost_municipal_intervention_nok": float(iv_m[mi]),
            "readmissions": float(readm[sel].sum()) / follow_up if follow_up > 0 else float("nan"),
        }
    return out, by


def _match_times(log: LogArrays, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Time from each event ``a`` to the first event ``b`` of the same episode (NaN if none)."""
    if len(a) == 0:
        return np.zeros(0)
    bi = _first_by_row(log, b)[log.row[a]]
    return np.where(bi >= 0, log.time[np.maximum(bi, 0)] - log.time[a], np.nan)


def _inside(hosp: Intervals, ctx: Context) -> Intervals:
    """Hospital stays in the health community's own hospitals (all of them when none is external)."""
    inside = ctx.internal
    return hosp if inside.all() else select(hosp, inside[np.maximum(hosp.hospital, 0)])


def corridor_by_hospital(hosp: Intervals, ctx: Context, a: float, b: float) -> tuple[list[float], list[np.ndarray]]:
    """Patient-days above each own hospital's staffed beds inside ``[a, b]``, and per day of the run (the daily
    series do not depend on ``[a, b]``; one call with the measured window serves the indicators, the daily series
    and the figures per hospital of a replication: their ``corridor`` argument)."""
    beds = ctx.hospital_beds if ctx.hospital_beds is not None else ctx.beds[None, :]
    if len(beds) == 1:
        total, per_day = _excess(hosp, beds[0], a, b)
        return [total], [per_day]
    totals, days = [], []
    for h in np.flatnonzero(ctx.internal):
        total, per_day = _excess(hospital_part(hosp, int(h)), beds[h], a, b)
        totals.append(total)
        days.append(per_day)
    return totals, days


def daily(log: LogArrays, ctx: Context, st: dict[str, Intervals] | None = None,
          corridor: Corridor | None = None) -> dict[str, np.ndarray]:
    """Daily series over the whole run (warm-up included): day index, occupancy and queues.

    ``st`` is ``stays(log, ctx.w1)`` when the caller already has it.
    """
    st = stays(log, ctx.w1) if st is None else st
    n_days = len(ctx.beds) - 1
    _, per_day = corridor_by_hospital(st["hospital"], ctx, 0.0, ctx.w1) if corridor is None else corridor
    out = {
        "day": np.arange(n_days, dtype=float),
        "staffed_beds": ctx.beds[:n_days],
        "hospital_occupancy": daily_mean(_inside(st["hospital"], ctx), n_days),
        "corridor_patients": np.sum(per_day, axis=0),
        "delayed_patients": daily_mean(st["ready"], n_days),
        "kad_occupancy": daily_mean(st["kad"], n_days),
    }
    for name in ("short_term", "rehab", "long_term", "home_care"):
        out[f"{name}_occupancy"] = daily_mean(st[name], n_days)
    return out
