"""Replications, executors, statistics and comparisons."""

from .compare import Comparison, compare
from .precision import PrecisionRule, run_to_precision
from .results import RunResults, run
from .runner import make_executor, run_replications
from .stats import paired_difference, summary
from .sweep import SweepResults, sweep
from .warmup import mser5, warmup_diagnostic

__all__ = ["RunResults", "run", "Comparison", "compare", "PrecisionRule", "run_to_precision", "SweepResults",
           "sweep", "make_executor", "run_replications", "paired_difference", "summary", "mser5",
           "warmup_diagnostic"]
