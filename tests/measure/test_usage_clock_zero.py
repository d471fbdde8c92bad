"""A number in a time column is a unix time, its unit told by its size, by one rule for files
and databases (:mod:`payback.measure.usage.unixtime`); logs whose every time falls in
1970 (day numbers, spreadsheet dates or YYYYMMDD dates read as seconds) are refused in one
line, where they had given a month of 584,400 requests that ``-o`` wrote."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import assert_user_error, run
from payback import PaybackError, profile_usage
from payback.measure.usage.unixtime import check_span, unix_sql

UTC = dt.UTC
HINT = (
    "day numbers or spreadsheet dates read as seconds? give epoch seconds, epoch milliseconds "
    "or ISO 8601 times"
)


def day_numbers(path: Path, first: float, step: float = 0.25) -> Path:
    """800 rows, four a day: ``first``, ``first + step``, ... (day numbers, or a
    spreadsheet's serials with ``step`` 0.25)."""
    lines = ["ts,input_tokens,output_tokens"]
    lines += [f"{first + i * step},1000,200" for i in range(800)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_day_numbers_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    logs = tmp_path / "days.csv"
    lines = ["ts,input_tokens,output_tokens"]
    lines += [f"{20_000 + i // 4},1000,200" for i in range(800)]
    logs.write_text("\n".join(lines) + "\n")
    out_file = tmp_path / "s.toml"
    code, out, err = run("usage", logs, "-o", out_file)
    assert_user_error(code, out, err)
    assert err == (
        f"error: {logs}: ts: the times read, 20,000-20,199 seconds since 1970, all fall on "
        f"1970-01-01 05:33-05:36 UTC: {HINT}\n"
    )  # 20,000 s is 05:33:20, 20,199 s 05:36:39
    assert not out_file.exists()  # had read requests_per_month 584,400 and written it


def test_spreadsheet_serials_are_refused(tmp_path: Path) -> None:
    logs = day_numbers(tmp_path / "serials.csv", 45_800.0)  # 45,800 to 45,999.75
    with pytest.raises(PaybackError) as caught:
        profile_usage([logs])
    assert caught.value.messages == [
        f"{logs}: ts: the times read, 45,800-45,999.75 seconds since 1970, all fall on "
        f"1970-01-01 12:43-12:46 UTC: {HINT}"
    ]


def test_julian_days_span_days_of_january_1970(tmp_path: Path) -> None:
    logs = day_numbers(tmp_path / "julian.csv", 2_460_000, 0.25)  # 2,460,000 s: Jan 29 11:20
    with pytest.raises(PaybackError, match=r"2,460,000-2,460,199\.75 seconds since 1970, all "):
        profile_usage([logs])


def test_day_numbers_in_a_duckdb_table_are_refused(tmp_path: Path) -> None:
    """The database path reads the same numbers by the same rule, and is refused alike."""
    db = tmp_path / "logs.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE requests AS SELECT 20000 + i // 4 AS ts, 1000 AS input_tokens, "
        "200 AS output_tokens FROM range(800) t(i)"
    )
    con.close()
    code, out, err = run("usage", db)
    assert_user_error(code, out, err, "ts: the times read, 20,000-20,199 seconds since 1970", HINT)


def test_epoch_seconds_and_milliseconds_still_read(tmp_path: Path) -> None:
    start = int(dt.datetime(2026, 3, 1, tzinfo=UTC).timestamp())
    for unit in (1, 1000):
        logs = tmp_path / f"epoch{unit}.csv"
        rows = [f"{(start + h * 3600) * unit},1000,200" for h in range(24 * 92)]
        logs.write_text("ts,input_tokens,output_tokens\n" + "\n".join(rows) + "\n")
        profile = profile_usage([logs])
        assert profile.span["first"] == "2026-03-01T00:00:00+00:00"
        assert profile.traffic["requests_per_month"] == pytest.approx(24 * 30.4375)


def test_one_time_after_1970_keeps_the_logs() -> None:
    check_span("x", dt.datetime(1970, 1, 1, tzinfo=UTC), dt.datetime(1971, 1, 1, tzinfo=UTC))
    check_span("x", None, None)
    at = dt.datetime(1970, 1, 31, 23, 59, 59, tzinfo=UTC)
    with pytest.raises(PaybackError, match="2,678,399-2,678,399 seconds since 1970, all fall on "):
        check_span("x", at, at)
    with pytest.raises(
        PaybackError, match="all fall between 1970-01-01 00:00 and 1970-01-31 23:59"
    ):
        check_span("x", dt.datetime(1970, 1, 1, tzinfo=UTC), at)
    end = dt.datetime(1970, 12, 31, 23, 59, 59, tzinfo=UTC)
    with pytest.raises(PaybackError, match="all fall between 1970-01-01 00:00 and 1970-12-31"):
        check_span("x", dt.datetime(1970, 1, 1, tzinfo=UTC), end)


YMD = (
    "dates written as YYYYMMDD read as seconds? give epoch seconds, epoch milliseconds or "
    "ISO 8601 times"
)


def test_yyyymmdd_dates_are_refused(tmp_path: Path) -> None:
    """20260101 to 20260630 read as seconds fall on 1970-08-23 (they had read 528,882
    requests a month, exit 0); as numbers in CSV, JSON lines and a DuckDB table alike."""
    days = [f"202601{d:02d}" for d in range(1, 32)] + [f"202606{d:02d}" for d in range(1, 31)]
    csv = tmp_path / "ymd.csv"
    csv.write_text("date,input_tokens,output_tokens\n" + "".join(f"{d},1000,200\n" for d in days))
    jsonl = tmp_path / "ymd.jsonl"
    jsonl.write_text(
        "".join(f'{{"date": {d}, "input_tokens": 1000, "output_tokens": 200}}\n' for d in days)
    )
    db = tmp_path / "ymd.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE requests (created_at BIGINT, prompt_tokens INT, completion_tokens INT)"
    )
    con.executemany("INSERT INTO requests VALUES (?, 1000, 200)", [(int(d),) for d in days])
    con.close()
    for logs in (csv, jsonl):
        with pytest.raises(PaybackError) as caught:
            profile_usage([logs])
        assert caught.value.messages == [
            f"{logs}: ts: the times read, 20,260,101-20,260,630 seconds since 1970, all fall "
            f"on 1970-08-23 11:48-11:57 UTC: {YMD}"
        ]
    code, out, err = run("usage", db)
    assert_user_error(code, out, err, "20,260,101-20,260,630 seconds since 1970", YMD)


UNIT = [(1e17, 1e9), (1e14, 1e6), (1e11, 1e3), (0.0, 1.0)]


@given(st.floats(min_value=-1e22, max_value=1e22, allow_nan=False))
def test_one_rule_reads_a_number_in_seconds_and_in_microseconds(x: float) -> None:
    """The files' seconds and the databases' microseconds are the same time, by the rule
    written out here: from 1e17 ns, from 1e14 µs, from 1e11 ms, else s; none from 9e21."""
    seconds, micros = (
        duckdb.connect()
        .execute(f"SELECT {unix_sql('x', 0)}, {unix_sql('x', 6)} FROM (SELECT {x!r}::DOUBLE AS x)")
        .fetchone()
    )
    if abs(x) >= 9e21:
        assert (seconds, micros) == (None, None)
        return
    per_second = next(per for low, per in UNIT if abs(x) >= low)
    assert seconds == pytest.approx(x / per_second, rel=1e-12)
    assert micros == pytest.approx(x / per_second * 1e6, rel=1e-12)
