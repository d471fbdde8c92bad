"""Which months the logs cover is the logs' own, never a model's (``--model``), on files
and on every database engine alike; and a month's start (or end) is covered when its first
request comes within 5 mean gaps of its own traffic of it, so a quiet service's first month
counts. Figures worked by hand in each test."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest

from helpers import run
from payback import profile_usage
from payback.measure.usage import profile_database

UTC = dt.UTC
MONTH = 365.25 / 12
KEPT = "a scenario written from these logs keeps its own"


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def twice_a_day(first: dt.date, last: dt.date, model: str = "m-a") -> list[tuple[Any, ...]]:
    """Requests at 01:30 and 13:30 each day from ``first`` to ``last``: 2,000/400 tokens."""
    rows = []
    day = first
    while day <= last:
        for hour in (1, 13):
            rows.append((at(day.year, day.month, day.day, hour, 30), model, 2000, 400))
        day += dt.timedelta(days=1)
    return rows


def write(path: Path, rows: list[tuple[Any, ...]]) -> Path:
    lines = ["timestamp,model,input_tokens,output_tokens"]
    lines += [f"{t.isoformat()},{m},{i},{o}" for t, m, i, o in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def duckdb_table(path: Path, rows: list[tuple[Any, ...]]) -> str:
    import duckdb

    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE requests (created_at TIMESTAMPTZ, model VARCHAR, prompt_tokens BIGINT, "
        "completion_tokens BIGINT)"
    )
    con.executemany("INSERT INTO requests VALUES (?, ?, ?, ?)", rows)
    con.close()
    return str(path)


# January 1 to April 10, twice a day, and a model's six requests on one March afternoon
SIX = [(at(2026, 3, 15, 13, 5 * k), "m-b", 2000, 400) for k in range(6)]
FOUR_MONTHS = twice_a_day(dt.date(2026, 1, 1), dt.date(2026, 4, 10)) + SIX


def expect_six(got: Any) -> None:
    """By hand: the logs cover January (first request 1.5 hours in, where 5 mean gaps of
    its 62 requests over 742.5 hours are 59.9 hours), February and March whole; April ends
    on the 10th. m-b's six requests fall in March: 6 / 31 × 30.4375 = 5.89 a month, over
    March's 744 hours; January and February are zeros for it, so no growth is fitted."""
    assert [(m["month"], m["requests"], m["complete"]) for m in got.by_month] == [
        ("2026-01", 0.0, True),
        ("2026-02", 0.0, True),
        ("2026-03", 6.0, True),
        ("2026-04", 0.0, False),
    ]
    assert got.traffic["requests_per_month"] == pytest.approx(6 / 31 * 30.4375)
    assert got.span["complete_months"] == ["2026-01", "2026-02", "2026-03"]
    assert got.span["hours"] == (31 + 28 + 31) * 24
    # the logs' span, not the model's afternoon
    assert (got.span["first"], got.span["last"]) == (
        "2026-01-01T01:30:00+00:00",
        "2026-04-10T13:30:00+00:00",
    )
    assert "growth_monthly" not in got.traffic
    assert got.warnings == []  # the logs cover three months and more: no "only 1 hour"
    assert (
        "growth_monthly is not measured: m-b has no request in 2 of the logs' 3 complete "
        "months (2026-01, 2026-02): a log-linear fit cannot take a month of none, and leaving "
        f"them out would fit only the months it had requests in ({KEPT})"
    ) in got.notes
    # its busiest hour holds all six: 744 mean hours of March, capped
    assert got.traffic["peak_to_average"] == 730.0


def test_a_models_months_are_the_logs_months_in_a_file(tmp_path: Path) -> None:
    expect_six(profile_usage([write(tmp_path / "a.csv", FOUR_MONTHS)], model="m-b"))


def test_a_models_months_are_the_logs_months_in_a_duckdb_file(tmp_path: Path) -> None:
    db = duckdb_table(tmp_path / "a.duckdb", FOUR_MONTHS)
    expect_six(profile_database(db, table="requests", model="m-b"))


def test_usage_model_says_the_rate_of_its_month_not_of_its_hour(tmp_path: Path) -> None:
    """Tried as a new user would: the rate was m-b's six requests over the one hour they
    span × 730.5 = 4,383 a month, with a warning that the logs cover one hour."""
    code, out, err = run("usage", write(tmp_path / "a.csv", FOUR_MONTHS), "--model", "m-b")
    assert code == 0, err
    assert "requests_per_month   5.89  (requests per day in 2026-03 × 30.4375)" in out
    assert "not measured  (a complete month without a request of" in out
    assert "cover only" not in err


# hourly chat from January 1 to April 30, and 50 batch requests every Monday at 09:00
CHAT = [(at(2026, 1, 1) + dt.timedelta(hours=h), "chat", 500, 100) for h in range(120 * 24)]
MONDAYS = [dt.date(2026, 1, 5) + dt.timedelta(weeks=w) for w in range(17)]
BATCH = [(at(d.year, d.month, d.day, 9), "batch", 4000, 500) for d in MONDAYS for _ in range(50)]


def expect_batch(got: Any) -> None:
    """By hand: 4, 4, 5 and 4 Mondays (200, 200, 250, 200 requests); the logs cover all
    four months, so April's 200 / 30 × 30.4375 = 202.9 is the rate (it was March's 245,
    with January and April called partial from the batch's own first and last Monday), and
    the fit over four months, slope (-1.5 ln(200/31) - 0.5 ln(200/28) + 0.5 ln(250/31) +
    1.5 ln(200/30)) / 5 = 0.02197, is +2.22 % a month (it was +12.90 % over two)."""
    assert [(m["month"], m["requests"], m["complete"]) for m in got.by_month] == [
        ("2026-01", 200.0, True),
        ("2026-02", 200.0, True),
        ("2026-03", 250.0, True),
        ("2026-04", 200.0, True),
    ]
    assert got.traffic["requests_per_month"] == pytest.approx(200 / 30 * 30.4375)
    slope = (
        -1.5 * math.log(200 / 31)
        - 0.5 * math.log(200 / 28)
        + 0.5 * math.log(250 / 31)
        + 1.5 * math.log(200 / 30)
    ) / 5
    assert got.traffic["growth_monthly"] == pytest.approx(math.exp(slope) - 1)
    assert got.traffic["growth_monthly"] == pytest.approx(0.02222, abs=5e-6)
    # April's busiest hour (a Monday's 50) over its mean hour (200 / 720)
    assert got.traffic["peak_to_average"] == pytest.approx(50 / (200 / 720))


def test_a_weekly_batch_is_read_over_the_months_the_logs_cover(tmp_path: Path) -> None:
    rows = CHAT + BATCH
    expect_batch(profile_usage([write(tmp_path / "w.csv", rows)], model="batch"))
    expect_batch(
        profile_database(duckdb_table(tmp_path / "w.duckdb", rows), table="requests", model="batch")
    )


def test_dates_still_bound_the_coverage_with_a_model(tmp_path: Path) -> None:
    """--since March 1 --until March 31 with --model batch: March alone, complete (the logs
    go on past both cuts), 250 / 31 × 30.4375 = 245.5 a month."""
    path = write(tmp_path / "w.csv", CHAT + BATCH)
    got = profile_usage(
        [path], model="batch", since=dt.date(2026, 3, 1), until=dt.date(2026, 3, 31)
    )
    assert [(m["month"], m["complete"]) for m in got.by_month] == [("2026-03", True)]
    assert got.traffic["requests_per_month"] == pytest.approx(250 / 31 * 30.4375)


def test_a_model_gone_quiet_is_a_zero_in_the_last_complete_month(tmp_path: Path) -> None:
    """A model with ten requests in January only, in logs of January to April 10: the last
    complete month (March) holds none of them, so requests_per_month is 0, said in a
    warning, and no busiest hour is measured."""
    old = [(at(2026, 1, 10 + k, 12), "old", 1000, 100) for k in range(10)]
    rows = twice_a_day(dt.date(2026, 1, 1), dt.date(2026, 4, 10)) + old
    got = profile_usage([write(tmp_path / "q.csv", rows)], model="old")
    assert got.traffic["requests_per_month"] == 0.0
    assert got.warnings == [
        "old has no request in 2026-03, the last complete month of the logs: "
        "requests_per_month is 0 (its last were in 2026-01)"
    ]
    assert "peak_to_average" not in got.traffic
    assert (
        "peak_to_average is not measured: 2026-03, the month requests_per_month is taken from, "
        f"holds no request of the model asked ({KEPT})"
    ) in got.notes
    # the table's reason is that one, not "no hourly detail in the logs" (per-second times)
    code, out, err = run("usage", tmp_path / "q.csv", "--model", "old")
    assert code == 0, err
    assert "peak_to_average      not measured  (no request of the model in that month)" in out


def test_a_model_that_began_later_is_pointed_to_its_own_months(tmp_path: Path) -> None:
    """A model from February 1, ten requests a day, in logs of January to May 10: January
    is a zero for it, so no growth is fitted across it, and the note says which --since
    fits the months from its first; with it, the growth of February to April is 0."""
    new = [
        (at(2026, 2, 1, 0, 30) + dt.timedelta(hours=2.4 * k), "new", 1000, 100)
        for k in range(10 * (28 + 31 + 30))
    ]
    rows = twice_a_day(dt.date(2026, 1, 1), dt.date(2026, 5, 10)) + new
    path = write(tmp_path / "n.csv", rows)
    got = profile_usage([path], model="new")
    assert "growth_monthly" not in got.traffic
    assert (
        "growth_monthly is not measured: new has no request in 1 of the logs' 4 complete "
        "months (2026-01): a log-linear fit cannot take a month of none, and leaving it out "
        "would fit only the months it had requests in; a since date of 2026-02-01 fits the "
        f"months from its first ({KEPT})"
    ) in got.notes
    code, _, err = run("usage", path, "--model", "new")  # the command line's words
    assert code == 0, err
    assert "in; --since 2026-02-01 fits the months from its first" in " ".join(err.split())
    since = profile_usage([path], model="new", since=dt.date(2026, 2, 1))
    assert since.span["complete_months"] == ["2026-02", "2026-03", "2026-04"]
    assert since.traffic["growth_monthly"] == pytest.approx(0.0, abs=1e-12)
    assert since.traffic["requests_per_month"] == pytest.approx(10 * 30.4375)


# -- a month's edges at its own rate -------------------------------------------------


def month_row(start: dt.date, requests: float, first: dt.datetime) -> tuple[Any, ...]:
    return (start, requests, 1000.0 * requests, 200.0 * requests, 0.0, first, 1.0)


PER_REQUEST = [(0, False, False, None)]


def test_a_months_start_is_covered_within_five_mean_gaps() -> None:
    """March with its first request on March 2 at 00:00, 24 hours after its start, and
    April after it: March covers 720 hours from that request. 150 requests are a mean gap
    of 4.8 hours, 5 of them 24 hours: covered (a gap that long comes e^-5 = 0.7 % of the
    time). 151 requests are a gap of 4.77 hours, 5 of them 23.8: the start is missed."""
    from payback.measure.usage.profile import monthly

    ends = [
        (dt.date(2026, 3, 1), 0, at(2026, 3, 31, 23, 59), None),
        (dt.date(2026, 4, 1), 0, at(2026, 4, 30, 23, 59), None),
    ]
    for n, complete in ((150, True), (151, False)):
        rows = [
            month_row(dt.date(2026, 3, 1), n, at(2026, 3, 2)),
            month_row(dt.date(2026, 4, 1), 3000, at(2026, 4, 1, 0, 1)),
        ]
        got = monthly(rows, ends, PER_REQUEST)
        assert [m.complete for m in got.months] == [complete, True], n


def test_a_months_end_is_covered_within_five_mean_gaps() -> None:
    """February after January, its data ending on February 27 at 00:00, 48 hours before
    its end: it covers 624 hours. 65 requests are a mean gap of 9.6 hours, 5 of them 48:
    covered; 66 are 9.45 hours, 5 of them 47.3: the end is missed."""
    from payback.measure.usage.profile import monthly

    for n, complete in ((65, True), (66, False)):
        rows = [
            month_row(dt.date(2026, 1, 1), 3100, at(2026, 1, 1, 0, 1)),
            month_row(dt.date(2026, 2, 1), n, at(2026, 2, 1, 0, 1)),
        ]
        ends = [
            (dt.date(2026, 1, 1), 0, at(2026, 1, 31, 23, 59), None),
            (dt.date(2026, 2, 1), 0, at(2026, 2, 27) - dt.timedelta(microseconds=1), None),
        ]
        got = monthly(rows, ends, PER_REQUEST)
        assert [m.complete for m in got.months] == [True, complete], n


def test_a_quiet_services_first_month_is_complete(tmp_path: Path) -> None:
    """Two requests a day from 02:00 on May 1 to July 2: May's first request is 2 hours in,
    under 5 mean gaps (5 × 742 hours / 62 = 59.8 hours), so May and June are complete (May
    was partial: over an hour in) and the growth is fitted over both: 2 a day each, flat.
    July's data end on the 2nd: 29 days short, far over 5 mean gaps (47.5 hours)."""
    rows = [(at(2026, 5, 1, 2) + dt.timedelta(hours=12 * k), "m", 500, 100) for k in range(126)]
    got = profile_usage([write(tmp_path / "b.csv", rows)])
    assert [(m["month"], m["complete"]) for m in got.by_month] == [
        ("2026-05", True),
        ("2026-06", True),
        ("2026-07", False),
    ]
    assert got.traffic["growth_monthly"] == pytest.approx(0.0, abs=1e-12)
    assert got.traffic["requests_per_month"] == pytest.approx(2 * 30.4375)


def test_a_model_only_after_the_last_complete_month_is_pointed_to_its_days(
    tmp_path: Path,
) -> None:
    """A model with requests only from April 5 in logs to April 10: none in the logs'
    complete months (January to March), so requests_per_month is 0, the warning says its
    requests come after and which --since gives their rate: with it, April 1 to 14:00 on
    April 10 is 230 covered hours, 12 requests, 12 / 230 × 730.5 = 38.1 a month."""
    late = [(at(2026, 4, 5 + k // 2, 6 + 6 * (k % 2)), "late", 1000, 100) for k in range(12)]
    rows = twice_a_day(dt.date(2026, 1, 1), dt.date(2026, 4, 10)) + late
    path = write(tmp_path / "l.csv", rows)
    got = profile_usage([path], model="late")
    assert got.traffic["requests_per_month"] == 0.0
    assert got.warnings == [
        "late has no request in 2026-03, the last complete month of the logs: "
        "requests_per_month is 0, its requests coming after it (from 2026-04); a since date "
        "of 2026-04-01 gives their rate over the hours the logs cover from then"
    ]
    assert "growth_monthly" not in got.traffic
    since = profile_usage([path], model="late", since=dt.date(2026, 4, 1))
    # April 1 (the cut: the logs go on before it) to 14:00 on April 10 (the logs' last
    # request at 13:30, its hour's end): 9 days and 14 hours
    assert since.span["hours"] == 9 * 24 + 14
    assert since.traffic["requests_per_month"] == pytest.approx(12 / (9 * 24 + 14) * 730.5)


@pytest.mark.slow
def test_postgres_reads_a_models_months_as_the_logs_months(postgres: Any) -> None:
    """PostgreSQL (a time column kept in its type, the status in the key's microseconds):
    the rows of other models inside the dates come back as coverage, as files read them."""
    import psycopg

    with psycopg.connect(postgres.url(), autocommit=True) as con:
        con.execute("DROP DATABASE IF EXISTS coverage")
        con.execute("CREATE DATABASE coverage")
    url = str(postgres.url(db="coverage"))
    with psycopg.connect(url) as con:
        con.execute(
            "CREATE TABLE requests (created_at timestamptz, model text, prompt_tokens bigint, "
            "completion_tokens bigint)"
        )
        with con.cursor().copy("COPY requests FROM STDIN") as copy:
            for row in FOUR_MONTHS + [(t, m, i, o) for t, m, i, o in CHAT + BATCH]:
                copy.write_row(list(row))
    # the two sets of logs in one table: m-b's months are those of January to April 30
    got = profile_database(url, table="requests", model="m-b")
    assert [(m["month"], m["requests"], m["complete"]) for m in got.by_month] == [
        ("2026-01", 0.0, True),
        ("2026-02", 0.0, True),
        ("2026-03", 6.0, True),
        ("2026-04", 0.0, True),
    ]
    assert got.traffic["requests_per_month"] == 0.0  # none in April, complete here
    expect_batch(profile_database(url, table="requests", model="batch"))


@pytest.mark.slow
def test_chdb_reads_a_models_months_as_the_logs_months(tmp_path: Path) -> None:
    chdb_session = pytest.importorskip("chdb.session")
    csv_path = write(tmp_path / "a.csv", FOUR_MONTHS)
    session = chdb_session.Session(str(tmp_path / "chdb"))
    session.query(
        "CREATE TABLE requests (created_at DateTime64(6, 'UTC'), model String, "
        "prompt_tokens Int64, completion_tokens Int64) ENGINE = MergeTree ORDER BY created_at"
    )
    session.query(
        "INSERT INTO requests SELECT parseDateTime64BestEffort(timestamp, 6, 'UTC'), model, "
        f"input_tokens, output_tokens FROM file('{csv_path}', 'CSVWithNames', 'timestamp "
        "String, model String, input_tokens Int64, output_tokens Int64')"
    )
    session.close()
    expect_six(profile_database(f"chdb://{tmp_path / 'chdb'}", table="requests", model="m-b"))


def test_o_with_a_model_whose_growth_is_not_measured_says_why(tmp_path: Path) -> None:
    """-o from m-b's months: no growth fitted across January's and February's zeros, so the
    scenario's own 0.03 stays, told why; a new scenario's title says it is not measured
    (it read 'its 3 months grew +0.00%/month' from the growth left out)."""
    from usage_logs import starter_scenario

    logs = write(tmp_path / "a.csv", FOUR_MONTHS)
    scenario = starter_scenario(tmp_path / "s.toml", growth_monthly="0.03")
    code, _, err = run("usage", logs, "--model", "m-b", "-o", scenario)
    assert code == 0, err
    assert (
        f"warning: {scenario}: growth_monthly is not measured: the model asked has no request "
        "in 2026-01, 2026-02 (complete months of the logs); the scenario keeps its own 0.03"
    ) in " ".join(err.split())
    new = tmp_path / "new.toml"
    code, _, err = run("usage", logs, "--model", "m-b", "-o", new)
    assert code == 0, err
    assert 'name = "6 requests/month from a.csv (held flat: growth not measured): ' in (
        new.read_text()
    )


def test_the_help_and_the_readme_say_the_month_as_the_output_does() -> None:
    """usage prints '× 30.4375' (365.25 / 12) where its help and the README said 30.44;
    and the help says how a month's edges are read (5 mean gaps)."""
    import re

    from helpers import ROOT

    code, out, err = run("usage", "--help")
    assert code == 0, err
    said = " ".join(out.replace("│", " ").split())
    assert "× 30.4375 (365.25/12)" in said
    assert "5 mean gaps between its requests of its start" in said
    assert "a complete month without a request of the model is a zero for it" in said
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "requests per day in the last complete month × 30.4375" in readme
    texts = [said, readme] + [p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md")]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py")]
    assert not [t for t in texts if re.search(r"30\.44(?![0-9])", t)]
