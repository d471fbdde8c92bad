"""``payback usage`` tried as a new user would and as a hostile one would: the README's
DuckDB URL, ``-o`` onto a link or a read-only scenario, options that do nothing where they
are given, empty option values, names that break out of printed SQL's comments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import assert_user_error, run

HEADER = "timestamp,model,prompt_tokens,completion_tokens\n"
LOGS = HEADER + "".join(
    f"2026-10-0{day}T{hour:02d}:00:00Z,gpt-4o,{100 * hour + day},{10 * day}\n"
    for day in (1, 2)
    for hour in (9, 10, 11)
)
"""Six requests: input tokens 901..1102 (mean 1,001.5), output 10 or 20 (mean 15)."""


def _logs(tmp_path: Path) -> Path:
    path = tmp_path / "logs.csv"
    path.write_text(LOGS)
    return path


# -- a DuckDB file by URL ----------------------------------------------------------------


def test_a_duckdb_url_with_three_slashes_is_relative_as_the_readme_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`duckdb:///logs.duckdb` (the README's and --help's form) said 'no such DuckDB file':
    the path was read as /logs.duckdb. Now relative, as SQLAlchemy reads it; four slashes
    (and three before an absolute path that is not there relative) stay absolute."""
    import duckdb

    csv = _logs(tmp_path)
    with duckdb.connect(str(tmp_path / "logs.duckdb")) as con:
        con.execute(f"CREATE TABLE logs AS SELECT * FROM read_csv('{csv}')")
    monkeypatch.chdir(tmp_path)
    for url in ("duckdb:///logs.duckdb", f"duckdb:///{tmp_path}/logs.duckdb", "logs.duckdb"):
        code, out, err = run("usage", url, "--json")
        assert code == 0, (url, err)
        got = json.loads(out)
        assert got["rows"]["used"] == 6
        assert got["traffic"]["input_tokens"] == pytest.approx(1001.5)
    assert_user_error(
        *run("usage", "duckdb:///nosuch.duckdb"),
        "error: url 'duckdb:///nosuch.duckdb': no such DuckDB file "
        "(looked for 'nosuch.duckdb' or '/nosuch.duckdb')",
    )


# -- -o onto what the user made ----------------------------------------------------------


def _scenario(tmp_path: Path, name: str = "real.toml") -> Path:
    path = tmp_path / name
    path.write_text(Path("examples/seed.toml").read_text())
    return path


def test_o_through_a_symbolic_link_updates_the_file_it_points_to(tmp_path: Path) -> None:
    """`-o link.toml` (a link to real.toml) replaced the link by a new file and left
    real.toml at 20,000 requests; now the link stays and real.toml gets the traffic."""
    real = _scenario(tmp_path)
    link = tmp_path / "link.toml"
    link.symlink_to("real.toml")
    code, out, err = run("usage", _logs(tmp_path), "-o", link)
    assert code == 0, err
    assert "its [traffic] numbers, everything else kept" in out
    assert link.is_symlink()
    assert link.readlink() == Path("real.toml")
    assert "requests_per_month = 20000" not in real.read_text()
    # 6 requests in the 27 hours from 09:00 on the 1st to 11:00 on the 2nd: 6 / 27 x 730.5
    assert "requests_per_month = 162" in real.read_text()


def test_o_onto_a_read_only_scenario_is_refused_before_the_work(tmp_path: Path) -> None:
    """A scenario made read-only (chmod 444) was replaced all the same (a new file renamed
    over it); now one line, exit 2, the file as it was, through a link too."""
    real = _scenario(tmp_path)
    before = real.read_bytes()
    real.chmod(0o444)
    link = tmp_path / "link.toml"
    link.symlink_to("real.toml")
    try:
        for target in (real, link):
            assert_user_error(
                *run("usage", _logs(tmp_path), "-o", target),
                f"error: {target}: is read-only; left as it is (make it writable to replace it)",
            )
        assert real.read_bytes() == before
    finally:
        real.chmod(0o644)


# -- options given where they do nothing, or given empty ---------------------------------


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--model", ""], "error: --model '': empty; give a model as the logs name it"),
        (["--columns", ""], "error: --columns '': empty; give name=column pairs"),
        (["--sql", "--table", ""], "error: --table '': empty; give a table's name"),
        (["--sql", "--dialect", ""], "error: --dialect '': empty; give one, e.g. postgres"),
        (["--sql", "-o", "new.toml"], "error: -o new.toml: not with --sql, which prints the"),
        (["--dialect", "postgres"], "error: --dialect postgres: only with --sql"),
    ],
)
def test_an_option_given_empty_or_where_it_does_nothing_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], said: str
) -> None:
    """Each was taken as not given, exit 0: `--model ''` counted every model, `--table ''`
    printed LiteLLM_SpendLogs' query, `--dialect ''` DuckDB's, `--sql -o new.toml` wrote no
    file, `--dialect` without --sql was ignored. Now one line, exit 2, nothing written."""
    monkeypatch.chdir(tmp_path)
    _logs(tmp_path)
    assert_user_error(*run("usage", "logs.csv", *args), said)
    assert not (tmp_path / "new.toml").exists()


def test_sql_with_json_is_json_and_a_dialect_is_read_in_any_case(tmp_path: Path) -> None:
    """`--sql --json` printed the SQL as text (a script reading JSON failed on it); now
    {"sql": ...}. `--dialect postgresql` (the URL's scheme) or `PostgreSQL` were refused."""
    code, out, err = run("usage", _logs(tmp_path), "--sql", "--json")
    assert code == 0, err
    assert json.loads(out)["sql"].startswith("-- DuckDB SQL: the queries `payback usage` runs")
    for name in ("postgresql", "PostgreSQL", "postgres"):
        code, out, err = run("usage", "--sql", "--dialect", name)
        assert code == 0, err
        assert out.startswith("-- postgres SQL: the one query")
    assert_user_error(
        *run("usage", "--sql", "--dialect", "nosuch"),
        "error: --dialect 'nosuch': one of duckdb, postgres, clickhouse",
    )


@pytest.mark.parametrize(("name", "engine"), [("sqlite", "SQLite"), ("MySQL", "MySQL")])
def test_a_dialect_without_grouping_sets_is_refused_not_printed(name: str, engine: str) -> None:
    """`--sql --dialect sqlite` (and mysql, both listed) printed a query of GROUPING SETS,
    which neither engine has: SQLite's own reading of it failed ('near "SETS": syntax
    error'). Now one line saying why, and the dialects that run it."""
    code, out, err = run("usage", "--sql", "--dialect", name)
    assert_user_error(
        code, out, err, f"--dialect '{name}': {engine} has no GROUPING SETS", "one of duckdb"
    )
    offered = err.split("one of")[1]
    assert "sqlite" not in offered
    assert "mysql" not in offered


def test_every_dialect_offered_prints_a_query_of_grouping_sets() -> None:
    """Each dialect --dialect names (the refusal lists them) prints the one query."""
    from payback.measure.usage.dialects import DIALECTS

    for dialect in DIALECTS:
        code, out, err = run("usage", "--sql", "--dialect", dialect)
        assert code == 0, (dialect, err)
        assert out.startswith(f"-- {dialect} SQL: the one query"), dialect
        assert out.upper().count("GROUPING SETS") == 2, dialect


def test_model_none_keeps_the_requests_without_a_model_in_files_as_in_tables(
    tmp_path: Path,
) -> None:
    """By model names the requests without a model '(none)'; `--model '(none)'` kept them
    from a table but none from a file ('no requests left after filtering'). Now both: here
    the two of three rows with an empty model (input 10 and 30: mean 20)."""
    path = tmp_path / "logs.csv"
    path.write_text(
        HEADER + "2026-10-01T01:00:00Z,,10,5\n"
        "2026-10-01T02:00:00Z,gpt-4o,20,5\n"
        "2026-10-01T03:00:00Z,,30,5\n"
    )
    code, out, err = run("usage", path, "--model", "(none)", "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["rows"]["used"] == 2
    assert got["rows"]["filtered_out"] == 1
    assert got["traffic"]["input_tokens"] == pytest.approx(20.0)


# -- names in printed SQL ----------------------------------------------------------------


def test_a_line_break_in_a_name_stays_inside_the_printed_sqls_comment(tmp_path: Path) -> None:
    """A file or table named with a line break ended the `--` comment it is named in, so
    the printed SQL ran what followed: `DROP TABLE users; (columns as named).` stood on a
    line of its own. Now the break is written \\n in the comment (in the SQL's own string
    literals and quoted names it stays as it is: there it ends nothing)."""
    weird = tmp_path / "a\nDROP TABLE users;.csv"
    weird.write_text(LOGS)
    code, out, err = run("usage", "--sql", weird)
    assert code == 0, err
    assert "-- The logs: " + str(tmp_path) + "/a\\nDROP TABLE users;.csv, read with" in out
    code, out, err = run(
        "usage", "--sql", "--dialect", "postgres", "--table", "x\nDROP TABLE users;",
        "--columns", "ts=a,input=b,output=c",
    )  # fmt: skip
    assert code == 0, err
    assert "runs on table x\\nDROP TABLE users; (columns as named)." in out
    assert not any(line.startswith("DROP TABLE users; (") for line in out.splitlines())


# -- what -o writes ----------------------------------------------------------------------


def test_a_growth_held_flat_is_said_as_measured_not_rounded_to_minus_zero(
    tmp_path: Path,
) -> None:
    """Three complete months at 10, 10 and 299/30 requests a day fit -0.17% a month (by
    hand: exp(slope of log rates) - 1 = -0.00167); the new scenario's comment said 'grew
    -0%/month' (and +0.56% was '+1%'), where the warning and the table say -0.17%."""
    import datetime as dt

    rows = []
    day = dt.date(2026, 7, 1)
    while day < dt.date(2026, 10, 1):
        hours = [0, 2, 4, 6, 8, 10, 12, 14, 16, 23]
        if day == dt.date(2026, 9, 15):
            hours.remove(8)  # September: 299 requests in 30 days
        rows += [f"{day}T{hour:02d}:00:00Z,m,100,10\n" for hour in hours]
        day += dt.timedelta(days=1)
    path = tmp_path / "logs.csv"
    path.write_text(HEADER + "".join(rows))
    code, _out, err = run("usage", path, "-o", tmp_path / "new.toml")
    assert code == 0, err
    assert "growth_monthly -0.17% a month is fitted from only 3" in err
    text = (tmp_path / "new.toml").read_text()
    assert "# 3 months (2026-07 to 2026-09) grew -0.17%/month: too few to extrapolate" in text
    assert "held flat: its 3 months grew -0.17%/month" in text


# -- globs -------------------------------------------------------------------------------


def test_a_folder_a_glob_matches_is_passed_over_not_an_error(tmp_path: Path) -> None:
    """`payback usage 'logs/**'` said 'logs: is a folder' (** matches the folder itself),
    and `logs/*` beside a subfolder failed on it: now the glob's files are read (with **
    those inside folders too), a folder passed over is named in a note, and a glob that
    matches only folders is one line, exit 2."""
    logs = tmp_path / "logs"
    (logs / "2026-10").mkdir(parents=True)
    (logs / "a.csv").write_text(HEADER + "2026-10-01T01:00:00Z,m,10,5\n")
    (logs / "2026-10" / "b.csv").write_text(HEADER + "2026-10-01T02:00:00Z,m,30,5\n")
    code, out, err = run("usage", f"{logs}/**", "--json")
    assert code == 0, err
    assert json.loads(out)["rows"]["used"] == 2
    assert json.loads(out)["traffic"]["input_tokens"] == pytest.approx(20.0)
    code, out, err = run("usage", f"{logs}/*", "--json")
    assert code == 0, err
    assert json.loads(out)["rows"]["used"] == 1
    said = f"{logs}/2026-10: a folder the glob matched, not read"
    assert any(note.startswith(said) for note in json.loads(out)["notes"])
    assert_user_error(
        *run("usage", f"{logs}/2026*"),
        f"error: {logs}/2026*: matches only folders ({logs}/2026-10); give a glob of files "
        f"such as {logs}/2026-10/*.jsonl",
    )


# -- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "day"), [("--until", "9999-12-31"), ("--since", "0001-01-01")]
)  # fmt: skip
@pytest.mark.parametrize("sql", [False, True])
def test_a_day_outside_the_years_logs_are_read_in_is_one_line(
    tmp_path: Path, flag: str, day: str, sql: bool
) -> None:
    """`--until 9999-12-31` (the day after it has no date) was 'internal error:
    OverflowError', files, tables and --sql alike: now one line, exit 2, naming the days
    allowed; their edges still read every row."""
    logs = _logs(tmp_path)
    assert_user_error(
        *run("usage", *(["--sql"] if sql else [logs]), flag, day),
        f"error: {flag} {day}: a day from 1970-01-01 to 2199-12-31",
    )
    code, out, err = run("usage", logs, "--since", "1970-01-01", "--until", "2199-12-31", "--json")
    assert code == 0, err
    assert json.loads(out)["rows"]["used"] == 6


@pytest.mark.parametrize(
    "url",
    [
        "mysql://u:hunter2@db.internal/litellm",
        "postgresq://u:hunter2@db.internal/litellm?sslmode=require",  # a scheme mistyped
    ],
)
def test_a_url_of_no_database_read_is_said_so_its_password_masked(url: str) -> None:
    """A URL of a database payback does not read, or its scheme mistyped, was taken for a
    file: 'mysql:/u:hunter2@db.internal/litellm: no such file', the password on the
    terminal (or 'no file matches' for one with a ?). Now one line, masked, exit 2."""
    code, out, err = run("usage", url)
    assert_user_error(
        code, out, err, f"error: url '{url.replace('hunter2', '***')}': not a database"
    )
    assert "hunter2" not in err


# -- OpenTelemetry spans -----------------------------------------------------------------


def test_an_otlp_span_whose_start_is_unset_is_unreadable_not_a_request_in_1970(
    tmp_path: Path,
) -> None:
    """OTLP writes an unset time as 0: such a span counted as a request on 1970-01-01 (its
    30 tokens moved the mean from 15 to 20, a month 1970-01 was shown, and a warning named
    680 empty months). Now it is unreadable, 'no time that reads as a date'."""

    def span(start: str, tokens: str) -> dict[str, object]:
        return {
            "name": "chat",
            "startTimeUnixNano": start,
            "attributes": [
                {"key": "gen_ai.usage.input_tokens", "value": {"intValue": tokens}},
                {"key": "gen_ai.usage.output_tokens", "value": {"intValue": "5"}},
            ],
        }

    one_am = 1_790_816_400 * 10**9  # 2026-10-01T01:00Z
    spans = [span(str(one_am), "10"), span("0", "30"), span(str(one_am + 3600 * 10**9), "20")]
    path = tmp_path / "traces.json"
    path.write_text(json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]}))
    code, out, err = run("usage", path, "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["format"] == "otel"
    assert got["rows"]["used"] == 2
    assert got["rows"]["unreadable_why"] == {"no time that reads as a date": 1}
    assert got["traffic"]["input_tokens"] == pytest.approx(15.0)
    assert [m["month"] for m in got["by_month"]] == ["2026-10"]
    assert "month(s) inside the logs' span" not in err


OTLP_NEEDS = (
    "the otel format reads OTLP JSON, as an OpenTelemetry collector's file exporter writes it: "
    "resourceSpans[].scopeSpans[].spans[], each with startTimeUnixNano and the span attributes "
    "gen_ai.usage.input_tokens and gen_ai.usage.output_tokens (or gen_ai.usage.prompt_tokens "
    "and gen_ai.usage.completion_tokens)"
)


@pytest.mark.parametrize(
    ("columns", "row"),
    [
        ("timestamp,model,prompt_tokens,completion_tokens", "2026-10-01T09:00:00Z,gpt-4o,100,20"),
        # the names payback gives a span's fields: such a CSV was read as spans
        ("ts,input,output", "2026-10-01T09:00:00Z,100,20"),
    ],
)
def test_a_csv_read_as_otel_is_not_spans_and_says_what_spans_hold(
    tmp_path: Path, columns: str, row: str
) -> None:
    """A CSV read with --format otel listed made-up column names ('recognised names … time:
    ts; input-token: input; output-token: output'), or, with those names, read it as spans.
    Now one line: not OTLP spans, and the attributes spans carry."""
    path = tmp_path / "logs.csv"
    path.write_text(f"{columns}\n{row}\n")
    listed = ", ".join(sorted(columns.split(",")))
    code, out, err = run("usage", path, "--format", "otel")
    assert (code, out) == (2, "")
    assert err == (
        f"error: {path} (read as otel): not OTLP spans but a table, of columns {listed}; "
        f"{OTLP_NEEDS}. Pick the table's format (auto finds it), or read it as generic logs, "
        "naming its columns with --columns ts=...,input=...,output=...[,cached=...,model=...]\n"
    )


def test_openai_usage_json_read_as_otel_is_not_spans(tmp_path: Path) -> None:
    """An OpenAI usage export read with --format otel reported '3 not LLM calls or failed';
    its records are not OTLP spans, and the line says so."""
    buckets = [
        {
            "object": "bucket",
            "start_time": 1_790_812_800 + 86_400 * k,
            "end_time": 1_790_812_800 + 86_400 * (k + 1),
            "results": [{"input_tokens": 1000, "output_tokens": 200, "num_model_requests": 10}],
        }
        for k in range(3)
    ]
    path = tmp_path / "usage.jsonl"
    path.write_text("".join(json.dumps(b) + "\n" for b in buckets))
    assert run("usage", path)[0] == 0  # auto reads it as openai-usage
    code, out, err = run("usage", path, "--format", "otel")
    assert (code, out) == (2, "")
    assert err == (
        f"error: {path} (read as otel): not OTLP spans: none of its 3 records hold "
        f"resourceSpans; {OTLP_NEEDS}. Pick the logs' format (auto finds it)\n"
    )
    path.write_text(json.dumps(buckets[0]) + "\n")  # it read "none of its 1 record holds"
    code, _, err = run("usage", path, "--format", "otel")
    assert (code, err) == (
        2,
        f"error: {path} (read as otel): not OTLP spans: its one record holds no resourceSpans; "
        f"{OTLP_NEEDS}. Pick the logs' format (auto finds it)\n",
    )


# -- messages from a driver --------------------------------------------------------------


def test_a_short_password_is_masked_where_it_stands_not_inside_every_word() -> None:
    """With the password 'p', an unreachable server's message read 'Servname not
    su******orted for ai_sockty***e': every p of it masked. Now the words are kept and the
    password, where it stands alone, still masked; a longer one is masked everywhere."""
    from payback.measure.usage.urls import scrub

    said = "failed to resolve 'h': Servname not supported for ai_socktype; user p:p@h"
    assert scrub(said, "postgresql://u:p@h:x/db") == (
        "failed to resolve 'h': Servname not supported for ai_socktype; user ***:***@h"
    )
    assert scrub("login for xhunter2x failed", "postgresql://u:hunter2@h/db") == (
        "login for x***x failed"
    )


def test_a_csv_header_of_more_columns_than_a_log_has_is_refused_in_a_moment(
    tmp_path: Path,
) -> None:
    """A 389 kB CSV whose header named 50,000 columns took 81 s (a list scanned for each
    name, then DuckDB's reader, whose time grows faster than the columns): now over 10,000
    columns is one line, exit 2, before DuckDB reads it; the names are checked in a set."""
    columns = ["timestamp", "input_tokens", "output_tokens"] + [f"c{i}" for i in range(9_998)]
    path = tmp_path / "wide.csv"
    path.write_text(",".join(columns) + "\n2026-10-01T01:00:00Z,10,5" + "," * 9_998 + "\n")
    assert_user_error(
        *run("usage", path),
        f"error: {path}: a header of 10,001 columns; a log file has at most 10,000",
    )


def test_a_dash_for_standard_input_says_logs_are_read_from_files() -> None:
    """`cat logs.csv | payback usage -` said '-: no such file'."""
    assert_user_error(*run("usage", "-"), "error: -: logs are read from files, not standard input")


def test_a_glob_passes_over_the_scenario_o_wrote_beside_the_logs(tmp_path: Path) -> None:
    """`payback usage 'logs/*' -o logs/scenario.toml` worked once, then failed on the
    scenario it wrote: 'logs/scenario.toml: unknown file type'. Now a file of no log type
    a glob matches is passed over and named in a note; named alone it is still refused."""
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.csv").write_text(LOGS)
    for _ in range(2):
        code, _out, err = run("usage", f"{logs}/*", "-o", logs / "scenario.toml")
        assert code == 0, err
        assert "requests_per_month = 162" in (logs / "scenario.toml").read_text()
    assert f"note: {logs}/scenario.toml: not read, matched by a glob but of no log type" in err
    assert_user_error(
        *run("usage", logs / "scenario.toml"), "scenario.toml: unknown file type; expected .csv"
    )
