"""Request logs where they live: the same generated logs in a CSV file, a DuckDB file, a real
PostgreSQL server (started by conftest.py) and ClickHouse in-process (chdb) give the same
profile; known tables are found by name; OpenTelemetry GenAI spans are read as files and as
tables; the queries print for other dialects (golden SQL); credentials never show; bad
input is one line, exit 2."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
import time
from pathlib import Path
from typing import Any

import pytest

from helpers import assert_user_error, check_golden, run
from payback import PaybackError, profile_usage
from payback.measure.usage import database_sql, profile_database

pytestmark = pytest.mark.slow

UTC = dt.UTC


def generated_rows(seed: int = 7) -> list[dict[str, Any]]:
    """Three months and a half of requests at a rate that grows and swings by the hour, at
    odd microseconds, three models, long-tailed tokens, and a few broken rows."""
    rng = random.Random(seed)
    rows = []
    start = t = dt.datetime(2026, 3, 1, 0, 0, 0, 1234, tzinfo=UTC)
    end = dt.datetime(2026, 6, 17, 5, tzinfo=UTC)
    while t < end:
        busy = 1.0 + 0.8 * math.sin(t.hour / 24 * 2 * math.pi) + (t - start).days / 100
        t += dt.timedelta(microseconds=int(rng.expovariate(busy) * 900e6))
        inp = int(rng.lognormvariate(6.5, 0.9))
        rows.append(
            {
                "ts": t,
                "model": rng.choice(["gpt-4o", "gpt-4o", "gpt-4o-mini", "claude"]),
                "input": inp,
                "output": int(rng.lognormvariate(5, 0.6)),
                "cached": rng.choice([0, 0, inp // 2]),
            }
        )
    rows[10]["input"] = -5  # negative: unreadable
    rows[20]["cached"] = rows[20]["input"] + 1  # more cached than input: unreadable
    return rows


ROWS = generated_rows()


def iso(t: dt.datetime) -> str:
    return t.isoformat()


@pytest.fixture(scope="module")
def logs_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("logs") / "logs.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["timestamp", "model", "input_tokens", "output_tokens", "cached_tokens"])
        for r in ROWS:
            w.writerow([iso(r["ts"]), r["model"], r["input"], r["output"], r["cached"]])
    return path


@pytest.fixture(scope="module")
def expected(logs_csv: Path) -> Any:
    return profile_usage([logs_csv])


def same_percentiles(got: Any, want: Any) -> None:
    """A table's token percentiles come from buckets of three digits (exact below 1,000):
    within 0.5 % of the exact ones the file path computes, equal below 1,000."""
    assert got.keys() == want.keys()
    for field, exact in want.items():
        assert got[field].keys() == exact.keys(), field
        for p, value in exact.items():
            if value < 999:
                assert got[field][p] == value, (field, p)
            else:
                assert got[field][p] == pytest.approx(value, rel=0.005), (field, p)


def same_profile(got: Any, want: Any) -> None:
    """Counts to 1e-9, means (tokens, shares, rates) to 1e-6 relative, token percentiles
    within 0.5 % (:func:`same_percentiles`)."""
    for key, value in want.traffic.items():
        assert got.traffic[key] == pytest.approx(value, rel=1e-6), key
    same_percentiles(got.token_percentiles, want.token_percentiles)
    assert len(got.by_month) == len(want.by_month)
    for g, w in zip(got.by_month, want.by_month, strict=True):
        for key, value in w.items():
            if isinstance(value, float):
                assert g[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
            else:
                assert g[key] == value, key
    assert [m["model"] for m in got.by_model] == [m["model"] for m in want.by_model]
    for g, w in zip(got.by_model, want.by_model, strict=True):
        assert g["requests"] == pytest.approx(w["requests"], rel=1e-9)
        for key in ("share", "input_tokens", "output_tokens", "cached_input_share"):
            assert g[key] == pytest.approx(w[key], rel=1e-6), key
    for key in ("read", "used", "unreadable", "filtered_out"):
        assert got.rows[key] == want.rows[key], key
    assert got.rows["unreadable_why"] == want.rows["unreadable_why"]
    assert got.span == want.span
    assert got.models == want.models


def test_the_oracle_holds_on_the_generated_logs(expected: Any) -> None:
    """The CSV path's own figures, by hand, so the oracle is not only self-consistent."""
    used = [r for r in ROWS if r["input"] >= 0 and r["cached"] <= r["input"]]
    assert expected.rows["used"] == len(used) == len(ROWS) - 2
    assert expected.traffic["input_tokens"] == pytest.approx(
        sum(r["input"] for r in used) / len(used), rel=1e-12
    )
    may = [r for r in used if r["ts"].month == 5]
    assert expected.traffic["requests_per_month"] == pytest.approx(
        len(may) / 31 * 365.25 / 12, rel=1e-12
    )


# -- DuckDB -------------------------------------------------------------------------


def duckdb_file(path: Path, csv_path: Path, table: str = "logs") -> Path:
    import duckdb

    con = duckdb.connect(str(path))
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        f'CREATE TABLE "{table}" AS SELECT CAST(timestamp AS TIMESTAMPTZ) AS created_at, model, '
        "input_tokens AS prompt_tokens, output_tokens AS completion_tokens, "
        f"cached_tokens AS cached_tokens FROM read_csv('{csv_path}')"
    )
    con.execute("CREATE TABLE unrelated (a INTEGER)")
    con.close()
    return path


def test_duckdb_file_gives_the_csv_profile(tmp_path: Path, logs_csv: Path, expected: Any) -> None:
    db = duckdb_file(tmp_path / "logs.duckdb", logs_csv)
    same_profile(profile_database(str(db), table="logs"), expected)
    same_profile(profile_database(f"duckdb://{db}", table="logs"), expected)


# -- PostgreSQL ---------------------------------------------------------------------


def new_database(postgres: Any, name: str) -> str:
    """The URL of an empty database ``name`` on the test server (made anew)."""
    import psycopg

    with psycopg.connect(postgres.url(), autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute(f"CREATE DATABASE {name}")
    return str(postgres.url(db=name))


@pytest.fixture(scope="module")
def pg_logs(postgres: Any, logs_csv: Path) -> str:
    """A database ``logs`` with a generic table and LiteLLM's spend logs (timestamps without
    a zone, as Prisma makes them; an embedding call and a failure that must be left out)."""
    import psycopg

    url = new_database(postgres, "logs")
    with psycopg.connect(url) as con:
        con.execute(
            "CREATE TABLE generic (created_at timestamptz, model text, prompt_tokens bigint, "
            "completion_tokens integer, cached_tokens bigint)"
        )
        with con.cursor().copy("COPY generic FROM STDIN") as copy:
            for r in ROWS:
                copy.write_row([r["ts"], r["model"], r["input"], r["output"], r["cached"]])
        con.execute(
            'CREATE TABLE "LiteLLM_SpendLogs" (request_id text PRIMARY KEY, call_type text, '
            '"startTime" timestamp(6) without time zone, model text, prompt_tokens integer, '
            "completion_tokens integer, metadata jsonb, status text)"
        )
        with con.cursor().copy('COPY "LiteLLM_SpendLogs" FROM STDIN') as copy:
            for i, r in enumerate(ROWS):
                meta = {"usage_object": {"prompt_tokens_details": {"cached_tokens": r["cached"]}}}
                copy.write_row(
                    [
                        f"r{i}",
                        "acompletion",
                        r["ts"].replace(tzinfo=None),
                        r["model"],
                        r["input"],
                        r["output"],
                        json.dumps(meta),
                        "success",
                    ]
                )
            copy.write_row(
                [
                    "e1",
                    "aembedding",
                    ROWS[5]["ts"].replace(tzinfo=None),
                    "emb",
                    10,
                    0,
                    "{}",
                    "success",
                ]
            )
            copy.write_row(
                [
                    "f1",
                    "acompletion",
                    ROWS[6]["ts"].replace(tzinfo=None),
                    "gpt-4o",
                    10,
                    0,
                    "{}",
                    "failure",
                ]
            )
        con.execute(
            'CREATE TABLE spans ("Timestamp" timestamptz, "SpanName" text, "StatusCode" text, '
            '"SpanAttributes" jsonb)'
        )
        with con.cursor().copy("COPY spans FROM STDIN") as copy:
            for r in ROWS:
                attributes = {
                    "gen_ai.request.model": r["model"],
                    "gen_ai.usage.prompt_tokens": r["input"],  # the older names
                    "gen_ai.usage.completion_tokens": str(r["output"]),
                    "gen_ai.usage.cache_read_input_tokens": r["cached"],
                }
                copy.write_row([r["ts"], "chat", "STATUS_CODE_UNSET", json.dumps(attributes)])
            copy.write_row([ROWS[0]["ts"], "GET", "STATUS_CODE_UNSET", "{}"])
            failed = {"gen_ai.usage.input_tokens": 5, "gen_ai.usage.output_tokens": 1}
            copy.write_row([ROWS[0]["ts"], "chat", "STATUS_CODE_ERROR", json.dumps(failed)])
        # Langfuse v2 keeps observations in PostgreSQL (snake_case columns)
        con.execute(
            "CREATE TABLE observations (id text, type text, level text, start_time timestamp(3), "
            "model text, prompt_tokens integer, completion_tokens integer)"
        )
        with con.cursor().copy("COPY observations FROM STDIN") as copy:
            for i, r in enumerate(ROWS[:300]):
                copy.write_row(
                    [
                        f"o{i}",
                        "GENERATION",
                        "DEFAULT",
                        r["ts"].replace(tzinfo=None),
                        r["model"],
                        r["input"],
                        r["output"],
                    ]
                )
            copy.write_row(
                ["s1", "SPAN", "DEFAULT", ROWS[0]["ts"].replace(tzinfo=None), None, 0, 0]
            )
            copy.write_row(
                ["e1", "GENERATION", "ERROR", ROWS[0]["ts"].replace(tzinfo=None), "x", 1, 1]
            )
        con.execute("CREATE TABLE notes (body text)")
    return url


def test_postgres_langfuse_v2_observations(pg_logs: str) -> None:
    got = profile_database(pg_logs, table="observations")
    assert got.format == "langfuse"
    assert got.rows["not_llm_calls_or_failed"] == 2  # a span and an error
    assert got.rows["used"] == 300 - 1  # ROWS[10] has negative input tokens (no cached column)
    used = [r for r in ROWS[:300] if r["input"] >= 0]
    assert got.traffic["output_tokens"] == pytest.approx(
        sum(r["output"] for r in used) / len(used), rel=1e-12
    )


def test_postgres_otel_spans_with_json_attributes(pg_logs: str, expected: Any) -> None:
    got = profile_database(pg_logs, table="spans")
    assert got.format == "otel"
    assert got.rows["not_llm_calls_or_failed"] == 2
    got.rows["read"] -= 2
    same_profile(got, expected)


def test_postgres_generic_table_gives_the_csv_profile(pg_logs: str, expected: Any) -> None:
    got = profile_database(pg_logs, table="generic")
    same_profile(got, expected)
    assert got.format == "generic"


def test_postgres_litellm_is_found_by_name(pg_logs: str, expected: Any) -> None:
    got = profile_database(pg_logs)
    assert got.format == "litellm"
    assert got.rows["not_llm_calls_or_failed"] == 2  # the embedding and the failure
    got.rows["read"] -= 2
    same_profile(got, expected)


def test_postgres_columns_named_and_filters(pg_logs: str, logs_csv: Path) -> None:
    options = {"model": "claude", "since": dt.date(2026, 4, 1), "until": dt.date(2026, 5, 31)}
    got = profile_database(
        pg_logs,
        table="public.generic",
        columns="ts=created_at,input=prompt_tokens,output=completion_tokens,model=model",
        **options,  # type: ignore[arg-type]
    )
    want = profile_usage([logs_csv], **options)  # type: ignore[arg-type]
    # fields not named are found by their common spellings (cached_tokens), as in files
    assert got.traffic["cached_input_share"] == pytest.approx(
        want.traffic["cached_input_share"], rel=1e-6
    )
    assert got.rows["used"] == want.rows["used"]
    assert got.rows["filtered_out"] == want.rows["filtered_out"] > 0
    assert got.traffic["requests_per_month"] == pytest.approx(
        want.traffic["requests_per_month"], rel=1e-9
    )
    assert got.traffic["input_tokens"] == pytest.approx(want.traffic["input_tokens"], rel=1e-6)


def test_postgres_password_from_pgpass_and_env(
    postgres: Any, pg_logs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.url(password=None, db="logs")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{postgres.host}:{postgres.port}:logs:payback:{postgres.password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert profile_database(url, table="generic").rows["used"] == len(ROWS) - 2
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    monkeypatch.setenv("PGPASSWORD", postgres.password)
    assert profile_database(url, table="generic").rows["used"] == len(ROWS) - 2


def test_postgres_queries_run_read_only(pg_logs: str) -> None:
    from payback.measure.usage.engines import connect

    engine = connect(pg_logs)
    try:
        assert engine.rows("SHOW transaction_read_only") == [("on",)]
        assert engine.rows("SHOW statement_timeout") == [("30min",)]
        with pytest.raises(PaybackError, match="read-only transaction"):
            engine.rows("CREATE TABLE x (a int)")
    finally:
        engine.close()


@pytest.mark.parametrize("table", ["generic", "LiteLLM_SpendLogs"])
def test_postgres_table_read_in_parts_gives_the_csv_profile(
    pg_logs: str, expected: Any, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table of many blocks is read in max_parallel_workers_per_gather + 1 = 3 ranges of
    blocks, each on a connection of its own: the parts' aggregates add up to the profile
    of one query (every row read once, none twice)."""
    from payback.measure.usage import engines

    monkeypatch.setattr(engines, "PART_MIN_BLOCKS", 1)
    got = profile_database(pg_logs, table=table)
    assert "in 3 parts (ranges of blocks), one snapshot" in got.notes[0]
    if table != "generic":
        got.rows["read"] -= 2  # the embedding and the failure, not in the CSV
    same_profile(got, expected)


def test_postgres_parts_cover_the_table_once(pg_logs: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from payback.measure.usage import engines
    from payback.measure.usage.tables import Table

    monkeypatch.setattr(engines, "PART_MIN_BLOCKS", 1)
    engine = engines.connect(pg_logs)
    try:
        ((blocks,),) = engine.rows("SELECT pg_relation_size('generic') / 8192")
        parts = engine.parts(Table("public", "generic", default=True))
        assert [p[0] for p in parts if p] == [0, blocks // 3, 2 * blocks // 3]
        assert [p[1] for p in parts if p] == [blocks // 3, 2 * blocks // 3, None]
        assert engine.parts(Table("public", "notes", default=True)) == [None]  # one block
        monkeypatch.setattr(engines, "PART_MIN_BLOCKS", blocks)  # under two parts' worth
        assert engine.parts(Table("public", "generic", default=True)) == [None]
    finally:
        engine.close()


def test_postgres_parts_are_compiled_as_the_whole_query(
    pg_logs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server chooses to optimize JIT code by a query's estimated cost, and a part's is
    a third of the whole query's: the parts' transactions get the server's threshold
    divided by 3 (500,000 by default: 166,667), and no inlining (it cost a part more time
    to compile than it saved); a threshold the server turned off (-1) stays off."""
    from payback.measure.usage import engines
    from payback.measure.usage.tables import Table

    monkeypatch.setattr(engines, "PART_MIN_BLOCKS", 1)
    engine = engines.connect(pg_logs)
    assert isinstance(engine, engines._Postgres)
    try:
        assert len(engine.parts(Table("public", "generic", default=True))) == 3
        settings = engine._part_settings
        assert settings == {"jit_optimize_above_cost": "166667", "jit_inline_above_cost": "-1"}
        part = engine._connect()
        try:
            assert engine._run(part, "SHOW jit_optimize_above_cost") == [("166667",)]
            assert engine._run(part, "SHOW jit_inline_above_cost") == [("-1",)]
            part.rollback()  # the settings were the transaction's alone
            assert part.execute("SHOW jit_optimize_above_cost").fetchone() == ("500000",)
            assert part.execute("SHOW jit_inline_above_cost").fetchone() == ("500000",)
        finally:
            part.close()
        engine.rows("SET jit_optimize_above_cost = -1")
        engine.parts(Table("public", "generic", default=True))
        assert engine._part_settings["jit_optimize_above_cost"] == "-1"
    finally:
        engine.close()


def test_postgres_without_the_table_size_reads_it_whole(
    pg_logs: str, expected: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that cannot tell the table's size (no pg_class, no heap: a database that
    only speaks PostgreSQL's protocol) is read in one query."""
    from payback.measure.usage import engines

    monkeypatch.setattr(engines, "PART_MIN_BLOCKS", 1)
    monkeypatch.setattr(engines, "_PARTS_SQL", "SELECT * FROM no_such_catalog WHERE %s = ''")
    got = profile_database(pg_logs, table="generic")
    assert "parts" not in got.notes[0]
    same_profile(got, expected)


def test_postgres_parts_one_after_the_other_without_more_connections(
    pg_logs: str, expected: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that refuses more connections: the parts run on the one connection, in
    one repeatable-read transaction, and give the same profile."""
    from payback.measure.usage import engines

    monkeypatch.setattr(engines, "PART_MIN_BLOCKS", 1)
    original = engines._Postgres._connect
    opened: list[int] = []

    def one_only(self: Any) -> Any:
        opened.append(1)
        if len(opened) > 1:
            raise PaybackError("too many clients already")
        return original(self)

    monkeypatch.setattr(engines._Postgres, "_connect", one_only)
    got = profile_database(pg_logs, table="generic")
    assert len(opened) == 3  # the first, and the two parts' (opened side by side), refused
    assert "in 3 parts" in got.notes[0]
    same_profile(got, expected)


# -- ClickHouse in-process (chdb) -----------------------------------------------------


@pytest.fixture(scope="module")
def chdb_logs(tmp_path_factory: pytest.TempPathFactory, logs_csv: Path) -> str:
    """A chdb data folder with a generic table, Langfuse v3's observations and OpenTelemetry
    spans as the ClickHouse exporter writes them (``otel_traces``)."""
    chdb_session = pytest.importorskip("chdb.session")
    folder = tmp_path_factory.mktemp("chdb")
    session = chdb_session.Session(str(folder))
    src = f"file('{logs_csv}', 'CSVWithNames', 'timestamp String, model String, input_tokens Int64, output_tokens Int64, cached_tokens Int64')"
    session.query(
        "CREATE TABLE generic (created_at DateTime64(6, 'UTC'), model String, "
        "prompt_tokens Int64, completion_tokens Int64, cached_tokens Int64) "
        "ENGINE = MergeTree ORDER BY created_at"
    )
    session.query(
        "INSERT INTO generic SELECT parseDateTime64BestEffort(timestamp, 6, 'UTC'), model, "
        f"input_tokens, output_tokens, cached_tokens FROM {src}"
    )
    # Langfuse v3's observations: a ReplacingMergeTree on (event_ts, is_deleted), where an
    # observation updated is written again; merges stopped, so the copies stay until read
    session.query(
        "CREATE TABLE observations (id String, type String, level String, is_deleted UInt8, "
        "start_time DateTime64(3, 'UTC'), provided_model_name Nullable(String), "
        "usage_details Map(LowCardinality(String), UInt64), event_ts DateTime64(3)) "
        "ENGINE = ReplacingMergeTree(event_ts, is_deleted) ORDER BY id"
    )
    session.query("SYSTEM STOP MERGES observations")
    session.query(
        "INSERT INTO observations SELECT toString(rowNumberInAllBlocks()), 'GENERATION', "
        "'DEFAULT', 0, parseDateTime64BestEffort(timestamp, 3, 'UTC'), model, "
        "map('input', greatest(input_tokens - cached_tokens, 0), 'input_cached_tokens', cached_tokens, 'output', output_tokens), "
        "parseDateTime64BestEffort(timestamp, 3, 'UTC') "
        f"FROM {src} WHERE input_tokens >= 0 AND cached_tokens <= input_tokens"
    )
    session.query(  # every tenth observation updated later (the same usage): written twice
        "INSERT INTO observations SELECT id, type, level, 0, start_time, provided_model_name, "
        "usage_details, event_ts + INTERVAL 5 SECOND FROM observations WHERE toUInt64(id) % 10 = 0"
    )
    session.query(  # one observation written, then deleted
        "INSERT INTO observations VALUES ('gone', 'GENERATION', 'DEFAULT', 0, "
        "'2026-05-10 12:00:00', 'gpt-4o', map('input', 900000, 'output', 900000), '2026-05-10 12:00:00')"
    )
    session.query(
        "INSERT INTO observations VALUES ('gone', 'GENERATION', 'DEFAULT', 1, "
        "'2026-05-10 12:00:00', 'gpt-4o', map('input', 900000, 'output', 900000), '2026-05-10 12:01:00')"
    )
    session.query(
        "CREATE TABLE otel_traces (Timestamp DateTime64(9), TraceId String, SpanName String, "
        "StatusCode LowCardinality(String), SpanAttributes Map(LowCardinality(String), String)) "
        "ENGINE = MergeTree ORDER BY Timestamp"
    )
    session.query(
        "INSERT INTO otel_traces SELECT parseDateTime64BestEffort(timestamp, 9, 'UTC'), 't', 'chat', "
        "'Unset', map('gen_ai.request.model', model, 'gen_ai.usage.input_tokens', toString(input_tokens), "
        "'gen_ai.usage.output_tokens', toString(output_tokens), "
        "'gen_ai.usage.cache_read.input_tokens', toString(cached_tokens)) "
        f"FROM {src}"
    )
    session.query(
        "CREATE TABLE request_response_rmt (request_id UUID, request_created_at DateTime64(3), "
        "status Int32, model String, prompt_tokens Int64, completion_tokens Int64, "
        "prompt_cache_read_tokens Int64) ENGINE = ReplacingMergeTree ORDER BY request_id"
    )
    session.query(
        "INSERT INTO request_response_rmt SELECT generateUUIDv4(), "
        "parseDateTime64BestEffort(timestamp, 3, 'UTC'), 200, model, input_tokens, output_tokens, "
        f"cached_tokens FROM {src}"
    )
    session.query(
        "INSERT INTO request_response_rmt VALUES (generateUUIDv4(), now64(3), 500, 'x', 1, 1, 0)"
    )
    session.query(
        "INSERT INTO otel_traces VALUES (now64(9), 't', 'http', 'Unset', map('http.method', 'GET')),"
        " (now64(9), 't', 'chat', 'Error', map('gen_ai.usage.input_tokens', '10', 'gen_ai.usage.output_tokens', '1'))"
    )
    session.close()
    return f"chdb://{folder}"


def test_chdb_generic_table_gives_the_csv_profile(chdb_logs: str, expected: Any) -> None:
    same_profile(profile_database(chdb_logs, table="generic"), expected)


def test_chdb_otel_spans_give_the_csv_profile(chdb_logs: str, expected: Any) -> None:
    got = profile_database(chdb_logs, table="otel_traces")
    assert got.format == "otel"
    assert got.rows["not_llm_calls_or_failed"] == 2  # the HTTP span and the failed call
    got.rows["read"] -= 2
    same_profile(got, expected)


def test_chdb_langfuse_v3_is_found_by_name(chdb_logs: str, expected: Any) -> None:
    """Read FINAL, as Langfuse reads its observations: an observation written twice (not
    yet merged) counts once, and one deleted (its last version is_deleted) not at all."""
    got = profile_database(chdb_logs)  # observations is found before otel_traces
    assert got.format == "langfuse"
    assert got.rows["used"] == expected.rows["used"]
    for key in ("requests_per_month", "input_tokens", "output_tokens", "cached_input_share"):
        assert got.traffic[key] == pytest.approx(expected.traffic[key], rel=1e-6), key
    same_percentiles(got.token_percentiles, expected.token_percentiles)
    # the copies were there when it was read (merges stopped; a merge cannot be undone)
    session = pytest.importorskip("chdb.session").Session(chdb_logs.split("://", 1)[1])
    try:
        rows = session.query("SELECT count(), uniqExact(id) FROM observations", "CSV").bytes()
    finally:
        session.close()
    written, distinct = (int(x) for x in rows.decode().split(","))
    assert written == distinct + expected.rows["used"] // 10 + 1 + 1


def test_chdb_helicone_requests(chdb_logs: str, expected: Any) -> None:
    got = profile_database(chdb_logs, table="request_response_rmt")
    assert got.format == "helicone"
    assert got.rows["not_llm_calls_or_failed"] == 1  # the failed request
    assert got.rows["used"] == expected.rows["used"]
    # times kept to the millisecond: the same months and means
    for key in ("requests_per_month", "input_tokens", "output_tokens", "cached_input_share"):
        assert got.traffic[key] == pytest.approx(expected.traffic[key], rel=1e-6), key


@pytest.mark.parametrize(("step", "grain"), [("1 day", 86400.0), ("1 hour", 3600.0)])
def test_times_on_the_day_or_hour_read_as_files_are(
    tmp_path: Path, step: str, grain: float
) -> None:
    """Times all at midnight (or all on the hour) stand for that day (hour), from a table as
    from a file: an hour's rows are on the hour when its last time is."""
    import duckdb

    db = tmp_path / "grain.duckdb"
    con = duckdb.connect(str(db))
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE TABLE logs AS SELECT t AS created_at, 100 + (i % 7) AS prompt_tokens, "
        "20 AS completion_tokens FROM (SELECT unnest(generate_series(TIMESTAMPTZ "
        f"'2026-03-01 00:00:00+00', TIMESTAMPTZ '2026-05-31 23:00:00+00', INTERVAL '{step}')) "
        "AS t, unnest(range(0, 100000)) AS i) WHERE t IS NOT NULL"
    )
    csv_path = tmp_path / "grain.csv"
    con.execute(
        f"COPY (SELECT created_at AS timestamp, prompt_tokens AS input_tokens, "
        f"completion_tokens AS output_tokens FROM logs) TO '{csv_path}' (HEADER)"
    )
    con.close()
    got = profile_database(str(db), table="logs")
    want = profile_usage([csv_path])
    assert got.span["bucket_seconds"] == want.span["bucket_seconds"] == grain
    assert ("peak_to_average" in got.traffic) == ("peak_to_average" in want.traffic)
    assert got.traffic["requests_per_month"] == pytest.approx(
        want.traffic["requests_per_month"], rel=1e-9
    )


# -- OpenTelemetry OTLP JSON files ------------------------------------------------------


def otlp_span(r: dict[str, Any], status: int = 0, k: int = 0) -> dict[str, Any]:
    """Row ``r`` as a span, its span id ``k`` (a span's ids are its own: one exported twice
    is one request)."""
    ns = str(int(r["ts"].timestamp()) * 1_000_000_000 + r["ts"].microsecond * 1000)
    return {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "spanId": f"{k:016x}",
        "name": f"chat {r['model']}",
        "kind": 3,
        "startTimeUnixNano": ns,
        "endTimeUnixNano": ns,
        "attributes": [
            {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
            {"key": "gen_ai.request.model", "value": {"stringValue": r["model"]}},
            {"key": "gen_ai.usage.input_tokens", "value": {"intValue": str(r["input"])}},
            {"key": "gen_ai.usage.output_tokens", "value": {"intValue": r["output"]}},
            {
                "key": "gen_ai.usage.cache_read.input_tokens",
                "value": {"intValue": str(r["cached"])},
            },
        ],
        "status": {"code": status},
    }


def test_otlp_json_files_give_the_csv_profile(tmp_path: Path, expected: Any) -> None:
    path = tmp_path / "traces.jsonl"
    with path.open("w") as f:
        for start in range(0, len(ROWS), 500):
            spans = [otlp_span(r, k=start + i) for i, r in enumerate(ROWS[start : start + 500])]
            if start == 0:  # a span that is no LLM call, and a failed call
                spans.append({"name": "GET /", "startTimeUnixNano": "1", "attributes": []})
                spans.append(otlp_span(ROWS[0], status=2, k=len(ROWS)))
            batch = {
                "resourceSpans": [
                    {
                        "resource": {
                            "attributes": [{"key": "service.name", "value": {"stringValue": "app"}}]
                        },
                        "scopeSpans": [{"scope": {"name": "openai"}, "spans": spans}],
                    }
                ]
            }
            f.write(json.dumps(batch) + "\n")
    got = profile_usage([path])
    assert got.format == "otel"
    assert got.rows["not_llm_calls_or_failed"] == 2
    got.rows["read"] -= 2
    same_profile(got, expected)


# -- printing the queries ------------------------------------------------------------------


@pytest.mark.parametrize(
    "dialect", ["postgres", "clickhouse", "bigquery", "snowflake", "spark", "trino"]
)
def test_dialect_printer_golden(dialect: str) -> None:
    code, out, err = run("usage", "--sql", "--dialect", dialect, "--table", "LiteLLM_SpendLogs")
    assert code == 0, err
    check_golden(f"usage_sql_litellm_{dialect}.sql", out)
    import sqlglot

    # what is printed parses as that dialect's SQL, and reads the table once
    tree = sqlglot.parse_one(out, read=dialect)
    assert [t.name for t in tree.find_all(sqlglot.exp.Table)] == ["LiteLLM_SpendLogs"]


def test_printed_sql_runs_on_duckdb(tmp_path: Path, logs_csv: Path) -> None:
    import duckdb

    db = duckdb_file(tmp_path / "logs.duckdb", logs_csv)
    text = database_sql(
        "duckdb", table="logs", columns="ts=created_at,input=prompt_tokens,output=completion_tokens"
    )
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(text.rstrip().rstrip(";")).fetchall()
    assert sum(r[6] for r in rows if r[0] == 7) == len(ROWS)  # every row in an hour group


# -- safety ------------------------------------------------------------------------------


def test_password_never_printed(postgres: Any, pg_logs: str) -> None:
    wrong = postgres.url(password="Wr0ng-pass", db="logs")
    code, out, err = run("usage", wrong)
    assert_user_error(
        code,
        out,
        err,
        "login refused",
        "; the password is read from the URL, PGPASSWORD or ~/.pgpass",
    )
    assert "Wr0ng-pass" not in err
    assert "payback:***@" in err
    code, out, err = run("usage", pg_logs, "--sql", "--dialect", "postgres", "--table", "generic")
    assert code == 0, err
    assert postgres.password not in out
    assert "payback:***@" in out
    code, out, err = run("usage", pg_logs, "--table", "missing")
    assert_user_error(
        code,
        out,
        err,
        "tables that look like logs: LiteLLM_SpendLogs, generic, observations, spans",
    )
    assert postgres.password not in err
    assert "notes" not in err  # a table that does not look like logs


def test_unreachable_server_is_one_line(postgres: Any) -> None:
    url = f"postgresql://payback:pw-123@127.0.0.1:{postgres.port + 1}/logs"
    code, out, err = run("usage", url)
    assert_user_error(code, out, err, "cannot reach the server")
    assert "pw-123" not in err
    code, out, err = run("usage", "clickhouse://u:topsecret@127.0.0.1:1/db")
    assert_user_error(code, out, err, "cannot reach the server")
    assert "topsecret" not in err


def test_an_unreachable_clickhouse_is_one_line_in_a_terminal() -> None:
    """As a command in a terminal (no logging set up): the driver's own warning stays out."""
    import os
    import subprocess
    import sys

    pytest.importorskip("clickhouse_connect")
    src = str(Path(__file__).resolve().parents[2] / "src")
    done = subprocess.run(
        [sys.executable, "-m", "payback", "usage", "clickhouse://u:topsecret@127.0.0.1:1/db"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": src},
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: clickhouse://u:***@127.0.0.1:1/db: cannot reach the server")
    assert "topsecret" not in done.stderr


def test_a_missing_database_is_not_a_refused_login(postgres: Any) -> None:
    """A database that is not there, or none named (libpq then tries the user's name), is
    said as such: the login itself was fine."""
    code, out, err = run("usage", postgres.url(db="nosuchdb"))
    assert_user_error(code, out, err, "the server has no database 'nosuchdb'")
    assert "login refused" not in err
    assert postgres.password not in err
    code, out, err = run("usage", postgres.url().rsplit("/", 1)[0])
    assert_user_error(code, out, err, "the URL names no database (postgresql://user@host:port/")
    assert "login refused" not in err
    assert postgres.password not in err


def test_a_query_past_the_statement_timeout_says_so(
    pg_logs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    with psycopg.connect(pg_logs) as con:
        con.execute(
            "CREATE OR REPLACE VIEW slow AS SELECT now() AS created_at, 1 AS prompt_tokens, "
            "1 AS completion_tokens FROM (SELECT pg_sleep(3)) AS s"
        )
    monkeypatch.setenv("PAYBACK_STATEMENT_TIMEOUT", "1")
    try:
        code, out, err = run("usage", pg_logs, "--table", "slow")
    finally:
        with psycopg.connect(pg_logs) as con:
            con.execute("DROP VIEW slow")
    assert_user_error(
        code, out, err, "the query ran past the statement timeout of 1 s (PAYBACK_STATEMENT_TIMEOUT"
    )


def _through(bouncer: Any) -> str:
    """The URL of the ``logs`` database through PgBouncer."""
    return str(bouncer.url(db="logs"))


@pytest.mark.parametrize("table", ["generic", "LiteLLM_SpendLogs"])
def test_through_pgbouncer_the_profile_is_the_csv_one(
    pgbouncer: Any, pg_logs: str, expected: Any, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PgBouncer refuses a client's startup ``options`` by default; through it, in
    transaction and in session pooling, the table is read in 3 parts that share one
    snapshot, each part a transaction of its own on a pooled server connection."""
    from payback.measure.usage import engines

    monkeypatch.setattr(engines, "PART_MIN_BLOCKS", 1)
    got = profile_database(_through(pgbouncer), table=table)
    assert "in 3 parts (ranges of blocks), one snapshot" in got.notes[0]
    if table != "generic":
        got.rows["read"] -= 2  # the embedding and the failure, not in the CSV
    same_profile(got, expected)


def test_through_pgbouncer_the_timeout_and_read_only_hold(
    pgbouncer: Any, pg_logs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each transaction sets its statement timeout, time zone and work_mem for itself, as
    its first statement: they hold through the pooler, which refuses them as startup
    ``options``, and the query past the timeout is one line."""
    from payback.measure.usage.engines import connect

    monkeypatch.setenv("PAYBACK_STATEMENT_TIMEOUT", "1")
    engine = connect(_through(pgbouncer))
    try:
        assert engine.rows("SHOW statement_timeout") == [("1s",)]
        assert engine.rows("SHOW TimeZone") == [("UTC",)]
        assert engine.rows("SHOW work_mem") == [("256MB",)]
        with pytest.raises(PaybackError, match="read-only transaction"):
            engine.rows("CREATE TABLE x (a int)")
        with pytest.raises(PaybackError, match="statement timeout of 1 s"):
            engine.rows("SELECT pg_sleep(3)")
    finally:
        engine.close()


def test_a_pooler_short_of_connections_for_the_parts_is_not_waited_on(
    short_pgbouncer: Any, pg_logs: str, expected: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pooler with 2 server connections for 3 parts: the parts begin (in the snapshot the
    first exported) before any runs, so the last waits in the pooler's queue for a
    connection the others hold until they end. It is not waited on for the pooler's
    ``query_wait_timeout`` (60 s here; 120 s by PgBouncer's default): after
    ``PART_WAIT_S`` the parts run on the connections that got in (the first and one
    more), in the same snapshot, and the profile is the same."""
    from payback.measure.usage import engines

    monkeypatch.setattr(engines, "PART_MIN_BLOCKS", 1)
    monkeypatch.setattr(engines, "PART_WAIT_S", 5.0)  # room to connect under load
    got_in: list[int] = []
    original = engines._Postgres._in_snapshot

    def counted(self: Any, snapshot: str, count: int) -> list[Any]:
        cons = original(self, snapshot, count)
        got_in.append(len(cons))
        return cons

    monkeypatch.setattr(engines._Postgres, "_in_snapshot", counted)
    started = time.monotonic()
    got = profile_database(_through(short_pgbouncer), table="generic")
    took = time.monotonic() - started
    assert took < 30, f"{took:.0f} s: waited on the pooler's queue"
    assert got_in == [1]  # of the 2 more the 3 parts asked for
    assert "in 3 parts (ranges of blocks), one snapshot" in got.notes[0]
    same_profile(got, expected)


def test_a_prisma_url_as_litellm_has_it_reads_the_schema_it_names(pg_logs: str) -> None:
    """LiteLLM reaches its database through Prisma: its DATABASE_URL may carry Prisma's own
    arguments, which libpq refuses ("invalid URI query parameter"). They are left out, and
    ``schema`` is searched first: its LiteLLM_SpendLogs is read, not public's."""
    import psycopg

    with psycopg.connect(pg_logs, autocommit=True) as con:
        con.execute('CREATE SCHEMA "Lite llm"')
        con.execute(
            'CREATE TABLE "Lite llm"."LiteLLM_SpendLogs" AS '
            'SELECT * FROM "LiteLLM_SpendLogs" ORDER BY request_id LIMIT 100'
        )
    prisma = "schema=Lite%20llm&connection_limit=1&pool_timeout=0&pgbouncer=true"
    try:
        got = profile_database(f"{pg_logs}?{prisma}&socket_timeout=60&statement_cache_size=0")
        plain = profile_database(pg_logs)
    finally:
        with psycopg.connect(pg_logs, autocommit=True) as con:
            con.execute('DROP SCHEMA "Lite llm" CASCADE')
    assert got.rows["read"] == 100
    assert plain.rows["read"] == len(ROWS) + 2  # public's: the embedding and the failure too
    assert got.rows["used"] < plain.rows["used"]


def test_a_partitioned_table_is_read_whole_and_its_partitions_not_listed(postgres: Any) -> None:
    """A table partitioned by month: the parent is the one table that looks like logs (its
    partitions are neither listed nor picked), and a partition named is read alone."""
    import psycopg

    url = new_database(postgres, "parted")
    with psycopg.connect(url) as con:
        con.execute(
            "CREATE TABLE requests (created_at timestamptz NOT NULL, prompt_tokens int, "
            "completion_tokens int) PARTITION BY RANGE (created_at)"
        )
        for name, low, high in [
            ("requests_m4", "04-01", "05-01"),
            ("requests_m5", "05-01", "06-01"),
        ]:
            con.execute(
                f"CREATE TABLE {name} PARTITION OF requests "
                f"FOR VALUES FROM ('2026-{low}') TO ('2026-{high}')"
            )
        con.execute(  # a request an hour through April and May
            "INSERT INTO requests SELECT t, 100, 10 FROM generate_series("
            "timestamptz '2026-04-01 00:00+00', '2026-05-31 23:00+00', '1 hour') AS t"
        )
    got = profile_database(url)
    assert got.rows["used"] == (30 + 31) * 24
    assert got.notes[0].startswith("read requests (no known table; the one that looks like logs)")
    code, out, err = run("usage", url, "--table", "nope")
    assert_user_error(code, out, err, "tables that look like logs: requests\n")
    assert profile_database(url, table="requests_m5").rows["used"] == 31 * 24


def test_postgres_hashes_the_groups_in_three_tables_however_large_the_table(
    postgres: Any,
) -> None:
    """The hour (with the row's status) and the model are one key, so a row is looked up
    in three hash tables, not four (each a tenth of the query's time on 10 million rows);
    that key is two columns of a fenced subquery, so the planner guesses 40,000 groups
    and hashes them even where it believes the table holds a billion rows (as three
    expressions it guessed a tenth of the rows and sorted them). The hours and statuses
    come back as before: a row without a time (no hour) and one before 1970 (a negative
    hour) each in their own."""
    import psycopg

    from payback.measure.usage import parse_columns
    from payback.measure.usage.engines import connect
    from payback.measure.usage.tables import USED, Table, profile_query

    url = new_database(postgres, "huge")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(
            "CREATE TABLE requests (created_at timestamptz, model text, prompt_tokens int, "
            "completion_tokens int)"
        )
        con.execute(
            "INSERT INTO requests VALUES ('2026-04-01 10:15+00', 'a', 1234, 10), "
            "('2026-04-01 10:45+00', 'b', 100, 20), (NULL, 'a', 5, 5), "
            "('1969-12-31 22:30+00', 'a', 5, 5)"
        )
        con.execute("ANALYZE requests")
        con.execute(  # a billion rows a page, as the planner reads the statistics
            "UPDATE pg_class SET reltuples = 1e9, relpages = 1 WHERE relname = 'requests'"
        )
    table = Table(
        "public",
        "requests",
        {
            "created_at": "timestamp with time zone",
            "model": "text",
            "prompt_tokens": "integer",
            "completion_tokens": "integer",
        },
        default=True,
    )
    columns = parse_columns(
        "ts=created_at,input=prompt_tokens,output=completion_tokens,model=model"
    )
    query = profile_query(table, "generic", columns, dialect="postgres")
    engine = connect(url)
    try:
        plan = "\n".join(line for (line,) in engine.rows("EXPLAIN " + query))
        rows = engine.rows(query)
    finally:
        engine.close()
    assert "Sort" not in plan, plan
    assert plan.count("Hash Key:") == 3 + 4, plan  # the scan's three, then the four added up
    april = int(dt.datetime(2026, 4, 1, 10, tzinfo=dt.UTC).timestamp()) // 3600
    hours = {(r[1], r[2]): r[6] for r in rows if r[0] == 7}
    assert hours == {(None, 1): 1, (-1, 2): 1, (april, USED): 2}
    models = sorted((r[5], r[6]) for r in rows if r[0] == 14 and r[5] is not None)
    assert models == [("a", 1), ("b", 1)]
    buckets = sorted((r[3], r[6]) for r in rows if r[0] == 11 and r[3] is not None)
    assert buckets == [(100.0, 1), (1230.0, 1)]


@pytest.mark.parametrize(
    ("pg_type", "duck_type"),
    [("timestamptz", "TIMESTAMPTZ"), ("timestamp", "TIMESTAMP"), ("date", "DATE")],
)
def test_postgres_keeps_a_time_in_its_type_and_gives_duckdbs_rows(
    postgres: Any, tmp_path: Path, pg_type: str, duck_type: str
) -> None:
    """PostgreSQL reads a time column as a time until after grouping (``date_part`` a row
    cost a sixth of the query), where DuckDB reads microseconds: the same rows come back,
    key by key, for a time with and without a zone and a date, with the filters' edges, an
    hour before 1970 (rounded toward 1970), rows without a time and infinite ones."""
    import duckdb
    import psycopg

    from payback.measure.usage import parse_columns
    from payback.measure.usage.engines import connect
    from payback.measure.usage.tables import FILTERED, USED, Table, profile_query

    times: list[str | None] = [
        "2026-04-01 10:15:00",
        "2026-04-01 11:00:00",  # on the hour
        "2026-04-02 23:59:59.999999",  # the last instant inside the filters
        "2026-04-03 00:00:00",  # the first after them
        "2026-03-31 23:59:59",  # before them
        "1969-12-31 22:30:00",  # hour -1 (toward 1970), not -2
        "1969-12-31 22:00:00",  # hour -2
        "2199-12-31 23:00:00",  # the last readable hour, outside the filters
        "2200-01-01 00:00:00",  # not readable
        "infinity",
        "-infinity",
        None,
    ]
    rows = [(t, "m" if i % 2 else "n", 100 + i, 10 + i) for i, t in enumerate(times)]
    url = new_database(postgres, f"clock_{pg_type}")
    create = "CREATE TABLE requests (created_at {}, model text, prompt_tokens int, completion_tokens int)"
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(create.format(pg_type))
        for row in rows:
            con.execute("INSERT INTO requests VALUES (%s, %s, %s, %s)", row)
    duck = tmp_path / "clock.duckdb"
    with duckdb.connect(str(duck)) as con:
        con.execute(create.format(duck_type).replace("text", "VARCHAR"))
        con.executemany(f"INSERT INTO requests VALUES (?::{duck_type}, ?, ?, ?)", rows)
    columns = parse_columns(
        "ts=created_at,input=prompt_tokens,output=completion_tokens,model=model"
    )
    got, queries = {}, {}
    for engine_url, schema, dialect, kind in (
        (url, "public", "postgres", pg_type),
        (f"duckdb:///{duck}", "main", "duckdb", duck_type),
    ):
        table = Table(
            schema,
            "requests",
            {
                "created_at": kind,
                "model": "text",
                "prompt_tokens": "integer",
                "completion_tokens": "integer",
            },
            default=True,
        )
        query = profile_query(
            table,
            "generic",
            columns,
            since=dt.date(2026, 4, 1),
            until=dt.date(2026, 4, 2),
            dialect=dialect,
        )
        queries[dialect] = query
        engine = connect(engine_url)
        try:
            got[dialect] = sorted(engine.rows(query), key=repr)
        finally:
            engine.close()
    assert [tuple(r) for r in got["postgres"]] == [tuple(r) for r in got["duckdb"]]
    # the query --sql prints gives the same rows in a session of another time zone (a date
    # was taken to a time in the session's zone: its day's requests in other hours)
    with psycopg.connect(url) as con:
        con.execute("SET TimeZone = 'Asia/Kolkata'")
        elsewhere = sorted(con.execute(queries["postgres"].encode()).fetchall(), key=repr)
    assert elsewhere == got["postgres"]
    hours = {(r[1], r[2]): r[6] for r in got["postgres"] if r[0] == 7}
    april = int(dt.datetime(2026, 4, 1, tzinfo=dt.UTC).timestamp()) // 3600
    end = int(dt.datetime(2200, 1, 1, tzinfo=dt.UTC).timestamp()) // 3600
    if pg_type == "date":  # a date is its midnight
        assert hours == {
            (None, 1): 3,
            (april, USED): 2,
            (april + 24, USED): 1,
            (april + 48, FILTERED): 1,
            (april - 24, FILTERED): 1,
            (-24, 2): 2,
            (end - 24, FILTERED): 1,
            (end, 2): 1,
        }
    else:
        assert hours == {
            (None, 1): 3,
            (april + 10, USED): 1,
            (april + 11, USED): 1,
            (april + 47, USED): 1,
            (april + 48, FILTERED): 1,
            (april - 1, FILTERED): 1,
            (-1, 2): 1,
            (-2, 2): 1,
            (end - 1, FILTERED): 1,
            (end, 2): 1,
        }


def test_missing_column_is_one_line(pg_logs: str) -> None:
    code, out, err = run(
        "usage",
        pg_logs,
        "--table",
        "generic",
        "--columns",
        "ts=nope,input=prompt_tokens,output=completion_tokens",
    )
    assert_user_error(code, out, err, "'nope' is not a column of generic")
    code, out, err = run("usage", pg_logs, "--table", "notes")
    assert_user_error(code, out, err, "no time / input-token / output-token column among")


def test_injection_through_table_and_columns(pg_logs: str) -> None:
    import psycopg

    evil_table = 'generic"; DROP TABLE generic; --'
    code, out, err = run("usage", pg_logs, "--table", evil_table)
    assert_user_error(code, out, err, "not a table")
    evil_column = 'created_at"); DROP TABLE generic; --'
    code, out, err = run(
        "usage",
        pg_logs,
        "--table",
        "generic",
        "--columns",
        f"ts={evil_column},input=prompt_tokens,output=completion_tokens",
    )
    assert_user_error(code, out, err, "is not a column of generic")
    # names with quotes, semicolons and spaces are read as names, quoted
    with psycopg.connect(pg_logs) as con:
        con.execute('CREATE TABLE "we""ird; table" ("t""s" timestamptz, "in put" int, "out" int)')
        con.execute("""INSERT INTO "we""ird; table" VALUES ('2026-01-01 10:00+00', 5, 7)""")
    try:
        got = profile_database(
            pg_logs, table='we"ird; table', columns='ts=t"s,input=in put,output=out'
        )
        assert got.traffic["input_tokens"] == 5.0
        assert got.traffic["output_tokens"] == 7.0
    finally:
        with psycopg.connect(pg_logs) as con:
            con.execute('DROP TABLE "we""ird; table"')
    with psycopg.connect(pg_logs) as con:
        assert con.execute("SELECT count(*) FROM generic").fetchone() == (len(ROWS),)


def test_usage_url_writes_the_scenario(pg_logs: str, tmp_path: Path, expected: Any) -> None:
    from payback import load_scenario

    out_path = tmp_path / "scenario.toml"
    code, out, err = run("usage", pg_logs, "--table", "generic", "-o", str(out_path))
    assert code == 0, err
    assert "Wrote" in out
    assert "Traffic from postgresql://payback:***@" in out
    assert ", table generic, generic format" in out
    traffic = load_scenario(out_path).traffic
    # the scenario keeps whole requests and tokens
    assert traffic.requests_per_month == round(expected.traffic["requests_per_month"])
    assert traffic.input_tokens == pytest.approx(expected.traffic["input_tokens"], abs=0.5)


def test_database_options_with_files_are_refused(logs_csv: Path) -> None:
    assert_user_error(*run("usage", str(logs_csv), "--table", "x"), "--table")
    assert_user_error(*run("usage", "--sql", "--dialect", "nosuch"), "dialect")


def test_no_known_table_lists_the_log_like_ones(tmp_path: Path, logs_csv: Path) -> None:
    import duckdb

    db = duckdb_file(tmp_path / "logs.duckdb", logs_csv, table="requests")
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE requests_old AS SELECT * FROM requests LIMIT 5")
    code, out, err = run("usage", db)
    assert_user_error(
        code,
        out,
        err,
        "no table of known logs found (looked for LiteLLM_SpendLogs, ",
        "); name one with --table (and --columns ts=...,input=...,output=...); "
        "tables that look like logs: requests, requests_old\n",
    )


def test_the_one_table_that_looks_like_logs_is_read(
    tmp_path: Path, logs_csv: Path, expected: Any
) -> None:
    """No known table, and one that looks like logs (the other is not): that one is read,
    as generic logs, and the note says so, and how (one read-only query)."""
    db = duckdb_file(tmp_path / "logs.duckdb", logs_csv, table="requests")
    got = profile_database(str(db))
    same_profile(got, expected)
    assert got.notes[0].startswith(
        "read requests (no known table; the one that looks like logs) as generic logs on "
        "duckdb in one read-only query ("
    )
    assert (
        profile_database(str(db), table="requests")
        .notes[0]
        .startswith("read requests as generic logs on duckdb in one read-only query (")
    )


def chdb_from_parquet(folder: Path, table: str, columns: str, parquet: Path) -> str:
    """A chdb database in ``folder`` with ``table`` (``columns``: ClickHouse's) holding the
    rows of a Parquet file; its URL."""
    chdb_session = pytest.importorskip("chdb.session")
    session = chdb_session.Session(str(folder))
    session.query(f"CREATE TABLE {table} ({columns}) ENGINE = MergeTree ORDER BY tuple()")
    session.query(f"INSERT INTO {table} SELECT * FROM file('{parquet}', Parquet)")
    session.close()
    return f"chdb://{folder}"


ODD_TIMES = [
    "2026-10-01 10:00:00+02",
    "2026-10-01T08:30:00Z",
    "2026-10-01T08:30:00.123456789Z",
    "2026-10-01",
    " 2026-10-01 08:00 ",
    "2026-10-01 08:00:00 UTC",
    "2026-10-01 08:00:00+0530",
    "2026-10-01 8:00",
    "1790000000",  # seconds since 1970 as text: a time, as files read it
    "yesterday",  # PostgreSQL reads it; DuckDB does not
    "2026-13-45 10:00",
    "2026-02-30",
    "not a time",
    "0001-01-01T00:00:00Z",  # Go's unset time: before 1970 (it was no time on the engines)
    "0000-01-01",  # before 1970, as DuckDB reads it (PostgreSQL has no year 0, ClickHouse
    # read this year)
    "2026-10-01 08:00:00 +02",  # one space before an offset: read everywhere (DuckDB's
    # cast reads it once the space is taken out)
    "2026-10-01 08:00:00z",  # DuckDB reads no small z (the engines do): no time anywhere
    "1900-02-29",  # no such day (1900 was no leap year)
    "2026-10-01 04:00:00 America/New_York",  # read everywhere (DuckDB alone read these four)
    "2026-10-01 08:00:00 GMT",
    "2026/10/01 08:00:00",
    "2026-09-30 24:00:00",
    "12026-10-01",  # no time everywhere (DuckDB: a time after 2199)
    "2026-10-01 08:00:00 EST",  # no time everywhere (DuckDB alone read these two)
    "2026-10-01 08:00:00 GMT+2",
    "2026-10-01 08:00:00 Nowhere/Land",  # no time (PostgreSQL's cast fails on it)
    None,
]
ODD_NUMBERS = ["100", " 1e2 ", "1e999", "9" * 400, "abc", "-3", "1.5e9", "1_000", None]
"""(DuckDB's cast reads 1_000 as 1000, PostgreSQL's and ClickHouse's as no number: no
number on every path)"""


def test_text_that_postgresql_cannot_cast_is_an_unusable_row_not_a_failed_query(
    pg_logs: str, tmp_path: Path
) -> None:
    """Times and token counts stored as text: a value PostgreSQL's cast would fail on (a
    13th month, February 30, 1e999) ends no query; the rows are counted as unusable, by
    reason, and the same as DuckDB (and a file of the same rows) counts them: a year of
    leading zeros is a time before 1970 on every engine, and text DuckDB reads as no time
    (a small z) is none on PostgreSQL and ClickHouse too. A zone's name,
    ``GMT``, slashes and ``24:00`` are read on every engine (DuckDB alone read them); a
    five-digit year, an abbreviation and ``GMT+2`` are no time on every engine (DuckDB read
    them), and so is a zone's name no engine knows (PostgreSQL's cast would fail on it);
    JSON lines and Parquet files of the rows give the same (test_usage_time_forms.py)."""
    import duckdb
    import psycopg

    rows = [(t, n, 10) for t in ODD_TIMES for n in ODD_NUMBERS]
    with psycopg.connect(pg_logs) as con:
        con.execute(
            "CREATE TABLE odd_text (created_at text, prompt_tokens text, completion_tokens int)"
        )
        with con.cursor().copy("COPY odd_text FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    db = tmp_path / "odd.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "CREATE TABLE odd_text (created_at VARCHAR, prompt_tokens VARCHAR, "
            "completion_tokens INTEGER)"
        )
        con.executemany("INSERT INTO odd_text VALUES (?, ?, ?)", rows)
    try:
        got = profile_database(pg_logs, table="odd_text")
    finally:
        with psycopg.connect(pg_logs) as con:
            con.execute("DROP TABLE odd_text")
    want = profile_database(str(db), table="odd_text")
    # 14 times read, 2 token counts used each (100 and 1e2)
    assert got.rows["used"] == want.rows["used"] == 28
    assert got.rows["unreadable_why"] == want.rows["unreadable_why"]
    assert got.rows["unreadable_why"]["no time that reads as a date"] == 11 * len(ODD_NUMBERS)
    assert got.rows["unreadable_why"]["a time before 1970 or after 2199"] == 2 * len(ODD_NUMBERS)
    assert got.traffic == want.traffic
    # ClickHouse's best-effort parse would read more (a date without its year): the same
    # ISO 8601 text is read there, and numbers with spaces around them
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"COPY odd_text TO '{tmp_path / 'odd.parquet'}' (FORMAT parquet)")
    columns = "created_at Nullable(String), prompt_tokens Nullable(String), completion_tokens Int32"
    chdb = chdb_from_parquet(tmp_path / "chdb", "odd_text", columns, tmp_path / "odd.parquet")
    on_clickhouse = profile_database(chdb, table="odd_text")
    assert on_clickhouse.rows == want.rows
    assert on_clickhouse.traffic == want.traffic
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"COPY odd_text TO '{tmp_path / 'odd.csv'}' (HEADER)")
        con.execute(f"COPY odd_text TO '{tmp_path / 'odd.jsonl'}' (FORMAT json)")
    for name in ("odd.csv", "odd.jsonl", "odd.parquet"):
        from_file = profile_usage([tmp_path / name])
        assert {**from_file.rows, "examples": []} == {**want.rows, "examples": []}, name
        assert from_file.traffic == want.traffic, name


def test_nan_and_infinite_token_counts_are_counted_as_files_count_them(
    pg_logs: str, tmp_path: Path
) -> None:
    """A floating-point token column holds NaN, Infinity and -Infinity. ClickHouse compared
    NaN false with every bound and used the row (its bucket, NaN, ended the profile with a
    traceback); PostgreSQL and DuckDB put NaN above every number (\"over 10^8 tokens\").
    Each engine now counts the three as files do: token counts that are not finite."""
    import duckdb
    import psycopg

    times = [f"2026-03-0{d} 10:00:00+00" for d in range(1, 6)]
    values = [100.0, 300.0, float("nan"), float("inf"), float("-inf")]
    rows = list(zip(times, values, strict=True))
    with psycopg.connect(pg_logs) as con:
        con.execute(
            "CREATE TABLE floats (created_at timestamptz, prompt_tokens double precision, "
            "completion_tokens int)"
        )
        for row in rows:
            con.execute("INSERT INTO floats VALUES (%s, %s, 10)", row)
    db = tmp_path / "floats.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "CREATE TABLE floats (created_at TIMESTAMPTZ, prompt_tokens DOUBLE, "
            "completion_tokens INTEGER)"
        )
        con.executemany("INSERT INTO floats VALUES (?::TIMESTAMPTZ, ?, 10)", rows)
        con.execute(f"COPY floats TO '{tmp_path / 'floats.csv'}' (HEADER)")
        con.execute(f"COPY floats TO '{tmp_path / 'floats.parquet'}' (FORMAT parquet)")
    try:
        on_postgres = profile_database(pg_logs, table="floats")
    finally:
        with psycopg.connect(pg_logs) as con:
            con.execute("DROP TABLE floats")
    columns = "created_at DateTime64(6, 'UTC'), prompt_tokens Float64, completion_tokens Int32"
    chdb = chdb_from_parquet(tmp_path / "chdb", "floats", columns, tmp_path / "floats.parquet")
    on_clickhouse = profile_database(chdb, table="floats")
    from_file = profile_usage([tmp_path / "floats.csv"])
    assert from_file.rows["unreadable_why"] == {"token counts that are not finite numbers": 3}
    for got in (on_postgres, profile_database(str(db), table="floats"), on_clickhouse):
        assert got.rows["used"] == 2
        assert got.rows["unreadable_why"] == from_file.rows["unreadable_why"]
        assert got.traffic["input_tokens"] == 200.0


def test_nan_and_infinities_written_as_text_are_not_finite_on_every_engine(
    pg_logs: str, tmp_path: Path
) -> None:
    """Token counts as text naming NaN or an infinity: PostgreSQL's number pattern took
    them for no number ("missing or not numbers"); DuckDB, ClickHouse and files call them
    not finite, and now PostgreSQL does too."""
    import duckdb
    import psycopg

    words = ["nan", "inf", "-inf", "NaN", "Infinity", " -Infinity ", "+inf", "1e999", "100"]
    rows = [(f"2026-03-0{1 + i % 5} 10:00:00+00", w, 10) for i, w in enumerate(words)]
    create = "CREATE TABLE named (created_at {}, prompt_tokens {}, completion_tokens int)"
    with psycopg.connect(pg_logs) as con:
        con.execute(create.format("timestamptz", "text"))
        for row in rows:
            con.execute("INSERT INTO named VALUES (%s, %s, %s)", row)
    db = tmp_path / "named.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(create.format("TIMESTAMPTZ", "VARCHAR"))
        con.executemany("INSERT INTO named VALUES (?::TIMESTAMPTZ, ?, ?)", rows)
        con.execute(f"COPY named TO '{tmp_path / 'named.csv'}' (HEADER)")
        con.execute(f"COPY named TO '{tmp_path / 'named.parquet'}' (FORMAT parquet)")
    try:
        on_postgres = profile_database(pg_logs, table="named")
    finally:
        with psycopg.connect(pg_logs) as con:
            con.execute("DROP TABLE named")
    columns = "created_at DateTime64(6, 'UTC'), prompt_tokens String, completion_tokens Int32"
    chdb = chdb_from_parquet(tmp_path / "chdb", "named", columns, tmp_path / "named.parquet")
    want = {"token counts that are not finite numbers": 8}
    for got in (
        on_postgres,
        profile_database(str(db), table="named"),
        profile_database(chdb, table="named"),
    ):
        assert got.rows["used"] == 1
        assert got.rows["unreadable_why"] == want
    assert profile_usage([tmp_path / "named.csv"]).rows["unreadable_why"] == want


UNIX_TEXT = [
    "2026-03-01 10:00:00+00",
    "1772362800",  # seconds
    "1772452800000",  # milliseconds
    "1772539200000000",  # microseconds
    "1772625600000000000",  # nanoseconds
    " 1772712000 ",
    "1,772,800,000",  # digits grouped by commas, as token counts are read
    "1e300",  # no time: too large for microseconds in a BIGINT
    "9.1e21",  # no time (the year 290,000 in ns): past the bound files and databases share
    "nan",
    "inf",  # an infinity is no time, as "nan" is (DuckDB reads these three as a time)
    "Infinity",
    " -infinity ",
    "abc",
    None,
]


def test_unix_times_in_a_text_column_are_read_as_files_read_them(
    pg_logs: str, tmp_path: Path
) -> None:
    """A text column of times holding seconds (or ms, µs, ns) since 1970: files read them,
    the tables' query read them as no time. PostgreSQL, DuckDB and ClickHouse now give the
    file's profile; and a floating-point time column holding 1e300, NaN or an infinity is
    a row without a time, where PostgreSQL's cast to microseconds ended the query.

    An infinity written as a time ("inf", "Infinity") is no time on every path: files (CSV,
    JSON lines, Parquet) counted it as "a time before 1970 or after 2199", as DuckDB reads
    the text 'infinity' as a time; the databases as no time that reads as a date."""
    import duckdb
    import psycopg

    rows = [(t, 100 + i, 10) for i, t in enumerate(UNIX_TEXT)]
    create = "CREATE TABLE unix_text (created_at {}, prompt_tokens int, completion_tokens int)"
    with psycopg.connect(pg_logs) as con:
        con.execute(create.format("text"))
        con.execute(create.format("double precision").replace("unix_text", "unix_double"))
        for row in rows:
            con.execute("INSERT INTO unix_text VALUES (%s, %s, %s)", row)
        for t in (1772362800.0, 1e300, float("inf"), float("-inf"), float("nan")):
            con.execute("INSERT INTO unix_double VALUES (%s, 100, 10)", (t,))
    db = tmp_path / "unix.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(create.format("VARCHAR"))
        con.executemany("INSERT INTO unix_text VALUES (?, ?, ?)", rows)
        con.execute(f"COPY unix_text TO '{tmp_path / 'unix.csv'}' (HEADER)")
        con.execute(f"COPY unix_text TO '{tmp_path / 'unix.jsonl'}' (FORMAT json)")
        con.execute(f"COPY unix_text TO '{tmp_path / 'unix.parquet'}' (FORMAT parquet)")
        con.execute(create.format("DOUBLE").replace("unix_text", "unix_double"))
        con.executemany(
            "INSERT INTO unix_double VALUES (?, 100, 10)",
            [(t,) for t in (1772362800.0, 1e300, math.inf, -math.inf, math.nan)],
        )
        for suffix, options in (("csv", "HEADER"), ("jsonl", "FORMAT json")):
            con.execute(f"COPY unix_double TO '{tmp_path / f'double.{suffix}'}' ({options})")
    try:
        on_postgres = profile_database(pg_logs, table="unix_text")
        doubles = profile_database(pg_logs, table="unix_double")
        said_on_postgres = run("usage", pg_logs, "--table", "unix_text")
    finally:
        with psycopg.connect(pg_logs) as con:
            con.execute("DROP TABLE unix_text")
            con.execute("DROP TABLE unix_double")
    columns = "created_at Nullable(String), prompt_tokens Int32, completion_tokens Int32"
    chdb = chdb_from_parquet(tmp_path / "chdb", "unix_text", columns, tmp_path / "unix.parquet")
    on_clickhouse = profile_database(chdb, table="unix_text")
    from_file = profile_usage([tmp_path / "unix.csv"])
    assert from_file.rows["used"] == 7  # March 1-7, one a day
    assert from_file.rows["unreadable_why"] == {"no time that reads as a date": 8}
    for got in (
        on_postgres,
        profile_database(str(db), table="unix_text"),
        on_clickhouse,
        profile_usage([tmp_path / "unix.jsonl"]),
        profile_usage([tmp_path / "unix.parquet"]),
    ):
        # (the examples of unusable rows are not fetched from a database)
        assert {**got.rows, "examples": []} == {**from_file.rows, "examples": []}
        assert got.traffic == from_file.traffic
    for got in (
        doubles,
        profile_database(str(db), table="unix_double"),
        profile_usage([tmp_path / "double.csv"]),
        profile_usage([tmp_path / "double.jsonl"]),  # (JSON's Infinity and NaN)
    ):
        assert got.rows["used"] == 1
        assert got.rows["unreadable_why"] == {"no time that reads as a date": 4}
    # the words the user reads are the same from a file and from a table
    code, out, _ = run("usage", tmp_path / "unix.csv")
    assert code == 0
    assert "unreadable: 8 with no time that reads as a date" in out
    assert said_on_postgres[0] == 0
    rows_said = out.split("Rows:")[1].split("  unreadable rows as")[0]
    assert said_on_postgres[1].split("Rows:")[1] == rows_said


# -- LiteLLM's daily rollups (disable_spend_logs) -----------------------------------------

ROLLUP_COLUMNS = (
    "id text PRIMARY KEY, user_id text, date {date}, api_key text, model text, "
    "model_group text, custom_llm_provider text, mcp_namespaced_tool_name text, endpoint text, "
    "prompt_tokens bigint DEFAULT 0, completion_tokens bigint DEFAULT 0, "
    "cache_read_input_tokens bigint DEFAULT 0, cache_creation_input_tokens bigint DEFAULT 0, "
    "spend double precision DEFAULT 0, api_requests bigint DEFAULT 0, "
    "successful_requests bigint DEFAULT 0, failed_requests bigint DEFAULT 0, "
    "created_at timestamp(3) DEFAULT now(), updated_at timestamp(3) DEFAULT now()"
)
"""LiteLLM's schema.prisma (LiteLLM_DailyUserSpend; team and organization alike): the date
as text in older versions, a DATE in newer ones."""


def rollup_rows() -> list[list[Any]]:
    """January to March 2026, each day 100, 120 and 144 successful requests (+20 % a month):
    half gpt-4o (1,000 input tokens, 300 of them cached, 200 output), half gpt-4o-mini (200
    and 100, none cached), each model's requests on two keys of one user each; 2 failed
    requests a day on one gpt-4o key; and rows to leave out: an MCP tool call and an
    embeddings endpoint. Columns: id, user_id, date, api_key, model, mcp tool, endpoint,
    prompt, completion, cache read, api_requests, successful, failed."""
    rows: list[list[Any]] = []
    day = dt.date(2026, 1, 1)
    while day < dt.date(2026, 4, 1):
        half = {1: 50, 2: 60, 3: 72}[day.month]
        for model, inp, out, cached in (("gpt-4o", 1000, 200, 300), ("gpt-4o-mini", 200, 100, 0)):
            for key, user in (("k1", "alice"), ("k2", "bob")):
                n = half // 2
                failed = 2 if (model, key) == ("gpt-4o", "k1") else 0
                rows.append(
                    [
                        f"{day}-{model}-{key}",
                        user,
                        day.isoformat(),
                        key,
                        model,
                        None,
                        "/chat/completions",
                        n * inp,
                        n * out,
                        n * cached,
                        n + failed,
                        n,
                        failed,
                    ]
                )
        rows.append(
            [
                f"{day}-mcp",
                "alice",
                day.isoformat(),
                "k1",
                "",
                "github-search",
                "/mcp",
                0,
                0,
                0,
                500,
                500,
                0,
            ]
        )
        rows.append(
            [
                f"{day}-emb",
                "bob",
                day.isoformat(),
                "k2",
                "text-embedding-3-small",
                None,
                "/v1/embeddings",
                99_999,
                0,
                0,
                1000,
                1000,
                0,
            ]
        )
        day += dt.timedelta(days=1)
    return rows


def rollup_table(con: Any, name: str, date: str) -> None:
    con.execute(f'CREATE TABLE "{name}" ({ROLLUP_COLUMNS.format(date=date)})')
    fields = (
        "id, user_id, date, api_key, model, mcp_namespaced_tool_name, endpoint, prompt_tokens, "
        "completion_tokens, cache_read_input_tokens, api_requests, successful_requests, "
        "failed_requests"
    )
    with con.cursor().copy(f'COPY "{name}" ({fields}) FROM STDIN') as copy:
        for row in rollup_rows():
            copy.write_row(row)


SPEND_LOGS = (
    'CREATE TABLE "LiteLLM_SpendLogs" (request_id text PRIMARY KEY, call_type text, '
    '"startTime" timestamp(6), model text, prompt_tokens integer, '
    "completion_tokens integer, metadata jsonb, status text)"
)
"""LiteLLM's spend logs, the columns the rollup tests use, as its migrations make them."""


@pytest.fixture(scope="module")
def pg_rollups(postgres: Any) -> str:
    """A LiteLLM database run with disable_spend_logs: LiteLLM_SpendLogs made by its
    migrations but empty, the daily rollups by user (date as text) and by team (a DATE)."""
    import psycopg

    url = new_database(postgres, "rollups")
    with psycopg.connect(url) as con:
        con.execute(SPEND_LOGS)
        rollup_table(con, "LiteLLM_DailyUserSpend", "text")
        rollup_table(con, "LiteLLM_DailyTeamSpend", "date")
    return url


def expect_rollup_profile(profile: Any) -> None:
    # by hand: March 144 a day x 30.4375; +20 % a month; means over the successful requests:
    # input (50 x 1,000 + 50 x 200) / 100 = 600, output (50 x 200 + 50 x 100) / 100 = 150,
    # cached 50 x 300 / 60,000 = 0.25 (the same each day); the MCP and embeddings rows out
    t = profile.traffic
    assert t["requests_per_month"] == pytest.approx(144 * 30.4375, rel=1e-12)
    assert t["growth_monthly"] == pytest.approx(0.2, rel=1e-12)
    assert t["input_tokens"] == pytest.approx(600, rel=1e-12)
    assert t["output_tokens"] == pytest.approx(150, rel=1e-12)
    assert t["cached_input_share"] == pytest.approx(0.25, rel=1e-12)
    assert "peak_to_average" not in t  # no hour in a daily rollup
    assert profile.token_percentiles == {"input_tokens": None, "output_tokens": None}
    assert [m["requests"] for m in profile.by_month] == [3100, 3360, 4464]
    assert profile.span["complete_months"] == ["2026-01", "2026-02", "2026-03"]
    assert [(m["model"], m["share"]) for m in profile.by_model] == [
        ("gpt-4o", 0.5),
        ("gpt-4o-mini", 0.5),
    ]
    assert profile.models == 2


def test_postgres_litellm_daily_rollups_where_spend_logs_are_empty(pg_rollups: str) -> None:
    profile = profile_database(pg_rollups)
    expect_rollup_profile(profile)
    assert profile.table is not None
    assert profile.table.endswith("table LiteLLM_DailyUserSpend")
    said = " ".join(profile.notes)
    assert "LiteLLM_SpendLogs is empty: LiteLLM's disable_spend_logs?" in said
    assert (  # 4 a day used, 90 days
        "its 360 rows of text generation (MCP tool calls, embeddings and other endpoints left "
        "out) summed by day and model into 180" in said
    )
    assert "the rollup with the most requests" not in said  # user and team alike: user
    assert "(180 failed requests left out); requests of keys without a user may be missing" in said
    assert "peak_to_average is left out" in said
    assert "token percentiles and the busiest hour are not measured" in said
    # named: the team rollup, whose date is a DATE, reads the same
    team = profile_database(pg_rollups, table="LiteLLM_DailyTeamSpend")
    expect_rollup_profile(team)
    assert any("requests of keys without a team may be missing" in n for n in team.notes)
    # filters as for logs: a model, and dates (February alone: 120 a day)
    mini = profile_database(pg_rollups, model="gpt-4o-mini")
    assert mini.traffic["input_tokens"] == pytest.approx(200)
    feb = profile_database(pg_rollups, since=dt.date(2026, 2, 1), until=dt.date(2026, 2, 28))
    assert feb.traffic["requests_per_month"] == pytest.approx(120 * 30.4375)
    # the failed requests left out are those inside the filters: none of gpt-4o-mini's
    # (it said 180, every model's), 2 a day of February's 28 days
    assert "failed requests left out" not in " ".join(mini.notes)
    assert "(56 failed requests left out)" in " ".join(feb.notes)


def test_postgres_litellm_daily_rollups_without_spend_logs_and_into_a_scenario(
    postgres: Any, tmp_path: Path
) -> None:
    import psycopg

    from helpers import EXAMPLES

    url = new_database(postgres, "rollups_only")
    with psycopg.connect(url) as con:
        rollup_table(con, "LiteLLM_DailyUserSpend", "date")
        rollup_table(con, "LiteLLM_DailyOrganizationSpend", "date")
    profile = profile_database(url)
    expect_rollup_profile(profile)
    assert any("no LiteLLM_SpendLogs table" in n for n in profile.notes)
    # -o: the measured numbers in, the scenario's own peak_to_average kept
    scenario = tmp_path / "scenario.toml"
    scenario.write_bytes((EXAMPLES / "quarter-200k.toml").read_bytes())
    code, out, err = run("usage", url, "-o", scenario)
    assert code == 0, err
    assert "peak_to_average is left out" in err
    text = scenario.read_text()
    assert "requests_per_month = 4383" in text
    assert "peak_to_average = 4.0             # busiest hour" in text
    # --sql: the rollup's query, as it runs
    code, out, _ = run("usage", url, "--sql", "--dialect", "postgres")
    assert code == 0
    assert '"LiteLLM_DailyUserSpend"\nWHERE' in out
    assert 'SUM(CAST("successful_requests" AS DOUBLE PRECISION)) AS requests' in out


def test_the_help_says_what_a_daily_rollup_gives() -> None:
    code, out, err = run("usage", "--help")
    assert code == 0, err
    said = " ".join(out.replace("│", " ").split())
    assert "With LiteLLM's disable_spend_logs (LiteLLM_SpendLogs empty or missing)" in said
    assert "no token percentiles and no busiest hour (peak_to_average is left out of -o)" in said


def test_the_rollup_that_counts_the_most_requests_is_read(tmp_path: Path) -> None:
    """Keys with a team and no user: LiteLLM's by-user rollup is empty or nearly so while the
    team's holds the traffic. The by-user one was read because it came first (3 requests:
    requests_per_month 1); the one that counts the most is read, and the note says why."""
    import duckdb

    path = tmp_path / "litellm.duckdb"
    columns = (
        "date VARCHAR, model VARCHAR, prompt_tokens BIGINT, completion_tokens BIGINT, "
        "cache_read_input_tokens BIGINT, api_requests BIGINT, successful_requests BIGINT, "
        "failed_requests BIGINT"
    )
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=d) for d in range(90)]
    with duckdb.connect(str(path)) as con:
        con.execute('CREATE TABLE "LiteLLM_SpendLogs" (request_id VARCHAR, "startTime" TIMESTAMP)')
        for name in ("LiteLLM_DailyUserSpend", "LiteLLM_DailyTeamSpend"):
            con.execute(f'CREATE TABLE "{name}" ({columns})')
        con.execute(
            "INSERT INTO \"LiteLLM_DailyUserSpend\" VALUES ('2026-01-05', 'm', 300, 30, 0, 3, 3, 0)"
        )
        con.executemany(
            "INSERT INTO \"LiteLLM_DailyTeamSpend\" VALUES (?, 'm', 100000, 20000, 0, 100, 100, 0)",
            [[d.isoformat()] for d in days],
        )
    profile = profile_database(f"duckdb:///{path}")
    assert profile.table is not None
    assert profile.table.endswith("table LiteLLM_DailyTeamSpend")
    assert profile.traffic["requests_per_month"] == pytest.approx(100 * 30.4375)
    assert profile.traffic["input_tokens"] == pytest.approx(1000)
    assert (
        "the rollup with the most requests, 9,000, against 3 in LiteLLM_DailyUserSpend"
        in " ".join(profile.notes)
    )


def test_a_rollup_without_its_token_columns_is_one_line(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "litellm.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            'CREATE TABLE "LiteLLM_DailyUserSpend" (date VARCHAR, model VARCHAR, '
            "api_requests BIGINT, completion_tokens BIGINT)"
        )
        con.execute("INSERT INTO \"LiteLLM_DailyUserSpend\" VALUES ('2026-01-01', 'm', 3, 30)")
    assert_user_error(
        *run("usage", f"duckdb:///{path}"),
        "LiteLLM_DailyUserSpend: no prompt_tokens column; a LiteLLM daily rollup has "
        "date, prompt_tokens, completion_tokens and api_requests",
    )


def test_postgres_spend_logs_with_rows_are_read_not_the_rollup(postgres: Any) -> None:
    # LiteLLM with its spend logs on keeps both: the spend logs (per request) are read
    import psycopg

    url = new_database(postgres, "logs_and_rollups")
    with psycopg.connect(url) as con:
        con.execute(SPEND_LOGS)
        for i in range(3):
            con.execute(
                'INSERT INTO "LiteLLM_SpendLogs" VALUES (%s, %s, %s, %s, %s, %s, %s, %s)',
                (
                    f"r{i}",
                    "acompletion",
                    dt.datetime(2026, 3, 5, 10, i),
                    "gpt-4o",
                    700,
                    70,
                    "{}",
                    "success",
                ),
            )
        rollup_table(con, "LiteLLM_DailyUserSpend", "date")
    profile = profile_database(url)
    assert profile.table is not None
    assert profile.table.endswith("table LiteLLM_SpendLogs")
    assert profile.rows["used"] == 3
    assert profile.traffic["input_tokens"] == 700
    assert profile.token_percentiles["input_tokens"] is not None
    assert not any("daily rollup" in n for n in profile.notes)


def test_an_infinite_time_is_an_unusable_row_not_a_failed_query(
    pg_logs: str, tmp_path: Path
) -> None:
    """PostgreSQL and DuckDB timestamps hold 'infinity' and '-infinity': their seconds since
    1970 are infinite, and the cast to a whole number of microseconds ended the query
    ("bigint out of range"). They are rows with no time, on every engine and in files (the
    file path counted them as "a time before 1970 or after 2199")."""
    import duckdb
    import psycopg

    times = ["2026-03-01 10:00:00+00", "2026-03-02 11:00:00+00", "infinity", "-infinity"]
    with psycopg.connect(pg_logs) as con:
        con.execute(
            "CREATE TABLE endless (created_at timestamptz, prompt_tokens int, completion_tokens int)"
        )
        for t in times:
            con.execute("INSERT INTO endless VALUES (%s, 100, 10)", (t,))
    db = tmp_path / "endless.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "CREATE TABLE endless (created_at TIMESTAMPTZ, prompt_tokens INTEGER, "
            "completion_tokens INTEGER)"
        )
        con.executemany(
            "INSERT INTO endless VALUES (?::TIMESTAMPTZ, 100, 10)", [(t,) for t in times]
        )
        for suffix, options in (
            ("csv", "HEADER"),
            ("jsonl", "FORMAT json"),
            ("parquet", "FORMAT parquet"),
        ):
            con.execute(f"COPY endless TO '{tmp_path / f'endless.{suffix}'}' ({options})")
    try:
        got = profile_database(pg_logs, table="endless")
    finally:
        with psycopg.connect(pg_logs) as con:
            con.execute("DROP TABLE endless")
    want = profile_database(str(db), table="endless")
    assert got.rows["used"] == want.rows["used"] == 2
    assert got.rows["unreadable_why"] == want.rows["unreadable_why"]
    assert got.rows["unreadable_why"] == {"no time that reads as a date": 2}
    for suffix in ("csv", "jsonl", "parquet"):
        from_file = profile_usage([tmp_path / f"endless.{suffix}"])
        assert {**from_file.rows, "examples": []} == {**got.rows, "examples": []}, suffix
        assert from_file.traffic == got.traffic


def test_columns_whose_names_differ_only_in_case_read_the_first_as_files_do(
    pg_logs: str, tmp_path: Path
) -> None:
    """A table with Prompt_Tokens (7) before prompt_tokens (100): a CSV with that header reads
    the first and warns; PostgreSQL and ClickHouse read the last (100), silently. Now the
    first on every path, with a warning naming both."""
    import psycopg

    create = (
        'CREATE TABLE twins (created_at {}, "Prompt_Tokens" {}, "prompt_tokens" {}, '
        '"completion_tokens" {})'
    )
    with psycopg.connect(pg_logs) as con:
        con.execute(create.format("timestamptz", "int", "int", "int"))
        con.execute("INSERT INTO twins VALUES ('2026-03-01 10:00:00+00', 7, 100, 10)")
    try:
        on_postgres = profile_database(pg_logs, table="twins")
    finally:
        with psycopg.connect(pg_logs) as con:
            con.execute("DROP TABLE twins")
    chdb_session = pytest.importorskip("chdb.session")
    session = chdb_session.Session(str(tmp_path / "chdb"))
    columns = create.format("DateTime64(6, 'UTC')", "Int32", "Int32", "Int32").replace('"', "`")
    session.query(columns + " ENGINE = MergeTree ORDER BY tuple()")
    session.query("INSERT INTO twins VALUES ('2026-03-01 10:00:00', 7, 100, 10)")
    session.close()
    on_clickhouse = profile_database(f"chdb://{tmp_path / 'chdb'}", table="twins")
    csv_path = tmp_path / "twins.csv"
    csv_path.write_text(
        "created_at,Prompt_Tokens,prompt_tokens,completion_tokens\n2026-03-01T10:00:00Z,7,100,10\n"
    )
    from_file = profile_usage([csv_path])
    assert from_file.traffic["input_tokens"] == 7
    assert "the first is read" in from_file.warnings[0]
    for got in (on_postgres, on_clickhouse):
        assert got.traffic == from_file.traffic
        assert got.warnings[0] == (
            f"{got.table}: columns whose names differ only in case: Prompt_Tokens and "
            "prompt_tokens; the first of each is read (name another as the table spells it, "
            "with columns)"
        )
    # the other, named as the table spells it (it read the first again)
    named = "ts=created_at,input=prompt_tokens,output=completion_tokens"
    twin = profile_database(f"chdb://{tmp_path / 'chdb'}", table="twins", columns=named)
    assert twin.traffic["input_tokens"] == 100
