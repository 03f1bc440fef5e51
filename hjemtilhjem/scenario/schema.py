"""The scenario format: pydantic models, validated once, frozen.

The clock is in days; every parameter names its unit. A scenario is pure data: the model reads it,
never changes it. Variants are built with ``model_copy(update=...)`` or by ``extends`` in TOML.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ..eventlog import ServiceName
from .distributions import (  # noqa: F401 - re-exported: the scenario format in one import
    Duration,
    Exponential,
    Fixed,
    Gamma,
    LogNormal,
    LogNormalCI,
    NormalCI,
    UncertainRatio,
    Uniform,
    _Strict,
    point,
)

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DESTINATIONS = ("home", "home_care", "short_term", "rehab", "long_term")  # where a live discharge goes
#: Upper bound of an admission-rate multiplier. Arrivals are thinned from a candidate stream at
#: this multiple of the base rate, so scenarios with different multipliers share random numbers.
ADMISSION_MULT_CAP = 2.0

_BAND = re.compile(r"^\d+(-\d+|\+)$")


# ----------------------------------------------------------------------------------------- sections
class ScenarioMeta(_Strict):
    name: str = Field(min_length=1)
    description: str = ""
    horizon_days: float = Field(gt=0, le=3650, description="measured period after warm-up, days")
    warmup_days: float = Field(ge=0, le=3650)
    replications: int = Field(ge=1, le=10000)
    seed: int = Field(ge=0)
    start_date: _dt.date = Field(_dt.date(2025, 1, 1), strict=False)
    parameter_uncertainty: bool = True
    source: str = ""


class Costs(_Strict):
    """Unit costs in NOK (each with its source and year in the scenario file)."""

    delayed_day_rate_nok: float = Field(ge=0, description="municipal payment per delayed day")
    delayed_day_rate_nok_by_year: dict[str, float] = Field(
        default_factory=dict, description="the statutory rate of each calendar year, e.g. {2024 = 5745, 2025 = 5920}; "
                                          "years not given use delayed_day_rate_nok")
    hospital_bed_day_nok: float = Field(0.0, ge=0)
    kad_day_nok: float = Field(0.0, ge=0)
    short_term_day_nok: float = Field(0.0, ge=0)
    rehab_day_nok: float = Field(0.0, ge=0)
    long_term_day_nok: float = Field(0.0, ge=0)
    home_care_day_nok: float = Field(0.0, ge=0)
    # fixed costs of staffed capacity, per place-year whether the place is used or not (DESIGN.md 4.1)
    hospital_bed_year_nok: float = Field(0.0, ge=0, description="fixed cost per staffed hospital bed-year (the trust)")
    kad_place_year_nok: float = Field(0.0, ge=0, description="fixed cost per staffed KAD bed-year")
    short_term_place_year_nok: float = Field(0.0, ge=0, description="fixed cost per staffed short-term place-year")
    rehab_place_year_nok: float = Field(0.0, ge=0, description="fixed cost per staffed rehabilitation place-year")
    long_term_place_year_nok: float = Field(0.0, ge=0, description="fixed cost per staffed long-term place-year")
    home_care_place_year_nok: float = Field(
        0.0, ge=0, description="fixed cost per unit of home-care capacity a year: a client place, or one staffed hour "
                               "a week when services.home_care.capacity_unit = 'hours_per_week'")
    source: str = ""

    def place_year_nok(self, service: str) -> float:
        """Fixed cost per staffed place-year of a municipal service (``hospital`` for a hospital bed-year)."""
        if service == "hospital":
            return self.hospital_bed_year_nok
        return float(getattr(self, f"{service}_place_year_nok"))

    def day_nok(self, service: str) -> float:
        """Variable cost per occupied day of a service (``hospital`` for a hospital bed-day)."""
        return self.hospital_bed_day_nok if service == "hospital" else float(getattr(self, f"{service}_day_nok"))

    @field_validator("delayed_day_rate_nok_by_year")
    @classmethod
    def _rate_years(cls, v: dict[str, float]) -> dict[str, float]:
        return _years(v)


def _years(v: dict[str, float]) -> dict[str, float]:
    bad = [k for k in v if not re.fullmatch(r"\d{4}", k)]
    if bad:
        raise ValueError(f"{bad[0]!r} is not a year (write e.g. 2025 = 5920)")
    if any(x < 0 for x in v.values()):
        raise ValueError("rates must be >= 0")
    return v


class _Yearly(_Strict):
    """A stretch of every year, ``from`` and ``to`` as MM-DD (inclusive; it may span the new year)."""

    from_: str = Field(alias="from", pattern=r"^\d\d-\d\d$", description="MM-DD, every year")
    to: str = Field(pattern=r"^\d\d-\d\d$")

    @field_validator("from_", "to")
    @classmethod
    def _date(cls, v: str) -> str:
        _dt.date(2001, int(v[:2]), int(v[3:]))  # raises ValueError on 02-30 etc.
        return v


class BedClosure(_Yearly):
    beds: int = Field(description="change in staffed beds, usually negative")


class LeaveQueue(_Strict):
    """Rates per person-year at which people waiting at home leave a queue (e.g. ``{death = 0.37}``)."""

    death: float = Field(0.0, ge=0, description="deaths while waiting (logged as a death at home)")
    withdrawal: float = Field(0.0, ge=0, description="requests withdrawn (moved, no longer needed)")

    @property
    def total(self) -> float:
        return self.death + self.withdrawal


class PlaceClosure(_Yearly):
    """A share of a service's places closed every year between two dates (e.g. summer, for lack of staff)."""

    share: float = Field(gt=0, le=1, description="share of each pool's places closed")


class Hospital(_Strict):
    """A hospital (one ``[hospital]`` table, or several ``[[hospital]]``)."""

    name: str = "Hospital"
    beds: int | None = Field(None, gt=0, description="staffed beds; a soft capacity (corridor patients); "
                                                     "not given for an external hospital")
    catchment: dict[str, float] = Field(
        default_factory=dict, description="share of each municipality's patients admitted here (a municipality may "
                                          "be split between hospitals); with one hospital: every municipality, 1")
    external: bool = Field(False, description="outside the health community (e.g. the other trust of a split "
                                              "municipality): its patients are simulated, its beds are not")
    seasonality: dict[str, float] = Field(default_factory=dict, description="admission multiplier by month")
    bed_closures: list[BedClosure] = Field(default_factory=list)
    source: str = ""

    @field_validator("seasonality")
    @classmethod
    def _months(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [k for k in v if k not in MONTHS]
        if bad:
            raise ValueError(f"unknown month {bad[0]!r}; use {', '.join(MONTHS)}")
        if any(x <= 0 for x in v.values()):
            raise ValueError("multipliers must be > 0")
        return v


class Triage(_Strict):
    """Where an acute event goes. Shares are of acute events; the rest go to hospital."""

    kad_share: float = Field(0.0, ge=0, le=1, description="sent to a municipal acute bed if one is free")
    home_share: float = Field(0.0, ge=0, le=1, description="treated at home, no admission")
    kad_transfer_to_hospital: float = Field(0.1, ge=0, le=1, description="share of KAD stays ending in hospital")
    kad_transfer_days: Duration | None = Field(
        None, description="time from KAD admission to a transfer to hospital (default: at the end of the KAD stay)")
    kad_min_age_band: str | None = None
    source: str = ""

    @model_validator(mode="after")
    def _sum(self) -> Triage:
        if self.kad_share + self.home_share > 1:
            raise ValueError("kad_share + home_share must be <= 1")
        return self


class Discharge(_Strict):
    planning_delay_days: float = Field(
        0.0, ge=0, description="days from a free municipal place to the patient leaving hospital"
    )
    ready_hours: tuple[float, float] | None = Field(
        None, strict=False, description="hours [from, to) of the day in which the hospital declares a patient "
                                        "utskrivningsklar (the ward round): treatment that ends outside them is "
                                        "declared at the next opening; none: at the end of treatment")
    planning_delay_working_days: float = Field(
        0.0, ge=0, description="the municipality's assessment and planning time, counted in working days (weekends "
                               "and public holidays do not count), before a patient with a free place leaves")
    readmission_scale_days: float = Field(
        10.0, gt=0, description="scale of the truncated-exponential time to readmission within 30 days"
    )
    source: str = ""

    @model_validator(mode="after")
    def _ready_hours(self) -> Discharge:
        if self.ready_hours is not None and not 0 <= self.ready_hours[0] < self.ready_hours[1] <= 24:
            raise ValueError("ready_hours must be [from, to) with 0 <= from < to <= 24")
        return self


class Service(_Strict):
    """A municipal service with hard capacity (KAD, short-term, rehab, long-term, home care)."""

    stay_days: Duration
    capacity_unit: Literal["places", "hours_per_week"] = Field(
        "places", description="places (beds, clients), or hours per week (home care): each client then needs "
                              "hours_per_client")
    hours_per_client: Duration | None = Field(None, description="hours per week a new client needs "
                                                                "(capacity_unit = 'hours_per_week')")
    interim: ServiceName | None = Field(
        None, description="while a hospital patient waits for this service, a free place of the interim service "
                          "takes the patient out of hospital (e.g. short_term while waiting for long_term)")
    initial_occupancy: float = Field(0.0, ge=0, le=1, description="share of places filled at day 0")
    initial_at_load: bool = Field(
        False, description="each pool starts at the smaller of initial_occupancy and its offered load (as "
                           "`validate` prints it): a pool with room to spare starts at its steady state's occupancy, "
                           "not full")
    initial_waiting_per_1000_80plus: float = Field(
        0.0, ge=0, description="people waiting at home for a place at day 0, per 1000 inhabitants aged 80+ (a "
                               "waiting list to start from, e.g. from the municipality's own list)")
    initial_stays: Literal["equilibrium", "uniform_fraction"] = Field(
        "equilibrium", description="remaining stays of those in place at day 0: the steady state's (equilibrium "
                                   "residual: length-biased stay x U(0,1)), or version 1's stay x U(0,1)")
    other_requests_per_1000_80plus_year: float = Field(
        0.0, ge=0, description="requests from outside the hospital pathway (from home), per 1000 aged 80+"
    )
    hospital_priority: bool = Field(True, description="patients waiting in hospital are served first")
    ends_in_death: bool = Field(False, description="a stay ends with the resident's death (long-term care)")
    leave_queue_per_year: LeaveQueue = Field(
        default_factory=lambda: LeaveQueue(), description="rates (per person-year) at which people waiting at home "
                                                          "for this service leave the queue")
    closures: list[PlaceClosure] = Field(
        default_factory=list, description="places closed every year, e.g. [{from = \"06-27\", to = \"08-14\", "
                                          "share = 0.1}] (a cut never evicts: stays end as planned)")
    receives_on: Literal["all", "weekdays"] = Field(
        "all", description="when a place takes a patient from hospital: any time, or on working days within "
                           "[calendar] receiving_hours (weekends and public holidays wait for the next working day)")
    source: str = ""


class Calendar(_Strict):
    """Working days of the simulated dates: weekends, and Norway's public holidays (Easter-dependent ones too)."""

    holidays: Literal["norway", "none"] = Field("norway", description="public holidays of Norway, or none")
    receiving_hours: tuple[float, float] = Field(
        (8.0, 15.0), strict=False, description="hours of a working day in which a place that receives on "
                                               "weekdays takes a patient from hospital: [from, to)")
    weekend_admission_mult: float = Field(
        1.0, ge=0, le=3.5, description="acute events on a day off (weekend, public holiday) relative to the week's "
                                       "mean day; working days are raised so that a week keeps its total")
    source: str = ""

    @model_validator(mode="after")
    def _hours(self) -> Calendar:
        a, b = self.receiving_hours
        if not 0 <= a < b <= 24:
            raise ValueError("receiving_hours must be [from, to) with 0 <= from < to <= 24")
        return self


class Services(_Strict):
    kad: Service
    short_term: Service
    rehab: Service
    long_term: Service
    home_care: Service


class Municipality(_Strict):
    name: str = Field(min_length=1)
    number: str = ""
    population: dict[str, int] = Field(description="inhabitants by age band")
    # capacities of the municipality's own pools; not given for a service whose shared pool states its capacity
    kad_beds: int | None = Field(None, ge=0)
    short_term_beds: int | None = Field(None, ge=0)
    rehab_beds: int | None = Field(None, ge=0)
    long_term_beds: int | None = Field(None, ge=0)
    home_care_clients: int | None = Field(None, ge=0, description="home care in clients")
    home_care_hours_per_week: float | None = Field(None, ge=0, description="home care in hours per week")
    source: str = ""

    @field_validator("population")
    @classmethod
    def _bands(cls, v: dict[str, int]) -> dict[str, int]:
        for k, n in v.items():
            if not _BAND.match(k):
                raise ValueError(f"age band {k!r} must look like '0-66' or '80+'")
            if n < 0:
                raise ValueError(f"population of band {k!r} must be >= 0")
        return v

    def capacity(self, service: str, unit: str = "places") -> float:
        """Own capacity of a service (0 when not given), in places or hours per week."""
        key = "home_care_hours_per_week" if service == "home_care" and unit == "hours_per_week" else \
            _CAPACITY_KEY[service]
        value = getattr(self, key)
        return 0 if value is None else value


_CAPACITY_KEY = {
    "kad": "kad_beds",
    "short_term": "short_term_beds",
    "rehab": "rehab_beds",
    "long_term": "long_term_beds",
    "home_care": "home_care_clients",
}
CAPACITY_KEYS = (*_CAPACITY_KEY.values(), "home_care_hours_per_week")
#: the service of each capacity key
SERVICE_OF_CAPACITY = {**{key: service for service, key in _CAPACITY_KEY.items()},
                       "home_care_hours_per_week": "home_care"}


class Group(_Strict):
    """A patient group (frail elderly, multimorbid, other). Probabilities are per hospital episode."""

    name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_]*$")
    share: dict[str, float] = Field(description="share of each age band in this group")
    admissions_per_1000_year: float | dict[str, float] = Field(
        description="acute events per 1000 group members per year (one number or per age band)"
    )
    los_days: Duration = Field(description="treatment length of stay until utskrivningsklar, days")
    discharge_to: dict[str, float] = Field(description="destination shares of live discharges")
    readmission_30d: float = Field(ge=0, le=1, description="probability of emergency readmission in 30 days")
    death_in_hospital: float = Field(0.0, ge=0, le=1)
    death_30d_after_discharge: float = Field(0.0, ge=0, le=1)
    kad_eligible: bool = True
    source: str = ""

    @field_validator("share")
    @classmethod
    def _shares(cls, v: dict[str, float]) -> dict[str, float]:
        for k, s in v.items():
            if not 0 <= s <= 1:
                raise ValueError(f"share of band {k!r} must be between 0 and 1")
        return v

    @field_validator("discharge_to")
    @classmethod
    def _dest(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [k for k in v if k not in DESTINATIONS]
        if bad:
            raise ValueError(f"unknown destination {bad[0]!r}; use {', '.join(DESTINATIONS)}")
        if any(x < 0 for x in v.values()):
            raise ValueError("shares must be >= 0")
        if abs(sum(v.values()) - 1.0) > 1e-6:
            raise ValueError(f"shares must sum to 1 (they sum to {sum(v.values()):.4f})")
        return v

    @model_validator(mode="after")
    def _outcomes(self) -> Group:
        if self.readmission_30d + self.death_30d_after_discharge > 1:
            raise ValueError("readmission_30d + death_30d_after_discharge must be <= 1")
        return self

    def rate_for(self, band: str) -> float:
        r = self.admissions_per_1000_year
        return float(r) if isinstance(r, (int, float)) else float(r.get(band, 0.0))


class Pool(_Strict):
    """Places of one service shared by several municipalities (e.g. an intermunicipal KAD unit)."""

    name: str = Field(min_length=1)
    service: ServiceName
    members: list[str] = Field(min_length=1, description="municipalities whose patients use the pool")
    capacity: float | None = Field(None, ge=0, description="places (hours per week for home care in hours); "
                                                           "default: the sum of the members' own capacities")
    source: str = ""


class Targets(_Strict):
    groups: list[str] = Field(default_factory=list, description="empty = all groups")
    municipalities: list[str] = Field(default_factory=list, description="empty = all municipalities")
    age_bands: list[str] = Field(default_factory=list, description="age bands of the municipalities' population "
                                                                   "(e.g. [\"80+\"]); empty = all")


class DestinationShift(_Strict):
    """A share of the patients who would be discharged to ``from`` go to ``to`` instead."""

    from_: str = Field(alias="from", description="destination the patients would have gone to")
    to: str = Field(description="destination they go to instead")
    share: UncertainRatio = Field(description="share of those bound for `from` who go to `to` (0..1)")

    @model_validator(mode="after")
    def _places(self) -> DestinationShift:
        for key in (self.from_, self.to):
            if key not in DESTINATIONS:
                raise ValueError(f"unknown destination {key!r}; use {', '.join(DESTINATIONS)}")
        if self.from_ == self.to:
            raise ValueError("from and to must differ")
        if not 0 <= point(self.share) <= 1:
            raise ValueError("share must be between 0 and 1")
        return self


class Effects(_Strict):
    """Effects of an intervention on targeted patients (numbers or uncertain distributions)."""

    admission_rate_mult: UncertainRatio | None = None
    kad_diversion_share: float | None = Field(None, ge=0, le=1, description="added to triage kad_share")
    los_mult: UncertainRatio | None = None
    los_delta_days: UncertainRatio | None = None
    readmission_rr: UncertainRatio | None = None
    discharge_delay_delta_days: UncertainRatio | None = None
    capacity_delta: dict[str, int] = Field(default_factory=dict, description="e.g. {short_term_beds = 5}; priced "
                                                                            "by the [costs] place-year of the service")
    hospital_beds_delta: int = Field(0, description="staffed beds added (priced by hospital_bed_year_nok)")
    destination_shift: list[DestinationShift] = Field(
        default_factory=list, description="e.g. [{from = \"long_term\", to = \"home_care\", share = 0.2}]: a share of "
                                          "the reached patients bound for one destination go to another")
    home_care_hours_mult: UncertainRatio | None = Field(
        None, description="home-care hours per week a reached client needs, multiplied (capacity_unit = "
                          "'hours_per_week')")

    @field_validator("capacity_delta")
    @classmethod
    def _cap(cls, v: dict[str, int]) -> dict[str, int]:
        bad = [k for k in v if k not in CAPACITY_KEYS]
        if bad:
            raise ValueError(f"unknown capacity {bad[0]!r}; use {', '.join(CAPACITY_KEYS)}")
        return v


class Intervention(_Strict):
    name: str = Field(min_length=1)
    label: str = ""
    targets: Targets = Field(default_factory=Targets)
    effects: Effects = Field(default_factory=Effects)
    evidence: str = Field("base", description="which evidence variant is used")
    variants: dict[str, Effects] = Field(default_factory=dict, description="named alternative effects")
    cost_per_patient_nok: float = Field(0.0, description="per reached hospital admission of a targeted patient")
    annual_cost_nok: float = Field(0.0, description="yearly running cost from start_day (staff, licences)")
    paid_by: Literal["hospital", "municipalities", "shared"] = Field(
        "municipalities", description="who pays the intervention's own costs: the hospital trust, the targeted "
                                      "municipalities (per patient: the patient's municipality; annual: by their 80+ "
                                      "population), or half each")
    reach: float = Field(1.0, ge=0, le=1, description="share of the targeted patients actually reached (each "
                                                      "episode drawn from its own stream)")
    ramp_up_days: float = Field(0.0, ge=0, description="reach grows linearly from 0 at start_day to `reach` at "
                                                       "start_day + ramp_up_days")
    start_day: float = Field(0.0, ge=0)
    enabled: bool = True
    source: str = ""
    sources: dict[str, str] = Field(default_factory=dict, description="the source of each evidence variant "
                                                                      "(e.g. {pessimistic = \"IMMENSE 2022\"})")

    @model_validator(mode="after")
    def _evidence(self) -> Intervention:
        if self.evidence != "base" and self.evidence not in self.variants:
            from .keys import did_you_mean

            names = ["base", *self.variants]
            hint = did_you_mean(self.evidence, names)
            raise ValueError(f"evidence {self.evidence!r} is not a variant{hint}; choose one of {', '.join(names)}")
        bad = [k for k in self.sources if k != "base" and k not in self.variants]
        if bad:
            raise ValueError(f"sources: {bad[0]!r} is not a variant; use base or {', '.join(self.variants) or 'none'}")
        return self

    @property
    def partial(self) -> bool:
        """Reaches only some of its targeted patients (decided per episode), or only some age bands."""
        return self.reach < 1.0 or self.ramp_up_days > 0 or bool(self.targets.age_bands)

    def active_effects(self) -> Effects:
        return self.effects if self.evidence == "base" else self.variants[self.evidence]


class Scenario(_Strict):
    """One scenario: the whole health community and the interventions under test."""

    extends: str | None = Field(None, description="path of a scenario this one inherits (merged at load)")
    scenario: ScenarioMeta
    costs: Costs
    hospital: Hospital | list[Hospital] = Field(description="one [hospital] table or several [[hospital]]")
    triage: Triage = Field(default_factory=Triage)
    discharge: Discharge = Field(default_factory=Discharge)
    calendar: Calendar = Field(default_factory=Calendar)
    services: Services
    municipality: list[Municipality] = Field(min_length=1)
    pool: list[Pool] = Field(default_factory=list, description="places shared by several municipalities")
    group: list[Group] = Field(min_length=1)
    intervention: list[Intervention] = Field(default_factory=list)
    sources: dict[str, str] = Field(default_factory=dict, description="source key -> citation")

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        errors: list[str] = []
        for kind, items in (("municipality", self.municipality), ("group", self.group),
                            ("intervention", self.intervention)):
            names = [x.name for x in items]
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                errors.append(f"{kind}: duplicate name {dup[0]!r}")
        bands = self.bands
        for m in self.municipality:
            if list(m.population) != bands:
                errors.append(f"municipality.{m.name}.population: age bands must be {bands}")
        for g in self.group:
            for b in g.share:
                if b not in bands:
                    errors.append(f"group.{g.name}.share: unknown age band {b!r}")
            if isinstance(g.admissions_per_1000_year, dict):
                for b in g.admissions_per_1000_year:
                    if b not in bands:
                        errors.append(f"group.{g.name}.admissions_per_1000_year: unknown age band {b!r}")
        for b in bands:
            total = sum(g.share.get(b, 0.0) for g in self.group)
            if total > 1 + 1e-6:
                errors.append(f"group: shares of age band {b!r} sum to {total:.3f} (> 1)")
        gnames = {g.name for g in self.group}
        mnames = {m.name for m in self.municipality}
        for iv in self.intervention:
            for gname in iv.targets.groups:
                if gname not in gnames:
                    errors.append(f"intervention.{iv.name}.targets.groups: unknown group {gname!r}")
            for mname in iv.targets.municipalities:
                if mname not in mnames:
                    errors.append(f"intervention.{iv.name}.targets.municipalities: unknown municipality {mname!r}")
            for b in iv.targets.age_bands:
                if b not in bands:
                    errors.append(f"intervention.{iv.name}.targets.age_bands: unknown age band {b!r} (use "
                                  f"{', '.join(bands)})")
            run_end = self.scenario.warmup_days + self.scenario.horizon_days
            if iv.ramp_up_days > self.scenario.horizon_days:
                errors.append(f"intervention.{iv.name}.ramp_up_days: the ramp-up ({iv.ramp_up_days:g} days) is longer "
                              f"than the horizon ({self.scenario.horizon_days:g} days)")
            elif iv.ramp_up_days > 0 and iv.start_day + iv.ramp_up_days > run_end:
                errors.append(f"intervention.{iv.name}.ramp_up_days: full reach would come on day "
                              f"{iv.start_day + iv.ramp_up_days:g}, after the run ends (day {run_end:g})")
            for vname, eff in (("effects", iv.effects), *((f"variants.{k}", v) for k, v in iv.variants.items())):
                mult = eff.admission_rate_mult
                if mult is not None and not 0 <= point(mult) <= ADMISSION_MULT_CAP:
                    errors.append(f"intervention.{iv.name}.{vname}.admission_rate_mult: "
                                  f"must be in 0..{ADMISSION_MULT_CAP}")
                if eff.home_care_hours_mult is not None and self.services.home_care.capacity_unit != "hours_per_week":
                    errors.append(f"intervention.{iv.name}.{vname}.home_care_hours_mult: home care is counted in "
                                  "clients here (set services.home_care.capacity_unit = \"hours_per_week\" with "
                                  "hours_per_client for hours to matter)")
        if self.triage.kad_min_age_band is not None and self.triage.kad_min_age_band not in bands:
            errors.append(f"triage.kad_min_age_band: unknown age band {self.triage.kad_min_age_band!r}")
        from .network_checks import network_errors  # a pure function of the validated sections

        errors.extend(network_errors(self))
        if errors:
            raise ValueError("; ".join(errors))
        return self

    @property
    def hospitals(self) -> list[Hospital]:
        """The hospitals, whether given as one ``[hospital]`` table or as ``[[hospital]]``."""
        return list(self.hospital) if isinstance(self.hospital, list) else [self.hospital]

    def shared_pool(self, municipality: str, service: str) -> Pool | None:
        """The declared pool of ``service`` that ``municipality`` belongs to, if any."""
        return next((p for p in self.pool if p.service == service and municipality in p.members), None)

    @property
    def bands(self) -> list[str]:
        return list(self.municipality[0].population)

    @property
    def name(self) -> str:
        return self.scenario.name
