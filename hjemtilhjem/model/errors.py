"""Errors the model raises about a scenario (a scenario problem: the CLI exits 2)."""

from __future__ import annotations

__all__ = ["UnstableScenario"]


class UnstableScenario(Exception):
    """A queue or the hospital census grows without bound: the scenario has no steady state.

    Attributes
    ----------
    municipality, service
        Where it was seen: a municipality (for a shared pool, its members) and a service; for the hospital
        census, the hospital's name and ``"hospital"``.
    day
        Simulated day when it was detected.
    """

    def __init__(self, message: str, municipality: str = "", service: str = "", day: float = 0.0):
        super().__init__(message)
        self.municipality = municipality
        self.service = service
        self.day = day

    def __reduce__(self) -> tuple[type, tuple[str, str, str, float]]:  # keep the fields across processes
        return (UnstableScenario, (str(self), self.municipality, self.service, self.day))
