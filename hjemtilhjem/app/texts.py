"""The app's own wording in Norwegian (bokmål, the default) and English. Indicator labels and units come from
:mod:`hjemtilhjem.outcomes.labels`, place and group names from :mod:`hjemtilhjem.report.texts`."""

from __future__ import annotations

__all__ = ["TEXT", "t"]

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Hjem-til-hjem: scenarioer for helsefellesskapet", "Home-to-home: scenarios for the health community"),
    "intro": ("Velg helsefellesskap, se basislinjen, bygg et scenario og sammenlign det med basislinjen på felles "
              "tilfeldige tall. Alt kjører lokalt på denne maskinen; ingen persondata.",
              "Choose a health community, see the baseline, build a scenario and compare it with the baseline on "
              "common random numbers. Everything runs locally on this machine; no personal data."),
    "lang": ("English", "English"),
    "community": ("Helsefellesskap", "Health community"),
    "baseline_file": ("Basislinje (scenariofil)", "Baseline (scenario file)"),
    "upload": ("Last opp en scenariofil (TOML)", "Upload a scenario file (TOML)"),
    "upload_ok": ("Scenariofilen {name} er gyldig og kan velges under «uploads».",
                  "The scenario file {name} is valid and can be chosen under “uploads”."),
    "replications": ("Replikasjoner", "Replications"),
    "seed": ("Frø (seed)", "Seed"),
    "settings": ("Innstillinger for kjøringen", "Run settings"),
    "overrides": ("Overstyringer for begge scenarioene (--set key.path=value, én per linje)",
                  "Overrides for both scenarios (--set key.path=value, one per line)"),
    "tab.baseline": ("Basislinje", "Baseline"),
    "tab.build": ("Bygg scenario", "Build scenario"),
    "tab.results": ("Sammenligning", "Comparison"),
    "run_baseline": ("Kjør basislinjen", "Run the baseline"),
    "run_compare": ("Sammenlign med basislinjen", "Compare with the baseline"),
    "scenario_name": ("Navn på scenarioet", "Scenario name"),
    "default_name": ("Mitt scenario", "My scenario"),
    "interventions": ("Tiltak", "Interventions"),
    "evidence": ("Evidens", "Evidence"),
    "capacities": ("Kapasiteter", "Capacities"),
    "capacities_help": ("Endre kapasiteten per kommune, felles ordning eller sykehus. Endringer vises under.",
                        "Change the capacity per municipality, shared pool or hospital. Changes are listed below."),
    "place": ("Sted", "Place"),
    "pools": ("Felles ordning for flere kommuner", "Shared pool for several municipalities"),
    "pool_name": ("Navn på ordningen", "Name of the pool"),
    "pool_service": ("Tjeneste", "Service"),
    "pool_members": ("Kommuner", "Municipalities"),
    "choose_members": ("Velg kommuner", "Choose municipalities"),
    "pool_add": ("Legg til felles ordning", "Add shared pool"),
    "pool_remove": ("Fjern felles ordninger", "Remove shared pools"),
    "pool_default_name": ("Felles {service}", "Shared {service}"),
    "pool_need_two": ("Velg minst to kommuner.", "Choose at least two municipalities."),
    "pool_note": ("Ordningens plasser er summen av kommunenes egne; endre dem under Kapasiteter.",
                  "The pool's places are the sum of the municipalities' own; change them under Capacities."),
    "changes": ("Endringer fra basislinjen", "Changes from the baseline"),
    "no_changes": ("Ingen endringer ennå: slå på et tiltak, endre en kapasitet eller lag en felles ordning.",
                   "No changes yet: switch on an intervention, change a capacity or add a shared pool."),
    "as_sets": ("Endringene som --set-linjer (kommandolinjen; tiltak og felles ordninger står i den genererte filen)",
                "The changes as --set lines (command line; interventions and shared pools are in the generated file)"),
    "reset": ("Nullstill scenarioet", "Reset the scenario"),
    "change.intervention": ("Tiltaket «{name}» er slått på (evidens: {variant}).",
                            "Intervention “{name}” is switched on (evidence: {variant})."),
    "change.intervention_reach": (
        "Tiltaket «{name}» er slått på (evidens: {variant}; når {reach} % av målgruppen, som i filen).",
        "Intervention “{name}” is switched on (evidence: {variant}; reaches {reach}% of its target group, as in the "
        "file)."),
    "change.intervention_reach_changed": (
        "Tiltaket «{name}» er slått på (evidens: {variant}; når {reach} % av målgruppen, endret fra {old} % i filen).",
        "Intervention “{name}” is switched on (evidence: {variant}; reaches {reach}% of its target group, changed "
        "from {old}% in the file)."),
    "reach": ("Rekkevidde (andel av målgruppen som nås)", "Reach (share of the target group reached)"),
    "reach_help": ("Andelen av tiltakets målgruppe som faktisk får tiltaket, 0–100 %. Filen {file} sier {pct} %. "
                   "Effekten og kostnaden per pasient gjelder bare dem som nås.",
                   "The share of the intervention's target group who actually receive it, 0–100%. The file {file} "
                   "says {pct}%. The effect and the cost per patient apply only to those reached."),
    "reach_na_short": ("gjelder ikke: endrer bare antall plasser eller senger",
                       "does not apply: changes only the number of places or beds"),
    "reach_na": ("Med denne evidensen endrer tiltaket bare antall plasser eller senger; en rekkevidde ville ikke "
                 "endre noe.",
                 "With this evidence the intervention changes only the number of places or beds; a reach would change "
                 "nothing."),
    "variant.base": ("hovedanslag", "main estimate"),
    "change.capacity": ("{place}: {what} endres fra {old} til {new} ({delta}).",
                        "{place}: {what} changes from {old} to {new} ({delta})."),
    "change.capacity_new": ("{place}: {what} settes til {new}.", "{place}: {what} is set to {new}."),
    "change.pool": ("{members} deler {service} i én felles ordning, «{name}», med {capacity}.",
                    "{members} share {service} in one pool, “{name}”, with {capacity}."),
    "pool.capacity_sum": ("{n} plasser (summen av kommunenes egne)", "{n} places (the sum of their own)"),
    "pool.capacity": ("{n} plasser", "{n} places"),
    "and": (" og ", " and "),
    "place.hospital": ("Sykehuset", "The hospital"),
    "cap.kad_beds": ("KAD-senger (plasser)", "KAD beds (places)"),
    "cap.short_term_beds": ("korttidsplasser (plasser)", "short-term places (places)"),
    "cap.rehab_beds": ("rehabiliteringsplasser (plasser)", "rehabilitation places (places)"),
    "cap.long_term_beds": ("langtidsplasser (plasser)", "long-term places (places)"),
    "cap.home_care_clients": ("hjemmetjeneste (brukere)", "home care (clients)"),
    "cap.home_care_hours_per_week": ("hjemmetjeneste (timer per uke)", "home care (hours per week)"),
    "cap.beds": ("senger (bemannede)", "beds (staffed)"),
    "cap.capacity": ("plasser i felles ordning", "places in the shared pool"),
    "service.kad": ("KAD-senger", "KAD beds"),
    "service.short_term": ("korttidsplasser", "short-term places"),
    "service.rehab": ("rehabiliteringsplasser", "rehabilitation places"),
    "service.long_term": ("langtidsplasser", "long-term places"),
    "service.home_care": ("hjemmetjeneste", "home care"),
    "progress": ("{done} av {total} replikasjoner ferdige", "{done} of {total} replications done"),
    "first_estimate": ("Foreløpig anslag etter {n} av {total} replikasjoner: intervallene smalner etter hvert.",
                       "Early estimate after {n} of {total} replications: the intervals narrow as more finish."),
    "final": ("Ferdig: {n} replikasjoner, frø {seed}, felles tilfeldige tall. Resultatmappe: {folder}",
              "Done: {n} replications, seed {seed}, common random numbers. Results folder: {folder}"),
    "cached": ("Hentet fra tidligere kjøring (samme scenario-hash, frø og replikasjoner).",
               "From an earlier run (same scenario hash, seed and replications)."),
    "running": ("Kjører i bakgrunnen; siden kan brukes imens.", "Running in the background; the page stays usable."),
    "writing": ("Skriver rapporten …", "Writing the report …"),
    "failed": ("Kjøringen stoppet:", "The run stopped:"),
    "errors": ("Scenarioet har feil (samme tekst som kommandolinjen gir):",
               "The scenario has errors (the same text as the command line gives):"),
    "indicators": ("Indikatorer (gjennomsnitt og 95 % KI)", "Indicators (mean and 95% CI)"),
    "col.indicator": ("Indikator", "Indicator"),
    "col.mean": ("Gjennomsnitt", "Mean"),
    "col.ci": ("95 % KI", "95% CI"),
    "col.unit": ("Enhet", "Unit"),
    "col.difference": ("Differanse", "Difference"),
    "col.relative": ("Relativ endring", "Relative change"),
    "col.better": ("Andel bedre", "Share better"),
    "col.reference": ("Basislinje", "Baseline"),
    "col.scenario": ("Scenario", "Scenario"),
    "by_municipality": ("Per kommune", "Per municipality"),
    "by_hospital": ("Per sykehus", "Per hospital"),
    "by_pool": ("Per ordning (pool)", "Per pool"),
    "occupancy": ("Belegg gjennom året (gjennomsnitt over replikasjonene)",
                  "Occupancy over the year (mean over the replications)"),
    "series": ("Serie", "Series"),
    "series_unit": ("pasienter (antall)", "patients (count)"),
    "day": ("Dag", "Day"),
    "headline": ("«{scenario}» mot «{reference}»: parvis differanse per år",
                 "“{scenario}” against “{reference}”: paired difference per year"),
    "forest": ("Parvise differanser mot basislinjen med 95 % KI (relativ endring, %)",
               "Paired differences from the baseline with 95% CI (relative change, %)"),
    "forest_axis": ("Relativ endring (%)", "Relative change (%)"),
    "downloads": ("Last ned", "Download"),
    "dl.toml": ("Scenarioet (TOML)", "The scenario (TOML)"),
    "dl.html": ("Rapporten (HTML)", "The report (HTML)"),
    "dl.md": ("Rapporten (Markdown)", "The report (Markdown)"),
    "dl.csv": ("Sammenligningen (CSV)", "The comparison (CSV)"),
    "toml_note": ("TOML-filen er det fullstendige scenarioet som kjørte; den valideres og kjøres som den er: {cmd}",
                  "The TOML file is the full scenario that ran; it validates and runs as it is: {cmd}"),
    "no_baseline": ("Basislinjen er ikke kjørt ennå.", "The baseline has not been run yet."),
    "no_result": ("Ingen sammenligning ennå: bygg et scenario og trykk «Sammenlign med basislinjen».",
                  "No comparison yet: build a scenario and press “Compare with the baseline”."),
    "unit.pct": ("%", "%"),
    "series.hospital_occupancy": ("Pasienter i sykehus", "Patients in hospital"),
    "series.staffed_beds": ("Bemannede senger", "Staffed beds"),
    "series.corridor_patients": ("Korridorpasienter", "Corridor patients"),
    "series.delayed_patients": ("Utskrivningsklare som venter", "Ready patients waiting"),
    "series.kad_occupancy": ("Pasienter i KAD", "Patients in KAD"),
    "series.short_term_occupancy": ("Pasienter på korttidsplass", "Patients in short-term places"),
    "series.rehab_occupancy": ("Pasienter på rehabilitering", "Patients in rehabilitation"),
    "series.long_term_occupancy": ("Beboere på langtidsplass", "Long-term residents"),
    "series.home_care_occupancy": ("Brukere av hjemmetjeneste", "Home-care clients"),
    "scenario_label": ("Scenario", "Scenario"),
    "budget": ("Budsjett per partner", "Budget per partner"),
    "budget_intro": (
        "Hver partners netto endring i kostnader per år (scenario minus basislinjen, parvis på felles tilfeldige tall, "
        "95 % KI): faste kostnader for bemannede plasser og senger (brukt eller ikke), variable kostnader per belagt "
        "døgn, partnerens del av tiltakenes kostnader og betalingen for utskrivningsklare (en utgift for kommunen, en "
        "inntekt for sykehuset, så den går ut av summen for alle partnere). Negative tall: partneren sparer.",
        "Each partner's net change in costs per year (scenario minus the baseline, paired on common random numbers, "
        "95% CI): fixed costs of staffed places and beds (used or not), variable costs per occupied day, the "
        "partner's share of the interventions' costs and the delayed-discharge payment (an expense for the "
        "municipality, income for the hospital, so it cancels out of the total for all partners). Negative: the "
        "partner saves."),
    "col.partner": ("Partner", "Partner"),
    "col.net_change": ("Netto endring per år", "Net change per year"),
    "partner.hospital": ("Sykehuset (helseforetaket)", "The hospital trust"),
    "partner.municipalities": ("Kommunene samlet", "All municipalities"),
    "partner.total": ("Alle partnere", "All partners"),
    "per_avoided": ("Kostnad per unngått overliggedøgn og per unngått reinnleggelse",
                    "Cost per delayed day avoided and per readmission avoided"),
    "per_avoided_note": (
        "Gjennomsnittlig parvis endring i kostnad delt på gjennomsnittlig antall unngått per år, med Fiellers 95 % "
        "konfidensintervall for forholdet. «Ikke avgrenset»: antallet unngått er ikke sikkert over null, så "
        "intervallet har ingen grenser. Negativ kostnad: tiltaket sparer penger for den som betaler.",
        "The mean paired change in cost divided by the mean number avoided per year, with Fieller's 95% confidence "
        "interval of the ratio. “Not bounded”: the number avoided is not clearly above zero, so the interval has no "
        "limits. A negative cost: the intervention saves the payer money."),
    "col.measure": ("Unngått", "Avoided"),
    "col.avoided": ("Unngått per år (95 % KI)", "Avoided per year (95% CI)"),
    "col.paid_by": ("Kostnaden for", "Cost to"),
    "col.cost_per": ("Kostnad per unngått", "Cost per one avoided"),
    "col.fieller": ("95 % KI (Fieller)", "95% CI (Fieller)"),
    "effect.delayed_days": ("Overliggedøgn (liggedøgn for utskrivningsklare)", "Delayed days (ready for discharge)"),
    "effect.readmissions": ("Reinnleggelser innen 30 dager", "Readmissions within 30 days"),
    "unit.avoided.delayed_days": ("døgn per år", "days per year"),
    "unit.avoided.readmissions": ("reinnleggelser per år", "readmissions per year"),
    "unit.per.delayed_days": ("kr per unngått overliggedøgn", "NOK per delayed day avoided"),
    "unit.per.readmissions": ("kr per unngått reinnleggelse", "NOK per readmission avoided"),
    "not_bounded": ("ikke avgrenset", "not bounded"),
    "none_avoided": ("– (ingen unngått)", "– (none avoided)"),
    "saves": ("sparer penger", "saves money"),
    "no_budget": ("Ingen budsjett: resultatene har ingen kostnader per partner.",
                  "No budget: the results have no costs per partner."),
}


def t(key: str, lang: str = "nb", **values: object) -> str:
    """The app's text ``key`` in ``nb`` or ``en``, ``{name}`` fields filled from ``values`` (the key when unknown)."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    s = pair[0] if lang == "nb" else pair[1]
    return s.format(**values) if values else s
