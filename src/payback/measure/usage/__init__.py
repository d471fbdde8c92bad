"""The traffic profile from real request logs, computed by DuckDB where the logs are.

Reads CSV, JSON, JSONL and Parquet (gzip and globs too; larger-than-memory files spill to
disk) in a generic layout or as exported by the OpenAI usage API, LiteLLM, Langfuse and
Helicone (detected file by file), and returns the scenario's ``[traffic]`` numbers with
their definitions:

- ``requests_per_month``: requests per day in the last complete calendar month (UTC) ×
  30.4375 days (365.25 / 12), so that February is not read as a dip;
- ``growth_monthly``: compound monthly rate of a log-linear least-squares fit of requests
  per day over the complete months;
- ``input_tokens`` / ``output_tokens``: mean per request (p50/p90/p99 reported too);
- ``cached_input_share``: cached input tokens / input tokens;
- ``peak_to_average``: the busiest clock hour's requests in the last complete month / that
  month's mean requests per hour: the month ``requests_per_month`` is taken from, so that
  the fleet a scenario sizes for month 1 is that month's busiest hour (over the covered
  hours when no month is complete); an earlier month whose ratio stood higher is noted.
  Not measured when the logs count requests in buckets longer than an hour (or carry
  dates without times).

A calendar month is complete when the logs cover it from its first hour to its last: the
first request within an hour, one bucket or 5 mean gaps between the month's requests of its
start (whichever is longest) and the data reaching as near its end, where a neighbouring
month with requests covers the edge they share when the gap across it is no longer than
that or than the longest gap inside either month (:mod:`~payback.measure.usage.coverage`:
why 5). The months are the logs', before ``--model``: a model's requests are counted in them,
a complete month without one a zero for it. Months without any request inside the span (a stray
timestamp, a gap) are left out and named in a warning. Rows that cannot be read are counted and
shown, never dropped silently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from payback.errors import PaybackError
from payback.measure.usage import sql
from payback.measure.usage.engines import is_database
from payback.measure.usage.files import expand, find_sources, stem
from payback.measure.usage.finding import case_twins
from payback.measure.usage.formats import FORMATS, check_options, parse_columns, said_filters
from payback.measure.usage.lineends import one_line_end
from payback.measure.usage.names import clean_names
from payback.measure.usage.normalize import check_named_keys, finds_cached, pipeline
from payback.measure.usage.otel import check_otel_spans
from payback.measure.usage.overlap import overlap_warning, overlaps
from payback.measure.usage.partial import counted_by, nameless_files, table_checked, uncached
from payback.measure.usage.profile import (
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    Monthly,
    UsageProfile,
    by_model,
    by_month,
    cached_measured,
    monthly,
    span,
)
from payback.measure.usage.quotes import check_quotes
from payback.measure.usage.rollups import ROLLUP, find, rollup_sql
from payback.measure.usage.rowcheck import check_rows, row_counts
from payback.measure.usage.unixtime import check_span, future_warning

__all__ = [
    "DAYS_PER_MONTH",
    "FORMATS",
    "HOURS_PER_MONTH",
    "UsageProfile",
    "database_sql",
    "is_database",
    "profile_database",
    "profile_usage",
    "usage_sql",
]


def profile_usage(
    paths: Sequence[str | Path] | str | Path,
    fmt: str = "auto",
    *,
    model: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    columns: str | None = None,
) -> UsageProfile:
    """Read request logs (``paths``: files and globs, or one) and return the traffic
    profile (see the module docstring)."""
    check_options(fmt, since, until)
    explicit = parse_columns(columns)
    given, notes, warnings = expand(paths)
    read = functools.partial(
        _profile_files, fmt=fmt, explicit=explicit, model=model, since=since, until=until
    )
    try:
        return read(given, notes, warnings)
    except PaybackError as failure:  # a CSV's lines ending in both CRLF and LF: again, mended
        with one_line_end(given, failure) as (files, restore, said):
            return restore(read(files, said + notes, warnings))


def _profile_files(
    given: list[str],
    notes: list[str],
    warnings: list[str],
    *,
    fmt: str,
    explicit: dict[str, str],
    model: str | None,
    since: dt.date | None,
    until: dt.date | None,
) -> UsageProfile:
    """:func:`profile_usage` of the files ``given`` (``notes`` and ``warnings`` on them)."""
    con = sql.connect()
    with clean_names(given) as (files, restore):  # (a name that is not UTF-8: a link)
        sources, skipped, repeated = find_sources(con, files, fmt)
        chosen = " + ".join(dict.fromkeys(s.fmt for s in sources))
        names = sql.shown_files([f for s in sources for f in s.files])
        check_otel_spans(con, sources)  # JSON records read as spans that are not spans
        check_named_keys(con, sources, explicit)  # a JSON key no record has: before the scan
        statements = pipeline(sources, explicit, model, since, until, files)
        sql.run(con, statements, f"{names}: cannot be read as {chosen} logs")
        check_quotes(con, sources)  # a quote left open: the lines after it would be lost
        if model is not None:  # a file naming no model: its months are not the model's zeros
            warnings = warnings + nameless_files(con, model)
        profile = _summarize(
            con,
            names=names,
            chosen=chosen,
            files=files,
            formats={f: s.fmt for s in sources for f in s.files},
            notes=notes + skipped,
            warnings=warnings + repeated,
            since=since,
            until=until,
            filters=said_filters(model, since, until),
            model=model,
        )
        profile = counted_by(con, profile, sources, explicit)  # after the rows are counted
        found = finds_cached(con, sources, explicit)  # in every file, some or none
        return restore(cached_measured(uncached(con, profile, found, files), found))


def _summarize(
    con: Any,
    *,
    names: str,
    chosen: str,
    files: list[str],
    formats: dict[str, str],
    notes: list[str],
    warnings: list[str],
    models_sql: str = sql.MODELS,
    models_count: int | None = None,
    table: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    filters: str = "",
    model: str | None = None,
) -> UsageProfile:
    """The profile from the ``hourly`` table (built from files, or fetched from an engine);
    ``filters``: those given, for the message when none of the rows is left; ``model``:
    the one asked, whose counts are read against the logs' coverage."""
    counts = sql.row_counts(con)
    totals = sql.totals(con)
    if models_count is not None:
        totals = dataclasses.replace(totals, models=models_count)
    # whether any row names a model: asked only where no row is left to profile
    named = table is not None or bool(totals.rows) or bool(sql.one(con, sql.MODEL_NAMED)[0])
    check_rows(counts, totals, names, chosen, filters, named)
    check_span(names, totals.first, totals.last)  # not day numbers read as seconds
    pairs = (
        overlaps(con.execute(sql.FILES).fetchall(), con.execute(sql.SOURCES).fetchall(), formats)
        if len(formats) > 1
        else []
    )
    # a file next to its compressed copy is warned of already (files.expand)
    pairs = [p for p in pairs if len({stem(f) for f in p["files"]}) == 2]
    said = overlap_warning(pairs)
    if said:
        warnings.append(said)
    # rows repeating a request id: told once, under Rows (rows.duplicates)
    months = monthly(
        con.execute(sql.MONTHS).fetchall(),
        con.execute(sql.ENDS).fetchall(),
        con.execute(sql.SOURCES).fetchall(),
        sql.cut(con, since, until),
        model,
        con.execute(sql.GAPS).fetchall(),
    )
    notes += months.notes
    warnings += months.warnings
    read_as = [
        sql.zero_tokens(totals.input, totals.output),
        sql.unreadable_warning(counts),
        future_warning(totals.last),
    ]
    warnings += [w for w in read_as if w]
    if not totals.per_request:
        notes.append("the logs count requests in buckets: token percentiles are unknown")
    percentiles: dict[str, dict[str, float] | None] = {"input_tokens": None, "output_tokens": None}
    if totals.per_request:
        percentiles = sql.token_percentiles(con)
    models = by_model(con.execute(models_sql).fetchall(), totals.requests)
    first, last = sql.one(con, sql.COVERED_SPAN)  # the logs', any model
    if totals.models > sql.MODELS_SHOWN:
        notes.append(
            f"by model: the {sql.MODELS_SHOWN} models with the most requests of {totals.models:,}"
        )
    return UsageProfile(
        traffic=_traffic(totals, months),
        token_percentiles=percentiles,
        by_month=by_month(months.months),
        by_model=models,
        rows=row_counts(counts, totals),
        span=span(first, last, months),
        format=chosen,
        files=files,
        formats=formats,
        models=int(totals.models),
        notes=notes,
        warnings=warnings,
        table=table,
        overlaps=pairs,
    )


def _traffic(totals: sql.Totals, months: Monthly) -> dict[str, float]:
    """The scenario's ``[traffic]`` numbers (``growth_monthly`` and ``peak_to_average`` only
    when measured)."""
    traffic = {
        "requests_per_month": float(months.requests_per_month),
        "growth_monthly": months.growth_monthly,
        "input_tokens": float(totals.input) / float(totals.requests),
        "output_tokens": float(totals.output) / float(totals.requests),
        "cached_input_share": float(totals.cached) / float(totals.input) if totals.input else 0.0,
        "peak_to_average": months.peak_to_average,
    }
    return {name: float(value) for name, value in traffic.items() if value is not None}


def usage_sql(
    fmt: str = "auto",
    paths: Sequence[str | Path] | None = None,
    *,
    model: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    columns: str | None = None,
) -> str:
    """The DuckDB SQL ``payback usage`` runs, in order: for the given files (their formats
    detected as ``profile_usage`` does), or without files for a table ``raw_logs(json JSON)``
    holding one log record per row in the given format."""
    check_options(fmt, since, until)
    explicit = parse_columns(columns)
    if paths:
        files, _, _ = expand(paths)
        with clean_names(files) as (read, restore):  # the links' names: back as given
            found = find_sources(sql.connect(), read, fmt)[0]
            sources = [restore(dataclasses.replace(s, sql=restore(s.sql, sql=True))) for s in found]
        shown = " + ".join(dict.fromkeys(s.fmt for s in sources))
        shown_files = sql.in_comment(sql.shown_files(files))
        where = f"-- The logs: {shown_files}, read with DuckDB's readers below."
    else:
        shown = "generic" if fmt == "auto" else fmt
        sources = [
            sql.Source(
                "(SELECT json, NULL::VARCHAR AS line, 'raw_logs' AS file FROM raw_logs)",
                True,
                ["raw_logs"],
                shown,
            )
        ]
        where = (
            "-- The logs: a table raw_logs(json JSON), one log record per row, e.g.\n"
            "--   CREATE TABLE raw_logs AS SELECT json FROM read_json_objects('logs/*.json');"
        )
        if fmt == "auto":
            where += (
                "\n-- (auto tells formats apart from the files; without them, generic is shown)"
            )
    statements = [
        *pipeline(sources, explicit, model, since, until),
        sql.COUNTS,
        sql.REASONS,
        sql.USED,
        sql.COVERED,
        sql.TOTALS,
        sql.COVERED_SPAN,
        sql.SOURCES,
        sql.MONTHS,
        sql.ENDS,
        sql.GAPS,
        sql.MODELS,
        sql.PERCENTILES,
    ]
    if any(not s.json or s.sql.startswith("(SELECT j AS json") for s in sources):
        statements.insert(4, sql.REJECTED)
    return (
        f"-- DuckDB SQL: the queries `payback usage` runs on {shown} logs, in order (DuckDB's\n"
        "-- JSON functions, TRY, GROUPING SETS and min(x, n): other engines need a translation).\n"
        f"{where}\n\n" + sql.script(statements) + "\n\n" + sql.AFTER + "\n"
    )


def profile_database(
    url: str,
    fmt: str = "auto",
    *,
    table: str | None = None,
    columns: str | None = None,
    model: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> UsageProfile:
    """The traffic profile of request logs in a database (PostgreSQL, ClickHouse, chdb or a
    DuckDB file; see :mod:`payback.measure.usage.engines`): ``table``, or the first known
    table found by name (:data:`payback.measure.usage.tables.KNOWN`). The engine runs one
    grouped scan (:func:`payback.measure.usage.tables.profile_query`) in a read-only
    transaction; only hourly aggregates come back, and the rest is the file path's code.
    ``fmt`` (``auto``: by the table's name) reads the table as a known one."""
    from payback.measure.usage.database import MODELS, fetch
    from payback.measure.usage.engines import connect
    from payback.measure.usage.tables import KNOWN

    _check_table_format(fmt, since, until)
    explicit = parse_columns(columns)
    engine = connect(url)
    try:
        found, spec, why = find(engine, table, fmt)
        if spec == ROLLUP:
            return _profile_rollup(engine, found, why, model=model, since=since, until=until)
        spec = spec if fmt == "auto" else fmt
        started = time.perf_counter()
        fetched = fetch(engine, found, spec, explicit, model=model, since=since, until=until)
        seconds = time.perf_counter() - started
    finally:
        engine.close()
    shown = f"{engine.shown}, table {found.shown}"
    picked = table is None and not any(
        found.name.lower() == t.lower() for s in KNOWN.values() for t in s.tables
    )
    notes = [
        f"read {found.shown}"
        + (" (no known table; the one that looks like logs)" if picked else "")
        + f" as {spec} logs on {engine.dialect}"
        + (
            f" in {fetched.parts} parts (ranges of blocks), one snapshot"
            if fetched.parts > 1
            else " in one read-only query"
        )
        + f" ({seconds:.1f} s): {fetched.rows:,} aggregate rows came back ("
        + (
            f"{fetched.bytes / 1024:,.0f} kB)"
            if fetched.bytes >= 1024
            else f"{fetched.bytes:,} bytes)"
        )
    ]
    profile = _summarize(
        fetched.con,
        table=shown,
        names=shown,
        chosen=spec,
        files=[shown],
        formats={shown: spec},
        notes=notes,
        warnings=case_twins(found, shown),
        models_sql=MODELS,
        models_count=fetched.models,
        since=since,
        until=until,
        filters=said_filters(model, since, until),
        model=model,
    )
    return table_checked(profile, found, spec, explicit)


def _profile_rollup(
    engine: Any,
    found: Any,
    why: tuple[str, str],
    *,
    model: str | None,
    since: dt.date | None,
    until: dt.date | None,
) -> UsageProfile:
    """The profile of LiteLLM's daily rollup ``found`` (:mod:`~payback.measure.usage.rollups`)."""
    from payback.measure.usage.rollups import fetch_rollup, has_cached, rollup_notes

    shown = f"{engine.shown}, table {found.shown}"
    started = time.perf_counter()
    fetched = fetch_rollup(engine, found, shown, model=model, since=since, until=until)
    seconds = time.perf_counter() - started
    notes = rollup_notes(found, fetched, why, engine.dialect, seconds)
    try:
        profile = _summarize(
            fetched.con,
            table=shown,
            names=shown,
            chosen=ROLLUP,
            files=[shown],
            formats={shown: ROLLUP},
            notes=notes,
            warnings=[],
            since=since,
            until=until,
            filters=said_filters(model, since, until),
            model=model,
        )
    finally:
        fetched.con.close()
    # the notes on buckets say again what the rollup's note says
    kept = [n for n in profile.notes if not n.startswith("the logs count requests in buckets")]
    return cached_measured(dataclasses.replace(profile, notes=kept), has_cached(found))


def database_sql(
    dialect: str | None = None,
    fmt: str = "auto",
    *,
    url: str | None = None,
    table: str | None = None,
    columns: str | None = None,
    model: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> str:
    """The one query ``payback usage`` runs on a table, in ``dialect``: for ``url``'s table
    (its columns read from the engine), or, without a URL, for ``table`` with the columns in
    ``columns`` (or a known table's, taken as typed: times as timestamps, tokens as numbers,
    attributes as maps). Passwords never appear (the URL is shown masked). ``dialect``
    defaults to the engine's (DuckDB without a URL)."""
    from payback.measure.usage.tables import FILTERED, KNOWN, OTHER_MODEL, USED, WHY, profile_query

    _check_table_format(fmt, since, until)
    explicit = parse_columns(columns)
    if dialect is not None:  # before connecting: postgresql or BigQuery read as named
        from payback.measure.usage.dialects import dialect_named

        dialect = dialect_named(dialect)
    if url is not None:
        from payback.measure.usage.engines import connect

        engine = connect(url)
        try:
            found, spec, _ = find(engine, table, fmt)
        finally:
            engine.close()
        where = sql.in_comment(f"{engine.shown}, table {found.shown}")
        dialect = dialect or engine.dialect
    else:
        found, spec = _assumed_table(table or "LiteLLM_SpendLogs", explicit)
        schema = "LiteLLM's schema" if spec == ROLLUP else f"the {spec} schema"
        where = sql.in_comment(f"table {found.shown}") + (
            f" ({schema})" if spec in KNOWN or spec == ROLLUP else " (columns as named)"
        )
    if spec == ROLLUP and fmt in ("auto", "litellm"):
        return rollup_sql(found, where, dialect or "duckdb")
    spec = spec if fmt == "auto" else fmt
    dialect = dialect or "duckdb"
    query = profile_query(
        found, spec, explicit, model=model, since=since, until=until, dialect=dialect
    )
    return (
        f"-- {dialect} SQL: the one query profile_database() runs on {where}.\n"
        "-- It scans the table once and returns hourly aggregates, the rows of each model\n"
        "-- and the count in each bucket of token counts (three digits: 1,000-1,009, ...);\n"
        "-- the months, growth, peak and percentiles (within 0.5 %) are\n"
        "-- then computed from those rows (usage_sql() gives that DuckDB SQL).\n"
        "-- status: 0 not an LLM call that succeeded; "
        + "; ".join(f"{i + 1} {why}" for i, why in enumerate(WHY))
        + f"; {FILTERED} outside the filters; {USED} used"
        + (f"; {OTHER_MODEL} another model, inside the dates" if model else "")
        + ".\n"
        + (
            "-- A table of many blocks is read in parts on PostgreSQL 14 and later: this query\n"
            "-- with WHERE ctid >= '(first,0)' AND ctid < '(end,0)' on each range of blocks,\n"
            "-- each on a connection of its own, in one snapshot; the parts' rows are added.\n"
            if dialect == "postgres"
            else ""
        )
        + f"{query};\n"
    )


TABLE_FORMATS = ("auto", "generic", "litellm", "langfuse", "helicone", "otel")
"""How a table may be read: as found by its name, or as one of these."""


def _check_table_format(fmt: str, since: dt.date | None, until: dt.date | None) -> None:
    if fmt not in TABLE_FORMATS:
        raise PaybackError.bad(
            "format", repr(fmt), f"for a table, one of {', '.join(TABLE_FORMATS)}"
        )
    check_options("auto", since, until)


def _assumed_table(name: str, explicit: dict[str, str]) -> tuple[Any, str]:
    """A table without an engine to ask: a known one with its spec's first candidates, or a
    generic one with the columns named (times as timestamps, tokens as floating-point
    numbers)."""
    from payback.measure.usage.rollups import ASSUMED, ROLLUPS
    from payback.measure.usage.tables import KNOWN, Table

    # catalog.schema.table (a warehouse's project and dataset), schema.table or table
    *above, bare = name.split(".")
    schema = above[-1] if above else None
    catalog = ".".join(above[:-1]) or None
    if bare.lower() in (r.lower() for r in ROLLUPS) and not explicit:
        return Table(schema, bare, dict(ASSUMED), catalog=catalog), ROLLUP
    for spec in KNOWN.values():
        if bare.lower() in (t.lower() for t in spec.tables) and not explicit:
            columns: dict[str, str] = {}
            for field_name, candidates in spec.fields.items():
                for term in candidates[0].split("+"):
                    column = term.split("[", 1)[0]
                    kind = _assumed_type(field_name, "[" in term)
                    if "[" in term and spec.name == "litellm":
                        kind = "JSONB"  # LiteLLM's metadata (PostgreSQL)
                    columns.setdefault(column, kind)
            for condition in spec.keep:
                for placeholder in _placeholders(condition):
                    if placeholder not in spec.fields:
                        columns.setdefault(placeholder, "VARCHAR")
            # Langfuse v3 and Helicone keep these in a ReplacingMergeTree: FINAL on ClickHouse
            final = spec.name in ("langfuse", "helicone")
            return Table(schema, bare, columns, final=final, catalog=catalog), spec.name
    if not explicit:
        raise PaybackError.bad(
            "table",
            repr(name),
            "a known table ("
            + ", ".join(t for s in KNOWN.values() for t in s.tables)
            + "), or name its columns with columns ts=...,input=...,output=...",
        )
    columns = {}
    for field_name, value in explicit.items():
        for term in value.split("+"):
            columns.setdefault(term.split("[", 1)[0], _assumed_type(field_name, "[" in term))
    return Table(schema, bare, columns, catalog=catalog), "generic"


def _assumed_type(field_name: str, keyed: bool) -> str:
    if keyed:
        return "MAP(VARCHAR, VARCHAR)"
    # tokens as numbers that may be NaN or infinite: the printed query checks for them
    return {"ts": "TIMESTAMP", "model": "VARCHAR"}.get(field_name, "DOUBLE")


def _placeholders(condition: str) -> list[str]:
    import re

    return re.findall(r"\{([^}]+)\}", condition)
