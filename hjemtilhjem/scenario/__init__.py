"""Scenario files: TOML loading, extends/merge, validation, schema (pure data, no SimPy)."""

from .loader import LoadedScenario, ScenarioError, load_scenario, scenario_sha256
from .schema import Scenario

__all__ = ["LoadedScenario", "Scenario", "ScenarioError", "load_scenario", "scenario_sha256"]
