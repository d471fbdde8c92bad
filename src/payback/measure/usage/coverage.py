"""Which calendar months the logs cover whole: pure arithmetic, no DuckDB.

Coverage is the logs' own, never a model's: the months, where each begins and ends and how
many requests each holds are taken over every row inside the date filters, before
``--model`` (a model with six requests on one afternoon of logs that run four months has
four months of logs, not one hour). The counts of the model asked are then read against it:
a complete month of the logs in which it had no request is a real zero for it.

A month is complete when the logs cover it from its start to its end. Its start is covered
where the month before holds requests, where a ``--since`` date cuts logs that go on
before it, or where its first request comes soon enough after the month's start that a
quiet start is the likelier reading than a late one. How soon is its own traffic's: at the
month's rate, its requests over the time it covers (from its first request, or its start
where a neighbour covers it, to where its data end, or its end where a neighbour covers
it), the mean gap between requests is ``g``; the start counts as covered when the first
request comes within ``max(slack, K_GAPS · g)`` of it, ``slack`` an hour or the longest
bucket. Requests that come at random (Poisson) leave a gap of ``K_GAPS`` mean gaps or more
with probability ``e^-K_GAPS``: with ``K_GAPS`` = 5, 0.67 %, so a month whose logs did begin
at its start is called partial about once in 150 tries, and logs that began late by less
than ``K_GAPS · g`` miss about ``K_GAPS`` requests at most, 5 of the month's ``n`` (under
1 % of a month of 600). The end is read the same way (the gap from where the data end to
the month's end). A month of one request, or of requests all in one instant, has no gap to
measure: only the slack holds there. A month of empty buckets only (zero requests) has no
rate: only the slack holds there too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

__all__ = ["K_GAPS", "edge_allowance", "mark_complete"]

K_GAPS = 5.0
"""Mean gaps between requests the first request may come after a month's start (and the
data may end before its end) with the month still covered there: ``e^-5`` ≈ 0.7 % of
covered edges are read as partial, and a late start missed costs about 5 requests."""


class _Month(Protocol):
    start: dt.datetime
    following: dt.datetime
    first: dt.datetime
    end: dt.datetime
    logs: float
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
    :func:`edge_allowance` of its start and its data within it of its end, where a month
    with requests next to it, or a date filter's cut of logs that go on past it, covers
    the edge they share."""
    present = {m.index for m in months}
    for m in months:
        before = m.index - 1 in present or cut[0] == m.start
        after = m.index + 1 in present or cut[1] == m.following
        lo = m.start if before else m.first
        hi = m.following if after else m.end
        allowed = edge_allowance(m.logs, lo, hi, slack)
        starts = before or (m.first - m.start).total_seconds() <= allowed
        reaches_end = after or (m.following - m.end).total_seconds() <= allowed
        m.complete = starts and reaches_end
