"""The profile's one query over a table where the logs live, written once and run on DuckDB,
PostgreSQL and ClickHouse (and printed for any dialect SQLGlot writes).

Why SQLGlot and not Ibis: the file path's queries already are DuckDB SQL, and SQLGlot (pure
Python, no dependencies, a few MB) parses DuckDB SQL and writes it in 30-odd dialects, so the
query is written once, in the dialect the rest of ``payback usage`` speaks, and ``--sql
--dialect D`` is its printer. Ibis compiles through SQLGlot too, but it would add a dataframe
layer and a backend package (and its driver) per engine, with no in-process ClickHouse backend
(its ClickHouse backend needs clickhouse-connect and a server); the few places where SQLGlot's
translation does not hold (microseconds since 1970, integer division on ClickHouse, a cast that
yields NULL instead of failing, reading a key of a map or of JSON) are named functions below,
each written per dialect by :func:`render`.

The query scans the table once and returns only aggregates, in four groupings (each
aggregate is computed for every grouping set, so there are few of them: a count, three
sums, the first and last time; the row's flags and why it cannot be used are one ``status``
number):

- by clock hour and the row's status (not an LLM call that succeeded; not usable, and
  why; outside the filters; used): requests, token sums, first and last time (every time
  of an hour is on the hour when its last is);
- by model, over the rows used: requests and token sums;
- the count of the rows used in each bucket of input and of output tokens: each value
  below 1,000, then the first three digits (1,000-1,009, ..., 10,000-10,099, ...), so the
  percentiles are exact below 1,000 and within 0.5 % above, and the buckets that come back
  stay a few thousand however many distinct counts the logs hold
  (:data:`payback.measure.usage.buckets.BUCKET_DIGITS`). The scan counts each distinct token count
  (a key a row, no arithmetic); only those few groups are put in buckets (the ``bucketed``
  subquery). A bucket computed on every row cost ClickHouse a fifth of the query (0.67 s of CPU
  against 0.56 s for 10 million rows, the same 985 rows back) and PostgreSQL 3 % (4.94 s against
  4.78 s, the same 3,400 rows); the engine's hash table holds a key per distinct count instead of
  per bucket, bounded by the context lengths (10^5-10^6 distinct counts, a few MB).

The scan groups in three sets, not four: the hour, the status and the model are one key
(``hs``: the hour's start plus the status in microseconds, with the model; see
:class:`payback.measure.usage.clock.Clock`), so each row is looked up in three hash
tables; those few groups are then added up by hour and status and by model, and the four
groupings come back as before. On PostgreSQL each set costs about a tenth of the query's
time on 10 million rows, and this form took 7-12 % less CPU than four sets (5.4-5.5 s
against 5.9-6.3 s for the whole table on one core, the same rows back). The key is two columns of a
fenced subquery (``split``): the planner guesses 200 values a column, 40,000 groups, and
hashes them; as expressions over three columns it guessed a tenth of the rows and sorted a
large table (and with the hour and the status as two columns it sorted a billion rows).

Where the time goes (10 million rows, ``benchmarks/bench_usage.py --databases``): PostgreSQL
computes grouping sets on one core (no parallel aggregation for them, and none below an
``OFFSET 0`` fence), so the query costs the checks once a row (in fenced subqueries) plus
three hash lookups a row. Rows multiplied four ways for one plain, parallel ``GROUP BY``
were slower: a set-returning ``unnest`` costs about a microsecond a row, and a join with
the four kinds repeats every pulled-up expression for each copy. So a large table is read
in parts instead, side by side on connections of their own
(:data:`payback.measure.usage.engines.PARTS_DOC`). Measured by the backend's own CPU time
on 10 million rows: the grouped scan 2.5 s, the checks with the hourly set alone 3.8 s, each
further set about 1.3 s more (7.5 s in all, with four sets), of which the time in
microseconds since 1970 was 0.8 s (``date_part`` parses its unit name every row: PostgreSQL
now keeps a time column in its type until after grouping,
:class:`payback.measure.usage.clock.Clock`, and the whole table on one core takes 4.7-4.8 s of CPU
against 5.6-5.8 s, the same 3,400 rows back). ClickHouse spreads the query over its cores itself. By
CPU on 10 million rows (chdb, two cores): the grouped scan 0.14-0.15 s, the profile's query 0.56 s
(3.8 times). Written by hand in ClickHouse's own types (no casts, integer hours, ``multiIf``), the
checks with the hourly set alone cost 0.17 s (1.13 times the scan), the model set adds 0.09 s (a
``LowCardinality`` string key), each token set 0.04-0.08 s, and the four as grouping sets cost
0.42 s (2.8 times: every set computes every aggregate). So no query of these four groupings comes
near 1.5 times one grouped scan there. Tried and saved nothing measurable: four sets instead of
three (6 %, within the noise of a loaded machine), a first branch for a usable row in the status,
keys that are never NULL, a branch-free bucket formula, reading the model column without a cast;
four scans joined by ``UNION ALL`` cost more (0.64 s).

Those rows are the ``hourly`` table of :mod:`payback.measure.usage.sql`, so the months, the
growth, the peak and the percentiles come from the same code as for files. Rows are requests
(one row, one request); duplicates by request id are not looked for (the known tables keep
one row per request: the id is their key), and the examples of unreadable rows are not
fetched (only their count and why).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from payback.errors import PaybackError
from payback.measure.usage import formats
from payback.measure.usage.buckets import BUCKET_DIGITS, bucket_width
from payback.measure.usage.buckets import bucket_sql as _bucket
from payback.measure.usage.clock import clock as clock_of
from payback.measure.usage.dialects import DIALECTS, render
from payback.measure.usage.formats import COMMA, FIELDS, GENERIC, NOT_FINITE
from payback.measure.usage.sqltypes import check_counts, kind_of, whole
from payback.measure.usage.statuses import FILTERED, OTHER_MODEL, USED, WHY, _status

__all__ = [
    "BUCKET_DIGITS",
    "DIALECTS",
    "FILTERED",
    "KNOWN",
    "OTHER_MODEL",
    "USED",
    "WHY",
    "Table",
    "TableSpec",
    "bucket_width",
    "profile_query",
    "render",
    "resolve_fields",
]

MAX_TOKENS = 1e8
"""More tokens than this in one request is a broken row (as for files)."""


@dataclass(frozen=True)
class TableSpec:
    """Where a known table keeps each field.

    A candidate is a column name, ``col[key]`` (a key of a map or JSON column; nested keys
    as ``col[a][b]``) or ``a+b`` (the sum of the candidates present, absent ones 0). The
    first candidate whose columns are all in the table wins. ``keep`` lists conditions in
    DuckDB SQL with ``{candidate}`` placeholders, each applied when its candidates are
    there: the rows that are LLM calls which succeeded."""

    name: str
    tables: tuple[str, ...]
    fields: dict[str, list[str]]
    keep: tuple[str, ...] = ()


OTEL_ATTRIBUTES = ("SpanAttributes", "attributes", "span_attributes")
"""Where a table of OpenTelemetry spans keeps span attributes (the ClickHouse exporter's
``otel_traces`` names the map ``SpanAttributes``)."""


def _otel(key: str) -> list[str]:
    return [f"{c}[{k}]" for k in key.split("|") for c in OTEL_ATTRIBUTES]


KNOWN: dict[str, TableSpec] = {
    "litellm": TableSpec(
        "litellm",
        ("LiteLLM_SpendLogs",),
        {
            "ts": ["startTime"],
            "input": ["prompt_tokens"],
            "output": ["completion_tokens"],
            "cached": [
                "metadata[usage_object][prompt_tokens_details][cached_tokens]",
                "metadata[usage_object][cache_read_input_tokens]",
            ],
            "model": ["model", "model_group"],
        },
        keep=(
            "{call_type} IS NULL OR {call_type} IN ('completion', 'acompletion', "
            "'text_completion', 'atext_completion', 'anthropic_messages', 'aresponses', "
            "'responses')",
            "coalesce({status}, 'success') <> 'failure'",
        ),
    ),
    "langfuse": TableSpec(
        "langfuse",
        ("observations",),
        {
            # v3 (ClickHouse): usage_details is a map; cache reads and writes count as
            # input, as Langfuse's own totals do (and as the file path reads them)
            "ts": ["start_time"],
            "input": [
                "usage_details[input]+usage_details[input_cached_tokens]"
                "+usage_details[cache_read_input_tokens]+usage_details[input_cache_read]"
                "+usage_details[cache_creation_input_tokens]+usage_details[input_cache_creation]",
                "prompt_tokens",
            ],
            "output": [
                "usage_details[output]+usage_details[output_reasoning_tokens]",
                "completion_tokens",
            ],
            "cached": [
                "usage_details[input_cached_tokens]+usage_details[cache_read_input_tokens]"
                "+usage_details[input_cache_read]",
            ],
            "model": ["provided_model_name", "model"],
        },
        keep=(
            "coalesce({type}, 'GENERATION') = 'GENERATION'",
            "coalesce({level}, 'DEFAULT') <> 'ERROR'",
            "coalesce({is_deleted}, 0) = 0",
        ),
    ),
    "helicone": TableSpec(
        "helicone",
        ("request_response_rmt",),
        {
            "ts": ["request_created_at"],
            "input": ["prompt_tokens"],
            "output": ["completion_tokens"],
            "cached": ["prompt_cache_read_tokens"],
            "model": ["model"],
        },
        keep=("coalesce({status}, 200) = 200",),
    ),
    "otel": TableSpec(
        "otel",
        ("otel_traces", "spans"),
        {
            "ts": ["Timestamp", "start_time", "timestamp"],
            "input": _otel("gen_ai.usage.input_tokens|gen_ai.usage.prompt_tokens"),
            "output": _otel("gen_ai.usage.output_tokens|gen_ai.usage.completion_tokens"),
            "cached": _otel(
                "gen_ai.usage.cache_read.input_tokens|gen_ai.usage.cache_read_input_tokens"
            ),
            "model": _otel("gen_ai.response.model|gen_ai.request.model"),
        },
        # a span is an LLM call when it carries token counts, and failed with an error status
        keep=(
            "{input} IS NOT NULL",
            "coalesce(upper(CAST({StatusCode} AS VARCHAR)), '') NOT IN ('ERROR', 'STATUS_CODE_ERROR')",
            "coalesce(upper(CAST({status_code} AS VARCHAR)), '') NOT IN ('ERROR', 'STATUS_CODE_ERROR')",
        ),
    ),
}
"""Tables found by name: LiteLLM's spend logs (PostgreSQL), Langfuse's observations (v2 on
PostgreSQL, v3 on ClickHouse), Helicone's request table (ClickHouse) and OpenTelemetry GenAI
spans (the ClickHouse exporter's ``otel_traces``, or a ``spans`` table in any engine)."""


@dataclass(frozen=True)
class Table:
    """A table of the engine: its schema (or ``None``), name and columns (name → type);
    ``default``: its schema is one the engine searches by default (not shown then)."""

    schema: str | None
    name: str
    columns: dict[str, str] = field(default_factory=dict)
    default: bool = False
    final: bool = False
    """Read with FINAL on ClickHouse: a (Replacing or Collapsing) MergeTree, or a
    Distributed table over one, whose rows are replaced when parts merge, so that a row
    written twice counts once."""
    zones: bool = True
    """ClickHouse parses a zone's name in each row (24.10 and later; see timetext.py)."""
    catalog: str | None = None
    """A warehouse's database or project above the schema (``project.dataset.table``),
    for a table named without an engine to ask."""
    partition: bool = False
    """A partition of a PostgreSQL partitioned table: read when named, but neither listed
    nor picked (its parent holds its rows)."""

    @property
    def shown(self) -> str:
        return self.qualified if self.schema and not self.default else self.name

    @property
    def qualified(self) -> str:
        return ".".join(p for p in (self.catalog, self.schema, self.name) if p)

    @property
    def quoted(self) -> str:
        """The name as SQL reads it: each part quoted as an identifier."""
        return ".".join(_quote(p) for p in (self.catalog, self.schema, self.name) if p)


def _lower(columns: dict[str, str]) -> dict[str, str]:
    """Lower-cased name → the column's name; of columns whose names differ only in case the
    first (in the table's order), as a CSV header's first is read (the last was read here)."""
    lower: dict[str, str] = {}
    for c in columns:
        lower.setdefault(c.lower(), c)
    return lower


# -- the fields ----------------------------------------------------------------------

_KEYED = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]+\])+)$")


def _columns_of(candidate: str) -> list[tuple[str, list[str]]]:
    """A candidate's terms: (column, keys) each."""
    terms = []
    for term in candidate.split("+"):
        match = _KEYED.match(term)
        if match:
            terms.append((match.group(1), re.findall(r"\[([^\[\]]+)\]", match.group(2))))
        else:
            terms.append((term, []))
    return terms


Terms = list[tuple[str, list[str]]]
"""A field's sum of terms: (column with its real name, keys into it) each."""


def resolve_fields(
    table: Table, spec_name: str, explicit: dict[str, str]
) -> dict[str, list[Terms]]:
    """Each field's alternatives (the first that is not NULL wins), from ``--columns``
    first, then the spec's candidates (generic: the common spellings, case-insensitive): the
    first candidate present, or, when it reads keys of a map or JSON column (span
    attributes), every such candidate present. One line when a named column is not in the
    table, or when ``ts``, ``input`` or ``output`` is missing."""
    lower = _lower(table.columns)
    fields: dict[str, list[Terms]] = {}
    candidates = KNOWN[spec_name].fields if spec_name in KNOWN else GENERIC
    for name in FIELDS:
        if name in ("requests", "seconds", "id"):
            if name in explicit and name != "id":
                raise PaybackError.bad(
                    "columns",
                    f"{name}={explicit[name]}",
                    "not read from a table: each row of a table is one request",
                )
            continue
        if name in explicit:
            # a name as the table spells it is that column (of two differing only in case)
            terms = [
                (c if c in table.columns else lower.get(c.lower(), c), keys)
                for c, keys in _columns_of(explicit[name])
            ]
            for column, keys in terms:
                if column not in table.columns:
                    raise PaybackError.bad(
                        "columns",
                        f"{name}={explicit[name]}",
                        f"{column!r} is not a column of {table.shown} (columns: "
                        f"{_names(table.columns, name)})",
                    )
                kind = kind_of(table.columns[column])
                if keys and kind not in ("map", "json", "text"):
                    raise PaybackError.bad(
                        "columns",
                        f"{name}={explicit[name]}",
                        f"{column!r} is {table.columns[column]}, "
                        "not a map or JSON column to read keys ([...]) from",
                    )
            fields[name] = [terms]
            continue
        found: list[Terms] = []
        for candidate in candidates.get(name, []):
            terms = _columns_of(candidate)
            present = [(lower[c.lower()], k) for c, k in terms if c.lower() in lower]
            if not present or (len(terms) == 1 and len(present) != len(terms)):
                continue
            keyed = all(k for _, k in present)
            if not found:
                found.append(present)
                if not keyed:
                    break
            elif keyed:
                found.append(present)
        if found:
            fields[name] = found
    for name in formats.BARE_NAMES if candidates is GENERIC else ():  # a column of numbers only
        real = formats.bare_column(name, lower, lambda c: kind_of(table.columns[c]) == "number")
        fields.setdefault(name, [[(real, [])]] if real else [])
    missing = [n for n in ("ts", "input", "output") if not fields.get(n)]
    if missing:
        text = formats.no_column_text(
            missing, _names(table.columns), candidates, candidates is GENERIC
        )
        raise PaybackError(
            f"{table.shown}: {text}; name the columns with columns "
            "ts=...,input=...,output=...[,cached=...,model=...]"
        )
    check_counts(table.shown, table.columns, fields)
    return {name: found for name, found in fields.items() if found}


_FITS = {"ts": ("timestamp",), "input": ("number",), "output": ("number",), "cached": ("number",)}


def _names(columns: dict[str, str], field: str | None = None, limit: int = 300) -> str:
    """The column names, those whose type fits ``field`` first (times for ``ts``, numbers
    for tokens), each part sorted, as many whole names as fit in ``limit`` characters, then
    how many more."""
    fits = _FITS.get(field or "", ())
    names = sorted(columns, key=lambda c: (kind_of(columns[c]) not in fits, c.lower()))
    shown: list[str] = []
    for n in names:
        if shown and len(", ".join([*shown, n])) > limit:
            break
        shown.append(n)
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more:,} more" if more else "")


# -- the query ------------------------------------------------------------------------


def _quote(name: str) -> str:
    """A quoted identifier (DuckDB SQL, parsed again by SQLGlot): never pasted as it is."""
    from sqlglot import exp

    return exp.to_identifier(name, quoted=True).sql("duckdb")


def _literal(text: str) -> str:
    from sqlglot import exp

    return exp.Literal.string(text).sql("duckdb")


def _term(table: Table, column: str, keys: list[str]) -> tuple[str, str]:
    """SQL of one term and its kind: a column, or a key of a map or JSON column."""
    quoted = _quote(column)
    if not keys:
        return quoted, kind_of(table.columns.get(column, "text"))
    if kind_of(table.columns.get(column, "map")) == "map":
        sql = quoted
        for key in keys:
            sql = f"{sql}[{_literal(key)}]"
        return sql, "text"
    return f"PAYBACK_JSON_TEXT({quoted}, {', '.join(_literal(k) for k in keys)})", "text"


def _number(sql: str, kind: str) -> str:
    return f"CAST({sql} AS DOUBLE)" if kind == "number" else f"PAYBACK_NUMBER({sql})"


def _field_sql(table: Table, alternatives: list[Terms], name: str) -> tuple[str, str]:
    """SQL of a field and its kind: the first of its alternatives that is not NULL (an empty
    string read from a map, where a missing key gives one, is NULL)."""
    found = [_alternative(table, terms, name) for terms in alternatives]
    if len(found) == 1:
        return found[0]
    return "COALESCE(" + ", ".join(sql for sql, _ in found) + ")", found[0][1]


def _alternative(table: Table, terms: Terms, name: str) -> tuple[str, str]:
    parts = [_term(table, c, k) for c, k in terms]
    if name in ("input", "output", "cached"):
        values = [_number(sql, kind) for sql, kind in parts]
        if len(values) == 1:
            return values[0], "number"
        none = " AND ".join(f"{v} IS NULL" for v in values)
        total = " + ".join(f"coalesce({v}, 0)" for v in values)
        return f"CASE WHEN {none} THEN NULL ELSE {total} END", "number"
    sql, kind = parts[0]
    if terms[0][1]:
        return f"nullif(CAST({sql} AS VARCHAR), '')", "text"
    return sql, kind


def _commas(table: Table, fields: dict[str, list[Terms]]) -> dict[str, str]:
    """For each token field read from a text column, the SQL that says its text holds a
    comma (with no number read: :data:`~payback.measure.usage.formats.COMMA`). Keys of a map or JSON
    column are left out: checking them would read the JSON again, a row."""
    found: dict[str, str] = {}
    for name in ("input", "output", "cached"):
        texts = [
            f"CAST({_quote(c)} AS VARCHAR) LIKE '%,%'"
            for terms in fields.get(name, [])
            for c, keys in terms
            if not keys and kind_of(table.columns.get(c, "")) == "text"
        ]
        if texts:
            found[name] = " OR ".join(texts)
    return found


def _finite_status(table: Table, fields: dict[str, list[Terms]]) -> str:
    """The check for token counts that are NaN or infinite, unless every token field is a
    column of whole numbers (it costs PostgreSQL 3 % of the query). NaN and an infinity
    times 0 are NaN, which is not 0 on every engine: a NaN compared with a number is false
    on ClickHouse (IEEE 754) and greater than every number on PostgreSQL and DuckDB, so
    only "not equal" is true on all three."""
    types = [
        table.columns.get(c, "") if not keys else "text"
        for name in ("input", "output", "cached")
        for terms in fields.get(name, [])
        for c, keys in terms
    ]
    if all(whole(t) for t in types):
        return ""
    return (
        f"WHEN input * 0 + output * 0 + cached * 0 <> 0 THEN {_status(NOT_FINITE)}\n"
        "                           "
    )


def profile_query(
    table: Table,
    spec_name: str,
    explicit: dict[str, str],
    *,
    model: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    dialect: str = "duckdb",
    blocks: tuple[int, int | None] | None = None,
) -> str:
    """The one query over ``table`` (see the module docstring), in ``dialect``; with
    ``blocks`` (PostgreSQL only), over the rows stored in heap blocks ``[first, end)`` (no
    end: to the last), a part the engine reads on a connection of its own
    (:data:`payback.measure.usage.engines.PARTS_DOC`)."""
    fields = resolve_fields(table, spec_name, explicit)
    exprs = {name: _field_sql(table, terms, name) for name, terms in fields.items()}
    ts_sql, ts_kind = exprs["ts"]
    cached = exprs.get("cached", ("0.0", "number"))[0]
    model_sql = f"CAST({exprs['model'][0]} AS VARCHAR)" if "model" in exprs else "NULL"
    keep = _keep(table, spec_name, exprs)
    commas = _commas(table, fields)
    comma_columns = "".join(
        f",\n                         CASE WHEN {c} THEN 1 ELSE 0 END AS {n}_comma"
        for n, c in commas.items()
    )
    comma_status = (
        "WHEN "
        + " OR ".join(f"({n} IS NULL AND {n}_comma = 1)" for n in commas)
        + f" THEN {_status(COMMA)}\n                           "
        if commas
        else ""
    )
    source = table.quoted
    if blocks is not None:
        if dialect != "postgres":
            raise ValueError(f"blocks of a heap are PostgreSQL's, not {dialect}'s")
        first_block, end_block = blocks
        source += f" WHERE ctid >= CAST('({int(first_block)},0)' AS TID)"
        if end_block is not None:
            source += f" AND ctid < CAST('({int(end_block)},0)' AS TID)"
    dates = [table.columns.get(c, "").lower() == "date" for terms in fields["ts"] for c, _ in terms]
    others = (OTHER_MODEL,) if model else ()
    clock = clock_of(ts_sql, ts_kind, dialect, USED, date=all(dates), others=others)
    inside = ["TRUE"]
    if since:
        inside.append(f"t >= {clock.at(since)}")
    if until:
        inside.append(f"t < {clock.at(until + dt.timedelta(days=1))}")
    # the rows of other models inside the dates: the logs' coverage, not the model's counts
    other = f"WHEN {' AND '.join(inside)} THEN {OTHER_MODEL} " if model else ""
    if model:
        inside.append(f"model = {_literal(model)}")
    text = f"""SELECT g, hour, status, tin, tout, tmodel, n, input, output, cached, first_us, last_us
FROM (SELECT GROUPING(hs, tin, tout, tmodel) AS g, grouped, {clock.hour("hs")} AS hour,
             {clock.status("hs")} AS status, tin, tout, tmodel,
             CAST(sum(n) AS BIGINT) AS n, sum(input) AS input, sum(output) AS output, sum(cached) AS cached,
             {clock.us("min(first_t)")} AS first_us, {clock.us("max(last_t)")} AS last_us
FROM (SELECT grouped, hs, {_bucket("tin")} AS tin, {_bucket("tout")} AS tout, tmodel,
             n, input, output, cached, first_t, last_t
FROM (SELECT GROUPING(hs, tin, tout) AS grouped, hs, tin, tout, tmodel,
       count(*) AS n, sum(input) AS input, sum(output) AS output, sum(cached) AS cached,
       min(t) AS first_t, max(t) AS last_t
FROM (SELECT t, {clock.key} AS hs, input, output, cached,
             CASE WHEN status = {USED} THEN input END AS tin,
             CASE WHEN status = {USED} THEN output END AS tout,
             CASE WHEN status = {USED} THEN model END AS tmodel
      FROM (SELECT *, CASE WHEN keep = 0 THEN 0
                           WHEN t IS NULL THEN 1
                           WHEN t < {clock.at(dt.date(1970, 1, 1))} OR t >= {clock.at(dt.date(2200, 1, 1))} THEN 2
                           {comma_status}WHEN input IS NULL OR output IS NULL OR cached IS NULL THEN {_status(WHY[3])}
                           {_finite_status(table, fields)}WHEN input < 0 OR output < 0 OR cached < 0 THEN {_status(WHY[5])}
                           WHEN cached > input THEN {_status(WHY[6])}
                           WHEN input > {MAX_TOKENS:.0f} OR output > {MAX_TOKENS:.0f} THEN {_status(WHY[7])}
                           WHEN {" AND ".join(inside)} THEN {USED} {other}ELSE {FILTERED} END AS status
            FROM (SELECT {clock.row} AS t,
                         {exprs["input"][0]} AS input,
                         {exprs["output"][0]} AS output,
                         coalesce({cached}, 0.0) AS cached,
                         coalesce(nullif({model_sql}, ''), '(none)') AS model,
                         CASE WHEN {keep} THEN 1 ELSE 0 END AS keep{comma_columns}
                  FROM {source}) AS normalized) AS checked) AS split
GROUP BY GROUPING SETS ((hs, tmodel), (tin), (tout))) AS sets) AS bucketed
GROUP BY GROUPING SETS ((grouped, hs), (grouped, tin), (grouped, tout), (grouped, tmodel))) AS added
WHERE grouped = CASE g WHEN 11 THEN 5 WHEN 13 THEN 6 ELSE 3 END"""
    return render(text, dialect, final=table.final, zones=table.zones)


def _keep(table: Table, spec_name: str, exprs: dict[str, tuple[str, str]]) -> str:
    """The spec's conditions whose columns are there (``{input}`` etc.: a field)."""
    if spec_name not in KNOWN:
        return "TRUE"
    lower = _lower(table.columns)
    conditions = []
    for condition in KNOWN[spec_name].keep:
        names = re.findall(r"\{([^}]+)\}", condition)
        if all(n in exprs or n.lower() in lower for n in names):
            conditions.append(
                re.sub(
                    r"\{([^}]+)\}",
                    lambda m: (
                        exprs[m.group(1)][0]
                        if m.group(1) in exprs
                        else _quote(lower[m.group(1).lower()])
                    ),
                    condition,
                )
            )
    return " AND ".join(f"coalesce(({c}), TRUE)" for c in conditions) or "TRUE"
