"""Uncertainty: Monte Carlo, one-at-a-time swings (tornado) and Sobol indices.

All three push arrays of samples through the one vectorized engine
(:func:`payback.evaluate` with overrides by dotted path): no per-sample Python loop.
The uncertain inputs are the scenario's distributions; without any, sensitivity swings
every real-valued engine input by ±25% so users still learn what matters.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from payback.distributions import Distribution, Uniform
from payback.engine import evaluate, numeric_paths
from payback.model._types import FloatArray
from payback.resolve import Resolved, resolve
from payback.scenario import FieldRange, Scenario, ScenarioError, field_range, value_at

__all__ = [
    "AlternativeUncertainty",
    "Driver",
    "MonteCarlo",
    "SobolIndex",
    "UncertainInput",
    "monte_carlo",
    "sobol",
    "tornado",
    "uncertain_inputs",
]

MAX_SAMPLES = 10_000_000
"""More samples than this gain nothing a user can see and cost minutes and gigabytes."""
CHUNK = 50_000
"""Samples evaluated together: bounds memory (~100 MB a chunk) and paces the progress bar."""
DEFAULT_SWING = 0.25
"""Without distributions, sensitivity moves each input this share down and up."""
WINDOWS = (3, 6, 12)

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each chunk of samples."""


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain engine input: where it is, how it varies, and its allowed range."""

    path: str
    central: float
    dist: Distribution
    allowed: FieldRange
    assumed: bool = False
    """True when no distribution was given and ±swing is assumed."""

    def ppf(self, u: Any) -> FloatArray:
        """Values at probabilities ``u`` (the distribution truncated to the field's range)."""
        return self.dist.ppf(u, self.allowed.lowest, self.allowed.highest)


def uncertain_inputs(
    resolved: Resolved, swing: float | None = None, *, assume_when_none: bool = True
) -> list[UncertainInput]:
    """The scenario's distributions, in the order the engine reads them.

    Without distributions (or when ``swing`` is given), every real-valued, non-zero engine
    input varies uniformly by ±``swing`` (default 25%), clipped to its allowed range.
    Raises :class:`ScenarioError` for a distribution on a number the engine does not read.
    """
    scenario = resolved.scenario
    engine_paths = numeric_paths(resolved)
    dists = scenario.distributions
    for path in dists:
        if path not in engine_paths:
            raise ScenarioError(
                f"{path}: its distribution cannot be sampled: the number is used once, to estimate "
                "a catalog figure or fix the horizon; put the distribution on that figure instead"
            )
    if dists and swing is None:
        return [
            UncertainInput(p, float(value_at(scenario, p)), dists[p], field_range(scenario, p))
            for p in engine_paths
            if p in dists
        ]
    if not assume_when_none:
        return []
    share = DEFAULT_SWING if swing is None else swing
    if not (math.isfinite(share) and 0 < share < 1):
        raise ScenarioError(f"swing = {share}: must be between 0 and 1 (0.25 means ±25%)")
    out = []
    for path in engine_paths:
        allowed = field_range(scenario, path)
        central = float(value_at(scenario, path))
        if not allowed.is_real or central == 0:
            continue
        low, high = sorted((central * (1 - share), central * (1 + share)))
        low, high = max(low, allowed.lowest), min(high, allowed.highest)
        if high > low:
            out.append(
                UncertainInput(
                    path,
                    central,
                    Uniform(dist="uniform", low=low, high=high),
                    allowed,
                    assumed=True,
                )
            )
    return out


def _resolved(scenario: Scenario | Resolved) -> Resolved:
    return scenario if isinstance(scenario, Resolved) else resolve(scenario)


# ---------------------------------------------------------------- Monte Carlo


@dataclass(frozen=True)
class AlternativeUncertainty:
    """What the samples say about one alternative."""

    samples: int
    p_break_even_within: dict[str, float | None]
    """Keys "3", "6", "12", "horizon": share of samples paid back by then (``None`` past the
    horizon when some samples never pay back within it)."""
    break_even_month_percentiles: dict[str, float | None]
    """Keys "p10", "p50", "p90"; a sample that never pays back counts as later than any
    month, and a percentile among those is ``None``."""
    npv_usd_percentiles: dict[str, float]
    npv_usd_mean: float
    p_npv_positive: float
    cumulative_savings_percentiles: dict[str, list[float]]
    """p10/p50/p90 of the cumulative savings at months 0..H (the fan chart)."""
    drivers: list[Driver] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MonteCarlo:
    """Monte Carlo through the engine."""

    samples: int
    seed: int
    inputs: list[str]
    """Paths of the sampled inputs."""
    alternatives: list[AlternativeUncertainty]


def _percentiles(values: FloatArray, qs: tuple[float, ...] = (0.1, 0.5, 0.9)) -> list[float]:
    return [float(v) for v in np.quantile(values, qs, method="inverted_cdf", axis=0)]


def _summary(
    month: FloatArray, npv: FloatArray, cum: FloatArray, horizon: int
) -> AlternativeUncertainty:
    n = month.shape[0]
    paid = np.isfinite(month)
    later = np.where(paid, month, np.inf)
    within: dict[str, float | None] = {}
    for k in WINDOWS:
        known = k <= horizon or bool(paid.all())
        within[str(k)] = float(np.mean(later <= k)) if known else None
    within["horizon"] = float(np.mean(paid))
    months = _percentiles(later)
    fan = np.quantile(cum, (0.1, 0.5, 0.9), method="inverted_cdf", axis=0)
    return AlternativeUncertainty(
        samples=n,
        p_break_even_within=within,
        break_even_month_percentiles={
            k: (v if math.isfinite(v) else None)
            for k, v in zip(("p10", "p50", "p90"), months, strict=True)
        },
        npv_usd_percentiles=dict(zip(("p10", "p50", "p90"), _percentiles(npv), strict=True)),
        npv_usd_mean=float(np.mean(npv)),
        p_npv_positive=float(np.mean(npv > 0)),
        cumulative_savings_percentiles={
            k: [float(x) for x in row] for k, row in zip(("p10", "p50", "p90"), fan, strict=True)
        },
    )


def monte_carlo(
    scenario: Scenario | Resolved,
    samples: int = 10_000,
    seed: int = 0,
    progress: Progress | None = None,
) -> MonteCarlo:
    """Sample every distribution of the scenario ``samples`` times and summarize each alternative.

    Inputs are drawn independently (inverse CDF of uniform random numbers, seeded), in
    chunks of :data:`CHUNK` samples so memory stays bounded; the same seed gives the same
    answer whatever the chunking.
    """
    if not (isinstance(samples, int) and 1 <= samples <= MAX_SAMPLES):
        raise ScenarioError(
            f"samples = {samples}: must be a whole number from 1 to {MAX_SAMPLES:,}"
        )
    resolved = _resolved(scenario)
    inputs = uncertain_inputs(resolved, assume_when_none=False)
    rng = np.random.default_rng(seed)
    horizon = resolved.scenario.scenario.horizon_months
    count = len(resolved.scenario.alternatives)
    months = [np.empty(samples) for _ in range(count)]
    npvs = [np.empty(samples) for _ in range(count)]
    cums = [np.empty((samples, horizon + 1)) for _ in range(count)]
    done = 0
    while done < samples:
        n = min(CHUNK, samples - done)
        u = rng.random((n, len(inputs)))  # sample-major: the stream does not depend on chunking
        overrides = {i.path: i.ppf(u[:, k]) for k, i in enumerate(inputs)}
        ev = evaluate(resolved, overrides)
        for a, outcome in enumerate(ev.alternatives):
            months[a][done : done + n] = np.broadcast_to(outcome.break_even_month, (n,))
            npvs[a][done : done + n] = np.broadcast_to(outcome.npv_usd, (n,))
            cums[a][done : done + n] = np.broadcast_to(
                outcome.cumulative_savings_usd, (n, horizon + 1)
            )
        done += n
        if progress is not None:
            progress(done, samples)
    return MonteCarlo(
        samples=samples,
        seed=seed,
        inputs=[i.path for i in inputs],
        alternatives=[_summary(months[a], npvs[a], cums[a], horizon) for a in range(count)],
    )


# ---------------------------------------------------------------- one at a time


@dataclass(frozen=True)
class Driver:
    """One input moved to its low and high value, the others central."""

    parameter: str
    low: float
    """The input's low value: its p10 (its −swing when no distribution was given)."""
    high: float
    """The input's high value: its p90 (its +swing)."""
    npv_low_usd: float
    npv_high_usd: float
    break_even_month_low: float | None
    break_even_month_high: float | None
    npv_swing_usd: float
    """|NPV at high − NPV at low|: the ranking key."""
    assumed: bool = False
    """True when the range is the assumed ±swing, not a distribution from the scenario."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def tornado(scenario: Scenario | Resolved, swing: float | None = None) -> list[list[Driver]]:
    """For each alternative, every uncertain input at its p10 and p90 (or ±swing), the rest
    central, ranked by the NPV swing (then the break-even swing). Inputs that change
    nothing for an alternative are left out of its list. One engine call for all."""
    resolved = _resolved(scenario)
    inputs = uncertain_inputs(resolved, swing)
    if not inputs:
        return [[] for _ in resolved.scenario.alternatives]
    k = len(inputs)
    lows = [float(i.ppf(0.1)) if not i.assumed else i.dist.support()[0] for i in inputs]
    highs = [float(i.ppf(0.9)) if not i.assumed else i.dist.support()[1] for i in inputs]
    overrides = {}
    for j, item in enumerate(inputs):
        column = np.full(2 * k, item.central)
        column[2 * j], column[2 * j + 1] = lows[j], highs[j]
        overrides[item.path] = column
    ev = evaluate(resolved, overrides)
    horizon = resolved.scenario.scenario.horizon_months
    result = []
    for outcome in ev.alternatives:
        npv, month = np.asarray(outcome.npv_usd), np.asarray(outcome.break_even_month)
        drivers = []
        for j, item in enumerate(inputs):
            m_low, m_high = month[2 * j], month[2 * j + 1]
            month_swing = abs(
                np.nan_to_num(m_high, nan=horizon + 1) - np.nan_to_num(m_low, nan=horizon + 1)
            )
            npv_swing = abs(float(npv[2 * j + 1] - npv[2 * j]))
            if npv_swing == 0 and month_swing == 0:
                continue
            drivers.append(
                (
                    npv_swing,
                    month_swing,
                    Driver(
                        parameter=item.path,
                        low=lows[j],
                        high=highs[j],
                        npv_low_usd=float(npv[2 * j]),
                        npv_high_usd=float(npv[2 * j + 1]),
                        break_even_month_low=None if math.isnan(m_low) else float(m_low),
                        break_even_month_high=None if math.isnan(m_high) else float(m_high),
                        npv_swing_usd=npv_swing,
                        assumed=item.assumed,
                    ),
                )
            )
        drivers.sort(key=lambda d: (-d[0], -d[1]))
        result.append([d[2] for d in drivers])
    return result


# ---------------------------------------------------------------- Sobol


@dataclass(frozen=True)
class SobolIndex:
    """Variance-based sensitivity of one alternative's NPV to one input."""

    parameter: str
    first_order: float
    """Share of the NPV's variance due to this input alone."""
    total_order: float
    """Share due to this input including its interactions with the others."""
    assumed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def sobol(
    scenario: Scenario | Resolved, samples: int = 1024, seed: int = 0, swing: float | None = None
) -> list[list[SobolIndex]]:
    """Sobol first- and total-order indices of each alternative's NPV (SciPy's
    ``sobol_indices``, Saltelli 2010), ranked by total order. ``samples`` is the base
    sample count (rounded up to a power of two); the engine runs samples · (inputs + 2)
    times in vectorized chunks."""
    from scipy.stats import sobol_indices

    if not (isinstance(samples, int) and 8 <= samples <= 2**20):
        raise ScenarioError(
            f"samples = {samples}: must be a whole number from 8 to {2**20:,} for Sobol indices"
        )
    resolved = _resolved(scenario)
    inputs = uncertain_inputs(resolved, swing)
    count = len(resolved.scenario.alternatives)
    if not inputs:
        return [[] for _ in range(count)]
    n = 1 << math.ceil(math.log2(samples))

    def npv(x: FloatArray) -> FloatArray:
        out = np.empty((count, x.shape[1]))
        for start in range(0, x.shape[1], CHUNK):
            part = x[:, start : start + CHUNK]
            ev = evaluate(resolved, {i.path: part[j] for j, i in enumerate(inputs)})
            for a, outcome in enumerate(ev.alternatives):
                out[a, start : start + part.shape[1]] = outcome.npv_usd
        return out

    with np.errstate(divide="ignore", invalid="ignore"):
        result = sobol_indices(func=npv, n=n, dists=inputs, rng=np.random.default_rng(seed))
    first = np.nan_to_num(np.atleast_2d(result.first_order))
    total = np.nan_to_num(np.atleast_2d(result.total_order))
    ranked = []
    for a in range(count):
        indices = [
            SobolIndex(i.path, float(first[a, j]), float(total[a, j]), i.assumed)
            for j, i in enumerate(inputs)
            if total[a, j] > 1e-12 or first[a, j] > 1e-12
        ]
        ranked.append(sorted(indices, key=lambda s: -s.total_order))
    return ranked
