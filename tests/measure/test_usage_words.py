"""What ``payback usage`` says of the figures it measures agrees everywhere it says it (tried
as a new user would):

- ``--json`` gave ``growth_monthly: 0.0`` for logs without two complete months, which reads
  as a measured flat growth: it is null, and a note says why;
- with ``-o``, the logs' note on a figure not measured and ``-o``'s note on the value the
  file keeps said the same thing twice: once now, naming the field, why and the value;
- the note on a ``requests_per_month`` scaled from covered hours names its value.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from helpers import run
from payback import load_scenario, profile_usage
from usage_logs import daily_logs as per_day
from usage_logs import starter_scenario

HEADER = "timestamp,input_tokens,output_tokens\n"


def words(text: str) -> str:
    return " ".join(text.split())


def scenario(path: Path, growth: str = "0.0", peak: str = "4.0") -> Path:
    return starter_scenario(path, growth_monthly=growth, peak_to_average=peak)


def test_growth_not_measured_is_null_in_json_with_its_reason(tmp_path: Path) -> None:
    """Two weeks of May 2026: no complete month, so no growth (it was 0.0, a flat growth)."""
    logs = per_day(tmp_path / "two-weeks.csv", dt.date(2026, 5, 18), 14)
    reason = (
        "growth_monthly is not measured: the logs hold no complete month, and a fit needs two "
        "or more (a scenario written from these logs keeps its own)"
    )
    code, out, err = run("usage", logs, "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["traffic"]["growth_monthly"] is None
    # 56 requests from May 18 01:00 to the hour the data end in (May 31 19:xx): 331 hours
    assert got["traffic"]["requests_per_month"] == 56 / 331 * 730.5
    assert reason in got["notes"]
    assert "growth_monthly" not in profile_usage([logs]).traffic
    # the text agrees: not measured, and the note says why
    code, out, err = run("usage", logs)
    assert code == 0, err
    assert "growth_monthly not measured (fewer than two complete months to fit)" in words(out)
    assert f"note: {reason}" in err.splitlines()


def test_o_keeps_the_scenarios_growth_and_says_so_once(tmp_path: Path) -> None:
    logs = per_day(tmp_path / "two-weeks.csv", dt.date(2026, 5, 18), 14)
    own = scenario(tmp_path / "own.toml", growth="0.0587")
    code, out, err = run("usage", logs, "-o", own)
    assert code == 0, err
    assert load_scenario(own).traffic.growth_monthly == 0.0587  # as it was
    assert [line for line in err.splitlines() if "growth_monthly" in line] == [
        f"warning: {own}: growth_monthly is not measured: the logs hold no complete month; "
        "the scenario keeps its own 0.0587: set the growth you expect, or measure 6 complete "
        "months or more"
    ]
    assert "growth_monthly not measured" in words(out)
    # a new scenario: the starter's 0, said once with its value (it was not said at all)
    new = tmp_path / "new.toml"
    code, out, err = run("usage", logs, "-o", new)
    assert code == 0, err
    assert load_scenario(new).traffic.growth_monthly == 0.0
    assert [line for line in err.splitlines() if "growth_monthly" in line] == [
        f"note: {new}: growth_monthly is not measured: the logs hold no complete month, and a "
        "fit needs two or more (the new scenario has the starter's 0; set yours)"
    ]


def test_o_says_the_cached_share_not_measured_once_with_the_value_kept(tmp_path: Path) -> None:
    logs = per_day(tmp_path / "oct-nov.csv", dt.date(2026, 10, 1), 61)
    own = scenario(tmp_path / "own.toml")
    code, out, err = run("usage", logs, "-o", own)
    assert code == 0, err
    assert load_scenario(own).traffic.cached_input_share == 0.2
    assert "cached_input_share not measured (no cached-token column)" in words(out)
    assert [line for line in err.splitlines() if "cached_input_share" in line] == [
        f"note: {own}: the logs have no cached-token column, so cached_input_share is not "
        "measured (the scenario keeps its own 0.2); name the column with --columns "
        "cached=COLUMN if they have one"
    ]
    # without -o the logs' note is said, once
    code, _, err = run("usage", logs)
    assert code == 0, err
    assert [line for line in err.splitlines() if "cached_input_share" in line] == [
        "note: the logs have no cached-token column, so cached_input_share is not measured (a "
        "scenario written from these logs keeps its own); name the column with --columns "
        "cached=COLUMN if they have one"
    ]


def test_o_names_the_peak_it_keeps_from_daily_logs(tmp_path: Path) -> None:
    """Dates without a time: no busiest hour; the scenario's 3.5 stays, said with its value."""
    logs = tmp_path / "daily.csv"
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=k) for k in range(59)]
    logs.write_text(
        "date,requests,input_tokens,output_tokens,cached_tokens\n"
        + "".join(f"{d.isoformat()},100,100000,20000,0\n" for d in days)
    )
    own = scenario(tmp_path / "own.toml", peak="3.5")
    code, _, err = run("usage", logs, "-o", own)
    assert code == 0, err
    assert load_scenario(own).traffic.peak_to_average == 3.5
    assert [line for line in err.splitlines() if "peak_to_average" in line] == [
        f"note: {own}: the timestamps are whole days (dates without a time, or every one at "
        "midnight), so the busiest hour is unknown: peak_to_average is not measured (the "
        "scenario keeps its own 3.5); logs per request or in hourly buckets (the OpenAI usage "
        "API's bucket_width=1h) measure it"
    ]


def test_the_rate_from_covered_hours_names_its_value(tmp_path: Path) -> None:
    logs = tmp_path / "day.csv"
    logs.write_text(HEADER + "2026-01-05T10:00:00Z,100,20\n2026-01-05T11:30:00Z,100,20\n")
    code, out, err = run("usage", logs)
    assert code == 0, err
    assert "requests_per_month 730.5 (requests per covered hour × 730.5)" in words(out)
    assert (
        "note: no complete calendar month in the logs: requests_per_month 730 is the requests "
        "of 2 covered hours scaled to a 730.5-hour month (365.25 / 12 days)"
    ) in err.splitlines()


def test_a_last_month_of_empty_buckets_is_not_the_month_the_figures_name(tmp_path: Path) -> None:
    """OpenAI usage buckets a day: January 10 requests a day, February 14, March all empty
    buckets. The rate is February's and the growth fitted over January and February; the
    table said "requests per day in 2026-03" and "over 3 complete months"."""
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=k) for k in range(90)]
    buckets = []
    for d in days:
        n = {1: 10, 2: 14, 3: 0}[d.month]
        start = dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)
        result = {
            "object": "organization.usage.completions.result",
            "input_tokens": n * 1000,
            "output_tokens": n * 200,
            "input_cached_tokens": 0,
            "num_model_requests": n,
            "model": "gpt-4o",
        }
        buckets.append(
            {
                "object": "bucket",
                "start_time": int(start.timestamp()),
                "end_time": int(start.timestamp()) + 86400,
                "results": [result] if n else [],
            }
        )
    logs = tmp_path / "usage.json"
    logs.write_text(json.dumps(buckets))
    code, out, err = run("usage", logs)
    assert code == 0, err
    said = words(out)
    assert "requests_per_month 426 (requests per day in 2026-02 × 30.4375)" in said  # 14 × 30.4375
    assert "growth_monthly +40.00% (log-linear fit of requests per day over 2 complete" in said
    assert profile_usage([logs]).span["complete_months"] == ["2026-01", "2026-02"]
