"""Distributions sampled by inverse CDF from uniforms, so one uniform per patient and activity
gives the same patient the same draw in every scenario (common random numbers)."""

from __future__ import annotations

import numpy as np
from scipy import special

from ..scenario.schema import Exponential, Fixed, Gamma, LogNormal, LogNormalCI, NormalCI, Uniform

__all__ = ["durations", "residual_durations", "effect_value"]

_EPS = 1e-12


def durations(dist: object, u: np.ndarray) -> np.ndarray:
    """Durations in days for uniforms ``u`` (vectorised inverse CDF)."""
    u = np.clip(u, _EPS, 1.0 - _EPS)
    if isinstance(dist, Fixed):
        return np.full_like(u, dist.value)
    if isinstance(dist, Exponential):
        return -dist.mean * np.log1p(-u)
    if isinstance(dist, LogNormal):
        mu, sigma = dist.mu_sigma()
        return np.exp(mu + sigma * special.ndtri(u))
    if isinstance(dist, Gamma):
        shape = (dist.mean / dist.sd) ** 2
        return special.gammaincinv(shape, u) * (dist.sd**2 / dist.mean)
    if isinstance(dist, Uniform):
        return dist.low + u * (dist.high - dist.low)
    raise TypeError(f"not a duration distribution: {dist!r}")


def residual_durations(dist: object, u_length: np.ndarray, u_fraction: np.ndarray) -> np.ndarray:
    """Remaining stays of people already in place at a random moment of a steady state: the equilibrium residual
    distribution, density (1 - F(x)) / E[S]. Drawn as a length-biased stay (density x f(x) / E[S]: an ongoing
    stay is more likely a long one) times a uniform fraction still to go."""
    u = np.clip(u_length, _EPS, 1.0 - _EPS)
    if isinstance(dist, Fixed):
        whole = np.full_like(u, dist.value)
    elif isinstance(dist, Exponential):  # length-biased exponential: gamma with shape 2
        whole = special.gammaincinv(2.0, u) * dist.mean
    elif isinstance(dist, LogNormal):  # length-biased lognormal: mu + sigma^2, same sigma
        mu, sigma = dist.mu_sigma()
        whole = np.exp(mu + sigma**2 + sigma * special.ndtri(u))
    elif isinstance(dist, Gamma):  # length-biased gamma: shape + 1, same scale
        shape = (dist.mean / dist.sd) ** 2
        whole = special.gammaincinv(shape + 1.0, u) * (dist.sd**2 / dist.mean)
    elif isinstance(dist, Uniform):  # density proportional to x on [low, high]
        whole = np.sqrt(dist.low**2 + u * (dist.high**2 - dist.low**2))
    else:
        raise TypeError(f"not a duration distribution: {dist!r}")
    return whole * u_fraction


def effect_value(effect: object, rng: np.random.Generator | None) -> float:
    """An intervention effect: its point value, or a draw when ``rng`` is given."""
    if isinstance(effect, (int, float)):
        return float(effect)
    if rng is None:
        return float(effect.mean)  # type: ignore[attr-defined]
    if isinstance(effect, LogNormalCI):
        mu, sigma = effect.mu_sigma()
        return float(np.exp(rng.normal(mu, sigma)))
    if isinstance(effect, NormalCI):
        lo, hi = effect.ci95
        return float(rng.normal(effect.mean, (hi - lo) / 3.92))
    raise TypeError(f"not an effect: {effect!r}")
