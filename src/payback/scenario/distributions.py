"""Distributions a scenario may give instead of a number: ``{ dist = "triangular", ... }``.

Each has a central value (what the deterministic answer uses) and a vectorized inverse
CDF (``ppf``) truncated to the field's allowed range, which both Monte Carlo sampling
and SciPy's Sobol indices use.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, TypeAlias

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from payback.finance._types import ArrayLike, FloatArray, as_float

__all__ = ["DISTS", "Distribution", "LogNormal", "Normal", "Triangular", "Uniform"]

Z90 = 1.2815515655446004
"""The standard normal's 90th percentile (``scipy.special.ndtri(0.9)``; a test keeps them
equal), written out so that reading a scenario does not load SciPy."""

Finite = Annotated[float, Field(allow_inf_nan=False)]


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)

    def central(self) -> float:
        """The value the deterministic analysis uses."""
        raise NotImplementedError

    def support(self) -> tuple[float, float]:
        """Where samples can fall before truncation to the field's range."""
        raise NotImplementedError

    def ppf(self, u: ArrayLike, lower: float = -math.inf, upper: float = math.inf) -> FloatArray:
        """Inverse CDF at probabilities ``u``, truncated to [lower, upper]."""
        raise NotImplementedError


class Triangular(_Dist):
    """Least ``low``, most likely ``mode``, most ``high``."""

    dist: Literal["triangular"]
    low: Finite
    mode: Finite
    high: Finite

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"needs low ≤ mode ≤ high, got low = {self.low:g}, mode = {self.mode:g}, high = {self.high:g}"
            )
        return self

    def central(self) -> float:
        return self.mode

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def ppf(self, u: ArrayLike, lower: float = -math.inf, upper: float = math.inf) -> FloatArray:
        """F⁻¹(u) = low + √(u·w·(mode−low)) below c = (mode−low)/w, else high − √((1−u)·w·(high−mode)).

        >>> Triangular(dist="triangular", low=0.0, mode=0.0, high=1.0).ppf([0.0, 0.75, 1.0])
        array([0. , 0.5, 1. ])
        """
        p = as_float(u)
        width = self.high - self.low
        if width == 0:
            return np.full_like(p, self.mode)
        c = (self.mode - self.low) / width
        left = self.low + np.sqrt(np.clip(p, 0, 1) * width * (self.mode - self.low))
        right = self.high - np.sqrt(np.clip(1 - p, 0, 1) * width * (self.high - self.mode))
        return np.clip(np.where(p < c, left, right), lower, upper)


class Uniform(_Dist):
    """Any value between ``low`` and ``high`` equally likely."""

    dist: Literal["uniform"]
    low: Finite
    high: Finite

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"needs low ≤ high, got low = {self.low:g}, high = {self.high:g}")
        return self

    def central(self) -> float:
        return (self.low + self.high) / 2.0

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def ppf(self, u: ArrayLike, lower: float = -math.inf, upper: float = math.inf) -> FloatArray:
        """F⁻¹(u) = low + u · (high − low).

        >>> Uniform(dist="uniform", low=2.0, high=4.0).ppf([0.0, 0.5])
        array([2., 3.])
        """
        return np.clip(self.low + as_float(u) * (self.high - self.low), lower, upper)


NARROW_Z = 1e-6
"""A truncation window narrower than this in standard deviations is sampled uniformly in
it: the density varies across it by at most |z| · width (under 1e-11 for a centre inside
the window, where Φ's differences lose their digits: an sd of 10¹⁵ on a share gave the
mean for every sample)."""


def _truncated_normal(z_lo: float, z_hi: float, u: FloatArray) -> FloatArray:
    """Standard-normal quantiles of u rescaled into [Φ(z_lo), Φ(z_hi)].

    >>> _truncated_normal(-3e-16, 7e-16, np.array([0.0, 0.5, 1.0]))
    array([-3.e-16,  2.e-16,  7.e-16])
    """
    from scipy import special  # only when sampling: reading a scenario does not need it

    share = np.clip(u, 0, 1)
    if z_hi - z_lo < NARROW_Z:
        return as_float(z_lo + share * (z_hi - z_lo))
    p_lo, p_hi = float(special.ndtr(z_lo)), float(special.ndtr(z_hi))
    return as_float(special.ndtri(p_lo + share * (p_hi - p_lo)))


class Normal(_Dist):
    """Mean ``mean`` and standard deviation ``sd``, truncated to the field's allowed range."""

    dist: Literal["normal"]
    mean: Finite
    sd: Finite = Field(ge=0.0)

    def central(self) -> float:
        return self.mean

    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf) if self.sd > 0 else (self.mean, self.mean)

    def ppf(self, u: ArrayLike, lower: float = -math.inf, upper: float = math.inf) -> FloatArray:
        """Quantiles of N(mean, sd²) conditioned on [lower, upper].

        >>> Normal(dist="normal", mean=10.0, sd=2.0).ppf([0.5]).round(6)
        array([10.])
        """
        p = as_float(u)
        if self.sd == 0:
            return np.full_like(p, self.mean)
        z = _truncated_normal((lower - self.mean) / self.sd, (upper - self.mean) / self.sd, p)
        return np.clip(self.mean + self.sd * z, lower, upper)


class LogNormal(_Dist):
    """Positive and right-skewed: half the mass below ``median``, 90% below ``p90``."""

    dist: Literal["lognormal"]
    median: Finite = Field(gt=0.0)
    p90: Finite = Field(gt=0.0)

    @model_validator(mode="after")
    def _ordered(self) -> LogNormal:
        if self.p90 < self.median:
            raise ValueError(
                f"needs p90 ≥ median, got median = {self.median:g}, p90 = {self.p90:g}"
            )
        return self

    @property
    def sigma(self) -> float:
        """Standard deviation of the logarithm: ln(p90 / median) / z₀.₉."""
        return math.log(self.p90 / self.median) / Z90

    def central(self) -> float:
        return self.median

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf) if self.sigma > 0 else (self.median, self.median)

    def ppf(self, u: ArrayLike, lower: float = -math.inf, upper: float = math.inf) -> FloatArray:
        """Quantiles of exp(N(ln median, σ²)) conditioned on [lower, upper].

        >>> LogNormal(dist="lognormal", median=100.0, p90=200.0).ppf([0.5, 0.9]).round(6)
        array([100., 200.])
        """
        p = as_float(u)
        if self.sigma == 0:
            return np.full_like(p, self.median)
        mu = math.log(self.median)
        z_lo = (math.log(lower) - mu) / self.sigma if lower > 0 else -math.inf
        z_hi = (math.log(upper) - mu) / self.sigma if upper < math.inf else math.inf
        return np.clip(np.exp(mu + self.sigma * _truncated_normal(z_lo, z_hi, p)), lower, upper)


Distribution: TypeAlias = Annotated[
    Triangular | Uniform | Normal | LogNormal, Field(discriminator="dist")
]

DISTS: dict[str, type[_Dist]] = {
    "triangular": Triangular,
    "uniform": Uniform,
    "normal": Normal,
    "lognormal": LogNormal,
}
"""Distribution kinds by their ``dist`` value."""
