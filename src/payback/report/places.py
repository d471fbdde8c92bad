"""The two ends of a range written with the same places (an input's range in the tornado,
explain and the reports: ``55.49 → 125.4 hours`` read as two precisions), and the places
the ticks of one chart axis share."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from payback.analysis.verdict import half_up

__all__ = [
    "CROSSING_FIGURES",
    "cents_kept",
    "crossing_places",
    "money_places",
    "same_places",
    "tick_places",
]

_PLAIN = re.compile(r"-?[\d,]+(?:\.(\d+))?")


def same_places(texts: list[str], values: tuple[float, ...]) -> list[str]:
    """Two plain figures of a range with the same places: the fewer of the two, so long as
    each end keeps two significant figures, moves by at most 1% and the ends still differ,
    else the more (``55.49 → 125.4`` reads ``55.5 → 125.4``; ``0.85 → 1.3`` reads
    ``0.85 → 1.30``; ``10 → 12.5`` reads ``10.0 → 12.5``, not ``10 → 12``, a +20% range
    for a +25% one).

    >>> same_places(["55.49", "125.4"], (55.4932, 125.37))
    ['55.5', '125.4']
    >>> same_places(["0.85", "1.3"], (0.85, 1.3)), same_places(["750k", "1.25M"], (7.5e5, 1.25e6))
    (['0.85', '1.30'], ['750k', '1.25M'])
    >>> same_places(["10", "12.5"], (10.0, 12.5))
    ['10.0', '12.5']
    """
    found = [_PLAIN.fullmatch(t) for t in texts]
    if len(texts) != 2 or not all(found):
        return texts
    places = sorted(len(m.group(1) or "") for m in found if m is not None)
    if places[0] == places[1]:
        return texts
    fewer = [f"{v:,.{places[0]}f}" for v in values]
    kept = all(
        v == 0
        or (
            len(re.sub(r"^[-0.,]+", "", t).replace(".", "")) >= 2
            and abs(float(t.replace(",", "")) - v) <= 0.01 * abs(v)
        )
        for v, t in zip(values, fewer, strict=True)
    )
    if kept and fewer[0] != fewer[1]:
        return fewer
    return [f"{v:,.{places[1]}f}" for v in values]


def tick_places(values: Sequence[float], least: int = 0, most: int = 15) -> int | None:
    """The fewest decimal places from ``least`` that tell ticks of one axis apart and write
    each within 1% of its value, halves up (none but 0 as 0: $0.0015 is not "$0.002", but
    $2.675 "$2.68"); ``None`` where ``most`` do not (under 10^-``most``: a power of ten).

    >>> tick_places([0.5, 1.0, 10.0]), tick_places([0.0001, 0.0002, 0.0005], 2)
    (1, 4)
    >>> tick_places([0.0015, 0.002, 0.0025], 2), tick_places([2.675, 5.0], 2)
    (4, 2)
    >>> tick_places([1 / 3, 2 / 3]), tick_places([0.0, 3e-17, 6e-17])
    (2, None)
    """
    finite = sorted({v for v in values if math.isfinite(v)})
    for places in range(least, most + 1):
        texts = [(f"{half_up(abs(v)):.{places}f}", v) for v in finite]
        near = all(abs(float(t) - abs(v)) <= 0.01 * abs(v) for t, v in texts)
        if near and len({(t, v < 0) for t, v in texts}) == len(finite):
            return places
    return None


def money_places(values: Sequence[float]) -> int:
    """The decimal places money figures read side by side take (a chart's hover, as a
    table's column of them): whole dollars where any is $1,000 or more or whole dollars
    write each to the cent ($300 and $40 a month), cents below, and where the largest is
    under a cent as many places as write it within 1% (:func:`tick_places`: a month of
    $0.0051 read "$0.01", one of $0.51 "$1"); cents where even 15 places do not.

    >>> money_places([0.0, 2_184.0, 0.51]), money_places([0.0, 0.51, 884.05])
    (0, 2)
    >>> money_places([0.0, 0.0051, -0.0017]), money_places([300.0, 40.0]), money_places([0.0])
    (4, 0, 0)
    """
    sizes = [half_up(abs(v)) for v in values if math.isfinite(v)]
    top = max(sizes, default=0.0)
    if round(top, 2) >= 1000 or all(round(v, 2) == round(v) for v in sizes):
        return 0
    return tick_places([top], 2) or 2


CROSSING_FIGURES = 6
"""The significant figures a money crossing is written with at the least: the value that
gives the target, written back, gives it to a part in a million (``usd_per_kwh = $0.91``
"gave $0" and missed an NPV of $0 by $856; $0.912836 gives it to 21 cents)."""


def crossing_places(value: float, crossing: str) -> int | None:
    """The places a money crossing (``payback solve``'s "X = $0.91 gives $0") takes to show
    :data:`CROSSING_FIGURES` significant figures of ``value``, where ``crossing`` shows
    fewer; None where it shows enough (or is not written with a point).

    >>> crossing_places(0.9128366867, "$0.91"), crossing_places(1.2931937908, "$1.29319")
    (6, None)
    >>> crossing_places(251_097.3881, "$251,097.388"), crossing_places(1e6, "$1M")
    (None, None)
    """
    figure = abs(value)
    if figure == 0 or not math.isfinite(figure) or "." not in crossing:
        return None
    places = max(0, CROSSING_FIGURES - 1 - math.floor(math.log10(figure)))
    return places if places > len(crossing.rpartition(".")[2]) else None


def cents_kept(text: str) -> str:
    """A money figure with the zeros past its cents dropped.

    >>> cents_kept("$0.912800"), cents_kept("$2.500000"), cents_kept("$12")
    ('$0.9128', '$2.50', '$12')
    """
    whole, point, places = text.partition(".")
    return f"{whole}.{places.rstrip('0').ljust(2, '0')}" if point else text
