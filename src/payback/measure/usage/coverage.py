"""Which calendar months the logs cover whole: pure arithmetic, no DuckDB.

Coverage is the logs' own, never a model's: the months, where each begins and ends and how
many requests each holds are taken over every row inside the date filters, before
``--model`` (a model with six requests on one afternoon of logs that run four months has
four months of logs, not one hour). The counts of the model asked are then read against it:
a complete month of the logs in which it had no request is a real zero for it.

A month is complete when the logs cover it from its start to its end. Its start is covered
where a ``--since`` date cuts logs that go on before it, where its first request comes soon
enough after the month's start that a quiet start is the likelier reading than a late one,
or where the month before holds requests and the gap across the boundary (from where the
month before's data end to this month's first request) is no longer than the longer
month's allowance below or the longest gap between requests inside either month (a night
or a weekend over the boundary, as the logs have inside their months, covers it; ten days
missing from June's start, in logs that run every few minutes, do not). How soon is its own
traffic's: at the month's rate, its requests over the time it covers (from its first request, or its
start where a neighbour covers it, to where its data end, or its end where a neighbour covers it),
the mean gap between requests is ``g``; the start counts as covered when the first request comes
within ``max(slack, K_GAPS · g)`` of it, ``slack`` an hour or the longest bucket. Requests that come
at random (Poisson) leave a gap of ``K_GAPS`` mean gaps or more with probability ``e^-K_GAPS``: with
``K_GAPS`` = 5, 0.67 %, so a month whose logs did begin at its start is called partial about once in
150 tries, and logs that began late by less than ``K_GAPS · g`` miss about ``K_GAPS`` requests at
most, 5 of the month's ``n`` (under 1 % of a month of 600). The end is read the same way (the gap
from where the data end to the month's end). A month of one request, or of requests all in one
instant, has no gap to measure: only the slack holds there. A month of empty buckets only (zero
requests) has no rate: only the slack holds there too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

__all__ = [
    "GAP_RATIO",
    "K_GAPS",
    "boundary_covered",
    "edge_allowance",
    "mark_complete",
    "missing_inside",
]

K_GAPS = 5.0
"""Mean gaps between requests the first request may come after a month's start (and the
data may end before its end) with the month still covered there: ``e^-5`` ≈ 0.7 % of
covered edges are read as partial, and a late start missed costs about 5 requests."""


GAP_RATIO = 3.0
"""How many times the longest gap of every other complete month a complete month's longest
gap between requests must be to be warned of as logs that may be missing: a night or a
weekend recurs month after month, a day's file missing stands out."""


class _Month(Protocol):
    start: dt.datetime
    following: dt.datetime
    first: dt.datetime
    end: dt.datetime
    logs: float
    gap: float
    gap_from: dt.datetime | None
    gap_to: dt.datetime | None
    complete: bool

    @property
    def index(self) -> int: ...


def edge_allowance(logs: float, lo: dt.datetime, hi: dt.datetime, slack: float) -> float:
    """How far [s] a month's first request may come after its start (or its data end
    before its end) with that edge covered: ``max(slack, K_GAPS · g)``, ``g`` the mean
    gap between the month's ``logs`` requests over the time it covers, ``lo`` to ``hi``.

    January from its first request at 01:30, 62 requests: 5 × 742.5 h / 62 = 59.88 h

    >>> gap = edge_allowance(62, dt.datetime(2026, 1, 1, 1, 30), dt.datetime(2026, 2, 1), 3600)
    >>> round(gap / 3600, 2)
    59.88
    """
    seconds = (hi - lo).total_seconds()
    if logs <= 0 or seconds <= 0:
        return slack
    return max(slack, K_GAPS * seconds / logs)


def mark_complete(
    months: Sequence[_Month],
    slack: float,
    cut: tuple[dt.datetime | None, dt.datetime | None] = (None, None),
) -> None:
    """Set each month's ``complete`` (see the module docstring): its first request within
    :func:`edge_allowance` of its start and its data within it of its end, where a date
    filter's cut of logs that go on past it, or a month with requests next to it and no
    longer gap across the boundary than :func:`boundary_covered` allows, covers the edge
    they share."""
    present = {m.index: m for m in months}
    allowed: dict[int, float] = {}
    for m in months:
        lo = m.start if m.index - 1 in present else m.first
        hi = m.following if m.index + 1 in present else m.end
        allowed[m.index] = edge_allowance(m.logs, lo, hi, slack)
    for m in months:
        prev, nxt = present.get(m.index - 1), present.get(m.index + 1)
        before = cut[0] == m.start or (
            prev is not None and boundary_covered(prev, m, allowed[prev.index], allowed[m.index])
        )
        after = cut[1] == m.following or (
            nxt is not None and boundary_covered(m, nxt, allowed[m.index], allowed[nxt.index])
        )
        starts = before or (m.first - m.start).total_seconds() <= allowed[m.index]
        reaches_end = after or (m.following - m.end).total_seconds() <= allowed[m.index]
        m.complete = starts and reaches_end


class _Edges(Protocol):
    first: dt.datetime
    end: dt.datetime
    gap: float


def boundary_covered(prev: _Edges, nxt: _Edges, prev_allowed: float, nxt_allowed: float) -> bool:
    """Whether the logs run across the boundary of two months that follow each other: the
    gap from where ``prev``'s data end to ``nxt``'s first request no longer than either
    month's allowance (:func:`edge_allowance`) or the longest gap between requests inside
    either month (``gap``).

    >>> june = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    >>> may = _Edge(june - dt.timedelta(minutes=3), june, 600.0)
    >>> boundary_covered(may, _Edge(june + dt.timedelta(days=10), june, 600.0), 3600, 3600)
    False
    >>> boundary_covered(may, _Edge(june + dt.timedelta(minutes=50), june, 600.0), 3600, 3600)
    True
    """
    gap = (nxt.first - prev.end).total_seconds()
    return gap <= max(prev_allowed, nxt_allowed, prev.gap, nxt.gap)


class _Edge:
    """A month's edge for the doctest: where its data end, its first request, its gap."""

    def __init__(self, first: dt.datetime, end: dt.datetime, gap: float) -> None:
        self.first, self.end, self.gap = first, end, gap


def missing_inside(months: Sequence[_Month], slack: float) -> list[str]:
    """A warning for each complete month whose longest gap between requests is over the
    slack and over :data:`GAP_RATIO` times that of every other complete month: a day's logs
    missing reads as a day without traffic (the month's requests counted low)."""
    full = [m for m in months if m.complete and m.logs > 0]
    said = []
    for m in full:
        others = max((o.gap for o in full if o is not m), default=None)
        if others is None or m.gap <= max(slack, GAP_RATIO * others):
            continue
        assert m.gap_from is not None
        assert m.gap_to is not None
        said.append(
            f"{m.start:%Y-%m} has no request for {m.gap / 3600:,.1f} hours (from "
            f"{m.gap_from:%Y-%m-%d %H:%M} to {m.gap_to:%Y-%m-%d %H:%M} UTC), over "
            f"{GAP_RATIO:g} times the longest gap of any other complete month "
            f"({others / 3600:,.1f} hours): if logs are missing there, its requests are "
            "counted low; a since or until date can leave it out"
        )
    return said
