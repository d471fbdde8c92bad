"""The table query's pieces without an engine: URLs masked, tables found by name, fields
resolved and quoted, the per-dialect functions (fast; the engines are in
test_usage_databases.py)."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import ROOT
from payback import PaybackError
from payback.measure.usage.database import _midpoint
from payback.measure.usage.engines import is_database, mask
from payback.measure.usage.finding import find_table
from payback.measure.usage.tables import (
    Table,
    _bucket,
    bucket_width,
    profile_query,
    render,
)


def buckets(values: list[float]) -> list[float]:
    """The table query's token buckets (its SQL, run by DuckDB)."""
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT {_bucket('v')} FROM (SELECT unnest($1::DOUBLE[]) AS v, generate_subscripts($1, 1) AS i) ORDER BY i",
        [values],
    ).fetchall()
    return [float(r[0]) for r in rows]


def test_token_buckets_keep_three_digits() -> None:
    values = [0, 7, 999, 1000, 1009, 1010, 9999, 10000, 12345, 99999, 123456, 9_999_999, 1e8]
    lows = [0, 7, 999, 1000, 1000, 1010, 9990, 10000, 12300, 99900, 123000, 9_990_000, 1e8]
    assert buckets([float(v) for v in values]) == lows
    widths = [1, 1, 1, 10, 10, 10, 10, 100, 100, 100, 1000, 10_000, 1_000_000]
    assert [bucket_width(low) for low in lows] == widths
    # the middle of the whole numbers in a bucket: 1,000-1,009 → 1,004.5
    assert _midpoint(1000.0) == 1004.5
    assert _midpoint(12300.0) == 12349.5
    assert _midpoint(999.0) == 999.0


@pytest.mark.slow  # DuckDB runs the bucket SQL for each of 40 lists
@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.integers(0, 2_000), st.integers(0, 100_000_000)), min_size=1, max_size=300
    ),
    st.sampled_from([0.5, 0.9, 0.99, 0.0, 1.0]),
)
def test_percentiles_from_buckets_are_within_half_a_percent(values: list[int], p: float) -> None:
    """Each count of 1,000 or more moves to its bucket's middle, at most 1/200 of itself
    away, keeping the order: an interpolated percentile then moves at most 1/200 of itself
    (exactly the same below 1,000)."""
    exact = float(np.quantile(values, p))
    mids = [_midpoint(low) for low in buckets([float(v) for v in values])]
    got = float(np.quantile(mids, p))
    assert abs(got - exact) <= exact / 200 + 1e-9
    if max(values) < 1000:
        assert got == exact


def test_the_query_returns_buckets_however_many_distinct_counts() -> None:
    """The scan groups each distinct count; the query puts those groups in buckets before
    they come back. 60,000 distinct input counts, 1,000-60,999: 900 buckets of 10 (1,000 to
    9,999) and 510 of 100 (10,000 to 60,999); 7 output counts below 1,000, each its own."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE logs AS SELECT TIMESTAMP '2026-06-01' + i * INTERVAL 1 SECOND AS ts, "
        "1000 + i AS input_tokens, i % 7 AS output_tokens FROM range(60000) t(i)"
    )
    table = Table(
        None, "logs", {"ts": "timestamp", "input_tokens": "bigint", "output_tokens": "bigint"}
    )
    rows = con.execute(profile_query(table, "generic", {})).fetchall()
    tin = {r[3]: r[6] for r in rows if r[0] == 11}  # g 11: the input buckets, with their n
    tout = {r[4]: r[6] for r in rows if r[0] == 13}
    assert len(tin) == 900 + 510
    assert [tin[1000], tin[9990], tin[10000], tin[60900]] == [10, 10, 100, 100]
    assert not {1001, 10010} & tin.keys()
    assert tout == {float(k): 60000 // 7 + (k < 60000 % 7) for k in range(7)}


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
        # an empty host keeps its "//" (it was printed chdb:/tmp/x, a different URL)
        ("chdb:///tmp/x", "chdb:///tmp/x"),
        ("postgresql:///db?host=/run/pg&password=pw", "postgresql:///db?host=/run/pg&password=***"),
        ("postgresql://u:pw@[::1:5/db", "postgresql://***"),
    ],
)
def test_mask_takes_the_password_out(url: str, shown: str) -> None:
    assert mask(url) == shown


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://payback:hunter2@[::1:5/litellm",  # libpq quotes a URL it cannot read
        "postgresql://payback:hun%2Fter2@[::1:5/litellm",
        "postgresql://[::1:5/litellm?password=hunter2&sslmode=x",
    ],
)
def test_a_driver_quoting_a_malformed_url_never_shows_its_password(url: str) -> None:
    from payback.measure.usage.urls import scrub as _scrub

    said = f'invalid URI: "{url}"; also {url.replace("://", "://x", 1)} and password=hunter2'
    line = _scrub(said, url)
    assert "hunter2" not in line
    assert "hun/ter2" not in line
    assert "hun%2Fter2" not in line
    assert "invalid URI" in line


@pytest.mark.parametrize("value", ["0", "-5", "1.5", "abc", "99999999999"])
def test_a_statement_timeout_out_of_range_is_refused(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from payback.measure.usage.engines import _timeout

    monkeypatch.setenv("PAYBACK_STATEMENT_TIMEOUT", value)
    with pytest.raises(PaybackError, match="a whole number of seconds from 1 to 2,147,483"):
        _timeout()
    monkeypatch.setenv("PAYBACK_STATEMENT_TIMEOUT", "2147483")  # PostgreSQL's longest
    assert _timeout() == 2_147_483
    monkeypatch.delenv("PAYBACK_STATEMENT_TIMEOUT")
    assert _timeout() == 1800


@pytest.mark.parametrize("url", ["clickhouse://u:hunter2@[::1:5/x", "clickhouse://u:pw@h:99x/x"])
def test_a_malformed_clickhouse_url_is_one_line(url: str) -> None:
    pytest.importorskip("clickhouse_connect")
    from payback.measure.usage.engines import connect

    with pytest.raises(PaybackError, match=r"url '.*': a URL") as caught:
        connect(url)
    assert "hunter2" not in str(caught.value)


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
    # no known table: the one that looks like logs is read; with none, or two, none is
    assert find_table(TABLES[1:], None, "pg://h") == (TABLES[1], "generic")
    with pytest.raises(PaybackError, match=r"no table of known logs found.*events\)$"):
        find_table(TABLES[2:], None, "pg://h")
    twice = [*TABLES[1:], Table("x", "requests", TABLES[1].columns)]
    with pytest.raises(
        PaybackError, match=r"\.\.\.\); tables that look like logs: requests, x\.requests$"
    ):
        find_table(twice, None, "pg://h")


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


def test_a_part_reads_a_range_of_heap_blocks() -> None:
    table = Table(
        None, "t", {"ts": "timestamp", "input_tokens": "bigint", "output_tokens": "bigint"}
    )
    middle = profile_query(table, "generic", {}, dialect="postgres", blocks=(100, 250))
    assert "ctid >= CAST('(100,0)' AS TID) AND ctid < CAST('(250,0)' AS TID)" in middle
    last = profile_query(table, "generic", {}, dialect="postgres", blocks=(250, None))
    assert "ctid >= CAST('(250,0)' AS TID)" in last
    assert "ctid <" not in last
    assert "ctid" not in profile_query(table, "generic", {}, dialect="postgres")
    with pytest.raises(ValueError, match="PostgreSQL"):
        profile_query(table, "generic", {}, dialect="clickhouse", blocks=(0, None))


@pytest.mark.parametrize(
    ("dialect", "fragment"),
    [
        ("duckdb", "EPOCH_US(ts)"),
        ("postgres", "CAST(DATE_PART('epoch', ts) * 1000000 AS BIGINT)"),
        ("clickhouse", "toUnixTimestamp64Micro(toDateTime64(ts, 6, 'UTC'))"),
        ("bigquery", "UNIX_MICROS(ts)"),
        ("snowflake", "DATE_PART(EPOCH_MICROSECOND, ts)"),
    ],
)
def test_microseconds_since_1970_per_dialect(dialect: str, fragment: str) -> None:
    assert fragment in render("SELECT PAYBACK_EPOCH_US(ts)", dialect)


def test_safe_numbers_and_json_keys_per_dialect() -> None:
    assert "toFloat64OrNull(TRIM(toString(x)))" in render("SELECT PAYBACK_NUMBER(x)", "clickhouse")
    assert "TRY_CAST(x AS DOUBLE)" in render("SELECT PAYBACK_NUMBER(x)", "duckdb")
    pg = render("SELECT PAYBACK_JSON_TEXT(m, 'a', 'b.c')", "postgres")
    assert "JSON_EXTRACT_PATH_TEXT(CAST(m AS JSON), 'a', 'b.c')" in pg
    assert "intDiv(us, 3600)" in render("SELECT us // 3600", "clickhouse")
    with pytest.raises(PaybackError, match="dialect"):
        render("SELECT 1", "nosuch")


def test_ci_installs_postgresql_and_pgbouncer_and_requires_them() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'missing="postgresql"' in ci
    assert 'missing="$missing pgbouncer"' in ci
    assert "apt-get install -y -qq $missing" in ci
    assert "export PAYBACK_REQUIRE_POSTGRES=1" in ci


def test_distributed_tables_over_replacing_ones_are_read_final() -> None:
    """A Distributed table over a ReplacingMergeTree (Langfuse v3 on a cluster) is read
    with FINAL, which each shard applies; one over a plain MergeTree is not."""
    from payback.measure.usage.engines import read_final

    rows = [
        ("default", "observations_local", "ReplicatedReplacingMergeTree", "Replicated..."),
        ("default", "events_local", "MergeTree", "MergeTree ORDER BY t"),
        (
            "default",
            "observations",
            "Distributed",
            "Distributed('langfuse', 'default', 'observations_local', rand())",
        ),
        ("other", "obs", "Distributed", "Distributed(langfuse, currentDatabase(), obs_local)"),
        ("other", "obs_local", "CollapsingMergeTree", "CollapsingMergeTree(sign) ORDER BY id"),
        ("default", "events", "Distributed", "Distributed(`langfuse`, `default`, `events_local`)"),
    ]
    assert read_final(rows) == {
        ("default", "observations_local"),
        ("default", "observations"),
        ("other", "obs"),
        ("other", "obs_local"),
    }


def test_a_missing_column_lists_whole_names_those_that_fit_first() -> None:
    """LiteLLM's table has 28 columns: the list is cut at a name, not inside one, and the
    times come first when the time column is the one missing."""
    from payback.measure.usage.tables import resolve_fields

    columns = {f"column_number_{i:02d}": "text" for i in range(30)}
    columns |= {"startTime": "timestamp(3) without time zone", "prompt_tokens": "integer"}
    wide = Table("public", "LiteLLM_SpendLogs", columns, default=True)
    with pytest.raises(PaybackError) as caught:
        resolve_fields(wide, "generic", {"ts": "nope", "input": "prompt_tokens", "output": "x"})
    listed = str(caught.value).split("(columns: ", 1)[1]
    assert listed.startswith("startTime, column_number_00, ")
    names, more = listed.rstrip(")").rsplit(" and ", 1)
    assert all(n in columns for n in names.split(", "))
    assert more == f"{len(columns) - len(names.split(', ')):,} more"
    with pytest.raises(PaybackError) as caught:
        resolve_fields(wide, "generic", {"ts": "startTime", "input": "nope", "output": "x"})
    assert "(columns: prompt_tokens, column_number_00, " in str(caught.value)


def test_keys_of_a_column_that_holds_none_are_refused() -> None:
    from payback.measure.usage.tables import resolve_fields

    table = Table(
        None, "logs", {"ts": "timestamptz", "n": "integer", "meta": "jsonb", "raw": "text"}
    )
    explicit = {"ts": "ts", "input": "n[a'b]", "output": "n"}
    with pytest.raises(
        PaybackError,
        match=r"^columns input=n\[a'b\]: 'n' is integer, not a map or JSON column",
    ):
        resolve_fields(table, "generic", explicit)
    for column in ("meta", "raw"):  # JSON, or text that may hold JSON
        fields = resolve_fields(table, "generic", {**explicit, "input": f"{column}[a]"})
        assert fields["input"] == [[(column, ["a"])]]


@pytest.mark.parametrize(
    ("dialect", "name", "quoted"),
    [
        ("bigquery", "myproj.logs.LiteLLM_SpendLogs", "`myproj`.`logs`.`LiteLLM_SpendLogs`"),
        ("snowflake", "analytics.public.requests", '"analytics"."public"."requests"'),
        ("trino", "hive.web.requests", '"hive"."web"."requests"'),
        ("postgres", "public.requests", '"public"."requests"'),
    ],
)
def test_a_warehouse_table_named_in_three_parts_is_quoted_part_by_part(
    dialect: str, name: str, quoted: str
) -> None:
    """``--sql --dialect D --table project.dataset.table``: each part an identifier (a
    quoted "analytics.public" would be one schema whose name holds a dot)."""
    import sqlglot

    from payback.measure.usage import database_sql

    columns = None if "LiteLLM" in name else "ts=created_at,input=prompt_tokens,output=n"
    text = database_sql(dialect, table=name, columns=columns)
    assert f"FROM {quoted}" in text
    assert f"on table {name} (" in text
    (table,) = sqlglot.parse_one(text, read=dialect).find_all(sqlglot.exp.Table)
    assert [table.catalog, table.db, table.name] == ["", *name.split(".")][-3:]


def test_a_known_table_on_the_search_path_comes_before_a_copy_elsewhere() -> None:
    """LiteLLM's table in public and an old copy in archive (listed first, by schema name):
    the one searched by default is read; the copy only when named."""
    columns = TABLES[0].columns
    live = Table("public", "LiteLLM_SpendLogs", columns, default=True)
    copy = Table("archive", "LiteLLM_SpendLogs", columns)
    assert find_table([copy, live], None, "pg://h") == (live, "litellm")
    assert find_table([copy, live], "archive.LiteLLM_SpendLogs", "pg://h") == (copy, "litellm")


@pytest.mark.parametrize(
    ("url", "libpq", "schema"),
    [
        ("postgresql://u@h/db", "postgresql://u@h/db", None),
        ("postgresql://u@h/db?schema=litellm", "postgresql://u@h/db", "litellm"),
        (
            "postgresql://u:p@h:6543/db?pgbouncer=true&sslmode=require&connection_limit=1",
            "postgresql://u:p@h:6543/db?sslmode=require",
            None,
        ),
        (  # the others kept as written: libpq decodes them itself ('+' is no space to it)
            "postgres://h/db?options=-c%20search_path%3Dx&schema=My%20Logs&application_name=a+b",
            "postgres://h/db?options=-c%20search_path%3Dx&application_name=a+b",
            "My Logs",
        ),
        ("postgresql://h/db?pool_timeout=0&socket_timeout=5#top", "postgresql://h/db#top", None),
    ],
)
def test_prisma_arguments_are_left_out_for_libpq(url: str, libpq: str, schema: str | None) -> None:
    from payback.measure.usage.urls import libpq_url

    assert libpq_url(url) == (libpq, schema)
