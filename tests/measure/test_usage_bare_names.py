"""Token columns named plainly ``input`` and ``output`` (tried as a new user would): the
error said 'no input / output column found in input, output, ts'. They are now read in a
table of generic logs (a column of numbers, or a CSV's, whose columns are all text); a
JSON record's ``input`` (often the prompt's text) is not. The error lists the names
recognised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import assert_user_error, run

ROWS = [("2026-10-01T00:00:00", 1000, 200), ("2026-10-01T01:00:00", 1200, 250)]
ROWS += [("2026-10-02T00:00:00", 800, 150)]
"""Three requests: input tokens mean (1000 + 1200 + 800) / 3 = 1,000, output 200."""


def csv_with(tmp_path: Path, header: str) -> Path:
    path = tmp_path / "logs.csv"
    path.write_text(header + "\n" + "".join(f"{t},{i},{o}\n" for t, i, o in ROWS))
    return path


@pytest.mark.parametrize(
    "header", ["ts,input,output", "time,In,Out", "timestamp,tokens_input,tokens_output"]
)
def test_plain_token_column_names_are_read(tmp_path: Path, header: str) -> None:
    code, out, err = run("usage", csv_with(tmp_path, header), "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["rows"]["used"] == 3
    assert got["traffic"]["input_tokens"] == pytest.approx(1000.0)
    assert got["traffic"]["output_tokens"] == pytest.approx(200.0)


def test_a_column_of_prompt_text_named_input_gives_no_number(tmp_path: Path) -> None:
    path = tmp_path / "logs.csv"
    path.write_text("ts,input,output\n2026-10-01T00:00:00,hello there,hi\n")
    assert_user_error(
        *run("usage", path),
        "logs.csv: none of the 1 rows could be read as generic logs: 1 with token counts "
        "missing or not numbers",
    )


def test_a_json_records_input_text_is_not_a_token_count(tmp_path: Path) -> None:
    path = tmp_path / "logs.jsonl"
    path.write_text('{"ts": "2026-10-01T00:00:00", "input": "1000", "output": "200"}\n')
    code, _, err = run("usage", path)
    assert code == 2
    assert "token counts missing or not numbers" in err


def test_the_error_lists_the_names_it_recognises(tmp_path: Path) -> None:
    assert_user_error(
        *run("usage", csv_with(tmp_path, "ts,prompt,completion")),
        "error: "
        + str(tmp_path / "logs.csv")
        + " (read as generic): no input-token / output-token column among: completion, prompt, "
        "ts (recognised names, any case: input-token: input_tokens, prompt_tokens, tokens_in, ",
        "tokens_input, or input or in holding numbers; output-token: output_tokens, ",
        "or output or out holding numbers); name the columns with --columns "
        "ts=...,input=...,output=...",
    )


def _duckdb_table(tmp_path: Path, kind: str) -> Path:
    import duckdb

    path = tmp_path / "logs.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE TABLE calls (ts TIMESTAMP, input {kind}, output {kind})")
        con.executemany("INSERT INTO calls VALUES (?, ?, ?)", [list(r) for r in ROWS])
    return path


def test_a_database_column_of_numbers_named_input_is_read(tmp_path: Path) -> None:
    path = _duckdb_table(tmp_path, "INTEGER")
    code, out, err = run("usage", path, "--table", "calls", "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["rows"]["used"] == 3
    assert got["traffic"]["input_tokens"] == pytest.approx(1000.0)


def test_a_database_column_of_text_named_input_is_not(tmp_path: Path) -> None:
    path = _duckdb_table(tmp_path, "VARCHAR")
    assert_user_error(
        *run("usage", path, "--table", "calls"),
        "calls: no input-token / output-token column among:",
    )
