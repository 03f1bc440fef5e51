"""Indicator keys with their Norwegian (bokmål) and English labels, units, ranges and which way is better: the
facts about each indicator that ``summary.json`` carries beside its value. The report's own wording (group and
place names, captions, sentences) lives with the report, in :mod:`hjemtilhjem.report.texts`."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Label", "LABELS", "label", "bounds", "BETTER", "unit"]


class Label(NamedTuple):
    """Labels and unit of an indicator, and the range its value can take.

    ``low`` / ``high`` bound what the indicator can be (``None``: unbounded): counts, days, NOK paid
    and shares cannot be negative; shares of events cannot exceed 1. A 95% CI is cut at these bounds
    (:func:`hjemtilhjem.experiment.stats.summary`); differences between scenarios are never cut.
    """

    nb: str
    en: str
    unit_nb: str
    unit_en: str
    low: float | None = 0.0
    high: float | None = None


LABELS: dict[str, Label] = {
    "readmission_30d": Label("Reinnleggelse innen 30 dager", "Readmission within 30 days", "andel", "share", high=1.0),
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
    "home_days_90": Label("Dager hjemme (90 dager)", "Days at home (90 days)", "dager", "days",
                          high=90.0),
    "mortality_30d": Label("Død innen 30 dager", "Death within 30 days", "andel", "share", high=1.0),
    "short_term_wait": Label("Ventetid korttidsplass", "Wait for a short-term place", "døgn", "days"),
    # the partners' budgets (DESIGN.md 4.1): fixed + variable + their share of intervention costs, the delayed-day
    # payment paid by the municipalities and received by the hospital (net of it: may be negative)
    "cost_hospital_nok": Label("Kostnader sykehus", "Hospital costs", "kr per år", "NOK per year", low=None),
    "cost_municipal_nok": Label("Kostnader kommuner", "Municipal costs", "kr per år", "NOK per year"),
    # an intervention's costs may be negative (a saving): cost_per_patient_nok and annual_cost_nok have no bound
    "cost_intervention_nok": Label("Kostnader tiltak", "Intervention costs", "kr per år", "NOK per year",
                                   low=None),
    # fixed costs follow from the scenario alone (the same in every replication): no interval to cut
    "cost_hospital_fixed_nok": Label("Faste kostnader sykehus (bemannede senger)",
                                     "Hospital fixed costs (staffed beds)", "kr per år", "NOK per year", low=None),
    "cost_hospital_variable_nok": Label("Variable kostnader sykehus (belagte døgn)",
                                        "Hospital variable costs (occupied days)", "kr per år", "NOK per year"),
    "cost_hospital_intervention_nok": Label("Tiltakskostnader betalt av sykehuset", "Intervention costs paid by "
                                            "the hospital", "kr per år", "NOK per year", low=None),
    "cost_municipal_fixed_nok": Label("Faste kostnader kommuner (bemannede plasser)",
                                      "Municipal fixed costs (staffed places)", "kr per år", "NOK per year", low=None),
    "cost_municipal_variable_nok": Label("Variable kostnader kommuner (belagte døgn)",
                                         "Municipal variable costs (occupied days)", "kr per år", "NOK per year"),
    "cost_municipal_intervention_nok": Label("Tiltakskostnader betalt av kommunene", "Intervention costs paid by "
                                             "the municipalities", "kr per år", "NOK per year", low=None),
    "cost_total_nok": Label("Kostnader i alt (sykehus og kommuner)", "Total costs (hospital and municipalities)",
                            "kr per år", "NOK per year", low=None),
    "readmissions": Label("Reinnleggelser innen 30 dager (antall)", "Readmissions within 30 days (number)",
                          "per år", "per year"),
    "admissions": Label("Sykehusinnleggelser", "Hospital admissions", "per år", "per year"),
    "admissions_per_1000_75plus": Label("Innleggelser per 1000 innbyggere 75+", "Admissions per 1000 aged 75+",
                                        "per 1000 per år", "per 1000 per year"),
    "readmission_30d_75plus": Label("Reinnleggelse innen 30 dager, 75+", "Readmission within 30 days, 75+",
                                    "andel", "share", high=1.0),
    "hospital_bed_days": Label("Liggedøgn sykehus", "Hospital bed days", "døgn per år", "days per year"),
    "hospital_occupied_beds": Label("Belagte senger", "Occupied beds", "senger", "beds"),
    "utskrivningsklare_per_1000": Label("Utskrivningsklare opphold per 1000 innbyggere",
                                        "Ready-for-discharge stays per 1000 inhabitants", "per 1000 per år",
                                        "per 1000 per year"),
    "share_delayed": Label("Andel utskrivningsklare med liggedøgn", "Share of ready stays with delay", "andel",
                           "share", high=1.0),
    "delay_per_delayed_stay": Label("Liggedøgn per opphold med forsinkelse", "Delayed days per delayed stay",
                                    "døgn", "days"),
    "kad_admissions_per_1000": Label("KAD-innleggelser per 1000 innbyggere", "KAD admissions per 1000",
                                     "per 1000 per år", "per 1000 per year"),
    "kad_occupancy": Label("Belegg KAD", "KAD occupancy", "andel", "share"),
    "kad_los_mean": Label("Liggetid KAD", "KAD length of stay", "døgn", "days"),
    "short_term_occupancy": Label("Belegg korttidsplasser", "Short-term bed occupancy", "andel", "share"),
    "deaths_in_hospital_share": Label("Andel døde i sykehus", "Share dying in hospital", "andel", "share", high=1.0),
    # the official indicators (outcomes.official; DESIGN 4.1)
    "overliggedogn_per_1000": Label("Overliggedøgn per 1000 innbyggere", "Delayed days (døgn) per 1000 inhabitants",
                                    "døgn per 1000 per år", "days per 1000 per year"),
    "utskrivningsklare_pasienter_per_1000": Label("Utskrivningsklare pasienter per 1000 innbyggere",
                                                  "Patients ready for discharge per 1000 inhabitants",
                                                  "per 1000 per år", "per 1000 per year"),
    "utskrivningsklare_pasienter_per_1000_std": Label(
        "Utskrivningsklare pasienter per 1000 innbyggere, aldersstandardisert",
        "Patients ready for discharge per 1000 inhabitants, age-standardised", "per 1000 per år",
        "per 1000 per year"),
    "andel_med_overliggedogn": Label("Andel utskrivningsklare opphold med overliggedøgn",
                                     "Share of ready-for-discharge stays with delayed days", "andel", "share",
                                     high=1.0),
    "andel_pasienter_med_overliggedogn": Label("Andel utskrivningsklare pasienter med overliggedøgn",
                                               "Share of ready-for-discharge patients with delayed days", "andel",
                                               "share", high=1.0),
    "overliggedogn_per_opphold": Label("Overliggedøgn per opphold med overliggedøgn",
                                       "Delayed days per stay with delayed days", "døgn", "days"),
    "reinnleggelse_67plus": Label("Reinnleggelse 8 timer–30 dager, 67 år og eldre",
                                  "Readmission 8 hours to 30 days, aged 67+", "andel", "share", high=1.0),
    "reinnleggelse_utskrivningsklare": Label("Reinnleggelse 1–30 dager etter utskrivningsklart opphold",
                                             "Readmission 1–30 days after a ready-for-discharge stay", "andel",
                                             "share", high=1.0),
    # per pool of places (outcomes.places)
    "clients_in_place": Label("Brukere i tjenesten (snitt)", "Clients in the service (mean)", "personer", "persons"),
    "occupancy": Label("Belegg", "Occupancy", "andel", "share"),
    "requests": Label("Søknader om plass", "Requests for a place", "per år", "per year"),
    "wait_mean": Label("Ventetid til plass", "Wait for a place", "døgn", "days"),
    "census_mean": Label("Belegg ved midnatt (snitt)", "Midnight census (mean)", "personer", "persons"),
    "places_needed_95": Label("Plasser nok 95 % av dagene", "Places enough on 95% of days", "plasser", "places"),
    "places_needed_99": Label("Plasser nok 99 % av dagene", "Places enough on 99% of days", "plasser", "places"),
    "share_days_over_beds": Label("Andel dager over bemannede senger", "Share of days above staffed beds", "andel",
                                  "share", high=1.0),
    "capacity": Label("Kapasitet (plasser eller timer per uke)", "Capacity (places or hours per week)",
                      "plasser / timer", "places / hours"),
}

#: +1 when a higher value is better, -1 when lower is better, 0 when neither.
BETTER: dict[str, int] = {
    "readmission_30d": -1, "bed_occupancy": 0, "corridor_patient_days": -1, "delayed_days": -1,
    "delayed_days_per_1000_67plus": -1, "delayed_days_per_1000": -1, "delayed_payment_nok": -1, "los_mean": -1,
    "los_mean_75plus": -1,
    "home_days_90": 1, "mortality_30d": -1, "short_term_wait": -1, "cost_hospital_nok": -1,
    "cost_municipal_nok": -1, "cost_intervention_nok": -1, "cost_hospital_fixed_nok": -1,
    "cost_hospital_variable_nok": -1, "cost_hospital_intervention_nok": -1, "cost_municipal_fixed_nok": -1,
    "cost_municipal_variable_nok": -1, "cost_municipal_intervention_nok": -1, "cost_total_nok": -1,
    "readmissions": -1, "admissions": -1, "admissions_per_1000_75plus": -1,
    "readmission_30d_75plus": -1, "hospital_bed_days": -1, "hospital_occupied_beds": -1,
    "utskrivningsklare_per_1000": 0, "share_delayed": -1, "delay_per_delayed_stay": -1,
    "kad_admissions_per_1000": 0, "kad_occupancy": 0, "kad_los_mean": 0, "short_term_occupancy": 0,
    "overliggedogn_per_1000": -1, "utskrivningsklare_pasienter_per_1000": 0,
    "utskrivningsklare_pasienter_per_1000_std": 0, "andel_med_overliggedogn": -1,
    "andel_pasienter_med_overliggedogn": -1,
    "overliggedogn_per_opphold": -1, "reinnleggelse_67plus": -1, "reinnleggelse_utskrivningsklare": -1,
    "deaths_in_hospital_share": -1, "clients_in_place": 0, "occupancy": 0, "requests": 0, "wait_mean": -1,
    "capacity": 0, "census_mean": 0, "places_needed_95": 0, "places_needed_99": 0, "share_days_over_beds": -1,
}


def bounds(key: str) -> tuple[float | None, float | None]:
    """``(low, high)``: the range an indicator's value can take (``(None, None)`` when unknown)."""
    lab = LABELS.get(key)
    return (None, None) if lab is None else (lab.low, lab.high)


def label(key: str, lang: str = "nb") -> str:
    """Human label of an indicator key in ``nb`` or ``en`` (the key itself when unknown)."""
    lab = LABELS.get(key)
    if lab is None:
        return key
    return lab.nb if lang == "nb" else lab.en


def unit(key: str, lang: str = "nb") -> str:
    """Unit of an indicator key in ``nb`` or ``en`` ("" when unknown)."""
    lab = LABELS.get(key)
    if lab is None:
        return ""
    return lab.unit_nb if lang == "nb" else lab.unit_en
