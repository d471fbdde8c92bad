"""Sobol indices with their sampling uncertainty.

SciPy's ``sobol_indices`` estimates first- and total-order indices with the estimators of
"Variance based sensitivity analysis of model output" (2010; :func:`saltelli`) and gives
no interval short of a BCa bootstrap whose jackknife costs n² evaluations. :func:`with_intervals`
resamples the n base rows (the A, B and AB values of one row go together) :data:`RESAMPLES` times,
as SALib's ``S1_conf``/``ST_conf`` do, and gives each index's half-width at :data:`CONFIDENCE`: z ·
the bootstrap standard deviation. The resampling treats the rows as independent draws; SciPy draws
them from a scrambled Sobol' sequence, which errs less, so the half-widths are an upper bound: on
examples/quarter-uncertain.toml the spread over 30 seeds was 0.3-0.8 of the bootstrap's at 128 base
samples and 0.2-0.5 at 1,024 (a linear model's, far less). Both estimators are noisy on their own:
for an input that acts alone the two indices are equal, yet the estimates may put the first order
above the total; the half-width of their difference says whether that is more than noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from payback.finance._types import FloatArray

if TYPE_CHECKING:
    from payback.studies.uncertainty import SobolIndex

__all__ = [
    "CONFIDENCE",
    "NARROW",
    "RESAMPLES",
    "WIDE",
    "Intervals",
    "base_samples_for",
    "saltelli",
    "wide_warnings",
    "with_intervals",
]

RESAMPLES = 100
"""Bootstrap resamples of the base rows (SALib's default ``num_resamples``)."""
CONFIDENCE = 0.95
"""Confidence of the half-widths (SALib's default ``conf_level``)."""
Z = 1.959963984540054
"""The standard normal's quantile at 0.5 + CONFIDENCE / 2."""
WIDE = 0.1
"""A half-width above this is wide: the shares' order may be noise; more samples are said."""
NARROW = 0.05
"""The half-width the samples said for a wide interval aim at."""
CELLS = 4_000_000
"""Values one resample copies at most (alternatives are resampled in groups under it)."""


def saltelli(f_a: FloatArray, f_b: FloatArray, f_ab: FloatArray) -> tuple[FloatArray, FloatArray]:
    """First- and total-order indices (outputs, inputs) from the centred values at A and B
    (outputs, n) and at the AB pages (inputs, outputs, n): the 2010 estimators, as SciPy,

    S_i = mean(f_B · (f_ABi − f_A)) / V,  S_Ti = mean((f_A − f_ABi)²) / (2 V),

    V the variance of f_A and f_B together. A constant output gives 0 (SciPy's rule).

    >>> x = np.array([[-1.0, 1.0, -1.0, 1.0]])
    >>> f_a, f_b = x, -x
    >>> saltelli(f_a, f_b, np.stack([f_b, f_a]))  # the first input carries it all
    (array([[1., 0.]]), array([[1., 0.]]))
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        var = np.var(np.stack([f_a, f_b]), axis=(0, -1))
        first = np.mean(f_b * (f_ab - f_a), axis=-1) / var
        total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=-1) / var
    return np.nan_to_num(first.T), np.nan_to_num(total.T)


@dataclass(frozen=True)
class Intervals:
    """Each index (outputs, inputs) and the half-widths of its interval at CONFIDENCE."""

    first: FloatArray
    total: FloatArray
    first_conf: FloatArray
    total_conf: FloatArray
    excess_conf: FloatArray
    """Half-width of first − total: a first order above the total by less is noise."""


def with_intervals(f_a: FloatArray, f_b: FloatArray, f_ab: FloatArray, seed: int) -> Intervals:
    """:func:`saltelli`'s indices and their bootstrap half-widths (:data:`RESAMPLES`
    resamples of the n base rows, drawn from ``seed``)."""
    first, total = saltelli(f_a, f_b, f_ab)
    outputs, n = f_a.shape
    rng = np.random.default_rng([seed, 1])
    rows = [rng.integers(0, n, n) for _ in range(RESAMPLES)]
    group = max(1, CELLS // max(1, f_ab.shape[0] * n))
    spread = [np.empty_like(first) for _ in range(3)]
    for start in range(0, outputs, group):
        part = slice(start, start + group)
        firsts, totals = [], []
        for idx in rows:
            s, st = saltelli(f_a[part][:, idx], f_b[part][:, idx], f_ab[:, part][:, :, idx])
            firsts.append(s)
            totals.append(st)
        s_b, st_b = np.stack(firsts), np.stack(totals)
        for out, values in zip(spread, (s_b, st_b, s_b - st_b), strict=True):
            out[part] = Z * np.std(values, axis=0, ddof=1)
    return Intervals(first, total, *spread)


def base_samples_for(half_width: float, base_samples: int, most: int) -> int:
    """Base samples (a power of two, at most ``most``) at which a half-width of
    ``half_width`` at ``base_samples`` narrows to :data:`NARROW` (it shrinks as 1/√n).

    >>> base_samples_for(0.15, 128, 2**20)  # 128 · 3² = 1,152: 2,048
    2048
    """
    wanted = base_samples * (half_width / NARROW) ** 2
    return min(most, 1 << max(0, math.ceil(math.log2(wanted))))


def wide_warnings(ranked: list[list[SobolIndex]], names: list[str], n: int, most: int) -> list[str]:
    """A warning for each alternative (by ``names``) whose widest interval at ``n`` base
    samples is wider than :data:`WIDE`, with the
    base samples that would narrow it to ``NARROW``: at most ``most`` (the size limit)."""
    most = 1 << int(math.log2(min(2**20, most)))
    out = []
    for name, indices in zip(names, ranked, strict=True):
        widest = max((max(s.first_order_conf, s.total_order_conf) for s in indices), default=0.0)
        if widest > WIDE:
            more = base_samples_for(widest, n, most)
            reached = widest * math.sqrt(n / more)  # it shrinks as 1/√n
            advice = (
                "more base samples are past the size limit"
                if more <= n
                else f"about {more:,} base samples would narrow them to ±{NARROW:.2f}"
                if reached <= NARROW * 1.0001
                else f"{more:,} base samples (the size limit) would narrow them to about "
                f"±{reached:.2f}"
            )
            out.append(
                f"{name!r}: the Sobol shares' 95% intervals reach ±{widest:.2f} at {n:,} base "
                f"samples, so their order may be noise; {advice}"
            )
    return out
