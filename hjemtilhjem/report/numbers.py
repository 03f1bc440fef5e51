"""Number formatting: Norwegian (no-break space as thousands separator, decimal comma) or English.

Values are shown in the unit a reader expects: shares as percent, NOK per year in million kroner,
days and counts as plain numbers with three significant digits below 100.
"""

from __future__ import annotations

import math
from typing import Any

from ..outcomes.labels import LABELS, bounds

__all__ = ["NBSP", "CUT", "number", "is_missing", "kind", "value", "ci", "value_unit", "diff_unit", "scaled",
           "joint_digits", "with_unit", "cut_limits"]

NBSP = "\u00a0"
MINUS = "\u2212"
#: marks a CI limit cut at what the indicator can be (0, or 100 % for a share of patients)
CUT = "\u2020"


def is_missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x: Any, lang: str = "nb", digits: int | None = None) -> str:
    """Format a number for a report: 3 significant digits below 100, whole numbers above."""
    if is_missing(x):
        return "–"
    x = float(x)
    if digits is None and x.is_integer():
        digits = 0
    if digits is None:
        digits = 0 if abs(x) >= 99.95 else (1 if abs(x) >= 9.995 else (2 if abs(x) >= 0.9995 else 3))
    text = f"{x:,.{digits}f}"
    if text.lstrip("-").strip("0.,") == "":  # -0.0 -> 0.0
        text = text.lstrip("-")
    if lang == "nb":
        text = text.replace(",", NBSP).replace(".", ",")
        if text.startswith("-"):
            text = MINUS + text[1:]
    else:
        text = text.replace("-", MINUS, 1) if text.startswith("-") else text
    return text


def kind(key: str) -> str:
    """How an indicator is shown: ``"share"``, ``"nok"`` or ``"number"``."""
    lab = LABELS.get(key)
    if lab is None:
        return "number"
    if lab.unit_en == "share":
        return "share"
    if "NOK" in lab.unit_en:
        return "nok"
    return "number"


def scaled(key: str, x: Any) -> float:
    """The value in display units: percent for shares, million NOK for costs."""
    if is_missing(x):
        return float("nan")
    k = kind(key)
    return float(x) * (100.0 if k == "share" else 1e-6 if k == "nok" else 1.0)


def value(key: str, x: Any, lang: str = "nb") -> str:
    """An indicator value in display units, without the unit."""
    if is_missing(x):
        return "–"
    k = kind(key)
    v = scaled(key, x)
    if k == "share":
        return number(v, lang, 1)
    if k == "nok":
        return number(v, lang, 0 if abs(v) >= 100 else 1 if abs(v) >= 10 else 2)
    return number(v, lang)


def joint_digits(key: str, *xs: Any) -> int | None:
    """Digits that suit the largest of several values, so a CI reads consistently."""
    vals = [abs(scaled(key, x)) for x in xs if not is_missing(x)]
    if not vals:
        return None
    m = max(vals)
    if kind(key) == "share":
        return 1
    if kind(key) == "nok":
        return 0 if m >= 100 else 1 if m >= 10 else 2
    return 0 if m >= 99.95 else (1 if m >= 9.995 else (2 if m >= 0.9995 else 3))


def cut_limits(key: str, lo: Any, hi: Any) -> tuple[float | None, float | None]:
    """The bounds a truncated CI ``[lo, hi]`` of ``key`` was cut at: ``(low or None, high or None)``."""
    low, high = bounds(key)
    return (low if low is not None and not is_missing(lo) and float(lo) <= low else None,
            high if high is not None and not is_missing(hi) and float(hi) >= high else None)


def ci(key: str, lo: Any, hi: Any, lang: str = "nb", truncated: bool = False) -> str:
    """A 95% CI in display units: "640–985", or "−40 til 15" when a bound is negative.

    With ``truncated`` (the summary's ``ci95_truncated``) a limit cut at what the indicator can be is
    marked with :data:`CUT`: "0†–1 295".
    """
    if is_missing(lo) or is_missing(hi):
        return "–"
    d = joint_digits(key, lo, hi)
    a, b = number(scaled(key, lo), lang, d), number(scaled(key, hi), lang, d)
    if truncated:
        low, high = cut_limits(key, lo, hi)
        a += CUT if low is not None else ""
        b += CUT if high is not None else ""
    if float(lo) < 0 or float(hi) < 0:
        return f"{a} {'til' if lang == 'nb' else 'to'} {b}"
    return f"{a}–{b}"


def value_unit(key: str, lang: str = "nb") -> str:
    """The display unit of an indicator ("%" for shares, "mill. kr per år" for NOK per year)."""
    lab = LABELS.get(key)
    if lab is None:
        return ""
    k = kind(key)
    if k == "share":
        return "%"
    if k == "nok":
        return "mill. kr per år" if lang == "nb" else "million NOK per year"
    return lab.unit_nb if lang == "nb" else lab.unit_en


def diff_unit(key: str, lang: str = "nb") -> str:
    """The unit of a difference: percentage points for shares, else the display unit."""
    if kind(key) == "share":
        return "prosentpoeng" if lang == "nb" else "percentage points"
    return value_unit(key, lang)


def with_unit(key: str, text: str, lang: str = "nb") -> str:
    """``text`` followed by the display unit ("9,6 %", "812 døgn per år")."""
    u = value_unit(key, lang)
    if not u:
        return text
    if u == "%":
        return f"{text}{NBSP}%" if lang == "nb" else f"{text}%"
    return f"{text} {u}"
