"""A cost of 1,000 requests as every output writes it: with the digits that tell a price
under a cent from $0, an alternative's beside the baseline's."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from payback.analysis.verdict import has_cost_per_1k, per_1k_text, requests_text, usd_per_1k
from payback.money import tiny_usd

__all__ = ["per_1k_hover", "per_1k_pair"]


def per_1k_pair(alternative_usd: float, baseline_usd: float, requests: float) -> str:
    """An alternative's cost of 1,000 requests against the baseline's over a month that
    served ``requests`` (:func:`~payback.money.tiny_usd`: ``$0.001 vs $0.004``, never ``$0.00 vs
    $0.00``); in a month of under one request, how few
    (:func:`~payback.analysis.verdict.per_1k_text`'s words).

    >>> per_1k_pair(1e4, 4e4, 1e10), per_1k_pair(730.0, 2000.0, 1e6), per_1k_pair(1.0, 1.0, 0.5)
    ('$0.001 vs $0.004', '$0.73 vs $2.00', 'n/a: 0.5 requests')
    """
    if not has_cost_per_1k(requests):
        return per_1k_text(alternative_usd, baseline_usd, requests)
    # divided as the results divide it (usd_per_1k): the same figure
    alt, base = usd_per_1k(np.array([alternative_usd, baseline_usd]), requests)
    return f"{tiny_usd(float(alt))} vs {tiny_usd(float(base))}"


def per_1k_hover(volumes: Sequence[float], prices: Sequence[float]) -> dict[str, Any]:
    """A per-1k line's hover, each point's count and price written as the tables write
    them (:func:`~payback.analysis.verdict.requests_text`, :func:`~payback.money.tiny_usd`): "$0.0035
    per 1k", where plotly's ``.3f`` read "$0.004", and "0.5 requests/month", not "0".

    >>> per_1k_hover([0.5, 2e5], [0.0035, 10.92])["customdata"]
    [['0.5', '$0.0035'], ['200,000', '$10.92']]
    """
    texts = [
        [requests_text(x), tiny_usd(y) if math.isfinite(y) else "n/a"]
        for x, y in zip(volumes, prices, strict=True)
    ]
    template = "%{customdata[0]} requests/month: %{customdata[1]} per 1k"
    return {"customdata": texts, "hovertemplate": template}
