"""A cost of 1,000 requests as every output writes it: with the digits that tell a price
under a cent from $0, an alternative's beside the baseline's."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from payback.analysis.verdict import (
    half_up,
    has_cost_per_1k,
    per_1k_text,
    requests_text,
    usd,
    usd_per_1k,
)
from payback.figures import far_text

__all__ = ["per_1k_hover", "per_1k_pair", "per_1k_usd"]


def per_1k_usd(value: float) -> str:
    """A cost of 1,000 requests: as ``usd`` writes money from $0.10, and below it to two
    significant figures, which tell it from $0 (an embedding API at $0.004 per 1,000 read
    "$0.00" beside a saving of $30,000 a month), halves up, never an exponent.

    >>> per_1k_usd(15.0), per_1k_usd(0.004), per_1k_usd(0.0035), per_1k_usd(0.000123)
    ('$15.00', '$0.004', '$0.0035', '$0.00012')
    >>> per_1k_usd(0.0), per_1k_usd(0.0999), per_1k_usd(1495.2), per_1k_usd(-0.00125)
    ('$0.00', '$0.10', '$1,495', '-$0.0013')
    >>> per_1k_usd(0.05), per_1k_usd(4e-15)
    ('$0.05', '$4×10⁻¹⁵')
    """
    size = abs(value)
    if value == 0 or round(size, 2) >= 0.1:
        return usd(value)
    sign = "-" if value < 0 else ""
    if (far := far_text(size)) is not None:
        return f"{sign}${far}"
    places = 1 - math.floor(math.log10(size))
    whole, _, cents = f"{half_up(size):.{places}f}".partition(".")
    return f"{sign}${whole}.{cents.rstrip('0').ljust(2, '0')}"


def per_1k_pair(alternative_usd: float, baseline_usd: float, requests: float) -> str:
    """An alternative's cost of 1,000 requests against the baseline's over a month that
    served ``requests`` (:func:`per_1k_usd`: ``$0.001 vs $0.004``, never ``$0.00 vs
    $0.00``); in a month of under one request, how few
    (:func:`~payback.analysis.verdict.per_1k_text`'s words).

    >>> per_1k_pair(1e4, 4e4, 1e10), per_1k_pair(730.0, 2000.0, 1e6), per_1k_pair(1.0, 1.0, 0.5)
    ('$0.001 vs $0.004', '$0.73 vs $2.00', 'n/a: 0.5 requests')
    """
    if not has_cost_per_1k(requests):
        return per_1k_text(alternative_usd, baseline_usd, requests)
    # divided as the results divide it (usd_per_1k): the same figure
    alt, base = usd_per_1k(np.array([alternative_usd, baseline_usd]), requests)
    return f"{per_1k_usd(float(alt))} vs {per_1k_usd(float(base))}"


def per_1k_hover(volumes: Sequence[float], prices: Sequence[float]) -> dict[str, Any]:
    """A per-1k line's hover, each point's count and price written as the tables write
    them (:func:`~payback.analysis.verdict.requests_text`, :func:`per_1k_usd`): "$0.0035
    per 1k", where plotly's ``.3f`` read "$0.004", and "0.5 requests/month", not "0".

    >>> per_1k_hover([0.5, 2e5], [0.0035, 10.92])["customdata"]
    [['0.5', '$0.0035'], ['200,000', '$10.92']]
    """
    texts = [
        [requests_text(x), per_1k_usd(y) if math.isfinite(y) else "n/a"]
        for x, y in zip(volumes, prices, strict=True)
    ]
    template = "%{customdata[0]} requests/month: %{customdata[1]} per 1k"
    return {"customdata": texts, "hovertemplate": template}
