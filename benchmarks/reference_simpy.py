"""Idiomatic, tutorial-style SimPy reference pathway (speed yardstick).

INTENTIONALLY unoptimised: one generator process per patient episode and
``with resource.request()`` blocks, as a typical SimPy modeller writes it.
It is the yardstick our optimised model is compared against.

Model: Poisson arrivals 8.5/day for ``days`` (default 1825 = 5 years); 60
hospital beds, LOS ~ LogNormal(mean 5 d, sd 4 d).  30% then need one of 46
municipal beds, requested while still HOLDING the hospital bed (bed blocking);
the hospital bed is released when the municipal bed is granted, and the
municipal stay is Exponential(mean 14 d).  15% are readmitted: after final
discharge they wait Uniform(0, 30) d and start a new patient process
(episode + 1).  ``pathways`` counts every episode that entered (arrivals +
readmissions); ``events`` counts calls to ``Environment.step`` (every
processed SimPy event, incl. process init/resume events and the ``until``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

ARRIVALS_PER_DAY = 8.5
HOSPITAL_BEDS = 60
MUNICIPAL_BEDS = 46
LOS_MEAN, LOS_SD = 5.0, 4.0
P_MUNICIPAL = 0.30
MUNICIPAL_MEAN = 14.0
P_READMIT = 0.15
READMIT_MAX_WAIT = 30.0

# LogNormal: convert mean/sd of the LOS to mu/sigma of the underlying normal.
LOS_SIGMA = math.sqrt(math.log(1.0 + (LOS_SD / LOS_MEAN) ** 2))
LOS_MU = math.log(LOS_MEAN) - LOS_SIGMA**2 / 2.0


class CountingEnvironment(simpy.Environment):
    """Environment that counts every processed event."""

    def __init__(self) -> None:
        super().__init__()
        self.events_processed = 0

    def step(self) -> None:
        self.events_processed += 1
        super().step()


class Hospital:
    """Shared model state: resources, RNG, and the statistics we collect."""

    def __init__(self, env: simpy.Environment, rng: np.random.Generator) -> None:
        self.beds = simpy.Resource(env, capacity=HOSPITAL_BEDS)
        self.municipal = simpy.Resource(env, capacity=MUNICIPAL_BEDS)
        self.rng = rng
        self.pathways = 0
        self.occupied = 0  # time-weighted hospital occupancy integral below
        self.area = 0.0
        self.last_t = 0.0
        self.municipal_waits: list[float] = []

    def bed_change(self, now: float, delta: int) -> None:
        self.area += self.occupied * (now - self.last_t)
        self.occupied += delta
        self.last_t = now


def patient(
    env: simpy.Environment, h: Hospital, episode: int = 1
) -> Generator[Any, Any, None]:
    h.pathways += 1
    with h.beds.request() as req:
        yield req
        h.bed_change(env.now, +1)
        yield env.timeout(h.rng.lognormal(LOS_MU, LOS_SIGMA))
        needs_municipal = h.rng.random() < P_MUNICIPAL
        if needs_municipal:
            asked = env.now
            mreq = h.municipal.request()
            yield mreq  # still holding the hospital bed: bed blocking
            h.municipal_waits.append(env.now - asked)
        h.bed_change(env.now, -1)
    # hospital bed released here (end of the ``with`` block)
    if needs_municipal:
        yield env.timeout(h.rng.exponential(MUNICIPAL_MEAN))
        h.municipal.release(mreq)
    if h.rng.random() < P_READMIT:
        yield env.timeout(h.rng.uniform(0.0, READMIT_MAX_WAIT))
        env.process(patient(env, h, episode + 1))


def arrivals(env: simpy.Environment, h: Hospital) -> Generator[Any, Any, None]:
    while True:
        yield env.timeout(h.rng.exponential(1.0 / ARRIVALS_PER_DAY))
        env.process(patient(env, h))


def simulate(seed: int = 1, days: float = 1825.0) -> tuple[dict[str, Any], Hospital]:
    env = CountingEnvironment()
    h = Hospital(env, np.random.default_rng(seed))
    env.process(arrivals(env, h))
    wall0, cpu0 = time.perf_counter(), time.process_time()
    env.run(until=days)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    h.bed_change(days, 0)  # close the occupancy integral at the horizon
    result = {
        "pathways": h.pathways,
        "events": env.events_processed,
        "wall_seconds": wall,
        "cpu_seconds": cpu,
    }
    return result, h


def run_reference(seed: int = 1, days: float = 1825.0) -> dict[str, Any]:
    """Run the reference model once; return pathways, events and timings."""
    return simulate(seed, days)[0]


if __name__ == "__main__":
    DAYS = 1825.0
    res, h = simulate(seed=1, days=DAYS)
    n, ev, wall = res["pathways"], res["events"], res["wall_seconds"]
    waits = h.municipal_waits
    print(f"pathways={n} events={ev} events/pathway={ev / n:.2f}")
    print(f"wall={wall:.3f}s cpu={res['cpu_seconds']:.3f}s pathways/s={n / wall:,.0f}")
    print(f"mean hospital occupancy={h.area / DAYS:.2f} of {HOSPITAL_BEDS} beds")
    print(
        f"mean municipal wait={sum(waits) / max(len(waits), 1):.2f} d (n={len(waits)})"
    )
