"""Request logs: fixtures in every format built here with known totals, bad rows, time zones,
empty files, filters, and the round trip into a scenario."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import math
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES
from payback import ScenarioError, load_scenario, profile_usage
from test_cli import assert_user_error, run

UTC = dt.UTC


def requests_log(start: dt.datetime, months: int, per_month: list[int]) -> list[dict[str, Any]]:
    """Requests spread evenly through each month; tokens cycle so totals are known."""
    rows = []
    for m in range(months):
        first = dt.datetime(
            start.year + (start.month - 1 + m) // 12, (start.month - 1 + m) % 12 + 1, 1, tzinfo=UTC
        )
        following = dt.datetime(first.year + first.month // 12, first.month % 12 + 1, 1, tzinfo=UTC)
        n = per_month[m]
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


ROWS = requests_log(dt.datetime(2026, 6, 1, tzinfo=UTC), 3, [600, 660, 726])  # +10% a month
TOTAL = len(ROWS)


def means(rows: list[dict[str, Any]]) -> tuple[float, float, float]:
    i = sum(r["input"] for r in rows)
    return (
        i / len(rows),
        sum(r["output"] for r in rows) / len(rows),
        sum(r["cached"] for r in rows) / i,
    )


def expect_profile(
    profile: Any, rows: list[dict[str, Any]] = ROWS, *, last_month: int = 726
) -> None:
    mean_in, mean_out, share = means(rows)
    t = profile.traffic
    assert t["requests_per_month"] == last_month
    assert t["input_tokens"] == pytest.approx(mean_in, rel=1e-12)
    assert t["output_tokens"] == pytest.approx(mean_out, rel=1e-12)
    assert t["cached_input_share"] == pytest.approx(share, rel=1e-12)


def test_generic_csv_profile_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "logs.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["created_at", "model", "prompt_tokens", "completion_tokens", "cached_tokens"])
        for r in ROWS:
            w.writerow([r["ts"].isoformat(), r["model"], r["input"], r["output"], r["cached"]])
    profile = profile_usage([path])
    assert profile.format == "generic"
    expect_profile(profile)
    assert profile.traffic["growth_monthly"] == pytest.approx(0.10, rel=1e-9)  # 600, 660, 726
    assert [m["month"] for m in profile.by_month] == ["2026-06", "2026-07", "2026-08"]
    assert all(m["complete"] for m in profile.by_month)
    assert profile.rows == {
        "read": TOTAL,
        "used": TOTAL,
        "unreadable": 0,
        "examples": [],
        "not_llm_calls_or_failed": 0,
        "filtered_out": 0,
    }
    # busiest hour / mean hour: evenly spread, so the densest month's hour over the average hour
    hours = (
        dt.datetime(2026, 9, 1, tzinfo=UTC) - dt.datetime(2026, 6, 1, tzinfo=UTC)
    ).total_seconds() / 3600
    assert profile.span["hours"] == pytest.approx(hours, abs=1)
    assert profile.traffic["peak_to_average"] >= 1.0
    inputs = sorted(r["input"] for r in ROWS)
    assert profile.token_percentiles["input_tokens"]["p50"] == inputs[len(inputs) // 2]
    models = {m["model"]: m for m in profile.by_model}
    assert models["small"]["requests"] == sum(1 for r in ROWS if r["model"] == "small")


def test_peak_to_average_by_hand(tmp_path: Path) -> None:
    # 10 requests at 09:xx and 2 at 15:xx on one day: span 7 hours, mean 12/7, peak 10.
    path = tmp_path / "day.jsonl"
    times = [f"2026-03-02T09:{m:02d}:00Z" for m in range(10)] + [
        "2026-03-02T15:00:00Z",
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
    assert profile.traffic["requests_per_month"] == pytest.approx(12 / 7 * 730)
    assert any("no complete calendar month" in n for n in profile.notes)


def test_parquet_gzip_globs_and_explicit_columns(tmp_path: Path) -> None:
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE t (when_utc TIMESTAMPTZ, tin BIGINT, tout BIGINT, cache BIGINT)")
    con.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?)",
        [(r["ts"], r["input"], r["output"], r["cached"]) for r in ROWS],
    )
    con.execute(f"COPY t TO '{tmp_path / 'a.parquet'}' (FORMAT parquet)")
    assert_user_error(
        *run("usage", tmp_path / "a.parquet"), "no ts / input / output column found", "--columns"
    )
    profile = profile_usage(
        [tmp_path / "*.parquet"], columns="ts=when_utc,input=tin,output=tout,cached=cache"
    )
    expect_profile(profile)
    with gzip.open(tmp_path / "b.jsonl.gz", "wt") as fh:
        for r in ROWS:
            fh.write(
                json.dumps(
                    {
                        "time": r["ts"].isoformat(),
                        "input_tokens": r["input"],
                        "output_tokens": r["output"],
                    }
                )
                + "\n"
            )
    assert profile_usage([tmp_path / "b.jsonl.gz"]).traffic["requests_per_month"] == 726


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


def test_empty_and_unreadable_inputs(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("")
    with pytest.raises(ScenarioError, match="no rows"):
        profile_usage([tmp_path / "empty.jsonl"])
    (tmp_path / "header.csv").write_text("timestamp,input_tokens,output_tokens\n")
    with pytest.raises(ScenarioError, match="no rows"):
        profile_usage([tmp_path / "header.csv"])
    (tmp_path / "junk.csv").write_text("timestamp,input_tokens,output_tokens\nx,y,z\n")
    with pytest.raises(ScenarioError, match="none of the 1 rows could be read"):
        profile_usage([tmp_path / "junk.csv"])
    (tmp_path / "broken.json").write_text("[{")
    with pytest.raises(ScenarioError, match="not valid JSON"):
        profile_usage([tmp_path / "broken.json"])
    with pytest.raises(ScenarioError, match="no file matches"):
        profile_usage([tmp_path / "nothing-*.csv"])
    (tmp_path / "logs.xlsx").write_text("x")
    with pytest.raises(ScenarioError, match="unknown file type"):
        profile_usage([tmp_path / "logs.xlsx"])


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
    assert july.traffic["requests_per_month"] == 660
    assert july.rows["filtered_out"] == TOTAL - 660
    small = profile_usage([path], model="small")
    expect_profile(
        small,
        [r for r in ROWS if r["model"] == "small"],
        last_month=sum(1 for r in ROWS if r["model"] == "small" and r["ts"].month == 8),
    )
    with pytest.raises(ScenarioError, match="no requests left after"):
        profile_usage([path], model="nope")
    with pytest.raises(ScenarioError, match="--since 2026-08-01 is after --until 2026-07-01"):
        profile_usage([path], since=dt.date(2026, 8, 1), until=dt.date(2026, 7, 1))


# ------------------------------------------------------------------ vendor formats


def test_openai_usage_api_pages_of_daily_buckets(tmp_path: Path) -> None:
    start = dt.datetime(2026, 6, 1, tzinfo=UTC)
    pages, day, totals = [], start, {"requests": 0, "input": 0, "output": 0, "cached": 0}
    page: list[dict[str, Any]] = []
    while day < dt.datetime(2026, 9, 1, tzinfo=UTC):
        n = 20 + day.day
        result = {
            "object": "organization.usage.completions.result",
            "input_tokens": n * 1000,
            "output_tokens": n * 200,
            "input_cached_tokens": n * 100,
            "num_model_requests": n,
            "model": "gpt-4o",
            "project_id": None,
        }
        bucket = {
            "object": "bucket",
            "start_time": int(day.timestamp()),
            "end_time": int((day + dt.timedelta(days=1)).timestamp()),
            "results": [result] if day.day != 15 else [],
        }
        if day.day != 15:
            for k, v in (
                ("requests", n),
                ("input", n * 1000),
                ("output", n * 200),
                ("cached", n * 100),
            ):
                totals[k] += v
        page.append(bucket)
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
    assert profile.traffic["requests_per_month"] == august
    assert profile.traffic["input_tokens"] == pytest.approx(1000)
    assert profile.traffic["cached_input_share"] == pytest.approx(0.1)
    assert profile.token_percentiles["input_tokens"] is None  # buckets: no per-request spread
    busiest_day = 20 + 31
    hours = (dt.datetime(2026, 9, 1, tzinfo=UTC) - start).total_seconds() / 3600
    assert profile.traffic["peak_to_average"] == pytest.approx(
        (busiest_day / 24) / (totals["requests"] / hours)
    )
    # the cookbook's shape, an array of buckets using the older "result" key, reads the same
    flat = [dict(b, result=b.pop("results")) for p in pages for b in p["data"]]
    (tmp_path / "buckets.json").write_text(json.dumps(flat))
    assert profile_usage([tmp_path / "buckets.json"]).traffic == profile.traffic


def litellm_row(r: dict[str, Any], **extra: Any) -> dict[str, Any]:
    usage = {
        "prompt_tokens": r["input"],
        "completion_tokens": r["output"],
        "prompt_tokens_details": {"cached_tokens": r["cached"]},
    }
    return {
        "request_id": "x",
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
    with (tmp_path / "spend.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "request_id",
                "call_type",
                "spend",
                "startTime",
                "model",
                "prompt_tokens",
                "completion_tokens",
                "metadata",
            ]
        )
        for r in ROWS:
            meta = {"usage_object": {"cache_read_input_tokens": r["cached"]}}
            w.writerow(
                [
                    "x",
                    "completion",
                    0.0,
                    r["ts"].strftime("%Y-%m-%d %H:%M:%S.%f"),
                    r["model"],
                    r["input"],
                    r["output"],
                    json.dumps(meta),
                ]
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
            "model": None,
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


def test_helicone_requests_jsonl(tmp_path: Path) -> None:
    lines = []
    for r in ROWS:
        lines.append(
            {
                "request_id": "r",
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


# ------------------------------------------------------------------ command line and scenarios


def write_csv(path: Path, rows: list[dict[str, Any]] = ROWS) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["timestamp", "input_tokens", "output_tokens", "cached_tokens"])
        for r in rows:
            w.writerow([r["ts"].isoformat(), r["input"], r["output"], r["cached"]])
    return path


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
    assert data["by_month"][-1]["requests"] == 726
    assert data["by_model"][0]["model"] == "(none)"
    code, out, _ = run("usage", logs)
    assert code == 0
    assert "requests_per_month   726" in out
    code, out, _ = run("usage", logs, "--sql")
    assert "date_trunc('month', ts)" in out


def test_round_trip_usage_into_a_scenario_then_analyze(tmp_path: Path) -> None:
    logs = write_csv(tmp_path / "logs.csv")
    scenario = tmp_path / "mine.toml"
    original = (EXAMPLES / "quarter-200k.toml").read_text()
    scenario.write_text(original)
    code, out, err = run("usage", logs, "-o", scenario)
    assert code == 0, err
    text = scenario.read_text()
    assert "requests_per_month = 726" in text
    assert "# mean prompt tokens per request" in text  # comments kept
    assert text.split("[baseline]")[1] == original.split("[baseline]")[1]  # the rest untouched
    traffic = load_scenario(scenario).traffic
    mean_in, _, share = means(ROWS)
    assert traffic.input_tokens == round(mean_in, 1)
    assert traffic.cached_input_share == round(share, 4)
    assert traffic.growth_monthly == 0.1
    code, out, _ = run("analyze", scenario, "--json")
    assert code == 0
    assert json.loads(out)["requests_per_month"][0] == 726


def test_usage_creates_a_new_scenario_and_handles_yaml(tmp_path: Path) -> None:
    logs = write_csv(tmp_path / "logs.csv")
    code, out, _ = run("usage", logs, "-o", tmp_path / "new.toml")
    assert code == 0
    assert "a new scenario from the starter" in out
    assert load_scenario(tmp_path / "new.toml").traffic.requests_per_month == 726
    yaml_path = tmp_path / "s.yaml"
    assert run("init", yaml_path)[0] == 0
    yaml_path.write_text("# my team's scenario\n" + yaml_path.read_text())
    assert run("usage", logs, "-o", yaml_path)[0] == 0
    assert yaml_path.read_text().startswith("# my team's scenario")
    assert load_scenario(yaml_path).traffic.requests_per_month == 726


def test_usage_never_breaks_a_file_it_cannot_read(tmp_path: Path) -> None:
    logs = write_csv(tmp_path / "logs.csv")
    broken = tmp_path / "broken.toml"
    broken.write_text("[traffic\nrequests_per_month = 5\n")
    assert_user_error(
        *run("usage", logs, "-o", broken), "broken.toml: not valid TOML, left as it is"
    )
    assert broken.read_text() == "[traffic\nrequests_per_month = 5\n"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--format", "splunk"), "--format 'splunk': unknown; allowed: auto, generic"),
        (("--since", "last week"), "--since 'last week': expected a date such as 2026-11-01"),
        (("--columns", "time"), "--columns 'time': expected name=column pairs"),
        (
            ("--columns", "ts=nope,input=input_tokens,output=output_tokens"),
            "--columns: 'nope' is not a column",
        ),
    ],
)
def test_usage_bad_options(tmp_path: Path, args: tuple[str, ...], fragment: str) -> None:
    logs = write_csv(tmp_path / "logs.csv")
    assert_user_error(*run("usage", logs, *args), fragment)


def test_usage_missing_file(tmp_path: Path) -> None:
    assert_user_error(*run("usage", tmp_path / "nope.csv"), "nope.csv: no such file")
    assert math.isfinite(1.0)
