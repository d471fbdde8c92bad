"""The DuckDB side of ``payback usage``: quoting, the relation over a group of log files,
the queries over the normalized rows (``hourly``, built by
:func:`payback.measure.usage.normalize.pipeline`) and running them.

DuckDB is imported where a connection is made, never at the top.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from payback.errors import PaybackError
from payback.limits import MAX_LOG_LINE_BYTES
from payback.measure.usage.frames import gzip_fault

__all__ = [
    "AFTER",
    "COUNTS",
    "COVERED",
    "COVERED_SPAN",
    "ENDS",
    "FILES",
    "HOURLY",
    "MIDNIGHT_DAYS",
    "MODELS",
    "MODELS_SHOWN",
    "MODEL_NAMED",
    "MONTHS",
    "PERCENTILES",
    "REASONS",
    "REJECTED",
    "SOURCES",
    "TOTALS",
    "USED",
    "RowCounts",
    "Source",
    "Totals",
    "connect",
    "cut",
    "first_line",
    "interrupted",
    "json_path",
    "one",
    "row_counts",
    "run",
    "script",
    "shown_files",
    "sql_list",
    "sql_str",
    "token_percentiles",
    "totals",
]

MODELS_SHOWN = 50
"""``by_model`` lists this many models with the most requests (a note says when more)."""


def one(con: Any, sql: str) -> tuple[Any, ...]:
    """The single row a query returns."""
    row = con.execute(sql).fetchone()
    assert row is not None, sql
    return tuple(row)


def interrupted(exc: BaseException) -> None:
    """Ctrl-C again where DuckDB turned it into its own error (``InterruptException``,
    "Query interrupted"): an interrupted read is Ctrl-C, never a file that cannot be read."""
    if type(exc).__name__ == "InterruptException" or "Query interrupted" in str(exc)[:200]:
        raise KeyboardInterrupt from None


def first_line(exc: BaseException) -> str:
    """An exception's message on one line (DuckDB's span several)."""
    text = " ".join(str(exc).split("\n")[:1]).strip()
    return text[:300] if text else type(exc).__name__


def shown_files(files: Sequence[str]) -> str:
    """Files for a message: all of a few, the first three of many."""
    if len(files) <= 3:
        return ", ".join(files)
    return f"{', '.join(files[:3])} and {len(files) - 3:,} more"


def in_comment(text: str) -> str:
    """``text`` fit for a ``--`` comment line: control characters written as escapes, so a
    name holding a line break cannot end the comment and put SQL of its own after it.

    >>> in_comment("logs\\nDROP TABLE t;.csv")
    'logs\\\\nDROP TABLE t;.csv'
    """
    return "".join(
        c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


def sql_str(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def script(statements: Sequence[str]) -> str:
    """The statements as one script, each ended by its semicolon: before a comment that ends
    its last line (after it, the comment took the semicolon in, and DuckDB ran the next
    statement on into this one).

    >>> script(["SELECT 1  -- one", "SELECT '  -- ' AS a"])
    "SELECT 1;  -- one\\n\\nSELECT '  -- ' AS a;"
    """
    ended = []
    for statement in statements:
        head, _, last = statement.rpartition("\n")
        body, said, comment = last.partition("  -- ")
        if said and body.count("'") % 2 == 0:  # not inside a string: a comment
            last = f"{body};{said}{comment}"
        else:
            last += ";"
        ended.append(f"{head}\n{last}" if head else last)
    return "\n\n".join(ended)


def sql_list(files: Sequence[str]) -> str:
    """A SQL list of string literals."""
    return "[" + ", ".join(sql_str(f) for f in files) + "]"


def json_path(parts: Sequence[str]) -> str:
    """A DuckDB JSON path literal for object keys (quotes in keys escaped)."""
    keys = ".".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in parts)
    return sql_str("$." + keys)


def connect() -> Any:
    """A DuckDB connection in UTC that may reorder rows (faster, and nothing needs the order)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    return con


@dataclass
class Source:
    """A relation over log files of one kind, layout and format."""

    sql: str
    """A table function or a parenthesized query."""
    json: bool
    """One JSON record per row in column ``json`` (with ``line``: the text of a line that is
    not JSON), or columns (``table``)."""
    files: list[str]
    fmt: str
    columns: dict[str, str] = field(default_factory=dict)
    """Lower-cased column name → its real name (tables only)."""
    types: dict[str, str] = field(default_factory=dict)
    """Real column name → its DuckDB type (tables only)."""
    paths: dict[str, int] | None = None
    """JSON paths read from each record, in the order of the list ``v`` that one
    ``json_extract_string`` call returns (JSON sources while they are normalized: each
    record is then parsed once, not once a path)."""
    delimiter: str = ","
    """What separates a row's fields in the file (a CSV's comma, semicolon or tab): an
    unreadable row is shown with it."""
    width: int = 0
    """The columns a CSV's header names (the first of ``columns``: those DuckDB adds from
    folder names such as ``day=1/`` come after them); 0 for other sources."""

    @property
    def label(self) -> str:
        return f"{shown_files(self.files)} (read as {self.fmt})"


# -- the queries over the normalized rows ----------------------------------------

HOURLY = """CREATE TEMP TABLE hourly AS
SELECT grouping(qin) + 2 * grouping(qout) AS part, src, file, hour, model, keep, good, inside, dated_in,
       dup, why,
       qin, qout,
       count(*) AS n, sum(requests) AS requests, sum(input) AS input, sum(output) AS output,
       sum(cached) AS cached, min(ts) AS first, max(ts) AS last,
       max(ts) FILTER (WHERE seconds IS NULL) AS last_instant,
       max(CASE WHEN good AND seconds IS NOT NULL
                THEN ts + to_microseconds(CAST(seconds * 1e6 AS BIGINT)) END) AS last_end,
       max(seconds) AS seconds,
       bool_and(requests = 1 AND seconds IS NULL) FILTER (WHERE requests <> 0) AS per_request,
       bool_and(us % 86400000000 = 0) FILTER (WHERE seconds IS NULL) AS on_days,
       bool_and(dated) FILTER (WHERE seconds IS NULL) AS dated,
       bool_and(us % 3600000000 = 0) FILTER (WHERE seconds IS NULL) AS on_hours,
       bool_and(rid IS NOT NULL) AS ids, min(bad, 3) AS bad,
       bool_or(over_lines) AS over_lines, bool_or(cached_given) AS cached_given
FROM (SELECT *,
             CASE WHEN keep AND good AND inside AND NOT dup AND requests = 1 AND seconds IS NULL THEN input END AS qin,
             CASE WHEN keep AND good AND inside AND NOT dup AND requests = 1 AND seconds IS NULL THEN output END AS qout
      FROM (SELECT *, epoch_us(ts) AS us, epoch_us(ts) // 3600000000 AS hour,
                   coalesce({inside}, FALSE) AS inside, coalesce({dated_in}, FALSE) AS dated_in FROM logs))
GROUP BY GROUPING SETS ((src, file, hour, model, keep, good, inside, dated_in, dup, why), (qin), (qout))"""
"""The one pass over the logs: rows grouped by source, file and clock hour (``hour``: hours
since 1970, UTC; part 3; ``ids``: whether every row carries a request id; ``over_lines``:
whether a CSV value runs over lines, :mod:`~payback.measure.usage.quotes`; ``inside``: within
the filters, ``dated_in``: within the date filters, any model) and the counts of each input
(part 2) and output (part 1) token value of single requests, for exact percentiles. Times are
split with integer arithmetic on microseconds (date_trunc on a TIMESTAMPTZ goes through ICU's
calendar and is several times slower)."""

COUNTS = """SELECT coalesce(sum(n), 0) AS rows_read,
       coalesce(sum(n) FILTER (WHERE NOT keep AND NOT dup), 0) AS not_llm_calls_or_failed,
       coalesce(sum(n) FILTER (WHERE keep AND NOT good AND NOT dup), 0) AS unreadable,
       list_sort(flatten(list(bad) FILTER (WHERE bad IS NOT NULL AND NOT dup)))[1:3] AS examples,
       coalesce(sum(n) FILTER (WHERE dup), 0) AS duplicates
FROM hourly WHERE part = 3"""

REASONS = """SELECT why, sum(n) AS rows FROM hourly WHERE part = 3 AND why IS NOT NULL AND NOT dup
GROUP BY why ORDER BY rows DESC, why  -- why rows that are LLM calls could not be used"""

REJECTED = """SELECT count(*) AS lines,
       list(CASE WHEN length(shown) > 200 THEN left(shown, 199) || '…' ELSE shown END
            ORDER BY file_id, line)[1:3]
FROM (SELECT file_id, line,
             regexp_replace(replace(any_value(csv_line), chr(9), '\\t'), '\\s+', ' ', 'g') AS shown
      FROM reject_errors GROUP BY scan_id, file_id, line)  -- lines not split or decoded, each once"""
"""CSV or JSON lines DuckDB could not split into the header's columns or decode: each line
once however many errors it has, the first three shown in order as an unreadable row is
(a tab as ``\\t``, white space as one space, at most 200 characters)."""

REJECTED_WHYS = f"""SELECT why, count(*) FROM (
  SELECT CASE WHEN bool_or(error_type = 'LINE SIZE OVER MAXIMUM')
              THEN {sql_str(f"lines over {MAX_LOG_LINE_BYTES >> 20} MiB")}
              WHEN bool_or(error_type = 'INVALID ENCODING') THEN 'lines that are not UTF-8'
              ELSE 'lines that do not split into the header''s columns' END AS why
  FROM reject_errors GROUP BY scan_id, file_id, line) GROUP BY why ORDER BY why"""
"""Why each rejected line was (one reason a line, the first that holds): too long (a JSON
line too), not UTF-8, or a CSV line that does not split into the header's columns."""

USED = (
    "CREATE TEMP VIEW used AS SELECT * FROM hourly WHERE part = 3 AND keep AND good AND inside "
    "AND NOT dup"
)

COVERED = (
    "CREATE TEMP VIEW covered AS SELECT * FROM hourly WHERE part = 3 AND keep AND good "
    "AND dated_in AND NOT dup"
)
"""The rows inside the date filters, of every model: the time the logs cover
(:mod:`~payback.measure.usage.coverage`), ``--model`` or not."""

COVERED_SPAN = "SELECT min(first), max(last) FROM covered  -- the logs' span, any model"

TOTALS = """SELECT coalesce(sum(n), 0), sum(requests), sum(input), sum(output), sum(cached),
       min(first), max(last), bool_and(per_request) FILTER (WHERE requests > 0),
       count(DISTINCT coalesce(model, '(none)')) FILTER (WHERE requests > 0)
FROM used  -- rows of zero requests (empty buckets) cover time: no model, not a bucket"""

MIDNIGHT_DAYS = 3
"""Days a source's times must fall on, every one at midnight, to be read as whole days when
they write a time of day (or their form does not say): one row, or two, at midnight is
chance (a time on the hour is at midnight one time in 24); dates written without a time
are days however few."""

SOURCES = f"""SELECT src,
       bool_and(on_days) AND (bool_and(dated)
            OR count(DISTINCT hour) FILTER (WHERE on_days IS NOT NULL) >= {MIDNIGHT_DAYS}) AS dates_only,
       bool_and(on_hours) AS whole_hours, max(seconds) AS bucket_seconds
FROM covered GROUP BY src ORDER BY src  -- each source's timestamp resolution and bucket length"""

ENDS = """SELECT date_trunc('month', to_timestamp(hour * 3600))::DATE AS month, src,
       max(last_instant), max(last_end)
FROM covered GROUP BY ALL  -- where each source's data ends in each month (any model)"""

FILES = """SELECT src, file, min(first) FILTER (WHERE requests > 0),
       max(last_instant) FILTER (WHERE requests > 0), max(last_end) FILTER (WHERE requests > 0),
       bool_and(ids)
FROM used GROUP BY src, file HAVING sum(requests) > 0
ORDER BY file  -- each file's span of requests, and whether every row of it carries a request id"""

UNCACHED = """SELECT file FROM hourly WHERE part = 3 AND keep AND good AND inside AND NOT dup
GROUP BY file HAVING sum(requests) > 0 AND NOT coalesce(bool_or(cached_given), FALSE)
ORDER BY file  -- the files whose requests give no cached-token count"""

NAMELESS = """SELECT file, sum(n) FROM hourly WHERE part = 3 AND keep AND good AND NOT dup
GROUP BY file HAVING bool_and(model IS NULL) ORDER BY file  -- files that name no model"""

MODEL_NAMED = """SELECT coalesce(bool_or(model IS NOT NULL), FALSE) FROM hourly
WHERE part = 3 AND keep AND good AND NOT dup  -- whether any readable request names a model"""

LOGS_SPAN = """SELECT min(first), max(last) FROM hourly
WHERE part = 3 AND keep AND good AND NOT dup  -- the readable requests, inside the filters or not"""

MONTHS = """SELECT date_trunc('month', to_timestamp(hour * 3600))::DATE AS month,
       coalesce(sum(requests), 0), coalesce(sum(input), 0), coalesce(sum(output), 0),
       coalesce(sum(cached), 0), min(first), coalesce(max(requests), 0) AS busiest_hour,
       sum(logs) AS logs
FROM (SELECT hour, sum(requests) FILTER (WHERE inside) AS requests,
             sum(input) FILTER (WHERE inside) AS input, sum(output) FILTER (WHERE inside) AS output,
             sum(cached) FILTER (WHERE inside) AS cached, min(first) AS first, sum(requests) AS logs
      FROM covered GROUP BY hour)
GROUP BY 1 ORDER BY 1"""
"""By month: the sums of the rows used (the model asked), and over every model inside the
dates (``covered``) the first time and the requests (``logs``: the coverage's rate)."""

GAPS = """WITH h AS (SELECT hour, min(first) AS f, max(greatest(last, last_end)) AS l
           FROM covered GROUP BY hour),
g AS (SELECT hour, f, lag(l) OVER (ORDER BY hour) AS p, lag(hour) OVER (ORDER BY hour) AS ph
      FROM h)
SELECT date_trunc('month', to_timestamp(hour * 3600))::DATE AS month,
       max(epoch(f - p)), arg_max(p, f - p), arg_max(f, f - p)
FROM g WHERE date_trunc('month', to_timestamp(hour * 3600))
             = date_trunc('month', to_timestamp(ph * 3600))
GROUP BY 1 ORDER BY 1  -- each month's longest gap between requests in two hours inside it"""
"""By month, the longest gap between the logs' requests (every model inside the dates, an
empty bucket's time too) from one clock hour to a later one inside the month, and where it
runs from and to: a boundary gap no longer is the logs' own quiet time
(:mod:`~payback.measure.usage.coverage`), a much longer one may be logs missing."""

MODELS = f"""SELECT coalesce(model, '(none)') AS model, sum(requests), sum(input), sum(output), sum(cached)
FROM used GROUP BY 1 HAVING sum(requests) > 0 ORDER BY 2 DESC, 1 LIMIT {MODELS_SHOWN}"""

PERCENTILES = """WITH counts AS (
    SELECT 'input' AS field, qin AS v, sum(n) AS c FROM hourly WHERE part = 2 AND qin IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'output', qout, sum(n) FROM hourly WHERE part = 1 AND qout IS NOT NULL GROUP BY ALL),
cumulative AS (
    SELECT field, v, sum(c) OVER (PARTITION BY field ORDER BY v) AS upto,
           sum(c) OVER (PARTITION BY field) AS total FROM counts),
ranks AS (  -- quantile_cont's position: (n - 1) p, interpolated
    SELECT DISTINCT field, p, (total - 1) * p AS h FROM cumulative, (SELECT unnest([0.5, 0.9, 0.99]) AS p))
SELECT r.field, r.p,
       min(c.v) FILTER (WHERE c.upto > floor(r.h)) + (r.h - floor(r.h))
       * (min(c.v) FILTER (WHERE c.upto > ceil(r.h)) - min(c.v) FILTER (WHERE c.upto > floor(r.h)))
FROM ranks r JOIN cumulative c USING (field)
GROUP BY r.field, r.p, r.h ORDER BY 1, 2"""

AFTER = """-- Then, over the months above (a few rows, in Python):
--   a quote a CSV leaves open (a model name over lines or over 1,000 characters, a rejected
--     row over lines, a last value over lines that ends as the file does) stops the reading
--     with the line where it opens (the file read again in Python to find it);
--   timestamps' resolution: whole days when every row without a bucket length is at 00:00 UTC
--     and they are dates without a time of day (2026-11-01) or fall on 3 days or more (one
--     2026-11-01T00:00:00Z is an instant at midnight),
--     whole hours when every one is at :00; a row then stands for that day or hour;
--   a month is complete when the logs (every model: coverage is the logs', the sums the
--     model's) cover it from its start to its end: the first request within
--     max(1 h, bucket length, 5 mean gaps between its requests) of its start, a mean gap
--     being the time the month covers / its requests (a gap of 5 is a 0.7 % chance), or
--     requests in the month before with a gap across the boundary no longer than that or
--     than the longest gap inside either month (GAPS), or a since date on its 1st with
--     readable requests before it; likewise at its end (an until date on its last day); a
--     complete month's longest gap over 3 times every other complete month's is warned
--     of (logs that may be missing); months without
--     requests inside the span are left out; a complete month without a request of the
--     model asked is a zero for it (and no growth is fitted across it);
--   a row of zero requests (an empty bucket) is time the logs cover, with no requests or tokens:
--     it counts toward a month's coverage and the covered hours; a month of such rows only is
--     left out of the figures below, a model of such rows only is not listed; an OpenAI usage
--     bucket with results: [] is such a row, except in a file whose results are all another
--     endpoint's (embeddings, images, ...): there it is that endpoint's idle time, left out
--     with its results (the API exports one endpoint at a time);
--   requests_per_month = the last complete month's requests / its days * 30.4375 (365.25 / 12);
--     with no complete month: requests / covered clock hours * 730.5 (from the first
--     request's hour, or a since date's start with readable requests before it, to the
--     hour the data end in, or an until date's end with requests after it);
--   growth_monthly = exp(slope) - 1 of a least-squares fit of ln(requests per day) on the
--     month number over the complete months with requests (not measured with fewer than two);
--   peak_to_average = the last complete month's busiest clock hour's requests / its
--     requests per hour (requests / (days * 24)): the month requests_per_month is taken
--     from (with no complete month: the busiest hour / (requests / covered hours)); not
--     measured for buckets over an hour;
--   input_tokens, output_tokens = sum / requests; cached_input_share = cached / input."""


# -- running them ------------------------------------------------------------------


def run(con: Any, statements: Sequence[str], failure: str) -> None:
    """Run the statements that read the files; DuckDB's error, on one line, follows
    ``failure`` (what could not be read)."""
    for statement in statements:
        try:
            con.execute(statement)
        except Exception as exc:  # a file DuckDB cannot parse at all
            failed(exc, failure)


def failed(exc: Exception, failure: str) -> NoReturn:
    """DuckDB's error on one line after ``failure``; a gzip file cut short (its head read
    whole, the cut further on), or with bytes after its whole stream, said as that, naming
    the file."""
    interrupted(exc)
    said = first_line(exc)
    cut = re.search(r"Unexpected end of GZIP stream: (.+)$", said)
    if cut:
        raise PaybackError(gzip_fault(cut.group(1))) from None
    raise PaybackError(f"{failure} ({said})") from None


@dataclass(frozen=True)
class RowCounts:
    """The rows read, and why those not used were left out (:data:`COUNTS`, :data:`REJECTED`)."""

    read: int
    not_llm_calls_or_failed: int
    unreadable: int
    """Kept rows (LLM calls that succeeded) that cannot be used."""
    rejected: int
    """CSV or JSON lines DuckDB could not split into the header's columns or decode."""
    examples: list[str]
    """A few unreadable rows, then a few rejected lines."""
    duplicates: int = 0
    """Rows whose request id came before (dropped: the same request logged twice)."""
    reasons: dict[str, int] = field(default_factory=dict)
    """Why the unreadable rows (and rejected lines) could not be used, most rows first."""

    def why(self, most: int | None = None) -> str:
        """:attr:`reasons` in words (``400 with token counts missing or not numbers``), the
        ``most`` first where given."""
        return "; ".join(f"{n:,} with {why}" for why, n in list(self.reasons.items())[:most])


def row_counts(con: Any) -> RowCounts:
    """:class:`RowCounts` of the ``hourly`` table and DuckDB's reject tables."""
    read, skipped_rows, unreadable, bad, duplicates = one(con, COUNTS)
    try:
        rejected, rejected_examples = one(con, REJECTED)
    except Exception as exc:  # nothing was read as CSV or JSON lines: no reject tables then
        interrupted(exc)
        rejected, rejected_examples = 0, []
    examples = [" ".join(str(x).split()) for x in [*(bad or []), *(rejected_examples or [])]]
    reasons = {str(why): int(rows) for why, rows in con.execute(REASONS).fetchall()}
    if rejected:
        for why, lines in con.execute(REJECTED_WHYS).fetchall():
            reasons[str(why)] = reasons.get(str(why), 0) + int(lines)
    reasons = dict(sorted(reasons.items(), key=lambda item: -item[1]))
    return RowCounts(read, skipped_rows, unreadable, rejected, examples, int(duplicates), reasons)


@dataclass(frozen=True)
class Totals:
    """Sums over the rows used (:data:`TOTALS`)."""

    rows: int
    requests: float
    input: float
    output: float
    cached: float
    first: Any
    """The first timestamp (a datetime)."""
    last: Any
    per_request: bool
    """Whether every row is one request (not a bucket)."""
    models: int


def totals(con: Any) -> Totals:
    """Make the ``used`` view, and :class:`Totals` over it."""
    con.execute(USED)
    con.execute(COVERED)
    return Totals(*one(con, TOTALS))


def cut(
    con: Any, since: dt.date | None, until: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Where the date filters cut logs that go on past them: the start of the since day
    when a readable request came before it, the end of the until day when one came at or
    after that end (see :func:`payback.measure.usage.profile.monthly`)."""
    if since is None and until is None:
        return None, None
    first, last = con.execute(LOGS_SPAN).fetchone()
    start = dt.datetime(since.year, since.month, since.day, tzinfo=dt.UTC) if since else None
    end = (
        dt.datetime(until.year, until.month, until.day, tzinfo=dt.UTC) + dt.timedelta(days=1)
        if until
        else None
    )
    return (
        start if start and first is not None and first.astimezone(dt.UTC) < start else None,
        end if end and last is not None and last.astimezone(dt.UTC) >= end else None,
    )


ZERO_TOKENS = (
    "every request is logged with 0 input and 0 output tokens: failed or error rows, or "
    "token columns not filled? no workload has lengths of 0"
)


def zero_tokens(input_tokens: float, output_tokens: float) -> str | None:
    """:data:`ZERO_TOKENS` where the logs' requests (their tokens, or the mean of them)
    hold no input and no output token: a warning, and ``-o`` writes nothing from them."""
    return ZERO_TOKENS if input_tokens == 0 and output_tokens == 0 else None


def token_percentiles(con: Any) -> dict[str, dict[str, float] | None]:
    """p50, p90 and p99 of the input and output tokens of single requests
    (:data:`PERCENTILES`)."""
    percentiles: dict[str, dict[str, float] | None] = {"input_tokens": None, "output_tokens": None}
    for name, p, value in con.execute(PERCENTILES).fetchall():
        entry = percentiles.setdefault(f"{name}_tokens", None) or {}
        entry[f"p{round(float(p) * 100)}"] = float(value)
        percentiles[f"{name}_tokens"] = entry
    return percentiles


UNREADABLE_SHARE = 0.01
"""The share of rows left unread from which ``payback usage`` warns (beside its Rows line):
the traffic it measures counts only the rows read, so a share left out is as much traffic
missing, which ``-o`` writes."""


def unreadable_warning(counts: RowCounts) -> str | None:
    """A warning where :data:`UNREADABLE_SHARE` or more of the rows cannot be read: how many,
    why (the first reasons), and that the traffic counts only the rows read."""
    unread = counts.unreadable + counts.rejected
    rows = counts.read + counts.rejected
    if not rows or unread / rows < UNREADABLE_SHARE:
        return None
    why = counts.why(2)
    return (
        f"{unread:,} of {rows:,} rows ({unread / rows:.0%}) could not be read"
        + (f" ({why})" if why else "")
        + ": the traffic counts only the rows read, so requests_per_month leaves them out "
        "(if they were requests); the rows are shown under Rows"
    )
