"""Acute events: generated for the whole run at the start, fed to the calendar one at a time.

Arrivals are thinned from a candidate Poisson stream at ``ADMISSION_MULT_CAP`` x the base rate x the peak
month, so scenarios that change admission rates (up to that cap) still share their random numbers.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from ..eventlog import Route
from ..scenario.calendar import population_by_band, season_by_day, weekday_pattern
from ..scenario.schema import ADMISSION_MULT_CAP, Scenario
from .draws import ROUTE, Episodes, Rec, attribute_columns, records, sparse
from .effects import EffectTable
from .network import Network
from .rng import stream

__all__ = ["Arrivals"]

#: first-arrival records made at a time
_CHUNK = 4096


class Arrivals:
    """Arrival methods of :class:`~hjemtilhjem.model.engine.Simulation` (a mixin)."""

    scenario: Scenario
    network: Network
    seed: int
    replication: int
    until: float
    n_groups: int
    effects: EffectTable
    outcome_bound: np.ndarray
    log: Any
    env: Any
    next_pid: int
    _at: Callable[[float, Callable[[Any], None], Any], None]
    _enter: Callable[[Rec, int], None]

    def _generate_arrivals(self) -> dict[str, np.ndarray]:
        """Acute events of every municipality x group for the whole run, thinned from candidates."""
        s = self.scenario
        net = self.network
        week = weekday_pattern(s)  # acute events by day of the week (days off: weekend_admission_mult)
        seasons = [season_by_day(s, h) * week for h in s.hospitals]
        pop = population_by_band(s)
        table: EffectTable = self.effects
        admission_mult, kad_adds = table.column("admission_mult"), table.column("kad_add")
        cols: dict[str, list[np.ndarray]] = {}
        for mi, m in enumerate(s.municipality):
            # admissions follow the seasonality of the municipality's main hospital
            season = seasons[net.main_hospital(mi)]
            smax = float(season.max())
            hospitals = net.hospitals_of(mi)
            for gi, grp in enumerate(s.group):
                lam_b = np.array([pop[mi, bi] * grp.share.get(b, 0.0) * grp.rate_for(b)
                                  for bi, b in enumerate(s.bands)]) / 1000.0 / 365.0
                lam = float(lam_b.sum())
                if lam <= 0:
                    continue
                name = f"{m.name}:{grp.name}"
                bound = lam * smax * ADMISSION_MULT_CAP
                rng_t = stream(self.seed, self.replication, f"arrivals:{name}")
                gaps = rng_t.exponential(1.0 / bound, size=int(bound * self.until * 1.05) + 32)
                t = np.cumsum(gaps)
                while t[-1] < self.until:
                    more = np.cumsum(rng_t.exponential(1.0 / bound, size=int(bound * self.until * 0.1) + 32))
                    t = np.concatenate([t, t[-1] + more])
                t = t[t < self.until]
                n = int(t.shape[0])
                u_acc = stream(self.seed, self.replication, f"accept:{name}").random(n)
                u_band = stream(self.seed, self.replication, f"band:{name}").random(n)
                u_route = stream(self.seed, self.replication, f"triage:{name}").random(n)
                band = np.searchsorted(np.cumsum(lam_b) / lam, u_band, side="right").clip(0, len(s.bands) - 1)
                # each candidate's effect index: reached by which partial interventions (their own streams)
                fx = table.index(mi * self.n_groups + gi, t, band, partial(self._reach_uniforms, name, n))
                flat = table.flat_index(fx, t)
                mult = admission_mult[flat]
                kad_add = kad_adds[flat]
                keep = u_acc * bound < lam * season[t.astype(np.int64)] * mult
                route = self._triage(u_route, kad_add, band, grp.kad_eligible)
                # the kept candidates' attributes (durations only for them; a KAD stay only for those triaged to KAD)
                epi = Episodes(self, mi, gi, "").draw(n, flat, keep, route[keep] == Route.KAD)  # type: ignore[arg-type]
                if len(hospitals) == 1:
                    hosp = np.full(n, hospitals[0][0])
                else:  # a split municipality: the patient's hospital by the catchment shares, kept for readmissions
                    cum = np.cumsum([share for _, share in hospitals])
                    u_hosp = stream(self.seed, self.replication, f"hospital:{name}").random(n) * cum[-1]
                    pick = np.searchsorted(cum, u_hosp, side="right").clip(0, len(hospitals) - 1)
                    hosp = np.array([h for h, _ in hospitals])[pick]
                add = {"time": t, "muni": np.full(n, mi), "group": np.full(n, gi), "band": band,
                       "route": route, "hospital": hosp, "fx": fx}
                for k, v in add.items():
                    cols.setdefault(k, []).append(v[keep])
                for k, v in epi.items():  # drawn for the kept candidates only
                    cols.setdefault(k, []).append(v)
        if not cols:
            return {"time": np.zeros(0)}
        out = {k: np.concatenate(v) for k, v in cols.items()}
        order = np.argsort(out["time"], kind="stable")
        return {k: v[order] for k, v in out.items()}

    def _reach_uniforms(self, name: str, n: int, intervention: str) -> np.ndarray:
        """Uniforms of the ``n`` candidates of municipality:group ``name`` that decide whether ``intervention``
        reaches them (its own stream)."""
        return stream(self.seed, self.replication, f"reach:{intervention}:{name}").random(n)

    def _triage(self, u: np.ndarray, kad_add: np.ndarray, band: np.ndarray, eligible: bool) -> np.ndarray:
        tr = self.scenario.triage
        route = np.full(u.shape, Route.HOSPITAL)
        route[u < tr.home_share] = Route.HOME
        kad = (u >= tr.home_share) & (u < tr.home_share + np.minimum(tr.kad_share + kad_add, 1.0))
        if tr.kad_min_age_band is not None:
            kad &= band >= self.scenario.bands.index(tr.kad_min_age_band)
        if eligible:
            route[kad] = Route.KAD
        return route

    def _start_arrivals(self) -> None:
        a = self._generate_arrivals()
        if "fx" not in a and "muni" in a:  # arrivals given by hand (tests): reached by no partial intervention
            a["fx"] = a["muni"] * self.n_groups + a["group"]
        self._arr = a
        self._arr_time = array("d", a["time"].tobytes())
        self._arr_n = a["time"].shape[0]
        self._arr_pos = 0
        self._chunk: list[Rec] = []
        if self._arr_n:
            self._load_chunk()
            self._at(self._arr_time[0], self._on_arrival, None)

    def _load_chunk(self) -> None:
        """The next block of first-arrival records, in reverse order (popped from the end)."""
        a, i = self._arr, self._arr_pos
        j = min(i + _CHUNK, self._arr_n)
        # person ids are given in arrival order, so the i-th arrival of the run is person i
        pid = np.arange(i, j)
        eid0 = self.log.new_episodes(pid, np.ones(j - i), a["muni"][i:j], a["group"][i:j], a["band"][i:j],
                                     a["hospital"][i:j])
        route = a["route"][i:j]
        kad = route == Route.KAD
        bound = self.outcome_bound[a["muni"][i:j] * self.n_groups + a["group"][i:j]]
        cols: dict[str, Any] = attribute_columns({k: v[i:j] for k, v in a.items()}, bound)
        cols.update(eid=range(eid0, eid0 + j - i), kad_los=sparse(a["kad_los"][i:j], kad),
                    kad_transfer=(a["kad_tx"][i:j] & kad).tolist(), episode=[1] * (j - i),
                    muni=a["muni"][i:j].tolist(), group=a["group"][i:j].tolist(), band=a["band"][i:j].tolist(),
                    hospital=a["hospital"][i:j].tolist(), route=route.tolist(), fx=a["fx"][i:j].tolist())
        rows = records(cols)
        rows.reverse()
        self._chunk = rows
        self._arr_pos = j
        self.next_pid = j

    def _on_arrival(self, _: Any) -> None:
        chunk = self._chunk
        rec = chunk.pop()
        self._enter(rec, rec[ROUTE])
        if not chunk and self._arr_pos < self._arr_n:
            self._load_chunk()
            chunk = self._chunk
        if chunk:
            self._at(self._arr_time[self._arr_pos - len(chunk)] - self.env._now, self._on_arrival, None)

    def _clear_arrivals(self) -> None:
        self._arr = {}
        self._arr_time = array("d")
        self._chunk = []

