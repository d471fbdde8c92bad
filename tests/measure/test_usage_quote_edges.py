"""Quotes a CSV log leaves open where the scan showed no sign, tried as a new user would:
on the last line (was: 1 unreadable, exit 0), two stray quotes that pair across lines and
swallow the rows between them (was: 3 rows gone, exit 0, nothing said, or one unreadable
said to be "a comma that is not a thousands separator"), and a .zst log (was: exit 0 with
the rows after the quote lost, or no line named). Now each names the line where the quote
opens and its column, exit 2; a value over lines whose lines do not read as rows (a
prompt) is read as it was."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback import profile_usage

ROWS = 2_000
"""Rows every 10 minutes from 2026-03-01; the file's line n holds row n - 1."""
HEADER = "timestamp,input_tokens,output_tokens,model,user"
FIX = (
    'close the quote or remove it (a quote inside a value is doubled in a quoted value: "a ""b""")'
)
KINDS = ["logs.csv", "logs.csv.gz", "logs.csv.zst"]


def rows() -> list[str]:
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    return [
        f"{start + dt.timedelta(minutes=10 * i):%Y-%m-%dT%H:%M:%SZ},{600 + i % 100},"
        f"{200 + i % 80},gpt-4o-mini,bob"
        for i in range(ROWS)
    ]


def changed(lines: list[str], line: int, column: int, value: str) -> None:
    """The file's ``line`` (the header is line 1) given ``value`` in ``column``."""
    fields = lines[line - 2].split(",")
    fields[column] = value
    lines[line - 2] = ",".join(fields)


def write(path: Path, lines: list[str], end: str = "\n", header: str = HEADER) -> Path:
    text = "\n".join([header, *lines]) + end
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    elif path.suffix == ".zst":  # Python cannot compress it: DuckDB does
        import duckdb

        plain = path.with_name("plain.txt")
        plain.write_text(text)
        duckdb.sql(
            f"COPY (SELECT * FROM read_csv('{plain}', columns = {{'line': 'VARCHAR'}}, "
            "header = false, delim = chr(1), quote = '')) "
            f"TO '{path}' (FORMAT csv, HEADER false, QUOTE '', COMPRESSION zstd)"
        )
    else:
        path.write_text(text)
    return path


@pytest.mark.parametrize("end", ["\n", "", "\n\n\n"], ids=["newline", "none", "blank-lines"])
@pytest.mark.parametrize("name", KINDS)
def test_a_quote_left_open_on_the_last_line(tmp_path: Path, name: str, end: str) -> None:
    # a last row "gpt-4o,100,20 whose quote never closes (it opens the first column); blank
    # lines after it are no rows lost
    lines = rows()
    lines[-1] = '"gpt-4o,100,20'
    path = write(tmp_path / name, lines, end)
    code, out, err = run("usage", path)
    assert_user_error(
        code,
        out,
        err,
        f"{path}: line 2,001: a quote opens the timestamp value ('\"gpt-4o,100,20') and is "
        f"never closed: the rest of that line would be read as that one value, its row "
        f"lost; {FIX}",
    )
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("column", "value", "shown"), [(3, '"gpt-4o', "model"), (1, '"7', "input_tokens")]
)
def test_a_quote_left_open_in_a_column_of_the_last_line(
    tmp_path: Path, column: int, value: str, shown: str
) -> None:
    lines = rows()
    changed(lines, 2_001, column, value)
    path = write(tmp_path / "logs.csv", lines)
    code, out, err = run("usage", path)
    assert_user_error(code, out, err, f"{path}: line 2,001: a quote opens the {shown} value")
    assert "and is never closed: the rest of that line would be read as that one value" in err


# two stray quotes on lines 1,001 and 1,004: DuckDB reads lines 1,001 to 1,004 as one row
PAIRS = {
    "middle": [(1_001, 1, '"636'), (1_004, 1, '639"')],  # was: 1 unreadable ("a comma")
    "last": [(1_001, 4, '"bob'), (1_004, 4, 'bob"')],  # was: nothing said
    "two-opening": [(1_001, 4, '"bob'), (1_004, 4, '"bob')],  # was: nothing said
    "last-then-middle": [(1_001, 4, '"bob'), (1_004, 1, '639"')],  # was: nothing said
}
OPENED = {
    "middle": "input_tokens value ('\"636,239,gpt-4o-mini,bob')",
    "last": "user value ('\"bob')",
    "two-opening": "user value ('\"bob')",
    "last-then-middle": "user value ('\"bob')",
}


@pytest.mark.parametrize("name", KINDS)
@pytest.mark.parametrize("pair", list(PAIRS))
def test_two_stray_quotes_that_swallow_rows(tmp_path: Path, pair: str, name: str) -> None:
    lines = rows()
    for line, column, value in PAIRS[pair]:
        changed(lines, line, column, value)
    path = write(tmp_path / name, lines)
    code, out, err = run("usage", path)
    assert_user_error(
        code,
        out,
        err,
        f"{path}: line 1,001: a quote opens the {OPENED[pair]} and closes only on line "
        f"1,004: the 3 lines after it would be read as that one value, their rows lost; {FIX}",
    )


def test_two_stray_quotes_on_lines_next_to_each_other(tmp_path: Path) -> None:
    # two rows read as one: one lost
    lines = rows()
    changed(lines, 1_001, 4, '"bob')
    changed(lines, 1_002, 4, 'bob"')
    path = write(tmp_path / "logs.csv", lines)
    code, out, err = run("usage", path)
    assert_user_error(
        code,
        out,
        err,
        f"{path}: line 1,001: a quote opens the user value ('\"bob') and closes only on line "
        "1,002: the 1 line after it would be read as that one value, its row lost",
    )


@pytest.mark.parametrize("name", KINDS)
def test_values_over_lines_that_are_not_rows_are_read(tmp_path: Path, name: str) -> None:
    # prompts over lines, commas and quotes in them, in a middle and in the last column
    said = [
        ('"a prompt, over\nthree lines, with commas,\nand ""quotes"", too"', "ok"),
        ("hi", '"a reply\nover, two lines"'),
        ("plain", "plain"),
        ('"x,\ny,z"', '"1,2,3\n4,5,6"'),
    ]
    lines = [f"2026-03-01T0{h}:00:00Z,{p},{10 * h},{h},gpt-4o,{r}" for h, (p, r) in enumerate(said)]
    header = "timestamp,prompt,input_tokens,output_tokens,model,reply"
    path = write(tmp_path / name, lines, header=header)
    profile = profile_usage([path])
    assert profile.rows["read"] == 4
    assert profile.rows["used"] == 4
    assert profile.traffic["input_tokens"] == 15.0  # (0 + 10 + 20 + 30) / 4


@pytest.mark.parametrize("name", KINDS)
def test_a_table_pasted_into_a_prompt_is_a_prompt(tmp_path: Path, name: str) -> None:
    """A prompt holding a pasted table, each of its lines as many commas as a row (as
    Python's csv.writer writes it): it was refused as two stray quotes swallowing 2 rows,
    where its lines are no rows of the log (its first column names, not times)."""
    lines = [
        '2026-01-05T10:00:00Z,gpt-4o,120,30,"Summarize this table:\n'
        'name,city,age,team,role\nAda,London,36,core,lead"',
        "2026-01-05T11:00:00Z,gpt-4o,10,5,plain",
    ]
    header = "timestamp,model,input_tokens,output_tokens,prompt"
    profile = profile_usage([write(tmp_path / name, lines, header=header)])
    assert profile.rows["read"] == 2
    assert profile.rows["used"] == 2
    assert profile.traffic["input_tokens"] == 65.0  # (120 + 10) / 2


@pytest.mark.parametrize(
    "ids", [("3f9a1c", "a1b2c3", "9e8d7c", "c0ffee"), ("42", "alice", "bob", "carol")]
)
def test_rows_swallowed_behind_ids_or_users_of_any_kind_are_refused(
    tmp_path: Path, ids: tuple[str, ...]
) -> None:
    """A hex request id (or a user) that starts with a digit on one row and a letter on the
    next is no sign of a pasted table: the rows a stray quote swallows are still rows (their
    times are times); a first version compared every column's kind and read them as one
    prompt, 2 of 4 rows gone without a word."""
    lines = [
        f"2026-01-05T1{h}:00:00Z,{rid},gpt-4o,{100 + h},20,{text}"
        for h, (rid, text) in enumerate(zip(ids, ['"hello', "x", 'y"', "z"], strict=True))
    ]
    header = "timestamp,request_id,model,input_tokens,output_tokens,prompt"
    path = write(tmp_path / "logs.csv", lines, header=header)
    assert_user_error(
        *run("usage", path),
        f"{path}: line 2: a quote opens the prompt value ('\"hello') and closes only on "
        "line 4: the 2 lines after it would be read as that one value, their rows lost",
    )


@pytest.mark.parametrize("name", ["logs.csv.gz", "logs.csv.zst"])
@pytest.mark.parametrize(
    ("column", "value", "opened"),
    [
        (1, '"636', "input_tokens value ('\"636,239,gpt-4o-mini,bob')"),
        (3, '"gpt-4o', "model value ('\"gpt-4o,bob')"),
        (4, '"bob', "user value ('\"bob')"),
    ],
)
def test_a_compressed_log_names_the_line(
    tmp_path: Path, name: str, column: int, value: str, opened: str
) -> None:
    # was, for a .zst: exit 0, 1,000 rows read of 2,000 (the model and user columns) or 999
    # used with 1 unreadable (input_tokens)
    lines = rows()
    changed(lines, 1_001, column, value)
    path = write(tmp_path / name, lines)
    code, out, err = run("usage", path)
    assert_user_error(
        code,
        out,
        err,
        f"{path}: line 1,001: a quote opens the {opened} and is never closed: the 1,000 lines "
        f"after it would be read as that one value, their rows lost; {FIX}",
    )


def test_csv_logs_in_folders_named_by_a_value(tmp_path: Path) -> None:
    # day=1/ and day=2/: DuckDB adds a day column (a number) after the header's columns
    lines = rows()
    changed(lines, 1_001, 4, '"bob')
    changed(lines, 1_004, 4, 'bob"')
    for day, part in ((1, lines[:1_500]), (2, rows()[1_500:])):
        (tmp_path / f"day={day}").mkdir()
        write(tmp_path / f"day={day}" / "logs.csv", part)
    code, out, err = run("usage", tmp_path / "day=2" / "logs.csv", tmp_path / "day=1" / "logs.csv")
    assert_user_error(
        code,
        out,
        err,
        f"{tmp_path / 'day=1' / 'logs.csv'}: line 1,001: a quote opens the user value "
        "('\"bob') and closes only on line 1,004: the 3 lines after it",
    )
    profile = profile_usage([tmp_path / "day=2" / "logs.csv"])
    assert profile.rows["read"] == 500
    assert profile.rows["used"] == 500
