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
- ``peak_to_average``: the busiest clock hour's requests / mean requests per hour over the
  complete months (over the covered hours when there is none); not measured when the logs
  count requests in buckets longer than an hour (or carry dates without times).

A calendar month is complete when the logs cover it from its first hour to its last: the
first request within an hour (or one bucket) of its start and the data reaching within an
hour (or one bucket) of its end, where a neighbouring month with requests covers the edge
they share. Months without any request inside the span (a stray timestamp, a gap) are left
out and named in a warning. Rows that cannot be read are counted and shown, never dropped
silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import gzip
import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from payback.errors import PaybackError

__all__ = ["FORMATS", "UsageProfile", "profile_usage", "render_profile", "usage_sql"]

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
    text); the first that is present wins. ``a+b`` adds the paths that are present (none
    present: absent); ``a-b`` subtracts (both must be present).
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
                "+usageDetails.input_cache_read+usageDetails.cache_creation_input_tokens"
                "+usageDetails.input_cache_creation",
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
            # every cache-read key counts as cached and, with cache writes, as input too
            "cached": [
                "usageDetails.input_cached_tokens+usageDetails.cache_read_input_tokens"
                "+usageDetails.input_cache_read",
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


# ---------------------------------------------------------------- definitions and limits

DAYS_PER_MONTH = 365.25 / 12
"""Days in the average month: ``requests_per_month`` is requests per day × this."""
HOURS_PER_MONTH = DAYS_PER_MONTH * 24
MAX_TOKENS_PER_REQUEST = 1e8
"""More tokens than this in one request (ten times the longest context offered) is a
broken row, not a request."""
MAX_REQUESTS_PER_ROW = 1e12
MAX_BUCKET_SECONDS = 366 * 86400
MODELS_SHOWN = 50
"""``by_model`` lists this many models with the most requests (a note says when more)."""
MAX_LINE_BYTES = 1 << 28
"""The longest CSV or JSON line read (256 MiB; DuckDB's default is 2 MiB)."""
MAX_JSON_OBJECT = 1 << 30
PEEK_RECORDS = 20
"""Records read from the head of each file to tell its format."""
PEEK_LINE_BYTES = 1 << 26

GOOD = (
    "ts >= TIMESTAMPTZ '1970-01-01 00:00:00+00' AND ts < TIMESTAMPTZ '2200-01-01 00:00:00+00' "
    "AND isfinite(input) AND isfinite(output) AND isfinite(cached) AND isfinite(requests) "
    f"AND requests > 0 AND requests <= {MAX_REQUESTS_PER_ROW:.0e} "
    "AND input >= 0 AND output >= 0 AND cached >= 0 AND cached <= input "
    f"AND input <= {MAX_TOKENS_PER_REQUEST:.0e} * requests AND output <= {MAX_TOKENS_PER_REQUEST:.0e} * requests "
    f"AND (seconds IS NULL OR (seconds > 0 AND seconds <= {MAX_BUCKET_SECONDS}))"
)
"""A row the profile can use: a time between 1970 and 2200, finite token counts that make
sense (cached ≤ input, at most 10⁸ tokens a request) and a positive request count."""


# ---------------------------------------------------------------- small helpers


def _one(con: Any, sql: str) -> tuple[Any, ...]:
    """The single row a query returns."""
    row = con.execute(sql).fetchone()
    assert row is not None, sql
    return tuple(row)


def _first_line(exc: BaseException) -> str:
    """An exception's message on one line (DuckDB's span several)."""
    text = " ".join(str(exc).split("\n")[:1]).strip()
    return text[:300] if text else type(exc).__name__


def _names(files: Sequence[str]) -> str:
    """Files for a message: all of a few, the first three of many."""
    if len(files) <= 3:
        return ", ".join(files)
    return f"{', '.join(files[:3])} and {len(files) - 3:,} more"


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_list(files: Sequence[str]) -> str:
    return "[" + ", ".join(_sql_str(f) for f in files) + "]"


def _json_path(parts: Sequence[str]) -> str:
    """A DuckDB JSON path literal for object keys (quotes in keys escaped)."""
    keys = ".".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in parts)
    return _sql_str("$." + keys)


def _connect() -> Any:
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    return con


# ---------------------------------------------------------------- finding the files

COMPRESSED = (".gz", ".gzip", ".zst")


def _expand(paths: Sequence[str | Path]) -> tuple[list[str], list[str], list[str]]:
    """The files the paths and globs name, each once; plus notes and warnings about repeats."""
    files: list[str] = []
    seen: dict[str, str] = {}
    repeated: list[str] = []
    for raw in paths:
        text = str(raw)
        matched = (
            sorted(glob.glob(text, recursive=True)) if any(c in text for c in "*?[") else [text]
        )
        if not matched:
            raise PaybackError(f"{text}: no file matches")
        for name in matched:
            p = Path(name)
            if p.is_dir():
                raise PaybackError(
                    f"{p}: is a folder; give files or a glob such as {p / '*.jsonl'}"
                )
            if not p.exists():
                raise PaybackError(f"{p}: no such file")
            real = os.path.realpath(name)
            if real in seen:
                repeated.append(name)
                continue
            seen[real] = name
            files.append(name)
    if not files:
        raise PaybackError("no log files given")
    notes, warnings = [], []
    if repeated:
        notes.append(
            f"{_names(sorted(set(repeated)))}: named more than once (the same path twice or "
            "overlapping globs); each file is read once"
        )
    by_stem: dict[str, list[str]] = {}
    for real, name in seen.items():
        stem = real
        for suffix in COMPRESSED:
            if stem.lower().endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        by_stem.setdefault(stem, []).append(name)
    for names in by_stem.values():
        if len(names) > 1:
            warnings.append(
                f"{' and '.join(names)} look like the same log, compressed and not: both are "
                "read, so its requests may count twice; give only one of them"
            )
    return files, notes, warnings


def _kind(path: str) -> str:
    name = path.lower()
    for suffix in COMPRESSED:
        name = name.removesuffix(suffix)
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".json"):
        return "json"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    raise PaybackError(
        f"{path}: unknown file type; expected .csv, .tsv, .json, .jsonl, .ndjson or .parquet (optionally .gz)"
    )


def _delimiter(path: str) -> str:
    name = path.lower()
    for suffix in COMPRESSED:
        name = name.removesuffix(suffix)
    return "\t" if name.endswith(".tsv") else ","


def _lines_sql(files: Sequence[str], *, rejects: bool) -> str:
    """A relation of the files' lines (one VARCHAR column ``line``); lines that are not
    UTF-8 go to DuckDB's reject tables (``rejects``) or are skipped (a peek)."""
    errors = "store_rejects = true" if rejects else "ignore_errors = true"
    return (
        f"read_csv({_sql_list(files)}, columns = {{'line': 'VARCHAR'}}, header = false, "
        "delim = chr(1), quote = '', escape = '', auto_detect = false, strict_mode = false, "
        f"{errors}, max_line_size = {MAX_LINE_BYTES})"
    )


def _head(con: Any, path: str, count: int) -> list[str]:
    """The first ``count`` non-blank lines of a file, decompressed (byte-order mark dropped)."""
    lower = path.lower()
    if lower.endswith(".zst"):  # Python cannot decompress it: DuckDB can
        try:
            rows = con.execute(
                f"SELECT line FROM {_lines_sql([path], rejects=False)} WHERE trim(line) <> '' LIMIT {count}"
            ).fetchall()
        except Exception as exc:
            raise PaybackError(f"{path}: cannot be read ({_first_line(exc)})") from None
        return [str(r[0]).removeprefix("\ufeff") for r in rows]
    import zlib

    lines: list[str] = []
    compressed = lower.endswith((".gz", ".gzip"))
    try:
        with gzip.open(path, "rb") if compressed else open(path, "rb") as fh:
            while len(lines) < count:
                line = fh.readline(PEEK_LINE_BYTES)
                if not line:
                    break
                if not lines:
                    line = line.removeprefix(b"\xef\xbb\xbf")
                if line.strip():
                    lines.append(line.decode("utf-8", "replace").rstrip("\r\n"))
    except gzip.BadGzipFile:
        raise PaybackError(
            f"{path}: not gzip-compressed, though its name ends in {Path(path).suffix}"
        ) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise PaybackError(f"{path}: cannot be read ({_first_line(exc)})") from None
    return lines


# ---------------------------------------------------------------- telling formats apart


def _detect_keys(keys: set[str]) -> str:
    """A format from a record's keys or a table's columns (lower case)."""
    for spec in SPECS.values():
        if spec.marker and keys & {k.lower() for k in spec.marker}:
            return spec.name
    return "generic"


def _detect_record(record: dict[str, Any] | None) -> str:
    if record is None:
        return "generic"
    results = record.get("results", record.get("result"))
    if record.get("object") == "bucket" or (
        "start_time" in record and "end_time" in record and isinstance(results, list)
    ):
        return "openai-usage"
    return _detect_keys({k.lower() for k in record})


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array"


def _first_record(values: list[Any], path: str) -> dict[str, Any] | None:
    """The first log record (an object; pages' ``data`` arrays opened) among parsed values."""
    others = []
    for value in values:
        items = (
            value["data"]
            if isinstance(value, dict) and isinstance(value.get("data"), list)
            else [value]
        )
        for item in items:
            if isinstance(item, dict):
                return item
            others.append(item)
    if others:
        raise PaybackError(
            f"{path}: expected JSON objects, one log record each; found {_json_kind(others[0])}"
        )
    return None


@dataclass
class _Source:
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

    @property
    def label(self) -> str:
        return f"{_names(self.files)} (read as {self.fmt})"


def _sources(con: Any, files: list[str], fmt: str) -> tuple[list[_Source], list[str]]:
    """One relation per group of files of the same kind, layout and format (detected file by
    file for ``auto``), in the order given; plus notes on empty files skipped."""
    groups: dict[tuple[Any, ...], list[str]] = {}
    empty: list[str] = []
    for path in files:
        kind = _kind(path)
        key: tuple[Any, ...]
        if kind == "csv":
            head = _head(con, path, 1)
            if not head:
                empty.append(path)
                continue
            delim = _delimiter(path)
            header = next(csv.reader([head[0]], delimiter=delim), [])
            key, detected = (
                (kind, delim, tuple(header)),
                _detect_keys({h.strip().lower() for h in header}),
            )
        elif kind == "parquet":
            try:
                described = con.execute(
                    f"DESCRIBE SELECT * FROM read_parquet({_sql_list([path])})"
                ).fetchall()
            except Exception as exc:
                raise PaybackError(
                    f"{path}: cannot be read as Parquet ({_first_line(exc)})"
                ) from None
            names = tuple(str(r[0]) for r in described)
            key, detected = (kind, names), _detect_keys({n.lower() for n in names})
        elif kind == "jsonl":
            head = _head(con, path, PEEK_RECORDS)
            if not head:
                empty.append(path)
                continue
            values = []
            for line in head:
                try:
                    values.append(json.loads(line))
                except ValueError:
                    continue
            if not values:
                start = head[0][:40]
                shown = repr(start) if start.isprintable() else "binary data?"
                raise PaybackError(
                    f"{path}: not JSON lines (its first {len(head)} line(s) are not JSON: {shown})"
                )
            key, detected = (kind,), _detect_record(_first_record(values, path))
        else:
            try:
                rows = con.execute(
                    f"SELECT json::VARCHAR FROM read_json_objects({_sql_list([path])}, format = 'auto', "
                    f"maximum_object_size = {MAX_JSON_OBJECT}) LIMIT {PEEK_RECORDS}"
                ).fetchall()
            except Exception as exc:
                raise PaybackError(f"{path}: not valid JSON ({_first_line(exc)})") from None
            if not rows:
                empty.append(path)
                continue
            record = _first_record([json.loads(r[0]) for r in rows], path)
            key, detected = (kind,), _detect_record(record)
        groups.setdefault((fmt if fmt != "auto" else detected, *key), []).append(path)
    if not groups:
        raise PaybackError(f"{_names(empty)}: empty (no records); no rows to read")
    notes = [f"{_names(empty)}: empty (no records), skipped"] if empty else []
    sources = []
    for (chosen, kind, *rest), group in groups.items():
        listed = _sql_list(group)
        if kind == "jsonl":
            sql = (
                "(SELECT j AS json, CASE WHEN j IS NULL THEN line END AS line FROM "
                f"(SELECT TRY_CAST(line AS JSON) AS j, line FROM {_lines_sql(group, rejects=True)} WHERE trim(line) <> ''))"
            )
            sources.append(_Source(sql, True, group, chosen))
            continue
        if kind == "json":
            sql = (
                f"(SELECT json, NULL::VARCHAR AS line FROM read_json_objects({listed}, format = 'auto', "
                f"maximum_object_size = {MAX_JSON_OBJECT}))"
            )
            sources.append(_Source(sql, True, group, chosen))
            continue
        if kind == "parquet":
            sql = f"read_parquet({listed}, union_by_name = true)"
        else:
            delim = "\\t" if rest[0] == "\t" else rest[0]
            sql = (
                f"read_csv({listed}, header = true, all_varchar = true, delim = '{delim}', quote = '\"', "
                f"escape = '\"', strict_mode = false, store_rejects = true, max_line_size = {MAX_LINE_BYTES})"
            )
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM {sql}").fetchall()
        except Exception as exc:
            raise PaybackError(f"{_names(group)}: cannot be read ({_first_line(exc)})") from None
        sources.append(
            _Source(
                sql,
                False,
                group,
                chosen,
                {str(row[0]).lower(): str(row[0]) for row in described},
                {str(row[0]): str(row[1]) for row in described},
            )
        )
    return sources, notes


def _unwrap(source: _Source) -> _Source:
    """JSON records inside ``{"data": [...]}`` pages; for the OpenAI usage API, one record per
    result with its bucket (``{"bucket": ..., "result": ...}``). One pass over the files."""
    if not source.json:
        return source
    rows = (
        "(SELECT unnest(CASE WHEN json_type(json, '$.data') = 'ARRAY' THEN json_extract(json, '$.data[*]') "
        f"ELSE [json] END) AS json, line FROM {source.sql})"
    )
    if source.fmt == "openai-usage":
        rows = (
            "(SELECT CASE WHEN b IS NOT NULL THEN json_object('bucket', b, 'result', r) END AS json, line FROM "
            "(SELECT json AS b, line, unnest(CASE "
            "WHEN json_type(json, '$.results') = 'ARRAY' THEN json_extract(json, '$.results[*]') "
            "WHEN json_type(json, '$.result') = 'ARRAY' THEN json_extract(json, '$.result[*]') "
            f"ELSE [NULL::JSON] END) AS r FROM {rows}))"
        )
    return _Source(rows, True, source.files, source.fmt)


# ---------------------------------------------------------------- normalizing


def _accessor(source: _Source, path: str) -> str | None:
    """SQL text of a dotted field path in a source; None when a table has no such column.

    An object along the path may itself be JSON text (LiteLLM's ``metadata``)."""
    parts = path.split(".")
    if source.json:

        def direct(keys: Sequence[str]) -> str:
            literal = _json_path(keys)
            if source.paths is None:
                return f"(json ->> {literal})"
            return f"v[{source.paths.setdefault(literal, len(source.paths)) + 1}]"

        options = [direct(parts)]
        for cut in range(1, len(parts)):
            options.append(
                f"json_extract_string(TRY_CAST({direct(parts[:cut])} AS JSON), {_json_path(parts[cut:])})"
            )
        return options[0] if len(options) == 1 else "COALESCE(" + ", ".join(options) + ")"
    column = source.columns.get(parts[0].lower())
    if column is None:
        return None
    quoted = '"' + column.replace('"', '""') + '"'
    if len(parts) == 1:
        return quoted
    return f"json_extract_string(TRY_CAST({quoted} AS JSON), {_json_path(parts[1:])})"


def _candidate(source: _Source, candidate: str) -> str | None:
    """One candidate: a path, ``a+b+…`` (the sum of the terms present) or ``a-b``."""
    if "-" in candidate:
        terms = [_accessor(source, p) for p in candidate.split("-")]
        if any(t is None for t in terms):
            return None
        return "CAST((" + " - ".join(f"TRY_CAST({t} AS DOUBLE)" for t in terms) + ") AS VARCHAR)"
    if "+" in candidate:
        present = [t for t in (_accessor(source, p) for p in candidate.split("+")) if t is not None]
        if not present:
            return None
        values = [f"TRY_CAST({t} AS DOUBLE)" for t in present]
        total = " + ".join(f"coalesce({v}, 0)" for v in values)
        none = " AND ".join(f"{v} IS NULL" for v in values)
        return f"CASE WHEN {none} THEN NULL ELSE CAST(({total}) AS VARCHAR) END"
    return _accessor(source, candidate)


def _field(source: _Source, candidates: list[str], explicit: str | None = None) -> str | None:
    """SQL for a field: the first candidate present (a typed column stays typed; several
    candidates are compared as text). A name given with ``--columns`` is taken as it is."""
    if explicit:
        found = _accessor(source, explicit)
        if found is None:
            shown = ", ".join(sorted(source.columns.values()))
            raise PaybackError(
                f"--columns: {explicit!r} is not a column of {_names(source.files)} (columns: {shown[:300]})"
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
    return re.sub(r"\{([^}]+)\}", lambda m: _accessor(source, m.group(1)) or "NULL", template)


def _epoch(x: str) -> str:
    """A UTC time from a unix number in seconds, milliseconds, microseconds or nanoseconds
    (told apart by size: today is 1.7e9 s, 1.7e12 ms, 1.7e15 µs, 1.7e18 ns)."""
    return (
        f"TRY(to_timestamp(CASE WHEN abs({x}) >= 1e17 THEN {x} / 1e9 WHEN abs({x}) >= 1e14 THEN {x} / 1e6 "
        f"WHEN abs({x}) >= 1e11 THEN {x} / 1e3 ELSE {x} END))"
    )


def _timestamp(kind: str) -> str:
    """SQL for ``ts`` from ``ts_raw``: a typed time, a unix number, or ISO text (any offset,
    converted to UTC; naive means UTC) or a unix number as text."""
    if kind == "timestamp":
        return "CAST(ts_raw AS TIMESTAMPTZ)"
    if kind == "number":
        return "CAST(" + _epoch("CAST(ts_raw AS DOUBLE)") + " AS TIMESTAMPTZ)"
    return (
        "CAST(COALESCE(TRY_CAST(ts_raw AS TIMESTAMPTZ), "
        + _epoch("TRY_CAST(ts_raw AS DOUBLE)")
        + ") AS TIMESTAMPTZ)"
    )


def _normalized(source: _Source, explicit: dict[str, str], index: int = 0) -> str:
    """SELECT of the normalized columns (NULL where unreadable), ``keep`` (an LLM call that
    succeeded), ``good`` (usable, see :data:`GOOD`) and ``bad`` (the text of a row that is
    kept but not usable, computed only for those); ``src`` is ``index``, the source's number."""
    spec = SPECS[source.fmt]
    if source.json:
        source = _Source(source.sql, True, source.files, source.fmt, paths={})
    exprs = {name: _field(source, spec.fields.get(name, []), explicit.get(name)) for name in FIELDS}
    missing = [n for n in ("ts", "input", "output") if exprs[n] is None]
    if missing:
        have = (
            ", ".join(sorted(source.columns.values()))
            if not source.json
            else "the JSON records' keys"
        )
        raise PaybackError(
            f"{source.label}: no {' / '.join(missing)} column found in {have[:300]}; name them with "
            "--columns ts=...,input=...,output=...[,cached=...,model=...] (or pick --format)"
        )
    keep = _keep(source, spec.keep)
    relation = source.sql
    if source.json:
        carried = ["json AS raw_json", "line AS raw_line"]
        raw = "coalesce(raw_line, CAST(raw_json AS VARCHAR))"
        listed = ", ".join(source.paths or {})
        relation = f"(SELECT json_extract_string(json, [{listed}]) AS v, json, line\n      FROM {relation})"
    else:
        shown = list(source.columns.values())[:12]
        carried = [f'"{c.replace(chr(34), chr(34) * 2)}" AS raw_{i}' for i, c in enumerate(shown)]
        raw = (
            "concat_ws(',', "
            + ", ".join(f"CAST(raw_{i} AS VARCHAR)" for i in range(len(shown)))
            + ")"
        )
    inner = ",\n         ".join(
        [
            *(f"{exprs[n] or 'NULL'} AS {n}_raw" for n in FIELDS),
            *carried,
            f"coalesce(({keep}), TRUE) AS keep",
        ]
    )
    ts = _timestamp(_type_of(source, exprs["ts"] or ""))
    typed = (
        f"SELECT {ts} AS ts,\n"
        "       model_raw::VARCHAR AS model,\n"
        "       CASE WHEN requests_raw IS NULL THEN 1.0 ELSE TRY_CAST(requests_raw AS DOUBLE) END AS requests,\n"
        "       TRY_CAST(input_raw AS DOUBLE) AS input, TRY_CAST(output_raw AS DOUBLE) AS output,\n"
        "       CASE WHEN cached_raw IS NULL THEN 0.0 ELSE TRY_CAST(cached_raw AS DOUBLE) END AS cached,\n"
        "       TRY_CAST(seconds_raw AS DOUBLE) AS seconds, keep, * EXCLUDE (keep)\n"
        f"FROM (SELECT {inner}\n      FROM {relation})"
    )
    return (
        f"SELECT {index} AS src, ts, model, requests, input, output, cached, seconds, keep, good,\n"
        f"       CASE WHEN keep AND NOT good THEN left(regexp_replace({raw}, '\\s+', ' ', 'g'), 200) END AS bad\n"
        f"FROM (SELECT *, coalesce({GOOD}, FALSE) AS good\n      FROM ({typed}))"
    )


def _parse_columns(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    out = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in FIELDS or not value:
            raise PaybackError(
                f"--columns {text!r}: expected name=column pairs with names from {', '.join(FIELDS)}, "
                "e.g. ts=created,input=prompt_tokens,output=completion_tokens"
            )
        out[key] = value
    return out


# ---------------------------------------------------------------- the queries

HOURLY = """CREATE TEMP TABLE hourly AS
SELECT grouping(qin) + 2 * grouping(qout) AS part, src, hour, model, keep, good, inside, qin, qout,
       count(*) AS n, sum(requests) AS requests, sum(input) AS input, sum(output) AS output,
       sum(cached) AS cached, min(ts) AS first, max(ts) AS last,
       max(ts) FILTER (WHERE seconds IS NULL) AS last_instant,
       max(CASE WHEN good AND seconds IS NOT NULL
                THEN ts + to_microseconds(CAST(seconds * 1e6 AS BIGINT)) END) AS last_end,
       max(seconds) AS seconds,
       bool_and(requests = 1 AND seconds IS NULL) AS per_request,
       bool_and(us % 86400000000 = 0) FILTER (WHERE seconds IS NULL) AS on_days,
       bool_and(us % 3600000000 = 0) FILTER (WHERE seconds IS NULL) AS on_hours,
       min(bad, 3) AS bad
FROM (SELECT *,
             CASE WHEN keep AND good AND inside AND requests = 1 AND seconds IS NULL THEN input END AS qin,
             CASE WHEN keep AND good AND inside AND requests = 1 AND seconds IS NULL THEN output END AS qout
      FROM (SELECT *, epoch_us(ts) AS us, epoch_us(ts) // 3600000000 AS hour,
                   coalesce({inside}, FALSE) AS inside FROM logs))
GROUP BY GROUPING SETS ((src, hour, model, keep, good, inside), (qin), (qout))"""
"""The one pass over the logs: rows grouped by source and clock hour (``hour``: hours since
1970, UTC; part 3) and the counts of each input (part 2) and output (part 1) token value of single
requests, for exact percentiles. Times are split with integer arithmetic on microseconds
(date_trunc on a TIMESTAMPTZ goes through ICU's calendar and is several times slower)."""

COUNTS = """SELECT coalesce(sum(n), 0) AS rows_read,
       coalesce(sum(n) FILTER (WHERE NOT keep), 0) AS not_llm_calls_or_failed,
       coalesce(sum(n) FILTER (WHERE keep AND NOT good), 0) AS unreadable,
       list_sort(flatten(list(bad) FILTER (WHERE bad IS NOT NULL)))[1:3] AS examples
FROM hourly WHERE part = 3"""

REJECTED = """SELECT count(DISTINCT (scan_id, file_id, line)) AS lines, list(DISTINCT left(csv_line, 200))[1:3]
FROM reject_errors  -- CSV or JSON lines DuckDB could not split into the header's columns or decode"""

USED = "CREATE TEMP VIEW used AS SELECT * FROM hourly WHERE part = 3 AND keep AND good AND inside"

TOTALS = """SELECT coalesce(sum(n), 0), sum(requests), sum(input), sum(output), sum(cached),
       min(first), max(last), bool_and(per_request), count(DISTINCT coalesce(model, '(none)'))
FROM used"""

SOURCES = """SELECT src, bool_and(on_days) AS dates_only, bool_and(on_hours) AS whole_hours,
       max(seconds) AS bucket_seconds
FROM used GROUP BY src ORDER BY src  -- each source's timestamp resolution and bucket length"""

ENDS = """SELECT date_trunc('month', to_timestamp(hour * 3600))::DATE AS month, src,
       max(last_instant), max(last_end)
FROM used GROUP BY ALL  -- where each source's data ends in each month"""

MONTHS = """SELECT date_trunc('month', to_timestamp(hour * 3600))::DATE AS month, sum(requests),
       sum(input), sum(output), sum(cached), min(first), max(requests) AS busiest_hour
FROM (SELECT hour, sum(requests) AS requests, sum(input) AS input, sum(output) AS output,
             sum(cached) AS cached, min(first) AS first
      FROM used GROUP BY hour)
GROUP BY 1 ORDER BY 1"""

MODELS = f"""SELECT coalesce(model, '(none)') AS model, sum(requests), sum(input), sum(output), sum(cached)
FROM used GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {MODELS_SHOWN}"""

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
--   timestamps' resolution: whole days when every row without a bucket length is at 00:00 UTC,
--     whole hours when every one is at :00; a row then stands for that day or hour;
--   a month is complete when the logs cover it from its start to its end: the first request
--     within max(1 h, bucket length) of its start, or requests in the month before; likewise
--     at its end; months without requests inside the span are left out (and warned about);
--   requests_per_month = the last complete month's requests / its days * 30.4375 (365.25 / 12);
--     with no complete month: requests / covered clock hours * 730.5;
--   growth_monthly = exp(slope) - 1 of a least-squares fit of ln(requests per day) on the
--     month number over the complete months (0 with fewer than two);
--   peak_to_average = the busiest clock hour's requests / (requests / hours) over the
--     complete months (else the covered hours); not measured for buckets over an hour;
--   input_tokens, output_tokens = sum / requests; cached_input_share = cached / input."""


def _pipeline(
    sources: list[_Source],
    explicit: dict[str, str],
    model: str | None,
    since: dt.date | None,
    until: dt.date | None,
) -> list[str]:
    """The statements that build ``logs`` and ``hourly``: the only ones that read the files."""
    body = "\nUNION ALL BY NAME\n".join(
        f"({_normalized(_unwrap(s), explicit, k)})" for k, s in enumerate(sources)
    )
    conditions = ["TRUE"]
    if since:
        conditions.append(f"ts >= TIMESTAMPTZ '{since.isoformat()} 00:00:00+00'")
    if until:
        conditions.append(
            f"ts < TIMESTAMPTZ '{(until + dt.timedelta(days=1)).isoformat()} 00:00:00+00'"
        )
    if model:
        conditions.append("model = " + _sql_str(model))
    return [
        "SET TimeZone = 'UTC'",
        f"CREATE TEMP VIEW logs AS\n{body}",
        HOURLY.replace("{inside}", " AND ".join(conditions)),
    ]


def _check_options(fmt: str, since: dt.date | None, until: dt.date | None) -> None:
    if fmt not in FORMATS:
        raise PaybackError(f"--format {fmt!r}: unknown; allowed: {', '.join(FORMATS)}")
    if since and until and since > until:
        raise PaybackError(f"--since {since} is after --until {until}")


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
    _check_options(fmt, since, until)
    explicit = _parse_columns(columns)
    if paths:
        files, _, _ = _expand(paths)
        sources, _ = _sources(_connect(), files, fmt)
        shown = " + ".join(dict.fromkeys(s.fmt for s in sources))
        where = f"-- The logs: {_names(files)}, read with DuckDB's readers below."
    else:
        shown = "generic" if fmt == "auto" else fmt
        sources = [
            _Source("(SELECT json, NULL::VARCHAR AS line FROM raw_logs)", True, ["raw_logs"], shown)
        ]
        where = (
            "-- The logs: a table raw_logs(json JSON), one log record per row, e.g.\n"
            "--   CREATE TABLE raw_logs AS SELECT json FROM read_json_objects('logs/*.json');"
        )
        if fmt == "auto":
            where += "\n-- (--format auto tells formats apart from the files; without them, generic is shown)"
    statements = [
        *_pipeline(sources, explicit, model, since, until),
        COUNTS,
        USED,
        TOTALS,
        SOURCES,
        MONTHS,
        ENDS,
        MODELS,
        PERCENTILES,
    ]
    if any(not s.json or s.sql.startswith("(SELECT j AS json") for s in sources):
        statements.insert(4, REJECTED)
    return (
        f"-- DuckDB SQL: the queries `payback usage` runs on {shown} logs, in order (DuckDB's\n"
        "-- JSON functions, TRY, GROUPING SETS and min(x, n): other engines need a translation).\n"
        f"{where}\n\n" + ";\n\n".join(statements) + ";\n\n" + AFTER + "\n"
    )


# ---------------------------------------------------------------- the profile


@dataclass(frozen=True)
class UsageProfile:
    """What the logs say about the workload, in the scenario's ``[traffic]`` terms."""

    traffic: dict[str, float]
    """``requests_per_month``, ``growth_monthly``, ``input_tokens``, ``output_tokens``,
    ``cached_input_share`` and ``peak_to_average`` (absent when not measured: buckets longer
    than an hour), ready for a scenario's ``[traffic]``."""
    token_percentiles: dict[str, dict[str, float] | None]
    """p50/p90/p99 of input and output tokens per request (``None`` for pre-aggregated logs)."""
    by_month: list[dict[str, Any]]
    by_model: list[dict[str, Any]]
    """The :data:`MODELS_SHOWN` models with the most requests (``models`` says how many)."""
    rows: dict[str, Any]
    """``read``, ``used``, ``unreadable`` (with ``examples``), ``not_llm_calls_or_failed``
    (other kinds of rows, failed requests) and ``filtered_out`` (by --since/--until/--model)."""
    span: dict[str, Any]
    """First and last timestamp (UTC), the end of the data covered, the hours the mean hour
    is taken over, the complete and the empty months, and the bucket length in seconds."""
    format: str
    files: list[str]
    formats: dict[str, str]
    """Each file's format (detected file by file with ``auto``)."""
    models: int
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Month:
    start: dt.datetime
    following: dt.datetime
    requests: float
    input: float
    output: float
    cached: float
    first: dt.datetime
    end: dt.datetime
    busiest: float
    complete: bool = False

    @property
    def index(self) -> int:
        return 12 * self.start.year + self.start.month - 1

    @property
    def days(self) -> int:
        return (self.following - self.start).days


def _utc(value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise PaybackError(f"a timestamp DuckDB returned cannot be used: {value!r}")
    return value.astimezone(dt.UTC)


def _floor_hour(t: dt.datetime) -> dt.datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def _ceil_hour(t: dt.datetime) -> dt.datetime:
    return _floor_hour(t - dt.timedelta(microseconds=1)) + dt.timedelta(hours=1)


def _month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


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
    _check_options(fmt, since, until)
    explicit = _parse_columns(columns)
    files, notes, warnings = _expand(paths)
    con = _connect()
    sources, skipped = _sources(con, files, fmt)
    notes += skipped
    formats = {f: s.fmt for s in sources for f in s.files}
    chosen = " + ".join(dict.fromkeys(s.fmt for s in sources))
    names = _names([f for s in sources for f in s.files])
    for statement in _pipeline(sources, explicit, model, since, until):
        try:
            con.execute(statement)
        except PaybackError:
            raise
        except Exception as exc:  # a file DuckDB cannot parse at all
            raise PaybackError(
                f"{names}: cannot be read as {chosen} logs ({_first_line(exc)})"
            ) from None
    read, skipped_rows, unreadable, bad = _one(con, COUNTS)
    try:
        rejected, rejected_examples = _one(con, REJECTED)
    except Exception:  # nothing was read as CSV or JSON lines: DuckDB has no reject tables then
        rejected, rejected_examples = 0, []
    examples = [str(x) for x in (bad or [])] + [str(x) for x in (rejected_examples or [])]
    con.execute(USED)
    usable = read - skipped_rows - unreadable
    (
        count,
        requests,
        inputs,
        outputs,
        cached,
        first,
        last,
        per_request,
        models,
    ) = _one(con, TOTALS)
    if not count:
        if read + rejected == 0:
            raise PaybackError(f"{names}: no rows; expected {chosen} request logs")
        if usable == 0:
            raise PaybackError(
                f"{names}: none of the {read + rejected:,} rows could be read as {chosen} logs "
                f"(first: {examples[0] if examples else '?'})"
            )
        raise PaybackError(
            f"no requests left after --since/--until/--model ({usable:,} usable rows before filtering)"
        )
    # rows without a bucket length stand for an instant, or for the day or hour their
    # timestamps resolve (dates only, or whole hours), told source by source
    grains: dict[int, float] = {}
    bucket = 0.0
    for src, dates_only, whole_hours, seconds in con.execute(SOURCES).fetchall():
        grains[src] = 86400.0 if dates_only else 3600.0 if whole_hours else 0.0
        bucket = max(bucket, grains[src], float(seconds or 0.0))
    data_ends: dict[dt.date, list[dt.datetime]] = {}
    for month, src, last_instant, last_end in con.execute(ENDS).fetchall():
        grain = grains[src]
        step = dt.timedelta(seconds=grain) if grain else dt.timedelta(microseconds=1)
        ends = data_ends.setdefault(month, [])
        ends += [_utc(last_instant) + step] if last_instant is not None else []
        ends += [_utc(last_end)] if last_end is not None else []
    months: list[_Month] = []
    for start, r, i, o, c, m_first, busiest in con.execute(MONTHS).fetchall():
        begin = dt.datetime(start.year, start.month, 1, tzinfo=dt.UTC)
        months.append(
            _Month(
                begin,
                dt.datetime(begin.year + begin.month // 12, begin.month % 12 + 1, 1, tzinfo=dt.UTC),
                float(r),
                float(i),
                float(o),
                float(c),
                _utc(m_first),
                max(data_ends[start]),
                float(busiest),
            )
        )
    present = {m.index for m in months}
    slack = max(3600.0, bucket)
    # covered from its first hour to its last; a month with requests next to it covers the edge
    for m in months:
        starts = m.index - 1 in present or (m.first - m.start).total_seconds() <= slack
        reaches_end = m.index + 1 in present or (m.following - m.end).total_seconds() <= slack
        m.complete = starts and reaches_end
    empty = sorted(set(range(months[0].index, months[-1].index + 1)) - present)
    if empty:
        shown = (
            ", ".join(_month_label(i) for i in empty)
            if len(empty) <= 4
            else f"{_month_label(empty[0])} … {_month_label(empty[-1])}"
        )
        warnings.append(
            f"no requests in {len(empty):,} month(s) inside the logs' span ({shown}): a stray "
            "timestamp or a gap in the logs; those months are left out of every figure"
        )
    full = [m for m in months if m.complete]
    if full:
        window, hours = full, sum(m.days * 24.0 for m in full)
        requests_per_month = full[-1].requests / full[-1].days * DAYS_PER_MONTH
    else:
        window, hours = months, 0.0
        for m in months:
            lo = m.start if m.index - 1 in present else _floor_hour(m.first)
            hi = m.following if m.index + 1 in present else _ceil_hour(m.end)
            hours += (hi - lo).total_seconds() / 3600
        requests_per_month = sum(m.requests for m in months) / hours * HOURS_PER_MONTH
        notes.append(
            f"no complete calendar month in the logs: requests_per_month scales {hours:,.0f} "
            f"covered hours to a {HOURS_PER_MONTH:g}-hour month (365.25 / 12 days)"
        )
    if len(full) >= 2:
        xs = [float(m.index) for m in full]
        ys = [math.log(m.requests / m.days) for m in full]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
            (x - mx) ** 2 for x in xs
        )
        growth = math.exp(slope) - 1.0
    else:
        growth = 0.0
        notes.append("fewer than two complete months: growth_monthly is 0")
    traffic = {
        "requests_per_month": float(requests_per_month),
        "growth_monthly": float(growth),
        "input_tokens": float(inputs) / float(requests),
        "output_tokens": float(outputs) / float(requests),
        "cached_input_share": float(cached) / float(inputs) if inputs else 0.0,
    }
    if bucket > 3600:
        why = (
            "the timestamps are whole days (dates without a time)"
            if bucket == 86400 and 86400 in grains.values()
            else f"the logs count requests in buckets of {bucket / 3600:g} hours"
        )
        notes.append(
            f"{why}, so the busiest hour is unknown: peak_to_average is not measured (-o keeps "
            "the scenario's own); logs per request or in hourly buckets (the OpenAI usage API's "
            "bucket_width=1h) measure it"
        )
    else:
        mean_hour = sum(m.requests for m in window) / hours
        peak = max(1.0, max(m.busiest for m in window) / mean_hour)
        if peak > 730:
            notes.append(
                f"the busiest hour is {peak:,.0f} mean hours; peak_to_average is capped at 730"
            )
            peak = 730.0
        traffic["peak_to_average"] = peak
    if not per_request:
        notes.append("the logs count requests in buckets: token percentiles are unknown")
    percentiles: dict[str, dict[str, float] | None] = {"input_tokens": None, "output_tokens": None}
    if per_request:
        for name, p, value in con.execute(PERCENTILES).fetchall():
            entry = percentiles.setdefault(f"{name}_tokens", None) or {}
            entry[f"p{round(float(p) * 100)}"] = float(value)
            percentiles[f"{name}_tokens"] = entry
    by_model = [
        {
            "model": name,
            "requests": float(r),
            "share": float(r) / float(requests),
            "input_tokens": float(i) / float(r),
            "output_tokens": float(o) / float(r),
            "cached_input_share": float(c) / float(i) if i else 0.0,
        }
        for name, r, i, o, c in con.execute(MODELS).fetchall()
    ]
    if models > MODELS_SHOWN:
        notes.append(f"by model: the {MODELS_SHOWN} models with the most requests of {models:,}")
    return UsageProfile(
        traffic=traffic,
        token_percentiles=percentiles,
        by_month=[
            {
                "month": m.start.strftime("%Y-%m"),
                "requests": m.requests,
                "requests_per_day": m.requests / m.days if m.complete else None,
                "input_tokens": m.input / m.requests,
                "output_tokens": m.output / m.requests,
                "cached_input_share": m.cached / m.input if m.input else 0.0,
                "complete": m.complete,
            }
            for m in months
        ],
        by_model=by_model,
        rows={
            "read": int(read + rejected),
            "used": int(count),
            "unreadable": int(unreadable + rejected),
            "examples": examples[:5],
            "not_llm_calls_or_failed": int(skipped_rows),
            "filtered_out": int(usable - count),
        },
        span={
            "first": _utc(first).isoformat(),
            "last": _utc(last).isoformat(),
            "end": max(m.end for m in months).isoformat(),
            "hours": hours,
            "complete_months": [m.start.strftime("%Y-%m") for m in full],
            "empty_months": [_month_label(i) for i in empty],
            "bucket_seconds": bucket,
        },
        format=chosen,
        files=files,
        formats=formats,
        models=int(models),
        notes=notes,
        warnings=warnings,
    )


# ---------------------------------------------------------------- showing it


def render_profile(profile: UsageProfile) -> Any:
    """The measured traffic, the months and models behind it, and what could not be read
    (a Rich renderable)."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    traffic, p = profile.traffic, profile.token_percentiles

    def spread(name: str) -> str:
        q = p[name]
        return f"; p50 {q['p50']:,.0f}, p90 {q['p90']:,.0f}, p99 {q['p99']:,.0f}" if q else ""

    full = profile.span["complete_months"]
    rows = {
        "requests_per_month": f"{traffic['requests_per_month']:,.0f}  "
        + (
            f"(requests per day in {full[-1]} × {DAYS_PER_MONTH:g})"
            if full
            else f"(requests per covered hour × {HOURS_PER_MONTH:g})"
        ),
        "growth_monthly": f"{traffic['growth_monthly']:+.2%}  (log-linear fit of requests per day over complete months)",
        "input_tokens": f"{traffic['input_tokens']:,.1f} mean" + spread("input_tokens"),
        "output_tokens": f"{traffic['output_tokens']:,.1f} mean" + spread("output_tokens"),
        "cached_input_share": f"{traffic['cached_input_share']:.1%}  (cached / input tokens)",
        "peak_to_average": (
            f"{traffic['peak_to_average']:.2f}  (busiest hour / mean hour)"
            if "peak_to_average" in traffic
            else "not measured  (no hourly detail in the logs)"
        ),
    }
    summary = Table(
        box=box.SIMPLE_HEAD,
        title=f"Traffic from {len(profile.files)} file(s), {profile.format} format",
        title_justify="left",
        show_header=False,
    )
    summary.add_column(style="bold")
    summary.add_column()
    for key, value in rows.items():
        summary.add_row(key, value)
    parts: list[Any] = [summary]
    months = Table(box=box.SIMPLE_HEAD, title="By month (UTC)", title_justify="left")
    for name in ("month", "requests", "per day", "input tok", "output tok", "cached", "complete"):
        months.add_column(name, justify="left" if name == "month" else "right")
    for row in profile.by_month:
        per_day = row["requests_per_day"]
        months.add_row(
            row["month"],
            f"{row['requests']:,.0f}",
            "" if per_day is None else f"{per_day:,.1f}",
            f"{row['input_tokens']:,.0f}",
            f"{row['output_tokens']:,.0f}",
            f"{row['cached_input_share']:.0%}",
            "yes" if row["complete"] else "partial",
        )
    parts.append(months)
    if len(profile.by_model) > 1 or profile.by_model[0]["model"] != "(none)":
        shown = min(10, len(profile.by_model))
        title = (
            "By model"
            if profile.models <= shown
            else f"By model (the {shown} largest of {profile.models:,})"
        )
        models = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
        for name in ("model", "share", "input tok", "output tok"):
            models.add_column(name, justify="left" if name == "model" else "right")
        for row in profile.by_model[:shown]:
            models.add_row(
                row["model"],
                f"{row['share']:.1%}",
                f"{row['input_tokens']:,.0f}",
                f"{row['output_tokens']:,.0f}",
            )
        parts.append(models)
    r = profile.rows
    parts.append(
        Text(
            f"Rows: {r['read']:,} read, {r['used']:,} used, {r['unreadable']:,} unreadable, "
            f"{r['not_llm_calls_or_failed']:,} not LLM calls or failed, {r['filtered_out']:,} outside the filters.",
            style="dim",
        )
    )
    for example in r["examples"]:
        parts.append(Text(f"  unreadable: {example}", style="dim"))
    return Group(*parts)
