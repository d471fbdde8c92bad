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


def _points(samples: int) -> float:
    """One standard error of a share estimated from ``samples`` draws, at 50%, in points."""
    return 50.0 / math.sqrt(samples)


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
        f"{samples:,} {noun}: each chance may be off by about ±{_points(samples):.0f} points "
        f"(one standard error at 50%), and the percentiles as roughly; {ENOUGH:,} samples "
        f"take it to ±{_points(ENOUGH):.1f}"
    )
