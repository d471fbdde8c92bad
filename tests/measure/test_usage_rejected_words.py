"""Lines DuckDB rejects are counted by what is wrong with them: a JSON line over 16 MiB was
'a line that does not split into the header's columns, or is not UTF-8' (a CSV's words, and
a JSON line has no header); and ``duckdb:///logs.csv`` said "Catalog Error: Cannot launch
in-memory database in read-only mode!" where the file is no DuckDB database."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback import profile_usage

RECORD = '{{"ts":"2026-03-{day:02d}T00:00:00Z","input_tokens":10,"output_tokens":2{more}}}'


def test_a_json_line_over_16_mib_is_said_so(tmp_path: Path) -> None:
    logs = tmp_path / "huge.jsonl"
    lines = [RECORD.format(day=day, more="") for day in range(1, 29)]
    lines.insert(3, RECORD.format(day=2, more=',"prompt":"' + "x" * (17 << 20) + '"'))
    logs.write_text("\n".join(lines) + "\n")
    profile = profile_usage([logs])
    assert profile.rows["unreadable_why"] == {"lines over 16 MiB": 1}
    assert (profile.rows["read"], profile.rows["used"]) == (29, 28)


def test_a_json_line_not_utf8_is_said_so(tmp_path: Path) -> None:
    logs = tmp_path / "latin1.jsonl"
    lines = [RECORD.format(day=day, more="").encode() for day in range(1, 29)]
    lines.append(RECORD.format(day=3, more=',"user":"Ren\xe9"').encode("latin-1"))
    logs.write_bytes(b"\n".join(lines) + b"\n")
    assert profile_usage([logs]).rows["unreadable_why"] == {"lines that are not UTF-8": 1}


def test_a_csv_line_too_long_not_split_or_not_utf8_each_said(tmp_path: Path) -> None:
    logs = tmp_path / "three.csv"
    rows = [f"2026-03-{day:02d}T00:00:00Z,10,2".encode() for day in range(1, 29)]
    rows += [b"2026-03-02T00:00:00Z,10,2,7", b"2026-03-02T01:00:00Z,1\xe9,2"]
    rows += [b"2026-03-02T02:00:00Z,10,2," + b"x" * (17 << 20)]
    logs.write_bytes(b"ts,input_tokens,output_tokens\n" + b"\n".join(rows) + b"\n")
    assert profile_usage([logs]).rows["unreadable_why"] == {
        "lines over 16 MiB": 1,
        "lines that are not UTF-8": 1,
        "lines that do not split into the header's columns": 1,
    }


@pytest.mark.parametrize("name", ["logs.csv", "logs.jsonl", "logs.duckdb"])
def test_a_file_that_is_no_duckdb_database_is_said_so(tmp_path: Path, name: str) -> None:
    logs = tmp_path / name
    logs.write_text("ts,input_tokens,output_tokens\n2026-03-01T00:00:00Z,10,2\n")
    code, out, err = run("usage", f"duckdb://{logs}")
    assert_user_error(code, out, err)
    assert err == (
        f"error: duckdb://{logs}: not a DuckDB database file ({str(logs)!r} is text); "
        "give log files (CSV, JSON lines, Parquet) as paths, not as a duckdb:// URL\n"
    )
