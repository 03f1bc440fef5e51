"""Indicator keys with their Norwegian (bokmål) and English labels and units: one table for all reports."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Label", "LABELS", "label", "BETTER"]


class Label(NamedTuple):
    nb: str
    en: str
    unit_nb: str
    unit_en: str


LABELS: dict[str, Label] = {
    "readmission_30d": Label("Reinnleggelse innen 30 dager", "Readmission within 30 days", "andel", "share"),
    "bed_occupancy": Label("Beleggsprosent", "Bed occupancy", "andel", "share"),
    "corridor_patient_days": Label("Korridorpasientdøgn", "Corridor patient days", "døgn per år", "days per year"),
    "delayed_days": Label("Liggedøgn for utskrivningsklare", "Delayed discharge days", "døgn per år",
                          "days per year"),
    "delayed_days_per_1000_67plus": Label("Liggedøgn for utskrivningsklare per 1000 innbyggere 67+",
                                          "Delayed days per 1000 inhabitants 67+", "døgn per 1000 per år",
                                          "days per 1000 per year"),
    "delayed_days_per_1000": Label("Liggedøgn for utskrivningsklare per 1000 innbyggere",
                                   "Delayed days per 1000 inhabitants", "døgn per 1000 per år",
                                   "days per 1000 per year"),
    "delayed_payment_nok": Label("Kommunal betaling for utskrivningsklare", "Municipal payment for delayed days",
                                 "kr per år", "NOK per year"),
    "los_mean": Label("Liggetid", "Length of stay", "døgn", "days"),
    "los_mean_75plus": Label("Liggetid 75+", "Length of stay, 75+", "døgn", "days"),
    "home_days_90": Label("Dager hjemme (90 dager)", "Days at home (90 days)", "dager", "days"),
    "mortality_30d": Label("Død innen 30 dager", "Death within 30 days", "andel", "share"),
    "short_term_wait": Label("Ventetid korttidsplass", "Wait for a short-term place", "døgn", "days"),
    "cost_hospital_nok": Label("Kostnader sykehus", "Hospital costs", "kr per år", "NOK per year"),
    "cost_municipal_nok": Label("Kostnader kommuner", "Municipal costs", "kr per år", "NOK per year"),
    "cost_intervention_nok": Label("Kostnader tiltak", "Intervention costs", "kr per år", "NOK per year"),
    "admissions": Label("Sykehusinnleggelser", "Hospital admissions", "per år", "per year"),
    "admissions_per_1000_75plus": Label("Innleggelser per 1000 innbyggere 75+", "Admissions per 1000 aged 75+",
                                        "per 1000 per år", "per 1000 per year"),
    "readmission_30d_75plus": Label("Reinnleggelse innen 30 dager, 75+", "Readmission within 30 days, 75+",
                                    "andel", "share"),
    "hospital_bed_days": Label("Liggedøgn sykehus", "Hospital bed days", "døgn per år", "days per year"),
    "hospital_occupied_beds": Label("Belagte senger", "Occupied beds", "senger", "beds"),
    "utskrivningsklare_per_1000": Label("Utskrivningsklare opphold per 1000 innbyggere",
                                        "Ready-for-discharge stays per 1000 inhabitants", "per 1000 per år",
                                        "per 1000 per year"),
    "share_delayed": Label("Andel utskrivningsklare med liggedøgn", "Share of ready stays with delay", "andel",
                           "share"),
    "delay_per_delayed_stay": Label("Liggedøgn per opphold med forsinkelse", "Delayed days per delayed stay",
                                    "døgn", "days"),
    "kad_admissions_per_1000": Label("KAD-innleggelser per 1000 innbyggere", "KAD admissions per 1000",
                                     "per 1000 per år", "per 1000 per year"),
    "kad_occupancy": Label("Belegg KAD", "KAD occupancy", "andel", "share"),
    "kad_los_mean": Label("Liggetid KAD", "KAD length of stay", "døgn", "days"),
    "short_term_occupancy": Label("Belegg korttidsplasser", "Short-term bed occupancy", "andel", "share"),
    "deaths_in_hospital_share": Label("Andel døde i sykehus", "Share dying in hospital", "andel", "share"),
}

#: +1 when a higher value is better, -1 when lower is better, 0 when neither.
BETTER: dict[str, int] = {
    "readmission_30d": -1, "bed_occupancy": 0, "corridor_patient_days": -1, "delayed_days": -1,
    "delayed_days_per_1000_67plus": -1, "delayed_days_per_1000": -1, "delayed_payment_nok": -1, "los_mean": -1,
    "los_mean_75plus": -1,
    "home_days_90": 1, "mortality_30d": -1, "short_term_wait": -1, "cost_hospital_nok": -1,
    "cost_municipal_nok": -1, "cost_intervention_nok": -1, "admissions": -1, "admissions_per_1000_75plus": -1,
    "readmission_30d_75plus": -1, "hospital_bed_days": -1, "hospital_occupied_beds": -1,
    "utskrivningsklare_per_1000": 0, "share_delayed": -1, "delay_per_delayed_stay": -1,
    "kad_admissions_per_1000": 0, "kad_occupancy": 0, "kad_los_mean": 0, "short_term_occupancy": 0,
    "deaths_in_hospital_share": -1,
}


def label(key: str, lang: str = "nb") -> str:
    """Human label of an indicator key in ``nb`` or ``en`` (the key itself when unknown)."""
    lab = LABELS.get(key)
    if lab is None:
        return key
    return lab.nb if lang == "nb" else lab.en
