"""The SQL that turns each format's records into the normalized rows (time, tokens,
model, requests, bucket length), marks the rows a profile can use, and builds the
``hourly`` table every query reads."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from payback.errors import PaybackError
from payback.measure.usage import timetext
from payback.measure.usage.dialects import duckdb_number
from payback.measure.usage.files import FILE_COLUMN
from payback.measure.usage.formats import (
    BARE_NAMES,
    COMMA,
    FIELDS,
    NOT_FINITE,
    OTEL_ATTRIBUTES,
    SPECS,
    bare_column,
    no_column_text,
)
from payback.measure.usage.otel import otel_table_text
from payback.measure.usage.quotes import over_lines_sql
from payback.measure.usage.sql import HOURLY, Source, json_path, shown_files, sql_str
from payback.measure.usage.sqltypes import kind_of
from payback.measure.usage.unixtime import unix_sql

__all__ = [
    "GOOD",
    "accessor",
    "check_named_keys",
    "filters_sql",
    "finds_cached",
    "normalized",
    "pipeline",
    "unwrap",
]

MAX_TOKENS_PER_REQUEST = 1e8
"""More tokens than this in one request (ten times the longest context offered) is a
broken row, not a request."""
MAX_REQUESTS_PER_ROW = 1e12
MAX_BUCKET_SECONDS = 366 * 86400
EMPTY_RESULT = (
    '{"num_model_requests": 0, "input_tokens": 0, "output_tokens": 0, "input_cached_tokens": 0, '
    '"payback_empty": true}'
)
"""What an OpenAI usage bucket with no results stands for: zero requests and tokens."""
OTHER_EMPTY = (
    '{"object": "organization.usage.another_endpoint.result", "num_model_requests": 0, '
    '"input_tokens": 0, "output_tokens": 0, "input_cached_tokens": 0}'
)
"""An empty bucket of a file whose results are all another endpoint's (embeddings, images,
moderations, audio...): that endpoint's idle time, not the completions'; a row left out."""

GOOD = (
    "ts >= TIMESTAMPTZ '1970-01-01 00:00:00+00' AND ts < TIMESTAMPTZ '2200-01-01 00:00:00+00' "
    "AND isfinite(input) AND isfinite(output) AND isfinite(cached) AND isfinite(requests) "
    f"AND requests >= 0 AND requests <= {MAX_REQUESTS_PER_ROW:.0e} "
    "AND input >= 0 AND output >= 0 AND cached >= 0 AND cached <= input "
    f"AND input <= {MAX_TOKENS_PER_REQUEST:.0e} * requests AND output <= {MAX_TOKENS_PER_REQUEST:.0e} * requests "
    f"AND (seconds IS NULL OR (seconds > 0 AND seconds <= {MAX_BUCKET_SECONDS}))"
)
"""A row the profile can use: a time between 1970 and 2200, finite token counts that make
sense (cached ≤ input, at most 10⁸ tokens a request) and a request count that is not
negative. A row of zero requests (and no tokens) is an empty bucket: time the logs cover,
with nothing in it."""


WHY = (
    "CASE WHEN ts IS NULL OR NOT isfinite(ts) THEN 'no time that reads as a date' "
    "WHEN NOT (ts >= TIMESTAMPTZ '1970-01-01 00:00:00+00' AND ts < TIMESTAMPTZ '2200-01-01 00:00:00+00') "
    "THEN 'a time before 1970 or after 2199' "
    "WHEN (input IS NULL AND CAST(input_raw AS VARCHAR) LIKE '%,%') "
    "OR (output IS NULL AND CAST(output_raw AS VARCHAR) LIKE '%,%') "
    f"OR (cached IS NULL AND CAST(cached_raw AS VARCHAR) LIKE '%,%') THEN {sql_str(COMMA)} "
    "WHEN input IS NULL OR output IS NULL OR cached IS NULL THEN 'token counts missing or not numbers' "
    "WHEN NOT (isfinite(input) AND isfinite(output) AND isfinite(cached)) "
    f"THEN {sql_str(NOT_FINITE)} "
    "WHEN requests IS NULL OR NOT isfinite(requests) OR requests < 0 "
    f"OR requests > {MAX_REQUESTS_PER_ROW:.0e} THEN 'a request count that is negative or not a number' "
    "WHEN input < 0 OR output < 0 OR cached < 0 THEN 'negative token counts' "
    "WHEN cached > input THEN 'more cached tokens than input tokens' "
    "WHEN requests = 0 THEN 'tokens in a row of zero requests' "
    f"WHEN input > {MAX_TOKENS_PER_REQUEST:.0e} * requests OR output > {MAX_TOKENS_PER_REQUEST:.0e} * requests "
    "THEN 'over 10^8 tokens a request' "
    "ELSE 'a bucket length that is not between 0 and 366 days' END"
)
"""Why a row that is kept is not usable (:data:`GOOD` fails), the first reason that holds.
An infinite time (DuckDB reads the text ``infinity`` as one, and a timestamp column may hold
it) is no time, as the databases' query reads it (:mod:`payback.measure.usage.clock`)."""


def unwrap(source: Source) -> Source:
    """JSON records inside ``{"data": [...]}`` pages; for the OpenAI usage API, one record per
    result with its bucket (``{"bucket": ..., "result": ...}``), and for a bucket whose
    ``results`` are empty (no usage that day or hour) one result of zero requests and
    tokens: time the export covers. The API exports one endpoint at a time: an empty
    bucket of a file whose results are all another endpoint's (embeddings, images, ...) is
    that endpoint's quiet time, so it becomes a row of that other endpoint (left out, as
    its results are); a file of completions results (or results without an ``object``),
    or of empty buckets only, keeps them as covered time. One pass over the files."""
    if not source.json:
        return source
    rows = (
        "(SELECT unnest(CASE WHEN json_type(json, '$.data') = 'ARRAY' THEN json_extract(json, '$.data[*]') "
        f"ELSE [json] END) AS json, line, file FROM {source.sql})"
    )
    if source.fmt == "openai-usage":
        results = "(r IS NOT NULL AND r->>'$.payback_empty' IS NULL)"
        # as the format keeps them (formats.SPECS): a completions result, or one without object
        completions = (
            f"({results} AND (r->>'object' IS NULL OR r->>'object' LIKE '%completions.result'))"
        )
        rows = (
            "(SELECT CASE WHEN b IS NOT NULL THEN json_object('bucket', b, 'result', "
            f"CASE WHEN r->>'$.payback_empty' IS NOT NULL AND other THEN {sql_str(OTHER_EMPTY)}::JSON "
            "ELSE r END) END AS json, line, file FROM "
            f"(SELECT *, bool_or({results}) OVER w AND NOT bool_or({completions}) OVER w AS other FROM "
            "(SELECT json AS b, line, file, unnest(CASE "
            "WHEN json_type(json, '$.results') = 'ARRAY' THEN coalesce(nullif("
            f"json_extract(json, '$.results[*]'), []), [{sql_str(EMPTY_RESULT)}::JSON]) "
            "WHEN json_type(json, '$.result') = 'ARRAY' THEN coalesce(nullif("
            f"json_extract(json, '$.result[*]'), []), [{sql_str(EMPTY_RESULT)}::JSON]) "
            f"ELSE [NULL::JSON] END) AS r FROM {rows}) WINDOW w AS (PARTITION BY file)))"
        )
    if source.fmt == "otel":
        rows = _otel_spans(rows)
    return Source(rows, True, source.files, source.fmt)


def _otel_spans(rows: str) -> str:
    """One flat record per span of OTLP JSON (``resourceSpans[].scopeSpans[].spans[]``):
    ``ts`` (start, microseconds since 1970; none for 0, OTLP's unset time, or below),
    ``status`` (its code), ``id`` (its trace and span ids: a span exported twice is one
    request) and the fields read from
    the GenAI attributes (:data:`~payback.measure.usage.formats.OTEL_ATTRIBUTES`)."""

    def attribute(key: str) -> str:
        found = f"list_filter(attrs, lambda a: a->>'key' = {sql_str(key)})[1]->'value'"
        return f"coalesce({found}->>'intValue', {found}->>'stringValue', {found}->>'doubleValue')"

    fields = ", ".join(
        f"{sql_str(name)}, coalesce({', '.join(attribute(k) for k in keys)})"
        for name, keys in OTEL_ATTRIBUTES.items()
    )
    return (
        "(SELECT CASE WHEN s IS NOT NULL THEN json_object("
        "'ts', CAST(CASE WHEN TRY_CAST(s->>'startTimeUnixNano' AS HUGEINT) > 0 "
        "THEN TRY_CAST(s->>'startTimeUnixNano' AS HUGEINT) // 1000 END AS VARCHAR), "
        "'status', s->'status'->>'code', "
        "'id', CASE WHEN s->>'spanId' <> '' THEN coalesce(s->>'traceId', '') || ':' || "
        f"(s->>'spanId') END, {fields}) END AS json, line, file FROM "
        "(SELECT s, line, file, CAST(json_extract(s, '$.attributes[*]') AS JSON[]) AS attrs FROM "
        "(SELECT unnest(CASE WHEN json_type(json, '$.resourceSpans') = 'ARRAY' "
        "THEN json_extract(json, '$.resourceSpans[*].scopeSpans[*].spans[*]') "
        f"ELSE [NULL::JSON] END) AS s, line, file FROM {rows})))"
    )


# -- normalizing -----------------------------------------------------------------


def accessor(source: Source, path: str) -> str | None:
    """SQL text of a dotted field path in a source; None when a table has no such column.

    An object along the path may itself be JSON text (LiteLLM's ``metadata``)."""
    parts = path.split(".")
    if source.json:

        def direct(keys: Sequence[str]) -> str:
            literal = json_path(keys)
            if source.paths is None:
                return f"(json ->> {literal})"
            return f"v[{source.paths.setdefault(literal, len(source.paths)) + 1}]"

        options = [direct(parts)]
        for cut in range(1, len(parts)):
            options.append(
                f"json_extract_string(TRY_CAST({direct(parts[:cut])} AS JSON), {json_path(parts[cut:])})"
            )
        return options[0] if len(options) == 1 else "COALESCE(" + ", ".join(options) + ")"
    column = source.columns.get(parts[0].lower())
    if column is None:
        return None
    quoted = '"' + column.replace('"', '""') + '"'
    if len(parts) == 1:
        return quoted
    return f"json_extract_string(TRY_CAST({quoted} AS JSON), {json_path(parts[1:])})"


def _candidate(source: Source, candidate: str) -> str | None:
    """One candidate: a path, ``a+b+…`` (the sum of the terms present) or ``a-b``."""
    if "-" in candidate:
        terms = [accessor(source, p) for p in candidate.split("-")]
        if any(t is None for t in terms):
            return None
        return "CAST((" + " - ".join(f"TRY_CAST({t} AS DOUBLE)" for t in terms) + ") AS VARCHAR)"
    if "+" in candidate:
        present = [t for t in (accessor(source, p) for p in candidate.split("+")) if t is not None]
        if not present:
            return None
        values = [f"TRY_CAST({t} AS DOUBLE)" for t in present]
        total = " + ".join(f"coalesce({v}, 0)" for v in values)
        none = " AND ".join(f"{v} IS NULL" for v in values)
        return f"CASE WHEN {none} THEN NULL ELSE CAST(({total}) AS VARCHAR) END"
    return accessor(source, candidate)


def _field(
    source: Source, candidates: list[str], explicit: str | None = None, name: str = ""
) -> str | None:
    """SQL for a field: the first candidate present (a typed column stays typed; several
    candidates are compared as text). A column named in ``columns`` (for field ``name``)
    is taken as it is."""
    if explicit:
        found = accessor(source, explicit)
        if found is None:
            shown = ", ".join(sorted(source.columns.values()))
            raise PaybackError.bad(
                "columns",
                f"{name}={explicit}",
                f"{explicit!r} is not a column of {shown_files(source.files)} "
                f"(columns: {shown[:300]})",
            )
        return found
    options = list(
        dict.fromkeys(a for a in (_candidate(source, c) for c in candidates) if a is not None)
    )
    if not options:
        return None
    if len(options) == 1:
        return options[0]
    return "COALESCE(" + ", ".join(f"CAST({f} AS VARCHAR)" for f in options) + ")"


NUMERIC = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
}


def _type_of(source: Source, expr: str) -> str:
    """``timestamp``, ``number`` or ``text``: what a field's SQL yields."""
    if source.json:
        return "text"
    kind = next(
        (t for name, t in source.types.items() if expr == '"' + name.replace('"', '""') + '"'),
        "VARCHAR",
    )
    if kind.startswith(("TIMESTAMP", "DATE")):
        return "timestamp"
    return "number" if kind.split("(")[0] in NUMERIC else "text"


def _keep(source: Source, template: str | None) -> str:
    """The format's keep-condition with its ``{path}`` placeholders filled (absent: NULL)."""
    if not template:
        return "TRUE"
    return re.sub(r"\{([^}]+)\}", lambda m: accessor(source, m.group(1)) or "NULL", template)


def _epoch(x: str) -> str:
    """A UTC time from a unix number in seconds, milliseconds, microseconds or nanoseconds
    (told apart by size, as a database's time column is read:
    :mod:`payback.measure.usage.unixtime`)."""
    return f"TRY(to_timestamp({unix_sql(x, 0)}))"


def _number(x: str, kind: str) -> str:
    """A DOUBLE from a number, or from text: a number, or digits grouped by commas
    (:data:`~payback.measure.usage.dialects.GROUPED`, tried only where the cast fails, as a
    database's text column is read); NULL otherwise."""
    if kind == "number":
        return f"TRY_CAST({x} AS DOUBLE)"
    return duckdb_number(x)


def _timestamp(kind: str) -> str:
    """SQL for ``ts`` from ``ts_raw``: a typed time, a unix number, or text of a time (the
    forms of :mod:`~payback.measure.usage.timetext`, read alike by every engine: any offset
    or zone converted to UTC; naive means UTC) or a unix number as text (digits grouped by
    commas read as one, as token counts are, and as a database's text column is read)."""
    if kind == "timestamp":
        return "CAST(ts_raw AS TIMESTAMPTZ)"
    if kind == "number":
        return "CAST(" + _epoch("CAST(ts_raw AS DOUBLE)") + " AS TIMESTAMPTZ)"
    return (
        f"CAST(COALESCE({timetext.duckdb('ts_raw')}, "
        + _epoch(duckdb_number("ts_raw"))
        + ") AS TIMESTAMPTZ)"
    )


DATE_TEXT = "^[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}$"
"""A date without a time of day (:mod:`~payback.measure.usage.timetext`): a day."""


def _dated(source: Source, expr: str) -> str:
    """SQL for whether ``ts_raw`` is written as a day: text of a date without a time of day
    (``2026-11-01``, not ``2026-11-01T00:00:00Z``), or a date column. A time that says its
    time of day, or whose form does not say (a timestamp column, a unix number), is FALSE:
    such times stand for days only when enough of them fall at midnight
    (:data:`~payback.measure.usage.sql.SOURCES`)."""
    kind = _type_of(source, expr)
    if kind == "text":
        return f"coalesce(regexp_matches(trim(CAST(ts_raw AS VARCHAR)), '{DATE_TEXT}'), FALSE)"
    typed = next(
        (t for name, t in source.types.items() if expr == '"' + name.replace('"', '""') + '"'), ""
    )
    return "TRUE" if kind == "timestamp" and typed.upper() == "DATE" else "FALSE"


def _number_or_text(sql_type: str | None) -> bool:
    return sql_type is not None and kind_of(sql_type) in ("number", "text")


def _exprs(source: Source, explicit: dict[str, str]) -> dict[str, str | None]:
    """SQL for each field (:data:`FIELDS`) in ``source``; None for a column it lacks."""
    spec = SPECS[source.fmt]
    exprs = {
        name: _field(source, spec.fields.get(name, []), explicit.get(name), name) for name in FIELDS
    }
    bare = source.fmt == "generic" and not source.json
    for name in BARE_NAMES:  # a CSV's columns are text: a column of text gives no number
        real = bare_column(name, source.columns, lambda c: _number_or_text(source.types.get(c)))
        if bare and exprs[name] is None and real is not None:
            exprs[name] = accessor(source, real)
    return exprs


def finds_cached(con: Any, sources: Sequence[Source], explicit: dict[str, str]) -> bool:
    """Whether any source has a cached-token column (named, or one its format knows), or for
    JSON records, whether one record has such a key (a query that stops at the first):
    without one the logs do not measure ``cached_input_share``."""
    for source in sources:
        if not source.json:
            if _exprs(source, explicit)["cached"] is not None:
                return True
            continue
        records = unwrap(source)
        cached = _exprs(Source(records.sql, True, records.files, records.fmt), explicit)["cached"]
        present = f"SELECT 1 FROM {records.sql} WHERE ({cached}) IS NOT NULL LIMIT 1"
        if cached is not None and con.execute(present).fetchone() is not None:
            return True
    return False


def normalized(source: Source, explicit: dict[str, str], index: int = 0) -> str:
    """SELECT of the normalized columns (NULL where unreadable), ``keep`` (an LLM call that
    succeeded), ``good`` (usable, see :data:`GOOD`) and ``bad`` (the text of a row that is
    kept but not usable, computed only for those); ``src`` is ``index``, the source's number."""
    spec = SPECS[source.fmt]
    if source.json:
        source = Source(source.sql, True, source.files, source.fmt, paths={})
    exprs = _exprs(source, explicit)
    bare = source.fmt == "generic" and not source.json
    missing = [n for n in ("ts", "input", "output") if exprs[n] is None]
    have = ", ".join(sorted(source.columns.values())) if not source.json else ""
    if source.fmt == "otel" and not source.json:
        raise PaybackError(otel_table_text(source.label, have[:300]))
    if missing:
        have = have or "the JSON records' keys"
        raise PaybackError(
            f"{source.label}: {no_column_text(missing, have[:300], spec.fields, bare)}; name the "
            "columns with columns ts=...,input=...,output=...[,cached=...,model=...] or pick "
            "the format"
        )
    keep = _keep(source, spec.keep)
    relation = source.sql
    if source.json:
        carried = ["json AS raw_json", "line AS raw_line", "file", "FALSE AS over_lines"]
        raw = "coalesce(raw_line, CAST(raw_json AS VARCHAR))"
        listed = ", ".join(source.paths or {})
        relation = f"(SELECT json_extract_string(json, [{listed}]) AS v, json, line, file\n      FROM {relation})"
    else:
        shown = list(source.columns.values())[:SHOWN_COLUMNS]
        carried = [f'"{c.replace(chr(34), chr(34) * 2)}" AS raw_{i}' for i, c in enumerate(shown)]
        carried += [f'"{FILE_COLUMN}" AS file', f"{over_lines_sql(source)} AS over_lines"]
        raw = _row_text(len(shown), source.delimiter, len(source.columns) > len(shown))
    inner = ",\n         ".join(
        [
            *(f"{exprs[n] or 'NULL'} AS {n}_raw" for n in FIELDS),
            *carried,
            f"coalesce(({keep}), TRUE) AS keep",
        ]
    )
    # a JSON-lines line that is not JSON has no fields at all: that is why, not its time
    why = (
        f"CASE WHEN raw_line IS NOT NULL THEN 'a line that is not JSON' ELSE {WHY} END"
        if source.json
        else WHY
    )
    ts = _timestamp(_type_of(source, exprs["ts"] or ""))
    number = {n: _number(f"{n}_raw", _type_of(source, exprs[n] or "")) for n in FIELDS}
    # no cached count, or a blank one (a CSV cell of spaces, JSON's ""), is none cached, as
    # a database's text column reads it (a NULL number, then 0)
    blank = "cached_raw IS NULL"
    if _type_of(source, exprs["cached"] or "") != "number":
        blank = "coalesce(trim(CAST(cached_raw AS VARCHAR)), '') = ''"
    typed = (
        f"SELECT {ts} AS ts, {_dated(source, exprs['ts'] or '')} AS dated,\n"
        "       nullif(model_raw::VARCHAR, '') AS model,\n"
        f"       CASE WHEN requests_raw IS NULL THEN 1.0 ELSE {number['requests']} END AS requests,\n"
        f"       {number['input']} AS input, {number['output']} AS output,\n"
        f"       CASE WHEN {blank} THEN 0.0 ELSE {number['cached']} END AS cached,\n"
        f"       NOT ({blank}) AS cached_given,\n"
        "       TRY_CAST(seconds_raw AS DOUBLE) AS seconds, nullif(id_raw::VARCHAR, '') AS rid,\n"
        "       keep, * EXCLUDE (keep)\n"
        f"FROM (SELECT {inner}\n      FROM {relation})"
    )
    return (
        f"SELECT {index} AS src, file, ts, dated, model, requests, input, output, cached, seconds, rid, keep, good,\n"
        "       over_lines, cached_given,\n"
        f"       CASE WHEN keep AND NOT good THEN {_shortened(raw)} END AS bad,\n"
        f"       CASE WHEN keep AND NOT good THEN {why} END AS why\n"
        f"FROM (SELECT *, coalesce({GOOD}, FALSE) AS good\n      FROM ({typed}))"
    )


SHOWN_COLUMNS = 12
"""The columns of an unreadable row shown (the rest stand as ``…``)."""
SHOWN_CHARS = 200
"""The characters of an unreadable row shown (a longer one ends in ``…``)."""


def _row_text(columns: int, delimiter: str, more: bool) -> str:
    """The text of a table's row as its file has it: each field (an empty one empty, not
    left out) joined by the file's delimiter (a tab written ``\\t``), and quoted as a CSV
    quotes it where it holds the delimiter, a quote or a line break, so that ``300,,0``
    and ``"1,5"`` read as they were written."""
    shown = "\\t" if delimiter == "\t" else delimiter
    quoting = [f"chr({ord(delimiter)})", "'\"'", "chr(10)", "chr(13)"]
    fields = []
    for i in range(columns):
        text = f"CAST(raw_{i} AS VARCHAR)"
        needs = " OR ".join(f"contains({text}, {c})" for c in quoting)
        fields.append(
            f"coalesce(CASE WHEN {needs} THEN '\"' || replace({text}, '\"', '\"\"') || '\"' "
            f"ELSE {text} END, '')"
        )
    if more:
        fields.append("'…'")
    return f"concat_ws({sql_str(shown)}, {', '.join(fields)})"


def _shortened(raw: str) -> str:
    """An unreadable row's text on one line: runs of white space (a line break inside a
    quoted field, a JSON record's indents) as one space, at most :data:`SHOWN_CHARS`
    characters. A row's fields keep their tabs apart as ``\\t``."""
    one_line = f"regexp_replace({raw}, '\\s+', ' ', 'g')"
    return (
        f"CASE WHEN length({one_line}) > {SHOWN_CHARS} "
        f"THEN left({one_line}, {SHOWN_CHARS - 1}) || '…' ELSE {one_line} END"
    )


def pipeline(
    sources: list[Source],
    explicit: dict[str, str],
    model: str | None,
    since: dt.date | None,
    until: dt.date | None,
    order: Sequence[str] | None = None,
) -> list[str]:
    """The statements that build ``logs`` and ``hourly``: the only ones that read the files.
    ``order``: the files in the order given (else the sources'), which the first row of a
    request id logged twice is taken from."""
    body = "\nUNION ALL BY NAME\n".join(
        f"({normalized(unwrap(s), explicit, k)})" for k, s in enumerate(sources)
    )
    if any(_has_id(s, explicit) for s in sources):
        # a request id seen before is the same request logged twice (overlapping exports):
        # every row after the first of an id is a duplicate, dropped and counted. The first
        # is a usable row's, of the file given first, then the earliest in it (by its time,
        # then its values: the readers number no rows), so that two runs keep the same one.
        # A copy that cannot be read is no duplicate but an unreadable row, counted and
        # shown as one: a fault in the logs, whatever copy was kept
        files = list(dict.fromkeys(order or [f for s in sources for f in s.files]))
        listed = ", ".join(sql_str(f) for f in files)
        logs = (
            "SELECT * EXCLUDE (rank), coalesce(rank > 1 AND NOT (keep AND NOT good), FALSE) "
            "AS dup FROM (\n"
            "SELECT *, CASE WHEN rid IS NOT NULL THEN row_number() OVER "
            f"(PARTITION BY rid ORDER BY keep DESC, good DESC, list_position([{listed}], file), "
            "file, ts, model, requests, input, output, cached, seconds) END AS rank FROM (\n"
            f"{body}))"
        )
    else:
        logs = f"SELECT *, FALSE AS dup FROM (\n{body})"
    return [
        "SET TimeZone = 'UTC'",
        f"CREATE TEMP VIEW logs AS\n{logs}",
        HOURLY.replace("{inside}", filters_sql(model, since, until)).replace(
            "{dated_in}", filters_sql(None, since, until)
        ),
    ]


NO_MODEL = "(none)"
"""How By model names the requests that give no model; ``--model`` takes it too."""


def filters_sql(model: str | None, since: dt.date | None, until: dt.date | None) -> str:
    """The condition on a row's ``ts`` (UTC) and ``model`` that the filters keep.

    ``(none)``, as By model names them, keeps the requests without a model (a table's
    query does the same).

    >>> filters_sql("gpt-4o", dt.date(2026, 2, 1), None)
    "TRUE AND ts >= TIMESTAMPTZ '2026-02-01 00:00:00+00' AND model = 'gpt-4o'"
    >>> filters_sql("(none)", None, None)
    'TRUE AND model IS NULL'
    """
    conditions = ["TRUE"]
    if since:
        conditions.append(f"ts >= TIMESTAMPTZ '{since.isoformat()} 00:00:00+00'")
    if until:
        conditions.append(
            f"ts < TIMESTAMPTZ '{(until + dt.timedelta(days=1)).isoformat()} 00:00:00+00'"
        )
    if model == NO_MODEL:
        conditions.append("model IS NULL")
    elif model:
        conditions.append("model = " + sql_str(model))
    return " AND ".join(conditions)


SHOWN_KEYS = 300
"""The characters of the keys listed where ``columns`` names a key no JSON record has."""


def check_named_keys(con: Any, sources: Sequence[Source], explicit: dict[str, str]) -> None:
    """One line where ``columns`` names a key (or dotted path) that no JSON record of a
    source has, listing the keys its records have: a table's missing column is told as its
    SQL is made (:func:`normalized`), a JSON record's only here, as every record may hold
    other keys. One query a field, which stops at the first record that has it."""
    for source in sources:
        if not source.json:
            continue
        records = unwrap(source)
        probe = Source(records.sql, True, records.files, records.fmt)
        for name, path in explicit.items():
            present = (
                f"SELECT 1 FROM {records.sql} WHERE {accessor(probe, path)} IS NOT NULL LIMIT 1"
            )
            if con.execute(present).fetchone() is not None:
                continue
            keys = con.execute(
                "SELECT DISTINCT unnest(json_keys(json)) AS k FROM "
                f"{records.sql} WHERE json_type(json) = 'OBJECT' ORDER BY k"
            ).fetchall()
            listed = ", ".join(str(k) for (k,) in keys)
            if len(listed) > SHOWN_KEYS:
                listed = listed[: SHOWN_KEYS - 1].rsplit(", ", 1)[0] + ", …"
            raise PaybackError.bad(
                "columns",
                f"{name}={path}",
                f"no record of {shown_files(records.files)} has {path!r} "
                + (f"(its records' keys: {listed})" if listed else "(no record is a JSON object)"),
            )


def _has_id(source: Source, explicit: dict[str, str]) -> bool:
    """Whether a source's rows carry a request id (its format has one and, for a table,
    the column is there)."""
    spec = SPECS[source.fmt]
    if explicit.get("id"):
        return True
    candidates = spec.fields.get("id", [])
    if source.json:
        return bool(candidates)
    return _field(source, candidates) is not None
