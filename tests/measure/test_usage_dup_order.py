"""A request id logged twice with different contents: the row kept is the one that came
before, the file given first (it had been whichever copy DuckDB's threads met first, so
that one run and the next measured different traffic)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from payback import profile_usage


def export(path: Path, month: int, n: int = 20_000) -> Path:
    """``n`` requests, ids r0 to r{n-1}, every 2 minutes from the 1st of ``month``."""
    start = dt.datetime(2026, month, 1, tzinfo=dt.UTC)
    with path.open("w") as f:
        for k in range(n):
            t = start + dt.timedelta(minutes=2 * k)
            record = {"request_id": f"r{k}", "timestamp": f"{t:%Y-%m-%dT%H:%M:%SZ}"}
            f.write(json.dumps(record | {"input_tokens": 1000, "output_tokens": 100}) + "\n")
    return path


@pytest.mark.slow
def test_the_file_given_first_keeps_its_rows(tmp_path: Path) -> None:
    """The same 20,000 ids in January's file and in March's: given March's first, every
    run keeps March's 20,000 (five runs had kept 20,000, 1,260, 18,742, 2,548 and 20,000 of
    January's);
    given January's first, January's."""
    january, march = export(tmp_path / "a.jsonl", 1), export(tmp_path / "b.jsonl", 3)
    for _ in range(2):
        got = profile_usage([march, january])
        assert [(m["month"], m["requests"]) for m in got.by_month] == [("2026-03", 20_000.0)]
        assert got.rows["duplicates"] == 20_000
    got = profile_usage([january, march])
    assert [(m["month"], m["requests"]) for m in got.by_month] == [("2026-01", 20_000.0)]


def test_in_one_file_the_earlier_time_is_kept(tmp_path: Path) -> None:
    """r1 twice in one file, at 10:00 with 500 input tokens and at 09:00 with 700: the
    readers number no rows, so the earlier time is the one kept, run after run."""
    path = tmp_path / "a.jsonl"
    rows = [
        {"request_id": "r1", "timestamp": "2026-01-05T10:00:00Z", "input_tokens": 500},
        {"request_id": "r1", "timestamp": "2026-01-05T09:00:00Z", "input_tokens": 700},
        {"request_id": "r2", "timestamp": "2026-01-05T11:00:00Z", "input_tokens": 100},
    ]
    path.write_text("".join(json.dumps(r | {"output_tokens": 10}) + "\n" for r in rows))
    got = profile_usage([path])
    assert got.traffic["input_tokens"] == 400.0  # (700 + 100) / 2
    assert got.rows["duplicates"] == 1
