"""Text times read alike on every path: the same rows in CSV, JSON lines and Parquet files, in
a DuckDB file, in PostgreSQL and in ClickHouse (chdb). DuckDB read a zone's name, ``GMT``,
slashes and ``24:00`` where the databases said no time; a five-digit year was a time after
2199 in DuckDB and no time in the databases; an abbreviation (``EST``) and ``GMT+2`` were
read by DuckDB alone (two hours east; PostgreSQL reads ``GMT+2`` two hours west)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from payback import profile_usage
from payback.measure.usage import profile_database

pytestmark = pytest.mark.slow

READ = [
    # each is 2026-03-02 15:00 UTC and some minutes (hand-computed)
    "2026-03-02 10:00:00 America/New_York",  # EST, -5 (DST from March 8)
    "2026-03-02T16:05 Europe/Berlin",  # CET, +1
    "2026-03-02 10:10:00 America/new_york",  # the case after the first letter does not count
    "2026-03-02 20:45:00.25 Asia/Kolkata",  # +5:30: 15:15:00.25
    "2026/3/2 12:20:00 America/Argentina/Buenos_Aires",  # -3, slashes, one-digit month
    "2026-03-02 10:25:00 Etc/GMT+5",  # the tz database's Etc/GMT+5 is UTC-5
    "2026-03-02 15:30:00 GMT",
    "2026-03-02 15:35:00 gmt",
    "2026/03/02 15:40:00",
    "2026/3/2 15:45",
    "2026-3-2 15:50",
    # 2026-03-02 00:00 UTC: the end of March 1 (ISO 8601's 24:00)
    "2026-03-01 24:00:00",
    "2026-03-01T24:00Z",
    "2026/03/01 24:00:00.000",
]
NO_TIME = [
    "12026-03-02",  # five digits of year
    "12026-03-02 10:00:00",
    "02026-03-02",
    "2026-03-02 10:00:00 EST",  # abbreviations name several zones
    "2026-03-02 10:00:00 IST",  # India, Israel or Ireland
    "2026-03-02 10:00:00 GMT+2",  # east or west by convention
    "2026-03-02 10:00:00 UTC-05:00",
    "2026-03-02 10:00:00 Nowhere/Land",  # no such zone (PostgreSQL's cast fails on it)
    "2026-03-02 10:00:00 america/new_york",  # an area in lower case is not a zone's name
    "2026-03-02 10:00:00America/New_York",
    "2026-03-02 24:00:01",
    "2026-03-02 24:30",
    "2026/02/30 10:00",  # no such day
    "2026/03-02 10:00",  # two separators
    "2026 03 02 10:00",
    "03/02/2026 10:00:00",  # March 2 or February 3?
    "2026-03-02 10:0",
    "2026-03-02 10:00:00+05:30:00",
]


def _tables(tmp_path: Path, postgres: Any, forms: list[str]) -> dict[str, Any]:
    """The same rows on every path: each path's function giving its profile."""
    import chdb.session
    import duckdb
    import psycopg

    rows = [(t, 100 + i, 10) for i, t in enumerate(forms)]
    create = "CREATE TABLE forms (created_at {}, prompt_tokens int, completion_tokens int)"
    db = tmp_path / "forms.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(create.format("VARCHAR"))
        con.executemany("INSERT INTO forms VALUES (?, ?, ?)", rows)
        for name, options in (
            ("csv", "HEADER"),
            ("jsonl", "FORMAT json"),
            ("parquet", "FORMAT parquet"),
        ):
            con.execute(f"COPY forms TO '{tmp_path / f'forms.{name}'}' ({options})")
    with psycopg.connect(postgres.url(), autocommit=True) as con:
        con.execute("DROP TABLE IF EXISTS forms")
        con.execute(create.format("text"))
        with con.cursor().copy("COPY forms FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    session = chdb.session.Session(str(tmp_path / "chdb"))
    session.query(
        "CREATE TABLE forms (created_at Nullable(String), prompt_tokens Int32, "
        "completion_tokens Int32) ENGINE = MergeTree ORDER BY tuple()"
    )
    session.query(f"INSERT INTO forms SELECT * FROM file('{tmp_path / 'forms.parquet'}', Parquet)")
    session.close()
    return {
        **{
            f: (lambda f=f: profile_usage([tmp_path / f"forms.{f}"]))
            for f in ("csv", "jsonl", "parquet")
        },
        "duckdb": lambda: profile_database(str(db), table="forms"),
        "postgres": lambda: profile_database(postgres.url(), table="forms"),
        "chdb": lambda: profile_database(f"chdb://{tmp_path / 'chdb'}", table="forms"),
    }


def _profiles(tmp_path: Path, postgres: Any, forms: list[str]) -> dict[str, Any]:
    paths = _tables(tmp_path, postgres, forms)
    try:
        return {name: profile() for name, profile in paths.items()}
    finally:
        import psycopg

        with psycopg.connect(postgres.url(), autocommit=True) as con:
            con.execute("DROP TABLE forms")


def test_text_times_read_alike_on_every_engine(tmp_path: Path, postgres: Any) -> None:
    """Every read form lands on its hand-computed instant (15:00-15:50 UTC on March 2, or
    midnight that day for 24:00 on March 1), every other is no time, on each of six paths."""
    profiles = _profiles(tmp_path, postgres, READ + NO_TIME)
    for name, got in profiles.items():
        assert got.rows["used"] == len(READ), name
        assert got.rows["unreadable_why"] == {"no time that reads as a date": len(NO_TIME)}, name
        assert got.span["first"] == "2026-03-02T00:00:00+00:00", name
        assert got.span["last"] == "2026-03-02T15:50:00+00:00", name
        # 3 requests in the hour from midnight, 11 in the hour from 15:00 (a form read at
        # another offset would be in another hour): 16 hours covered, the busiest 11
        assert got.span["hours"] == 16.0, name
        assert got.traffic["peak_to_average"] == pytest.approx(11 / (len(READ) / 16)), name
        # (the examples of unusable rows are not fetched from a database)
        assert {**got.rows, "examples": []} == {**profiles["csv"].rows, "examples": []}, name
        assert got.traffic == profiles["csv"].traffic, name


CLOCK_CHANGES = [
    "2026-03-08 02:30:00 America/New_York",  # skipped: 02:30 EST, 07:30 UTC (not 06:30)
    "2026-04-05 02:30:00 Australia/Sydney",  # repeated: 02:30 AEST, 16:30 UTC on April 4
    "2026-04-05 01:45:00 Australia/Lord_Howe",  # repeated half hour: +10:30, 15:15 UTC
    "2026-10-25 02:30:00 Europe/Berlin",  # repeated: 02:30 CET, 01:30 UTC
    "2026-11-01 01:30:00 America/New_York",  # repeated: 01:30 EST, 06:30 UTC (not 05:30)
]


def test_a_time_a_clock_change_skips_or_repeats_is_its_later_reading_everywhere(
    tmp_path: Path, postgres: Any
) -> None:
    """A local time that a zone's clock change repeats or skips is read at the later of its
    two readings (the offset after a repeat, before a skip: PostgreSQL's and DuckDB's
    reading); ClickHouse read the earlier, an hour before (05:30 for 01:30 in New York on
    November 1). Each path's first and last times, and the months of the other three."""
    profiles = _profiles(tmp_path, postgres, CLOCK_CHANGES)
    months = [("2026-03", 1), ("2026-04", 2), ("2026-10", 1), ("2026-11", 1)]
    for name, got in profiles.items():
        assert got.rows["used"] == len(CLOCK_CHANGES), name
        assert got.span["first"] == "2026-03-08T07:30:00+00:00", name
        assert got.span["last"] == "2026-11-01T06:30:00+00:00", name
        by_month = [(m["month"], m["requests"]) for m in got.by_month if m["requests"]]
        assert by_month == months, name
        assert got.to_dict()["by_month"] == profiles["csv"].to_dict()["by_month"], name


def test_a_clickhouse_without_the_zone_parse_reads_the_rest_and_no_zone_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ClickHouse server before 24.10 has no parseDateTime64InJodaSyntaxOrNull (and its
    Joda parse reads no zone name): the query names it only where the server has it, so an
    older server reads every other form and calls a zone's name no time, where the query
    would fail on any text time."""
    import chdb.session

    from payback.measure.usage import engines

    rows = [(t, 100 + i, 10) for i, t in enumerate(READ)]
    session = chdb.session.Session(str(tmp_path / "chdb"))
    session.query(
        "CREATE TABLE forms (created_at String, prompt_tokens Int32, completion_tokens Int32) "
        "ENGINE = MergeTree ORDER BY tuple()"
    )
    values = ", ".join(f"('{t}', {i}, {o})" for t, i, o in rows)
    session.query(f"INSERT INTO forms VALUES {values}")
    session.close()
    url = f"chdb://{tmp_path / 'chdb'}"
    monkeypatch.setattr(engines, "CH_ZONES", "SELECT 0")
    got = profile_database(url, table="forms")
    named = [t for t in READ if "/" in t.split(" ")[-1]]
    assert len(named) == 6
    assert got.rows["used"] == len(READ) - len(named)
    assert got.rows["unreadable_why"] == {"no time that reads as a date": len(named)}
    monkeypatch.undo()
    assert profile_database(url, table="forms").rows["used"] == len(READ)
    # what an older server would fail on is not in its query
    from payback.measure.usage import parse_columns
    from payback.measure.usage.tables import Table, profile_query

    columns = {"created_at": "String", "prompt_tokens": "Int32", "completion_tokens": "Int32"}
    named_ts = parse_columns("ts=created_at,input=prompt_tokens,output=completion_tokens")
    for zones in (True, False):
        sql = profile_query(
            Table(None, "forms", columns, zones=zones), "generic", named_ts, dialect="clickhouse"
        )
        assert ("JodaSyntax" in sql) == ("time_zones" in sql) == zones


SPACED = [
    # an offset after one space, as Ruby's Time#to_s writes it: 15:00-15:15 UTC on March 2
    "2026-03-02 10:00:00 -0500",
    "2026-03-02 20:35 +05:30",
    "2026/3/2 17:10:00.5 +02",
    "2026-03-02T15:15:00 +0000",
]
SPACED_NO_TIME = [
    "2026-03-02 +0500",  # an offset after a date alone
    "2026-03-02 10:00:00  +0500",  # two spaces
    "2026-03-02 10:00:00 +05:30:00",
]


def test_an_offset_after_a_space_reads_alike_on_every_engine(tmp_path: Path, postgres: Any) -> None:
    """'2026-03-02 10:00:00 -0500' was no time in files and in DuckDB (its cast reads no
    space before an offset) while ClickHouse could read it: now each form lands on its
    hand-computed instant on every path, and the others are no time everywhere."""
    profiles = _profiles(tmp_path, postgres, SPACED + SPACED_NO_TIME)
    for name, got in profiles.items():
        assert got.rows["used"] == len(SPACED), name
        why = {"no time that reads as a date": len(SPACED_NO_TIME)}
        assert got.rows["unreadable_why"] == why, name
        assert got.span["first"] == "2026-03-02T15:00:00+00:00", name
        assert got.span["last"] == "2026-03-02T15:15:00+00:00", name
        assert got.traffic == profiles["csv"].traffic, name
