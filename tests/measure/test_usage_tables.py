"""The table query's pieces without an engine: URLs masked, tables found by name, fields
resolved and quoted, the per-dialect functions (fast; the engines are in
test_usage_databases.py)."""

from __future__ import annotations

import pytest

from helpers import ROOT
from payback import PaybackError
from payback.measure.usage.engines import is_database, mask
from payback.measure.usage.tables import Table, find_table, profile_query, render


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:p%40ss@h:5432/db", "postgresql://u:***@h:5432/db"),
        (
            "postgresql://u@h/db?password=hunter2&sslmode=require",
            "postgresql://u@h/db?password=***&sslmode=require",
        ),
        ("clickhouse://default:s3c:r@et@ch:8123/x", "clickhouse://default:***@ch:8123/x"),
        ("postgresql://h/db", "postgresql://h/db"),
        ("logs.duckdb", "logs.duckdb"),
    ],
)
def test_mask_takes_the_password_out(url: str, shown: str) -> None:
    assert mask(url) == shown


def test_is_database() -> None:
    assert is_database("postgresql://x/y")
    assert is_database("POSTGRES://x/y")
    assert is_database("chdb:///tmp/x")
    assert is_database("logs.duckdb")
    assert not is_database("logs/*.csv")
    assert not is_database("s3://bucket/logs.parquet")


TABLES = [
    Table(
        "public",
        "LiteLLM_SpendLogs",
        {"startTime": "timestamp", "prompt_tokens": "integer", "completion_tokens": "integer"},
        default=True,
    ),
    Table(
        "public", "requests", {"created_at": "timestamptz", "input_tokens": "bigint"}, default=True
    ),
    Table("audit", "events", {"body": "text"}),
]


def test_known_tables_are_found_by_name_and_others_listed() -> None:
    assert find_table(TABLES, None, "pg://h")[1] == "litellm"
    table, spec = find_table(TABLES, "audit.events", "pg://h")
    assert (table.name, spec) == ("events", "generic")
    assert find_table(TABLES, "public.requests", "pg://h")[0].name == "requests"
    assert find_table(TABLES, "REQUESTS", "pg://h")[0].name == "requests"
    with pytest.raises(
        PaybackError, match=r"tables that look like logs: LiteLLM_SpendLogs, requests$"
    ):
        find_table(TABLES, "nope", "pg://h")
    with pytest.raises(PaybackError, match="no table of known logs found"):
        find_table(TABLES[1:], None, "pg://h")


def test_names_are_quoted_never_pasted() -> None:
    evil = Table(None, 'x"; DROP TABLE y; --', {'t"s': "timestamp", "a b": "bigint", "c": "bigint"})
    sql = profile_query(evil, "generic", {"ts": 't"s', "input": "a b", "output": "c"})
    assert 'FROM "x""; DROP TABLE y; --"' in sql
    assert 'EPOCH_US("t""s")' in sql
    import sqlglot

    # one statement, one table
    assert len(sqlglot.parse(sql, read="duckdb")) == 1


def test_a_model_filter_is_a_literal() -> None:
    table = Table(
        None,
        "t",
        {"ts": "timestamp", "input_tokens": "bigint", "output_tokens": "bigint", "model": "text"},
    )
    sql = profile_query(table, "generic", {}, model="o'brien", dialect="postgres")
    assert "model = 'o''brien'" in sql


@pytest.mark.parametrize(
    ("dialect", "fragment"),
    [
        ("duckdb", "EPOCH_US(ts)"),
        ("postgres", "CAST(ROUND(DATE_PART('epoch', ts) * 1000000) AS BIGINT)"),
        ("clickhouse", "toUnixTimestamp64Micro(toDateTime64(ts, 6, 'UTC'))"),
        ("bigquery", "UNIX_MICROS(ts)"),
        ("snowflake", "DATE_PART(EPOCH_MICROSECOND, ts)"),
    ],
)
def test_microseconds_since_1970_per_dialect(dialect: str, fragment: str) -> None:
    assert fragment in render("SELECT PAYBACK_EPOCH_US(ts)", dialect)


def test_safe_numbers_and_json_keys_per_dialect() -> None:
    assert "toFloat64OrNull(toString(x))" in render("SELECT PAYBACK_NUMBER(x)", "clickhouse")
    assert "TRY_CAST(x AS DOUBLE)" in render("SELECT PAYBACK_NUMBER(x)", "duckdb")
    pg = render("SELECT PAYBACK_JSON_TEXT(m, 'a', 'b.c')", "postgres")
    assert "JSON_EXTRACT_PATH_TEXT(CAST(m AS JSON), 'a', 'b.c')" in pg
    assert "intDiv(us, 3600)" in render("SELECT us // 3600", "clickhouse")
    with pytest.raises(PaybackError, match="dialect"):
        render("SELECT 1", "nosuch")


def test_ci_installs_postgresql_and_requires_it() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "apt-get install -y -qq postgresql" in ci
    assert "export PAYBACK_REQUIRE_POSTGRES=1" in ci
