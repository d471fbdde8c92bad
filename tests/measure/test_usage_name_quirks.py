"""``payback usage`` on files whose names DuckDB or a shell reads otherwise: a DuckDB file
named by a byte that is not UTF-8 that DuckDB refuses, a glob-like name holding a quote in
the printed SQL, a backslash in a log's name in the written scenario."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback.measure.usage import usage_sql

ROWS = [  # hours 00:00..02:00 of one day: 3 requests of (100 + 200 + 300) / 3 input tokens
    {
        "timestamp": f"2026-01-05T0{h}:00:00Z",
        "model": "m",
        "input_tokens": 100 * (h + 1),
        "output_tokens": 10,
    }
    for h in range(3)
]
JSONL = "".join(json.dumps(r) + "\n" for r in ROWS)
NOT_A_DATABASE = "not a duckdb database" * 50


def test_a_duckdb_file_named_by_a_byte_not_utf8_that_duckdb_refuses_is_one_line(
    tmp_path: Path,
) -> None:
    """DuckDB's message names the file by its bytes, which its binding cannot decode: it was
    'internal error: UnicodeDecodeError: ...', exit 1. Now what a clean name gets, the byte
    as \\xNN, exit 2; as a duckdb:// URL too (which is told to give logs as paths)."""
    clean = tmp_path / "bad.duckdb"
    clean.write_text(NOT_A_DATABASE)
    odd = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"bad\xff.duckdb"))
    with open(os.fsencode(odd), "w") as fh:
        fh.write(NOT_A_DATABASE)
    said = ": not a DuckDB database file ('{}' is text)"
    hint = "; give log files (CSV, JSON lines, Parquet) as paths, not as a duckdb:// URL"
    code, out, err = run("usage", clean)
    assert_user_error(code, out, err, f"error: {clean}{said.format(clean)}")
    shown = f"{tmp_path}/bad\\xff.duckdb"
    for given, url in ((odd, ""), ("duckdb://" + odd, "duckdb://")):
        code, out, err = run("usage", given)
        assert_user_error(code, out, err)
        assert err == f"error: {url}{shown}{said.format(shown)}{hint if url else ''}\n"


def test_the_printed_sql_names_a_glob_like_name_with_a_quote_as_a_sql_literal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """o'k*.jsonl is read through a link (DuckDB takes * for a glob); its name was put back
    in the SQL with its quote single ('o'k*.jsonl': no SQL). The whole printed script now
    parses and runs in DuckDB: 3 requests of 200 input tokens. (A comment ending a
    statement also took in its semicolon: the next statement ran on into it.)"""
    import duckdb

    (tmp_path / "o'k*.jsonl").write_text(JSONL)
    monkeypatch.chdir(tmp_path)
    text = usage_sql("auto", ["o'k*.jsonl"])
    assert "read_csv(['o''k*.jsonl'], columns" in text
    code, out, err = run("usage", "--sql", "o'k*.jsonl")
    assert code == 0, err
    assert out == text
    con = duckdb.connect()
    statements = con.extract_statements(out)
    assert len(statements) == out.count(";\n\n") + out.count(";  -- ")
    con.execute(out)
    used = con.execute("SELECT sum(n), sum(requests), sum(input) FROM used").fetchall()
    assert used == [(3, 3, 600)]


def test_a_backslash_in_a_logs_name_is_part_of_the_name_in_the_scenario(
    tmp_path: Path,
) -> None:
    """a\\x"q.jsonl: the scenario's title and head named x"q.jsonl (the backslash taken for
    a folder's); 3 requests in 3 hours: 730.5 a month."""
    log = tmp_path / 'a\\x"q.jsonl'
    log.write_text(JSONL)
    out = tmp_path / "s.toml"
    code, _, err = run("usage", log, "-o", out)
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert '# A payback scenario: [traffic] measured by `payback usage` in a\\x"q.jsonl\n' in text
    name = tomllib.loads(text)["scenario"]["name"]
    assert name.startswith('730 requests/month from a\\x"q.jsonl (held flat: growth not')
    code, _, err = run("analyze", out)
    assert code == 0, err
