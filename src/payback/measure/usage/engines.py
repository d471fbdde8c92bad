"""Connections to the engines that hold the logs: PostgreSQL (psycopg 3), ClickHouse (a
server through clickhouse-connect, or chdb in-process on a local data folder) and DuckDB
database files. Each lists its tables and columns and runs one query, read-only and with a
statement timeout. Drivers are imported when a URL needs them.

URLs: ``postgresql://user@host:port/db`` (``postgres://`` too; the password from the URL,
``PGPASSWORD`` or ``~/.pgpass``, as libpq reads them), ``clickhouse://user@host:8123/db``
(``clickhouses://`` for HTTPS; the password from the URL or ``CLICKHOUSE_PASSWORD``),
``chdb:///path/to/folder`` (a chdb data folder) and ``duckdb:///path/file.duckdb`` (or a path
ending ``.duckdb`` / ``.ddb``). A password never appears in a message or in printed SQL:
:func:`mask` takes it out of the URL first.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import logging
import os
import re
import socket
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from payback.errors import PaybackError
from payback.measure.usage.names import clean_names
from payback.measure.usage.tables import Table
from payback.measure.usage.timetext import CH_ZONES
from payback.measure.usage.urls import SCHEMES, is_database, libpq_url, local_path, mask, scrub

__all__ = [
    "MAX_PARTS",
    "PART_MIN_BLOCKS",
    "SCHEMES",
    "STATEMENT_TIMEOUT_S",
    "Engine",
    "Part",
    "connect",
    "is_database",
    "mask",
    "read_final",
]

STATEMENT_TIMEOUT_S = 1800
"""The longest the profile's query may run (``PAYBACK_STATEMENT_TIMEOUT`` seconds overrides)."""
CONNECT_TIMEOUT_S = 10

MAX_TIMEOUT_S = 2_147_483
"""The longest statement timeout PostgreSQL takes (its ``statement_timeout``: milliseconds,
32 bits)."""


def _timeout() -> int:
    text = os.environ.get("PAYBACK_STATEMENT_TIMEOUT", "").strip()
    try:
        seconds = int(text) if text else STATEMENT_TIMEOUT_S
    except ValueError:
        seconds = 0
    if not 1 <= seconds <= MAX_TIMEOUT_S:
        raise PaybackError.bad(
            "PAYBACK_STATEMENT_TIMEOUT",
            repr(text),
            f"a whole number of seconds from 1 to {MAX_TIMEOUT_S:,} (default {STATEMENT_TIMEOUT_S:,})",
        )
    return seconds


Part = tuple[int, int | None] | None
"""Where one part of the profile's query reads: heap blocks ``[first, end)`` of a
PostgreSQL table (no end: to the last), or ``None``: the whole table."""


class Engine(Protocol):
    """An open connection: its SQLGlot dialect, the URL as shown, its tables, one query;
    the parts it reads a table in, and the rows of all of them."""

    dialect: str
    shown: str

    def tables(self) -> list[Table]: ...

    def rows(self, sql: str) -> list[tuple[Any, ...]]: ...

    def parts(self, table: Table) -> list[Part]: ...

    def rows_of(self, queries: list[str]) -> list[tuple[Any, ...]]: ...

    def close(self) -> None: ...


class _Whole:
    """An engine that reads a table in one query (it spreads the scan over its own cores)."""

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def parts(self, table: Table) -> list[Part]:
        return [None]

    def rows_of(self, queries: list[str]) -> list[tuple[Any, ...]]:
        return [row for query in queries for row in self.rows(query)]


def connect(url: str) -> Engine:
    """An :class:`Engine` for ``url``; one line (exit 2) when it cannot connect."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else "duckdb"
    if scheme in ("postgresql", "postgres"):
        return _Postgres(url)
    if scheme in ("clickhouse", "clickhouses"):
        return _ClickHouse(url)
    if scheme == "chdb":  # its module reads a data folder without writing into it
        from payback.measure.usage.chfolder import Chdb

        return Chdb(url)
    if scheme == "duckdb" or url.lower().endswith((".duckdb", ".ddb")):
        return _DuckDB(url)
    raise PaybackError.bad("url", repr(mask(url)), f"a URL of {', '.join(SCHEMES)}")


_TIMED_OUT = ("statement timeout", "timeout_exceeded", "timeout exceeded", "max_execution_time")


def _failed(shown: str, what: str, exc: BaseException, url: str) -> PaybackError:
    said = exc.object if isinstance(exc, UnicodeDecodeError) else b""  # a name not UTF-8 in it
    text = said.decode(errors="surrogateescape") if said else str(exc) or type(exc).__name__
    if what == "the query failed" and any(w in text.lower() for w in _TIMED_OUT):
        what = (
            f"the query ran past the statement timeout of {_timeout():,} s "
            "(PAYBACK_STATEMENT_TIMEOUT=seconds sets another)"
        )
    return PaybackError(f"{shown}: {what} ({scrub(text, url)})")


def _connect_error(shown: str, exc: BaseException, url: str, passwords: str) -> PaybackError:
    """Unreachable server or refused login, told apart from the driver's words."""
    text = str(exc).lower()
    if re.search(r'database "?[^"\s]*"? does not exist', text) or "unknown_database" in text:
        scheme, _, rest = url.partition("://")
        path = rest.split("?", 1)[0].partition("/")[2]
        what = (
            f"the server has no database {unquote(path)!r}"
            if path
            else f"the URL names no database ({scheme}://user@host:port/DATABASE)"
        )
        return _failed(shown, what, exc, url)
    refused = any(
        w in text
        for w in (
            "authentication",
            "password",
            "pg_hba",
            "role ",
            "permission denied",
            "access denied",
            "authentication_failed",
            "wrong password",
            "does not exist",
        )
    )
    if not refused:
        return _failed(shown, "cannot reach the server", exc, url)
    said = _failed(shown, "login refused", exc, url)
    return PaybackError(f"{said}; the password is read from {passwords}")


# -- PostgreSQL ------------------------------------------------------------------------

_TABLES_SQL = """SELECT c.table_schema, c.table_name, c.column_name, c.data_type,
       coalesce(k.relispartition, FALSE)
FROM information_schema.columns c
LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = c.table_schema
LEFT JOIN pg_catalog.pg_class k ON k.relnamespace = n.oid AND k.relname = c.table_name
WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
ORDER BY c.table_schema, c.table_name, c.ordinal_position"""


def _tables(rows: list[tuple[Any, ...]], default_schemas: tuple[str, ...]) -> list[Table]:
    """Tables from (schema, table, column, type[, is a partition]) rows; the schema is left
    out of the name for the default schemas."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    partitions: set[tuple[str, str]] = set()
    for schema, table, column, kind, *partition in rows:
        found.setdefault((str(schema), str(table)), {})[str(column)] = str(kind)
        if partition and partition[0]:
            partitions.add((str(schema), str(table)))
    return [
        Table(
            schema,
            name,
            columns,
            default=schema in default_schemas,
            partition=(schema, name) in partitions,
        )
        for (schema, name), columns in found.items()
    ]


PART_MIN_BLOCKS = 16_384
"""A table is read in parts only when each part holds at least this many heap blocks
(128 MiB of 8 kB blocks, about 2.4 million rows of a narrow log table): below that one
query is quicker than opening connections."""
MAX_PARTS = 8

PARTS_DOC = """On PostgreSQL 14 and later, a table of at least two parts' blocks is read in
parts (:data:`PART_MIN_BLOCKS`): PostgreSQL runs grouping sets on one core, so payback
splits the table's heap into as many ranges of blocks as the server would give one
parallel query (``max_parallel_workers_per_gather`` + 1, at most :data:`MAX_PARTS`), runs
the same query on each range (a TID range scan, ``ctid >= '(first,0)'``) on a connection of
its own (fewer where a pooler gives fewer: :data:`PART_WAIT_S`), all in one snapshot
(``pg_export_snapshot``, each a repeatable-read, read-only transaction), and adds the
parts' aggregates. DuckDB's PostgreSQL scanner reads tables the
same way. Views, partitioned and foreign tables, and older servers, are read in one query.
Each part's JIT code is optimized as the whole query's would be: the server decides whether
to optimize it by a query's estimated cost, and a part's is 1/k of the whole, so its
transactions divide the server's ``jit_optimize_above_cost`` by k (on 10 million rows a
part then runs in 2.9-3.2 s instead of 3.9-4.2 s; ``jit = off`` stays off). A part's code
is not inlined (``jit_inline_above_cost = -1``): inlining took 0.15 s more to compile a
part than it saved (on 10 million rows in 3 parts, 6.4 s of the server's CPU against 7.1 s
inlined, 5.2 against 5.4 s on an idle machine)."""

SETTINGS_DOC = """Each PostgreSQL transaction payback opens is read-only (``BEGIN READ ONLY``) and
sets, for itself alone, a statement timeout (:data:`STATEMENT_TIMEOUT_S`), the UTC time
zone, 256 MB of ``work_mem`` and the search path a Prisma URL's ``schema`` names (``set_config(..., true)``, as ``SET LOCAL`` does) as its
first statement. Not in the connection's startup ``options``: the poolers hosted PostgreSQL
and LiteLLM deployments put in front of the server (PgBouncer; Supabase and Neon run it or
one like it) refuse that parameter by default ("unsupported startup parameter: options",
pgbouncer/pgbouncer#875) or drop it silently where configured to ignore it, and then no
timeout would hold (pgbouncer/pgbouncer#381). Server-side prepared statements are off: in
transaction pooling the next statement may run on another server connection (PgBouncer
before 1.21 does not follow them). Tested through PgBouncer in transaction and session
pooling."""

PART_WAIT_S = 10.0
"""How long the parts may take to open and begin in one snapshot, else the table is read on
one connection: they all begin before any runs, so a pooler with fewer free server
connections than parts queues the last until its own timeout (PgBouncer's
``query_wait_timeout``, 120 s by default)."""


def _shut(con: Any) -> None:
    """Shut a connection's socket (through a copy of its descriptor): a wait on it ends."""
    with contextlib.suppress(Exception), socket.socket(fileno=os.dup(con.pgconn.socket)) as copy:
        copy.shutdown(socket.SHUT_RDWR)


_PARTS_SQL = """SELECT c.relkind::text,
       pg_relation_size(c.oid) / current_setting('block_size')::int,
       current_setting('max_parallel_workers_per_gather')::int,
       current_setting('server_version_num')::int,
       current_setting('jit_optimize_above_cost')::float8
FROM pg_class c WHERE c.oid = to_regclass(%s)"""


class _Postgres(_Whole):
    dialect = "postgres"

    def __init__(self, url: str) -> None:
        self.shown = mask(url)
        self.url, self.schema = libpq_url(url)  # Prisma's arguments out (a LiteLLM URL)
        try:
            import psycopg
        except ImportError:
            raise PaybackError(
                f"{self.shown}: reading PostgreSQL needs psycopg: pip install 'payback[databases]'"
            ) from None
        self._psycopg = psycopg
        self._part_settings: dict[str, str] = {}
        """Settings for the parts' transactions (:data:`PARTS_DOC`), once :meth:`parts` split."""
        self.con = self._connect()

    def _connect(self) -> Any:
        psycopg = self._psycopg
        try:
            con = psycopg.connect(
                self.url,
                connect_timeout=CONNECT_TIMEOUT_S,
                application_name="payback usage",
                prepare_threshold=None,  # no server-side prepared statements (SETTINGS_DOC)
            )
        except psycopg.ProgrammingError as exc:  # libpq cannot read the URL
            raise _failed(self.shown, "not a URL libpq reads", exc, self.url) from None
        except psycopg.Error as exc:
            raise _connect_error(
                self.shown, exc, self.url, "the URL, PGPASSWORD or ~/.pgpass"
            ) from None
        con.read_only = True  # every transaction: BEGIN READ ONLY
        return con

    def _settings(self) -> dict[str, str]:
        """The settings each transaction runs with (:data:`SETTINGS_DOC`)."""
        return {
            "statement_timeout": str(_timeout() * 1000),
            "TimeZone": "UTC",
            "work_mem": "256MB",  # hash tables, not a sort of the rows (4 MB by default)
            **({"search_path": '"' + self.schema.replace('"', '""') + '"'} if self.schema else {}),
            **self._part_settings,
        }

    def _begin(self, con: Any, snapshot: str | None = None) -> None:
        """Open a transaction on ``con`` (read-only; in ``snapshot`` when given, which must
        come first) and set :meth:`_settings` for it alone."""
        settings = self._settings()
        with con.cursor() as cur:
            if snapshot is not None:
                pgsql: Any = importlib.import_module("psycopg.sql")
                command = pgsql.SQL("SET TRANSACTION SNAPSHOT {}")
                cur.execute(command.format(pgsql.Literal(snapshot)))
            calls = ", ".join(["set_config(%s, %s, true)"] * len(settings))
            cur.execute(f"SELECT {calls}", [x for item in settings.items() for x in item])

    def _run(self, con: Any, sql: str, params: tuple[Any, ...] | None = None) -> list[Any]:
        try:
            if con.info.transaction_status == self._psycopg.pq.TransactionStatus.IDLE:
                self._begin(con)
            with con.cursor() as cur:
                cur.execute(sql.encode() if params is None else sql, params)
                return list(cur.fetchall()) if cur.description else []
        except self._psycopg.Error as exc:
            con.rollback()
            raise _failed(self.shown, "the query failed", exc, self.url) from None

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self._run(self.con, sql)

    def parts(self, table: Table) -> list[Part]:
        """The block ranges to read ``table`` in (see :data:`PARTS_DOC`); the whole table
        where the server does not tell its size (a role without access to the catalog, a
        database that speaks PostgreSQL's protocol without its heap)."""
        try:
            found = self._run(self.con, _PARTS_SQL, (table.quoted,))
        except PaybackError:
            return [None]
        if not found:
            return [None]
        kind, blocks, workers, version, optimize = found[0]
        n = min(int(workers) + 1, MAX_PARTS, int(blocks) // PART_MIN_BLOCKS)
        if kind not in ("r", "m") or int(version) < 140_000 or n < 2:
            return [None]
        self._part_settings = {
            "jit_optimize_above_cost": f"{float(optimize) / n if float(optimize) >= 0 else -1.0:g}",
            "jit_inline_above_cost": "-1",  # compiling it costs a part more than it saves
        }
        edges = [int(blocks) * i // n for i in range(n)]
        return [(edges[i], edges[i + 1] if i + 1 < n else None) for i in range(n)]

    def rows_of(self, queries: list[str]) -> list[tuple[Any, ...]]:
        """The rows of every query, in one snapshot, on as many connections of their own as
        the server gives within :data:`PART_WAIT_S` (on this one alone, one after the
        other, when it gives none or cannot share its snapshot)."""
        if len(queries) == 1:
            return self.rows(queries[0])
        self.con.rollback()
        self.con.isolation_level = self._psycopg.IsolationLevel.REPEATABLE_READ
        try:
            (snapshot,) = self._run(self.con, "SELECT pg_export_snapshot()")[0]
        except PaybackError:
            self.con.rollback()  # a fresh snapshot for the parts, one after the other
            return super().rows_of(queries)
        cons = self._in_snapshot(snapshot, len(queries) - 1)
        try:
            everyone = [self.con, *cons]
            shares = [queries[i :: len(everyone)] for i in range(len(everyone))]
            with ThreadPoolExecutor(len(everyone)) as pool:
                futures = [
                    pool.submit(lambda c, qs: [r for q in qs for r in self._run(c, q)], c, qs)
                    for c, qs in zip(everyone, shares, strict=True)
                ]
                try:
                    return [row for future in futures for row in future.result()]
                except BaseException:
                    for con in everyone:
                        con.cancel()
                    raise
        finally:
            for con in cons:
                con.close()

    def _in_snapshot(self, snapshot: str, count: int) -> list[Any]:
        """Up to ``count`` connections in transactions in ``snapshot``, opened side by side:
        those in within :data:`PART_WAIT_S`. The others get their socket shut, which ends
        their wait (PgBouncer ignores a cancel from a client in its queue), and are closed."""
        psycopg = self._psycopg
        opened: list[Any] = []
        chosen: list[Any] = []
        lock = threading.Lock()
        stopping = threading.Event()

        def part() -> Any:
            con = self._connect()
            with lock:
                opened.append(con)
                if stopping.is_set():  # connected after the wait ended
                    raise TimeoutError
            con.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            self._begin(con, snapshot)
            return con

        try:
            with ThreadPoolExecutor(count) as pool:
                futures = [pool.submit(part) for _ in range(count)]
                try:
                    wait(futures, PART_WAIT_S)
                finally:
                    with lock:
                        stopping.set()
                        chosen += [f.result() for f in futures if f.done() and not f.exception()]
                        for con in opened:
                            if con not in chosen:
                                _shut(con)
        except BaseException:
            chosen.clear()
            raise
        finally:
            for con in opened:
                if con not in chosen:
                    con.close()
        return chosen

    def tables(self) -> list[Table]:
        schemas = tuple(str(s) for (s,) in self.rows("SELECT unnest(current_schemas(false))"))
        return _tables(self.rows(_TABLES_SQL), schemas)

    def close(self) -> None:
        self.con.close()


# -- DuckDB -----------------------------------------------------------------------------


def _check_duckdb_file(path: str, shown: str) -> None:
    """One line when ``path`` does not start as a DuckDB database does (``DUCK`` at byte 8):
    DuckDB's own words were "Cannot launch in-memory database in read-only mode!" for a CSV."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return  # (said where DuckDB opens it)
    if head[8:12] == b"DUCK":
        return
    text = b"\0" not in head and head.decode("utf-8", "replace").count("\ufffd") <= 3
    what = "is empty" if not head else "is text" if text else "does not start as one does"
    hint = "; give log files (CSV, JSON lines, Parquet) as paths, not as a duckdb:// URL"
    raise PaybackError(
        f"{shown}: not a DuckDB database file ('{path}' {what})" + (hint if "://" in shown else "")
    )


class _DuckDB(_Whole):
    dialect = "duckdb"

    def __init__(self, url: str) -> None:
        import duckdb

        self.url, self.shown = url, mask(url)
        path = local_path(url, os.path.isfile, self.shown, "DuckDB file")
        _check_duckdb_file(path, self.shown)
        try:  # read-only: DuckDB then refuses every write (it has no statement timeout)
            with clean_names([path], beside=[".wal"]) as (read, _):  # (a name not UTF-8)
                odd = read != [path]  # DuckDB names a database by its file: then, by AS
                self.con = duckdb.connect(":memory:" if odd else path, read_only=not odd)
                if odd:
                    link = read[0].replace("'", "''")
                    self.con.execute(f"ATTACH '{link}' AS logs (READ_ONLY); USE logs")
            self.con.execute("SET TimeZone = 'UTC'")  # text times without an offset: UTC
        except (duckdb.Error, UnicodeDecodeError) as exc:  # its message may name the file
            raise _failed(self.shown, "cannot open the database", exc, url) from None
        self._duckdb = duckdb

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return list(self.con.execute(sql).fetchall())
        except self._duckdb.Error as exc:
            raise _failed(self.shown, "the query failed", exc, self.url) from None

    def tables(self) -> list[Table]:
        rows = self.rows(
            "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_catalog = current_database() ORDER BY table_schema, table_name, ordinal_position"
        )
        return _tables(rows, ("main",))

    def close(self) -> None:
        self.con.close()


# -- ClickHouse ---------------------------------------------------------------------------

_CH_TABLES = """SELECT database, table, name, type FROM system.columns
WHERE database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema')
ORDER BY database, table, position"""

_CH_ENGINES = """SELECT database, name, engine, engine_full FROM system.tables
WHERE database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema')"""

_MERGED_AWAY = ("ReplacingMergeTree", "CollapsingMergeTree")
"""Engines whose rows are replaced or cancelled when parts merge (Langfuse v3's
observations, Helicone's request_response_rmt; their Replicated and Versioned forms too):
read with FINAL, as Langfuse reads them, so a row written twice before a merge (an
observation updated, a request retried) counts once."""

_DISTRIBUTED = re.compile(r"^Distributed\(\s*([^,]+?)\s*,\s*([^,]+?)\s*,\s*([^,)]+?)\s*[,)]")


def read_final(rows: list[tuple[Any, ...]]) -> set[tuple[str, str]]:
    """The tables (database, name) to read with FINAL, from ``system.tables`` rows
    (database, name, engine, engine_full): the Replacing and Collapsing MergeTrees, and
    the Distributed tables over one of them on this server (FINAL reaches each shard)."""
    engines = {(str(d), str(n)): (str(e), str(full)) for d, n, e, full in rows}
    final = {key for key, (engine, _) in engines.items() if engine.endswith(_MERGED_AWAY)}
    for (database, name), (engine, full) in engines.items():
        found = _DISTRIBUTED.match(full) if engine == "Distributed" else None
        if found:
            target_db, target = (g.strip("'\"` ") for g in found.group(2, 3))
            target_db = database if target_db.lower() == "currentdatabase()" else target_db
            if (target_db, target) in final:
                final.add((database, name))
    return final


def _clickhouse_tables(engine: Engine, default: str) -> list[Table]:
    final, zones = read_final(engine.rows(_CH_ENGINES)), bool(engine.rows(CH_ZONES)[0][0])
    return [
        dataclasses.replace(t, final=(t.schema, t.name) in final, zones=zones)
        for t in _tables(engine.rows(_CH_TABLES), (default,))
    ]


@dataclass
class _ClickHouse(_Whole):
    """A ClickHouse server over HTTP (clickhouse-connect), with ``readonly = 2`` (reads only;
    settings may be changed) and ``max_execution_time``."""

    url: str
    dialect = "clickhouse"

    def __post_init__(self) -> None:
        self.shown = mask(self.url)
        try:
            import clickhouse_connect
        except ImportError:
            raise PaybackError(
                f"{self.shown}: reading ClickHouse needs clickhouse-connect: "
                "pip install 'payback[databases]'"
            ) from None
        # its HTTP client logs a warning before raising what it failed on; that error is the
        # one line said, so the warning stays off the terminal (logging's last resort)
        driver_log = logging.getLogger("clickhouse_connect")
        if not driver_log.handlers:
            driver_log.addHandler(logging.NullHandler())
        try:
            parts = urlsplit(self.url)
            port = parts.port
        except ValueError as exc:  # a bracket not closed, a port not a number
            raise PaybackError.bad("url", repr(self.shown), f"a URL ({exc})") from None
        secure = parts.scheme.lower() == "clickhouses"
        self.database = parts.path.lstrip("/") or "default"
        try:
            self.client = clickhouse_connect.get_client(
                host=parts.hostname or "localhost",
                port=port or (8443 if secure else 8123),
                username=unquote(parts.username or os.environ.get("CLICKHOUSE_USER", "default")),
                password=unquote(parts.password or os.environ.get("CLICKHOUSE_PASSWORD", "")),
                database=self.database,
                secure=secure,
                connect_timeout=CONNECT_TIMEOUT_S,
                send_receive_timeout=_timeout() + 30,
                settings={"readonly": 2, "max_execution_time": _timeout()},
            )
        except Exception as exc:  # the driver's errors have no common base
            raise _connect_error(
                self.shown, exc, self.url, "the URL or CLICKHOUSE_PASSWORD"
            ) from None

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return [tuple(r) for r in self.client.query(sql).result_rows]
        except Exception as exc:
            raise _failed(self.shown, "the query failed", exc, self.url) from None

    def tables(self) -> list[Table]:
        return _clickhouse_tables(self, self.database)

    def close(self) -> None:
        self.client.close()
