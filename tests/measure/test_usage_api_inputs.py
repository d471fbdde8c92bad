"""What the public API and the readers make of inputs of the wrong kind: one path given as a
string was iterated character by character ("/: is a folder"); a since date given as text
raised a bare TypeError; a boolean token column in a table was counted unreadable row by
row without a word of the column; a binary file named .csv printed a kilobyte of its bytes
as its "columns"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from helpers import run
from payback import profile_usage
from payback.errors import PaybackError
from payback.measure.usage import profile_database

LOGS = (
    "timestamp,input_tokens,output_tokens\n"
    "2026-03-05T10:00:00Z,100,20\n2026-03-05T11:00:00Z,300,40\n"
)


def test_one_path_as_a_string_is_that_file(tmp_path: Path) -> None:
    logs = tmp_path / "one.csv"
    logs.write_text(LOGS)
    for given in (str(logs), logs):
        profile = profile_usage(given)
        assert profile.files == [str(logs)]
        assert profile.rows["used"] == 2
        assert profile.traffic["input_tokens"] == 200.0


@pytest.mark.parametrize("name", ["since", "until"])
def test_a_date_as_text_is_refused_in_one_line(tmp_path: Path, name: str) -> None:
    logs = tmp_path / "one.csv"
    logs.write_text(LOGS)
    with pytest.raises(PaybackError) as raised:
        profile_usage([logs], **{name: "2026-01-01"})  # type: ignore[arg-type]
    assert raised.value.messages == [
        f"{name} '2026-01-01': a date (datetime.date, such as datetime.date(2026, 1, 1)), not str"
    ]
    assert profile_usage([logs], **{name: dt.date(2026, 3, 5)}).rows["used"] == 2


def test_a_boolean_token_column_is_named_with_its_type(tmp_path: Path) -> None:
    path = tmp_path / "logs.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE requests (ts TIMESTAMPTZ, input_tokens BOOLEAN, output_tokens INT)")
    con.execute("INSERT INTO requests VALUES ('2026-03-05 10:00:00+00', true, 20)")
    con.close()
    with pytest.raises(PaybackError) as raised:
        profile_database(f"duckdb:///{path}")
    assert raised.value.messages == [
        "requests: column 'input_tokens' is BOOLEAN, not a count of tokens (read as the input "
        "tokens); name the token columns with columns input=...,output=...[,cached=...]"
    ]


def test_a_binary_file_named_csv_is_said_in_one_short_line(tmp_path: Path) -> None:
    logs = tmp_path / "image.csv"
    logs.write_bytes(bytes(range(256)) * 8)
    code, out, err = run("usage", logs)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {logs}: binary data, not a CSV log (its first line is not text)")
    assert len(err) < 300


def test_a_latin1_header_name_is_still_text(tmp_path: Path) -> None:
    """``modèle`` in Latin-1 (one byte that is not UTF-8) is no binary data."""
    logs = tmp_path / "latin1.csv"
    logs.write_bytes(
        "timestamp,modèle,input_tokens,output_tokens\n2026-03-05T10:00:00Z,m,100,20\n".encode(
            "latin-1"
        )
    )
    assert profile_usage([logs]).rows["used"] == 1
