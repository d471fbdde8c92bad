"""A row's time in the profile's query (:func:`payback.measure.usage.tables.profile_query`):
microseconds since 1970, or on PostgreSQL the time itself until after grouping."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from payback.measure.usage.unixtime import unix_sql

__all__ = ["Clock", "clock"]


def _us(sql: str, kind: str) -> str:
    """Microseconds since 1970 (UTC; a time without a zone is UTC) from a time, a unix
    number in s, ms, µs or ns (told apart by size, as files' are:
    :mod:`payback.measure.usage.unixtime`), or text: ISO 8601, or a unix number (as files
    are read). A number too large for microseconds in a BIGINT (beyond 9e21 ns, the year
    287,000), NaN or an infinity is no time (the cast would end the query)."""
    if kind == "timestamp":
        return f"PAYBACK_EPOCH_US({sql})"
    if kind == "number":
        return f"CAST({unix_sql(f'CAST({sql} AS DOUBLE)', 6)} AS BIGINT)"
    return f"COALESCE(PAYBACK_TEXT_EPOCH_US({sql}), {_us(f'PAYBACK_NUMBER({sql})', 'number')})"


@dataclass(frozen=True)
class Clock:
    """How the query reads a row's time ``t``: as microseconds since 1970 (a whole number),
    or, on PostgreSQL from a column of a time type, as the time itself until after grouping.

    PostgreSQL has no cheap function from a time to a number: ``date_part('epoch', t)``
    parses its unit's name every row, 0.8-1.0 s of the server's CPU per 10 million rows
    (about a sixth of the query). Kept as a time, a row is compared with constants of its
    own type (an untyped literal takes the column's type; a time without a zone reads it as
    UTC, as its microseconds do), put in its hour by ``date_bin`` (whole-number arithmetic),
    and only the few grouped keys and first and last times become numbers.

    The hour and the status are one key (``hs``, see the module docstring): the hour's
    start plus the status in microseconds, and for a row without a time 16 µs more than
    that past 1970's first hour (an hour's start is a whole hour, so no two collide)."""

    row: str
    """The row's time (NULL where it has none)."""
    key: str
    """The row's hour and status, one value."""
    time: bool
    """``t`` is a time, not microseconds."""

    def at(self, day: dt.date) -> str:
        """A constant comparable with ``t``: midnight (UTC) at the start of ``day``."""
        return f"'{day.isoformat()} 00:00:00+00'" if self.time else str(_day_us(day))

    def _offset(self, key: str) -> str:
        """Microseconds of a grouped key past its hour's start: the status, plus 16 without
        a time."""
        if self.time:  # the seconds of the minute in µs: exact, where the epoch's are not
            return f"CAST(date_part('microseconds', {key}) AS BIGINT)"
        return f"(({key} % 3600000000 + 3600000000) % 3600000000)"

    def status(self, key: str) -> str:
        return f"{self._offset(key)} % 16"

    def hour(self, key: str) -> str:
        """Hours since 1970 of a grouped key (none for a row without a time)."""
        whole = (
            f"CAST(floor(date_part('epoch', {key}) / 3600) AS BIGINT)"
            if self.time
            else f"({key} - {self._offset(key)}) // 3600000000"
        )
        return f"CASE WHEN {self._offset(key)} < 16 THEN {whole} END"

    def us(self, time: str) -> str:
        """Microseconds since 1970 of a grouped time (rounded to the nearest: whole ones)."""
        return f"CAST(date_part('epoch', {time}) * 1000000 AS BIGINT)" if self.time else time


def clock(
    sql: str,
    kind: str,
    dialect: str,
    used: int,
    *,
    date: bool = False,
    others: tuple[int, ...] = (),
) -> Clock:
    """The row's time (:class:`Clock`); microseconds from numbers and text, and on every
    engine but PostgreSQL, whose own conversion is cheap. ``used``: the status of the rows
    used, each status a whole number from 0 to it, and ``others`` above it (under 16). ``date``: the
    time is a PostgreSQL ``date``, read as a time without a zone (midnight, UTC): ``date_bin`` has
    no form for a date and would take it to a time with a zone in the session's zone (the printed
    query, run in a session not in UTC, put a day's requests in the hours of another)."""
    if kind != "timestamp" or dialect != "postgres":
        key = "coalesce(t // 3600000000 * 3600000000, 16) + status"
        return Clock(_us(sql, kind), key, time=False)
    epoch = "'1970-01-01 00:00:00+00'"
    hour = "PAYBACK_HOUR_START(t)"
    # an hour before 1970 is rounded toward 1970, as microseconds // 3600000000 are (a row
    # that early cannot be used; its hour is kept as on the other engines)
    start = f"CASE WHEN t < {epoch} AND {hour} < t THEN {hour} + INTERVAL '1 hour' ELSE {hour} END"
    # a constant a status (a CASE of them: a product of intervals costs 0.2 s more)
    micros = " ".join(
        f"WHEN {s} THEN INTERVAL '{s} microseconds'" for s in [used, *others, *range(used)]
    )
    return Clock(
        # 'infinity' and '-infinity' are no time, as DuckDB's epoch_us gives none
        row=f"CASE WHEN isfinite({sql}) THEN {f'CAST({sql} AS TIMESTAMP)' if date else sql} END",
        key=f"coalesce({start}, '1970-01-01 00:00:00.000016+00') + CASE status {micros} END",
        time=True,
    )


def _day_us(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * 86_400_000_000
