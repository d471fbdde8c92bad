"""Odd but real log files, tried as a new user would bring them: a spreadsheet's CSV (digit
grouping, semicolons, Excel's ``sep=`` line), pages of no rows, a header alone, a JSON-lines
file with a broken line, repeated column names."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback import profile_usage

pytestmark = pytest.mark.slow

HEADER = "timestamp,model,prompt_tokens,completion_tokens\n"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bare.json", "[]"),
        ("page.json", '{"data": []}'),
        ("page.jsonl", '{"object": "page", "data": []}\n'),
        ("header.csv", HEADER),
        ("header-and-blank-lines.csv", HEADER + "\n\n"),
    ],
)
def test_files_without_records_say_so_alike(tmp_path: Path, name: str, content: str) -> None:
    """An array of no records, a page of none (an OpenAI-style export with no rows) and a
    header alone are each one line, the same words naming the file, exit 2 (a page of no
    rows said 'no rows; expected generic request logs', a header alone too)."""
    (tmp_path / name).write_text(content)
    assert_user_error(
        *run("usage", tmp_path / name), f"{name}: empty (no records); no rows to read"
    )


def test_a_page_of_no_rows_beside_logs_is_skipped_and_said_so(tmp_path: Path) -> None:
    (tmp_path / "page.json").write_text('{"data": []}')
    (tmp_path / "logs.csv").write_text(HEADER + "2026-01-05T10:00:00Z,m,100,50\n")
    profile = profile_usage([tmp_path / "logs.csv", tmp_path / "page.json"])
    assert profile.rows["used"] == 1
    assert any("page.json: empty (no records), skipped" in n for n in profile.notes)
