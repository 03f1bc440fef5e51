"""SimPy model of the pathway: demand, triage, hospital, discharge, municipal services, readmission."""

from .engine import RunResult, Simulation, simulate
from .errors import UnstableScenario

__all__ = ["RunResult", "Simulation", "simulate", "UnstableScenario"]
