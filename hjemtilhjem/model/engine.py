"""One replication of the home-to-home pathway: the simulation assembled from its concepts.

* :mod:`.network` - the places a scenario describes (pools, hospitals), compiled once (pure data);
* :mod:`.kernel` - the event calendar, the only code that touches SimPy's internals;
* :mod:`.draws` - what each patient will do, drawn at arrival from named streams (episode records);
* :mod:`.arrivals` - acute events for the whole run;
* :mod:`.pathway` - the pathway's steps (triage, hospital, utskrivningsklar, discharge, readmission);
* :mod:`.places` - pools: request, serve, release, stays, people outside the hospital pathway;
* :mod:`.watch` - the stability watch;
* :mod:`.effects` - intervention effects per municipality x group.

Patients are not SimPy processes: every step of a pathway is one calendar entry whose callback does the
next step (see ``benchmarks/``).
"""

from __future__ import annotations

import gc
import math
import time
from dataclasses import dataclass, field

import numpy as np
import simpy

from ..eventlog import EventLog, LogArrays
from ..scenario.calendar import population_by_band, run_days
from ..scenario.schema import Scenario
from .arrivals import Arrivals
from .draws import Episodes
from .effects import Effect, EffectTable, draw_parameters, effects_table
from .errors import UnstableScenario
from .kernel import Kernel, slots_per_day
from .network import Network, compile_network
from .pathway import READMISSION_WINDOW_DAYS, Pathway
from .places import Places
from .watch import Watch

__all__ = ["Simulation", "RunResult", "Effect", "simulate", "UnstableScenario"]

# methods called back from the calendar: bound once per run (see Simulation.__init__)
_CALLBACKS = ("_on_arrival", "_kad_end", "_die_in_hospital", "_ready", "_leave", "_stay_end", "_readmit",
              "_die_after", "_background_request", "_watch", "_change_capacity", "_leave_to_interim",
              "_leave_queue")


@dataclass
class RunResult:
    """What one replication returns: compact arrays, never live SimPy objects."""

    log: LogArrays
    replication: int
    patients: int  # pathway episodes (acute events that entered, readmissions included)
    events: int
    cpu_seconds: float
    parameters: dict[str, float] = field(default_factory=dict)


class Simulation(Kernel, Arrivals, Pathway, Places, Watch):
    """One replication of a scenario.

    Parameters
    ----------
    scenario
        A validated scenario.
    replication
        Replication index; with ``seed`` it keys every random stream.
    seed
        Defaults to the scenario's seed.
    parameter_uncertainty
        Draw intervention effects from their distributions (default: the scenario's setting).
    check_stability
        Watch queues and the hospital census once a day and raise :class:`UnstableScenario`
        when one grows without bound.
    """

    def __init__(self, scenario: Scenario, replication: int = 0, seed: int | None = None,
                 parameter_uncertainty: bool | None = None, check_stability: bool = True):
        self.scenario = s = scenario
        self.network: Network = compile_network(s)
        self.replication = replication
        self.seed = s.scenario.seed if seed is None else seed
        uncertain = s.scenario.parameter_uncertainty if parameter_uncertainty is None else parameter_uncertainty
        self.parameters = draw_parameters(s, self.seed, replication, uncertain)
        self.effects: EffectTable = effects_table(s, self.parameters)
        self.days = run_days(s)
        self.until = s.scenario.warmup_days + s.scenario.horizon_days
        self.env = simpy.Environment()
        self.log = EventLog()
        self._ev = self.log.event
        self.n_groups = len(s.group)
        self.groups = s.group
        self._init_places()
        self.readmit_scale = s.discharge.readmission_scale_days
        hours = s.discharge.ready_hours
        self.ready_window = None if hours is None else (hours[0] / 24.0, hours[1] / 24.0)
        self.readmit_norm = 1.0 - math.exp(-READMISSION_WINDOW_DAYS / self.readmit_scale)
        self.p_readmit = [g.readmission_30d for g in s.group]
        self.p_death30 = [g.death_30d_after_discharge for g in s.group]
        # per municipality x group: above this, an outcome draw means neither readmission nor death (see _leave)
        self.outcome_bound = np.array([
            max(min(self.p_readmit[gi] * e.readmission_rr, 1.0)
                for fx in self.effects.entries_of(mi * self.n_groups + gi) for e in self.effects[fx])
            + self.p_death30[gi] + 1e-9 for mi in range(len(s.municipality)) for gi in range(self.n_groups)])
        self.next_pid = 0
        self.next_background = -1
        self.patients = 0
        self.readmit_draws: dict[tuple[int, int], Episodes] = {}
        self.check_stability = check_stability
        self.census = [0] * len(self.network.hospitals)  # patients in hospital, by hospital
        self._init_watch()
        self._init_calendar(slots_per_day(float(population_by_band(s).sum())))
        # Bound once: ``self._ready`` would otherwise make a new bound-method object for every calendar
        # entry (and keep it alive while the entry waits). Removed again at the end of ``run``.
        for name in _CALLBACKS:
            setattr(self, name, getattr(self, name))

    def run(self) -> RunResult:
        """Run warm-up plus horizon and return the event log.

        Raises
        ------
        UnstableScenario
            When a municipal queue or the hospital census grows without bound (``check_stability``).
        """
        t0 = time.process_time()
        # The run builds many small lists and no reference cycles; the cyclic garbage collector would
        # only rescan them again and again (about a sixth of the run time), so it is paused meanwhile.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._start_watch()
            self._start_background()
            self._start_arrivals()
            for day, pool, delta in self.network.capacity_changes:
                if day > 0:
                    self._at(day, self._change_capacity, (pool, delta))
            self._run_calendar()
        finally:
            # Break the reference cycles through self (bound methods in the callbacks and in the entries
            # still pending at the end, the readmission draws), so that a finished replication is freed at
            # once rather than at the next garbage collection (which kept two replications in memory).
            for name in _CALLBACKS:
                self.__dict__.pop(name, None)
            self._clear_calendar()
            self.readmit_draws.clear()
            self._clear_places()
            if gc_was_enabled:
                gc.enable()
        self._clear_arrivals()
        log = self.log.arrays()
        return RunResult(log=log, replication=self.replication, patients=self.patients, events=len(log),
                         cpu_seconds=time.process_time() - t0, parameters=dict(self.parameters))


def simulate(scenario: Scenario, replication: int = 0, seed: int | None = None,
             parameter_uncertainty: bool | None = None, check_stability: bool = True) -> RunResult:
    """Run one replication (see :class:`Simulation`)."""
    return Simulation(scenario, replication, seed, parameter_uncertainty, check_stability).run()
