"""What the ``otel`` format reads, said where a file is not it: OTLP JSON spans, whose token
counts are the GenAI semantic conventions' span attributes
(:data:`~payback.measure.usage.formats.OTEL_ATTRIBUTES`). A table (a CSV, a Parquet file)
or JSON records without ``resourceSpans`` are not spans: one line says so, rather than
listing the names the spans' fields are given inside payback, or counting every record as
"not an LLM call"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from payback.errors import PaybackError
from payback.measure.usage.formats import OTEL_ATTRIBUTES
from payback.measure.usage.sql import Source

__all__ = ["check_otel_spans", "otel_table_text", "what_otel_reads"]


def what_otel_reads() -> str:
    """What OTLP spans need, in the attributes' real names.

    >>> print(what_otel_reads())  # doctest: +NORMALIZE_WHITESPACE
    the otel format reads OTLP JSON, as an OpenTelemetry collector's file exporter writes
    it: resourceSpans[].scopeSpans[].spans[], each with startTimeUnixNano and the span attributes
    gen_ai.usage.input_tokens and gen_ai.usage.output_tokens (or gen_ai.usage.prompt_tokens
    and gen_ai.usage.completion_tokens)
    """
    (new_in, old_in), (new_out, old_out) = OTEL_ATTRIBUTES["input"], OTEL_ATTRIBUTES["output"]
    return (
        "the otel format reads OTLP JSON, as an OpenTelemetry collector's file exporter "
        "writes it: resourceSpans[].scopeSpans[].spans[], each with startTimeUnixNano and the span "
        f"attributes {new_in} and {new_out} (or {old_in} and {old_out})"
    )


def otel_table_text(label: str, have: str) -> str:
    """The line for a table (CSV, Parquet) read as OTLP spans (in the library's words:
    the command line names its flags, :data:`payback.cli._advice.LIBRARY_ADVICE`)."""
    return (
        f"{label}: not OTLP spans but a table, of columns {have}; {what_otel_reads()}. Pick "
        "the table's format (auto finds it), or read it as generic logs, naming its columns "
        "with columns ts=...,input=...,output=...[,cached=...,model=...]"
    )


def check_otel_spans(con: Any, sources: Sequence[Source]) -> None:
    """One line for a source of JSON records read as ``otel`` of which none holds
    ``resourceSpans`` (an OpenAI usage export, LiteLLM's logs): their records are not spans,
    not "not LLM calls". One query a source, which stops at the first span."""
    for source in sources:
        if not source.json or source.fmt != "otel":
            continue
        spans = (
            f"SELECT 1 FROM {source.sql} WHERE json_type(json, '$.resourceSpans') = 'ARRAY' LIMIT 1"
        )
        if con.execute(spans).fetchone() is not None:
            continue
        (records,) = con.execute(f"SELECT count(*) FROM {source.sql}").fetchone()
        raise PaybackError(
            f"{source.label}: not OTLP spans: "
            + (
                "its one record holds no resourceSpans; "
                if records == 1
                else f"none of its {records:,} records hold resourceSpans; "
            )
            + f"{what_otel_reads()}. Pick the logs' format (auto finds it)"
        )
