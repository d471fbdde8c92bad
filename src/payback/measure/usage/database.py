"""The profile's aggregates fetched from an engine, as the ``hourly`` table the file path
builds (:mod:`payback.measure.usage.sql`), in a local DuckDB connection: from there the
months, growth, peak, percentiles and models are the same code for files and databases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from payback.measure.usage import sql
from payback.measure.usage.engines import Engine
from payback.measure.usage.tables import Table, profile_query

__all__ = ["FETCHED", "MODELS", "Fetched", "fetch"]

FETCHED = (
    "g",
    "hour",
    "status",
    "why",
    "qin",
    "qout",
    "qmodel",
    "n",
    "input",
    "output",
    "cached",
    "first_us",
    "last_us",
    "off_days",
    "off_hours",
)
"""The columns :func:`payback.measure.usage.tables.profile_query` returns, in order: ``g``
says the grouping set (``GROUPING(hour, qin, qout, qmodel)``: 7 by hour, 11 by input
tokens, 13 by output tokens, 14 by model); ``status`` 0 for rows that are not LLM calls
that succeeded, 1 for those that cannot be used (``why``), 2 for those outside the filters,
3 for those used."""

_TYPES = {
    "why": "VARCHAR",
    "qmodel": "VARCHAR",
    "qin": "DOUBLE",
    "qout": "DOUBLE",
    "input": "DOUBLE",
    "output": "DOUBLE",
    "cached": "DOUBLE",
}

HOURLY = """CREATE TEMP TABLE hourly AS
SELECT CASE g WHEN 7 THEN 3 WHEN 11 THEN 2 WHEN 13 THEN 1 WHEN 14 THEN 4 END AS part,
       0 AS src, CASE WHEN g = 7 THEN hour END AS hour, NULL::VARCHAR AS model,
       status >= 1 AS keep, status >= 2 AS good, status = 3 AS inside, FALSE AS dup,
       CASE WHEN g = 7 THEN why END AS why,
       CASE WHEN g = 11 THEN qin END AS qin, CASE WHEN g = 13 THEN qout END AS qout,
       CASE WHEN g = 14 THEN qmodel END AS qmodel,
       n, n::DOUBLE AS requests, input, output, cached,
       make_timestamptz(first_us) AS first, make_timestamptz(last_us) AS last,
       make_timestamptz(last_us) AS last_instant, NULL::TIMESTAMPTZ AS last_end,
       NULL::DOUBLE AS seconds, TRUE AS per_request,
       off_days = 0 AS on_days, off_hours = 0 AS on_hours, NULL::VARCHAR[] AS bad
FROM fetched"""
"""The fetched rows as the file path's ``hourly`` (part 4: by model, over the rows used)."""

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


def _column(name: str, values: list[Any]) -> list[Any]:
    if name in ("why", "qmodel"):
        return [None if v is None else str(v) for v in values]
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
    """Run the profile's query on the engine; load its rows as ``hourly`` here."""
    query = profile_query(
        table, spec_name, explicit, model=model, since=since, until=until, dialect=engine.dialect
    )
    rows = engine.rows(query)
    con = sql.connect()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in FETCHED]
    params = [_column(name, list(values)) for name, values in zip(FETCHED, columns, strict=True)]
    selects = ", ".join(
        f"unnest(${i + 1}::{_TYPES.get(name, 'BIGINT')}[]) AS {name}"
        for i, name in enumerate(FETCHED)
    )
    con.execute(f"CREATE TEMP TABLE fetched AS SELECT {selects}", params)
    con.execute(HOURLY)
    (models,) = sql.one(con, MODEL_COUNT)
    size = sum(len(repr(r)) for r in rows)
    return Fetched(con, len(rows), size, int(models))
