"""Number formatting: Norwegian (space as thousands separator, decimal comma) or English."""

from __future__ import annotations

import math
from typing import Any

NBSP = "\u00a0"


def number(x: Any, lang: str = "nb", digits: int | None = None) -> str:
    """Format a number for a report: 3 significant digits below 100, whole numbers above."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    x = float(x)
    if digits is None:
        digits = 0 if abs(x) >= 100 else (1 if abs(x) >= 10 else (2 if abs(x) >= 1 else 3))
    text = f"{x:,.{digits}f}"
    if lang == "nb":
        text = text.replace(",", NBSP).replace(".", ",")
        if text.startswith("-"):
            text = "−" + text[1:]
    return text
