"""Logs dated after now are warned of (:func:`payback.measure.usage.unixtime.future_warning`):
no request was made then, so a clock, a time zone or the year is wrong, and the months after
today would be counted as if they had happened. They had been read silently: logs of
January-April 2027 read on 2026-12-07 gave three "complete" months and a growth fit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from payback import profile_usage
from payback.measure.usage import profile_database, unixtime

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 7, 13, 0, tzinfo=UTC)


def logs(path: Path, first: dt.datetime, hours: int) -> Path:
    """One request an hour from ``first``, for ``hours`` hours."""
    lines = ["ts,input_tokens,output_tokens"]
    lines += [f"{(first + dt.timedelta(hours=h)).isoformat()},100,20" for h in range(hours)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    monkeypatch.setattr(unixtime, "now", lambda: NOW)
    return NOW


def future(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "after now" in w]


def test_logs_after_now_are_warned_of(tmp_path: Path, fixed_now: dt.datetime) -> None:
    path = logs(tmp_path / "a.csv", dt.datetime(2027, 1, 1, tzinfo=UTC), 24 * 90)
    got = profile_usage([path])
    assert future(got.warnings) == [
        "the logs run to 2027-03-31 23:00 UTC, after now (2026-12-07 13:00 UTC): their months "
        "after today are counted as written; is a clock, a time zone or the year wrong?"
    ]


def test_a_day_past_now_is_allowed_for_time_zones(tmp_path: Path, fixed_now: dt.datetime) -> None:
    """Local times written as UTC run up to 14 hours ahead (UTC+14): within a day, no word."""
    last = NOW + dt.timedelta(days=1)  # the edge itself is allowed
    path = logs(tmp_path / "a.csv", last - dt.timedelta(hours=99), 100)
    assert future(profile_usage([path]).warnings) == []
    path = logs(tmp_path / "b.csv", last - dt.timedelta(hours=98), 100)  # an hour past it
    assert len(future(profile_usage([path]).warnings)) == 1


def test_a_database_table_after_now_is_warned_of(tmp_path: Path, fixed_now: dt.datetime) -> None:
    db = tmp_path / "logs.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE requests (ts TIMESTAMPTZ, input_tokens INT, output_tokens INT)")
    con.execute(
        "INSERT INTO requests SELECT TIMESTAMPTZ '2028-05-01 00:00:00+00' + to_hours(i), 100, 20 "
        "FROM range(48) t(i)"
    )
    con.close()
    got = profile_database(f"duckdb://{db}", table="requests")
    assert future(got.warnings) == [
        "the logs run to 2028-05-02 23:00 UTC, after now (2026-12-07 13:00 UTC): their months "
        "after today are counted as written; is a clock, a time zone or the year wrong?"
    ]


def test_logs_up_to_the_real_now_are_not_warned_of(tmp_path: Path) -> None:
    """With the real clock: logs ending an hour ago are read without that warning."""
    end = dt.datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    path = logs(tmp_path / "a.csv", end - dt.timedelta(hours=199), 200)
    assert future(profile_usage([path]).warnings) == []
