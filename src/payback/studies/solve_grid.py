"""The candidate values :func:`payback.studies.solve.solve` tries first: a grid over an
input's whole allowed range (linear, logarithmic near zero, today's value) to bracket a
crossing, and a dense scan of the stretch either side of today's value out to that bracket,
for a crossing and back that the grid stepped over."""

from __future__ import annotations

import math

import numpy as np

from payback.finance._types import FloatArray
from payback.scenario import FieldRange

__all__ = ["DENSE_POINTS", "GRID_POINTS", "dense", "grid"]

GRID_POINTS = 2049
"""Points of each grid (linear and logarithmic) laid over the allowed range to bracket."""
DENSE_POINTS = 2048
"""Values scanned, in one engine call, between today's value and the crossing the grid
found (and as far on the other side): a crossing and back that the grid stepped over."""


def grid(allowed: FieldRange, current: float, whole: bool, count: int = GRID_POINTS) -> FloatArray:
    """Candidate values over the allowed range: linear, logarithmic near zero, today's
    (``count`` of each)."""
    scale = max(1.0, abs(current))
    low = allowed.lowest if math.isfinite(allowed.lowest) else current - 1e3 * scale
    high = allowed.highest if math.isfinite(allowed.highest) else current + 1e3 * scale
    parts = [np.linspace(low, high, count), np.array([current])]
    if high > 0:
        start = low if low > 0 else high * 1e-12
        parts.append(np.geomspace(start, high, count))
    if low < 0:
        end = -high if high < 0 else low * 1e-12
        parts.append(-np.geomspace(-end, -low, count))
    points = np.concatenate(parts)
    if whole:
        points = np.clip(np.round(points), math.ceil(low), math.floor(high))
    points = points[(points >= low) & (points <= high)]
    if not allowed.lowest_included:
        points = points[points > low]
    if not allowed.highest_included:
        points = points[points < high]
    return np.unique(points)


def dense(
    allowed: FieldRange, current: float, reach: float, whole: bool, count: int = DENSE_POINTS
) -> FloatArray:
    """``count`` values within ``reach`` of today's on either side (linear, and
    logarithmic where the stretch spans decades), inside the allowed range."""
    low = max(current - reach, allowed.lowest)
    high = min(current + reach, allowed.highest)
    half = count // 2
    parts = [np.linspace(low, current, half), np.linspace(current, high, half)]
    if low > 0 and current / low > 10:
        parts.append(np.geomspace(low, current, half))
    elif low <= 0 < current * 1e-6:  # a denormal today's value (1e-320) has no decades below
        parts.append(np.geomspace(current * 1e-6, current, half))
    if current > 0 and high / current > 10:
        parts.append(np.geomspace(current, high, half))
    points = np.concatenate(parts)
    if whole:
        points = np.round(points)
    keep = (points >= allowed.lowest) & (points <= allowed.highest)
    if not allowed.lowest_included:
        keep &= points > allowed.lowest
    if not allowed.highest_included:
        keep &= points < allowed.highest
    return np.unique(points[keep])
