"""Request ids where the reading can match them and where it cannot: an OpenTelemetry span
exported twice (the same trace and span ids) is one request; a database table's ids are
not matched by the engine's grouped scan, so duplicates is not counted (None, noted), not
a measured 0."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from payback import profile_usage
from payback.measure.usage import profile_database
from payback.measure.usage.partial import UNCHECKED_IDS


def span(k: int) -> dict[str, object]:
    attributes = [
        {"key": "gen_ai.request.model", "value": {"stringValue": "m"}},
        {"key": "gen_ai.usage.input_tokens", "value": {"intValue": str(1000 + k)}},
        {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "100"}},
    ]
    start = 1_772_323_200 + 3600 * k  # 2026-03-01 00:00 UTC, then hourly
    return {
        "traceId": f"{k:032x}",
        "spanId": f"{k:016x}",
        "startTimeUnixNano": str(start * 10**9),
        "attributes": attributes,
        "status": {},
    }


def export(spans: list[dict[str, object]]) -> str:
    return json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]}) + "\n"


def test_a_span_exported_twice_is_one_request(tmp_path: Path) -> None:
    """Spans 0 to 9, then 5 to 14 in a second export line: 20 spans read, 5 repeats."""
    path = tmp_path / "spans.jsonl"
    path.write_text(export([span(k) for k in range(10)]) + export([span(k) for k in range(5, 15)]))
    got = profile_usage([path])
    assert got.rows["read"] == 20
    assert got.rows["duplicates"] == 5
    assert got.rows["used"] == 15
    assert got.traffic["input_tokens"] == 1007.0  # 1000 + mean of 0..14


def test_a_tables_ids_are_said_to_be_unchecked(tmp_path: Path) -> None:
    """A DuckDB table with request_id, r1 twice: counted twice, duplicates None and noted
    (it had said 0 beside the same logs as CSV's 1); a table without ids, 0 and no note."""
    db = tmp_path / "logs.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE requests AS SELECT 'r' || (i % 9) AS request_id, "
        "TIMESTAMPTZ '2026-03-01 00:30:00+00' + i * INTERVAL 1 HOUR AS created_at, "
        "1000 AS prompt_tokens, 100 AS completion_tokens FROM range(10) t(i)"
    )
    con.execute(
        "CREATE TABLE bare AS SELECT created_at, prompt_tokens, completion_tokens FROM requests"
    )
    con.close()
    got = profile_database(str(db), table="requests")
    assert got.rows["duplicates"] is None
    assert got.rows["used"] == 10
    assert UNCHECKED_IDS in got.notes
    bare = profile_database(str(db), table="bare")
    assert bare.rows["duplicates"] == 0  # no ids to match, as for files without them
    assert UNCHECKED_IDS not in bare.notes
