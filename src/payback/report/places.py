"""The two ends of a range written with the same places (an input's range in the tornado,
explain and the reports: ``55.49 → 125.4 hours`` read as two precisions), and the places a
money crossing takes (``payback solve``). The places the ticks of one chart axis share are
:func:`payback.figures.tick_places`; money's, :mod:`payback.money`."""

from __future__ import annotations

import math
import re

__all__ = ["CROSSING_FIGURES", "crossing_places", "same_places"]

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
