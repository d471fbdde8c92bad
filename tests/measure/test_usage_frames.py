"""A zstd-compressed log cut short (an unfinished copy or download): DuckDB read it up to
where it stopped, and its requests were counted short without a word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback import PaybackError, profile_usage
from payback.measure.usage.frames import check_zstd

pytestmark = pytest.mark.slow

HOURS = 720  # hourly requests (30 days) of 100 input tokens


def packed(tmp_path: Path) -> Path:
    """The requests as JSON lines, zstd-compressed by DuckDB (Python 3.11 has no zstd)."""
    import duckdb

    plain = tmp_path / "plain.csv"
    plain.write_text(
        "".join(
            json.dumps(
                {
                    "timestamp": f"2026-01-{1 + h // 24:02d}T{h % 24:02d}:00:00Z",
                    "request_id": f"r{h}-{'x' * (h % 97)}",
                    "input_tokens": 100,
                    "output_tokens": 10,
                }
            )
            + "\n"
            for h in range(HOURS)
        )
    )
    path = tmp_path / "logs.jsonl.zst"
    duckdb.sql(
        f"COPY (SELECT * FROM read_csv('{plain}', columns = {{'line': 'VARCHAR'}}, "
        "header = false, delim = chr(1), quote = '')) "
        f"TO '{path}' (FORMAT csv, HEADER false, QUOTE '', COMPRESSION zstd)"
    )
    return path


def test_a_whole_zstd_log_is_read(tmp_path: Path) -> None:
    path = packed(tmp_path)
    check_zstd(str(path))
    profile = profile_usage([path])
    assert profile.rows["read"] == HOURS


@pytest.mark.parametrize("kept", [0.5, 0.9, -1])
def test_a_zstd_log_cut_short_is_one_line(tmp_path: Path, kept: float) -> None:
    """Cut at half, at 90 % and by its last byte: one line, exit 2 (half the file read
    about 360 of its 720 rows and said nothing)."""
    whole = packed(tmp_path).read_bytes()
    cut = tmp_path / "cut.jsonl.zst"
    cut.write_bytes(whole[: int(len(whole) * kept)] if kept > 0 else whole[:-1])
    said = f"{cut}: cut short (its zstd data stop inside a frame: an unfinished copy or download?)"
    with pytest.raises(PaybackError, match="cut short"):
        profile_usage([cut])
    assert_user_error(*run("usage", cut), said)


def test_data_that_are_not_zstd_say_so(tmp_path: Path) -> None:
    """(It said 'cannot be read (IO Error: Unknown frame descriptor)'.)"""
    path = tmp_path / "logs.jsonl.zst"
    path.write_text('{"timestamp": "2026-01-01T00:00:00Z"}\n')
    assert_user_error(
        *run("usage", path), f"{path}: not zstd-compressed, though its name ends in .zst"
    )


def test_an_empty_zstd_file_is_empty_as_any_other(tmp_path: Path) -> None:
    path = tmp_path / "logs.jsonl.zst"
    path.write_bytes(b"")
    assert_user_error(*run("usage", path), f"{path}: empty (no records); no rows to read")


def test_skippable_frames_and_several_frames_are_whole(tmp_path: Path) -> None:
    """Two frames one after the other (as ``cat a.zst b.zst`` makes) with a skippable frame
    (magic 0x184D2A5?, a size, that many bytes) between them: whole; its size cut: not."""
    one = packed(tmp_path).read_bytes()
    skippable = (0x184D2A53).to_bytes(4, "little") + (5).to_bytes(4, "little") + b"12345"
    path = tmp_path / "two.jsonl.zst"
    path.write_bytes(one + skippable + one)
    check_zstd(str(path))
    assert profile_usage([path]).rows["read"] == 2 * HOURS
    path.write_bytes(one + skippable[:-1])
    with pytest.raises(PaybackError, match="cut short"):
        check_zstd(str(path))
