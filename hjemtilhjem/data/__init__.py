"""Data shipped inside the package: population by municipality and age band, hospital-trust catchments.

Sources, years and column meanings are in ``README.md`` beside the files (and ``hf_catchments_2024.md`` for the
catchments). The files are read through :mod:`importlib.resources`, so they are found wherever the package is
installed.
"""

from __future__ import annotations

import csv
import io
from importlib.resources import files
from importlib.resources.abc import Traversable

#: Population on 1 January 2025 and 2026 by municipality (2024 borders) and age band; SSB table 07459 via FHI csdata
POPULATION = "population_municipality_age_2025_2026.csv"
#: Municipality -> hospital trust(s) and health community, with shares for split municipalities; SKDE and others
CATCHMENTS = "hf_catchments_2024.csv"


def path(name: str) -> Traversable:
    """The shipped file ``name`` (e.g. :data:`POPULATION`); open it with ``.open(encoding="utf-8")``."""
    resource = files(__name__) / name
    if not resource.is_file():
        raise FileNotFoundError(f"hjemtilhjem.data has no file {name!r}")
    return resource


def _rows(name: str) -> list[dict[str, str]]:
    text = path(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def population(year: int | None = None) -> list[dict[str, str]]:
    """Rows of :data:`POPULATION` as strings (municipality numbers keep their leading zero), in file order.

    Columns: ``year, municipality_number, municipality, county_number, county, 0-17, 18-66, 67-74, 75-79, 80-84,
    85-89, 90+, total``. With ``year``, only that year's rows (2025 or 2026).
    """
    rows = _rows(POPULATION)
    return rows if year is None else [r for r in rows if int(r["year"]) == year]


def catchments() -> list[dict[str, str]]:
    """Rows of :data:`CATCHMENTS` as strings: ``municipality_number, municipality_name, health_trust,
    health_community, share, source`` (``share`` is a decimal string; a municipality's shares sum to 1)."""
    return _rows(CATCHMENTS)


#: age bands of :data:`POPULATION` as (lowest, highest) age
_BANDS = {"0-17": (0, 17), "18-66": (18, 66), "67-74": (67, 74), "75-79": (75, 79), "80-84": (80, 84),
          "85-89": (85, 89), "90+": (90, 200)}


def national_population(bands: list[str], year: int = 2025) -> list[float] | None:
    """Norway's population in the scenario's age ``bands`` (e.g. ``["0-66", "67-74", "75-79", "80+"]``): the sum
    of the shipped bands inside each; ``None`` when a band does not start and end where shipped bands do (the
    standard population of age-standardised indicators)."""
    totals = {name: 0 for name in _BANDS}
    for r in population(year):
        for name in _BANDS:
            totals[name] += int(r[name])
    out = []
    for band in bands:
        low = int(band.rstrip("+").split("-")[0])
        high = 200 if band.endswith("+") else int(band.split("-")[1])
        inside = [n for n, (a, b) in _BANDS.items() if low <= a and b <= high]
        if not inside or min(_BANDS[n][0] for n in inside) != low or max(_BANDS[n][1] for n in inside) != high:
            return None
        out.append(float(sum(totals[n] for n in inside)))
    return out
