"""The line a Monte Carlo of few samples adds to its warnings: how far its chances may
be from what more samples would give, so that "0%" from three samples does not read as a
finding."""

from __future__ import annotations

import math

__all__ = ["FEW_SAMPLES", "few_samples_line"]

FEW_SAMPLES = 400
"""Below this many samples a chance's standard error can pass 2.5 points (0.5 / √n at a
chance of 50%, a binomial share's largest): the warning is given."""

ENOUGH = 2_000
"""The count the line suggests: ±1.1 points, and a second or so of sampling."""


def _points(samples: int) -> str:
    """One standard error of a share estimated from ``samples`` draws, at 50%, in points:
    one decimal under 10 (50 / √399 = 2.503 is 2.5, not 3, beside the 2.5 of the rule).

    >>> _points(3), _points(399), _points(2000)
    ('29', '2.5', '1.1')
    """
    points = 50.0 / math.sqrt(samples)
    return f"{points:.0f}" if points >= 10 else f"{points:.1f}"


def few_samples_line(samples: int) -> str | None:
    """The warning for a Monte Carlo of fewer than :data:`FEW_SAMPLES` samples, else None.

    >>> few_samples_line(3)
    '3 samples: each chance may be off by about ±29 points (one standard error at 50%), \
and the percentiles as roughly; 2,000 samples take it to ±1.1'
    >>> few_samples_line(400) is None
    True
    """
    if samples >= FEW_SAMPLES:
        return None
    noun = "sample" if samples == 1 else "samples"
    return (
        f"{samples:,} {noun}: each chance may be off by about ±{_points(samples)} points "
        f"(one standard error at 50%), and the percentiles as roughly; {ENOUGH:,} samples "
        f"take it to ±{_points(ENOUGH)}"
    )
