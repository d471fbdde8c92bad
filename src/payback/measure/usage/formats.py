"""The log formats ``payback usage`` reads, where each keeps each field, and how a file's
format is told from its first records or its columns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from payback.errors import PaybackError
from payback.limits import FIRST_DAY, LAST_DAY

__all__ = [
    "BARE_NAMES",
    "COMMA",
    "FIELDS",
    "FORMATS",
    "GENERIC",
    "SPECS",
    "FormatSpec",
    "bare_column",
    "check_options",
    "detect_keys",
    "detect_record",
    "first_record",
    "no_column_text",
    "parse_columns",
    "said_filters",
]

FORMATS = ("auto", "generic", "openai-usage", "litellm", "langfuse", "helicone", "otel")
FIELDS = ("ts", "input", "output", "cached", "model", "requests", "seconds", "id")
"""Normalized columns: time (UTC), tokens, model, requests the row stands for (1 for a
request, the count for a bucket), the bucket's length in seconds (none for a request) and
the request's id, where the format has one (a row whose id came before is a duplicate:
dropped and counted)."""

COMMA = "token counts with a comma that is not a thousands separator (such as 1,5)"
"""Why a row whose token count is text with a comma is not used: digits grouped by commas
(``1,234``, as a spreadsheet exports them) read as the number; any other comma (``1,5``:
one and a half, or fifteen?) is no number."""

NOT_FINITE = "token counts that are not finite numbers"
"""Why a row whose token count is NaN or infinite is not used (a floating-point column
holds them; text such as ``1e999`` reads as one)."""

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
        "tokens_input",
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
        "tokens_output",
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
    "requests": ["requests", "num_requests", "num_model_requests", "request_count"],
    "id": ["request_id", "requestId", "id", "call_id"],
}
"""Common spellings of each field (case-insensitive; dots walk into nested JSON)."""


BARE_NAMES: dict[str, tuple[str, ...]] = {"input": ("input", "in"), "output": ("output", "out")}
"""Bare names of the token columns, read as them only in a table of generic logs (a CSV,
whose columns are all read as text, or a column that holds numbers), never a JSON record's:
there ``input`` and ``output`` are more often the prompt's and the answer's text
(Langfuse's are). A column of text read so gives rows that are not numbers, each counted
and shown."""

_FIELD_WORDS = {"ts": "time", "input": "input-token", "output": "output-token"}


def bare_column(name: str, lower: dict[str, str], fits: Callable[[str], bool]) -> str | None:
    """The column (its real name) a bare name of field ``name`` finds among ``lower`` (lower
    case → real name), where it ``fits`` (by its real name); ``None`` otherwise."""
    for bare in BARE_NAMES.get(name, ()):
        real = lower.get(bare)
        if real is not None and fits(real):
            return real
    return None


def no_column_text(missing: list[str], have: str, fields: dict[str, list[str]], bare: bool) -> str:
    """'no input-token / output-token column among: ...', with the names each field is
    recognised by (``bare``: a table of generic logs, where :data:`BARE_NAMES` count too).

    >>> no_column_text(["output"], "a, b", {"output": ["output_tokens", "tokens_out"]}, True)
    'no output-token column among: a, b (recognised names, any case: output-token: output_tokens, tokens_out, or output or out holding numbers)'
    """
    known = []
    for name in missing:
        names = ", ".join(fields.get(name, []))
        if bare and name in BARE_NAMES:
            names += f", or {' or '.join(BARE_NAMES[name])} holding numbers"
        known.append(f"{_FIELD_WORDS.get(name, name)}: {names}")
    what = " / ".join(_FIELD_WORDS.get(name, name) for name in missing)
    return f"no {what} column among: {have} (recognised names, any case: {'; '.join(known)})"


@dataclass(frozen=True)
class FormatSpec:
    """Where a log format keeps each field.

    Each field lists candidate paths (dots walk into nested JSON, which may also be JSON
    text); the first that is present wins. ``a+b`` adds the paths that are present (none
    present: absent); ``a-b`` subtracts (both must be present).
    ``keep`` is a SQL condition with ``{path}`` placeholders that keeps LLM calls that
    succeeded; ``marker`` keys identify the format when it is ``auto``.
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
            "id": ["request_id"],
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
            "id": ["id"],
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
            "id": ["request_id", "heliconeMetadata.requestId"],
        },
        keep=(
            "coalesce(TRY_CAST({response_status} AS INTEGER), TRY_CAST({heliconeMetadata.status.code} AS INTEGER), 200) = 200 "
            "AND {response_body.error.message} IS NULL"
        ),
        marker=("request_created_at", "response_status", "heliconeMetadata"),
    ),
    "otel": FormatSpec(
        "otel",
        # OTLP JSON (an OpenTelemetry collector's file exporter): each span of each
        # resourceSpans[].scopeSpans[] becomes a record of these keys (normalize.unwrap),
        # read from the GenAI semantic conventions' attributes
        {
            "ts": ["ts"],
            "input": ["input"],
            "output": ["output"],
            "cached": ["cached"],
            "model": ["model"],
            "id": ["id"],
        },
        # an LLM call carries token counts; status code 2 is ERROR
        keep="{input} IS NOT NULL AND coalesce({status}, '0') NOT IN ('2', 'STATUS_CODE_ERROR')",
        marker=("resourceSpans",),
    ),
}

OTEL_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "input": ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"),
    "output": ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"),
    "cached": ("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens"),
    "model": ("gen_ai.response.model", "gen_ai.request.model"),
}
"""The GenAI semantic conventions' span attributes for each field, current name first
(``gen_ai.usage.prompt_tokens`` and ``completion_tokens`` are the older names)."""


def _finds(fields: dict[str, list[str]], keys: set[str]) -> bool:
    """Whether ``keys`` (lower case) hold a time, an input-token and an output-token column
    among ``fields``' candidates (a dotted path by its first key; ``a+b`` by any term)."""

    def present(candidate: str) -> bool:
        terms = candidate.replace("-", "+").split("+")
        return any(term.split(".")[0].lower() in keys for term in terms)

    return all(any(present(c) for c in fields.get(n, [])) for n in ("ts", "input", "output"))


def detect_keys(keys: set[str]) -> str:
    """A format from a record's keys or a table's columns (lower case): the first whose
    marker is among them, unless the generic layout finds its time and token columns there
    and that format does not (a generic log with one more column, ``spend`` or
    ``traceId``, is still a generic log).

    >>> detect_keys({"timestamp", "input_tokens", "output_tokens", "spend"})
    'generic'
    >>> detect_keys({"starttime", "prompt_tokens", "completion_tokens", "spend"})
    'litellm'
    """
    generic = _finds(GENERIC, keys)
    for spec in SPECS.values():
        if spec.marker and keys & {k.lower() for k in spec.marker}:
            if generic and not _finds(spec.fields, keys):
                continue
            return spec.name
    return "generic"


def detect_record(record: dict[str, Any] | None) -> str:
    """A format from a file's first log record (``generic`` without one)."""
    if record is None:
        return "generic"
    results = record.get("results", record.get("result"))
    if record.get("object") == "bucket" or (
        "start_time" in record and "end_time" in record and isinstance(results, list)
    ):
        return "openai-usage"
    return detect_keys({k.lower() for k in record})


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


def first_record(values: list[Any], path: str) -> dict[str, Any] | None:
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


def parse_columns(text: str | None) -> dict[str, str]:
    """Columns named for fields, ``ts=created,input=prompt_tokens``: field → column."""
    if not text:
        return {}
    out: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in FIELDS or not value:
            raise PaybackError.bad(
                "columns",
                repr(text),
                f"expected name=column pairs with names from {', '.join(FIELDS)}, "
                "e.g. ts=created,input=prompt_tokens,output=completion_tokens",
            )
        if key in out and out[key] != value:
            raise PaybackError.bad(
                "columns",
                repr(text),
                f"{key} is named twice ({out[key]} and {value}); name each field once",
            )
        out[key] = value
    return out


def check_options(fmt: str, since: dt.date | None, until: dt.date | None) -> None:
    """An unknown format, or a since date after the until date: one line."""
    if fmt not in FORMATS:
        raise PaybackError.bad("format", repr(fmt), f"unknown; allowed: {', '.join(FORMATS)}")
    for name, day in (("since", since), ("until", until)):
        if day is not None and not isinstance(day, dt.date):  # a string: one line, no TypeError
            raise PaybackError.bad(
                name,
                repr(day),
                f"a date (datetime.date, such as datetime.date(2026, 1, 1)), not "
                f"{type(day).__name__}",
            )
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise PaybackError.bad(
                name,
                day.isoformat(),
                f"a day from {FIRST_DAY} to {LAST_DAY} (a time outside is unreadable in a log)",
            )
    if since and until and since > until:
        raise PaybackError.bad(
            "since", since.isoformat(), f"must not be after the until date ({until.isoformat()})"
        )


def said_filters(model: str | None, since: dt.date | None, until: dt.date | None) -> str:
    """The filters given, for a message (``model 'x', since 2026-04-01``)."""
    given = [
        f"model {model!r}" if model is not None else "",
        f"since {since.isoformat()}" if since else "",
        f"until {until.isoformat()}" if until else "",
    ]
    return ", ".join(filter(None, given))
