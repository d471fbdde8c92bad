"""Request logs: fixtures in every format built here with known totals, months of unequal
length, bad rows, stray timestamps, time zones, buckets, empty and broken files, filters, and
the round trip into a scenario (layout, line endings and distributions)."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import itertools
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from helpers import EXAMPLES, ROOT, assert_user_error, run
from payback import PaybackError, load_scenario, profile_usage

# request logs read through DuckDB, one file format after another: seconds in all
pytestmark = pytest.mark.slow

UTC = dt.UTC
MONTH_DAYS = 365.25 / 12  # 30.4375: requests_per_month is requests per day × this


def month_start(year: int, month: int) -> dt.datetime:
    return dt.datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=UTC)


def requests_log(start: dt.datetime, per_month: list[int]) -> list[dict[str, Any]]:
    """Requests spread evenly through each month; tokens cycle so totals are known."""
    rows = []
    for m, n in enumerate(per_month):
        first = month_start(start.year, start.month + m)
        following = month_start(start.year, start.month + m + 1)
        step = (following - first) / n
        for i in range(n):
            rows.append(
                {
                    "ts": first + step * i,
                    "model": "big" if i % 4 else "small",
                    "input": 1000 + (i % 5) * 100,  # mean 1200
                    "output": 200 + (i % 3) * 50,  # mean 250
                    "cached": 300 if i % 2 else 0,
                }
            )
    return rows


# 100, 110 and 121 requests a day in June (30 days), July and August (31 days): +10% a month
ROWS = requests_log(dt.datetime(2026, 6, 1, tzinfo=UTC), [3000, 3410, 3751])
TOTAL = len(ROWS)
HOURS = 92 * 24  # June to August


def means(rows: list[dict[str, Any]]) -> tuple[float, float, float]:
    i = sum(r["input"] for r in rows)
    return (
        i / len(rows),
        sum(r["output"] for r in rows) / len(rows),
        sum(r["cached"] for r in rows) / i,
    )


def expect_profile(
    profile: Any, rows: list[dict[str, Any]] = ROWS, *, per_day: float = 121.0
) -> None:
    mean_in, mean_out, share = means(rows)
    t = profile.traffic
    assert t["requests_per_month"] == pytest.approx(per_day * MONTH_DAYS, rel=1e-12)
    assert t["input_tokens"] == pytest.approx(mean_in, rel=1e-12)
    assert t["output_tokens"] == pytest.approx(mean_out, rel=1e-12)
    assert t["cached_input_share"] == pytest.approx(share, rel=1e-12)


def assert_o_refused(code: int, out: str, err: str, *fragments: str) -> None:
    """``usage -o`` refused: the profile measured is shown all the same, then one error line
    (the last) says why, exit code 2."""
    assert code == 2, (out, err)
    assert "requests_per_month" in out
    assert "Wrote" not in out
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("error: ")
    assert sum(line.startswith("error: ") for line in err.splitlines()) == 1
    for fragment in fragments:
        assert fragment in last


def assert_o_refused_first(code: int, out: str, err: str, *fragments: str) -> None:
    """``usage -o`` refused before the logs are read (no measured number could change it):
    nothing measured shown, one error line, exit code 2."""
    assert code == 2, (out, err)
    assert out == ""
    assert "Traceback" not in err
    assert err.strip().splitlines() == [err.strip().splitlines()[-1]]
    last = err.strip()
    assert last.startswith("error: ")
    for fragment in fragments:
        assert fragment in last


def write_rows(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def hourly(start: dt.datetime, end: dt.datetime, per_hour: Any) -> list[dt.datetime]:
    """Request times from start to end: per_hour(hour_start) requests spread in each hour."""
    times, hour = [], start
    while hour < end:
        n = per_hour(hour)
        times += [hour + dt.timedelta(hours=1) * k / n for k in range(n)]
        hour += dt.timedelta(hours=1)
    return times


def test_generic_csv_profile_by_hand(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "logs.csv",
        ["created_at", "model", "prompt_tokens", "completion_tokens", "cached_tokens"],
        [[r["ts"].isoformat(), r["model"], r["input"], r["output"], r["cached"]] for r in ROWS],
    )
    profile = profile_usage([path])
    assert profile.format == "generic"
    expect_profile(profile)
    assert profile.traffic["growth_monthly"] == pytest.approx(0.10, rel=1e-9)
    assert [m["month"] for m in profile.by_month] == ["2026-06", "2026-07", "2026-08"]
    assert [m["requests_per_day"] for m in profile.by_month] == pytest.approx([100, 110, 121])
    assert profile.span["complete_months"] == ["2026-06", "2026-07", "2026-08"]
    assert profile.rows == {
        "read": TOTAL,
        "used": TOTAL,
        "unreadable": 0,
        "examples": [],
        "not_llm_calls_or_failed": 0,
        "filtered_out": 0,
        "duplicates": 0,
        "unreadable_why": {},
    }
    # August's busiest clock hour over August's mean hour (the last complete month's)
    august = [r["ts"] for r in ROWS if r["ts"].month == 8]
    counts = Counter(t.replace(minute=0, second=0, microsecond=0) for t in august)
    peak = max(counts.values()) / (len(august) / (31 * 24))
    assert profile.span["hours"] == HOURS
    assert profile.traffic["peak_to_average"] == pytest.approx(peak, rel=1e-12)
    for name in ("input", "output"):
        expected = np.percentile([r[name] for r in ROWS], [50, 90, 99])  # linear, as quantile_cont
        got = profile.token_percentiles[f"{name}_tokens"]
        assert [got["p50"], got["p90"], got["p99"]] == pytest.approx(expected, rel=1e-12)
    models = {m["model"]: m for m in profile.by_model}
    assert models["small"]["requests"] == sum(1 for r in ROWS if r["model"] == "small")
    assert profile.models == 2


def test_unequal_month_lengths_are_not_growth(tmp_path: Path) -> None:
    # the same 24 requests a day in January (31 days) and February (28 days)
    times = hourly(
        dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2026, 3, 1, tzinfo=UTC), lambda h: 1
    )
    path = write_rows(
        tmp_path / "janfeb.csv",
        ["timestamp", "input_tokens", "output_tokens"],
        [[t.isoformat(), 1000, 200] for t in times],
    )
    profile = profile_usage([path])
    assert [m["requests"] for m in profile.by_month] == [744, 672]
    assert profile.span["complete_months"] == ["2026-01", "2026-02"]
    assert abs(profile.traffic["growth_monthly"]) < 1e-9
    assert profile.traffic["requests_per_month"] == pytest.approx(24 * 365.25 / 12, rel=1e-12)
    assert profile.traffic["peak_to_average"] == pytest.approx(1.0, rel=1e-12)


def test_peak_to_average_by_hand(tmp_path: Path) -> None:
    # 10 requests at 09:xx and 2 at 15:xx on one day: span 7 hours, mean 12/7, peak 10.
    path = tmp_path / "day.jsonl"
    times = [f"2026-03-02T09:{m:02d}:30Z" for m in range(10)] + [
        "2026-03-02T15:00:10Z",
        "2026-03-02T15:30:00Z",
    ]
    path.write_text(
        "\n".join(
            json.dumps({"timestamp": t, "input_tokens": 10, "output_tokens": 5}) for t in times
        )
        + "\n"
    )
    profile = profile_usage([path])
    assert profile.span["hours"] == 7
    assert profile.traffic["peak_to_average"] == pytest.approx(10 / (12 / 7))
    assert profile.traffic["requests_per_month"] == pytest.approx(12 / 7 * 730.5)
    assert any("no complete calendar month" in n for n in profile.notes)


def test_daily_aggregates_leave_the_peak_unmeasured(tmp_path: Path) -> None:
    # 2,400 requests every day in January to March, one row a day with a date and no time
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=k) for k in range(90)]
    logs = write_rows(
        tmp_path / "daily.csv",
        ["date", "model", "requests", "input_tokens", "output_tokens"],
        [[d.isoformat(), "gpt-4o", 2400, 2400 * 1000, 2400 * 200] for d in days],
    )
    profile = profile_usage([logs])
    assert "peak_to_average" not in profile.traffic
    assert any("whole days" in n and "peak_to_average is not measured" in n for n in profile.notes)
    assert profile.span["complete_months"] == ["2026-01", "2026-02", "2026-03"]
    assert profile.span["bucket_seconds"] == 86400
    assert profile.traffic["requests_per_month"] == pytest.approx(2400 * MONTH_DAYS, rel=1e-12)
    assert abs(profile.traffic["growth_monthly"]) < 1e-9
    assert profile.traffic["input_tokens"] == pytest.approx(1000)
    assert profile.token_percentiles == {"input_tokens": None, "output_tokens": None}
    # next to requests logged one by one, the daily rows still hide their busiest hour
    times = hourly(
        dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2026, 4, 1, tzinfo=UTC), lambda h: 1
    )
    requests = write_rows(
        tmp_path / "requests.csv",
        ["timestamp", "input_tokens", "output_tokens"],
        [[t.isoformat(), 1000, 200] for t in times],
    )
    both = profile_usage([requests, logs])
    assert "peak_to_average" not in both.traffic
    assert both.traffic["requests_per_month"] == pytest.approx(2424 * MONTH_DAYS, rel=1e-12)
    assert both.span["complete_months"] == ["2026-01", "2026-02", "2026-03"]
    # -o writes what was measured and keeps the scenario's own peak_to_average
    scenario = tmp_path / "s.toml"
    scenario.write_text((EXAMPLES / "quarter-200k.toml").read_text())
    before = load_scenario(scenario).traffic.peak_to_average
    code, _, err = run("usage", logs, "-o", scenario)
    assert code == 0, err
    traffic = load_scenario(scenario).traffic
    assert traffic.requests_per_month == 73050
    assert traffic.peak_to_average == before


def stepped_rows(until: dt.datetime) -> list[list[Any]]:
    """1 request an hour in June, 2 in July, 3 in August (at :00, :30 / :00, :20, :40)."""
    per_hour = {6: 1, 7: 2, 8: 3}
    times = hourly(dt.datetime(2026, 6, 1, tzinfo=UTC), until, lambda h: per_hour[h.month])
    return [[t.isoformat(), 1000, 200] for t in times]


def test_a_stray_timestamp_is_warned_about_and_left_out(tmp_path: Path) -> None:
    rows = stepped_rows(dt.datetime(2026, 9, 1, tzinfo=UTC))
    clean = write_rows(tmp_path / "clean.csv", ["timestamp", "input_tokens", "output_tokens"], rows)
    stray = write_rows(
        tmp_path / "stray.csv",
        ["timestamp", "input_tokens", "output_tokens"],
        [*rows, [0, 1000, 200]],
    )
    expected = {
        "requests_per_month": 72 * MONTH_DAYS,
        "growth_monthly": math.sqrt(3) - 1,  # ln 24, ln 48, ln 72 per day: slope ln(3) / 2
        "input_tokens": 1000.0,
        "output_tokens": 200.0,  # no cached column: cached_input_share is not measured
        "peak_to_average": 1.0,  # every hour of August has 3 requests, its mean hour
    }
    for path in (clean, stray):
        profile = profile_usage([path])
        assert profile.traffic == pytest.approx(expected, rel=1e-12)
        assert profile.span["complete_months"] == ["2026-06", "2026-07", "2026-08"]
    assert profile.span["first"] == "1970-01-01T00:00:00+00:00"
    assert len(profile.span["empty_months"]) == 676
    (warning,) = profile.warnings
    assert "no requests in 676 month(s)" in warning
    assert "1970-02 … 2026-05" in warning
    code, out, err = run("usage", stray, "--json")
    assert code == 0
    assert "warning: no requests in 676 month(s)" in err
    assert json.loads(out)["traffic"]["peak_to_average"] == pytest.approx(
        expected["peak_to_average"]
    )


def test_a_month_cut_short_is_not_complete(tmp_path: Path) -> None:
    # the logs stop at 2026-08-31T00:05: August is partial although its last day has requests
    rows = stepped_rows(dt.datetime(2026, 8, 31, 0, 5, tzinfo=UTC))
    path = write_rows(tmp_path / "cut.csv", ["timestamp", "input_tokens", "output_tokens"], rows)
    profile = profile_usage([path])
    assert profile.span["complete_months"] == ["2026-06", "2026-07"]
    assert profile.by_month[-1]["complete"] is False
    assert profile.traffic["requests_per_month"] == pytest.approx(48 * MONTH_DAYS, rel=1e-12)
    assert profile.traffic["growth_monthly"] == pytest.approx(1.0, rel=1e-12)  # 24 → 48 a day
    # July's every hour has 2 requests, its mean hour
    assert profile.traffic["peak_to_average"] == pytest.approx(1.0, rel=1e-12)


def test_mixed_time_zones_are_utc(tmp_path: Path) -> None:
    # 23:30 at -05:00 on Jan 31 is Feb 1 in UTC; naive times are UTC; unix seconds work too.
    path = tmp_path / "tz.csv"
    path.write_text(
        "timestamp,input_tokens,output_tokens\n"
        "2026-01-31T23:30:00-05:00,10,1\n"
        "2026-02-01 02:00:00,10,1\n"
        f"{int(dt.datetime(2026, 2, 1, 3, tzinfo=UTC).timestamp())},10,1\n"
        "2026-02-01T04:00:00+01:00,10,1\n"
    )
    profile = profile_usage([path])
    assert [m["month"] for m in profile.by_month] == ["2026-02"]
    assert profile.span["first"] == "2026-02-01T02:00:00+00:00"  # the naive time, read as UTC
    assert profile.span["last"] == "2026-02-01T04:30:00+00:00"  # 23:30 at -05:00


def test_unix_times_in_every_unit(tmp_path: Path) -> None:
    at = dt.datetime(2026, 1, 5, tzinfo=UTC)
    seconds = int(at.timestamp())
    path = tmp_path / "units.csv"
    path.write_text(
        "timestamp,input_tokens,output_tokens\n"
        f"{seconds},10,5\n{seconds * 1000 + 1000},10,5\n"  # seconds, milliseconds (+1 s)
        f"{seconds * 10**6 + 2 * 10**6},10,5\n{seconds * 10**9 + 3 * 10**9},10,5\n"  # µs, ns
    )
    profile = profile_usage([path])
    assert profile.rows["used"] == 4
    assert profile.span["first"] == at.isoformat()
    assert profile.span["last"] == (at + dt.timedelta(seconds=3)).isoformat()


def test_bad_rows_are_counted_and_shown(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    lines = ["timestamp,input_tokens,output_tokens"] + [
        f"2026-01-0{1 + i % 5}T10:00:00Z,100,10" for i in range(20)
    ]
    lines += [
        "not a date,100,10",
        "2026-01-03T10:00:00Z,-5,10",
        "2026-01-03T10:00:00Z,abc,10",
        "2026-01-03T10:00:00Z,7",
    ]
    path.write_text("\n".join(lines) + "\n")
    profile = profile_usage([path])
    assert profile.rows["used"] == 20
    assert profile.rows["unreadable"] == 4
    assert profile.rows["read"] == 24
    assert "not a date,100,10" in profile.rows["examples"]
    assert "2026-01-03T10:00:00Z,7" in profile.rows["examples"]
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text(
        '{"timestamp": "2026-01-01T00:00:00Z", "input_tokens": 1, "output_tokens": 1}\n{broken\n\n'
    )
    profile = profile_usage([jsonl])
    assert (profile.rows["used"], profile.rows["unreadable"]) == (1, 1)
    assert profile.rows["examples"] == ["{broken"]


def test_impossible_values_are_unreadable(tmp_path: Path) -> None:
    good = [[f"2026-01-01T{h:02d}:00:00Z", 1000, 200, 100] for h in range(10)]
    bad = [
        ["2026-01-01T10:00:00Z", 100, 10, 500],  # more cached than input
        ["2026-01-01T10:00:00Z", 1e308, 1, 0],  # 10^308 tokens in one request
        ["2026-01-01T10:00:00Z", 10, 1, "1e400"],  # infinite cached
        ["2026-01-01T10:00:00Z", 10, -1, 0],
        ["2026-01-01T10:00:00Z", "nan", 1, 0],
    ]
    path = write_rows(
        tmp_path / "bad.csv",
        ["timestamp", "input_tokens", "output_tokens", "cached_tokens"],
        good + bad,
    )
    profile = profile_usage([path])
    assert (profile.rows["used"], profile.rows["unreadable"]) == (10, 5)
    assert profile.traffic["input_tokens"] == 1000
    assert profile.traffic["cached_input_share"] == pytest.approx(0.1, rel=1e-12)
    counts = write_rows(
        tmp_path / "counts.csv",
        ["timestamp", "requests", "input_tokens", "output_tokens"],
        [[f"2026-01-01T{h:02d}:00:00Z", 2, 2000, 400] for h in range(10)]
        + [["2026-01-01T10:00:00Z", "1e400", 10, 1], ["2026-01-01T10:00:00Z", 0, 10, 1]],
    )
    profile = profile_usage([counts])
    assert (profile.rows["used"], profile.rows["unreadable"]) == (10, 2)
    assert profile.traffic["input_tokens"] == 1000
    # logs with nothing usable: exit 2, and the scenario named by -o stays as it was
    only_bad = write_rows(
        tmp_path / "cachedgt.csv",
        ["timestamp", "input_tokens", "output_tokens", "cached_tokens"],
        [[f"2026-06-01T{h:02d}:00:00Z", 100, 10, 500] for h in range(24)],
    )
    scenario = tmp_path / "s1.toml"
    scenario.write_text((EXAMPLES / "quarter-200k.toml").read_text())
    before = scenario.read_bytes()
    assert_user_error(
        *run("usage", only_bad, "-o", scenario), "none of the 24 rows could be read as generic"
    )
    assert scenario.read_bytes() == before


def test_empty_and_unreadable_inputs(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("")
    with pytest.raises(PaybackError, match=r"empty.jsonl: empty \(no records\); no rows"):
        profile_usage([tmp_path / "empty.jsonl"])
    (tmp_path / "header.csv").write_text("timestamp,input_tokens,output_tokens\n")
    with pytest.raises(PaybackError, match=r"header\.csv: empty \(no records\); no rows"):
        profile_usage([tmp_path / "header.csv"])
    (tmp_path / "junk.csv").write_text("timestamp,input_tokens,output_tokens\nx,y,z\n")
    with pytest.raises(PaybackError, match="none of the 1 rows could be read"):
        profile_usage([tmp_path / "junk.csv"])
    (tmp_path / "broken.json").write_text("[{")
    with pytest.raises(PaybackError, match=r"broken\.json: not valid JSON"):
        profile_usage([tmp_path / "broken.json"])
    with pytest.raises(PaybackError, match="no file matches"):
        profile_usage([tmp_path / "nothing-*.csv"])
    (tmp_path / "logs.xlsx").write_text("x")
    with pytest.raises(PaybackError, match="unknown file type"):
        profile_usage([tmp_path / "logs.xlsx"])
    # an empty file next to a good one is skipped and said so
    good = write_rows(
        tmp_path / "good.csv",
        ["timestamp", "input_tokens", "output_tokens"],
        [["2026-01-01T00:00:00Z", 1, 1]],
    )
    (tmp_path / "empty.csv").write_text("")
    profile = profile_usage([good, tmp_path / "empty.csv"])
    assert profile.rows["used"] == 1
    assert any("empty.csv: empty (no records), skipped" in n for n in profile.notes)


BINARY = bytes((i * 151 + 7) % 256 for i in range(3000))


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        (
            "null.json",
            b"null\n",
            "null.json: expected JSON objects, one log record each; found null",
        ),
        (
            "str.json",
            b'"hi"\n',
            "str.json: expected JSON objects, one log record each; found a string",
        ),
        ("numbers.json", b"[1, 2, 3]", "found a number"),
        ("garbage.jsonl", BINARY, "garbage.jsonl: not JSON lines"),
        ("garbage.json", BINARY, "garbage.json: not valid JSON"),
        ("garbage.parquet", BINARY, "garbage.parquet: cannot be read as Parquet"),
        (
            "text.jsonl",
            b"hello world\n",
            "text.jsonl: not JSON lines (its first 1 line(s) are not JSON: 'hello world')",
        ),
        ("empty.csv", b"", "empty.csv: empty (no records); no rows to read"),
        (
            "pretty.json",
            b'{\n  "traffic": {\n    "requests_per_month": 5\n  }\n}\n',
            "pretty.json: none of the 1 rows could be read as generic logs: 1 with no time that "
            'reads as a date (first: { "traffic": { "requests_per_month": 5 } })',
        ),
        ("notgz.csv.gz", b"timestamp,input_tokens,output_tokens\n", "not gzip-compressed"),
    ],
)
def test_broken_files_are_one_line_errors(
    tmp_path: Path, name: str, content: bytes, fragment: str
) -> None:
    (tmp_path / name).write_bytes(content)
    assert_user_error(*run("usage", tmp_path / name), fragment)


def test_odd_but_valid_logs_are_read(tmp_path: Path) -> None:
    # a JSON line over DuckDB's default 2 MB limit
    long = tmp_path / "long.jsonl"
    record = {"timestamp": "2026-01-01T00:00:00Z", "input_tokens": 10, "output_tokens": 5}
    long.write_text(
        json.dumps(record | {"prompt": "x" * 3_000_000}) + "\n" + json.dumps(record) + "\n"
    )
    assert profile_usage([long]).rows["used"] == 2
    # a key with a quote, named with --columns
    quoted = tmp_path / "quoted.jsonl"
    quoted.write_text(
        json.dumps({"time'stamp": "2026-01-01T00:00:00Z", 'in"put': 7, "out": 3}) + "\n"
    )
    profile = profile_usage([quoted], columns="ts=time'stamp,input=in\"put,output=out")
    assert profile.traffic["input_tokens"] == 7
    code, out, err = run(
        "usage", quoted, "--columns", "ts=time'stamp,input=in\"put,output=out", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["traffic"]["output_tokens"] == 3


def test_the_same_log_twice_is_read_once(tmp_path: Path) -> None:
    logs = write_rows(
        tmp_path / "a.csv",
        ["timestamp", "input_tokens", "output_tokens"],
        [[f"2026-01-01T{h:02d}:00:00Z", 10, 5] for h in range(24)],
    )
    for paths in ([logs, logs], [logs, tmp_path / "*.csv"], [tmp_path / "a.*", tmp_path / "?.csv"]):
        profile = profile_usage(paths)
        assert profile.rows["used"] == 24
        assert any(
            "named more than once" in n and "each file is read once" in n for n in profile.notes
        )
    with gzip.open(tmp_path / "a.csv.gz", "wt") as fh:
        fh.write(logs.read_text())
    profile = profile_usage([logs, tmp_path / "a.csv.gz"])
    assert profile.rows["used"] == 48  # two files: both read, and a warning says so
    (warning,) = [w for w in profile.warnings if "look like the same log" in w]
    assert "a.csv and" in warning
    assert "a.csv.gz look like the same log" in warning
    code, _, err = run("usage", logs, tmp_path / "a.csv.gz")
    assert code == 0
    assert "warning: " in err
    assert "look like the same log" in err


def test_filters(tmp_path: Path) -> None:
    path = tmp_path / "logs.jsonl"
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "timestamp": r["ts"].isoformat(),
                    "model": r["model"],
                    "prompt_tokens": r["input"],
                    "completion_tokens": r["output"],
                }
            )
            for r in ROWS
        )
        + "\n"
    )
    july = profile_usage([path], since=dt.date(2026, 7, 1), until=dt.date(2026, 7, 31))
    assert july.traffic["requests_per_month"] == pytest.approx(110 * MONTH_DAYS, rel=1e-12)
    assert july.rows["filtered_out"] == TOTAL - 3410
    small = profile_usage([path], model="small")
    small_rows = [r for r in ROWS if r["model"] == "small"]
    mean_in, mean_out, _ = means(small_rows)
    august = sum(1 for r in small_rows if r["ts"].month == 8)
    assert august == 938
    assert small.traffic["requests_per_month"] == pytest.approx(august / 31 * MONTH_DAYS, rel=1e-12)
    assert small.traffic["input_tokens"] == pytest.approx(mean_in, rel=1e-12)
    assert small.traffic["output_tokens"] == pytest.approx(mean_out, rel=1e-12)
    with pytest.raises(PaybackError, match="no requests left after"):
        profile_usage([path], model="nope")
    with pytest.raises(
        PaybackError, match=r"^since 2026-08-01: must not be after the until date \(2026-07-01\)"
    ):
        profile_usage([path], since=dt.date(2026, 8, 1), until=dt.date(2026, 7, 1))


def test_by_model_says_when_it_is_capped(tmp_path: Path) -> None:
    rows = [
        [f"2026-01-01T{k % 24:02d}:00:00Z", f"m{k:02d}", 10, 5]
        for k in range(51)
        for _ in range(51 - k)  # m00 has 51 requests, m50 one
    ]
    path = write_rows(
        tmp_path / "models.csv", ["timestamp", "model", "input_tokens", "output_tokens"], rows
    )
    profile = profile_usage([path])
    assert profile.models == 51
    assert [m["model"] for m in profile.by_model] == [f"m{k:02d}" for k in range(50)]
    assert any("the 50 models with the most requests of 51" in n for n in profile.notes)


# ------------------------------------------------------------------ vendor formats


def openai_bucket(
    start: dt.datetime, seconds: int, results: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "object": "bucket",
        "start_time": int(start.timestamp()),
        "end_time": int((start + dt.timedelta(seconds=seconds)).timestamp()),
        "results": results,
    }


def openai_result(n: int, model: str = "gpt-4o") -> dict[str, Any]:
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": n * 1000,
        "output_tokens": n * 200,
        "input_cached_tokens": n * 100,
        "num_model_requests": n,
        "model": model,
        "project_id": None,
    }


def test_openai_usage_api_pages_of_daily_buckets(tmp_path: Path) -> None:
    start = dt.datetime(2026, 6, 1, tzinfo=UTC)
    pages, day = [], start
    page: list[dict[str, Any]] = []
    while day < dt.datetime(2026, 9, 1, tzinfo=UTC):
        n = 20 + day.day
        page.append(openai_bucket(day, 86400, [openai_result(n)] if day.day != 15 else []))
        if len(page) == 31:
            pages.append({"object": "page", "data": page, "has_more": True, "next_page": "page_x"})
            page = []
        day += dt.timedelta(days=1)
    pages.append({"object": "page", "data": page, "has_more": False, "next_page": None})
    for i, p in enumerate(pages):
        (tmp_path / f"page{i}.json").write_text(json.dumps(p))
    profile = profile_usage([tmp_path / "page*.json"])
    assert profile.format == "openai-usage"
    august = sum(20 + d for d in range(1, 32) if d != 15)
    assert profile.traffic["requests_per_month"] == pytest.approx(
        august / 31 * MONTH_DAYS, rel=1e-12
    )
    assert profile.traffic["input_tokens"] == pytest.approx(1000)
    assert profile.traffic["cached_input_share"] == pytest.approx(0.1)
    assert profile.token_percentiles["input_tokens"] is None  # buckets: no per-request spread
    assert profile.span["complete_months"] == ["2026-06", "2026-07", "2026-08"]
    # daily buckets: the busiest hour is unknown
    assert "peak_to_average" not in profile.traffic
    assert any("buckets of 24 hours" in n and "bucket_width=1h" in n for n in profile.notes)
    # the cookbook's shape, an array of buckets using the older "result" key, reads the same
    flat = [dict(b, result=b.pop("results")) for p in pages for b in p["data"]]
    (tmp_path / "buckets.json").write_text(json.dumps(flat))
    assert profile_usage([tmp_path / "buckets.json"]).traffic == profile.traffic


def test_openai_usage_api_hourly_buckets_measure_the_peak(tmp_path: Path) -> None:
    # June and July in hourly buckets: 10 + hour-of-day requests, and 500 at 12:00 on July 15
    buckets, hour = [], dt.datetime(2026, 6, 1, tzinfo=UTC)
    while hour < dt.datetime(2026, 8, 1, tzinfo=UTC):
        n = 500 if hour == dt.datetime(2026, 7, 15, 12, tzinfo=UTC) else 10 + hour.hour
        buckets.append(openai_bucket(hour, 3600, [openai_result(n)]))
        hour += dt.timedelta(hours=1)
    (tmp_path / "usage.jsonl").write_text("\n".join(json.dumps(b) for b in buckets) + "\n")
    profile = profile_usage([tmp_path / "usage.jsonl"])
    assert profile.format == "openai-usage"
    day = sum(10 + h for h in range(24))  # 516
    july = day * 31 + 500 - 22
    assert profile.by_month[-1]["requests"] == july
    assert profile.span["bucket_seconds"] == 3600
    assert profile.span["complete_months"] == ["2026-06", "2026-07"]
    assert profile.traffic["requests_per_month"] == pytest.approx(july / 31 * MONTH_DAYS, rel=1e-12)
    assert profile.traffic["growth_monthly"] == pytest.approx(july / 31 / day - 1, rel=1e-9)
    # the busiest hour over July's mean hour
    assert profile.traffic["peak_to_average"] == pytest.approx(500 / (july / (31 * 24)), rel=1e-12)


def daily_buckets(first: dt.date, last: dt.date, per_day: Any) -> list[dict[str, Any]]:
    """One OpenAI usage bucket a day; ``per_day(day)`` requests (0: ``results: []``)."""
    days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    return [
        openai_bucket(
            dt.datetime(d.year, d.month, d.day, tzinfo=UTC),
            86400,
            [openai_result(per_day(d))] if per_day(d) else [],
        )
        for d in days
    ]


def test_openai_empty_daily_buckets_are_covered_time(tmp_path: Path) -> None:
    # February 10 requests a day, March 20 a day to the 29th, then empty buckets on the
    # 30th and 31st: the export lists them, so March is covered to its end (complete)
    buckets = daily_buckets(
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 31),
        lambda d: 10 if d.month == 2 else 20 if d.day <= 29 else 0,
    )
    path = tmp_path / "usage.jsonl"
    path.write_text("\n".join(json.dumps(b) for b in buckets) + "\n")
    profile = profile_usage([path])
    march = 20 * 29  # 580
    assert profile.span["complete_months"] == ["2026-02", "2026-03"]
    assert profile.span["end"] == "2026-04-01T00:00:00+00:00"
    assert profile.traffic["requests_per_month"] == pytest.approx(march / 31 * MONTH_DAYS)
    assert profile.traffic["growth_monthly"] == pytest.approx((march / 31) / 10 - 1)
    # no requests or tokens added: the means are over the 860 requests
    assert [m["requests"] for m in profile.by_month] == [280, march]
    assert profile.traffic["input_tokens"] == pytest.approx(1000)
    assert profile.traffic["output_tokens"] == pytest.approx(200)
    assert profile.rows["used"] == 59
    assert profile.rows["unreadable"] == 0
    assert [m["model"] for m in profile.by_model] == ["gpt-4o"]
    assert profile.models == 1
    assert profile.by_model[0]["share"] == 1.0


def test_openai_empty_buckets_count_as_covered_hours(tmp_path: Path) -> None:
    # no complete month: 3 days of 24 requests on March 10-12, empty buckets to the 14th;
    # the covered hours run to the end of the last empty bucket: 5 days
    buckets = daily_buckets(
        dt.date(2026, 3, 10), dt.date(2026, 3, 14), lambda d: 24 if d.day <= 12 else 0
    )
    (tmp_path / "usage.json").write_text(json.dumps({"object": "page", "data": buckets}))
    profile = profile_usage([tmp_path / "usage.json"])
    assert profile.span["complete_months"] == []
    assert profile.span["hours"] == 5 * 24
    assert profile.traffic["requests_per_month"] == pytest.approx(72 / 120 * 730.5)


def test_openai_a_month_of_empty_buckets_is_covered_not_counted(tmp_path: Path) -> None:
    # January and February with 10 and 14 requests a day, March all empty buckets: March is
    # covered (complete, no requests), and the figures come from the months with requests
    buckets = daily_buckets(
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
        lambda d: {1: 10, 2: 14, 3: 0}[d.month],
    )
    (tmp_path / "usage.json").write_text(json.dumps(buckets))
    profile = profile_usage([tmp_path / "usage.json"])
    # the months the figures are taken over: March is complete in by_month, noted
    assert profile.span["complete_months"] == ["2026-01", "2026-02"]
    assert [m["complete"] for m in profile.by_month] == [True, True, True]
    assert profile.span["empty_months"] == []
    assert profile.traffic["requests_per_month"] == pytest.approx(14 * MONTH_DAYS)
    assert profile.traffic["growth_monthly"] == pytest.approx(0.4)
    march = profile.by_month[-1]
    assert march["requests"] == 0
    assert march["requests_per_day"] == 0
    assert march["input_tokens"] == 0
    assert march["output_tokens"] == 0
    assert any("2026-03: covered by the logs without a request" in n for n in profile.notes)
    # only empty buckets: no requests, one line
    only = tmp_path / "none.json"
    only.write_text(json.dumps(buckets[-31:]))
    with pytest.raises(PaybackError, match="no requests; the 31 rows used are all empty buckets"):
        profile_usage([only])
    assert_user_error(*run("usage", str(only)), "empty buckets")


def test_zero_request_rows_of_an_aggregated_csv_cover_their_day(tmp_path: Path) -> None:
    # daily rows with a requests column: 0 on March 30-31 (and a model idle all along) is a
    # day covered with no requests, not an unreadable row
    rows = []
    day = dt.date(2026, 2, 1)
    while day <= dt.date(2026, 3, 31):
        n = 10 if day.month == 2 else 20 if day.day <= 29 else 0
        rows.append([day.isoformat(), "gpt-4o", n, n * 1000, n * 200])
        rows.append([day.isoformat(), "idle", 0, 0, 0])
        day += dt.timedelta(days=1)
    logs = write_rows(
        tmp_path / "daily.csv",
        ["date", "model", "requests", "input_tokens", "output_tokens"],
        [*rows, ["2026-03-15", "gpt-4o", 0, 5, 0]],  # tokens without requests: unreadable
    )
    profile = profile_usage([logs])
    assert profile.rows["unreadable"] == 1
    assert profile.rows["unreadable_why"] == {"tokens in a row of zero requests": 1}
    assert profile.rows["used"] == 2 * 59
    assert profile.span["complete_months"] == ["2026-02", "2026-03"]
    assert profile.traffic["requests_per_month"] == pytest.approx(580 / 31 * MONTH_DAYS)
    assert profile.traffic["input_tokens"] == pytest.approx(1000)
    # the idle model has no requests: not listed, not counted, no division by zero
    assert [m["model"] for m in profile.by_model] == ["gpt-4o"]
    assert profile.models == 1


REQUEST_IDS = itertools.count()


def litellm_row(r: dict[str, Any], **extra: Any) -> dict[str, Any]:
    usage = {
        "prompt_tokens": r["input"],
        "completion_tokens": r["output"],
        "prompt_tokens_details": {"cached_tokens": r["cached"]},
    }
    return {
        "request_id": f"x{next(REQUEST_IDS)}",  # each request its own id: repeats are dropped
        "call_type": "acompletion",
        "spend": 0.001,
        "startTime": r["ts"].isoformat().replace("+00:00", "Z"),
        "model": r["model"],
        "model_group": r["model"],
        "prompt_tokens": r["input"],
        "completion_tokens": r["output"],
        "status": "success",
        "metadata": {"usage_object": usage},
    } | extra


def test_litellm_spend_logs_json_and_csv(tmp_path: Path) -> None:
    rows = [litellm_row(r) for r in ROWS]
    rows.append(litellm_row(ROWS[0], call_type="aembedding"))  # not an LLM call
    rows.append(litellm_row(ROWS[1], status="failure"))  # failed
    (tmp_path / "spend.json").write_text(json.dumps(rows))
    profile = profile_usage([tmp_path / "spend.json"])
    assert profile.format == "litellm"
    expect_profile(profile)
    assert profile.rows["not_llm_calls_or_failed"] == 2
    # a database dump: CSV with metadata as JSON text, naive UTC times
    meta = [json.dumps({"usage_object": {"cache_read_input_tokens": r["cached"]}}) for r in ROWS]
    write_rows(
        tmp_path / "spend.csv",
        [
            "request_id",
            "call_type",
            "spend",
            "startTime",
            "model",
            "prompt_tokens",
            "completion_tokens",
            "metadata",
        ],
        [
            [
                f"x{next(REQUEST_IDS)}",
                "completion",
                0.0,
                r["ts"].strftime("%Y-%m-%d %H:%M:%S.%f"),
                r["model"],
                r["input"],
                r["output"],
                m,
            ]
            for r, m in zip(ROWS, meta, strict=True)
        ],
    )
    csv_profile = profile_usage([tmp_path / "spend.csv"])
    assert csv_profile.format == "litellm"
    expect_profile(csv_profile)


def test_langfuse_observations(tmp_path: Path) -> None:
    out = []
    for i, r in enumerate(ROWS):
        # OpenAI-style usageDetails: "input" is net of the cached tokens
        details = {
            "input": r["input"] - r["cached"],
            "input_cached_tokens": r["cached"],
            "output": r["output"],
            "total": r["input"] + r["output"],
        }
        out.append(
            {
                "id": f"o{i}",
                "traceId": "t",
                "type": "GENERATION",
                "startTime": r["ts"].isoformat().replace("+00:00", "Z"),
                "model": r["model"],
                "level": "DEFAULT",
                "usageDetails": details,
            }
        )
    out.append(
        {
            "id": "s",
            "traceId": "t",
            "type": "SPAN",
            "startTime": "2026-06-02T00:00:00Z",
            "usageDetails": {},
        }
    )
    out.append(
        {
            "id": "e",
            "traceId": "t",
            "type": "GENERATION",
            "level": "ERROR",
            "startTime": "2026-06-02T00:00:00Z",
            "model": "big",
            "usageDetails": {"input": 5, "output": 0},
        }
    )
    (tmp_path / "observations.json").write_text(
        json.dumps({"data": out, "meta": {"page": 1, "totalPages": 1}})
    )
    profile = profile_usage([tmp_path / "observations.json"])
    assert profile.format == "langfuse"
    expect_profile(profile)
    assert profile.rows["not_llm_calls_or_failed"] == 2


def test_langfuse_cache_reads_count_as_cached_and_input(tmp_path: Path) -> None:
    generations = [
        # Anthropic through Langfuse's normalized keys: input 100 + read 300 + write 50
        {"input": 100, "input_cache_read": 300, "input_cache_creation": 50, "output": 20},
        # OpenAI: input 200 + cached 100
        {"input": 200, "input_cached_tokens": 100, "output": 10},
        # Anthropic's own keys: input 50 + read 25 + write 5
        {"input": 50, "cache_read_input_tokens": 25, "cache_creation_input_tokens": 5, "output": 5},
    ]
    lines = [
        {
            "traceId": "t",
            "type": "GENERATION",
            "startTime": f"2026-01-01T0{k}:00:00Z",
            "usageDetails": d,
        }
        for k, d in enumerate(generations)
    ]
    (tmp_path / "obs.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    profile = profile_usage([tmp_path / "obs.jsonl"])
    assert profile.format == "langfuse"
    assert profile.traffic["input_tokens"] == pytest.approx((450 + 300 + 80) / 3, rel=1e-12)
    assert profile.traffic["output_tokens"] == pytest.approx(35 / 3, rel=1e-12)
    assert profile.traffic["cached_input_share"] == pytest.approx(425 / 830, rel=1e-12)


def test_helicone_requests_jsonl(tmp_path: Path) -> None:
    lines = []
    for i, r in enumerate(ROWS):
        lines.append(
            {
                "request_id": f"r{i}",
                "request_created_at": r["ts"].isoformat().replace("+00:00", "Z"),
                "response_status": 200,
                "request_model": r["model"],
                "prompt_tokens": r["input"],
                "completion_tokens": r["output"],
                "prompt_cache_read_tokens": r["cached"],
            }
        )
    lines.append(
        {
            "request_id": "f",
            "request_created_at": "2026-06-03T00:00:00Z",
            "response_status": 429,
            "request_model": "big",
            "prompt_tokens": 0,
            "completion_tokens": 0,
            "response_body": {"error": {"message": "Rate limit"}},
        }
    )
    (tmp_path / "helicone.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    profile = profile_usage([tmp_path / "helicone.jsonl"])
    assert profile.format == "helicone"
    expect_profile(profile)
    assert profile.rows["not_llm_calls_or_failed"] == 1


def test_formats_are_told_apart_file_by_file(tmp_path: Path) -> None:
    generic = write_rows(
        tmp_path / "requests.csv",
        ["timestamp", "input_tokens", "output_tokens"],
        [[f"2026-01-05T{h:02d}:10:00Z", 100, 10] for h in range(24)],
    )
    page = {
        "object": "page",
        "data": [openai_bucket(dt.datetime(2026, 1, 6, tzinfo=UTC), 3600, [openai_result(6)])],
    }
    (tmp_path / "usage.json").write_text(json.dumps(page))
    # a generic record that happens to have a "result" key is not the OpenAI usage API
    (tmp_path / "results.json").write_text(
        json.dumps(
            [
                {
                    "timestamp": "2026-01-06T05:00:00Z",
                    "result": "ok",
                    "input_tokens": 40,
                    "output_tokens": 4,
                }
            ]
        )
    )
    profile = profile_usage([generic, tmp_path / "usage.json", tmp_path / "results.json"])
    assert profile.format == "generic + openai-usage"
    assert profile.formats == {
        str(generic): "generic",
        str(tmp_path / "usage.json"): "openai-usage",
        str(tmp_path / "results.json"): "generic",
    }
    assert profile.rows["used"] == 26
    assert profile.traffic["input_tokens"] == pytest.approx((2400 + 6000 + 40) / 31, rel=1e-12)
    # an error names the file and the format it was read as
    (tmp_path / "other.csv").write_text("a,b,c\n1,2,3\n")
    assert_user_error(
        *run("usage", tmp_path / "usage.json", tmp_path / "other.csv"),
        "other.csv (read as generic): no time / input-token / output-token column among: a, b, c",
    )


# ------------------------------------------------------------------ command line and scenarios


def write_csv(path: Path, rows: list[dict[str, Any]] = ROWS) -> Path:
    return write_rows(
        path,
        ["timestamp", "input_tokens", "output_tokens", "cached_tokens"],
        [[r["ts"].isoformat(), r["input"], r["output"], r["cached"]] for r in rows],
    )


def test_usage_json_and_text(tmp_path: Path) -> None:
    logs = write_csv(tmp_path / "logs.csv")
    code, out, _ = run("usage", logs, "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data["traffic"]) == {
        "requests_per_month",
        "growth_monthly",
        "input_tokens",
        "output_tokens",
        "cached_input_share",
        "peak_to_average",
    }
    assert data["by_month"][-1]["requests"] == 3751
    assert data["by_model"][0]["model"] == "(none)"
    code, out, _ = run("usage", logs)
    assert code == 0
    assert "requests_per_month   3,683  (requests per day in 2026-08 × 30.4375)" in out
    assert "growth_monthly       +10.00%" in out


def test_usage_sql_is_the_pipeline_and_runs(tmp_path: Path) -> None:
    import duckdb

    code, out, _ = run("usage", "--sql", "--format", "litellm")
    assert code == 0
    assert out.startswith("-- DuckDB SQL: the queries `payback usage` runs on litellm logs")
    assert "CREATE TEMP VIEW logs AS" in out
    assert "GROUP BY GROUPING SETS" in out
    # run the printed statements on a table of JSON records: the same months as the profile
    logs = tmp_path / "spend.json"
    logs.write_text(json.dumps([litellm_row(r) for r in ROWS]))
    con = duckdb.connect()
    con.execute(f"CREATE TABLE raw_logs AS SELECT json FROM read_json_objects('{logs}')")
    statements = [
        s for s in out.split(";\n\n") if s.strip() and not s.lstrip().startswith("-- Then")
    ]
    for statement in statements[:-1]:
        con.execute(statement)
    months = con.execute(
        statements[statements.index(next(s for s in statements if "busiest_hour" in s))]
    ).fetchall()
    assert [float(m[1]) for m in months] == [3000, 3410, 3751]
    assert [m["requests"] for m in profile_usage([logs]).by_month] == [3000, 3410, 3751]
    # for files: DuckDB's readers of those very files
    csv_logs = write_csv(tmp_path / "logs.csv")
    code, out, _ = run("usage", csv_logs, "--sql")
    assert code == 0
    assert f"read_csv(['{csv_logs}']" in out
    con = duckdb.connect()
    for statement in [
        s for s in out.split(";\n\n") if s.strip() and not s.lstrip().startswith("-- Then")
    ]:
        con.execute(statement)
    (used,) = con.execute("SELECT sum(n) FROM used").fetchone() or (0,)
    assert used == TOTAL
    assert_user_error(*run("usage"), "give log files or globs, or a database URL (or --sql")


def test_round_trip_usage_into_a_scenario_then_analyze(tmp_path: Path) -> None:
    logs = write_csv(tmp_path / "logs.csv")
    scenario = tmp_path / "mine.toml"
    original = (EXAMPLES / "quarter-200k.toml").read_text()
    scenario.write_text(original)
    code, out, err = run("usage", logs, "-o", scenario)
    assert code == 0, err
    text = scenario.read_text()
    assert "requests_per_month = 3683" in text
    assert "# mean prompt tokens per request" in text  # comments kept
    assert text.split("[baseline]")[1] == original.split("[baseline]")[1]  # the rest untouched
    traffic = load_scenario(scenario).traffic
    mean_in, _, share = means(ROWS)
    assert traffic.input_tokens == round(mean_in, 1)
    assert traffic.cached_input_share == round(share, 4)
    # +10 % a month fitted from three complete months is not written: the file's own stays
    assert traffic.growth_monthly == 0.0
    assert "growth_monthly +10.00% a month is fitted from only 3 complete months" in err
    code, out, _ = run("analyze", scenario, "--json")
    assert code == 0
    assert json.loads(out)["requests_per_month"][0] == 3683


def test_the_measure_layer_says_the_growth_caution_and_writes_nothing(tmp_path: Path) -> None:
    # the lines usage -o tells come from the library (measure.usage.written), which reads
    # the scenario and writes nothing; the command line prints them as they are
    from payback.measure.usage.written import scenario_with_traffic

    logs = write_csv(tmp_path / "logs.csv")
    profile = profile_usage([logs])
    scenario = tmp_path / "mine.toml"
    original = (EXAMPLES / "quarter-200k.toml").read_text()
    scenario.write_text(original)
    written = scenario_with_traffic(scenario, profile)
    assert scenario.read_text() == original
    assert not written.created
    assert "requests_per_month = 3683" in written.text
    assert "growth_monthly = 0.0" in written.text  # the file's own, kept
    # 3,751 requests in August's 31 days x 30.4375 = 3,682.97 a month; +10% a month over
    # the 24 months: 3,682.97 x 1.1^23 (8.9543) = 32,978 in month 24
    caution = (
        f"{scenario}: growth_monthly +10.00% a month is fitted from only 3 complete months "
        "(2026-06 to 2026-08): compounded over the scenario's 24 months it gives 32,979 "
        "requests in month 24 (from 3,683 a month now); it is not written, the scenario "
        "keeps its own (growth_monthly = 0): set the growth you expect, or measure 6 "
        "complete months or more"
    )
    assert written.warnings == [caution]
    # the lines of the example (the starter's) that state other traffic, left as written
    stated = "where 3,683 requests/month were measured: it may no longer describe the traffic"
    assert written.notes == [
        f"{scenario}: line 1 says '200k requests a month', {stated} (left as written)",
        f"{scenario}: line 7 says '200k requests/month', {stated} (left as written)",
        # the share the capacity was stated at (20 %) goes with its lengths
        f"{scenario}: line 32: replica_requests_per_s is stated at 2,000/400 tokens, 20% "
        "cached, where 1,200/250 tokens, 12% cached were measured: re-check it (a model, gpu "
        "and engine in its place are estimated at the measured traffic); left as written",
    ]
    code, _, err = run("usage", logs, "-o", scenario)
    assert code == 0, err
    assert f"warning: {caution}" in err.replace("\n", " ")
    assert scenario.read_text() == written.text
    new = tmp_path / "new.toml"
    made = scenario_with_traffic(new, profile)
    assert made.created
    assert not new.exists()
    assert made.warnings == [caution.replace(str(scenario), str(new))]
    assert [line.split(": ", 1)[0] for line in made.notes] == [str(new)]
    assert "the alternative's capacity is estimated at the measured" in made.notes[0]


def test_usage_creates_a_new_scenario_and_handles_yaml(tmp_path: Path) -> None:
    logs = write_csv(tmp_path / "logs.csv")
    code, out, _ = run("usage", logs, "-o", tmp_path / "new.toml")
    assert code == 0
    assert "a new scenario from the starter" in out
    assert load_scenario(tmp_path / "new.toml").traffic.requests_per_month == 3683
    yaml_path = tmp_path / "s.yaml"
    assert run("init", yaml_path)[0] == 0
    yaml_path.write_text("# my team's scenario\n" + yaml_path.read_text())
    assert run("usage", logs, "-o", yaml_path)[0] == 0
    assert yaml_path.read_text().startswith("# my team's scenario")
    assert load_scenario(yaml_path).traffic.requests_per_month == 3683


def flat_logs(path: Path, per_hour: int = 2) -> Path:
    """June to August, per_hour requests every hour: 1,461 a month for 2, no growth."""
    times = hourly(
        dt.datetime(2026, 6, 1, tzinfo=UTC), dt.datetime(2026, 9, 1, tzinfo=UTC), lambda h: per_hour
    )
    return write_rows(
        path,
        ["timestamp", "input_tokens", "output_tokens", "cached_tokens"],
        [[t.isoformat(), 1000, 200, 100] for t in times],
    )


YAML_SCENARIO = """\
scenario:
  name: 'a very long quoted name that goes well past eighty characters so the dumper may fold it somewhere' # c
  horizon_months: 24
  discount_rate_annual: 0.1
traffic:
  requests_per_month: 200000
  growth_monthly: 0
  input_tokens: 2000
  output_tokens: 400
  cached_input_share: 0.2
  peak_to_average: 4
baseline:
  name: hosted big model
  kind: hosted_api
  input_usd_per_mtok: 3
  cached_input_usd_per_mtok: 0.3
  output_usd_per_mtok: 15
alternatives:
  - name: fine-tuned 7B on one rented L4   # the plan
    kind: self_hosted
    usd_per_gpu_hour: 0.8
    replica_requests_per_s: 2
    one_time:
      engineer_hours: 60
      engineer_usd_per_hour: 120
"""


def test_o_keeps_yaml_layout_and_changes_only_traffic(tmp_path: Path) -> None:
    logs = flat_logs(tmp_path / "logs.csv")
    path = tmp_path / "s.yaml"
    path.write_text(YAML_SCENARIO)
    code, _, err = run("usage", logs, "-o", path)
    assert code == 0, err
    expected = YAML_SCENARIO
    for old, new in [
        ("requests_per_month: 200000", "requests_per_month: 1461"),
        ("input_tokens: 2000", "input_tokens: 1000.0"),
        ("output_tokens: 400", "output_tokens: 200.0"),
        ("cached_input_share: 0.2", "cached_input_share: 0.1"),
        ("peak_to_average: 4", "peak_to_average: 1.0"),
    ]:
        expected = expected.replace(old, new)
    assert path.read_text() == expected


def test_o_keeps_crlf_line_endings_and_byte_order_mark(tmp_path: Path) -> None:
    logs = flat_logs(tmp_path / "logs.csv")
    lf, crlf = tmp_path / "lf.toml", tmp_path / "crlf.toml"
    original = (EXAMPLES / "quarter-200k.toml").read_text()
    lf.write_text(original)
    crlf.write_bytes(b"\xef\xbb\xbf" + original.replace("\n", "\r\n").encode())
    assert run("usage", logs, "-o", lf)[0] == 0
    assert run("usage", logs, "-o", crlf)[0] == 0
    written = crlf.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")
    assert written.count(b"\n") == written.count(b"\r\n")
    assert written[3:].decode().replace("\r\n", "\n") == lf.read_text()
    assert "requests_per_month = 1461" in lf.read_text()
    assert load_scenario(crlf).traffic.requests_per_month == 1461


def test_o_warns_before_replacing_a_distribution(tmp_path: Path) -> None:
    logs = flat_logs(tmp_path / "logs.csv")
    scenario = tmp_path / "unc.toml"
    scenario.write_text((EXAMPLES / "quarter-uncertain.toml").read_text())
    code, _, err = run("usage", logs, "-o", scenario)
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert (
        f"warning: {scenario}: traffic.requests_per_month was a triangular range "
        "(low = 150000, mode = 200000, high = 320000); replaced by the measured 1461; the "
        "range is kept in a comment after it"
    ) in warnings
    assert (  # the user's range stays in the file, its words after it
        'requests_per_month = 1461  # was {dist = "triangular", low = 150000, mode = 200000, '
        "high = 320000}"
    ) in scenario.read_text()
    # four ranges; peak_to_average was a number, and growth_monthly (three months fitted)
    # is not written: its range stays, told so (a flat fit as any other)
    assert len(warnings) == 5
    assert warnings[-1] == (
        f"warning: {scenario}: growth_monthly +0.00% a month is fitted from only 3 complete "
        "months (2026-06 to 2026-08); it is not written, the scenario keeps its own: set the "
        "growth you expect, or measure 6 complete months or more"
    )
    loaded = load_scenario(scenario)
    assert loaded.traffic.requests_per_month == 1461
    assert [p for p in loaded.distributions if p.startswith("traffic.")] == [
        "traffic.growth_monthly"
    ]


@pytest.mark.parametrize("name", ["new.json", "out.txt", "scenario"])
def test_o_refuses_a_new_file_named_as_no_scenario_before_the_work(
    tmp_path: Path, name: str
) -> None:
    """The starter's TOML went into new.json or out.txt (reported as written, exit 0): a new
    scenario's name is now checked as init's and recommend's are, before the logs are read."""
    logs = flat_logs(tmp_path / "logs.csv")
    suffix = Path(name).suffix or "a name without an extension"
    assert_user_error(
        *run("usage", logs, "-o", tmp_path / name),
        f"-o {tmp_path / name}: a scenario is written as .toml, or .yaml / .yml for YAML; "
        f"not {suffix}",
    )
    assert not (tmp_path / name).exists()
    # a scenario that already exists under another name is read (as TOML) and updated
    kept = tmp_path / "quarter.conf"
    kept.write_text((EXAMPLES / "quarter-200k.toml").read_text())
    code, _, err = run("usage", logs, "-o", kept)
    assert code == 0, err
    assert load_scenario(kept).traffic.requests_per_month == 1461


def test_o_refuses_a_file_that_is_not_a_scenario(tmp_path: Path) -> None:
    logs = flat_logs(tmp_path / "logs.csv")
    pyproject = tmp_path / "pp.toml"
    pyproject.write_text((ROOT / "pyproject.toml").read_text())
    before = pyproject.read_bytes()
    assert_o_refused_first(
        *run("usage", logs, "-o", pyproject), "pp.toml: does not look like a payback scenario"
    )
    assert pyproject.read_bytes() == before
    # a scenario that the result would not make valid is left as it is too
    broken = tmp_path / "partial.toml"
    broken.write_text('[scenario]\nname = "x"\n')
    assert_o_refused(
        *run("usage", logs, "-o", broken),
        "partial.toml: with the measured [traffic] it would not be a valid scenario",
        "left as it is",
    )
    assert broken.read_text() == '[scenario]\nname = "x"\n'


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("scalar.toml", "traffic = 5\n", "traffic is the value 5, not a table of numbers"),
        ("array.toml", "traffic = [1, 2]\n", "traffic is a list, not a table of numbers"),
        ("tables.toml", "[[traffic]]\na = 1\n", "[[traffic]] is a list of tables, not one table"),
        ("list.yaml", "- a\n- b\n", "expected a table of sections"),
        ("broken.toml", "[traffic\nrequests_per_month = 5\n", "broken.toml: not valid TOML"),
    ],
)
def test_o_never_breaks_a_file_it_cannot_update(
    tmp_path: Path, name: str, text: str, fragment: str
) -> None:
    logs = flat_logs(tmp_path / "logs.csv")
    path = tmp_path / name
    path.write_text(text)
    assert_o_refused_first(*run("usage", logs, "-o", path), fragment, "left as it is")
    assert path.read_text() == text


def test_o_fills_an_empty_yaml_traffic_and_dotted_toml_keys(tmp_path: Path) -> None:
    logs = flat_logs(tmp_path / "logs.csv")
    yaml_path = tmp_path / "null.yaml"
    yaml_path.write_text(
        YAML_SCENARIO.split("traffic:")[0]
        + "traffic:\nbaseline:"
        + YAML_SCENARIO.split("baseline:")[1]
    )
    assert run("usage", logs, "-o", yaml_path)[0] == 0
    assert load_scenario(yaml_path).traffic.requests_per_month == 1461
    dotted = tmp_path / "dotted.toml"
    body = (EXAMPLES / "quarter-200k.toml").read_text().split("[baseline]")[1]
    dotted.write_text(
        "traffic.requests_per_month = 5  # mine\n"
        "traffic.input_tokens = 1.0\n"
        '[scenario]\nname = "x"\nhorizon_months = 12\n\n[baseline]' + body
    )
    assert run("usage", logs, "-o", dotted)[0] == 0
    text = dotted.read_text()
    # words after a dotted key are marked as a [traffic] table's are (they had stood beside
    # the measured number unmarked); the value 3 digits longer, one space is left
    assert text.startswith("traffic.requests_per_month = 1461 # was 5: mine\n")
    assert load_scenario(dotted).traffic.input_tokens == 1000
    # an empty file holds nothing to keep: it gets the starter with this traffic
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    code, out, _ = run("usage", logs, "-o", empty)
    assert code == 0
    assert "a new scenario from the starter" in out
    assert load_scenario(empty).traffic.requests_per_month == 1461


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--format", "splunk"), "--format 'splunk': unknown; allowed: auto, generic"),
        (("--since", "last week"), "--since 'last week': expected a date such as 2026-11-01"),
        (
            ("--since", "2026-08-01", "--until", "2026-07-01"),
            "--since 2026-08-01: must not be after the until date (2026-07-01)",
        ),
        (("--columns", "time"), "--columns 'time': expected name=column pairs"),
        (
            ("--columns", "ts=nope,input=input_tokens,output=output_tokens"),
            "--columns ts=nope: 'nope' is not a column of",
        ),
    ],
)
def test_usage_bad_options(tmp_path: Path, args: tuple[str, ...], fragment: str) -> None:
    logs = write_csv(tmp_path / "logs.csv")
    assert_user_error(*run("usage", logs, *args), fragment)


def test_usage_missing_file_and_folder(tmp_path: Path) -> None:
    assert_user_error(*run("usage", tmp_path / "nope.csv"), "nope.csv: no such file")
    (tmp_path / "dir.csv").mkdir()
    assert_user_error(*run("usage", tmp_path / "dir.csv"), "dir.csv: is a folder")


# -- the monthly arithmetic on hand-made rows, without DuckDB --------------------------


def t(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def month_row(
    start: dt.date, requests: float, first: dt.datetime, busiest: float
) -> tuple[Any, ...]:
    """A row of the MONTHS query: 1,000 input, 200 output and 100 cached tokens a request."""
    return (start, requests, 1000.0 * requests, 200.0 * requests, 100.0 * requests, first, busiest)


PER_REQUEST = [(0, False, False, None)]
"""A SOURCES row: one source of single requests at any instant (no bucket)."""


def test_monthly_three_complete_months_of_ten_percent_growth() -> None:
    from payback.measure.usage.profile import monthly

    months = [
        month_row(dt.date(2026, 1, 1), 3100, t(2026, 1, 1, 0, 20), 23),  # 100 a day
        month_row(dt.date(2026, 2, 1), 3080, t(2026, 2, 1, 0, 5), 20),  # 110 a day
        month_row(dt.date(2026, 3, 1), 3751, t(2026, 3, 1, 0, 1), 21),  # 121 a day
    ]
    ends = [
        (dt.date(2026, 1, 1), 0, t(2026, 1, 31, 23, 40), None),
        (dt.date(2026, 2, 1), 0, t(2026, 2, 28, 23, 59), None),
        (dt.date(2026, 3, 1), 0, t(2026, 3, 31, 23, 50), None),
    ]
    got = monthly(months, ends, PER_REQUEST)
    assert [m.complete for m in got.months] == [True, True, True]
    assert got.empty == []
    assert got.warnings == []
    assert got.hours == (31 + 28 + 31) * 24
    assert got.requests_per_month == pytest.approx(121 * 30.4375)  # March's 121 a day
    assert got.growth_monthly == pytest.approx(0.10)  # 100, 110, 121 a day
    # March's busiest hour (21) over March's mean hour (3,751 requests in 744 hours): the
    # month requests_per_month is taken from; January's 23 over its 3,100 / 744 is noted
    assert got.peak_to_average == pytest.approx(21 / (3751 / 744))
    assert got.notes == [
        "peak_to_average is 2026-03's, the month requests_per_month is taken from: its "
        "busiest hour is 4.17 mean hours; 2026-01's was 5.52, at 100.0 requests a day "
        "against 121.0 (a spike then, or a quieter month's lumpier hours)"
    ]
    assert got.bucket_seconds == 0.0


def test_monthly_partial_edges_leave_one_complete_month() -> None:
    from payback.measure.usage.profile import monthly

    months = [
        month_row(dt.date(2026, 1, 1), 1700, t(2026, 1, 15, 10, 30), 9),  # starts mid-month
        month_row(dt.date(2026, 2, 1), 2800, t(2026, 2, 1, 0, 0), 12),
        month_row(dt.date(2026, 3, 1), 900, t(2026, 3, 1, 0, 0), 8),  # ends on the 10th
    ]
    ends = [
        (dt.date(2026, 1, 1), 0, t(2026, 1, 31, 23, 59), None),
        (dt.date(2026, 2, 1), 0, t(2026, 2, 28, 23, 59), None),
        (dt.date(2026, 3, 1), 0, t(2026, 3, 10, 0, 0), None),
    ]
    got = monthly(months, ends, PER_REQUEST)
    # January lacks its start, March its end; February's edges are its neighbours'
    assert [m.complete for m in got.months] == [False, True, False]
    assert [m.start.month for m in got.complete] == [2]
    assert got.requests_per_month == pytest.approx(2800 / 28 * 30.4375)
    # no growth fitted: not measured (None, never a measured 0), the reason noted
    assert got.growth_monthly is None
    assert got.notes == [
        "growth_monthly is not measured: the logs hold 1 complete month (2026-02), and a fit "
        "needs two or more (a scenario written from these logs keeps its own)"
    ]
    assert got.hours == 28 * 24
    assert got.peak_to_average == pytest.approx(12 / (2800 / 672))


def test_monthly_without_a_complete_month_scales_the_covered_hours() -> None:
    from payback.measure.usage.profile import monthly

    months = [
        month_row(dt.date(2026, 1, 1), 510, t(2026, 1, 10, 5, 30), 30),
        month_row(dt.date(2026, 4, 1), 2, t(2026, 4, 5, 12, 0), 2),  # a stray timestamp
    ]
    ends = [
        (dt.date(2026, 1, 1), 0, t(2026, 1, 12, 7, 15), None),
        (dt.date(2026, 4, 1), 0, t(2026, 4, 5, 12, 0), None),
    ]
    got = monthly(months, ends, PER_REQUEST)
    assert not any(m.complete for m in got.months)
    # Jan 10 05:00 to Jan 12 08:00 (51 hours), and the hour from Apr 5 12:00
    assert got.hours == 52.0
    assert got.requests_per_month == pytest.approx(512 / 52 * 730.5)
    assert got.empty == [12 * 2026 + 1, 12 * 2026 + 2]  # February and March
    assert got.warnings == [
        "no requests in 2 month(s) inside the logs' span (2026-02, 2026-03): a stray timestamp "
        "or a gap in the logs; those months are left out of every figure",
        "the logs cover only 52 hours (under a week, no complete month): requests_per_month "
        "takes their rate for a whole month, as if the hours of the day and the days of the "
        "week they miss were as busy as those they hold; a week or more of logs (a complete "
        "month best) measures it",
    ]
    assert got.notes == [
        "no complete calendar month in the logs: requests_per_month 7,193 is the requests of "
        "52 covered hours scaled to a 730.5-hour month (365.25 / 12 days)",
        "growth_monthly is not measured: the logs hold no complete month, and a fit needs two "
        "or more (a scenario written from these logs keeps its own)",
    ]
    assert got.growth_monthly is None
    assert got.peak_to_average == pytest.approx(30 / (512 / 52))


def test_monthly_dates_without_times_measure_no_peak() -> None:
    from payback.measure.usage.profile import monthly

    months = [
        month_row(dt.date(2026, 1, 1), 3100, t(2026, 1, 1), 100),
        month_row(dt.date(2026, 2, 1), 2800, t(2026, 2, 1), 100),
    ]
    # the last row of each month is its last day, which it stands for whole
    ends = [
        (dt.date(2026, 1, 1), 0, t(2026, 1, 31), None),
        (dt.date(2026, 2, 1), 0, t(2026, 2, 28), None),
    ]
    got = monthly(months, ends, [(0, True, True, None)])
    assert [m.complete for m in got.months] == [True, True]
    assert got.bucket_seconds == 86400.0
    assert got.peak_to_average is None
    assert got.notes[-1].startswith(
        "the timestamps are whole days (dates without a time, or every one at midnight), so the"
    )
    assert got.growth_monthly == pytest.approx(0.0)  # 100 a day both months


def test_monthly_caps_the_peak_at_a_month_in_one_hour() -> None:
    from payback.measure.usage.profile import monthly

    months = [month_row(dt.date(2026, 1, 1), 1000, t(2026, 1, 1), 999)]
    ends = [(dt.date(2026, 1, 1), 0, t(2026, 1, 31, 23, 59), None)]
    got = monthly(months, ends, PER_REQUEST)
    assert got.peak_to_average == 730.0  # 999 / (1000 / 744) would be 743
    assert got.notes[-1] == "the busiest hour is 743 mean hours; peak_to_average is capped at 730"


def test_the_monthly_arithmetic_needs_no_duckdb() -> None:
    import subprocess
    import sys

    code = (
        "import sys, payback.measure.usage.profile, payback.measure.usage;"
        "assert 'duckdb' not in sys.modules and 'rich' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": str(ROOT / "src")})


# -- files that overlap in time ------------------------------------------------------


def hourly_rows(start: dt.datetime, end: dt.datetime, ids: bool = False) -> list[list[Any]]:
    """One request at each whole hour from start to end (with an id made of its time)."""
    rows, t = [], start
    while t < end:
        rows.append([t.isoformat(), 100, 10, *([f"r{t:%Y%m%d%H}"] if ids else [])])
        t += dt.timedelta(hours=1)
    return rows


def test_overlapping_exports_without_ids_are_named_in_one_warning(tmp_path: Path) -> None:
    # two exports of one proxy, Jan 1-31 and Jan 15-Feb 15, a request each hour: without
    # request ids, Jan 15-31 (17 days, 408 hours) is counted twice, and said so
    header = ["timestamp", "input_tokens", "output_tokens"]
    jan = write_rows(
        tmp_path / "jan.csv",
        header,
        hourly_rows(dt.datetime(2026, 1, 1, tzinfo=UTC), month_start(2026, 2)),
    )
    mid = write_rows(
        tmp_path / "mid.csv",
        header,
        hourly_rows(dt.datetime(2026, 1, 15, tzinfo=UTC), dt.datetime(2026, 2, 16, tzinfo=UTC)),
    )
    profile = profile_usage([jan, mid])
    assert profile.by_month[0]["requests"] == 744 + 408  # counted as given
    assert profile.overlaps == [
        {
            "files": [str(jan), str(mid)],
            "format": "generic",
            "from": "2026-01-15T00:00:00+00:00",
            "to": "2026-02-01T00:00:00+00:00",
            "hours": 408.0,
        }
    ]
    (said,) = [w for w in profile.warnings if "overlap" in w]
    assert f"{jan} and {mid}" in said
    assert "from 2026-01-15 to 2026-01-31" in said
    assert "counted twice" in said
    assert "two replicas" in said
    # the CLI: one warning line, a field in --json, not refused
    code, out, err = run("usage", jan, mid)
    assert code == 0
    assert [line for line in err.splitlines() if "overlap" in line] == [f"warning: {said}"]
    code, out, _ = run("usage", jan, mid, "--json")
    assert code == 0
    assert json.loads(out)["overlaps"] == profile.overlaps
    # files that follow one another (a log rotated at midnight) do not overlap
    feb = write_rows(
        tmp_path / "feb.csv", header, hourly_rows(month_start(2026, 2), month_start(2026, 3))
    )
    assert profile_usage([jan, feb]).overlaps == []
    assert not any("overlap" in w for w in profile_usage([jan, feb]).warnings)


def test_overlapping_exports_with_request_ids_count_each_request_once(tmp_path: Path) -> None:
    # the same two exports with request ids: the 408 repeated requests are dropped and
    # counted, and nothing is said to overlap (the ids matched them)
    header = ["timestamp", "input_tokens", "output_tokens", "request_id"]
    jan = write_rows(
        tmp_path / "jan.csv",
        header,
        hourly_rows(dt.datetime(2026, 1, 1, tzinfo=UTC), month_start(2026, 2), ids=True),
    )
    mid = write_rows(
        tmp_path / "mid.csv",
        header,
        hourly_rows(
            dt.datetime(2026, 1, 15, tzinfo=UTC), dt.datetime(2026, 2, 16, tzinfo=UTC), ids=True
        ),
    )
    profile = profile_usage([jan, mid])
    assert [m["requests"] for m in profile.by_month] == [744, 360]
    assert profile.rows["duplicates"] == 408
    assert profile.traffic["requests_per_month"] == pytest.approx(24 * MONTH_DAYS)
    assert profile.overlaps == []
    assert not any("overlap" in w for w in profile.warnings)
    # replicas: overlapping hours with ids of their own are two requests each hour, no warning
    other = write_rows(
        tmp_path / "replica.csv",
        header,
        [
            [*r[:3], "b" + r[3]]
            for r in hourly_rows(
                dt.datetime(2026, 1, 1, tzinfo=UTC), month_start(2026, 2), ids=True
            )
        ],
    )
    both = profile_usage([jan, other])
    assert both.by_month[0]["requests"] == 2 * 744
    assert both.rows["duplicates"] == 0
    assert both.overlaps == []


def test_daily_exports_sharing_one_day_overlap_on_that_day(tmp_path: Path) -> None:
    # daily rows (dates only) Jan 1-15 and Jan 15-31: the 15th is in both, a day counted twice
    header = ["date", "requests", "input_tokens", "output_tokens"]

    def days(first: int, last: int) -> list[list[Any]]:
        return [[f"2026-01-{d:02d}", 10, 1000, 100] for d in range(first, last + 1)]

    a = write_rows(tmp_path / "a.csv", header, days(1, 15))
    b = write_rows(tmp_path / "b.csv", header, days(15, 31))
    profile = profile_usage([a, b])
    assert profile.by_month[0]["requests"] == 320
    assert [(o["from"], o["to"], o["hours"]) for o in profile.overlaps] == [
        ("2026-01-15T00:00:00+00:00", "2026-01-16T00:00:00+00:00", 24.0)
    ]
    assert any(f"{a} and {b}" in w and "on 2026-01-15:" in w for w in profile.warnings)
    c = write_rows(tmp_path / "c.csv", header, days(16, 31))
    assert profile_usage([a, c]).overlaps == []
    # three copies of the 15th: three pairs, and the day counted three times, not "twice"
    third = write_rows(tmp_path / "d.csv", header, days(15, 15))
    three = profile_usage([a, b, third])
    assert three.by_month[0]["requests"] == 330
    assert len(three.overlaps) == 3
    (said,) = [w for w in three.warnings if "overlap" in w]
    assert said.startswith("3 pairs of log files")
    assert "counted once for each file that holds them" in said
    assert "twice" not in said


def test_o_refused_still_shows_the_profile_and_leaves_the_file(tmp_path: Path) -> None:
    # a mean of 2,000,000 output tokens a request is read (under 10^8 a request), but a
    # scenario allows at most 10^6: -o is refused, the profile measured is shown all the
    # same, exit 2, and the scenario keeps every byte
    logs = write_rows(
        tmp_path / "huge.csv",
        ["timestamp", "input_tokens", "output_tokens"],
        [[f"2026-02-{d:02d}T12:00:00Z", 1000, 2_000_000] for d in range(1, 29)],
    )
    scenario = tmp_path / "scenario.toml"
    before = (EXAMPLES / "quarter-200k.toml").read_bytes().replace(b"\n", b"\r\n")
    scenario.write_bytes(before)
    code, out, err = run("usage", logs, "-o", scenario)
    assert code == 2
    assert "output_tokens        2,000,000.0 mean" in out
    assert "Rows: 28 read, 28 used" in out
    assert "Wrote" not in out
    assert err.splitlines()[-1] == (
        f"error: {scenario}: with the measured [traffic] it would not be a valid scenario "
        "(traffic.output_tokens = 2000000.0: must be ≤ 1,000,000); left as it is"
    )
    assert "Traceback" not in err
    assert scenario.read_bytes() == before
    # --json: the profile, nothing written and why; a new file is not created
    new = tmp_path / "new.toml"
    code, out, err = run("usage", logs, "-o", new, "--json")
    assert code == 2
    data = json.loads(out)
    assert data["traffic"]["output_tokens"] == 2_000_000
    assert data["written"] is None
    assert data["created"] is False
    assert data["refused"].endswith("must be ≤ 1,000,000); not written")
    assert err.splitlines()[-1] == f"error: {data['refused']}"
    assert not new.exists()
    # a file that is not a scenario, whatever is measured: refused before the logs are
    # read (on a large table, minutes), nothing shown, the file kept
    notes = tmp_path / "notes.toml"
    notes.write_bytes(b'title = "my notes"\n')
    code, out, err = run("usage", logs, "-o", notes)
    assert code == 2
    assert out == ""
    assert "does not look like a payback scenario" in err.splitlines()[-1]
    assert notes.read_bytes() == b'title = "my notes"\n'


def test_openai_empty_buckets_of_another_endpoint_are_not_completions_time(tmp_path: Path) -> None:
    # completions: February 10 requests a day, March 20 a day to the 29th (the export ends
    # there); embeddings, exported to March 31, idle on the 30th and 31st (results: []).
    # The embeddings' empty buckets say nothing of the completions: March stays partial,
    # and the rate is February's (it was March's 580 / 31 days, March read as complete)
    completions = daily_buckets(
        dt.date(2026, 2, 1), dt.date(2026, 3, 29), lambda d: 10 if d.month == 2 else 20
    )
    (tmp_path / "completions.jsonl").write_text(
        "\n".join(json.dumps(b) for b in completions) + "\n"
    )
    embeddings = daily_buckets(
        dt.date(2026, 2, 1), dt.date(2026, 3, 31), lambda d: 0 if d.day >= 30 else 5
    )
    for bucket in embeddings:
        for result in bucket["results"]:
            result["object"] = "organization.usage.embeddings.result"
            result["output_tokens"] = 0
    # and a row of zero requests of the embeddings endpoint, written out
    embeddings[-1]["results"] = [
        dict(openai_result(0), object="organization.usage.embeddings.result")
    ]
    (tmp_path / "embeddings.json").write_text(json.dumps({"object": "page", "data": embeddings}))
    profile = profile_usage([tmp_path / "completions.jsonl", tmp_path / "embeddings.json"])
    assert profile.span["complete_months"] == ["2026-02"]
    assert profile.span["end"] == "2026-03-30T00:00:00+00:00"
    assert profile.traffic["requests_per_month"] == pytest.approx(10 * MONTH_DAYS)
    assert [m["requests"] for m in profile.by_month] == [280, 580]
    # every embeddings row, its two empty days too, is left out as not a completion
    assert profile.rows["used"] == 28 + 29
    assert profile.rows["not_llm_calls_or_failed"] == 28 + 31
    # the completions' own empty buckets still cover its time (as before)
    completions[-2:] = []
    completions += daily_buckets(dt.date(2026, 3, 28), dt.date(2026, 3, 31), lambda d: 0)[2:]
    (tmp_path / "completions.jsonl").write_text(
        "\n".join(json.dumps(b) for b in completions) + "\n"
    )
    alone = profile_usage([tmp_path / "completions.jsonl"])
    assert alone.span["complete_months"] == ["2026-02", "2026-03"]
    assert alone.traffic["requests_per_month"] == pytest.approx(20 * 27 / 31 * MONTH_DAYS)


def test_the_sql_rules_say_how_an_empty_bucket_counts() -> None:
    # the rules printed after --sql name both cases of an empty bucket
    from payback.measure.usage import usage_sql

    rules = " ".join(
        line.removeprefix("--").strip()
        for line in usage_sql("openai-usage").splitlines()
        if line.startswith("--")
    )
    assert "a row of zero requests (an empty bucket) is time the logs cover" in rules
    assert (
        "an OpenAI usage bucket with results: [] is such a row, except in a file whose results "
        "are all another endpoint's (embeddings, images, ...): there it is that endpoint's idle "
        "time, left out with its results" in rules
    )


def test_logs_of_under_a_week_are_warned_of(tmp_path: Path) -> None:
    # one request: 1 covered hour taken for a month (730.5 requests a month), warned of
    header = ["timestamp", "input_tokens", "output_tokens"]
    one = write_rows(tmp_path / "one.csv", header, [["2026-03-05T10:00:00Z", 100, 20]])
    profile = profile_usage([one])
    assert profile.traffic["requests_per_month"] == pytest.approx(730.5)
    assert profile.warnings == [
        "the logs cover only 1 hour (under a week, no complete month): requests_per_month "
        "takes their rate for a whole month, as if the hours of the day and the days of the "
        "week they miss were as busy as those they hold; a week or more of logs (a complete "
        "month best) measures it"
    ]
    code, _, err = run("usage", one)
    assert code == 0
    assert "warning: the logs cover only 1 hour (under a week" in err
    # a request each hour for 6 days and 23 hours: warned (167 hours); for 7 days: not
    start = dt.datetime(2026, 3, 2, tzinfo=UTC)
    short = write_rows(
        tmp_path / "short.csv", header, hourly_rows(start, start + dt.timedelta(hours=167))
    )
    assert any("cover only 167 hours" in w for w in profile_usage([short]).warnings)
    week = write_rows(
        tmp_path / "week.csv", header, hourly_rows(start, start + dt.timedelta(days=7))
    )
    assert profile_usage([week]).warnings == []


def test_a_field_named_twice_in_columns_is_one_line(tmp_path: Path) -> None:
    # ts=a,ts=b took the last silently; the same column twice is harmless
    logs = write_rows(
        tmp_path / "logs.csv",
        ["created", "timestamp", "input_tokens", "output_tokens"],
        [["2026-01-01T00:00:00Z", "2026-03-05T10:00:00Z", 100, 20]],
    )
    assert_user_error(
        *run("usage", logs, "--columns", "ts=created,input=input_tokens,ts=timestamp"),
        "error: --columns 'ts=created,input=input_tokens,ts=timestamp': ts is named twice "
        "(created and timestamp); name each field once",
    )
    same = profile_usage([logs], columns="ts=timestamp,ts=timestamp")
    assert same.span["first"] == "2026-03-05T10:00:00+00:00"


def test_a_model_filter_on_logs_without_models_says_so(tmp_path: Path) -> None:
    # no row names a model: pointing at the By model list (which shows only '(none)') did not
    # help; the line says the logs name none and how to name the column
    logs = write_rows(
        tmp_path / "logs.csv",
        ["timestamp", "engine", "input_tokens", "output_tokens"],
        [["2026-03-05T10:00:00Z", "gpt-4o", 100, 20]],
    )
    with pytest.raises(PaybackError, match=r"the logs name no model \(no readable row has one"):
        profile_usage([logs], model="gpt-4o")
    # the command line names its flag (the library names none)
    code, _, err = run("usage", logs, "--model", "gpt-4o")
    assert code == 2
    assert err.rstrip().endswith("name their model column with --columns model=COLUMN)")
    assert profile_usage([logs], model="gpt-4o", columns="model=engine").rows["used"] == 1
    with pytest.raises(PaybackError, match="a model is matched exactly as logged"):
        profile_usage([logs], model="gpt-4", columns="model=engine")


def test_a_new_yaml_scenario_says_what_the_new_toml_one_says(tmp_path: Path) -> None:
    """A new YAML scenario kept the starter's header ("200k requests a month on a hosted big
    model") over the measured traffic once the starter's comments came along: it is now
    made as the TOML one is, then written as YAML, comments and all."""
    import tomllib

    from ruamel.yaml import YAML

    logs = write_csv(tmp_path / "logs.csv")
    for name in ("new.toml", "new.yaml"):
        code, _, err = run("usage", logs, "-o", tmp_path / name)
        assert code == 0, err
    as_toml = (tmp_path / "new.toml").read_text()
    as_yaml = (tmp_path / "new.yaml").read_text()
    assert YAML(typ="safe").load(as_yaml) == tomllib.loads(as_toml)
    assert as_yaml.startswith(
        "# A payback scenario: [traffic] measured by `payback usage` in logs.csv"
    )
    assert "A starter payback scenario" not in as_yaml


def test_o_that_no_measurement_could_update_is_refused_before_the_logs_are_read(
    tmp_path: Path,
) -> None:
    # a broken -o file beside a server that cannot be reached: the file's line comes first,
    # so a large table is not scanned for minutes only to be refused at the end
    broken = tmp_path / "broken.toml"
    broken.write_text("[traffic\n")
    code, out, err = run("usage", "postgresql://payback@127.0.0.1:1/logs", "-o", broken)
    assert_o_refused_first(code, out, err, "broken.toml: not valid TOML", "left as it is")
    assert "127.0.0.1" not in err
    assert broken.read_text() == "[traffic\n"
    # a new file, an empty one or a scenario: the server is tried (and here not reached)
    for target in (tmp_path / "new.toml", tmp_path / "empty.toml"):
        if target.name == "empty.toml":
            target.write_text("")
        code, out, err = run("usage", "postgresql://payback@127.0.0.1:1/logs", "-o", target)
        assert code == 2
        assert "127.0.0.1" in err, err
