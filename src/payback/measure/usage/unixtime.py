"""A number as a time: the one rule for files and databases.

A number in a time column is a unix time, its unit told by its size (today is 1.7e9 s,
1.7e12 ms, 1.7e15 µs, 1.7e18 ns): from 1e17 nanoseconds, from 1e14 microseconds, from
1e11 milliseconds, below that seconds; none beyond 9e21 (nanoseconds: the year 287,000).
A row's number is read so alone, in SQL (:func:`unix_sql`).

Logs whose every time falls in 1970 are refused (:func:`check_span`): no LLM request was
made then, and numbers that small are another count read as seconds: day numbers (20,000
is 2024-10-04 counted in days, 05:33 on 1970-01-01 in seconds), a spreadsheet's date
serials (45,800.25), Julian days (2,460,000), dates written as YYYYMMDD numbers
(20,260,101 seconds is 1970-08-23). Read as seconds they put
every request into a few hours, and requests_per_month came out at the hour's rate times
730.5 (800 requests, four a day over 200 days, read as 584,400 a month). One stray time of 0 among
real ones is a row in 1970, as before; only logs that hold no later time are refused.

Logs that run past now (by more than a day: a time zone written as UTC) are warned of
(:func:`future_warning`): a clock, a time zone or the year is wrong, and their months after
today would be counted as if they had happened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from payback.errors import PaybackError

__all__ = ["CLOCK_ZERO_END", "UNITS", "check_span", "future_warning", "now", "unix_sql"]

UNITS = ((1e17, 9), (1e14, 6), (1e11, 3), (0.0, 0))
"""From which size a unix number is in which unit (its power of ten a second)."""
MAX_UNIX = "9e21"

CLOCK_ZERO_END = dt.datetime(1971, 1, 1, tzinfo=dt.UTC)
"""Logs whose every time is before this are refused (:func:`check_span`)."""


def _scaled(x: str, power: int) -> str:
    return x if power == 0 else f"{x} * 1e{power}" if power > 0 else f"{x} / 1e{-power}"


def unix_sql(x: str, power: int) -> str:
    """SQL of the unix number ``x`` (a DOUBLE) in units of ``10**-power`` s: 0 for seconds,
    6 for microseconds; NULL beyond :data:`MAX_UNIX` (and for NaN).

    >>> print(unix_sql("x", 6).replace(" WHEN", "\\nWHEN"))
    CASE
    WHEN NOT abs(x) < 9e21 THEN NULL
    WHEN abs(x) >= 1e17 THEN x / 1e3
    WHEN abs(x) >= 1e14 THEN x
    WHEN abs(x) >= 1e11 THEN x * 1e3 ELSE x * 1e6 END
    """
    cases = " ".join(
        f"WHEN abs({x}) >= {low:.0e}".replace("e+", "e") + f" THEN {_scaled(x, power - unit)}"
        for low, unit in UNITS[:-1]
    )
    return f"CASE WHEN NOT abs({x}) < {MAX_UNIX} THEN NULL {cases} ELSE {_scaled(x, power)} END"


_YMD_FIRST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=19_700_101)


def _seconds(t: dt.datetime) -> str:
    s = (t - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds()
    return f"{s:,.0f}" if s == round(s) else f"{s:,.3f}".rstrip("0")


def check_span(names: str, first: Any, last: Any) -> None:
    """One line when the times of the rows used, ``first`` to ``last`` (datetimes), all
    fall before :data:`CLOCK_ZERO_END`: what was read, and what is allowed."""
    if first is None or last is None:
        return
    first, last = first.astimezone(dt.UTC), last.astimezone(dt.UTC)
    if last >= CLOCK_ZERO_END:
        return
    on = (
        f"on {first:%Y-%m-%d %H:%M}-{last:%H:%M}"
        if first.date() == last.date()
        else f"between {first:%Y-%m-%d %H:%M} and {last:%Y-%m-%d %H:%M}"
    )
    # YYYYMMDD from 1970-01-01 to 2099-12-31: 1970-08-17 to 1970-09-01 read as seconds
    ymd = first >= _YMD_FIRST and last < dt.datetime(1970, 9, 2, tzinfo=dt.UTC)
    what = "dates written as YYYYMMDD" if ymd else "day numbers or spreadsheet dates"
    raise PaybackError(
        f"{names}: ts: the times read, {_seconds(first)}-{_seconds(last)} seconds since 1970, "
        f"all fall {on} UTC: {what} read as seconds? give epoch seconds, epoch milliseconds "
        "or ISO 8601 times"
    )


FUTURE_SLACK = dt.timedelta(days=1)
"""How far past now the logs' last time may run before it is warned of: the widest time
zone (UTC+14) written as UTC, with room for a host's clock set a few hours off."""


def now() -> dt.datetime:
    """The time logs are judged by (a function, so tests can fix it)."""
    return dt.datetime.now(dt.UTC)


def future_warning(last: Any) -> str | None:
    """A warning when the logs' last time (a datetime) lies more than :data:`FUTURE_SLACK`
    past :func:`now`: no request was made then, so a clock, a time zone or a unit is wrong
    (microseconds taken for a time in nanoseconds' place, a year typed wrong), and the months
    after today are counted as if they had happened."""
    if last is None:
        return None
    last, today = last.astimezone(dt.UTC), now()
    if last <= today + FUTURE_SLACK:
        return None
    return (
        f"the logs run to {last:%Y-%m-%d %H:%M} UTC, after now ({today:%Y-%m-%d %H:%M} UTC): "
        "their months after today are counted as written; is a clock, a time zone or the "
        "year wrong?"
    )
