"""The profile's aggregates fetched from an engine, as the ``hourly`` table the file path
builds (:mod:`payback.measure.usage.sql`), in a local DuckDB connection: from there the
months, growth, peak, percentiles and models are the same code for files and databases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from payback.measure.usage import sql
from payback.measure.usage.engines import Engine
from payback.measure.usage.tables import (
    FILTERED,
    OTHER_MODEL,
    USED,
    WHY,
    Table,
    bucket_width,
    profile_query,
)

__all__ = ["FETCHED", "MODELS", "Fetched", "fetch"]

FETCHED = (
    "g",
    "hour",
    "status",
    "tin",
    "tout",
    "tmodel",
    "n",
    "input",
    "output",
    "cached",
    "first_us",
    "last_us",
)
"""The columns :func:`payback.measure.usage.tables.profile_query` returns, in order: ``g``
says the grouping set (``GROUPING(hour, tin, tout, tmodel)``: 7 by hour, 11 by input
tokens, 13 by output tokens, 14 by model, the last three over the rows used); ``status``
0 for rows that are not LLM calls that succeeded, 1 to ``len(WHY)`` for those that cannot
be used (why: :data:`payback.measure.usage.tables.WHY`), ``FILTERED`` for those outside the
filters, ``USED`` for those used, ``OTHER_MODEL`` for those of another model than the one
asked (inside the dates: the logs' coverage); ``tin`` and ``tout`` are token buckets
(:func:`payback.measure.usage.tables.bucket_width`), read here as their midpoints."""

_TYPES = {
    "tmodel": "VARCHAR",
    "tin": "DOUBLE",
    "tout": "DOUBLE",
    "input": "DOUBLE",
    "output": "DOUBLE",
    "cached": "DOUBLE",
}

HOURLY = f"""CREATE TEMP TABLE hourly AS
SELECT CASE g WHEN 7 THEN 3 WHEN 11 THEN 2 WHEN 13 THEN 1 WHEN 14 THEN 4 END AS part,
       0 AS src, NULL::VARCHAR AS file, CASE WHEN g = 7 THEN hour END AS hour, NULL::VARCHAR AS model,
       status >= 1 AS keep, status >= {FILTERED} AS good, status = {USED} AS inside,
       status IN ({USED}, {OTHER_MODEL}) AS dated_in, FALSE AS dup,
       CASE WHEN g = 7 THEN why END AS why,
       CASE WHEN g = 11 THEN tin END AS qin, CASE WHEN g = 13 THEN tout END AS qout,
       CASE WHEN g = 14 THEN tmodel END AS qmodel,
       n, n::DOUBLE AS requests, input, output, cached,
       make_timestamptz(first_us) AS first, make_timestamptz(last_us) AS last,
       make_timestamptz(last_us) AS last_instant, NULL::TIMESTAMPTZ AS last_end,
       NULL::DOUBLE AS seconds, TRUE AS per_request,
       last_us = hour * 3600000000 AS on_hours,
       last_us = hour * 3600000000 AND hour % 24 = 0 AS on_days,
       last_us = hour * 3600000000 AND hour % 24 = 0 AS dated, FALSE AS ids,
       NULL::VARCHAR[] AS bad
FROM fetched LEFT JOIN reasons USING (status)"""
"""The fetched rows as the file path's ``hourly`` (part 4: by model, over the rows used).
Every time of an hour's rows is on the hour when the latest is (none is before it), and at
midnight when that hour is midnight. A table's column type is not fetched, so a time at
midnight is taken as written as a day (``dated``): a DATE column reads as days on any
number of them, as a file's does."""

MODELS = f"""SELECT qmodel, sum(n), sum(input), sum(output), sum(cached)
FROM hourly WHERE part = 4 AND qmodel IS NOT NULL
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {sql.MODELS_SHOWN}"""

MODEL_COUNT = "SELECT count(DISTINCT qmodel) FROM hourly WHERE part = 4 AND qmodel IS NOT NULL"


@dataclass(frozen=True)
class Fetched:
    """A local DuckDB connection holding ``hourly``, and what came back from the engine."""

    con: Any
    rows: int
    """Rows the engine returned."""
    bytes: int
    """Their size as text, roughly (what crossed the wire, give or take the encoding)."""
    models: int
    parts: int
    """The parts the engine read the table in (each on a connection of its own)."""


def _midpoint(low: float) -> float:
    """A token bucket's midpoint: the middle of the whole numbers in it."""
    return low + (bucket_width(low) - 1.0) / 2.0


def _column(name: str, values: list[Any]) -> list[Any]:
    if name == "tmodel":
        return [None if v is None else str(v) for v in values]
    if name in ("tin", "tout"):
        return [None if v is None else _midpoint(float(v)) for v in values]
    if name in _TYPES:
        return [None if v is None else float(v) for v in values]
    return [None if v is None else int(v) for v in values]


def fetch(
    engine: Engine,
    table: Table,
    spec_name: str,
    explicit: dict[str, str],
    *,
    model: str | None,
    since: dt.date | None,
    until: dt.date | None,
) -> Fetched:
    """Run the profile's query on the engine, in the parts it reads the table in (one but
    for large PostgreSQL tables: :data:`payback.measure.usage.engines.PARTS_DOC`); load
    their rows, the parts' aggregates added, as ``hourly`` here."""
    parts = engine.parts(table)
    queries = [
        profile_query(
            table,
            spec_name,
            explicit,
            model=model,
            since=since,
            until=until,
            dialect=engine.dialect,
            blocks=part,
        )
        for part in parts
    ]
    rows = engine.rows_of(queries)
    con = sql.connect()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in FETCHED]
    params = [_column(name, list(values)) for name, values in zip(FETCHED, columns, strict=True)]
    selects = ", ".join(
        f"unnest(${i + 1}::{_TYPES.get(name, 'BIGINT')}[]) AS {name}"
        for i, name in enumerate(FETCHED)
    )
    con.execute(f"CREATE TEMP TABLE parts AS SELECT {selects}", params)
    con.execute(
        "CREATE TEMP TABLE fetched AS SELECT g, hour, status, tin, tout, tmodel, "
        "sum(n)::BIGINT AS n, sum(input) AS input, sum(output) AS output, "
        "sum(cached) AS cached, min(first_us) AS first_us, max(last_us) AS last_us "
        "FROM parts GROUP BY ALL"
    )
    con.execute(
        "CREATE TEMP TABLE reasons AS SELECT unnest(range(1, $1 + 1)) AS status, "
        "unnest($2::VARCHAR[]) AS why",
        [len(WHY), list(WHY)],
    )
    con.execute(HOURLY)
    (models,) = sql.one(con, MODEL_COUNT)
    size = sum(len(repr(r)) for r in rows)
    return Fetched(con, len(rows), size, int(models), len(parts))
