"""A JSON record that gives a key twice with two values is refused where the file's first
records are peeked at (DuckDB read the first value silently: ``input_tokens`` 1000 then -5
read as 1000); further on, DuckDB's first value is read, as the module says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback import PaybackError, profile_usage
from payback.measure.usage.files import PEEK_RECORDS

RECORD = (
    '{{"ts":"2026-03-{day:02d}T{hour:02d}:00:00Z","input_tokens":{tokens},"output_tokens":200}}'
)
TWICE = '{"ts":"2026-03-01T00:00:00Z","input_tokens":1000,"input_tokens":-5,"output_tokens":200}'


def records(count: int) -> list[str]:
    """``count`` good records, six hours apart from 2026-03-01."""
    return [RECORD.format(day=1 + i // 4, hour=i % 4 * 6, tokens=1000) for i in range(count)]


def test_a_key_twice_in_a_json_lines_record_is_refused(tmp_path: Path) -> None:
    logs = tmp_path / "twice.jsonl"
    logs.write_text("\n".join([*records(3), TWICE, *records(3)]) + "\n")
    out_file = tmp_path / "s.toml"
    code, out, err = run("usage", logs, "-o", out_file)
    assert_user_error(code, out, err)
    assert err == (
        f"error: {logs}: record 4 gives the key 'input_tokens' twice in one object ({TWICE}): "
        "which value is meant cannot be told; write each key once\n"
    )
    assert not out_file.exists()


def test_a_key_twice_in_a_json_array_or_nested_is_refused(tmp_path: Path) -> None:
    logs = tmp_path / "twice.json"
    logs.write_text("[" + ",".join([*records(2), TWICE]) + "]")
    with pytest.raises(PaybackError, match="record 3 gives the key 'input_tokens' twice"):
        profile_usage([logs])
    nested = tmp_path / "nested.jsonl"
    line = (
        '{"created": 1772323200, "usage": {"prompt_tokens": 10, "prompt_tokens": 99, '
        '"completion_tokens": 5}}'
    )
    nested.write_text(line + "\n")
    with pytest.raises(PaybackError, match="record 1 gives the key 'prompt_tokens' twice"):
        profile_usage([nested])


def test_a_key_twice_with_one_value_is_read(tmp_path: Path) -> None:
    logs = tmp_path / "same.jsonl"
    same = TWICE.replace('"input_tokens":-5', '"input_tokens":1000')
    logs.write_text("\n".join([same, *records(7)]) + "\n")
    assert profile_usage([logs]).traffic["input_tokens"] == 1000.0


def test_a_key_twice_past_the_peeked_records_reads_the_first_value(tmp_path: Path) -> None:
    """The limit, as documented: only the first records are looked at."""
    logs = tmp_path / "late.jsonl"
    late = TWICE.replace("2026-03-01T00", "2026-03-30T00")
    logs.write_text("\n".join([*records(PEEK_RECORDS), late]) + "\n")
    profile = profile_usage([logs])
    assert profile.traffic["input_tokens"] == 1000.0  # the first of 1000 and -5
    assert profile.rows["used"] == PEEK_RECORDS + 1
    assert json.loads(late)["input_tokens"] == -5  # Python's json reads the last


def test_a_key_twice_that_no_format_reads_is_read(tmp_path: Path) -> None:
    """A tag given twice under a record's metadata refused the whole file, which had been
    read before: only a key a format may read (a time, a token count, a model, an id) is."""
    logs = tmp_path / "meta.jsonl"
    meta = TWICE.replace('"input_tokens":-5', '"meta":{"tag":"a","tag":"b"}')
    logs.write_text("\n".join([meta, *records(7)]) + "\n")
    assert profile_usage([logs]).rows["used"] == 8
