"""The traffic profile from real request logs, computed by DuckDB where the logs are.

Reads CSV, JSON, JSONL and Parquet (gzip and globs too; larger-than-memory files spill to
disk) in a generic layout or as exported by the OpenAI usage API, LiteLLM, Langfuse and
Helicone, and returns the scenario's ``[traffic]`` numbers with their definitions:

- ``requests_per_month``: requests in the last complete calendar month (UTC);
- ``growth_monthly``: compound rate of a log-linear least-squares fit over complete months;
- ``input_tokens`` / ``output_tokens``: mean per request (p50/p90/p99 reported too);
- ``cached_input_share``: cached input tokens / input tokens;
- ``peak_to_average``: the busiest clock hour's requests / mean requests per hour over the
  covered span.

Rows that cannot be read are counted and shown, never dropped silently.
"""

from __future__ import annotations

import datetime as dt
import glob
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from payback.scenario import ScenarioError

__all__ = ["FORMATS", "UsageProfile", "profile_usage", "usage_sql"]

FORMATS = ("auto", "generic", "openai-usage", "litellm", "langfuse", "helicone")
FIELDS = ("ts", "input", "output", "cached", "model", "requests", "seconds")
"""Normalized columns: time (UTC), tokens, model, requests the row stands for (1 for a
request, the count for a bucket) and the bucket's length in seconds (none for a request)."""

GENERIC: dict[str, list[str]] = {
    "ts": [
        "timestamp",
        "time",
        "created_at",
        "createdAt",
        "created",
        "start_time",
        "startTime",
        "request_time",
        "request_created_at",
        "datetime",
        "date",
        "ts",
    ],
    "input": [
        "input_tokens",
        "prompt_tokens",
        "tokens_in",
        "inputTokens",
        "promptTokens",
        "usage.prompt_tokens",
        "usage.input_tokens",
        "usage.input",
    ],
    "output": [
        "output_tokens",
        "completion_tokens",
        "tokens_out",
        "outputTokens",
        "completionTokens",
        "usage.completion_tokens",
        "usage.output_tokens",
        "usage.output",
    ],
    "cached": [
        "cached_input_tokens",
        "cached_tokens",
        "input_cached_tokens",
        "cache_read_input_tokens",
        "prompt_cache_read_tokens",
        "usage.prompt_tokens_details.cached_tokens",
        "usage.cache_read_input_tokens",
    ],
    "model": ["model", "model_name", "request_model", "response_model"],
    "requests": ["requests", "num_requests", "num_model_requests", "request_count", "count"],
}
"""Common spellings of each field (case-insensitive; dots walk into nested JSON)."""


@dataclass(frozen=True)
class FormatSpec:
    """Where a log format keeps each field.

    Each field lists candidate paths (dots walk into nested JSON, which may also be JSON
    text); the first that is present wins. ``a+b`` adds paths (``a`` must be present).
    ``keep`` is a SQL condition with ``{path}`` placeholders that keeps LLM calls that
    succeeded; ``marker`` keys identify the format when ``--format auto``.
    """

    name: str
    fields: dict[str, list[str]]
    keep: str | None = None
    marker: tuple[str, ...] = ()


SPECS: dict[str, FormatSpec] = {
    "generic": FormatSpec("generic", GENERIC),
    "openai-usage": FormatSpec(
        "openai-usage",
        {
            "ts": ["bucket.start_time"],
            "seconds": ["bucket.end_time-bucket.start_time"],
            "input": ["result.input_tokens"],
            "output": ["result.output_tokens"],
            "cached": ["result.input_cached_tokens"],
            "model": ["result.model"],
            "requests": ["result.num_model_requests"],
        },
        keep="{result.object} IS NULL OR {result.object} LIKE '%completions.result'",
    ),
    "litellm": FormatSpec(
        "litellm",
        {
            "ts": ["startTime"],
            "input": ["prompt_tokens"],
            "output": ["completion_tokens"],
            "cached": [
                "metadata.usage_object.prompt_tokens_details.cached_tokens",
                "metadata.usage_object.cache_read_input_tokens",
                "metadata.additional_usage_values.prompt_tokens_details.cached_tokens",
                "metadata.additional_usage_values.cache_read_input_tokens",
            ],
            "model": ["model", "model_group"],
        },
        keep=(
            "({call_type} IS NULL OR {call_type} IN ('completion', 'acompletion', 'text_completion', "
            "'atext_completion', 'anthropic_messages', 'aresponses', 'responses')) "
            "AND coalesce({status}, {metadata.status}, 'success') <> 'failure'"
        ),
        marker=("call_type", "spend", "model_group"),
    ),
    "langfuse": FormatSpec(
        "langfuse",
        {
            "ts": ["startTime"],
            "input": [
                "usageDetails.input+usageDetails.input_cached_tokens+usageDetails.cache_read_input_tokens"
                "+usageDetails.cache_creation_input_tokens+usageDetails.input_cache_creation",
                "promptTokens",
                "usage.input",
                "inputUsage",
            ],
            "output": [
                "usageDetails.output+usageDetails.output_reasoning_tokens",
                "completionTokens",
                "usage.output",
                "outputUsage",
            ],
            "cached": [
                "usageDetails.input_cached_tokens",
                "usageDetails.cache_read_input_tokens",
                "usageDetails.input_cache_read",
            ],
            "model": ["model", "providedModelName"],
        },
        keep="coalesce({type}, 'GENERATION') = 'GENERATION' AND coalesce({level}, 'DEFAULT') <> 'ERROR'",
        marker=("traceId", "usageDetails", "parentObservationId"),
    ),
    "helicone": FormatSpec(
        "helicone",
        {
            "ts": ["request_created_at", "heliconeMetadata.createdAt"],
            "input": ["prompt_tokens", "heliconeMetadata.promptTokens"],
            "output": ["completion_tokens", "heliconeMetadata.completionTokens"],
            "cached": ["prompt_cache_read_tokens", "heliconeMetadata.promptCacheReadTokens"],
            "model": ["model_override", "response_model", "request_model", "model"],
        },
        keep=(
            "coalesce(TRY_CAST({response_status} AS INTEGER), TRY_CAST({heliconeMetadata.status.code} AS INTEGER), 200) = 200 "
            "AND {response_body.error.message} IS NULL"
        ),
        marker=("request_created_at", "response_status", "heliconeMetadata"),
    ),
}


# ---------------------------------------------------------------- reading


def _one(con: Any, sql: str) -> tuple[Any, ...]:
    """The single row a query returns."""
    row = con.execute(sql).fetchone()
    assert row is not None, sql
    return tuple(row)


def _expand(paths: Sequence[str | Path]) -> list[str]:
    files: list[str] = []
    for raw in paths:
        text = str(raw)
        matched = (
            sorted(glob.glob(text, recursive=True)) if any(c in text for c in "*?[") else [text]
        )
        if not matched:
            raise ScenarioError(f"{text}: no file matches")
        for name in matched:
            p = Path(name)
            if p.is_dir():
                raise ScenarioError(
                    f"{p}: is a folder; give files or a glob such as {p / '*.jsonl'}"
                )
            if not p.exists():
                raise ScenarioError(f"{p}: no such file")
            files.append(str(p))
    if not files:
        raise ScenarioError("no log files given")
    return files


def _kind(path: str) -> str:
    name = path.lower()
    for suffix in (".gz", ".zst", ".gzip"):
        name = name.removesuffix(suffix)
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".json"):
        return "json"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    raise ScenarioError(
        f"{path}: unknown file type; expected .csv, .tsv, .json, .jsonl, .ndjson or .parquet (optionally .gz)"
    )


def _sql_list(files: Sequence[str]) -> str:
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"


@dataclass
class _Source:
    """A relation over the log files: either columns (``table``) or one JSON value per row."""

    sql: str
    json: bool
    columns: dict[str, str] = field(default_factory=dict)
    """Lower-cased column name → its real name (tables only)."""
    types: dict[str, str] = field(default_factory=dict)
    """Real column name → its DuckDB type (tables only)."""


def _sources(con: Any, files: list[str]) -> tuple[list[_Source], int, list[str]]:
    """Relations for the files, plus lines that are not JSON (count and first examples)."""
    by_kind: dict[str, list[str]] = {}
    for f in files:
        by_kind.setdefault(_kind(f), []).append(f)
    sources, bad_lines, examples = [], 0, []
    tables: list[tuple[str, str]] = []
    for kind, group in by_kind.items():
        listed = _sql_list(group)
        if kind == "parquet":
            tables.append((f"read_parquet({listed}, union_by_name = true)", ", ".join(group)))
            continue
        if kind == "csv":
            # one relation per file: rows with missing columns land in reject_errors, counted later
            for name in group:
                delim = "\\t" if name.lower().removesuffix(".gz").endswith(".tsv") else ","
                tables.append(
                    (
                        f"read_csv({_sql_list([name])}, header = true, all_varchar = true, delim = '{delim}', "
                        "quote = '\"', escape = '\"', strict_mode = false, store_rejects = true)",
                        name,
                    )
                )
            continue
        if kind == "jsonl":
            lines = (
                f"read_csv({listed}, columns = {{'line': 'VARCHAR'}}, header = false, delim = chr(1), "
                "quote = '', escape = '', auto_detect = false, union_by_name = false)"
            )
            (invalid,) = _one(
                con,
                f"SELECT count(*) FILTER (WHERE trim(line) <> '' AND NOT json_valid(line)) FROM {lines}",
            )
            if invalid:
                bad_lines += invalid
                examples += [
                    r[0][:200]
                    for r in con.execute(
                        f"SELECT line FROM {lines} WHERE trim(line) <> '' AND NOT json_valid(line) LIMIT 3"
                    ).fetchall()
                ]
            sources.append(
                _Source(
                    f"(SELECT line::JSON AS json FROM {lines} WHERE trim(line) <> '' AND json_valid(line))",
                    True,
                )
            )
            continue
        sql = f"read_json({listed}, format = 'auto', records = false, maximum_object_size = 1073741824)"
        try:
            con.execute(f"SELECT * FROM {sql} LIMIT 0")
        except Exception as exc:  # DuckDB reports malformed JSON as its own errors
            raise ScenarioError(
                f"{', '.join(group)}: not valid JSON ({str(exc).splitlines()[0]})"
            ) from None
        sources.append(_Source(f"(SELECT json::JSON AS json FROM {sql})", True))
    for sql, name in tables:
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM {sql}").fetchall()
        except Exception as exc:
            raise ScenarioError(f"{name}: cannot be read ({str(exc).splitlines()[0]})") from None
        sources.append(
            _Source(
                sql,
                False,
                {row[0].lower(): row[0] for row in described},
                {row[0]: str(row[1]) for row in described},
            )
        )
    return sources, bad_lines, examples


def _rejected(con: Any) -> tuple[int, list[str]]:
    """CSV lines DuckDB could not split into the header's columns (after the logs were read)."""
    try:
        (count,) = _one(con, "SELECT count(DISTINCT (scan_id, line)) FROM reject_errors")
        rows = con.execute("SELECT DISTINCT csv_line FROM reject_errors LIMIT 3").fetchall()
    except Exception:  # no CSV was read: DuckDB has no reject tables then
        return 0, []
    return int(count), [str(r[0])[:200] for r in rows]


def _accessor(source: _Source, path: str) -> str | None:
    """SQL text of a dotted field path in a source; None when a table has no such column.

    An object along the path may itself be JSON text (LiteLLM's ``metadata``)."""
    parts = path.split(".")
    if source.json:
        direct = "$." + ".".join(f'"{p}"' for p in parts)
        options = [f"(json ->> '{direct}')"]
        for cut in range(1, len(parts)):
            head = "$." + ".".join(f'"{p}"' for p in parts[:cut])
            rest = "$." + ".".join(f'"{p}"' for p in parts[cut:])
            options.append(f"json_extract_string(TRY_CAST(json ->> '{head}' AS JSON), '{rest}')")
        return options[0] if len(options) == 1 else "COALESCE(" + ", ".join(options) + ")"
    column = source.columns.get(parts[0].lower())
    if column is None:
        return None
    quoted = '"' + column.replace('"', '""') + '"'
    if len(parts) == 1:
        return quoted
    rest = "$." + ".".join(f'"{p}"' for p in parts[1:])
    return f"json_extract_string(TRY_CAST({quoted} AS JSON), '{rest}')"


def _candidate(source: _Source, candidate: str) -> str | None:
    """One candidate: a path, ``a+b+…`` (a sum; ``a`` required) or ``a-b`` (a difference)."""
    if "-" in candidate or "+" in candidate:
        sign = "-" if "-" in candidate else "+"
        terms = [_accessor(source, p) for p in candidate.split(sign)]
        if terms[0] is None:
            return None
        first = f"TRY_CAST({terms[0]} AS DOUBLE)"
        rest = [f"coalesce(TRY_CAST({t} AS DOUBLE), 0)" for t in terms[1:] if t is not None]
        if sign == "-" and len(rest) != len(terms) - 1:
            return None
        return "CAST((" + f" {sign} ".join([first, *rest]) + ") AS VARCHAR)"
    return _accessor(source, candidate)


def _field(source: _Source, candidates: list[str], explicit: str | None = None) -> str | None:
    """SQL for a field: the first candidate present (a typed column stays typed; several
    candidates are compared as text)."""
    options = [explicit] if explicit else candidates
    found = list(
        dict.fromkeys(a for a in (_candidate(source, c) for c in options) if a is not None)
    )
    if explicit and not found:
        raise ScenarioError(
            f"--columns: {explicit!r} is not a column of the logs (columns: {', '.join(sorted(source.columns.values()))})"
        )
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    return "COALESCE(" + ", ".join(f"CAST({f} AS VARCHAR)" for f in found) + ")"


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


def _type_of(source: _Source, expr: str) -> str:
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


def _keep(source: _Source, template: str | None) -> str:
    """The format's keep-condition with its ``{path}`` placeholders filled (absent: NULL)."""
    if not template:
        return "TRUE"
    import re

    return re.sub(r"\{([^}]+)\}", lambda m: _accessor(source, m.group(1)) or "NULL", template)


def _unwrap(source: _Source, fmt: str) -> _Source:
    """JSON records inside ``{"data": [...]}`` pages; for the OpenAI usage API, one record per
    result with its bucket (``{"bucket": ..., "result": ...}``)."""
    if not source.json:
        return source
    rows = (
        f"(SELECT unnest(json_extract(json, '$.data[*]')) AS json FROM {source.sql} "
        f"WHERE json_type(json, '$.data') = 'ARRAY' "
        f"UNION ALL SELECT json FROM {source.sql} WHERE json_type(json, '$.data') IS DISTINCT FROM 'ARRAY')"
    )
    if fmt == "openai-usage":
        rows = (
            "(SELECT json_object('bucket', b, 'result', r) AS json FROM "
            f"(SELECT json AS b, unnest(CASE WHEN json_type(json, '$.results') = 'ARRAY' THEN json_extract(json, '$.results[*]') ELSE json_extract(json, '$.result[*]') END) AS r FROM {rows}))"
        )
    return _Source(rows, True)


# ---------------------------------------------------------------- normalizing

TS = (
    "COALESCE(TRY_CAST({x} AS TIMESTAMPTZ), "
    "TRY(to_timestamp(CASE WHEN TRY_CAST({x} AS DOUBLE) > 1e11 THEN TRY_CAST({x} AS DOUBLE) / 1000 "
    "ELSE TRY_CAST({x} AS DOUBLE) END)))"
)
"""A timestamp from ISO text (any offset, converted to UTC; naive means UTC) or unix
seconds / milliseconds."""


def _normalized(source: _Source, spec: FormatSpec, columns: dict[str, str]) -> str:
    """SELECT of the normalized columns (NULL where unreadable), ``keep`` and raw text."""
    exprs = {name: _field(source, spec.fields.get(name, []), columns.get(name)) for name in FIELDS}
    missing = [n for n in ("ts", "input", "output") if exprs[n] is None]
    if missing:
        have = (
            ", ".join(sorted(source.columns.values()))
            if not source.json
            else "the JSON records' keys"
        )
        raise ScenarioError(
            f"no {' / '.join(missing)} column found in {have}; name them with "
            "--columns ts=...,input=...,output=...[,cached=...,model=...] (or pick --format)"
        )
    if source.json:
        raw = "CAST(json AS VARCHAR)"
    else:
        shown = [f'CAST("{c}" AS VARCHAR)' for c in list(source.columns.values())[:12]]
        raw = "concat_ws(',', " + ", ".join(shown) + ")"
    inner = ", ".join(f"{exprs[name] or 'NULL'} AS {name}_raw" for name in FIELDS)
    ts_kind = _type_of(source, exprs["ts"] or "")
    if ts_kind == "timestamp":
        ts = "CAST(ts_raw AS TIMESTAMPTZ)"
    elif ts_kind == "number":
        ts = "TRY(to_timestamp(CASE WHEN ts_raw > 1e11 THEN ts_raw / 1000 ELSE ts_raw END))"
    else:
        ts = TS.format(x="ts_raw")
    return (
        f"SELECT {ts} AS ts, model_raw::VARCHAR AS model, "
        "CASE WHEN requests_raw IS NULL THEN 1.0 ELSE TRY_CAST(requests_raw AS DOUBLE) END AS requests, "
        "TRY_CAST(input_raw AS DOUBLE) AS input, TRY_CAST(output_raw AS DOUBLE) AS output, "
        "CASE WHEN cached_raw IS NULL THEN 0.0 ELSE TRY_CAST(cached_raw AS DOUBLE) END AS cached, "
        "TRY_CAST(seconds_raw AS DOUBLE) AS seconds, keep, raw "
        f"FROM (SELECT {inner}, coalesce(({_keep(source, spec.keep)}), TRUE) AS keep, {raw} AS raw FROM {source.sql})"
    )


EXACT_PERCENTILES = 5_000_000
"""Up to this many requests, token percentiles are exact (every value held in memory)."""

GOOD = (
    "ts IS NOT NULL AND input IS NOT NULL AND output IS NOT NULL AND requests IS NOT NULL AND cached IS NOT NULL "
    "AND input >= 0 AND output >= 0 AND cached >= 0 AND requests > 0 AND isfinite(input) AND isfinite(output)"
)
"""A row the profile can use: a time, token counts and a request count that make sense."""


# ---------------------------------------------------------------- the profile


@dataclass(frozen=True)
class UsageProfile:
    """What the logs say about the workload, in the scenario's ``[traffic]`` terms."""

    traffic: dict[str, float]
    """``requests_per_month``, ``growth_monthly``, ``input_tokens``, ``output_tokens``,
    ``cached_input_share``, ``peak_to_average``: ready for a scenario's ``[traffic]``."""
    token_percentiles: dict[str, dict[str, float] | None]
    """p50/p90/p99 of input and output tokens per request (``None`` for pre-aggregated logs)."""
    by_month: list[dict[str, Any]]
    by_model: list[dict[str, Any]]
    rows: dict[str, Any]
    """``read``, ``used``, ``unreadable`` (with ``examples``), ``not_llm_calls_or_failed``
    (other kinds of rows, failed requests) and ``filtered_out`` (by --since/--until/--model)."""
    span: dict[str, Any]
    """First and last request (UTC), hours covered, and the complete months used."""
    format: str
    files: list[str]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _detect(con: Any, sources: list[_Source]) -> str:
    """The log format from the first record's keys (or the first table's columns)."""
    first = sources[0]
    if first.json:
        row = con.execute(f"SELECT json FROM {first.sql} LIMIT 1").fetchone()
        if row is None:
            return "generic"
        import json as _json

        value = _json.loads(row[0])
        if not isinstance(value, dict):
            return "generic"
        if value.get("object") == "bucket" or "results" in value or "result" in value:
            return "openai-usage"
        keys = {k.lower() for k in value}
    else:
        keys = set(first.columns)
    for spec in SPECS.values():
        if spec.marker and keys & {k.lower() for k in spec.marker}:
            return spec.name
    return "generic"


def _parse_columns(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    out = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in FIELDS or not value:
            raise ScenarioError(
                f"--columns {text!r}: expected name=column pairs with names from {', '.join(FIELDS)}, "
                "e.g. ts=created,input=prompt_tokens,output=completion_tokens"
            )
        out[key] = value
    return out


def _complete_months(first: dt.datetime, last: dt.datetime) -> list[dt.date]:
    """Calendar months the span covers from their first day to their last day."""
    months = []
    month = dt.date(first.year, first.month, 1)
    while month <= last.date():
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        starts_in_first_day = first.date() <= month
        ends_in_last_day = last.date() >= following - dt.timedelta(days=1)
        if starts_in_first_day and ends_in_last_day:
            months.append(month)
        month = following
    return months


def usage_sql(fmt: str = "generic") -> str:
    """The aggregation payback runs, for a table ``logs(ts, model, requests, input, output,
    cached)``: runnable as is on DuckDB, Spark SQL or a warehouse where the logs live."""
    return f"""-- one row per request (requests = 1) or per bucket (requests = its count)
-- usable rows: {GOOD}
SELECT date_trunc('month', ts) AS month,
       sum(requests) AS requests,
       sum(input) AS input_tokens, sum(output) AS output_tokens, sum(cached) AS cached_input_tokens
FROM logs GROUP BY 1 ORDER BY 1;

SELECT max(n) AS busiest_hour_requests,
       sum(n) / (date_diff('hour', min(h), max(h)) + 1) AS mean_requests_per_hour
FROM (SELECT date_trunc('hour', ts) AS h, sum(requests) AS n FROM logs GROUP BY 1);

SELECT quantile_cont(input, [0.5, 0.9, 0.99]) AS input_tokens_p50_p90_p99,
       quantile_cont(output, [0.5, 0.9, 0.99]) AS output_tokens_p50_p90_p99
FROM logs;  -- per-request logs only ({fmt})
"""


def profile_usage(
    paths: Sequence[str | Path],
    fmt: str = "auto",
    *,
    model: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    columns: str | None = None,
) -> UsageProfile:
    """Read request logs and return the traffic profile (see the module docstring)."""
    import duckdb

    if fmt not in FORMATS:
        raise ScenarioError(f"--format {fmt!r}: unknown; allowed: {', '.join(FORMATS)}")
    if since and until and since > until:
        raise ScenarioError(f"--since {since} is after --until {until}")
    files = _expand(paths)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    sources, bad_lines, bad_examples = _sources(con, files)
    chosen = _detect(con, [_unwrap(s, "generic") for s in sources]) if fmt == "auto" else fmt
    spec = SPECS[chosen]
    explicit = _parse_columns(columns)
    body = " UNION ALL BY NAME ".join(
        f"({_normalized(_unwrap(s, chosen), spec, explicit)})" for s in sources
    )
    conditions = ["TRUE"]
    if since:
        conditions.append(f"ts >= TIMESTAMPTZ '{since.isoformat()} 00:00:00+00'")
    if until:
        conditions.append(
            f"ts < TIMESTAMPTZ '{(until + dt.timedelta(days=1)).isoformat()} 00:00:00+00'"
        )
    if model:
        conditions.append("model = " + "'" + model.replace("'", "''") + "'")
    inside = " AND ".join(conditions)
    con.execute(f"CREATE TEMP VIEW logs AS SELECT * FROM ({body})")
    # one streaming pass: everything later is computed from these hourly groups
    try:
        con.execute(
            "CREATE TEMP TABLE hourly AS SELECT date_trunc('hour', ts) AS hour, model, keep, "
            f"coalesce({GOOD}, FALSE) AS good, coalesce({inside}, FALSE) AS inside, count(*) AS n, "
            "sum(requests) AS requests, sum(input) AS input, sum(output) AS output, sum(cached) AS cached, "
            "min(ts) AS first, max(ts + to_seconds(coalesce(seconds, 0))) AS last, max(seconds) AS seconds, "
            "bool_and(requests = 1 AND seconds IS NULL) AS per_request "
            "FROM logs GROUP BY ALL"
        )
    except Exception as exc:  # a file DuckDB cannot parse at all
        raise ScenarioError(
            f"{', '.join(files)}: cannot be read as {chosen} logs ({str(exc).splitlines()[0]})"
        ) from None
    read, skipped, unreadable = _one(
        con,
        "SELECT coalesce(sum(n), 0), coalesce(sum(n) FILTER (WHERE NOT keep), 0), "
        "coalesce(sum(n) FILTER (WHERE keep AND NOT good), 0) FROM hourly",
    )
    rejected, rejected_examples = _rejected(con)
    bad_lines += rejected
    examples = bad_examples + rejected_examples
    if unreadable:
        examples += [
            r[0][:200]
            for r in con.execute(
                f"SELECT raw FROM logs WHERE keep AND NOT coalesce({GOOD}, FALSE) LIMIT 3"
            ).fetchall()
        ]
    con.execute("CREATE TEMP VIEW used AS SELECT * FROM hourly WHERE keep AND good AND inside")
    usable = read - skipped - unreadable
    count, requests, inputs, outputs, cached, first, last, per_request = _one(
        con,
        "SELECT coalesce(sum(n), 0), sum(requests), sum(input), sum(output), sum(cached), min(first), max(last), "
        "bool_and(per_request) FROM used",
    )
    if not count:
        if read == 0:
            raise ScenarioError(f"{', '.join(files)}: no rows; expected {chosen} request logs")
        if usable == 0:
            raise ScenarioError(
                f"none of the {read + bad_lines:,} rows could be read as {chosen} logs (first: {examples[0] if examples else '?'})"
            )
        raise ScenarioError(
            f"no requests left after --since/--until/--model ({usable:,} usable rows before filtering)"
        )
    notes: list[str] = []
    first, last = first.astimezone(dt.UTC), last.astimezone(dt.UTC)
    monthly = con.execute(
        "SELECT date_trunc('month', hour)::DATE, sum(requests), sum(input), sum(output), sum(cached) "
        "FROM used GROUP BY 1 ORDER BY 1"
    ).fetchall()
    complete = set(_complete_months(first, last))
    by_month = [
        {
            "month": m.strftime("%Y-%m"),
            "requests": float(r),
            "input_tokens": float(i) / float(r),
            "output_tokens": float(o) / float(r),
            "cached_input_share": float(c) / float(i) if i else 0.0,
            "complete": m in complete,
        }
        for m, r, i, o, c in monthly
    ]
    full = [row for row in by_month if row["complete"]]
    if per_request:  # whole clock hours from the first request's to the last one's
        top = dict(minute=0, second=0, microsecond=0)
        hours = (last.replace(**top) - first.replace(**top)).total_seconds() / 3600 + 1
    else:  # buckets: the first one's start to the last one's end
        hours = max(1.0, (last - first).total_seconds() / 3600)
    if full:
        requests_per_month = full[-1]["requests"]
    else:
        requests_per_month = float(requests) / hours * 730.0
        notes.append(
            f"no complete calendar month in the logs: requests_per_month scales {hours:,.0f} hours to 730"
        )
    positive = [row for row in full if row["requests"] > 0]
    if len(positive) >= 2:
        xs = [12 * int(row["month"][:4]) + int(row["month"][5:]) for row in positive]
        ys = [math.log(row["requests"]) for row in positive]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
            (x - mx) ** 2 for x in xs
        )
        growth = math.exp(slope) - 1.0
    else:
        growth = 0.0
        notes.append("fewer than two complete months: growth_monthly is 0")
    (busiest,) = _one(
        con,
        "SELECT max(n) FROM ("
        "SELECT hour, sum(requests) AS n FROM used WHERE coalesce(seconds, 0) <= 3600 GROUP BY 1 "
        "UNION ALL SELECT hour, sum(requests) * 3600 / max(seconds) FROM used WHERE seconds > 3600 GROUP BY 1)",
    )
    peak = float(busiest) / (float(requests) / hours)
    if not per_request:
        notes.append(
            "the logs count requests in time buckets: token percentiles are unknown, and for buckets longer "
            "than an hour the busiest hour is the busiest bucket's hourly average (the real peak is higher)"
        )
    percentiles: dict[str, dict[str, float] | None] = {"input_tokens": None, "output_tokens": None}
    if per_request:
        # exact below a few million requests; DuckDB's t-digest beyond, so memory stays flat
        exact = count <= EXACT_PERCENTILES
        function = "quantile_cont" if exact else "approx_quantile"
        qi, qo = _one(
            con,
            f"SELECT {function}(input, [0.5, 0.9, 0.99]), {function}(output, [0.5, 0.9, 0.99]) "
            f"FROM logs WHERE keep AND {GOOD} AND {inside}",
        )
        percentiles = {
            "input_tokens": dict(zip(("p50", "p90", "p99"), map(float, qi), strict=True)),
            "output_tokens": dict(zip(("p50", "p90", "p99"), map(float, qo), strict=True)),
        }
        if not exact:
            notes.append(
                f"token percentiles are approximate (t-digest) above {EXACT_PERCENTILES:,} requests"
            )
    by_model = [
        {
            "model": name,
            "requests": float(r),
            "share": float(r) / float(requests),
            "input_tokens": float(i) / float(r),
            "output_tokens": float(o) / float(r),
            "cached_input_share": float(c) / float(i) if i else 0.0,
        }
        for name, r, i, o, c in con.execute(
            "SELECT coalesce(model, '(none)'), sum(requests), sum(input), sum(output), sum(cached) "
            "FROM used GROUP BY 1 ORDER BY 2 DESC LIMIT 50"
        ).fetchall()
    ]
    traffic = {
        "requests_per_month": float(requests_per_month),
        "growth_monthly": float(growth),
        "input_tokens": float(inputs) / float(requests),
        "output_tokens": float(outputs) / float(requests),
        "cached_input_share": float(cached) / float(inputs) if inputs else 0.0,
        "peak_to_average": max(1.0, peak),
    }
    return UsageProfile(
        traffic=traffic,
        token_percentiles=percentiles,
        by_month=by_month,
        by_model=by_model,
        rows={
            "read": int(read + bad_lines),
            "used": int(count),
            "unreadable": int(unreadable + bad_lines),
            "examples": examples[:5],
            "not_llm_calls_or_failed": int(skipped),
            "filtered_out": int(usable - count),
        },
        span={
            "first": first.isoformat(),
            "last": last.isoformat(),
            "hours": hours,
            "complete_months": [row["month"] for row in full],
        },
        format=chosen,
        files=files,
        notes=notes,
    )
