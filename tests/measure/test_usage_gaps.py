"""Gaps in the logs at a month's edge and inside a month: ten days missing from June's start
leave June partial (they had read as ten days without traffic), a night or a weekend over
a boundary, as the logs have inside their months, does not; a day missing inside a month
is warned of."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import run
from payback import profile_usage

UTC = dt.UTC
MONTH = 365.25 / 12


def every(
    first: dt.date, last: dt.date, minutes: int, keep: Callable[[dt.datetime], bool]
) -> list[dt.datetime]:
    """A request every ``minutes`` from ``first`` to the end of ``last`` where ``keep``."""
    t = dt.datetime(first.year, first.month, first.day, tzinfo=UTC) + dt.timedelta(minutes=3)
    end = dt.datetime(last.year, last.month, last.day, tzinfo=UTC) + dt.timedelta(days=1)
    times = []
    while t < end:
        if keep(t):
            times.append(t)
        t += dt.timedelta(minutes=minutes)
    return times


def write(path: Path, times: list[dt.datetime]) -> Path:
    lines = ["timestamp,model,input_tokens,output_tokens"]
    lines += [f"{t.isoformat()},m,1000,200" for t in times]
    path.write_text("\n".join(lines) + "\n")
    return path


def months(path: Path) -> list[tuple[str, bool]]:
    return [(m["month"], m["complete"]) for m in profile_usage([path]).by_month]


def test_ten_days_missing_from_junes_start_leave_june_partial(tmp_path: Path) -> None:
    """Every 10 minutes (144 a day) from April to June, June 1 to 10 missing: June's first
    request is 10 days in, 5 mean gaps 50 minutes (the hour of slack holds): partial, so
    the rate is May's, 144 × 30.4375 = 4,383 (June's 20 days had been read as a whole
    month: 2,880 / 30 × 30.4375 = 2,922, a third low)."""
    times = every(
        dt.date(2026, 4, 1), dt.date(2026, 6, 30), 10, lambda t: not (t.month == 6 and t.day <= 10)
    )
    got = profile_usage([write(tmp_path / "a.csv", times)])
    assert [(m["month"], m["complete"]) for m in got.by_month] == [
        ("2026-04", True),
        ("2026-05", True),
        ("2026-06", False),
    ]
    assert got.traffic["requests_per_month"] == pytest.approx(144 * MONTH)
    assert got.traffic["growth_monthly"] == pytest.approx(0.0, abs=1e-12)


def test_a_gap_over_a_boundary_leaves_both_months_partial(tmp_path: Path) -> None:
    """May 25 to June 10 missing: May's data end 7 days early, June's begin 10 days late."""
    times = every(
        dt.date(2026, 3, 1),
        dt.date(2026, 6, 30),
        10,
        lambda t: not (dt.date(2026, 5, 25) <= t.date() <= dt.date(2026, 6, 10)),
    )
    assert months(write(tmp_path / "a.csv", times)) == [
        ("2026-03", True),
        ("2026-04", True),
        ("2026-05", False),
        ("2026-06", False),
    ]


def test_nights_and_weekends_over_a_boundary_are_the_logs_own(tmp_path: Path) -> None:
    """Office hours only (08:00 to 18:00 on weekdays, every 10 minutes): the night and the
    weekend over May 1 (a Friday) and June 1 (a Monday: 62 hours from Friday 18:00) are
    no longer than those inside the months, so every month but the last is complete."""
    times = every(
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
        10,
        lambda t: t.weekday() < 5 and 8 <= t.hour < 18,
    )
    assert dt.date(2026, 6, 1).weekday() == 0
    got = profile_usage([write(tmp_path / "a.csv", times)])
    assert [(m["month"], m["complete"]) for m in got.by_month] == [
        ("2026-04", False),  # its first request 8 hours in: over the hour of slack
        ("2026-05", True),
        ("2026-06", False),  # its data end at 18:00 on the 30th
    ]
    assert not got.warnings


def test_a_day_missing_inside_a_month_is_warned_of(tmp_path: Path) -> None:
    """June 15 missing: June's longest gap, 24 hours 10 minutes, is over 3 times April's
    and May's (10 minutes); the month stays complete, the warning says where."""
    times = every(
        dt.date(2026, 4, 1), dt.date(2026, 6, 30), 10, lambda t: t.date() != dt.date(2026, 6, 15)
    )
    path = write(tmp_path / "a.csv", times)
    got = profile_usage([path])
    assert got.span["complete_months"] == ["2026-04", "2026-05", "2026-06"]
    assert got.warnings == [
        "2026-06 has no request for 24.2 hours (from 2026-06-14 23:53 to 2026-06-16 00:03 "
        "UTC), over 3 times the longest gap of any other complete month (0.2 hours): if "
        "logs are missing there, its requests are counted low; a since or until date can "
        "leave it out"
    ]
    code, _, err = run("usage", str(path))
    assert code == 0
    assert "2026-06 has no request for 24.2 hours" in " ".join(err.split())
    assert "counted low; --since or --until can leave it out" in " ".join(err.split())
