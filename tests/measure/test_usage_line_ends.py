"""A CSV log whose lines end in both CRLF and LF (two exports joined, one saved on Windows)
stopped the whole read: "cannot be read as generic logs (Invalid Input Error: The CSV
Parser state machine reached an invalid state.)". It is read from a copy with LF endings
alone, the file named as given and a note saying so."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from helpers import run
from payback import profile_usage

MIXED = (
    b"timestamp,model,input_tokens,output_tokens\r\n"
    b"2026-03-05T10:00:00Z,m,100,20\r\n"
    b"2026-03-05T11:00:00Z,m,300,40\n"
    b"2026-03-05T12:00:00Z,m,200,30\n"
)


def test_a_csv_mixing_line_endings_is_read(tmp_path: Path) -> None:
    """3 requests, 200 input and 30 output tokens a request, model ``m`` (no ``m\\r``);
    the file as given in the profile and the note."""
    logs = tmp_path / "joined.csv"
    logs.write_bytes(MIXED)
    profile = profile_usage([logs])
    assert profile.rows["used"] == 3
    assert profile.traffic["input_tokens"] == 200.0
    assert profile.traffic["output_tokens"] == 30.0
    assert [m["model"] for m in profile.by_model] == ["m"]
    assert profile.files == [str(logs)]
    assert profile.formats == {str(logs): "generic"}
    assert profile.notes[0] == (
        f"{logs}: lines end in both CRLF and LF (two exports joined?), which DuckDB's CSV "
        "reader stops on; read from a copy with LF endings alone"
    )
    assert logs.read_bytes() == MIXED  # the log itself untouched


def test_a_gzipped_csv_mixing_line_endings_is_read_beside_another(tmp_path: Path) -> None:
    """A .csv.gz that mixes them read with a clean CSV: 3 + 1 requests, each file named."""
    joined = tmp_path / "joined.csv.gz"
    joined.write_bytes(gzip.compress(MIXED))
    clean = tmp_path / "clean.csv"
    clean.write_text("timestamp,model,input_tokens,output_tokens\n2026-03-05T13:00:00Z,m,400,10\n")
    code, out, err = run("usage", joined, clean, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["rows"]["used"] == 4
    assert data["traffic"]["input_tokens"] == 250.0
    assert data["files"] == [str(joined), str(clean)]
    assert data["notes"][0].startswith(f"{joined}: lines end in both CRLF and LF")


def test_a_csv_of_one_line_ending_is_not_copied(tmp_path: Path) -> None:
    """CRLF throughout reads as it did, with no note of line endings."""
    logs = tmp_path / "windows.csv"
    logs.write_bytes(MIXED.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    profile = profile_usage([logs])
    assert profile.rows["used"] == 3
    assert not [n for n in profile.notes if "CRLF" in n]


def test_a_zstd_csv_mixing_line_endings_is_said_with_the_fix(tmp_path: Path) -> None:
    """A .csv.zst (which Python cannot decompress to copy): one line naming the file, the
    cause and the fix, exit 2 (it was DuckDB's message alone)."""
    import duckdb

    logs = tmp_path / "joined.csv.zst"
    lines = MIXED.decode().split("\n")[:-1]  # "…\r" where the line ends in CRLF
    con = duckdb.connect()
    con.execute("CREATE TABLE t (line VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [[line] for line in lines])
    con.execute(
        f"COPY t TO '{logs}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', "
        "DELIMITER chr(1), COMPRESSION zstd)"
    )
    code, out, err = run("usage", logs)
    assert (code, out) == (2, "")
    assert err.strip() == (
        f"error: {logs}: cannot be read (CSV Parser state machine reached an invalid state: "
        "a CSV's lines ending in both CRLF and LF, two exports joined?); decompress it "
        "(zstd -d) to have it read, or give it one line ending (dos2unix)"
    )
