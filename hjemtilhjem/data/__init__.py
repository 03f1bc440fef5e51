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
