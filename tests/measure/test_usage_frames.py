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


GZIP_SAID = "cut short (its gzip data stop before their end: an unfinished copy or download?)"


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".csv.gz", ".json.gz"])
@pytest.mark.parametrize("kept", [200, 0.5])
def test_a_gzip_log_cut_short_is_said_so(tmp_path: Path, suffix: str, kept: float) -> None:
    """Cut within the lines read to tell the format (200 bytes) or further on (half): the
    same line naming the file (it was 'cannot be read (Compressed file ended before the
    end-of-stream marker was reached)', 'not valid JSON (IO Error: Unexpected end of GZIP
    stream: ...)' or 'cannot be read as generic logs (IO Error: ...)')."""
    import gzip
    import random

    rng = random.Random(7)  # token counts that do not compress away: several deflate blocks
    rows = [
        {
            "timestamp": f"2026-01-{1 + h // 24:02d}T{h % 24:02d}:00:00Z",
            "input_tokens": rng.randrange(10**6),
            "output_tokens": rng.randrange(10**6),
        }
        for h in range(HOURS * 4)
    ]
    if suffix == ".csv.gz":
        text = "timestamp,input_tokens,output_tokens\n" + "".join(
            f"{r['timestamp']},{r['input_tokens']},{r['output_tokens']}\n" for r in rows
        )
    elif suffix == ".json.gz":
        text = json.dumps(rows)
    else:
        text = "".join(json.dumps(r) + "\n" for r in rows)
    whole = gzip.compress(text.encode())
    path = tmp_path / f"logs{suffix}"
    path.write_bytes(whole[: int(kept if kept > 1 else len(whole) * kept)])
    assert_user_error(*run("usage", path), f"error: {path}: {GZIP_SAID}")
