"""Which columns of a generic log decide how it is read.

A per-request log with a column named ``count`` (a message count, 3 on every row) was read
as bucketed request counts: three times the requests and a third of the tokens each, and
nothing said which column was read so."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run
from payback import profile_usage


def words(text: str) -> str:
    return " ".join(text.split())


def test_a_bare_count_column_is_not_read_as_request_counts(tmp_path: Path) -> None:
    """Four requests of 1,000/200 tokens, each with ``count`` 3: 4 requests (it read 12),
    1,000 input tokens a request (it read 333.3), and no note of request counts."""
    logs = tmp_path / "messages.csv"
    logs.write_text(
        "request_id,timestamp,input_tokens,output_tokens,count\n"
        + "".join(f"r{h},2026-03-05T{h:02d}:00:00Z,1000,200,3\n" for h in (1, 7, 13, 19))
    )
    profile = profile_usage([logs])
    assert profile.by_month[0]["requests"] == 4
    assert profile.traffic["input_tokens"] == 1000.0
    assert profile.traffic["output_tokens"] == 200.0
    assert profile.token_percentiles["input_tokens"] is not None  # per request, not buckets
    assert not [n for n in profile.notes if "request counts" in n]


def test_the_column_read_as_request_counts_is_named(tmp_path: Path) -> None:
    """A ``requests`` column (3 and 1: 4 requests, 1,600 input tokens) is read as the
    requests each row stands for, and the note names it and its file."""
    logs = tmp_path / "buckets.csv"
    logs.write_text(
        "timestamp,requests,input_tokens,output_tokens\n"
        "2026-03-05T10:00:00Z,3,1200,300\n2026-03-05T11:00:00Z,1,400,100\n"
    )
    profile = profile_usage([logs])
    assert profile.by_month[0]["requests"] == 4
    assert profile.traffic["input_tokens"] == 400.0  # 1,600 / 4
    said = (
        f"{logs}: column 'requests' read as request counts (each row stands for that many "
        "requests, as a bucket does; a row without one is one request)"
    )
    assert said in profile.notes
    code, out, err = run("usage", logs)
    assert code == 0, err
    assert words(f"note: {said}") in words(out + err)


def test_a_json_key_read_as_request_counts_is_named(tmp_path: Path) -> None:
    """JSON lines whose second record has ``num_requests`` 2: 3 requests, the key named
    (a record without it is one request)."""
    logs = tmp_path / "buckets.jsonl"
    logs.write_text(
        '{"timestamp":"2026-03-05T10:00:00Z","input_tokens":300,"output_tokens":60}\n'
        '{"timestamp":"2026-03-05T11:00:00Z","num_requests":2,"input_tokens":600,'
        '"output_tokens":120}\n'
    )
    code, out, err = run("usage", logs, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["by_month"][0]["requests"] == 3
    assert any(f"{logs}: column 'num_requests' read as request counts" in n for n in data["notes"])


def test_a_column_named_for_request_counts_is_named(tmp_path: Path) -> None:
    """``columns requests=count``: the user's own choice, read and named."""
    logs = tmp_path / "named.csv"
    logs.write_text("timestamp,input_tokens,output_tokens,count\n2026-03-05T10:00:00Z,1200,300,3\n")
    profile = profile_usage([logs], columns="requests=count")
    assert profile.by_month[0]["requests"] == 3
    assert any(f"{logs}: column 'count' read as request counts" in n for n in profile.notes)


GENERIC_ROWS = "".join(f"r{h},2026-03-05T{h:02d}:00:00Z,1000,200,100,x\n" for h in (1, 7, 13, 19))


def test_a_generic_log_with_a_marker_column_reads_as_generic(tmp_path: Path) -> None:
    """``spend`` (LiteLLM's marker) or ``traceId`` (Langfuse's) next to the generic
    layout's own columns: the log read as generic, 4 requests, 10% cached (it was read as
    LiteLLM or Langfuse and refused: no time / input-token / output-token column)."""
    for marker, fmt in (("spend", "litellm"), ("traceId", "langfuse")):
        logs = tmp_path / f"{marker}.csv"
        logs.write_text(
            f"request_id,timestamp,input_tokens,output_tokens,cached_tokens,{marker}\n"
            + GENERIC_ROWS
        )
        for columns in (None, "ts=timestamp,input=input_tokens,output=output_tokens"):
            profile = profile_usage([logs], columns=columns)
            assert profile.format == "generic", (marker, fmt)
            assert profile.by_month[0]["requests"] == 4
            assert profile.traffic["cached_input_share"] == 0.1
        code, out, err = run("usage", logs)
        assert code == 0, err
        assert out.startswith("Traffic from 1 file, generic format")


def test_a_marker_still_picks_its_format_where_its_columns_are(tmp_path: Path) -> None:
    """LiteLLM's own columns (``startTime``, ``prompt_tokens``, ``completion_tokens``) with
    ``spend``: still LiteLLM, its failed calls left out (1 of 2)."""
    logs = tmp_path / "spend_logs.csv"
    logs.write_text(
        "request_id,startTime,prompt_tokens,completion_tokens,spend,status\n"
        "a,2026-03-05T10:00:00Z,1000,200,0.01,success\n"
        "b,2026-03-05T11:00:00Z,3000,600,0.03,failure\n"
    )
    profile = profile_usage([logs])
    assert profile.format == "litellm"
    assert profile.rows["not_llm_calls_or_failed"] == 1
    assert profile.traffic["input_tokens"] == 1000.0


def test_a_request_logged_twice_keeps_its_readable_copy_and_shows_the_other(
    tmp_path: Path,
) -> None:
    """``a`` at 10:00 with -5 input tokens and at 11:00 with 100; ``c`` at 14:00 (100) and
    09:00 (300): ``a``'s readable copy and ``c``'s earlier one are kept (4 used, 140 input
    tokens a request: (100 + 100 + 300 + 60) / 4), ``c``'s later one a duplicate, and
    ``a``'s unreadable copy counted and shown as unreadable (it was a duplicate, never
    shown)."""
    logs = tmp_path / "twice.csv"
    logs.write_text(
        "request_id,timestamp,input_tokens,output_tokens\n"
        "a,2026-03-05T10:00:00Z,-5,20\n"
        "a,2026-03-05T11:00:00Z,100,20\n"
        "b,2026-03-05T12:00:00Z,100,20\n"
        "c,2026-03-05T14:00:00Z,100,20\n"
        "c,2026-03-05T09:00:00Z,300,20\n"
        "d,2026-03-05T15:00:00Z,60,20\n"
    )
    rows = profile_usage([logs]).rows
    assert (rows["read"], rows["used"], rows["unreadable"], rows["duplicates"]) == (6, 4, 1, 1)
    assert rows["unreadable_why"] == {"negative token counts": 1}
    assert rows["examples"] == ["a,2026-03-05T10:00:00Z,-5,20"]
    assert profile_usage([logs]).traffic["input_tokens"] == 140.0
