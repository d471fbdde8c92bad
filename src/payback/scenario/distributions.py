"""Distributions a scenario may give instead of a number: ``{ dist = "triangular", ... }``.

Each has a central value (what the deterministic answer uses) and a vectorized inverse
CDF (``ppf``) truncated to the field's allowed range, which Monte Carlo sampling, the
tornado's ends (its p10 and p90) and SciPy's Sobol indices all use.

A triangular's or a uniform's ``low`` and ``high`` are numbers the scenario states: each
must be one the field accepts (:func:`stated_end_problem`), as the number itself would be
(a price's ``low = -1`` is refused), so neither ever reaches past its field. A normal's
or a lognormal's tails are implied, and the rule for them (:func:`range_problem`): what a
distribution puts outside its field's range is **truncated**, not clipped (the distribution is
conditioned on the range: the share outside is spread over the range in proportion to the density,
no sample piles up on a bound), as long as that keeps what the scenario states. A distribution is
refused when more than :data:`MAX_TAIL` (10%) lies past one bound (its p10 or p90 would be a value
the field refuses), or when cutting its tails off moves its median by more than :data:`MAX_SHIFT`
(5% of its p10-p90 spread; of the median itself for a lognormal). A normal of mean 200,000 and sd
100,000 for a count puts 2.3% below 0 and moves its median by 1.1% of its spread: accepted, drawn
truncated; a lognormal whose p90 is 10¹² under a limit of 10¹³ puts 7% above it and loses 65% of its
median (200,000 to 69,100): refused. A stated end is checked against the field's own bounds, strict
ones too: an escalation share (``≥ 0`` and ``< 1``) refuses ``high = 1`` as it refuses
``escalation_share = 1``. A field's excluded bound (``> 0``) is never sampled: the range ends on the
nearest number inside it (:func:`sampled_range`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from payback.figures import limit_text
from payback.finance._types import ArrayLike, FloatArray, as_float

if TYPE_CHECKING:
    from payback.scenario.paths import FieldRange

__all__ = [
    "DISTS",
    "MAX_SHIFT",
    "MAX_TAIL",
    "Distribution",
    "LogNormal",
    "Normal",
    "Triangular",
    "Uniform",
    "accepts",
    "as_written",
    "range_problem",
    "sampled_range",
    "stated_end_problem",
]

MAX_TAIL = 0.10
"""The most of a distribution's mass that may lie past one bound of its field's range: more
and its p10 or p90 would be a value the field refuses."""

MAX_SHIFT = 0.05
"""How far cutting a distribution's tails off (truncating it to its field's range) may move
its median: for a lognormal, a share of the median (its spread is a factor: a lognormal of
median 200,000 and p90 10¹², truncated to ≤ 10¹³, had a median of 69,100); for the others,
a share of the p10-p90 spread (their spread is a width: a growth centred on 0 that puts
0.1% below −100% moves its median by 0.001, nothing against a width of 1.6)."""

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

    def below(self, x: float) -> float:
        """The share of the mass below ``x``, P(X < x)."""
        raise NotImplementedError

    def above(self, x: float) -> float:
        """The share of the mass above ``x``, P(X > x) (computed as such, not 1 − P(X ≤ x),
        so that a small tail keeps its digits)."""
        raise NotImplementedError

    def ppf(self, u: ArrayLike, lower: float = -math.inf, upper: float = math.inf) -> FloatArray:
        """Inverse CDF at probabilities ``u``, truncated to [lower, upper]."""
        raise NotImplementedError

    def _truncated(self, u: ArrayLike, lower: float, upper: float) -> FloatArray:
        """``u`` rescaled into [F(lower), F(upper)]: the probabilities whose untruncated
        quantiles are the truncated distribution's quantiles at ``u``."""
        p = np.clip(as_float(u), 0.0, 1.0)
        low, high = self.below(lower), self.above(upper)
        if low == 0 and high == 0:
            return p
        return as_float(low + p * max(0.0, 1.0 - low - high))


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
        """The mode (a skewed triangle's p10 may lie above it, or its p90 below it)."""
        return self.mode

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def below(self, x: float) -> float:
        """F(x) = (x−low)² / (w·(mode−low)) up to the mode, 1 − (high−x)² / (w·(high−mode)) past it.

        >>> Triangular(dist="triangular", low=0.0, mode=0.0, high=2.0).below(1.0)
        0.75
        """
        if x <= self.low:
            return 0.0
        if x >= self.high:
            return 1.0
        width = self.high - self.low
        if x <= self.mode:
            return (x - self.low) / width * ((x - self.low) / (self.mode - self.low))
        return 1.0 - self.above(x)

    def above(self, x: float) -> float:
        """1 − F(x) = (high−x)² / (w·(high−mode)) past the mode.

        >>> Triangular(dist="triangular", low=0.0, mode=0.0, high=2.0).above(1.0)
        0.25
        """
        if x >= self.high:
            return 0.0
        if x < self.low or (x == self.low and self.high > self.low):
            return 1.0
        if x < self.mode:
            return 1.0 - self.below(x)
        return (
            (self.high - x) / (self.high - self.low) * ((self.high - x) / (self.high - self.mode))
        )

    def ppf(self, u: ArrayLike, lower: float = -math.inf, upper: float = math.inf) -> FloatArray:
        """F⁻¹(u) = low + √(u·w·(mode−low)) below c = (mode−low)/w,
        else high − √((1−u)·w·(high−mode)).

        >>> Triangular(dist="triangular", low=0.0, mode=0.0, high=1.0).ppf([0.0, 0.75, 1.0])
        array([0. , 0.5, 1. ])
        """
        p = self._truncated(u, lower, upper)
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

    def below(self, x: float) -> float:
        """F(x) = (x − low) / (high − low) inside the range.

        >>> Uniform(dist="uniform", low=2.0, high=4.0).below(2.5)
        0.25
        """
        if x <= self.low:
            return 0.0
        return 1.0 if x >= self.high else (x - self.low) / (self.high - self.low)

    def above(self, x: float) -> float:
        if x >= self.high:
            return 0.0
        return 1.0 if x < self.low else (self.high - x) / (self.high - self.low)

    def ppf(self, u: ArrayLike, lower: float = -math.inf, upper: float = math.inf) -> FloatArray:
        """F⁻¹(u) = low + u · (high − low).

        >>> Uniform(dist="uniform", low=2.0, high=4.0).ppf([0.0, 0.5])
        array([2., 3.])
        """
        p = self._truncated(u, lower, upper)
        return np.clip(self.low + p * (self.high - self.low), lower, upper)


NARROW_Z = 1e-6
"""A truncation window narrower than this in standard deviations is sampled uniformly in
it: the density varies across it by at most |z| · width (under 1e-11 for a centre inside
the window, where Φ's differences lose their digits: an sd of 10¹⁵ on a share gave the
mean for every sample)."""


def _tail(z: float) -> float:
    """The standard normal's mass above ``z``, 1 − Φ(z) = erfc(z / √2) / 2 (the math
    module's: reading a scenario does not load SciPy).

    >>> round(_tail(Z90), 12), _tail(-math.inf), _tail(math.inf)
    (0.1, 1.0, 0.0)
    """
    return 0.5 * math.erfc(z / math.sqrt(2.0))


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

    def below(self, x: float) -> float:
        """Φ((x − mean) / sd).

        >>> round(Normal(dist="normal", mean=0.0, sd=1.0).below(-1.0), 6)
        0.158655
        """
        if self.sd == 0:
            return float(self.mean < x)
        return _tail(-(x - self.mean) / self.sd)

    def above(self, x: float) -> float:
        if self.sd == 0:
            return float(self.mean > x)
        return _tail((x - self.mean) / self.sd)

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

    def below(self, x: float) -> float:
        """Φ((ln x − ln median) / σ) for x > 0.

        >>> round(LogNormal(dist="lognormal", median=100.0, p90=200.0).below(200.0), 6)
        0.9
        """
        if x <= 0:
            return 0.0
        if self.sigma == 0:
            return float(self.median < x)
        return _tail(-(math.log(x) - math.log(self.median)) / self.sigma)

    def above(self, x: float) -> float:
        if x <= 0:
            return 1.0
        if self.sigma == 0:
            return float(self.median > x)
        return _tail((math.log(x) - math.log(self.median)) / self.sigma)

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


def undeclared_range(path: str, table: Mapping[str, Any]) -> str | None:
    """The line for a table that holds a distribution's parameters but no ``dist`` naming
    its kind (``{ distribution = "triangular", low = 1, mode = 2, high = 3 }``), ``None``
    for any other table: without it the table was refused as "a table: must be a number".

    >>> undeclared_range("traffic.growth", {"type": "uniform", "low": 0.0, "high": 0.1})
    'traffic.growth: a range names its kind in dist (dist = "uniform" beside low, high); type is not a key of a range'
    >>> undeclared_range("traffic.growth", {'dist = "uniform"': None, "low = 0": None, "high = 0.1": None})
    "traffic.growth: YAML writes a range's keys as key: value, {dist: uniform, low: 0, high: 0.1}, not key = value"
    >>> undeclared_range("alternatives.0.training", {"method": "lora"}) is None
    True
    """
    keys = {str(k) for k in table}
    pairs = [str(k).partition("=") for k in table]
    if pairs and all(
        eq and name.strip() and table[k] is None
        for (name, eq, _), k in zip(pairs, table, strict=True)
    ):
        # TOML's { dist = "triangular", ... } in a YAML file: keys 'dist = "triangular"'
        written = ", ".join(
            f"{n.strip()}: {v.strip().strip(chr(34) + chr(39))}" for n, _, v in pairs
        )
        return f"{path}: YAML writes a range's keys as key: value, {{{written}}}, not key = value"
    for kind, model in DISTS.items():
        params = [f for f in model.model_fields if f != "dist"]
        if "dist" not in keys and set(params) <= keys:
            others = sorted(keys - set(params))
            line = f'{path}: a range names its kind in dist (dist = "{kind}" beside {", ".join(params)})'
            if others:
                line += f"; {', '.join(others)} {'is' if len(others) == 1 else 'are'} not a key of a range"
            return line
    return None


TOLD = 1e-4
"""A side of the range with less of the mass past it than this (0.01%) goes unmentioned
when the other side has more."""


def sampled_range(allowed: FieldRange) -> tuple[float, float]:
    """The closed range a field's samples are drawn in: its bounds, an excluded one
    (``> 0``) moved to the nearest number inside it, so that no sample is a value the
    field refuses.

    >>> from payback.scenario.paths import FieldRange
    >>> sampled_range(FieldRange(0.0, 1.0, False, True, True))
    (5e-324, 1.0)
    """
    low, high = allowed.lowest, allowed.highest
    if not allowed.lowest_included:
        low = math.nextafter(low, math.inf)
    if not allowed.highest_included:
        high = math.nextafter(high, -math.inf)
    return low, high


def stated_end_problem(path: str, dist: Distribution, allowed: FieldRange) -> str | None:
    """One line when a triangular's or a uniform's stated ``low`` or ``high`` is a number
    the field refuses (:func:`accepts`: outside its range ``allowed``, or on a bound it
    excludes), naming each such end and the field's rule, else ``None``.

    >>> from payback.scenario.paths import FieldRange
    >>> price = Triangular(dist="triangular", low=-1.0, mode=3.0, high=4.0)
    >>> print(
    ...     stated_end_problem(
    ...         "baseline.input_usd_per_mtok", price, FieldRange(0.0, 1e4, True, True, True)
    ...     )
    ... )
    baseline.input_usd_per_mtok = { dist = "triangular", low = -1, mode = 3, high = 4 }: low = -1 is outside the field's range; each end must be ≥ 0 and ≤ 10,000
    >>> share = Uniform(dist="uniform", low=0.5, high=1.0)
    >>> print(
    ...     stated_end_problem("escalation_share", share, FieldRange(0.0, 1.0, True, False, True))
    ... )
    escalation_share = { dist = "uniform", low = 0.5, high = 1 }: high = 1 is outside the field's range; each end must be ≥ 0 and < 1
    """
    if not isinstance(dist, Triangular | Uniform):
        return None
    past = [
        f"{end} = {_number(value)}"
        for end, value in (("low", dist.low), ("high", dist.high))
        if not accepts(allowed, value)
    ]
    if not past:
        return None
    sides = [
        *([allowed.describe_low()] if math.isfinite(allowed.lowest) else []),
        *([allowed.describe_high()] if math.isfinite(allowed.highest) else []),
    ]
    return (
        f"{path} = {as_written(dist)}: {' and '.join(past)} "
        f"{'is' if len(past) == 1 else 'are'} outside the field's range; each end must be "
        f"{' and '.join(sides)}"
    )


def accepts(allowed: FieldRange, value: float) -> bool:
    """Whether the field whose range is ``allowed`` accepts ``value`` as a plain number:
    inside its bounds, on a bound only where the field includes it.

    >>> from payback.scenario.paths import FieldRange
    >>> share = FieldRange(0.0, 1.0, True, False, True)
    >>> accepts(share, 0.0), accepts(share, 0.999), accepts(share, 1.0)
    (True, True, False)
    """
    low, high = allowed.lowest, allowed.highest
    above = low < value or (allowed.lowest_included and value == low)
    below = value < high or (allowed.highest_included and value == high)
    return above and below


def range_problem(path: str, dist: Distribution, allowed: FieldRange) -> str | None:
    """One line when ``dist`` reaches past the field's range ``allowed`` further than
    truncation keeps what it states (more than :data:`MAX_TAIL` past a bound, or a median
    moved by more than :data:`MAX_SHIFT`), else ``None``: the rule for every kind.

    >>> from payback.scenario.paths import FieldRange
    >>> wide = LogNormal(dist="lognormal", median=200_000.0, p90=1e12)
    >>> print(
    ...     range_problem(
    ...         "traffic.requests_per_month", wide, FieldRange(0.0, 1e13, False, True, True)
    ...     )
    ... )
    traffic.requests_per_month = { dist = "lognormal", median = 200000, p90 = 1e+12 }: 7.0% of it lies above 10,000,000,000,000, and cutting that off moves its median from 200,000 to 69,100 (-65%); the field must be > 0 and ≤ 10,000,000,000,000, and cutting a tail off may move the median by at most 5% of it: narrow it
    """
    below, above = dist.below(allowed.lowest), dist.above(allowed.highest)
    if below + above <= 0.0:
        return None
    sides = [
        *([allowed.describe_low()] if math.isfinite(allowed.lowest) else []),
        *([allowed.describe_high()] if math.isfinite(allowed.highest) else []),
    ]
    where = _where(below, above, allowed)
    stated = f"{path} = {as_written(dist)}: {_share(below + above)} of it lies {where}"
    if max(below, above) > MAX_TAIL:
        ends = " and ".join(
            end for end, share in (("p10", below), ("p90", above)) if share > MAX_TAIL
        )
        verb = "are" if " " in ends else "is"
        return (
            f"{stated}, so its {ends} {verb} past it; the field must be "
            f"{' and '.join(sides)}: narrow it"
        )
    median = float(dist.ppf(0.5))
    kept = float(dist.ppf(0.5, *sampled_range(allowed)))
    relative = isinstance(dist, LogNormal)
    scale = median if relative else float(dist.ppf(0.9) - dist.ppf(0.1))
    if abs(kept - median) <= MAX_SHIFT * scale:
        return None
    of = "" if relative else " of its p10-p90 spread"
    moved = (
        f"{(kept - median) / scale:+.0%}{of}"
        if relative
        else f"{abs(kept - median) / scale:.1%}{of}"
    )
    return (
        f"{stated}, and cutting that off moves its median from {_short(median)} to "
        f"{_short(kept)} ({moved}); the field must be {' and '.join(sides)}, and cutting a "
        f"tail off may move the median by at most {MAX_SHIFT:.0%}{of or ' of it'}: narrow it"
    )


def _where(below: float, above: float, allowed: FieldRange) -> str:
    if min(below, above) >= TOLD:
        return f"outside the field's range ({_share(below)} below, {_share(above)} above)"
    if below >= above:
        return f"below {limit_text(allowed.lowest)}"
    return f"above {limit_text(allowed.highest)}"


def _short(value: float) -> str:
    """Three significant digits, with separators from 100 up.

    >>> _short(200_000.0), _short(69_781.2), _short(0.000505), _short(-12.345)
    ('200,000', '69,800', '0.000505', '-12.3')
    """
    rounded = float(f"{value:.3g}")
    return f"{rounded:,.0f}" if abs(rounded) >= 100 else f"{rounded:.3g}"


def as_written(dist: Distribution) -> str:
    """A distribution as a scenario file writes it.

    >>> as_written(Normal(dist="normal", mean=0.02, sd=1e13))
    '{ dist = "normal", mean = 0.02, sd = 1e+13 }'
    """
    terms = [
        f'dist = "{v}"' if k == "dist" else f"{k} = {_number(v)}"
        for k, v in dist.model_dump().items()
    ]
    return "{ " + ", ".join(terms) + " }"


def _number(value: float) -> str:
    """``:g`` where it keeps every digit, else Python's shortest exact form."""
    text = f"{value:g}"
    return text if float(text) == value else repr(value)


def _share(share: float) -> str:
    """A share of the mass as a percentage, with the digits that keep it apart from the
    10% limit and from all of it.

    >>> [_share(s) for s in (0.4585, 0.0704, 0.10004, 0.99999, 1.0, 0.00135, 1e-7)]
    ['46%', '7.0%', '10.004%', 'over 99%', '100%', '0.14%', 'under 0.01%']
    """
    percent = share * 100
    if percent < 0.01:
        return "under 0.01%"
    if percent < 1:
        return f"{percent:.2g}%"
    if percent < 10:
        return f"{percent:.1f}%"
    text = f"{percent:.0f}"
    if text == "10":
        digits = 0
        while round(percent, digits) <= MAX_TAIL * 100 < percent and digits < 8:
            digits += 1
        return f"{percent:.{digits}f}%"
    return "over 99%" if text == "100" and share < 1 else f"{text}%"
