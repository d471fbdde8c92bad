"""``payback usage`` against an independent oracle: logs generated here (seeded), written in
the formats payback reads, and the profile computed again in plain Python from the rules in
the docs (the package docstring, ``payback usage --help`` and
:data:`payback.measure.usage.sql.AFTER`), with none of the package's code.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import itertools
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import EXAMPLES, assert_user_error, run
from payback import PaybackError, profile_usage
from payback.measure.usage import profile_database
from payback.scenario.io import load_scenario

# request logs read through DuckDB: seconds in all
pytestmark = pytest.mark.slow

UTC = dt.UTC
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
MONTH_DAYS = 365.25 / 12


@dataclass
class Record:
    """One log row: a request (``requests`` 1, no ``seconds``) or a bucket of requests."""

    ts: dt.datetime
    input: float
    output: float
    cached: float = 0.0
    model: str | None = "m"
    requests: float = 1.0
    seconds: float | None = None
    rid: str | None = None
    ok: bool = True
    """An LLM call that succeeded (a failed or non-LLM row is counted, not used)."""
    src: int = 0
    """The source (group of files of one kind, layout and format) it is read from."""


@dataclass
class Expected:
    traffic: dict[str, float]
    percentiles: dict[str, dict[str, float] | None]
    by_month: list[dict[str, Any]]
    by_model: dict[str, dict[str, float]]
    complete: list[str]
    empty: list[str]
    hours: float
    rows: dict[str, int]
    notes: list[str] = field(default_factory=list)


def _month_start(t: dt.datetime) -> dt.datetime:
    return dt.datetime(t.year, t.month, 1, tzinfo=UTC)


def _next_month(t: dt.datetime) -> dt.datetime:
    return dt.datetime(t.year + t.month // 12, t.month % 12 + 1, 1, tzinfo=UTC)


def _index(t: dt.datetime) -> int:
    return 12 * t.year + t.month - 1


def _floor_hour(t: dt.datetime) -> dt.datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def expected(
    records: list[Record],
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    model: str | None = None,
) -> Expected:
    """The profile the docs define for these records."""
    # duplicates: every row after the first of a request id (a usable one first)
    seen: set[str] = set()
    dups = 0
    unique: list[Record] = []
    for r in sorted(records, key=lambda r: not r.ok):
        if r.rid is not None and r.rid in seen:
            dups += 1
            continue
        if r.rid is not None:
            seen.add(r.rid)
        unique.append(r)
    ok = [r for r in unique if r.ok]
    lo = dt.datetime(since.year, since.month, since.day, tzinfo=UTC) if since else None
    hi = dt.datetime(until.year, until.month, until.day, tzinfo=UTC) + DAY if until else None

    def in_dates(r: Record) -> bool:
        t = r.ts.astimezone(UTC)
        return (lo is None or t >= lo) and (hi is None or t < hi)

    # the logs' coverage is every model's rows inside the dates; the counts the model's
    dated = [r for r in ok if in_dates(r)]
    used = [r for r in dated if model is None or r.model == model]
    rows = {
        "read": len(records),
        "used": len(used),
        "not_llm_calls_or_failed": sum(1 for r in unique if not r.ok),
        "duplicates": dups,
        "filtered_out": len(ok) - len(used),
    }
    # what a row stands for, source by source: a day (every instant at 00:00 UTC, on 3 days
    # or more: the times are written with their time of day, and one or two at midnight is
    # chance), an hour (every one at :00), else an instant; the longest thing any row
    # stands for
    grain: dict[int, float] = {}
    bucket = 0.0
    for src in {r.src for r in dated}:
        instants = [r.ts.astimezone(UTC) for r in dated if r.src == src and r.seconds is None]
        day = all(t == t.replace(hour=0, minute=0, second=0, microsecond=0) for t in instants)
        day = day and len({t.date() for t in instants}) >= 3
        hour = all(t == _floor_hour(t) for t in instants)
        grain[src] = 86400.0 if day else 3600.0 if hour else 0.0
        seconds = [r.seconds for r in dated if r.src == src and r.seconds is not None]
        bucket = max(bucket, grain[src], *seconds)
    slack = max(3600.0, bucket)

    months: dict[int, dict[str, Any]] = {}
    hourly: Counter[dt.datetime] = Counter()
    for r in dated:
        t = r.ts.astimezone(UTC)
        m = months.setdefault(
            _index(t),
            {
                "start": _month_start(t),
                "requests": 0.0,
                "input": 0.0,
                "output": 0.0,
                "cached": 0.0,
                "first": t,
                "end": t,
                "logs": 0.0,
            },
        )
        m["logs"] += r.requests
        m["first"] = min(m["first"], t)
        if r.seconds is not None:
            end = t + dt.timedelta(seconds=r.seconds)
        else:
            g = grain[r.src]
            end = t + (dt.timedelta(seconds=g) if g else dt.timedelta(microseconds=1))
        m["end"] = max(m["end"], end)
        if model is None or r.model == model:
            m["requests"] += r.requests
            m["input"] += r.input
            m["output"] += r.output
            m["cached"] += r.cached
            hourly[_floor_hour(t)] += r.requests
    present = set(months)
    # where the filters cut logs that go on past them
    first_ok = min((r.ts.astimezone(UTC) for r in ok), default=None)
    last_ok = max((r.ts.astimezone(UTC) for r in ok), default=None)
    cut_lo = lo if lo and first_ok and first_ok < lo else None
    cut_hi = hi if hi and last_ok and last_ok >= hi else None
    # each month's longest gap between rows in two clock hours inside it (a bucket's row
    # ends where its bucket does)
    hours: dict[dt.datetime, list[dt.datetime]] = {}
    for r in dated:
        t = r.ts.astimezone(UTC)
        end = t + dt.timedelta(seconds=r.seconds) if r.seconds is not None else t
        span_h = hours.setdefault(_floor_hour(t), [t, end])
        span_h[0], span_h[1] = min(span_h[0], t), max(span_h[1], end)
    inside: dict[int, float] = {}
    ordered = sorted(hours)
    for a, b in itertools.pairwise(ordered):
        if _index(a) == _index(b):
            gap_s = (hours[b][0] - hours[a][1]).total_seconds()
            inside[_index(b)] = max(inside.get(_index(b), 0.0), gap_s)
    allowed: dict[int, float] = {}
    for i, m in months.items():
        following = _next_month(m["start"])
        m["days"] = (following - m["start"]).days
        # an edge is covered within 5 mean gaps of the month's requests (over the time it
        # covers: from its start or first request to its end or where its data end, the
        # months next to it covering their boundary), or the slack where that is longer
        span = (following if i + 1 in present else m["end"]) - (
            m["start"] if i - 1 in present else m["first"]
        )
        gap = span.total_seconds() / m["logs"] if m["logs"] > 0 else 0.0
        allowed[i] = max(slack, 5.0 * gap)

    def across(a: int, b: int) -> bool:  # the logs run across the boundary of months a, b
        if a not in present or b not in present:
            return False
        gap_s = (months[b]["first"] - months[a]["end"]).total_seconds()
        return gap_s <= max(allowed[a], allowed[b], inside.get(a, 0.0), inside.get(b, 0.0))

    for i, m in months.items():
        following = _next_month(m["start"])
        before = across(i - 1, i) or cut_lo == m["start"]
        after = across(i, i + 1) or cut_hi == following
        starts = before or (m["first"] - m["start"]).total_seconds() <= allowed[i]
        ends = after or (following - m["end"]).total_seconds() <= allowed[i]
        m["complete"] = starts and ends
        m["busiest"] = max((v for h, v in hourly.items() if _index(h) == i), default=0.0)
    order = sorted(months)
    # a month of rows of zero requests only (empty buckets) is covered time, not a figure
    # (a month of the logs without a request of the model asked is a zero for it)
    full = [months[i] for i in order if months[i]["complete"] and months[i]["logs"] > 0]
    empty = sorted(set(range(order[0], order[-1] + 1)) - present)
    notes: list[str] = []
    if full:
        rate = full[-1]["requests"] / full[-1]["days"] * MONTH_DAYS
        hours = sum(m["days"] * 24.0 for m in full)
        window = full
    else:
        hours = 0.0
        for i in order:
            m = months[i]
            following = _next_month(m["start"])
            a = m["start"] if i - 1 in present else _floor_hour(m["first"])
            if i - 1 not in present and cut_lo and m["start"] <= cut_lo <= m["first"]:
                a = cut_lo  # the logs go on before the since date: its day is covered
            e = m["end"]
            b = (
                following
                if i + 1 in present
                else (_floor_hour(e) + HOUR if e != _floor_hour(e) else e)
            )
            if i + 1 not in present and cut_hi and e <= cut_hi <= following:
                b = cut_hi
            hours += (b - a).total_seconds() / 3600
        rate = sum(m["requests"] for m in months.values()) / hours * MONTH_DAYS * 24
        window = [months[i] for i in order]
    requests = sum(r.requests for r in used)
    inp = sum(r.input for r in used)
    traffic = {"requests_per_month": rate}
    # fewer complete months, or one without a request of the model, measure no growth
    if len(full) >= 2 and all(m["requests"] > 0 for m in full):
        xs = np.array([_index(m["start"]) for m in full], dtype=float)
        ys = np.log([m["requests"] / m["days"] for m in full])
        traffic["growth_monthly"] = math.exp(np.polyfit(xs, ys, 1)[0]) - 1
    traffic |= {
        "input_tokens": inp / requests,
        "output_tokens": sum(r.output for r in used) / requests,
        "cached_input_share": sum(r.cached for r in used) / inp if inp else 0.0,
    }
    if bucket <= 3600:
        if full:  # the last complete month's busiest hour over its own mean hour
            last = full[-1]
            ratio = (
                last["busiest"] / (last["requests"] / (last["days"] * 24))
                if last["requests"]
                else math.nan  # none of the model's requests: not measured
            )
        else:
            busiest = max(m["busiest"] for m in window)
            ratio = busiest / (sum(m["requests"] for m in window) / hours)
        if not math.isnan(ratio):
            traffic["peak_to_average"] = min(730.0, max(1.0, ratio))
    counted = [r for r in used if r.requests > 0]  # not the empty buckets
    per_request = all(r.requests == 1 and r.seconds is None for r in counted)
    percentiles: dict[str, dict[str, float] | None] = {"input_tokens": None, "output_tokens": None}
    if per_request:
        for name in ("input", "output"):
            values = np.percentile([getattr(r, name) for r in counted], [50, 90, 99])
            percentiles[f"{name}_tokens"] = dict(
                zip(("p50", "p90", "p99"), map(float, values), strict=True)
            )
    by_month = [
        {
            "month": months[i]["start"].strftime("%Y-%m"),
            "requests": months[i]["requests"],
            "requests_per_day": months[i]["requests"] / months[i]["days"]
            if months[i]["complete"]
            else None,
            "input_tokens": months[i]["input"] / months[i]["requests"]
            if months[i]["requests"]
            else 0.0,
            "output_tokens": months[i]["output"] / months[i]["requests"]
            if months[i]["requests"]
            else 0.0,
            "cached_input_share": months[i]["cached"] / months[i]["input"]
            if months[i]["input"]
            else 0.0,
            "complete": months[i]["complete"],
        }
        for i in order
    ]
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for r in used:
        s = sums[r.model if r.model else "(none)"]
        s[0] += r.requests
        s[1] += r.input
        s[2] += r.output
        s[3] += r.cached
    by_model = {
        name: {
            "requests": s[0],
            "share": s[0] / requests,
            "input_tokens": s[1] / s[0],
            "output_tokens": s[2] / s[0],
            "cached_input_share": s[3] / s[1] if s[1] else 0.0,
        }
        for name, s in sums.items()
        if s[0] > 0  # a model of empty buckets only has no requests
    }
    return Expected(
        traffic,
        percentiles,
        by_month,
        by_model,
        # complete months with requests: one covered only by empty buckets is left out
        # (usage's note "covered by the logs without a request"), as usage lists them
        [m["start"].strftime("%Y-%m") for m in full],
        [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in empty],
        hours,
        rows,
        notes,
    )


def compare(profile: Any, want: Expected, *, rel: float = 1e-9) -> None:
    """Every figure of ``profile`` against the oracle's (counts exact, the rest to ``rel``)."""
    got = profile.traffic
    assert set(got) == set(want.traffic), (got, want.traffic)
    for key, value in want.traffic.items():
        assert got[key] == pytest.approx(value, rel=rel, abs=1e-12), key
    assert profile.span["complete_months"] == want.complete
    assert profile.span["empty_months"] == want.empty
    assert profile.span["hours"] == pytest.approx(want.hours, rel=1e-12)
    for name, pct in want.percentiles.items():
        have = profile.token_percentiles[name]
        if pct is None:
            assert have is None, name
        else:
            assert have == pytest.approx(pct, rel=rel), name
    assert len(profile.by_month) == len(want.by_month)
    for a, b in zip(profile.by_month, want.by_month, strict=True):
        assert a["month"] == b["month"]
        assert a["complete"] == b["complete"], a["month"]
        for key in ("requests", "input_tokens", "output_tokens", "cached_input_share"):
            assert a[key] == pytest.approx(b[key], rel=rel, abs=1e-12), (a["month"], key)
        if b["requests_per_day"] is None:
            assert a["requests_per_day"] is None
        else:
            assert a["requests_per_day"] == pytest.approx(b["requests_per_day"], rel=rel)
    models = {m["model"]: m for m in profile.by_model}
    assert set(models) == set(want.by_model)
    for name, w in want.by_model.items():
        for key, value in w.items():
            assert models[name][key] == pytest.approx(value, rel=rel, abs=1e-12), (name, key)
    for key, value in want.rows.items():
        assert profile.rows[key] == value, key


# -- logs ---------------------------------------------------------------------------------


def generate(
    seed: int, start: dt.datetime, end: dt.datetime, n: int, models: tuple[str, ...] = ("a", "b")
) -> list[Record]:
    """``n`` requests at random times in [start, end), whole seconds, lognormal tokens."""
    rng = random.Random(seed)
    seconds = (end - start).total_seconds()
    records = []
    for i in range(n):
        t = (start + dt.timedelta(seconds=rng.uniform(0, seconds))).replace(microsecond=0)
        tokens_in = int(rng.lognormvariate(7, 1.2))
        tokens_out = int(rng.lognormvariate(5, 1))
        cached = rng.choice([0, tokens_in // 2])
        records.append(
            Record(t, tokens_in, tokens_out, cached, rng.choice(models), rid=f"{seed}-{i}")
        )
    return records


def write_csv(path: Path, records: list[Record], tz: dt.tzinfo | None = UTC) -> Path:
    """A generic CSV; times in ``tz`` with their offset, or naive UTC text (``tz`` None)."""
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "request_id",
                "created_at",
                "model",
                "prompt_tokens",
                "completion_tokens",
                "cached_tokens",
                "requests",
            ]
        )
        for r in records:
            t = r.ts.astimezone(tz).isoformat() if tz else r.ts.strftime("%Y-%m-%d %H:%M:%S")
            w.writerow([r.rid or "", t, r.model or "", r.input, r.output, r.cached, r.requests])
    return path


@pytest.fixture
def local_time_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process in a time zone far from UTC (India, +05:30), as on a laptop there."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield "Asia/Kolkata"
    monkeypatch.undo()
    time.tzset()


RECORDS = generate(
    1, dt.datetime(2026, 1, 14, 7, tzinfo=UTC), dt.datetime(2026, 5, 17, tzinfo=UTC), 4000
)


def test_the_oracle_agrees_on_a_plain_csv(tmp_path: Path) -> None:
    profile = profile_usage([write_csv(tmp_path / "logs.csv", RECORDS)])
    want = expected(RECORDS)
    assert want.complete == ["2026-02", "2026-03", "2026-04"]
    compare(profile, want)


def test_an_idle_tail_of_empty_rows_completes_the_last_month(tmp_path: Path) -> None:
    # RECORDS end on May 17; rows of zero requests every hour to May 31 23:00 (an export
    # that lists its empty buckets) cover the rest of May: May is complete, and the rate
    # comes from it, without a request or token added
    idle = [
        Record(t, 0.0, 0.0, requests=0.0, model=None, rid=f"idle-{k}")
        for k, t in enumerate(
            _floor_hour(max(r.ts for r in RECORDS)) + HOUR * (k + 1) for k in range(10**4)
        )
        if t < dt.datetime(2026, 6, 1, tzinfo=UTC)
    ]
    records = RECORDS + idle
    profile = profile_usage([write_csv(tmp_path / "logs.csv", records)])
    want = expected(records)
    assert want.complete == ["2026-02", "2026-03", "2026-04", "2026-05"]
    may = sum(1 for r in RECORDS if r.ts.month == 5)
    assert want.traffic["requests_per_month"] == pytest.approx(may / 31 * MONTH_DAYS)
    assert want.traffic["input_tokens"] == expected(RECORDS).traffic["input_tokens"]
    compare(profile, want)
    assert profile.models == 2  # the idle rows' "(none)" has no requests: no model


def test_a_duckdb_file_reads_naive_text_times_as_utc(tmp_path: Path, local_time_zone: str) -> None:
    # a DuckDB table whose times are text without an offset, read on a machine whose clock
    # is not UTC: naive means UTC, as for files (they were read in the machine's zone)
    import duckdb

    path = tmp_path / "logs.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE logs (ts VARCHAR, naive TIMESTAMP, model VARCHAR, tokens_in BIGINT, "
        "tokens_out BIGINT, cached BIGINT)"
    )
    con.executemany(
        "INSERT INTO logs VALUES (?, ?, ?, ?, ?, ?)",
        [
            [
                r.ts.strftime("%Y-%m-%d %H:%M:%S"),
                r.ts.replace(tzinfo=None),
                r.model,
                r.input,
                r.output,
                r.cached,
            ]
            for r in RECORDS
        ],
    )
    con.close()
    want = expected(RECORDS)
    files = profile_usage([write_csv(tmp_path / "logs.csv", RECORDS, None)])
    compare(files, want)
    for column in ("ts", "naive"):
        profile = profile_database(
            str(path),
            table="logs",
            columns=f"ts={column},input=tokens_in,output=tokens_out,cached=cached,model=model",
        )
        assert profile.span["first"] == min(r.ts for r in RECORDS).isoformat()
        compare_database(profile, want)


def compare_database(profile: Any, want: Expected) -> None:
    """As :func:`compare`; percentiles from a table come from token buckets (within 0.5 %)."""
    for name, pct in want.percentiles.items():
        assert pct is not None
        assert profile.token_percentiles[name] == pytest.approx(pct, rel=0.005), name
    exact = Expected(**{**want.__dict__, "percentiles": dict.fromkeys(want.percentiles)})
    profile = type(profile)(
        **{**profile.__dict__, "token_percentiles": dict.fromkeys(want.percentiles)}
    )
    exact.rows = {k: v for k, v in want.rows.items() if k != "duplicates"}
    compare(profile, exact)


def quiet_nights(start: dt.datetime, end: dt.datetime) -> list[Record]:
    """Ten requests an hour, but none from midnight to 06:00 UTC."""
    records, t = [], start
    while t < end:
        if t.hour >= 6:
            records += [Record(t + dt.timedelta(minutes=6 * k + 1), 100, 10) for k in range(10)]
        t += HOUR
    return records


def test_a_day_asked_for_counts_its_quiet_hours(tmp_path: Path) -> None:
    # the logs run before and after the day asked for, so they cover all of it: its 180
    # requests are 180 a day (they were taken over 18 hours, from the first request's hour:
    # 240 a day)
    records = quiet_nights(
        dt.datetime(2026, 6, 1, tzinfo=UTC), dt.datetime(2026, 6, 20, tzinfo=UTC)
    )
    path = write_csv(tmp_path / "logs.csv", records)
    day = dt.date(2026, 6, 10)
    profile = profile_usage([path], since=day, until=day)
    assert profile.rows["used"] == 180
    assert profile.span["hours"] == 24
    assert profile.traffic["requests_per_month"] == pytest.approx(180 * MONTH_DAYS, rel=1e-12)
    compare(profile, expected(records, since=day, until=day))
    # a week: the first night (before the first request) and the last evening are covered
    week = profile_usage([path], since=dt.date(2026, 6, 8), until=dt.date(2026, 6, 14))
    assert week.span["hours"] == 7 * 24
    assert week.traffic["requests_per_month"] == pytest.approx(180 * MONTH_DAYS, rel=1e-12)
    # without a filter the logs' own edges stand: from the first request's hour (06:00 on
    # the 1st) to the last one's (the 19th, 23:00-24:00)
    whole = profile_usage([path])
    assert whole.span["hours"] == 18 * 24 + 18
    compare(whole, expected(records))


# -- random logs, edges included -----------------------------------------------------------


EPOCH = dt.datetime(2027, 11, 1, tzinfo=UTC)  # then December, a leap February (2028), March


@st.composite
def logs(draw: Any) -> tuple[list[Record], dict[str, Any], dt.tzinfo | None]:
    """Requests in bursts at month edges, midnights and whole hours or anywhere, in up to
    six months from November 2027 (a leap February inside), from one or two models; a
    time zone to write them in; and date and model filters."""
    minute = dt.timedelta(minutes=1)
    anchors = st.sampled_from(
        [
            *(_next_month(EPOCH + dt.timedelta(days=31 * k)) for k in range(-1, 5)),
            EPOCH + dt.timedelta(days=45, hours=13),
            dt.datetime(2028, 2, 29, tzinfo=UTC),
        ]
    )
    bursts = draw(
        st.lists(
            st.tuples(anchors, st.integers(-3000, 3000), st.integers(1, 40)), min_size=1, max_size=6
        )
    )
    spread = draw(st.sampled_from([0, 1, 60, 24 * 60]))  # minutes between requests (0: random)
    rng = random.Random(draw(st.integers(0, 2**16)))
    records: list[Record] = []
    for anchor, offset, n in bursts:
        at = anchor + offset * HOUR / 10
        at = at.replace(second=0, microsecond=0)
        if spread >= 60:  # whole hours, or midnights
            at = _floor_hour(at) if spread == 60 else at.replace(hour=0, minute=0)
        for k in range(n):
            t = (
                at + k * spread * minute
                if spread
                else at + dt.timedelta(seconds=rng.randint(0, 86400 * 20))
            )
            records.append(
                Record(
                    t,
                    float(rng.choice([0, 1, 999, 1000, 1009, 12345, rng.randint(0, 5000)])),
                    float(rng.randint(0, 900)),
                    0.0,
                    rng.choice(["a", "b"]),
                )
            )
    buckets = draw(st.booleans())  # rows that count several requests each
    for i, r in enumerate(records):
        r.cached = float(min(r.input, rng.randint(0, 500)))
        r.rid = f"r{i}"
        if buckets:
            r.requests = float(rng.randint(1, 9))
            r.input, r.output, r.cached = (x * r.requests for x in (r.input, r.output, r.cached))
    if draw(st.booleans()):  # some rows of zero requests (empty buckets): covered time
        for r in records:
            if rng.random() < 0.2:
                r.requests, r.input, r.output, r.cached = 0.0, 0.0, 0.0, 0.0
    # the same requests logged twice (overlapping exports)
    records += [dataclasses.replace(r) for r in records[: draw(st.integers(0, 5))]]
    days = draw(st.lists(st.dates(dt.date(2027, 10, 20), dt.date(2028, 5, 10)), max_size=2))
    days.sort()
    filters: dict[str, Any] = {}
    if days and draw(st.booleans()):
        filters["since"] = days[0]
    if days and draw(st.booleans()):
        filters["until"] = days[-1]
    if draw(st.booleans()):
        filters["model"] = "a"
    tz = draw(
        st.sampled_from(
            [
                UTC,
                None,
                dt.timezone(dt.timedelta(hours=5, minutes=30)),
                dt.timezone(dt.timedelta(hours=-8)),
            ]
        )
    )
    return records, filters, tz


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(logs())
def test_random_logs_agree_with_the_oracle(
    tmp_path: Path, case: tuple[list[Record], dict[str, Any], dt.tzinfo | None]
) -> None:
    records, filters, tz = case
    path = write_csv(tmp_path / "logs.csv", records, tz)
    if not _any_used(records, filters):
        return  # nothing left after the filters: one clear error, tested elsewhere
    try:
        want = expected(records, **filters)
    except ZeroDivisionError:  # rows left, all of zero requests: no figure, one clear error
        with pytest.raises(PaybackError, match="all empty buckets"):
            profile_usage([path], **filters)
        return
    if not want.rows["used"]:
        return
    compare(profile_usage([path], **filters), want)


def _any_used(records: list[Record], filters: dict[str, Any]) -> bool:
    since, until, model = filters.get("since"), filters.get("until"), filters.get("model")
    return any(
        (since is None or r.ts.date() >= since)
        and (until is None or r.ts.date() <= until)
        and (model is None or r.model == model)
        for r in records
    )


def steady_ramp(per_day: list[int]) -> list[Record]:
    """Requests evenly spaced through each month from January 2026, ``per_day`` a day."""
    records: list[Record] = []
    for month, n in enumerate(per_day, start=1):
        t, end = (
            dt.datetime(2026, month, 1, tzinfo=UTC),
            dt.datetime(2026, month + 1, 1, tzinfo=UTC),
        )
        while t < end:
            records.append(Record(t + dt.timedelta(seconds=7), 100, 10))
            t += DAY / n
    return records


def test_growth_does_not_inflate_the_peak(tmp_path: Path) -> None:
    # 48, 96 and 192 requests a day, two, four and eight every hour: each month's busiest
    # hour is its mean hour, so the traffic has no peak (peak_to_average 1); over the three
    # months' mean hour (4.67 requests) March's 8 read as a peak of 1.71, and the fleet a
    # scenario sizes from March's mean would have been 71 % too big
    records = steady_ramp([48, 96, 192])
    profile = profile_usage([write_csv(tmp_path / "logs.csv", records)])
    assert profile.span["complete_months"] == ["2026-01", "2026-02", "2026-03"]
    assert profile.traffic["growth_monthly"] == pytest.approx(1.0, rel=1e-12)
    assert profile.traffic["peak_to_average"] == pytest.approx(1.0, rel=1e-12)
    compare(profile, expected(records))
    # a spike: 100 more requests in one hour of March, the month requests_per_month is
    # taken from: its busiest hour over its own mean hour
    spike = [Record(dt.datetime(2026, 3, 11, 15, 30, tzinfo=UTC), 100, 10) for _ in range(100)]
    profile = profile_usage([write_csv(tmp_path / "spike.csv", records + spike)])
    march = (192 * 31 + 100) / (31 * 24)
    assert profile.traffic["peak_to_average"] == pytest.approx((8 + 100) / march, rel=1e-12)
    compare(profile, expected(records + spike))
    # the same spike in February: a month the traffic is no longer taken from; March's
    # hours are its mean hour (peak 1), and February's ratio is named in a note
    spike = [Record(dt.datetime(2026, 2, 11, 15, 30, tzinfo=UTC), 100, 10) for _ in range(100)]
    profile = profile_usage([write_csv(tmp_path / "old-spike.csv", records + spike)])
    february = (96 * 28 + 100) / (28 * 24)
    assert profile.traffic["peak_to_average"] == pytest.approx(1.0, rel=1e-12)
    assert (
        "peak_to_average is 2026-03's, the month requests_per_month is taken from: its busiest "
        f"hour is 1.00 mean hours; 2026-02's was {104 / february:.2f}, at 99.6 requests a day "
        "against 192.0" in " ".join(profile.notes)
    )
    compare(profile, expected(records + spike))


def test_peak_is_the_month_the_requests_are_taken_from(tmp_path: Path) -> None:
    """January at 10 requests a day, February at 20, one request in each clock hour that
    has one, then half of March: requests_per_month is February's (20 × 30.4375 = 608.75)
    and its busiest hour (1 request) over its mean hour (20 / 24) is 1.2; January's 1 over
    10 / 24 is 2.4, and peak_to_average was that: the fleet sized for 608.75 a month at 2.4
    was twice February's busiest hour. A full March at 40 a day (16 hours of 2 requests, 8
    of 1) made it 2 / (40 / 24) = 1.2 again: the figure fell as the logs grew."""

    def days(month: int, count: int, per_day: int) -> list[Record]:
        out = []
        for d in range(count):
            day = dt.datetime(2026, month, 1 + d, tzinfo=UTC)
            hours = [h % 24 for h in range(per_day)]  # 40 a day: hours 0-15 twice
            out += [Record(day + dt.timedelta(hours=h, minutes=30), 500, 50) for h in hours]
        return out

    half = days(1, 31, 10) + days(2, 28, 20) + days(3, 15, 40)
    profile = profile_usage([write_csv(tmp_path / "half.csv", half)])
    assert profile.span["complete_months"] == ["2026-01", "2026-02"]
    assert profile.traffic["requests_per_month"] == pytest.approx(20 * 30.4375, rel=1e-12)
    assert profile.traffic["peak_to_average"] == pytest.approx(1 / (20 / 24), rel=1e-12)
    assert any(
        "2026-01's was 2.40, at 10.0 requests a day against 20.0" in n for n in profile.notes
    )
    full = days(1, 31, 10) + days(2, 28, 20) + days(3, 31, 40)
    profile = profile_usage([write_csv(tmp_path / "full.csv", full)])
    assert profile.traffic["requests_per_month"] == pytest.approx(40 * 30.4375, rel=1e-12)
    assert profile.traffic["peak_to_average"] == pytest.approx(2 / (40 / 24), rel=1e-12)
    compare(profile, expected(full))


def test_o_writes_a_new_scenario_true_of_the_measured_traffic(tmp_path: Path) -> None:
    """10, 20 and 40 requests a day, 1,000/200 tokens: the new scenario kept the starter's
    title ("200k requests/month: ..."), its capacity "at 2,000/400 tokens", and wrote the
    growth fitted from three months (+100 %) for 24 months: 10.2 billion requests in month
    24 and an NPV of $85M."""
    records = [
        Record(r.ts, 1000, 200) for r in steady_ramp([10, 20, 40])
    ]  # hand-checked: 40 × 30.4375 = 1,217.5 a month
    logs = write_csv(tmp_path / "logs.csv", records)
    target = tmp_path / "new.toml"
    code, out, err = run("usage", logs, "-o", target)
    assert code == 0, err
    assert (
        f"warning: {target}: growth_monthly +100.00% a month is fitted from only 3 complete "
        "months (2026-01 to 2026-03): compounded over the scenario's 24 months it gives 10.2 "
        "billion requests in month 24 (from 1,218 a month now); it is not written, the "
        "scenario keeps its own (growth_monthly = 0)" in err
    )
    text = target.read_text()
    scenario = load_scenario(target)
    assert scenario.scenario.name == (
        "1,218 requests/month from logs.csv (held flat: its 3 months grew +100.00%/month): "
        "hosted big model vs fine-tuned 7B on one rented L4"
    )
    assert scenario.traffic.requests_per_month == 1218
    assert scenario.traffic.growth_monthly == 0.0
    assert "# 3 months (2026-01 to 2026-03) grew +100.00%/month: too few to extrapolate" in text
    assert "200k" not in text
    assert "2,000/400 tokens;" not in text
    alternative = scenario.alternatives[0]
    assert (alternative.model, alternative.gpu, alternative.replica_requests_per_s) == (
        "qwen2.5-7b",
        "l4",
        None,
    )
    assert "capacity estimated at the measured 1,000/200 tokens" in text
    code, out, err = run("analyze", target)
    assert code == 0, err
    said = " ".join(out.split())
    assert said.startswith("1,218 requests/month from logs.csv (held flat")
    assert "24 months; 1,218 requests in month 1; discount" in said
    assert "estimate: qwen2.5-7b bf16 on 1 × l4 (vllm; KV cache BF16" in said
    # an existing scenario keeps its own growth, told so; its other numbers are replaced
    mine = tmp_path / "mine.toml"
    mine.write_text(
        (EXAMPLES / "growth.toml")
        .read_text()
        .replace("growth_monthly = 0.08", "growth_monthly = 0.03")
    )
    code, out, err = run("usage", logs, "-o", mine)
    assert code == 0, err
    assert "scenario keeps its own (growth_monthly = 0.03)" in err
    assert load_scenario(mine).traffic.growth_monthly == 0.03
    assert load_scenario(mine).traffic.requests_per_month == 1218


def test_o_writes_a_growth_fitted_from_six_months(tmp_path: Path) -> None:
    """Six complete months of +10 % a month are written; 1.1^23 = 8.95 times today's
    traffic in month 24 is under ten times: no warning. June: 161 × 30.4375 = 4,900 a month."""
    per_day = [100, 110, 121, 133, 146, 161]
    logs = write_csv(tmp_path / "logs.csv", steady_ramp(per_day))
    target = tmp_path / "new.toml"
    code, _, err = run("usage", logs, "-o", target)
    assert code == 0, err
    assert "growth_monthly" not in err
    scenario = load_scenario(target)
    assert scenario.traffic.growth_monthly == pytest.approx(0.1, abs=2e-3)
    assert scenario.scenario.name.startswith("4,900 requests/month from logs.csv: hosted")


@pytest.mark.parametrize("name", ["new.toml", "new.yaml"])
def test_o_never_writes_a_scenario_that_is_not_valid(tmp_path: Path, name: str) -> None:
    # 1, 3, 9, 27, 81 and 243 requests a day: six months of growth of 200 % a month (six
    # complete months: written), over the 100 % a scenario allows; a new scenario with it
    # was written (and said so) that analyze then refused
    records = steady_ramp([1, 3, 9, 27, 81, 243])
    logs = write_csv(tmp_path / "logs.csv", records)
    assert profile_usage([logs]).traffic["growth_monthly"] == pytest.approx(2.0, rel=1e-12)
    target = tmp_path / name
    code, out, err = run("usage", logs, "-o", target)
    assert code == 2, err
    assert "requests_per_month" in out  # the profile, shown all the same
    assert_user_error(
        code, "", err.splitlines()[-1], "growth_monthly = 2.0", "must be ≤ 1", "not written"
    )
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["logs.csv"]  # no temporary file left
    # an existing scenario is left as it is, byte for byte
    seed = (EXAMPLES / "seed.toml").read_bytes()
    target = tmp_path / "seed.toml"
    target.write_bytes(seed)
    code, out, err = run("usage", logs, "-o", target)
    assert code == 2, err
    assert "requests_per_month" in out
    assert_user_error(code, "", err.splitlines()[-1], "growth_monthly = 2.0", "left as it is")
    assert target.read_bytes() == seed
