"""A quote a CSV log leaves open (``"gpt-4o`` with no closing quote) made DuckDB read every
line after it as one value: tried as a new user would, 18,853 rows read as 3,000 (or 3,001
with one unreadable), exit 0, the rest of the file one model name under By model, and
``-o`` wrote the scenario's traffic from the cut rows. Now the line is said, exit 2."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback import PaybackError, profile_usage
from payback.measure.usage.quotes import Run, runs

ROWS = 18_853
"""Rows every 10 minutes from 2026-03-01: to 2026-07-10 (four whole months)."""
HEADER = "timestamp,input_tokens,output_tokens,model"
QUOTE = '"'
FIX = (
    'close the quote or remove it (a quote inside a value is doubled in a quoted value: "a ""b""")'
)


def rows() -> list[str]:
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    return [
        f"{start + dt.timedelta(minutes=10 * i):%Y-%m-%dT%H:%M:%SZ},{600 + i % 100},"
        f"{200 + i % 80},gpt-4o-mini"
        for i in range(ROWS)
    ]


def write(path: Path, lines: list[str], newline: str = "\n") -> Path:
    text = newline.join([HEADER, *lines]) + newline
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_bytes(text.encode())
    return path


def broken(column: int, value: str) -> list[str]:
    """The rows with line 3,001 (row 3,000) given ``value`` in ``column``."""
    lines = rows()
    fields = lines[2999].split(",")
    fields[column] = value
    lines[2999] = ",".join(fields)
    return lines


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("name", ["logs.csv", "logs.csv.gz"])
def test_a_model_quote_left_open_is_said_with_its_line(
    tmp_path: Path, newline: str, name: str
) -> None:
    path = write(tmp_path / name, broken(3, '"gpt-4o'), newline)
    with pytest.raises(PaybackError) as caught:
        profile_usage([path])
    # 18,854 lines: the header, then rows; 18,854 - 3,001 after the quote's line
    assert str(caught.value) == (
        f"{path}: line 3,001: a quote opens the model value ('\"gpt-4o') and is never "
        f"closed: the 15,853 lines after it would be read as that one value, their rows lost; {FIX}"
    )


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_a_quote_left_open_in_a_middle_column(tmp_path: Path, newline: str) -> None:
    # was: 3,001 read, 2,999 used, 1 unreadable, exit 0
    path = write(tmp_path / "logs.csv", broken(1, '"636'), newline)
    code, out, err = run("usage", path)
    assert_user_error(
        code,
        out,
        err,
        f"{path}: line 3,001: a quote opens the input_tokens value "
        "('\"636,239,gpt-4o-mini') and is never closed: the 15,853 lines after it",
    )


def test_a_quote_left_open_in_a_last_column_not_of_text(tmp_path: Path) -> None:
    # the last column a number (was: 3,000 read, 1 unreadable, said to be a comma in it)
    # or a column payback does not read (was: 3,000 read, 3,000 used, nothing said)
    numbers = tmp_path / "numbers.csv"
    numbers.write_text(
        "timestamp,model,input_tokens,output_tokens\n"
        + "".join(
            f"{t},{m},{i},{QUOTE if n == 2999 else ''}{o}\n"
            for n, (t, i, o, m) in enumerate(r.split(",") for r in rows())
        )
    )
    users = tmp_path / "users.csv"
    users.write_text(
        "timestamp,input_tokens,output_tokens,model,user\n"
        + "".join(f"{r},{QUOTE if n == 2999 else ''}bob\n" for n, r in enumerate(rows()))
    )
    for path, value in (
        (numbers, "output_tokens value ('\"239')"),
        (users, "user value ('\"bob')"),
    ):
        code, out, err = run("usage", path)
        assert_user_error(
            code,
            out,
            err,
            f"{path}: line 3,001: a quote opens the {value} and is never closed: the 15,853 "
            "lines after it",
        )


def test_o_writes_no_traffic_from_a_cut_file(tmp_path: Path) -> None:
    path = write(tmp_path / "logs.csv", broken(3, '"gpt-4o'))
    scenario = tmp_path / "s.toml"
    code, _, _ = run("init", scenario)
    assert code == 0
    before = scenario.read_bytes()
    code, out, err = run("usage", path, "-o", scenario)
    assert_user_error(code, out, err, "line 3,001: a quote opens the model value")
    assert scenario.read_bytes() == before


def test_a_stray_quote_closed_lines_later(tmp_path: Path) -> None:
    # two stray quotes: the lines between read as one model name, closed on line 3,004
    lines = broken(3, '"gpt-4o')
    lines[3002] = lines[3002].removesuffix("gpt-4o-mini") + 'gpt-4o-mini"'
    path = write(tmp_path / "logs.csv", lines)
    code, out, err = run("usage", path)
    assert_user_error(
        code,
        out,
        err,
        f"{path}: line 3,001: a quote opens the model value ('\"gpt-4o') and closes only "
        "on line 3,004: the 3 lines after it would be read as that one value",
    )


def test_an_absurdly_long_model_name(tmp_path: Path) -> None:
    lines = rows()[:100]
    lines[5] = lines[5].removesuffix("gpt-4o-mini") + "x" * 1_001
    path = write(tmp_path / "logs.csv", lines)
    with pytest.raises(PaybackError) as caught:
        profile_usage([path])
    assert str(caught.value) == (
        f"{path}: a model name of 1,001 characters ('{'x' * 30}'…); a model name has at "
        "most 1,000: a quote in the file left open?"
    )


def test_quoted_values_that_close_are_read(tmp_path: Path) -> None:
    # quotes that close: a comma, a doubled quote, a prompt over lines in a column not read
    path = tmp_path / "logs.csv"
    path.write_text(
        "timestamp,input_tokens,output_tokens,model,prompt\n"
        '2026-03-01T00:00:00Z,10,1,"gpt-4o, mini","say ""hi"""\n'
        '2026-03-01T01:00:00Z,20,2,gpt-4o,"two\nlines, and ""quotes""\n"\n'
        '2026-03-01T02:00:00Z,30,3,gp"t,plain\n'
        '2026-03-01T03:00:00Z,40,4,gpt-4o,"the last value\nover lines"\n'
    )
    profile = profile_usage([path])
    assert profile.rows["read"] == 4
    assert profile.rows["used"] == 4
    assert profile.rows["unreadable"] == 0
    assert {m["model"] for m in profile.by_model} == {"gpt-4o, mini", "gpt-4o", 'gp"t'}
    assert profile.traffic["input_tokens"] == 25.0


def test_a_broken_jsonl_line_is_one_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "logs.jsonl"
    lines = [
        json.dumps({"timestamp": r.split(",")[0], "input_tokens": 600, "output_tokens": 200})
        for r in rows()
    ]
    lines[2999] = '{"timestamp": "2026-03-21T19:50:00Z", "model": "gpt-4o'
    path.write_text("\n".join(lines) + "\n")
    profile = profile_usage([path])
    assert profile.rows["read"] == ROWS
    assert profile.rows["used"] == ROWS - 1
    assert profile.rows["unreadable"] == 1


def test_runs_over_lines() -> None:
    lines = [
        "a,b,c",
        'x,"one, two",z',  # closed on its line: no run
        'x,y,"open',
        "still",
        'closed" here,z',
        'q,"a ""b"" c',  # doubled quotes inside: still open
        '"',
        'x,"never',
        "more",
    ]
    assert list(runs(lines, ",")) == [
        Run(3, 5, 2, "open"),
        Run(6, 7, 1, 'a ""b"" c'),
        Run(8, 9, 1, "never", closed=False),
    ]
    assert list(runs(['a;"b', 'c"'], ";")) == [Run(1, 2, 1, "b")]


def zstd(path: Path, lines: list[str]) -> Path:
    """``lines`` under a header, written zstandard-compressed (by DuckDB: Python cannot)."""
    import duckdb

    plain = write(path.with_name("plain.txt"), lines)
    duckdb.sql(
        f"COPY (SELECT * FROM read_csv('{plain}', columns = {{'line': 'VARCHAR'}}, "
        "header = false, delim = chr(1), quote = '')) "
        f"TO '{path}' (FORMAT csv, HEADER false, QUOTE '', COMPRESSION zstd)"
    )
    return path


def test_a_zstd_log_with_a_model_quote_left_open(tmp_path: Path) -> None:
    # was: "a model name over lines ('gpt-4o'…)", no line (Python cannot read .zst: DuckDB does)
    packed = zstd(tmp_path / "logs.csv.zst", broken(3, '"gpt-4o'))
    code, out, err = run("usage", packed)
    assert_user_error(
        code,
        out,
        err,
        f"{packed}: line 3,001: a quote opens the model value ('\"gpt-4o') and is never "
        "closed: the 15,853 lines after it would be read as that one value, their rows lost",
    )
