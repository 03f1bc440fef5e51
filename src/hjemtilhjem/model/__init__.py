"""SimPy model of the pathway: demand, triage, hospital, discharge, municipal services, readmission."""

from .engine import RunResult, Simulation, simulate

__all__ = ["RunResult", "Simulation", "simulate"]
