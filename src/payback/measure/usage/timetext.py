"""Which text is a time, the same on every engine: the forms read, and each engine's SQL for
the microseconds since 1970 of such text (NULL when it is no time).

Read (after spaces around are trimmed):

- a date, the year first in four digits: ``2026-03-02``, or with slashes ``2026/03/02``
  (``2026/3/2`` as a spreadsheet or a Chinese or Japanese locale writes it); the month and
  the day in one digit or two, the same separator twice;
- then, after ``T`` or a space, an optional time: ``10:00``, ``10:00:00``, ``10:00:00.5``,
  or ``24:00`` (``24:00:00``, ``24:00:00.000``): ISO 8601's end of the day, the next day's
  midnight;
- then, after a time, an optional zone: ``Z``, an offset with no space or one space before
  it (``+02``, ``+0530``, `` -05:00``; `` -0500`` as Ruby's ``Time#to_s`` writes it), `` UTC``
  or `` GMT`` (either in lower case: the same as
  ``Z``), or the name of a zone of the tz database in its ``Area/Location`` form
  (`` America/New_York``, `` Europe/Berlin``, `` Etc/GMT+5``; the case of the letters after
  the first does not count, as PostgreSQL and DuckDB read names), read with the zone's
  offset on that date. A name the engine's zone database does not know is no time.

No time, on every engine (DuckDB's cast read several of these, the databases none): a
year of five digits or more (``12026-03-02``: not ISO 8601 without a sign, and beyond any
log), a zone abbreviation (``EST``, ``CST``, ``IST``: each names several zones, and
PostgreSQL reads them by a server setting), ``GMT+2`` or ``UTC+2`` (POSIX and PostgreSQL
read it as two hours west, DuckDB and ClickHouse as two hours east), a day first
(``03/02/2026``: March 2 or February 3?), ``24:00`` past the minute (``24:00:01``), a space
or a backslash between the date's parts, a minute in one digit.

A local time that a zone's clock change repeats (``2026-11-01 01:30 America/New_York``
happens twice) or skips (``2026-03-08 02:30``) is read at the later of its two readings,
the zone's offsets before and after the change (06:30 and 07:30 UTC): as PostgreSQL and
DuckDB read it, and ClickHouse now too (:func:`_ch_zoned`). The request is kept, at most an
hour from when it was made, rather than dropped as no time.

The patterns hold no backslash: they are the same in every engine's string literals
(DuckDB's replacement of an offset's space, its own, holds one).
"""

from __future__ import annotations

__all__ = ["BEFORE_1970", "CH_ZONES", "ISO_TIME", "TIME_TEXT", "clickhouse", "duckdb", "postgres"]

ISO_TIME = (
    "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    "([ T]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?"
    "( UTC| utc|Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)?)?$"
)
"""The times nearly every log writes (ISO 8601, two-digit month and day, no zone name): the
databases' first test, so a row of these costs what it did. PostgreSQL's cast would fail on
other text (and on a day past the month's end, checked apart), ending the query, and
ClickHouse's best-effort parse reads more (seconds since 1970 as text). A year of leading
zeros is read (Go writes an unset time as 0001-01-01: a time before 1970, as DuckDB reads
it); the year 0000 is :data:`BEFORE_1970` without a cast."""

_MONTH = "(0?[1-9]|1[0-2])"
_DAY = "(0?[1-9]|[12][0-9]|3[01])"
ZONE_NAME = "[A-Z][A-Za-z_]*(/[A-Za-z0-9_+-]+)+"
"""A zone's name in the tz database's ``Area/Location`` form (``America/Argentina/Cordoba``,
``America/Port-au-Prince``, ``Etc/GMT+5``)."""
TIME_TEXT = (
    f"^[0-9]{{4}}(-{_MONTH}-{_DAY}|/{_MONTH}/{_DAY})"
    "([ T](([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?|24:00(:00([.]0+)?)?)"
    f"( UTC| utc| GMT| gmt|Z| ?[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?| {ZONE_NAME})?)?$"
)
"""Every text read as a time (:data:`ISO_TIME` and the rest; see the module docstring)."""
_ZONED = f" {ZONE_NAME}$"

CH_ZONES = "SELECT count() FROM system.functions WHERE name = 'parseDateTime64InJodaSyntaxOrNull'"
"""Whether a ClickHouse server parses a zone's name in each row (24.10 and later): the
function came with the Joda parse's ``z`` (the ``zones`` of :func:`clickhouse`)."""

BEFORE_1970 = -3_600_000_000
"""Microseconds of 1969-12-31 23:00 UTC: a time before 1970 (an unusable row's), for the
year 0000, which PostgreSQL has not (its cast would end the query) and DuckDB reads as 1 BC."""


def duckdb(x: str) -> str:
    """DuckDB SQL of the time (a TIMESTAMPTZ) of text ``x``: DuckDB's cast, only on text of
    :data:`TIME_TEXT` (the cast reads more: a zone's abbreviation, a five-digit year). The
    spaces around are matched, not trimmed: a trim a row cost as much as the match."""
    spaced = f"^ *{TIME_TEXT[1:-1]} *$"
    text = f"CAST({x} AS VARCHAR)"
    # an offset after a space (2026-03-02 10:00:00 -0500): DuckDB's cast reads it without
    unspaced = f"regexp_replace({text}, ' ([+-][0-9:]+) *$', '\\1')"
    offset = f"(contains({text}, ' +') OR contains({text}, ' -'))"
    return (
        f"CASE WHEN regexp_full_match({text}, '{spaced}') "
        f"THEN TRY_CAST(CASE WHEN {offset} THEN {unspaced} ELSE {text} END AS TIMESTAMPTZ) END"
    )


def postgres(text: str) -> str:
    """PostgreSQL SQL of the microseconds of ``text`` (trimmed text). CASE evaluates its
    branches in order: the cast only on text it reads without failing, a day within its
    month and a zone name the server knows (:func:`_pg_day_ok`, :func:`_pg_zone_ok`)."""
    cast = f"CAST(FLOOR(EXTRACT(EPOCH FROM CAST({text} AS TIMESTAMPTZ)) * 1000000) AS BIGINT)"
    days = (
        f"EXTRACT(DAY FROM CAST(SUBSTR({text}, 1, 7) || '-01' AS DATE) "
        "+ INTERVAL '1 month' - INTERVAL '1 day')"
    )
    year_zero = f"WHEN SUBSTR({text}, 1, 4) = '0000' THEN {BEFORE_1970} "
    return (
        f"CASE WHEN {text} ~ '{ISO_TIME}' THEN CASE {year_zero}"
        f"WHEN CAST(SUBSTR({text}, 9, 2) AS INT) <= {days} THEN {cast} END "
        f"WHEN {text} ~ '{TIME_TEXT}' THEN CASE {year_zero}"
        f"WHEN {_pg_day_ok(text)} AND {_pg_zone_ok(text)} THEN {cast} END END"
    )


def _pg_day_ok(text: str) -> str:
    """The day is within its month, from text of :data:`TIME_TEXT` (a month and a day of one
    digit or two, after slashes or hyphens): arithmetic that cannot fail."""
    parts = f"TRANSLATE(SUBSTR({text}, 6, 5), '/T', '- ')"  # '3/2 1' -> '3-2 1'
    month = f"CAST(SPLIT_PART({parts}, '-', 1) AS INT)"
    day = f"CAST(SPLIT_PART(SPLIT_PART({parts}, '-', 2), ' ', 1) AS INT)"
    year = f"CAST(SUBSTR({text}, 1, 4) AS INT)"
    leap = f"CASE WHEN {year} % 4 = 0 AND ({year} % 100 <> 0 OR {year} % 400 = 0) THEN 1 ELSE 0 END"
    return (
        f"{day} <= CASE WHEN {month} = 2 THEN 28 + {leap} ELSE 30 + ({month} + {month} / 8) % 2 END"
    )


def _pg_zone_ok(text: str) -> str:
    """No zone name, or one the server knows (in any case, as its cast reads it): the cast
    of an unknown one fails the query. The names are read once, where a row first has one."""
    zone = f"LOWER(SUBSTRING({text} FROM ' ([^ ]+)$'))"
    known = "(SELECT LOWER(name) FROM pg_timezone_names)"
    return f"CASE WHEN {text} ~ '{_ZONED}' THEN {zone} IN {known} ELSE TRUE END"


def clickhouse(text: str, *, zones: bool = True) -> str:
    """ClickHouse SQL of the microseconds of ``text`` (trimmed text): its best-effort parse,
    only on text of :data:`TIME_TEXT` (it reads more: a date without its year, seconds
    since 1970); a zone name through :func:`_ch_zoned`. ``if`` evaluates a branch only on
    the rows that take it, so a row of :data:`ISO_TIME` costs what it did. Without
    ``zones`` (a server before 24.10, whose Joda parse reads no zone name, and which has no
    ``parseDateTime64InJodaSyntaxOrNull``: the query would fail on any text) a zone's name
    is no time there."""
    parsed = f"toUnixTimestamp64Micro(parseDateTime64BestEffortOrNull({text}, 6, 'UTC'))"
    year_zero = f"substring({text}, 1, 4) = '0000'"
    more = (
        f"if({year_zero}, {BEFORE_1970}, "
        f"if(match({text}, '{_ZONED}'), {_ch_zoned(text) if zones else 'NULL'}, {parsed}))"
    )
    return (
        f"if(match({text}, '{ISO_TIME}'), if({year_zero}, {BEFORE_1970}, {parsed}), "
        f"if(match({text}, '{TIME_TEXT}'), {more}, NULL))"
    )


def _ch_zoned(text: str) -> str:
    """Microseconds of text ending in a zone's name, on ClickHouse, whose functions take a
    zone as a constant but one: the Joda parse, which reads a name in each row (``z``), from
    ``yyyy-MM-dd HH:mm:ss`` (the time before the name, as parsed best-effort, written back),
    the fraction of the second added. A name is found in ``system.time_zones`` in any case
    (the parse fails the query on a name it does not know, OrNull or not).

    A local time ``L`` that a clock change repeats or skips is read at the later of its two
    readings, as PostgreSQL and DuckDB read it; ClickHouse's parse gives the earlier. The
    zone's offsets 3 hours before and after (never a clock change apart) differ by
    ``Δ = P(L+3h) - P(L-3h) - 6h`` (``P``: the parse); where the parse gives the earlier
    reading, ``L`` is in the change exactly where ``P(L+Δ) - P(L) ≠ Δ`` (the repeated
    hour: ``2Δ``; the skipped one: 0), and the later reading is ``|Δ|`` after."""
    local = f"parseDateTime64BestEffortOrNull(replaceRegexpOne({text}, ' [^ ]+$', ''), 6, 'UTC')"
    names = (
        "(SELECT mapFromArrays(groupArray(lower(time_zone)), groupArray(time_zone)) "
        "FROM system.time_zones)"
    )
    zone = f"{names}[lower(replaceRegexpOne({text}, '^.* ', ''))]"

    def parsed(at: str) -> str:  # P: µs since 1970 of the local time ``at`` in the zone
        written = (
            f"concat(formatDateTime({at}, '%Y-%m-%d %H:%i:%S'), ' ', "
            f"if({zone} = '', 'UTC', {zone}))"
        )
        joda = f"parseDateTime64InJodaSyntaxOrNull({written}, 'yyyy-MM-dd HH:mm:ss z')"
        return f"toUnixTimestamp64Micro({joda})"

    delta = (
        f"({parsed(f'addHours({local}, 3)')} - {parsed(f'addHours({local}, -3)')} - 21600000000)"
    )
    shifted = parsed(f"addSeconds({local}, intDiv({delta}, 1000000))")
    later = f"if({delta} != 0 AND {shifted} - {parsed(local)} != {delta}, abs({delta}), 0)"
    fraction = f"(toUnixTimestamp64Micro({local}) % 1000000 + 1000000) % 1000000"
    return f"if({zone} = '', NULL, {parsed(local)} + {later} + {fraction})"
