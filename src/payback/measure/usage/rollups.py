"""LiteLLM's daily rollups, read where its spend logs are empty or missing.

With ``disable_spend_logs`` LiteLLM writes no row per request, but it still adds every
request to daily rollups (``LiteLLM_DailyUserSpend``, and the same shape by team and by
organization): one row per day (``date``, ``YYYY-MM-DD``: text in older versions, a
``DATE`` in newer ones), key, model, provider, endpoint and MCP tool, holding
``api_requests``, ``successful_requests`` and ``failed_requests``, ``prompt_tokens``,
``completion_tokens``, ``cache_read_input_tokens`` and ``spend`` (BerriAI/litellm,
``schema.prisma``). The day is the one of the request's start time on the proxy's clock
(UTC where it runs in UTC, as containers do).

The engine sums them by day and model (a few rows a day come back), and they are read as
daily buckets of the successful requests: requests per month, growth, mean tokens, cached
share and the models are measured; token percentiles and the busiest hour are not in them
(``peak_to_average`` is not measured, so a scenario updated from the profile keeps its own). Rows of
MCP tool calls and of endpoints that are not text generation (embeddings, images, audio,
moderations, rerank, ...) are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from payback.errors import PaybackError
from payback.measure.usage import sql
from payback.measure.usage.files import FILE_COLUMN
from payback.measure.usage.normalize import filters_sql, pipeline
from payback.measure.usage.profile import KEPT
from payback.measure.usage.tables import Table, render

__all__ = [
    "ASSUMED",
    "ROLLUP",
    "ROLLUPS",
    "Rollup",
    "fetch_rollup",
    "find",
    "find_rollup",
    "has_cached",
    "is_rollup",
    "rollup_notes",
    "rollup_query",
    "rollup_sql",
]

ROLLUPS = ("LiteLLM_DailyUserSpend", "LiteLLM_DailyTeamSpend", "LiteLLM_DailyOrganizationSpend")
"""LiteLLM's daily rollups that count each request once, in the order they are looked for:
by user (every request of a key with a user), by team, by organization (only the requests
of keys in one). The end-user, agent and tag rollups count only some requests (a request
of several tags in each), so they are not read."""

NOT_GENERATION = (
    "embedding",
    "image",
    "audio",
    "speech",
    "transcription",
    "moderation",
    "rerank",
    "vector",
    "file",
    "search",
    "ocr",
)
"""Words in an ``endpoint`` that is not text generation: its rows are left out."""

COLUMNS = {
    "requests": ("successful_requests", "api_requests"),
    "input": ("prompt_tokens",),
    "output": ("completion_tokens",),
    "cached": ("cache_read_input_tokens",),
}
"""Each figure's column, the first present (an older rollup has no successful_requests)."""


ASSUMED = {
    "date": "VARCHAR",
    "model": "VARCHAR",
    "successful_requests": "BIGINT",
    "prompt_tokens": "BIGINT",
    "completion_tokens": "BIGINT",
    "cache_read_input_tokens": "BIGINT",
    "failed_requests": "BIGINT",
    "mcp_namespaced_tool_name": "VARCHAR",
    "endpoint": "VARCHAR",
}
"""A rollup's columns as the current schema has them, for ``--sql`` without an engine."""


def is_rollup(table: Table) -> bool:
    """Whether ``table`` is one of LiteLLM's daily rollups (:data:`ROLLUPS`), by name."""
    return table.name.lower() in (r.lower() for r in ROLLUPS)


def find_rollup(tables: list[Table], engine: Any = None) -> tuple[Table | None, str]:
    """The rollup of :data:`ROLLUPS` among ``tables`` to read (a schema searched by default
    first), or ``None``, and a few words on the choice. With several and an ``engine`` to
    ask, the one that counts the most requests: each leaves out some (by user, the keys
    without one; by team, those without a team), and one may be empty while another is
    full; the order of :data:`ROLLUPS` breaks a tie."""
    found = []
    for wanted in ROLLUPS:
        for t in sorted(tables, key=lambda t: not t.default):
            if t.name.lower() == wanted.lower() and not t.partition:
                found.append(t)
                break
    if len(found) < 2 or engine is None:
        return (found[0] if found else None), ""
    counts = [_requests(engine, t) for t in found]
    best = max(range(len(found)), key=lambda i: (counts[i], -i))
    if all(c == counts[best] for c in counts):  # alike: the first, nothing to say
        return found[best], ""
    others = ", ".join(f"{counts[i]:,.0f} in {t.shown}" for i, t in enumerate(found) if i != best)
    return found[best], f"the rollup with the most requests, {counts[best]:,.0f}, against {others}"


def _requests(engine: Any, table: Table) -> float:
    """The requests a rollup counts (0 when it has no such column)."""
    from payback.measure.usage.tables import _quote

    column = _column(table, *COLUMNS["requests"])
    if column is None:
        return 0.0
    (row,) = engine.rows(
        render(f"SELECT sum({_quote(column)}) FROM {table.quoted}", engine.dialect)
    )
    return float(row[0] or 0)


def _column(table: Table, *names: str) -> str | None:
    lower = {c.lower(): c for c in table.columns}
    return next((lower[n] for n in names if n in lower), None)


def has_cached(table: Table) -> bool:
    """Whether the rollup has a cached-token column (without one, no cached share is measured)."""
    return _column(table, *COLUMNS["cached"]) is not None


def rollup_query(table: Table, dialect: str = "duckdb") -> str:
    """The one query over a rollup, in ``dialect``: its rows summed by day and model (the
    successful requests, the tokens and the failed requests). One line when a column it
    needs is missing."""
    from payback.measure.usage.tables import _quote

    found = {name: _column(table, *names) for name, names in COLUMNS.items()}
    date, model = _column(table, "date"), _column(table, "model", "model_group")
    needed = {"date": date, "prompt_tokens": found["input"], "completion_tokens": found["output"]}
    needed["api_requests"] = found["requests"]
    missing = [name for name, column in needed.items() if column is None]
    if missing:
        raise PaybackError(
            f"{table.shown}: no {' / '.join(missing)} column; a LiteLLM daily rollup has date, "
            "prompt_tokens, completion_tokens and api_requests"
        )
    failed = _column(table, "failed_requests")
    keep = []
    tool = _column(table, "mcp_namespaced_tool_name")
    if tool:
        keep.append(f"{_quote(tool)} IS NULL")
    endpoint = _column(table, "endpoint")
    if endpoint:
        words = " OR ".join(f"lower({_quote(endpoint)}) LIKE '%{w}%'" for w in NOT_GENERATION)
        keep.append(f"({_quote(endpoint)} IS NULL OR NOT ({words}))")

    def total(column: str | None) -> str:
        return f"sum(CAST({_quote(column)} AS DOUBLE))" if column else "0.0"

    text = f"""SELECT left(CAST({_quote(str(date))} AS VARCHAR), 10) AS day,
       {f"CAST({_quote(model)} AS VARCHAR)" if model else "CAST(NULL AS VARCHAR)"} AS model,
       {total(found["requests"])} AS requests, {total(found["input"])} AS input,
       {total(found["output"])} AS output, {total(found["cached"])} AS cached,
       {total(failed)} AS failed, count(*) AS n
FROM {table.quoted}
WHERE {" AND ".join(keep) or "TRUE"}
GROUP BY 1, 2"""
    return render(text, dialect)


@dataclass(frozen=True)
class Rollup:
    """A local DuckDB connection holding ``hourly`` built from a rollup's daily rows."""

    con: Any
    rows: int
    """Rows (day and model) the engine returned."""
    table_rows: int
    """The rollup's rows summed into them."""
    failed: float
    """Failed requests in them (left out)."""


def fetch_rollup(
    engine: Any,
    table: Table,
    shown: str,
    *,
    model: str | None,
    since: dt.date | None,
    until: dt.date | None,
) -> Rollup:
    """Run :func:`rollup_query` on the engine and build ``hourly`` from its rows here, as
    the file path does for daily buckets (each day a bucket of 86,400 s)."""
    rows = engine.rows(rollup_query(table, engine.dialect))
    con = sql.connect()
    con.execute(
        f"CREATE TEMP TABLE rollup (day VARCHAR, model VARCHAR, requests DOUBLE, input DOUBLE, "
        f'output DOUBLE, cached DOUBLE, seconds DOUBLE, "{FILE_COLUMN}" VARCHAR)'
    )
    if rows:
        con.executemany(
            "INSERT INTO rollup VALUES (?, ?, ?, ?, ?, ?, 86400.0, ?)",
            [
                [
                    None if r[0] is None else str(r[0]),
                    None if r[1] is None else str(r[1]),
                    *(None if v is None else float(v) for v in r[2:6]),
                    shown,
                ]
                for r in rows
            ],
        )
    described = con.execute("DESCRIBE rollup").fetchall()
    described = [d for d in described if str(d[0]) != FILE_COLUMN]
    source = sql.Source(
        "rollup",
        False,
        [shown],
        "generic",
        {str(d[0]).lower(): str(d[0]) for d in described},
        {str(d[0]): str(d[1]) for d in described},
    )
    explicit = {
        "ts": "day",
        "model": "model",
        "requests": "requests",
        "input": "input",
        "output": "output",
        "cached": "cached",
        "seconds": "seconds",
    }
    sql.run(con, pipeline([source], explicit, model, since, until), f"{shown}: cannot be read")
    # the failed requests left out: those inside the filters, as the requests are
    con.execute("CREATE TEMP TABLE rollup_failed (day VARCHAR, model VARCHAR, failed DOUBLE)")
    if rows:
        con.executemany(
            "INSERT INTO rollup_failed VALUES (?, ?, ?)",
            [[str(r[0]), None if r[1] is None else str(r[1]), float(r[6] or 0)] for r in rows],
        )
    (failed,) = sql.one(
        con,
        "SELECT coalesce(sum(failed), 0) FROM (SELECT CAST(day || ' 00:00:00+00' AS TIMESTAMPTZ) "
        f"AS ts, model, failed FROM rollup_failed) WHERE {filters_sql(model, since, until)}",
    )
    return Rollup(con, len(rows), int(sum(int(r[7] or 0) for r in rows)), float(failed))


_OWNER = {"litellm_dailyteamspend": "team", "litellm_dailyorganizationspend": "organization"}
"""Whose requests a rollup counts, by its lower-cased name (the user's otherwise)."""


def rollup_notes(
    found: Table, fetched: Rollup, why: tuple[str, str], dialect: str, seconds: float
) -> list[str]:
    """What the profile of a rollup says of how it was read (``why``: from :func:`find`)."""
    cause, choice = why
    reason = "" if cause == "named" else f" ({cause}: LiteLLM's disable_spend_logs?)"
    reason += f", {choice}" if choice else ""
    owner = _OWNER.get(found.name.lower(), "user")
    return [
        f"read {found.shown}, LiteLLM's daily rollup{reason}, on {dialect} ({seconds:.1f} s): "
        f"its {fetched.table_rows:,} rows of text generation (MCP tool calls, embeddings and "
        f"other endpoints left out) summed by day and model into {fetched.rows:,}; a day "
        "is one bucket of the successful requests"
        + (f" ({fetched.failed:,.0f} failed requests left out)" if fetched.failed else "")
        + f"; requests of keys without a {owner} may be missing from it (LiteLLM skips them "
        "in some versions)",
        "daily rollups keep no single request and no hour: token percentiles and the busiest "
        f"hour are not measured, so peak_to_average is left out ({KEPT}); requests per month, "
        "growth, mean tokens, cached share and the models are measured",
    ]


ROLLUP = "litellm daily rollup"
"""How LiteLLM's daily rollups are read (:mod:`payback.measure.usage.rollups`)."""


def find(engine: Any, table: str | None, fmt: str) -> tuple[Any, str, tuple[str, str]]:
    """The table to read, its spec and, for a rollup, why it is read and why that one
    (:func:`find_rollup`): LiteLLM's daily rollup when named (``--table``), or, when none
    is named, where the spend logs are missing or empty (``disable_spend_logs``) and a
    rollup is there."""
    from payback.measure.usage.finding import find_table

    tables = engine.tables()
    try:
        found, spec = find_table(tables, table, engine.shown)
    except PaybackError:
        if table is not None or fmt not in ("auto", "litellm"):
            raise
        rollup, choice = find_rollup(tables, engine)
        if rollup is None:
            raise
        return rollup, ROLLUP, ("no LiteLLM_SpendLogs table", choice)
    if is_rollup(found) and fmt in ("auto", "litellm"):
        if table is not None:
            return found, ROLLUP, ("named", "")
        rollup, choice = find_rollup(tables, engine)
        return rollup or found, ROLLUP, ("no LiteLLM_SpendLogs table", choice)
    empty = (
        table is None
        and spec == "litellm"
        and fmt in ("auto", "litellm")
        and not engine.rows(f"SELECT 1 FROM {found.quoted} LIMIT 1")
    )
    if empty:
        rollup, choice = find_rollup(tables, engine)
        if rollup is not None:
            return rollup, ROLLUP, (f"{found.shown} is empty", choice)
    return found, spec, ("", "")


def rollup_sql(found: Any, where: str, dialect: str) -> str:
    """The query over LiteLLM's daily rollup, in ``dialect``, and what is done with it."""
    return (
        f"-- {dialect} SQL: the one query profile_database() runs on {where},\n"
        "-- LiteLLM's daily rollup: its rows summed by day and model (MCP tool calls and\n"
        "-- endpoints that are not text generation left out). Each day is then a bucket of\n"
        "-- the successful requests (usage_sql() gives that DuckDB SQL); there are no token\n"
        "-- percentiles and no busiest hour in them, so peak_to_average is not measured.\n"
        f"{rollup_query(found, dialect)};\n"
    )
