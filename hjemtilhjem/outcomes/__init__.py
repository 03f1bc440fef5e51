"""Event log -> indicators (pure numpy, no SimPy)."""

from .indicators import Context, context, daily, indicators
from .labels import LABELS, label

__all__ = ["Context", "context", "daily", "indicators", "LABELS", "label"]
