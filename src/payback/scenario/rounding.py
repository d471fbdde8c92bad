"""How measured traffic is rounded when it is written into a scenario file
(``payback usage -o``): short enough to read, close enough that ``payback analyze`` of the
file agrees with what ``usage --json`` measured to 0.1%.

Each field keeps its decimals (:data:`TRAFFIC_DIGITS`: whole requests, token means to a
tenth), and more where a small value would move by more than :data:`MOVED` (0.05%, half the
0.1% the contract allows) rounded to them; a share or a rate under 0.001 keeps its own. One
request a day, 30.4375 a month, had been written 30 (1.4% low), and a growth of +3.13407% a month
0.0313 (0.13% low in the rate).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = ["COUNTS", "MOVED", "TRAFFIC_DIGITS", "written_traffic", "written_value"]

TRAFFIC_DIGITS = {
    "requests_per_month": 0,
    "growth_monthly": 4,
    "input_tokens": 1,
    "output_tokens": 1,
    "cached_input_share": 4,
    "peak_to_average": 2,
}
"""Decimals kept at least when measured traffic is written into a scenario file."""
COUNTS = ("requests_per_month", "input_tokens", "output_tokens")
"""Fields that count requests or tokens: kept within :data:`MOVED` however small."""
MOVED = 5e-4
"""The most a written value may differ from the measured one, relatively
(:func:`written_value`)."""


def written_value(key: str, value: float) -> float | int:
    """``value`` of the ``[traffic]`` field ``key`` as a scenario file holds it: at its
    :data:`TRAFFIC_DIGITS` decimals, or the fewest more that move it by at most
    :data:`MOVED`; a whole number of requests as an int. Rounding again changes nothing.

    >>> written_value("requests_per_month", 200_123.4), written_value("requests_per_month", 60.875)
    (200123, 60.9)
    >>> written_value("requests_per_month", 760.93), written_value("requests_per_month", 730.5)
    (761, 730.5)
    >>> written_value("growth_monthly", 0.0313407), written_value("growth_monthly", 0.109304)
    (0.03134, 0.1093)
    >>> written_value("input_tokens", 1234.56), written_value("cached_input_share", 8.26e-07)
    (1234.6, 0.0)
    >>> written_value("growth_monthly", 1.23456e-05), written_value("peak_to_average", 1.23456)
    (0.0, 1.235)
    """
    value = float(value)
    digits = TRAFFIC_DIGITS.get(key, 6)
    # a share or a rate under 0.001 keeps its own decimals: more change no cost and would
    # be written in powers of ten (a cached share of 8.26e-07)
    if math.isfinite(value) and (key in COUNTS or abs(value) >= 1e-3):
        while digits < 15 and abs(round(value, digits) - value) > MOVED * abs(value):
            digits += 1
    rounded = round(value, digits)
    return int(rounded) if digits == 0 else rounded


def written_traffic(traffic: Mapping[str, float]) -> dict[str, float]:
    """Every field of ``traffic`` as :func:`written_value` writes it."""
    return {key: written_value(key, value) for key, value in traffic.items()}
