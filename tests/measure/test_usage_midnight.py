"""Whether timestamps are whole days is told by how they are written: a date without a time
of day stands for its day however few the rows; a time that writes its time of day stands
for a day only when every one falls at midnight on :data:`MIDNIGHT_DAYS` days or more (one
usable row that falls at midnight is no log of dates)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import run
from payback import profile_usage
from payback.measure.usage.sql import MIDNIGHT_DAYS

pytestmark = pytest.mark.slow  # request logs read through DuckDB, command lines

HEADER = "created_at,input_tokens,output_tokens\n"
WHOLE_DAYS = "the timestamps are whole days"


def logs(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows))
    return path


def test_one_usable_row_at_midnight_is_no_log_of_dates(tmp_path: Path) -> None:
    """It said 'the timestamps are whole days (dates without a time)' of a file whose one
    readable row was written 2026-11-01T00:00:00Z, the others malformed."""
    odd = logs(
        tmp_path / "odd.csv",
        "2026-11-01T00:00:00Z,100,10",
        "notatime,5,5",
        "2026-11-02T10:00:00Z,abc,5",
    )
    code, out, err = run("usage", odd)
    assert code == 0, err
    assert WHOLE_DAYS not in out + err
    assert "peak_to_average      1.00  (busiest hour / mean hour covered)" in out
    code, out, err = run("usage", odd, "--json")
    assert code == 0, err
    got = json.loads(out)
    assert not [n for n in got["notes"] if WHOLE_DAYS in n]
    assert got["rows"]["used"] == 1
    assert got["rows"]["unreadable"] == 2
    # read as a time on the hour (as 10:00:00Z would be): it stands for its hour, 1 covered
    # hour x 730.5 = 730.5 requests a month, the busiest hour the mean one
    assert got["span"]["bucket_seconds"] == 3600.0
    assert got["span"]["hours"] == 1.0
    assert got["traffic"]["requests_per_month"] == 730.5
    assert got["traffic"]["peak_to_average"] == 1.0


def test_a_date_without_a_time_is_a_day_however_few_the_rows(tmp_path: Path) -> None:
    profile = profile_usage([logs(tmp_path / "day.csv", "2026-11-01,100,10")])
    assert profile.span["bucket_seconds"] == 86400.0
    assert profile.span["hours"] == 24.0
    assert profile.traffic["requests_per_month"] == 730.5 / 24  # 1 request in 24 hours
    assert "peak_to_average" not in profile.traffic
    assert [n for n in profile.notes if n.startswith(WHOLE_DAYS)] == [
        "the timestamps are whole days (dates without a time, or every one at midnight), so "
        "the busiest hour is unknown: peak_to_average is not measured (a scenario written from "
        "these logs keeps its own); logs per request or in hourly buckets (the OpenAI usage "
        "API's bucket_width=1h) measure it"
    ]


@pytest.mark.parametrize("days", [MIDNIGHT_DAYS - 1, MIDNIGHT_DAYS])
def test_times_at_midnight_stand_for_days_on_enough_days(tmp_path: Path, days: int) -> None:
    """One request at 00:00:00Z on each of ``days`` days in a row: on 3 days they are
    days (72 covered hours, 3 requests: 30.4375 a month, no busiest hour); on 2 they are
    times on the hour (2026-11-01 00:00 to 2026-11-02 01:00, 25 covered hours: 2 x 730.5 /
    25 = 58.44 a month, the busiest hour 1 request over 2/25 a mean hour: 12.5)."""
    assert MIDNIGHT_DAYS == 3
    rows = [f"2026-11-0{k + 1}T00:00:00Z,100,10" for k in range(days)]
    profile = profile_usage([logs(tmp_path / "m.csv", *rows)])
    if days == 3:
        assert profile.span["bucket_seconds"] == 86400.0
        assert profile.traffic["requests_per_month"] == pytest.approx(3 * 730.5 / 72)
        assert "peak_to_average" not in profile.traffic
        assert any(n.startswith(WHOLE_DAYS) for n in profile.notes)
    else:
        assert profile.span["bucket_seconds"] == 3600.0
        assert profile.span["hours"] == 25.0
        assert profile.traffic["requests_per_month"] == pytest.approx(2 * 730.5 / 25)
        assert profile.traffic["peak_to_average"] == pytest.approx(12.5)
        assert not any(n.startswith(WHOLE_DAYS) for n in profile.notes)


def test_a_database_date_column_on_two_days_reads_as_days_as_a_file_does(
    tmp_path: Path,
) -> None:
    """A DuckDB table whose created_at is a DATE, 100 requests on each of 2 days: days
    (100 a day × 30.4375 = 3,043.75 a month, no busiest hour), as the same rows in a CSV
    of dates read; it read as hours (5,844 a month, a peak-to-average of 12.5)."""
    import duckdb

    from payback.measure.usage import profile_database

    db = tmp_path / "d.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE logs AS SELECT (DATE '2026-11-01' + (i % 2)::INTEGER) AS created_at, "
        "100 AS prompt_tokens, 20 AS completion_tokens FROM range(0, 200) t(i)"
    )
    con.execute(
        "COPY (SELECT strftime(created_at, '%Y-%m-%d') AS timestamp, prompt_tokens AS "
        f"input_tokens, completion_tokens AS output_tokens FROM logs) TO '{tmp_path / 'd.csv'}' "
        "(HEADER)"
    )
    con.close()
    table = profile_database(str(db), table="logs")
    csv = profile_usage([tmp_path / "d.csv"])
    for profile in (table, csv):
        assert profile.span.get("bucket_seconds") == 86_400
        assert profile.traffic["requests_per_month"] == 100 * 30.4375
        assert "peak_to_average" not in profile.traffic
