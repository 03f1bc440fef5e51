"""Replications, executors, statistics and comparisons."""

from .results import RunResults, run
from .runner import make_executor, run_replications
from .stats import paired_difference, summary

__all__ = ["RunResults", "run", "make_executor", "run_replications", "paired_difference", "summary"]
