"""Logs dated after the run: the month under way was called complete because the logs ran on
past it (every 6 hours from 2025-06 to 2027-01-21 read 2026-12 as complete on 2026-12-07),
and logs dated in 2096 were read without a word, tried as a new user would. A month that
has not ended by the time of the run is partial, and logs past it are warned of."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from helpers import run
from payback import profile_usage


def _every_six_hours(path: Path, start: dt.datetime, end: dt.datetime) -> Path:
    rows = ["timestamp,input_tokens,output_tokens"]
    t = start
    while t < end:
        rows.append(f"{t:%Y-%m-%dT%H:%M:%SZ},1000,200")
        t += dt.timedelta(hours=6)
    path.write_text("\n".join(rows) + "\n")
    return path


def test_logs_past_now_leave_the_month_under_way_partial_and_are_warned_of(
    tmp_path: Path,
) -> None:
    now = dt.datetime.now(dt.UTC)
    start = dt.datetime(now.year - 1, now.month, 1, tzinfo=dt.UTC)
    logs = _every_six_hours(tmp_path / "logs.csv", start, now + dt.timedelta(days=45))
    profile = profile_usage([logs])
    this_month = f"{now:%Y-%m}"
    [month] = [m for m in profile.by_month if m["month"] == this_month]
    assert not month["complete"]  # the month under way, whatever the logs hold past it
    last = (now.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    assert profile.span["complete_months"][-1] == last
    # four requests a day in the last ended month: 4 × 30.4375 a month
    assert profile.traffic["requests_per_month"] == 4 * 30.4375
    assert any("requests dated in the future" in w for w in profile.warnings)


def test_logs_all_in_the_future_are_warned_of_and_no_month_is_complete(tmp_path: Path) -> None:
    logs = _every_six_hours(
        tmp_path / "logs.csv",
        dt.datetime(2096, 6, 1, tzinfo=dt.UTC),
        dt.datetime(2096, 9, 1, tzinfo=dt.UTC),
    )
    code, out, err = run("usage", logs, "--json")
    assert code == 0, err
    profile = json.loads(out)
    assert profile["span"]["complete_months"] == []  # 4 a day in June-August 2096: 368
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert any(
        w.startswith("warning: the logs run to 2096-08-31 19:00 UTC, after now (")
        and "requests dated in the future (a clock or a time zone slip?)" in w
        and "(368 requests in months that begin after now)" in w
        for w in warnings
    ), warnings
