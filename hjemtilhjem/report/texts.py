"""The report's wording in Norwegian (bokmål) and English: names of groups, places, flows and payers, captions and
the fixed sentences of reports. Indicator labels and units are in :mod:`hjemtilhjem.outcomes.labels`."""

from __future__ import annotations

__all__ = ["TEXT", "VERBS", "text"]

#: Names of groups, places, flows, payers and the fixed wording of reports: key -> (nb, en).
TEXT: dict[str, tuple[str, str]] = {
    # patient groups
    "group.frail_elderly": ("Skrøpelige eldre", "Frail elderly"),
    "group.multimorbid": ("Multisyke", "Multimorbid"),
    "group.other": ("Andre pasienter", "Other patients"),
    "group.children_youth": ("Barn og unge", "Children and youth"),
    "group.mental_substance": ("Psykisk helse og rus", "Mental health and substance use"),
    "group.all": ("Alle pasienter", "All patients"),
    # places and pathway flows
    "flow.acute_events": ("Akutte hendelser", "Acute events"),
    "flow.triage_hospital": ("Direkte til sykehus", "Straight to hospital"),
    "flow.triage_kad": ("KAD (kommunal akutt døgnenhet)", "KAD (municipal acute bed)"),
    "flow.triage_home": ("Behandlet hjemme", "Treated at home"),
    "flow.kad_to_hospital": ("KAD → sykehus", "KAD → hospital"),
    "flow.kad_to_home": ("KAD → hjem", "KAD → home"),
    "flow.readmissions": ("Reinnleggelser", "Readmissions"),
    "flow.readmissions_30d": ("Reinnlagt innen 30 dager", "Readmitted within 30 days"),
    "flow.hospital_admissions": ("Sykehusinnleggelser", "Hospital admissions"),
    "flow.discharge_home": ("Hjem", "Home"),
    "flow.discharge_home_care": ("Hjem med hjemmetjeneste", "Home with home care"),
    "flow.discharge_short_term": ("Korttidsopphold", "Short-term stay"),
    "flow.discharge_rehab": ("Rehabilitering", "Rehabilitation"),
    "flow.discharge_long_term": ("Langtidsplass", "Long-term care"),
    "flow.deaths_in_hospital": ("Død i sykehus", "Died in hospital"),
    "flow.triage": ("Fastlege / legevakt", "GP / out-of-hours"),
    "flow.hospital": ("Sykehus", "Hospital"),
    "flow.kad": ("KAD", "KAD"),
    # payers
    "payer.hospital": ("Sykehus", "Hospital"),
    "payer.intervention": ("Tiltak", "Intervention"),
    "payer.all": ("Alle betalere", "All payers"),
    "cost.own": ("Kostnader betaleren selv bærer", "Costs borne by the payer"),
    "cost.own_net": ("Sykehusets kostnader etter mottatt betaling", "Hospital cost net of payment received"),
    "cost.payment_paid": ("Betaling for utskrivningsklare (betalt til sykehuset)",
                          "Delayed-day payment (paid to the hospital)"),
    "cost.payment_received": ("Betaling for utskrivningsklare (mottatt fra kommunene)",
                              "Delayed-day payment (received from municipalities)"),
    "cost.intervention": ("Kostnader tiltak", "Intervention costs"),
    # short column headings of the per-municipality table
    "short.delayed_days": ("Liggedøgn utskrivnings­klare (døgn per år)", "Delayed days (days per year)"),
    "short.delayed_days_per_1000_67plus": ("Liggedøgn per 1000 innb. 67+", "Delayed days per 1000 aged 67+"),
    "short.delayed_payment_nok": ("Betaling (mill. kr per år)", "Payment (million NOK per year)"),
    "short.admissions": ("Innleggelser per år", "Admissions per year"),
    "short.readmission_30d": ("Reinnleggelse 30 d (%)", "Readmission 30 d (%)"),
    "short.home_days_90": ("Dager hjemme av 90", "Days at home of 90"),
    "short.cost_municipal_nok": ("Kostnader (mill. kr per år)", "Costs (million NOK per year)"),
    # report wording
    "report.title": ("Hjem-til-hjem: simuleringsrapport", "Home-to-home: simulation report"),
    "report.compare_title": ("Hjem-til-hjem: sammenligning av scenarioer", "Home-to-home: comparison of scenarios"),
    "report.intro": (
        "Rapporten viser resultatene av en diskret hendelsessimulering av pasientforløpet hjem-til-hjem "
        "(hjem → akutt hendelse → fastlege/legevakt → sykehus eller KAD → utskrivningsklar → utskrivning → "
        "kommunal oppfølging → reinnleggelse). Hvert tall er gjennomsnittet av {replications} uavhengige "
        "gjentak (replikasjoner) av ett år; 95 % konfidensintervall (KI) viser usikkerheten i gjennomsnittet.",
        "This report shows the results of a discrete-event simulation of the home-to-home patient pathway "
        "(home → acute event → GP/out-of-hours → hospital or KAD → ready for discharge → discharge → municipal "
        "follow-up → readmission). Every figure is the mean of {replications} independent replications of one "
        "year; the 95% confidence interval (CI) shows the uncertainty of that mean."),
    "report.compare_intro": (
        "Scenarioene er kjørt med de samme tilfeldige tallene (felles slumptall), slik at forskjellene mellom "
        "dem er parvise og ikke skyldes tilfeldigheter i hvem som blir syk. Referansen er «{reference}».",
        "The scenarios were run with the same random numbers (common random numbers), so the differences between "
        "them are paired and do not come from chance in who falls ill. The reference is “{reference}”."),
    "report.key_findings": ("Hovedfunn", "Key findings"),
    "report.indicators": ("Indikatorer", "Indicators"),
    "report.differences": ("Forskjeller fra referansen", "Differences from the reference"),
    "report.figures": ("Figurer", "Figures"),
    "report.by_municipality": ("Per kommune", "By municipality"),
    "report.by_place": ("Per sykehus og felles tjeneste", "By hospital and shared service"),
    "report.place": ("Sted", "Place"),
    "report.place_caption": ("Sykehus (beleggsprosent og korridorpasientdøgn mot egne senger) og tjenester som "
                             "flere kommuner deler (belegg, ventetid til plass og liggedøgn for utskrivningsklare som "
                             "venter på dem): gjennomsnitt per år med 95 % konfidensintervall. Sengebehov: antall "
                             "plasser som ved midnatt rommer pasientene (sykehus) eller dem som har eller venter på "
                             "plass (tjenester) på 95 % og 99 % av dagene. Et eksternt sykehus har ingen senger i "
                             "modellen.",
                             "Hospitals (bed occupancy and corridor patient days against their own beds) and services "
                             "shared by several municipalities (occupancy, wait for a place and the delayed days of "
                             "patients waiting for them): mean per year with the 95% confidence interval. Bed "
                             "requirement: the places that hold, at midnight, the patients (hospital) or those in or "
                             "waiting for a place (services) on 95% and 99% of days. An external hospital has no beds "
                             "in the model."),
    "report.flows": ("Pasientstrømmer per år", "Patient flows per year"),
    "report.provenance": ("Proveniens", "Provenance"),
    "report.model_summary": ("Modellbeskrivelse (STRESS-DES)", "Model summary (STRESS-DES)"),
    "report.sources": ("Datakilder", "Data sources"),
    "report.how_to_read": ("Slik leser du tallene", "How to read the figures"),
    "report.how_to_read_text": (
        "«95 % KI» er et 95 % konfidensintervall for gjennomsnittet over replikasjonene (Student t). For "
        "størrelser som ikke kan være negative (antall, døgn, kroner, andeler) kuttes intervallet ved 0, andeler "
        "av pasienter ved 100 % og dager hjemme ved 90; en kuttet grense er merket † i tabellene. Forskjeller "
        "mellom scenarioer kuttes ikke. Et intervall som "
        "ikke omfatter null betyr at forskjellen er statistisk sikker gitt modellen og dens forutsetninger. "
        "Tallene gjelder det målte året etter innsvingingsperioden (oppvarming) på {warmup} dager. Modellen "
        "bygger på kilder og anslag som er oppgitt i scenariofilen; anslag bør kalibreres mot egne data.",
        "“95% CI” is a 95% confidence interval of the mean across replications (Student t). For quantities that "
        "cannot be negative (counts, days, NOK, shares) the interval is cut at 0, shares of patients at 100% and days "
        "at home at 90; a cut limit is marked † in the tables. Differences between scenarios are not cut. "
        "An interval that does not include "
        "zero means the difference is statistically clear given the model and its assumptions. The figures cover "
        "the measured year after a warm-up of {warmup} days. The model rests on the sources and estimates given in "
        "the scenario file; estimates should be calibrated against local data."),
    "report.warning": ("Advarsel", "Warning"),
    "report.few_replications": (
        "Resultatene bygger på bare {replications} replikasjoner. Med færre enn {minimum} replikasjoner er "
        "konfidensintervallene så brede og usikre at de sier lite; kjør på nytt med minst {minimum} replikasjoner "
        "(-r {minimum}) før tallene brukes.",
        "These results rest on only {replications} replications. With fewer than {minimum} replications the "
        "confidence intervals are too wide and uncertain to mean much; run again with at least {minimum} "
        "replications (-r {minimum}) before using the figures."),
    "report.cut_note": ("{mark} Grensen er kuttet ved det indikatoren kan være (ikke under 0; en andel av "
                        "pasienter ikke over 100 %, dager hjemme ikke over 90).",
                        "{mark} The limit is cut at what the indicator can be (not below 0; a share of patients "
                        "not above 100%, days at home not above 90)."),
    "report.indicator": ("Indikator", "Indicator"),
    "report.mean": ("Gjennomsnitt", "Mean"),
    "report.ci": ("95 % KI", "95% CI"),
    "report.unit": ("Enhet", "Unit"),
    "report.municipality": ("Kommune", "Municipality"),
    "report.scenario": ("Scenario", "Scenario"),
    "report.difference": ("Forskjell", "Difference"),
    "report.relative": ("Relativ endring", "Relative change"),
    "report.share_better": ("Andel replikasjoner bedre", "Share of replications better"),
    "report.per_year": ("per år", "per year"),
    "report.all_municipalities": ("Alle kommuner", "All municipalities"),
    "report.figure": ("Figur", "Figure"),
    "report.table": ("Tabell", "Table"),
    "report.generated": ("Laget", "Generated"),
    "report.not_clear": ("forskjellen er ikke statistisk sikker", "the difference is not statistically clear"),
    "report.flow_key": ("Strøm", "Flow"),
    "report.reference": ("referanse", "reference"),
    "report.warmup": ("Innsvingingsperiode (oppvarming)", "Warm-up period"),
    "report.staffed_beds": ("Bemannede senger", "Staffed beds"),
    "report.occupied_beds": ("Belagte senger (gjennomsnitt)", "Occupied beds (mean)"),
    "report.band95": ("95 % av replikasjonene", "95% of replications"),
    "report.date": ("Dato", "Date"),
    "report.beds_axis": ("Pasienter i sykehus (antall)", "Patients in hospital (number)"),
    "report.mnok_year": ("mill. kr per år", "million NOK per year"),
    "report.days_after_discharge": ("Dager etter utskrivning", "Days after discharge"),
    "report.share_readmitted": ("Andel reinnlagt (%)", "Share readmitted (%)"),
    "report.relative_change_axis": ("Endring fra referansen (%), med 95 % KI",
                                    "Change from the reference (%), with 95% CI"),
    "report.better": ("bedre", "better"),
    "report.worse": ("dårligere", "worse"),
    "report.neutral": ("verken bedre eller dårligere", "neither better nor worse"),
    "report.lower_is_better": ("lavere er bedre", "lower is better"),
    "report.higher_is_better": ("høyere er bedre", "higher is better"),
    "report.no_data": ("ingen data", "no data"),
    "report.missing_figure": ("Figuren mangler data i resultatmappen.",
                              "The results folder lacks data for this figure."),
    # paired-difference figures (report/paired.py)
    "report.crosses_zero": ("åpent punkt: intervallet krysser 0", "open point: the interval crosses 0"),
    "report.diff_panel.delayed_days": ("Liggedøgn for utskrivningsklare", "Delayed-discharge days"),
    "report.diff_panel.cost_municipal_nok": ("Kommunens kostnader", "The municipality's costs"),
    "report.diff_axis.delayed_days": ("Forskjell, døgn per år (95 % KI)", "Difference, days per year (95% CI)"),
    "report.diff_axis.cost_municipal_nok": ("Forskjell, mill. kr per år (95 % KI)",
                                            "Difference, million NOK per year (95% CI)"),
    "report.diff_axis.cost": ("Forskjell, mill. kr per år (95 % KI)", "Difference, million NOK per year (95% CI)"),
    # sweep report (report/sweep.py)
    "sweep.title": ("Hjem-til-hjem: parametersveip", "Home-to-home: parameter sweep"),
    "sweep.reference_line": ("referansepunktet", "the reference point"),
    "sweep.points": ("Punktene i designet", "The points of the design"),
    "sweep.difference": ("Forskjell fra referansen", "Difference from the reference"),
    "sweep.reference": ("referanse", "reference"),
    # what a scenario changed (report/interventions.py)
    "report.what_compared": ("Hva som ble sammenlignet", "What was compared"),
    "report.what_ran": ("Tiltak i scenarioet", "Interventions in the scenario"),
    "report.what_compared_intro": (
        "Hvert scenario med sine tiltak slik de ble kjørt (fra scenario.resolved.toml): effektene med enhet, verdi og "
        "95 % konfidensintervall der effekten er usikker, evidensvarianten som ble brukt, kilden og målgruppen.",
        "Each scenario with its interventions as they ran (from scenario.resolved.toml): the effects with unit, value "
        "and 95% confidence interval where the effect is uncertain, the evidence variant used, the source and the "
        "target group."),
    "report.no_interventions": ("Ingen tiltak (dagens praksis).", "No interventions (current practice)."),
    "report.reference_mark": ("referansen", "the reference"),
    "report.overrides": ("Endret ved kjøring (--set)", "Changed at run time (--set)"),
    "report.overrides_all": ("Alle scenarioer er kjørt med (--set)", "Every scenario ran with (--set)"),
    "iv.effects": ("Effekt", "Effect"),
    "iv.variant": ("Evidensvariant", "Evidence variant"),
    "iv.source": ("Kilde", "Source"),
    "iv.targets": ("Målgruppe", "Target group"),
    "iv.cost": ("Kostnad", "Cost"),
    "iv.other": ("Rekkevidde og innføring", "Reach and roll-out"),
}

#: verbs for citable sentences: (decrease, increase, no change) in nb and en
VERBS: dict[str, tuple[str, str, str]] = {"nb": ("reduserer", "øker", "endrer"),
                                         "en": ("reduces", "increases", "changes")}


def text(key: str, lang: str = "nb", **values: object) -> str:
    """A report text in ``nb`` or ``en``; ``{name}`` fields are filled from ``values``."""
    pair = TEXT.get(key)
    if pair is None:
        if key.startswith("group."):
            return key[6:].replace("_", " ").capitalize()
        return key
    s = pair[0] if lang == "nb" else pair[1]
    return s.format(**values) if values else s
