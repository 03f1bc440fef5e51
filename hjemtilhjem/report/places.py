"""The report's table of places: each hospital of the health community and each pool shared by several
municipalities, with the bed requirement (places enough on 95 % and 99 % of days at the midnight census)."""

from __future__ import annotations

from ..outcomes.labels import label
from .content import Table, _cell, _cut_note
from .data import ReportData
from .texts import text

__all__ = ["place_table", "PLACE_KEYS"]

#: columns of the table: hospital figures, then pool figures (a cell is "–" where a place has no such figure)
PLACE_KEYS = ("bed_occupancy", "corridor_patient_days", "occupancy", "wait_mean", "delayed_days", "places_needed_95",
              "places_needed_99")


def place_table(data: ReportData, lang: str = "nb") -> Table | None:
    """Hospitals and shared pools, one row per place and scenario (None when the results have no places)."""
    hospitals = list(dict.fromkeys(h for s in data.scenarios for h in s.by_hospital))
    pools = list(dict.fromkeys(p for s in data.scenarios for p in s.by_pool if p in data.shared_pools))
    if not hospitals and not pools:
        return None
    multi = len(data.scenarios) > 1
    header = [text("report.place", lang)] + ([text("report.scenario", lang)] if multi else [])
    header += [label(k, lang) for k in PLACE_KEYS]
    rows: list[list[str]] = []
    groups: list[int] = []
    for kind, names in (("by_hospital", hospitals), ("by_pool", pools)):
        for name in names:
            groups.append(len(rows))
            for i, s in enumerate(data.scenarios):
                figures = getattr(s, kind).get(name, {})
                cells = [name if i == 0 else ""] + ([s.name] if multi else [])
                cells += [_cell(k, figures.get(k), lang) for k in PLACE_KEYS]
                rows.append(cells)
    return Table(text("report.place_caption", lang) + _cut_note(rows, lang), header, rows,
                 [False] * (1 + multi) + [True] * len(PLACE_KEYS), groups if multi else [])
