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


# -- digits grouped by commas, as a spreadsheet exports them -------------------------------

GROUPED_ROWS = [
    ("2026-01-05T10:00:00Z", "1,234", "56"),  # used
    ("2026-01-06T10:00:00Z", "1,5", "7"),  # one and a half, or fifteen?
    ("2026-01-07T10:00:00Z", " 12,345 ", "8"),  # used
    ("2026-02-07T10:00:00Z", "100", "2,000"),  # used
    ("2026-02-08T10:00:00Z", "1,2345", "9"),  # not grouped by threes
    ("2026-02-09T10:00:00Z", "abc", "1,0"),
    ("2026-02-10T10:00:00Z", "x", "5"),  # no number, no comma
    ("2026-02-11T10:00:00Z", "1,000,000,000", "1"),  # a billion tokens
]
GROUPED_WHY = {
    "token counts with a comma that is not a thousands separator (such as 1,5)": 3,
    "token counts missing or not numbers": 1,
    "over 10^8 tokens a request": 1,
}


def check_grouped(profile: object) -> None:
    """Three rows used: (1,234 + 12,345 + 100) / 3 input and (56 + 8 + 2,000) / 3 output
    tokens; the others unusable, each for its reason."""
    rows, traffic = profile.rows, profile.traffic  # type: ignore[attr-defined]
    assert rows["used"] == 3
    assert rows["unreadable_why"] == GROUPED_WHY
    assert traffic["input_tokens"] == pytest.approx(13_679 / 3, rel=1e-12)
    assert traffic["output_tokens"] == pytest.approx(688, rel=1e-12)


def test_digits_grouped_by_commas_in_a_csv_are_the_number(tmp_path: Path) -> None:
    """A spreadsheet's CSV quotes "1,234": it was a row that could not be read (all 8 rows
    here were: 'token counts missing or not numbers'); now it is 1234, and a comma that
    groups no thousands ("1,5") is unusable, the reason saying so."""
    path = tmp_path / "sheet.csv"
    with path.open("w", newline="") as fh:
        fh.write("timestamp,prompt_tokens,completion_tokens\n")
        for ts, inp, out in GROUPED_ROWS:
            fh.write(f'{ts},"{inp}","{out}"\n')
    check_grouped(profile_usage([path]))
    code, out, err = run("usage", path)
    assert code == 0, err
    assert "3 with token counts with a comma that is not a thousands separator" in out


def test_digits_grouped_by_commas_in_text_columns_of_each_engine(
    tmp_path: Path, postgres: object
) -> None:
    """The same text columns in a DuckDB file, in PostgreSQL and in ClickHouse (chdb) give
    the CSV's profile: the query written once reads grouped digits in each dialect."""
    import duckdb
    import psycopg

    from payback.measure.usage import profile_database

    create = "CREATE TABLE sheet (created_at {t}, prompt_tokens {t}, completion_tokens {t})"
    db = tmp_path / "sheet.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(create.format(t="VARCHAR"))
        con.executemany("INSERT INTO sheet VALUES (?, ?, ?)", GROUPED_ROWS)
        con.execute(f"COPY sheet TO '{tmp_path / 'sheet.parquet'}' (FORMAT parquet)")
    check_grouped(profile_database(str(db), table="sheet"))
    url = postgres.url()  # type: ignore[attr-defined]
    with psycopg.connect(url) as con:
        con.execute("DROP TABLE IF EXISTS grouped_sheet")
        con.execute(create.format(t="text").replace("sheet", "grouped_sheet"))
        with con.cursor().copy("COPY grouped_sheet FROM STDIN") as copy:
            for row in GROUPED_ROWS:
                copy.write_row(row)
    try:
        check_grouped(profile_database(url, table="grouped_sheet"))
    finally:
        with psycopg.connect(url) as con:
            con.execute("DROP TABLE grouped_sheet")
    chdb_session = pytest.importorskip("chdb.session")
    folder = tmp_path / "chdb"
    session = chdb_session.Session(str(folder))
    session.query(f"{create.format(t='Nullable(String)')} ENGINE = MergeTree ORDER BY tuple()")
    session.query(f"INSERT INTO sheet SELECT * FROM file('{tmp_path / 'sheet.parquet'}', Parquet)")
    session.close()
    check_grouped(profile_database(f"chdb://{folder}", table="sheet"))


def test_a_json_line_cut_short_is_counted_as_not_json(tmp_path: Path) -> None:
    """A JSON-lines export with one line cut short: that line is unreadable because it is
    not JSON (it was counted as 'no time that reads as a date', though it has a time)."""
    path = tmp_path / "calls.jsonl"
    path.write_text(
        '{"timestamp": "2026-01-05T10:00:00Z", "prompt_tokens": 100, "completion_tokens": 50}\n'
        '{"timestamp": "2026-01-06T10:00:00Z", "prompt_tokens": 100,\n'
        '{"timestamp": "2026-02-06T10:00:00Z", "prompt_tokens": 200, "completion_tokens": 50}\n'
    )
    profile = profile_usage([path])
    assert profile.rows["used"] == 2
    assert profile.rows["unreadable_why"] == {"a line that is not JSON": 1}
    assert profile.traffic["input_tokens"] == 150


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # a spreadsheet saved where the decimal mark is a comma: columns split by semicolons
        ("semicolons.csv", "timestamp;model;prompt_tokens;completion_tokens\n{rows}"),
        # Excel's first line naming the delimiter
        ("excel.csv", "sep=;\ntimestamp;model;prompt_tokens;completion_tokens\n{rows}"),
        ("tabs.txt", "timestamp\tmodel\tprompt_tokens\tcompletion_tokens\n{rows}"),
    ],
)
def test_a_csv_split_by_semicolons_or_tabs_is_read(tmp_path: Path, name: str, text: str) -> None:
    """It was one line naming a single column ('no ts / input / output column found in
    timestamp;model;prompt_tokens;completion_tokens', or 'in sep=;'); now the header's
    delimiter is found, and a decimal comma in a token count is unusable, saying why."""
    delim = "\t" if name.endswith(".txt") else ";"
    rows = [
        ("2026-01-05T10:00:00Z", "m", "100", "50"),
        ("2026-01-06T10:00:00Z", "m", "300", "70"),
        ("2026-01-07T10:00:00Z", "m", "12,5", "70"),
    ]
    body = "".join(delim.join(r) + "\n" for r in rows)
    (tmp_path / name).write_text(text.format(rows=body))
    profile = profile_usage([tmp_path / name])
    assert profile.rows["used"] == 2
    assert (profile.traffic["input_tokens"], profile.traffic["output_tokens"]) == (200, 60)
    assert profile.rows["unreadable_why"] == {
        "token counts with a comma that is not a thousands separator (such as 1,5)": 1
    }


def test_excel_sep_line_alone_with_a_header_is_empty(tmp_path: Path) -> None:
    (tmp_path / "excel.csv").write_text("sep=;\ntimestamp;prompt_tokens;completion_tokens\n")
    assert_user_error(*run("usage", tmp_path / "excel.csv"), "excel.csv: empty (no records)")


def test_a_header_that_names_a_column_twice_is_warned_of(tmp_path: Path) -> None:
    """Two prompt_tokens columns (100 and 999): the first is read, as before, but no longer
    silently."""
    path = tmp_path / "twice.csv"
    path.write_text(
        "timestamp,prompt_tokens,prompt_tokens,completion_tokens\n"
        "2026-01-05T10:00:00Z,100,999,50\n2026-02-05T10:00:00Z,200,999,50\n"
    )
    profile = profile_usage([path])
    assert profile.traffic["input_tokens"] == 150
    assert (
        f"{path}: the header names prompt_tokens twice; the first is read (the next is "
        "prompt_tokens_1, to name with columns)"
    ) in profile.warnings
    named = profile_usage([path], columns="input=prompt_tokens_1")
    assert named.traffic["input_tokens"] == 999


def test_a_blank_cached_count_is_none_cached_as_in_a_database(tmp_path: Path) -> None:
    """A cached-tokens cell of spaces in a CSV, or "" in JSON, was a row left out ('token
    counts missing or not numbers'): 1 of 3 rows here, 1 of 2 there. A database's text
    column reads it as none cached; so do files now."""
    import duckdb

    from payback.measure.usage import profile_database

    rows = [
        ("2026-01-05T10:00:00Z", "100", "50", None),
        ("2026-01-06T10:00:00Z", "100", "50", " "),
        ("2026-01-07T10:00:00Z", "400", "50", "100"),
    ]
    path = tmp_path / "blank.csv"
    path.write_text(
        "timestamp,prompt_tokens,completion_tokens,cached_tokens\n"
        + "".join(f"{t},{i},{o},{c or ''}\n" for t, i, o, c in rows)
    )
    db = tmp_path / "blank.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "CREATE TABLE blank (created_at VARCHAR, prompt_tokens VARCHAR, "
            "completion_tokens VARCHAR, cached_tokens VARCHAR)"
        )
        con.executemany("INSERT INTO blank VALUES (?, ?, ?, ?)", rows)
    jsonl = tmp_path / "blank.jsonl"
    jsonl.write_text(
        '{"timestamp": "2026-01-05T10:00:00Z", "prompt_tokens": 100, "completion_tokens": 50, '
        '"cached_tokens": ""}\n'
        '{"timestamp": "2026-01-07T10:00:00Z", "prompt_tokens": 400, "completion_tokens": 50, '
        '"cached_tokens": 100}\n'
    )
    for profile in (profile_usage([path]), profile_database(str(db), table="blank")):
        assert profile.rows["used"] == 3
        assert profile.traffic["cached_input_share"] == pytest.approx(100 / 600, rel=1e-12)
    from_jsonl = profile_usage([jsonl])
    assert from_jsonl.rows["used"] == 2
    assert from_jsonl.traffic["cached_input_share"] == pytest.approx(100 / 500, rel=1e-12)


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        (
            # Excel's 'Unicode Text': UTF-16 with a byte-order mark, tabs, CRLF
            "unicode.txt",
            "\ufefftimestamp\tprompt_tokens\tcompletion_tokens\r\n"
            "2026-01-05T10:00:00Z\t100\t50\r\n".encode("utf-16-le"),
            "unicode.txt: UTF-16 text (as Excel's 'Unicode Text' saves it); save it as 'CSV "
            "UTF-8', or convert it to UTF-8",
        ),
        (
            # a carriage return alone inside the header
            "cr.csv",
            b"timestamp,prompt\rx,completion_tokens\n2026-01-05T10:00:00Z,1,2\n",
            "cr.csv (read as generic): no time / input-token / output-token column among:",
        ),
    ],
)
def test_text_python_cannot_split_is_one_line(
    tmp_path: Path, name: str, content: bytes, fragment: str
) -> None:
    """Each was an internal error, exit 1 ('new-line character seen in unquoted field')."""
    (tmp_path / name).write_bytes(content)
    assert_user_error(*run("usage", tmp_path / name), fragment)


def test_one_repeated_row_and_one_covered_hour_are_said_in_the_singular(tmp_path: Path) -> None:
    """Two rows of one request id within one hour: it said "1 rows repeat a request id"
    and "scales 1 covered hours"."""
    path = tmp_path / "dup.csv"
    path.write_text(
        "ts,prompt_tokens,completion_tokens,id\n"
        "2026-01-05T10:00:00Z,10,5,a\n2026-01-05T10:20:00Z,10,5,a\n"
    )
    code, out, err = run("usage", path)
    assert code == 0, err
    words = " ".join((out + err).split())
    assert "1 row dropped as repeats of a request id seen before" in words
    assert "1 rows" not in words
    assert "the requests of 1 covered hour scaled to a 730.5-hour month" in words


def test_a_repeated_header_in_another_case_names_the_column_that_reads(tmp_path: Path) -> None:
    """input_tokens and Input_Tokens: the hint named input_tokens_1, which no column is;
    the repeated column is Input_Tokens_1, and naming it reads its 99."""
    path = tmp_path / "d.csv"
    path.write_text("ts,input_tokens,output_tokens,Input_Tokens\n2026-01-05T10:00:00Z,10,5,99\n")
    code, _, err = run("usage", path)
    assert code == 0, err
    assert "(the next is Input_Tokens_1, to name with columns)" in " ".join(err.split())
    named = profile_usage([path], columns="input=Input_Tokens_1")
    assert named.traffic["input_tokens"] == 99


@pytest.mark.parametrize("name", ["export.json", "export.json.gz"])
def test_a_json_array_after_a_byte_order_mark_reads_as_without_it(
    tmp_path: Path, name: str
) -> None:
    """A JSON array of records saved with a UTF-8 byte-order mark (as Windows tools save
    it) was refused ('expected JSON objects, one log record each; found an array'), where
    the same array without the mark, and an object with it, were read. Now the same
    profile: 2 requests, 100 and 300 input tokens."""
    import gzip

    records = (
        '[{"timestamp": "2026-01-05T10:00:00Z", "prompt_tokens": 100, "completion_tokens": 50},\r\n'
        ' {"timestamp": "2026-01-05T11:00:00Z", "prompt_tokens": 300, "completion_tokens": 70}]\r\n'
    )
    plain = tmp_path / "plain.json"
    plain.write_text(records)
    marked = tmp_path / name
    data = b"\xef\xbb\xbf" + records.encode()
    marked.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    want = profile_usage([plain])
    got = profile_usage([marked])
    assert got.rows == want.rows
    assert got.rows["used"] == 2
    assert got.traffic == want.traffic
    assert got.traffic["input_tokens"] == 200
