"""The official indicators (DESIGN 4.1) that FSUs see from Helsedirektoratet and SKDE, from the event log.

Defined as the sources define them, beside the model's own indicators (:mod:`.indicators`):

* ``overliggedogn_per_1000``: days in hospital after being declared *utskrivningsklar*, counted in døgn (each
  midnight passed while waiting: ready at 14:00 and out the next morning is one døgn; out the same day, none),
  per 1000 inhabitants of the patient's home municipality, per year. SAMDATA / Helsedirektoratet,
  utskrivningsklare pasienter etter bostedskommune.
* ``utskrivningsklare_pasienter_per_1000``: unique persons with at least one stay declared *utskrivningsklar*
  (ready and waiting for a municipal service) in the measured window, per 1000 inhabitants; per year (the
  window's count x 365 / horizon, exact for the default one-year horizon). Also
  ``utskrivningsklare_pasienter_per_1000_std``: age-standardised (direct, by the scenario's age bands, with
  Norway's population on 1.1.2025 as the standard).
* ``andel_med_overliggedogn``: share of *utskrivningsklar* stays (ending in the window) with at least one
  overliggedøgn; ``overliggedogn_per_opphold``: mean overliggedøgn per such stay; ``andel_pasienter_med_overliggedogn``:
  the share of those stays' unique patients with at least one (80 % had none in 2021, H-SAMUKP21). Same source.
* ``reinnleggelse_67plus``: emergency readmission between 8 hours and 30 days after a live discharge, patients
  67+, any cause, any hospital (the national quality indicator for municipalities).
* ``reinnleggelse_utskrivningsklare``: emergency readmission 1-30 days after a live discharge from an
  *utskrivningsklar* stay (Helsedirektoratet's report on utskrivningsklare pasienter).

Discharges to long-term care count in the denominators of both readmission indicators, as in the sources (the
model readmits nobody from long-term care).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..data import national_population
from ..eventlog import Kind, LogArrays, Place
from ..scenario.calendar import age_low
from .indicators import Context, _discharges, days_to_readmission
from .intervals import Intervals, overliggedogn

__all__ = ["official", "overliggedogn"]  # overliggedogn: re-exported from .intervals

_EIGHT_HOURS = 8.0 / 24.0


@lru_cache(maxsize=16)
def _standard_population(bands: tuple[str, ...]) -> tuple[float, ...] | None:
    """:func:`~hjemtilhjem.data.national_population` of ``bands``, read from the shipped file once per process
    (not once per replication)."""
    standard = national_population(list(bands))
    return None if standard is None else tuple(standard)


def _share(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def official(log: LogArrays, ctx: Context, st: dict[str, Intervals],
             ) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """The official indicators of one replication: ``(overall, by_municipality)``."""
    w0, w1, yrs = ctx.w0, ctx.w1, ctx.years
    n_m = len(ctx.municipalities)
    pop_m = ctx.population.sum(axis=1)
    ready = st["ready"]
    k = log.kind
    rd_all = np.flatnonzero(k == Kind.READY)  # the ready intervals' opening events, in the same order
    waits = log.extra[rd_all] != Place.HOME  # ready and waiting for a municipal service
    dogn = overliggedogn(ready.start, ready.end, w0, w1)
    dogn_m = np.bincount(ready.municipality[waits], weights=dogn[waits], minlength=n_m) / yrs
    out: dict[str, float] = {"overliggedogn_per_1000": _share(float(dogn_m.sum()), pop_m.sum() / 1000.0)}

    # unique utskrivningsklare persons in the window (a READY event with a municipal destination)
    rd = np.flatnonzero((k == Kind.READY) & (log.extra != Place.HOME) & (log.time >= w0) & (log.time < w1)
                        & (log.person >= 0))
    persons, first = np.unique(log.person[rd], return_index=True)
    who_m = log.municipality[rd][first].astype(np.int64)
    who_b = log.band[rd][first].astype(np.int64)
    per_m = np.bincount(who_m, minlength=n_m) / yrs
    out["utskrivningsklare_pasienter_per_1000"] = _share(float(per_m.sum()), pop_m.sum() / 1000.0)
    n_b = len(ctx.bands)
    band_pop = ctx.population.sum(axis=0)
    standard = _standard_population(tuple(ctx.bands))
    if standard is None or (band_pop <= 0).any():
        out["utskrivningsklare_pasienter_per_1000_std"] = float("nan")
    else:
        rate_b = np.bincount(who_b, minlength=n_b) / yrs / band_pop * 1000.0
        w = np.array(standard) / sum(standard)
        out["utskrivningsklare_pasienter_per_1000_std"] = float((rate_b * w).sum())

    # utskrivningsklar stays ending in the window: share with any overliggedøgn, døgn per such stay
    ended = waits & ready.closed & (ready.end >= w0) & (ready.end <= w1)
    whole = overliggedogn(ready.start, ready.end, -np.inf, np.inf)[ended]
    with_delay = whole >= 1.0
    out["andel_med_overliggedogn"] = _share(float(with_delay.sum()), len(whole))
    out["overliggedogn_per_opphold"] = float(whole[with_delay].mean()) if with_delay.any() else 0.0
    # the same by patient: unique persons with an utskrivningsklar stay ending in the window, share with any delay
    who = ready.person[ended]
    out["andel_pasienter_med_overliggedogn"] = _share(float(len(np.unique(who[with_delay]))), len(np.unique(who)))

    # readmissions: 8 hours to 30 days for 67+, 1-30 days after an utskrivningsklar stay
    dis = _discharges(log, w0, w1 - 30.0)
    gap = days_to_readmission(log, dis)
    old = np.array([age_low(b) >= 67 for b in ctx.bands])[log.band[dis].astype(np.int64)]
    back = (gap >= _EIGHT_HOURS) & (gap <= 30.0)
    out["reinnleggelse_67plus"] = _share(float(back[old].sum()), int(old.sum()))
    ready_dest = np.full(int(log.row.max()) + 1 if len(log) else 0, -1, dtype=np.int64)
    ready_dest[log.row[rd_all]] = log.extra[rd_all]
    after_ready = ready_dest[log.row[dis]] != Place.HOME
    back1 = (gap >= 1.0) & (gap <= 30.0)
    out["reinnleggelse_utskrivningsklare"] = _share(float(back1[after_ready].sum()), int(after_ready.sum()))

    by: dict[str, dict[str, float]] = {}
    end_m = ready.municipality[ended]
    for mi, name in enumerate(ctx.municipalities):
        mine = end_m == mi
        delayed = with_delay & mine
        by[name] = {
            "overliggedogn_per_1000": _share(float(dogn_m[mi]), pop_m[mi] / 1000.0),
            "utskrivningsklare_pasienter_per_1000": _share(float(per_m[mi]), pop_m[mi] / 1000.0),
            "andel_med_overliggedogn": _share(float(delayed.sum()), int(mine.sum())),
            "overliggedogn_per_opphold": float(whole[delayed].mean()) if delayed.any() else 0.0,
        }
    return out, by
