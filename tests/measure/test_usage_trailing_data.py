"""Bytes after a whole gzip or zstd stream (``cat logs.gz junk > t.gz``: ``gzip -t`` says
'trailing garbage ignored') were said to be a file cut short, 'copy it again whole', which
does nothing for them; now they are told apart from a stream that ends early, with the
bytes to keep."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback import PaybackError, profile_usage
from payback.measure.usage.frames import check_zstd, gzip_fault

HOURS = 720


def jsonl(rows: int) -> str:
    """``rows`` hourly requests from 2026-01-01, token counts that do not compress away."""
    rng = random.Random(7)
    return "".join(
        json.dumps(
            {
                "timestamp": f"2026-01-{1 + h // 24:02d}T{h % 24:02d}:00:00Z",
                "input_tokens": rng.randrange(10**6),
                "output_tokens": rng.randrange(10**6),
            }
        )
        + "\n"
        for h in range(rows)
    )


def zstd(text: str, tmp: Path) -> bytes:
    """``text`` zstd-compressed by DuckDB (Python 3.11 has no zstd)."""
    import duckdb

    plain, packed = tmp / "plain.txt", tmp / "packed.jsonl.zst"
    plain.write_text(text)
    duckdb.sql(
        f"COPY (SELECT * FROM read_csv('{plain}', columns = {{'line': 'VARCHAR'}}, "
        "header = false, delim = chr(1), quote = '')) "
        f"TO '{packed}' (FORMAT csv, HEADER false, QUOTE '', COMPRESSION zstd)"
    )
    return packed.read_bytes()


def after(path: Path, extra: int, end: int, kind: str) -> str:
    return (
        f"{path}: data after the end of its compressed stream ({extra:,} "
        f"byte{'s' if extra != 1 else ''} after its first {end:,} that are no {kind} data: "
        f"appended to a whole file?); keep its first {end:,} bytes (head -c {end} into a "
        "file of the same suffix) and read that"
    )


CUT = "cut short (its gzip data stop before their end: an unfinished copy or download?)"


@pytest.mark.parametrize("rows", [3, HOURS])
@pytest.mark.parametrize("junk", [b"junk\n", b"\0\0\0\0"])
def test_bytes_after_a_whole_gzip_stream_are_told_apart(
    tmp_path: Path, rows: int, junk: bytes
) -> None:
    """3 rows: Python's gzip, reading the head, finds the bytes (it said 'not
    gzip-compressed', or DuckDB's 'cut short' for zeros, which Python skips); 720 rows:
    DuckDB finds them ('Unexpected end of GZIP stream', said as 'cut short'). Its first
    bytes, kept as said, are read whole."""
    whole = gzip.compress(jsonl(rows).encode())
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(whole + junk)
    said = after(path, len(junk), len(whole), "gzip")
    assert_user_error(*run("usage", path), f"error: {said}\n")
    kept = tmp_path / "kept.jsonl.gz"
    kept.write_bytes(path.read_bytes()[: len(whole)])
    assert profile_usage([kept]).rows["read"] == rows


def test_two_gzip_streams_then_bytes_count_both_streams(tmp_path: Path) -> None:
    """``cat a.gz b.gz junk``: the bytes kept are both streams (both are read: 2 × 720)."""
    whole = gzip.compress(jsonl(HOURS).encode())
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(whole + whole + b"x")
    assert gzip_fault(str(path)) == after(path, 1, 2 * len(whole), "gzip")
    (tmp_path / "kept.jsonl.gz").write_bytes(whole + whole)
    assert profile_usage([tmp_path / "kept.jsonl.gz"]).rows["read"] == 2 * HOURS


def test_the_bytes_kept_are_counted_over_text_longer_than_a_read(tmp_path: Path) -> None:
    """8 MiB of text, read 1 MiB at a time: the bytes after the stream were counted twice
    (5 bytes too few kept: still cut short)."""
    whole = gzip.compress(b"x" * (8 << 20))
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(whole + b"junk\n")
    assert gzip_fault(str(path)) == after(path, 5, len(whole), "gzip")


@pytest.mark.parametrize("tail", [b"", b"\x1f", b"\x1f\x8b\x08\x00"])
def test_a_gzip_stream_that_ends_early_is_still_cut_short(tmp_path: Path, tail: bytes) -> None:
    """Cut at half, or a whole stream then the start of another (its magic number, its
    header): cut short, as ``gzip -t`` says 'unexpected end of file'."""
    whole = gzip.compress(jsonl(HOURS).encode())
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(whole + tail if tail else whole[: len(whole) // 2])
    assert gzip_fault(str(path)) == f"{path}: {CUT}; copy it again whole"
    assert_user_error(*run("usage", path), f"error: {path}: {CUT}")


@pytest.mark.parametrize("junk", [b"junk\n", b"x"])
def test_bytes_after_whole_zstd_frames_are_told_apart(tmp_path: Path, junk: bytes) -> None:
    """(It said 'cut short (its zstd data stop inside a frame ...)'.)"""
    whole = zstd(jsonl(HOURS), tmp_path)
    path = tmp_path / "t.jsonl.zst"
    path.write_bytes(whole + junk)
    said = after(path, len(junk), len(whole), "zstd")
    with pytest.raises(PaybackError) as caught:
        check_zstd(str(path))
    assert str(caught.value) == said
    assert_user_error(*run("usage", path), f"error: {said}\n")
    kept = tmp_path / "kept.jsonl.zst"
    kept.write_bytes(whole)
    assert profile_usage([kept]).rows["read"] == HOURS


@pytest.mark.parametrize("tail", [b"\x28", b"\x28\xb5\x2f", b"\x5a\x2a"])
def test_the_start_of_a_zstd_frame_after_whole_frames_is_cut_short(
    tmp_path: Path, tail: bytes
) -> None:
    """A frame's magic number (0xFD2FB528) or a skippable frame's (0x184D2A5?), cut short."""
    path = tmp_path / "t.jsonl.zst"
    path.write_bytes(zstd(jsonl(24), tmp_path) + tail)
    with pytest.raises(PaybackError, match=r"cut short \(its zstd data stop inside a frame"):
        check_zstd(str(path))
