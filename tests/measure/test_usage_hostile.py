"""``payback usage`` on hostile and odd logs: repeated request ids, unreadable rows and why,
a huge field, Ctrl-C (issue: hostile and odd input)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from payback import PaybackError, profile_usage
from payback.cli import app

ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
UTC = dt.UTC


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env=ENV).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def hourly(start: dt.datetime, end: dt.datetime, per_hour: int = 1) -> list[dt.datetime]:
    out, t = [], start
    while t < end:
        out += [t + dt.timedelta(minutes=k) for k in range(per_hour)]
        t += dt.timedelta(hours=1)
    return out


THREE_MONTHS = hourly(dt.datetime(2026, 3, 1, tzinfo=UTC), dt.datetime(2026, 6, 1, tzinfo=UTC))


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# ------------------------------------------------------------------ repeated request ids


def test_duplicated_rows_no_longer_move_growth(tmp_path: Path) -> None:
    """2,000 rows of March logged twice read as a fall of traffic afterwards."""
    rows = [[t.isoformat(), f"req-{i}", 100, 10] for i, t in enumerate(THREE_MONTHS)]
    clean = write_csv(
        tmp_path / "clean.csv", ["timestamp", "request_id", "input_tokens", "output_tokens"], rows
    )
    doubled = write_csv(
        tmp_path / "doubled.csv",
        ["timestamp", "request_id", "input_tokens", "output_tokens"],
        rows + rows[:2000],
    )
    expected = profile_usage([clean])
    profile = profile_usage([doubled])
    assert profile.traffic == expected.traffic
    assert abs(profile.traffic["growth_monthly"]) < 0.01
    assert profile.rows["duplicates"] == 2000
    assert profile.rows["used"] == len(rows)
    code, out, err = run("usage", doubled)
    assert code == 0
    # told once, under Rows on stdout; not again as a note on stderr
    assert (
        "2,000 rows dropped as repeats of a request id seen before (the same request logged "
        "twice, or overlapping exports): each request is counted once"
    ) in " ".join(out.split())
    assert "request id" not in err
    assert not any("request id" in n for n in profile.notes)


def litellm(i: int, t: dt.datetime) -> dict[str, Any]:
    return {
        "request_id": f"chatcmpl-{i}",
        "call_type": "acompletion",
        "spend": 0.001,
        "startTime": t.isoformat(),
        "model": "m",
        "prompt_tokens": 100,
        "completion_tokens": 10,
        "status": "success",
    }


def langfuse(i: int, t: dt.datetime) -> dict[str, Any]:
    return {
        "id": f"obs-{i}",
        "traceId": "t",
        "type": "GENERATION",
        "startTime": t.isoformat(),
        "model": "m",
        "usageDetails": {"input": 100, "output": 10},
    }


def helicone(i: int, t: dt.datetime) -> dict[str, Any]:
    return {
        "request_id": f"h-{i}",
        "request_created_at": t.isoformat(),
        "response_status": 200,
        "request_model": "m",
        "prompt_tokens": 100,
        "completion_tokens": 10,
    }


@pytest.mark.parametrize(
    ("fmt", "record"), [("litellm", litellm), ("langfuse", langfuse), ("helicone", helicone)]
)
def test_each_format_drops_repeated_request_ids(tmp_path: Path, fmt: str, record: Any) -> None:
    times = hourly(dt.datetime(2026, 5, 1, tzinfo=UTC), dt.datetime(2026, 5, 3, tzinfo=UTC))
    records = [record(i, t) for i, t in enumerate(times)]
    path = tmp_path / "logs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records + records[:10]) + "\n")
    profile = profile_usage([path])
    assert profile.format == fmt
    assert profile.rows["used"] == len(times)
    assert profile.rows["duplicates"] == 10


def test_rows_without_an_id_and_buckets_are_never_deduplicated(tmp_path: Path) -> None:
    rows = [[t.isoformat(), 100, 10] for t in THREE_MONTHS[:48]]
    path = write_csv(
        tmp_path / "noid.csv", ["timestamp", "input_tokens", "output_tokens"], rows + rows
    )
    profile = profile_usage([path])
    assert profile.rows["used"] == 96
    assert profile.rows["duplicates"] == 0
    # a column can be named as the id
    with_id = write_csv(
        tmp_path / "named.csv",
        ["timestamp", "call", "input_tokens", "output_tokens"],
        [[t.isoformat(), f"c{i % 10}", 1, 1] for i, t in enumerate(THREE_MONTHS[:48])],
    )
    named = profile_usage(
        [with_id], columns="ts=timestamp,input=input_tokens,output=output_tokens,id=call"
    )
    assert (named.rows["used"], named.rows["duplicates"]) == (10, 38)


# ------------------------------------------------------------------ unreadable rows say why


def test_none_readable_says_why(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        ["timestamp", "input_tokens", "output_tokens"],
        [["yesterday", 100, 10]] * 5 + [["2026-01-01T00:00:00Z", "many", 10]] * 2,
    )
    with pytest.raises(PaybackError) as caught:
        profile_usage([path])
    assert (
        "none of the 7 rows could be read as generic logs: 5 with no time that reads as a date; "
        "2 with token counts missing or not numbers (first: " in str(caught.value)
    )


def test_unreadable_rows_are_counted_by_reason(tmp_path: Path) -> None:
    good = [[t.isoformat(), 100, 10, 0] for t in THREE_MONTHS[:24]]
    bad = [["2026-03-02T00:00:00Z", 5, 1, 9], ["2026-03-02T01:00:00Z", -1, 1, 0]]
    path = write_csv(
        tmp_path / "some.csv",
        ["timestamp", "input_tokens", "output_tokens", "cached_tokens"],
        good + bad,
    )
    profile = profile_usage([path])
    assert profile.rows["unreadable_why"] == {
        "more cached tokens than input tokens": 1,
        "negative token counts": 1,
    }
    code, out, _ = run("usage", path)
    assert code == 0
    assert "unreadable: 1 with negative token counts" in out


def test_unreadable_rows_are_shown_as_the_file_has_them(tmp_path: Path) -> None:
    """An empty field was left out (``300,,0`` shown as ``300,0``: output 0, it read) and a
    quoted ``"1,5"`` shown bare (``1,5,7``: one field more); a semicolon file's row was
    shown joined by commas."""
    good = [f"{t.isoformat()},100,10,0,gpt-4o" for t in THREE_MONTHS[:24]]
    path = tmp_path / "odd.csv"
    path.write_text(
        "timestamp,input_tokens,output_tokens,cached_tokens,model\n"
        + "\n".join(good)
        + '\n2026-03-02T00:00:00Z,300,,0,gpt-4o\n2026-03-02T01:00:00Z,"1,5",7,0,"a ""b"""\n'
    )
    profile = profile_usage([path])
    assert profile.rows["unreadable"] == 2
    assert sorted(profile.rows["examples"]) == [
        "2026-03-02T00:00:00Z,300,,0,gpt-4o",
        '2026-03-02T01:00:00Z,"1,5",7,0,"a ""b"""',
    ]
    semicolons = tmp_path / "semi.csv"
    semicolons.write_text(
        "timestamp;input_tokens;output_tokens\n"
        + "".join(f"{t.isoformat()};100;10\n" for t in THREE_MONTHS[:24])
        + '2026-03-02T00:00:00Z;"1;5";\n'
    )
    assert profile_usage([semicolons]).rows["examples"] == ['2026-03-02T00:00:00Z;"1;5";']
    tabs = tmp_path / "t.tsv"
    tabs.write_text(
        "timestamp\tinput_tokens\toutput_tokens\n"
        + "".join(f"{t.isoformat()}\t100\t10\n" for t in THREE_MONTHS[:24])
        + "2026-03-02T00:00:00Z\t\t4\n"
    )
    assert profile_usage([tabs]).rows["examples"] == ["2026-03-02T00:00:00Z\\t\\t4"]
    # thirteen columns: the twelve shown, then an ellipsis; a row over 200 characters is cut
    wide = write_csv(
        tmp_path / "wide.csv",
        ["timestamp", "input_tokens", "output_tokens", *(f"c{k}" for k in range(10))],
        [[t.isoformat(), 100, 10, *range(10)] for t in THREE_MONTHS[:24]]
        + [["2026-03-02T00:00:00Z", "x", 10, *range(9), "z" * 300]],
    )
    assert profile_usage([wide]).rows["examples"] == [
        "2026-03-02T00:00:00Z,x,10,0,1,2,3,4,5,6,7,8,…"
    ]
    wide = write_csv(
        tmp_path / "long.csv",
        ["timestamp", "input_tokens", "output_tokens", "note"],
        [[t.isoformat(), 100, 10, ""] for t in THREE_MONTHS[:24]]
        + [["2026-03-02T00:00:00Z", "x", 10, "z" * 300]],
    )
    (example,) = profile_usage([wide]).rows["examples"]
    assert example == "2026-03-02T00:00:00Z,x,10," + "z" * 173 + "…"
    assert len(example) == 200


def test_a_long_unreadable_row_is_folded_under_its_heading_at_80_columns(
    tmp_path: Path,
) -> None:
    """A row longer than the line after "unreadable: " was moved whole to a line of its own,
    the label left dangling; now the rows stand under one heading, folded where the line
    ends."""
    note = "a" * 120
    path = write_csv(
        tmp_path / "long.csv",
        ["timestamp", "input_tokens", "output_tokens", "model", "note"],
        [[t.isoformat(), 100, 10, "m", ""] for t in THREE_MONTHS[:24]]
        + [["2026-03-02T00:00:00Z", "x", 10, "some-provider/a-long-model-name-v2", note]],
    )
    result = CliRunner(env={**ENV, "COLUMNS": "80"}).invoke(app, ["usage", str(path)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    at = lines.index("  the unreadable row as the file has it:")
    row = "2026-03-02T00:00:00Z,x,10,some-provider/a-long-model-name-v2," + note
    folded = [line.rstrip() for line in lines[at + 1 : at + 4]]
    assert folded == ["    " + row[k : k + 76] for k in range(0, len(row), 76)]
    assert all(len(line) <= 80 for line in lines)
    assert not any(line.rstrip().endswith("unreadable:") for line in lines)


# ------------------------------------------------------------------ a huge field, Ctrl-C


@pytest.mark.parametrize("size", [1_000_000, 4_000_000])
def test_a_megabyte_number_in_a_csv_is_read_in_a_moment(tmp_path: Path, size: int) -> None:
    rows = [[t.isoformat(), 100, 10] for t in THREE_MONTHS[:24]]
    rows.append(["2026-03-02T00:00:00Z", "9" * size, 10])
    path = write_csv(tmp_path / "big.csv", ["timestamp", "input_tokens", "output_tokens"], rows)
    start = time.monotonic()
    profile = profile_usage([path])
    assert time.monotonic() - start < 10  # 14 s and 150 s before
    assert (profile.rows["used"], profile.rows["unreadable"]) == (24, 1)


def test_a_line_over_the_limit_is_counted_unreadable(tmp_path: Path) -> None:
    from payback.limits import MAX_LOG_LINE_BYTES

    rows = [[t.isoformat(), 100, 10] for t in THREE_MONTHS[:24]]
    rows.append(["2026-03-02T00:00:00Z", "x" * (MAX_LOG_LINE_BYTES + 10), 10])
    path = write_csv(tmp_path / "long.csv", ["timestamp", "input_tokens", "output_tokens"], rows)
    profile = profile_usage([path])
    assert (profile.rows["used"], profile.rows["unreadable"]) == (24, 1)


def test_ctrl_c_during_the_read_is_ctrl_c_not_an_unreadable_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    import payback.measure.usage.sql as sql

    real = sql.connect

    class Interrupting:
        def __init__(self) -> None:
            self.con = real()

        def execute(self, statement: str) -> Any:
            if statement.startswith("CREATE TEMP TABLE hourly"):
                raise duckdb.InterruptException("INTERRUPT Error: Query interrupted")
            return self.con.execute(statement)

    monkeypatch.setattr(sql, "connect", Interrupting)
    path = write_csv(
        tmp_path / "logs.csv",
        ["timestamp", "input_tokens", "output_tokens"],
        [[t.isoformat(), 1, 1] for t in THREE_MONTHS[:5]],
    )
    out_file = tmp_path / "scenario.toml"
    code, _, err = run("usage", path, "-o", out_file)
    assert code == 130
    assert err == "error: interrupted (Ctrl-C); no file was left half-written\n"
    assert "cannot be read" not in err
    assert not out_file.exists()


@pytest.mark.parametrize("name", ["deep.jsonl", "deep.json"])
def test_a_record_nested_5000_deep_is_read_not_a_recursion_error(tmp_path: Path, name: str) -> None:
    row = {"timestamp": "2026-01-01T00:00:00Z", "input_tokens": 1, "output_tokens": 1}
    lines = [json.dumps(row)] * 3
    lines.append(json.dumps(row)[:-1] + ', "x": ' + "[" * 5000 + "]" * 5000 + "}")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n" if name.endswith("l") else "[" + ",".join(lines) + "]")
    code, out, err = run("usage", path, "--json")
    assert code == 0, err
    assert json.loads(out)["rows"]["used"] == 4


# ------------------------------------------------------------------ tables where logs live


def logs_duckdb(path: Path, rows: list[tuple[Any, ...]]) -> Path:
    import duckdb

    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE requests (created_at TIMESTAMPTZ, model VARCHAR, prompt_tokens BIGINT, "
        "completion_tokens BIGINT)"
    )
    con.executemany("INSERT INTO requests VALUES (?, ?, ?, ?)", rows)
    con.close()
    return path


def test_a_table_of_unusable_rows_says_why_without_a_made_up_example(tmp_path: Path) -> None:
    """A table's unreadable rows come back counted by reason, without examples: the line
    says why and shows no placeholder for the example it does not have."""
    db = logs_duckdb(tmp_path / "bad.duckdb", [(t, "m", -5, 10) for t in THREE_MONTHS[:50]])
    code, out, err = run("usage", db, "--table", "requests")
    assert code == 2, err
    assert out == ""
    assert err == (
        f"error: {db}, table requests: none of the 50 rows could be read as generic logs: "
        "50 with negative token counts\n"
    )


def test_a_model_filter_that_matches_nothing_says_how_models_match(tmp_path: Path) -> None:
    db = logs_duckdb(tmp_path / "m.duckdb", [(t, "gpt-4o", 100, 10) for t in THREE_MONTHS])
    code, out, err = run(
        "usage", db, "--table", "requests", "--model", "GPT-4o", "--since", "2026-04-01"
    )
    assert code == 2, err
    assert err.startswith(
        "error: no requests left after filtering by model 'GPT-4o', since 2026-04-01 "
        f"({len(THREE_MONTHS):,} usable rows before filtering); a model is matched exactly"
    )
    code, out, err = run(
        "usage", db, "--table", "requests", "--model", "gpt-4o", "--since", "2026-04-01"
    )
    assert code == 0, err
    assert "1,464 used" in out  # April and May, a request an hour


def test_one_usable_row_filtered_out_is_one_row(tmp_path: Path) -> None:
    db = logs_duckdb(tmp_path / "one.duckdb", [(THREE_MONTHS[0], "gpt-4o", 100, 10)])
    code, _, err = run("usage", db, "--table", "requests", "--since", "2027-01-01")
    assert code == 2, err
    assert "(1 usable row before filtering)" in err  # it said '1 usable rows'


def test_an_empty_model_name_is_no_model_in_files_and_tables(tmp_path: Path) -> None:
    """LiteLLM's ``model`` column defaults to '': an empty name is counted with the rows that
    have none, under "(none)", not as a model with a blank name."""
    times = THREE_MONTHS[:30]
    models = ["", None, "gpt-4o"] * 10
    db = logs_duckdb(
        tmp_path / "m.duckdb", [(t, m, 100, 10) for t, m in zip(times, models, strict=True)]
    )
    jsonl = tmp_path / "logs.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps(
                {"timestamp": t.isoformat(), "input_tokens": 100, "output_tokens": 10}
                | ({} if m is None else {"model": m})
            )
            + "\n"
            for t, m in zip(times, models, strict=True)
        )
    )
    from payback.measure.usage import profile_database

    for got in (profile_database(str(db), table="requests"), profile_usage([jsonl])):
        shares = {m["model"]: m["requests"] for m in got.by_model}
        assert shares == {"(none)": 20.0, "gpt-4o": 10.0}


def test_a_date_filter_at_a_month_edge_of_longer_logs_keeps_that_month_complete(
    tmp_path: Path,
) -> None:
    """Logs of March to June, a request every 3 hours from 01:30 (so none within an hour of
    a month's edges), read --since April 1 --until May 31: the logs go on past both cuts, so
    April and May are complete, 8 requests a day each (243.5 a month, no growth). A cut
    inside a month leaves that month partial: April 2 01:30 is 25.5 hours (8.5 mean gaps)
    after its start."""
    times = [
        dt.datetime(2026, 3, 1, 1, 30, tzinfo=UTC) + dt.timedelta(hours=3 * k)
        for k in range(8 * (31 + 30 + 31 + 30))
    ]
    rows = [(t, "m", 100, 10) for t in times]
    csv_path = write_csv(
        tmp_path / "logs.csv",
        ["timestamp", "model", "input_tokens", "output_tokens"],
        [[t.isoformat(), m, i, o] for t, m, i, o in rows],
    )
    db = logs_duckdb(tmp_path / "logs.duckdb", rows)
    from payback.measure.usage import profile_database

    since, until = dt.date(2026, 4, 1), dt.date(2026, 5, 31)
    for got in (
        profile_usage([csv_path], since=since, until=until),
        profile_database(str(db), table="requests", since=since, until=until),
    ):
        assert [(m["month"], m["complete"]) for m in got.by_month] == [
            ("2026-04", True),
            ("2026-05", True),
        ]
        assert got.traffic["requests_per_month"] == pytest.approx(8 * 30.4375)
        assert got.traffic["growth_monthly"] == pytest.approx(0.0, abs=1e-12)
    inside = profile_usage([csv_path], since=dt.date(2026, 4, 2), until=until)
    assert [(m["month"], m["complete"]) for m in inside.by_month] == [
        ("2026-04", False),
        ("2026-05", True),
    ]
    # logs that begin inside the window: their own start stands, as without a filter: 01:30
    # on March 1 is half a mean gap (3 hours) after the month's, under 5 of them (15 hours),
    # so March is covered from its start
    late = profile_usage([csv_path], since=dt.date(2026, 2, 1), until=until)
    assert [m["complete"] for m in late.by_month] == [True, True, True]


def test_usage_into_a_portfolio_is_refused_not_ignored(tmp_path: Path) -> None:
    """A portfolio's views read each workload's traffic: a [traffic] added to it would be
    written, said to be written, and then not read. The file is left as it is."""
    import shutil

    from helpers import ROOT

    target = tmp_path / "portfolio.toml"
    shutil.copy(ROOT / "examples" / "portfolio.toml", target)
    before = target.read_bytes()
    logs = write_csv(
        tmp_path / "logs.csv",
        ["timestamp", "input_tokens", "output_tokens"],
        [[t.isoformat(), 100, 10] for t in THREE_MONTHS],
    )
    code, out, err = run("usage", logs, "-o", target)
    assert code == 2, out
    assert out == ""  # refused before the logs are read: no measured number changes it
    assert err.endswith(
        f"error: {target}: lists workloads (a portfolio), whose views read each workload's "
        "own [workloads.traffic], not [traffic]; put the measured numbers in that workload's "
        "traffic by hand; left as it is\n"
    )
    assert target.read_bytes() == before


def test_the_help_names_the_statement_timeout_and_the_table_found() -> None:
    code, out, err = run("usage", "--help")
    assert code == 0, err
    said = " ".join(out.replace("│", " ").split())
    assert "a statement timeout (PAYBACK_STATEMENT_TIMEOUT seconds, default 1800)" in said
    assert "otel_traces or spans, found by name; else the one table that looks like logs" in said
