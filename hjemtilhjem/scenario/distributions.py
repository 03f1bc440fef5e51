"""Distributions of the scenario format: durations (inverse CDF from uniforms) and uncertain effects.

Spelled with explicit parameters (``mean``, ``sd``), never an ambiguous ``rate`` or ``scale``.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Fixed", "Exponential", "LogNormal", "Gamma", "Uniform", "Duration", "LogNormalCI", "NormalCI",
           "UncertainRatio", "point"]


class _Strict(BaseModel):
    """Unknown keys are errors, and numbers must be numbers: no string ``"300"`` for 300 and no ``true``
    for 1 (pydantic's strict mode; a whole number may still be given for a float). Tuples and dates
    opt out with ``strict=False``: TOML gives an array for a tuple and a resolved scenario holds its date
    as text. Their items are still strict."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


# ----------------------------------------------------------------------------------------- distributions
class Fixed(_Strict):
    dist: Literal["fixed"]
    value: float = Field(ge=0)

    @property
    def mean(self) -> float:
        return self.value


class Exponential(_Strict):
    dist: Literal["exponential"]
    mean: float = Field(gt=0)


class LogNormal(_Strict):
    """Lognormal given by its own mean and sd (not those of the underlying normal)."""

    dist: Literal["lognormal"]
    mean: float = Field(gt=0)
    sd: float = Field(gt=0)

    def mu_sigma(self) -> tuple[float, float]:
        s2 = math.log(1.0 + (self.sd / self.mean) ** 2)
        return math.log(self.mean) - s2 / 2.0, math.sqrt(s2)


class Gamma(_Strict):
    dist: Literal["gamma"]
    mean: float = Field(gt=0)
    sd: float = Field(gt=0)


class Uniform(_Strict):
    dist: Literal["uniform"]
    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2.0

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must be >= low")
        return self


Duration = Annotated[Fixed | Exponential | LogNormal | Gamma | Uniform, Field(discriminator="dist")]


class LogNormalCI(_Strict):
    """An uncertain ratio (relative risk, multiplier): point estimate and 95% CI, lognormal."""

    dist: Literal["lognormal_ci"]
    mean: float = Field(gt=0, description="point estimate (median on the log scale)")
    ci95: tuple[float, float] = Field(strict=False)

    @model_validator(mode="after")
    def _ci(self) -> LogNormalCI:
        lo, hi = self.ci95
        if not (0 < lo <= self.mean <= hi):
            raise ValueError("ci95 must satisfy 0 < low <= mean <= high")
        return self

    def mu_sigma(self) -> tuple[float, float]:
        lo, hi = self.ci95
        return math.log(self.mean), (math.log(hi) - math.log(lo)) / 3.92


class NormalCI(_Strict):
    """An uncertain difference (e.g. days): point estimate and 95% CI, normal."""

    dist: Literal["normal_ci"]
    mean: float
    ci95: tuple[float, float] = Field(strict=False)

    @model_validator(mode="after")
    def _ci(self) -> NormalCI:
        lo, hi = self.ci95
        if not (lo <= self.mean <= hi):
            raise ValueError("ci95 must satisfy low <= mean <= high")
        return self


UncertainRatio = Union[float, Annotated[LogNormalCI | NormalCI, Field(discriminator="dist")]]  # noqa: UP007


def point(value: UncertainRatio) -> float:
    """Point value of a number or an uncertain effect."""
    return float(value) if isinstance(value, (int, float)) else float(value.mean)
