"""The profile's query in any SQL dialect: DuckDB SQL with a few ``PAYBACK_*`` functions,
written for the target by SQLGlot, with the rewrites SQLGlot does not know (integer
division, PostgreSQL's optimization fences, ClickHouse's ``FINAL`` and non-Nullable
casts)."""

from __future__ import annotations

import re
from typing import Any

from payback.errors import PaybackError
from payback.measure.usage import timetext

__all__ = ["DIALECTS", "FENCED", "GROUPED", "dialect_named", "render"]

DIALECTS = (
    "duckdb",
    "postgres",
    "clickhouse",
    "bigquery",
    "snowflake",
    "spark",
    "databricks",
    "trino",
    "presto",
    "athena",
    "redshift",
    "tsql",
    "oracle",
    "hive",
    "starrocks",
    "doris",
    "teradata",
    "materialize",
    "risingwave",
)
"""Dialects ``--sql --dialect`` writes (those SQLGlot writes whose SQL has grouping sets)."""

WITHOUT_GROUPING_SETS = {"sqlite": "SQLite", "mysql": "MySQL", "mariadb": "MariaDB"}
"""Dialects SQLGlot writes whose engines have no ``GROUPING SETS`` (MySQL only ``WITH
ROLLUP``): the query would not run there, so none is printed for them."""

ALIASES = {"postgresql": "postgres", "pg": "postgres", "sqlserver": "tsql", "mssql": "tsql"}
"""Other names of a dialect: the URL scheme ``postgresql``, SQL Server's."""


def dialect_named(text: str) -> str:
    """The dialect ``text`` names, in any case or by an alias (:data:`ALIASES`); one line
    naming the dialects when none.

    >>> dialect_named("PostgreSQL"), dialect_named("BigQuery")
    ('postgres', 'bigquery')
    """
    name = ALIASES.get(text.strip().lower(), text.strip().lower())
    if name in WITHOUT_GROUPING_SETS:
        raise PaybackError.bad(
            "dialect",
            repr(text),
            f"{WITHOUT_GROUPING_SETS[name]} has no GROUPING SETS, which the query needs; "
            f"one of {', '.join(DIALECTS)}",
        )
    if name not in DIALECTS:
        raise PaybackError.bad("dialect", repr(text), f"one of {', '.join(DIALECTS)}")
    return name


FENCED = ("normalized", "checked", "split")
"""The subqueries PostgreSQL runs as they are written (``OFFSET 0``). ``split`` (the keys)
too: its keys are then columns, each of which the planner guesses at 200 values, so it
guesses the groups of (hour and status, model) at 40,000 and hashes them; as expressions
over three columns it guessed 10 % of the rows, and sorted a large table instead."""

GROUPED = "[0-9]{1,3}(,[0-9]{3})+"
"""A whole number with its digits grouped by commas (``1,234``, as a spreadsheet exports
it), spaces around it allowed, read as the number without the commas; other text with a
comma (``1,5``: one and a half, or fifteen?) is no number. ClickHouse and the printed
dialects trim spaces (``trimBoth``, ``TRIM``) and match ``^GROUPED$`` (no backslash, the
same in every engine's string literals); DuckDB and PostgreSQL match with ``\\s*`` around,
as their casts allow."""

_POSTGRES_NUMBER = r"^\s*[-+]?([0-9]{1,30}(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]{1,2})?\s*$"
"""Text PostgreSQL casts to a double without failing: at most 30 digits before the point
and a two-digit exponent (``1e999`` or 400 digits would be out of range, and end the
query). Other numbers are out of a double's range: infinite, with their sign, as DuckDB's
TRY_CAST reads them (0 with a negative exponent), so the row is unusable for the same
reason on both."""
_NOT_FINITE_WORDS = ", ".join(
    f"'{w}'" for w in ("nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")
)
"""NaN and the infinities as PostgreSQL's cast reads them (in lower case)."""
_POSTGRES_ANY_NUMBER = (
    r"^\s*([-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?|" + GROUPED + r")\s*$"
)
"""Any number, or digits grouped by commas (:data:`GROUPED`): tried second, so text that
is no number is tried as often as before."""
_POSTGRES_GROUPED = r"^\s*[0-9]{1,3}(,[0-9]{3}){1,9}\s*$"
"""Grouped digits PostgreSQL casts to a double once the commas are gone (30 digits at
most, as :data:`_POSTGRES_NUMBER`); more are out of a double's range: infinite."""


def duckdb_number(x: str) -> str:
    """DuckDB SQL of a DOUBLE from ``x``: a number, or digits grouped by commas
    (:data:`GROUPED`, tried only where the cast fails); NULL otherwise. Text with an
    underscore is no number: DuckDB's cast reads ``1_000`` as 1000 (and ``1.5_0`` as 1.5),
    which PostgreSQL's and ClickHouse's do not, so a file and every table read it alike."""
    text = f"CAST({x} AS VARCHAR)"
    return (
        f"CASE WHEN NOT contains({text}, '_') THEN "
        f"coalesce(TRY_CAST({x} AS DOUBLE), CASE WHEN regexp_matches({text}, "
        f"'^\\s*{GROUPED}\\s*$') THEN TRY_CAST(replace({text}, ',', '') AS DOUBLE) END) END"
    )


def render(duckdb_sql: str, dialect: str, *, final: bool = False, zones: bool = True) -> str:
    """DuckDB SQL with the ``PAYBACK_*`` functions in ``dialect`` (via SQLGlot).

    - ``PAYBACK_EPOCH_US(t)``: microseconds since 1970 of a time (one without a zone is UTC);
    - ``PAYBACK_TEXT_EPOCH_US(s)``: the same from ISO text (NULL when it is not a time);
    - ``PAYBACK_HOUR_START(t)``: the start of a time's hour, in its own type;
    - ``PAYBACK_NUMBER(x)``: a DOUBLE, NULL when ``x`` does not read as a number (digits
      grouped by commas read as one: :data:`GROUPED`);
    - ``PAYBACK_JSON_TEXT(j, k1, k2, …)``: the text at keys of JSON (or JSON text);
    - and ``a // b`` is integer division (``intDiv`` on ClickHouse, where SQLGlot casts a
      float; ``/`` of two bigints on PostgreSQL, where SQLGlot writes ``DIV``, a numeric);
    - on PostgreSQL the subqueries in :data:`FENCED` get ``OFFSET 0`` (see below);
    - on ClickHouse, with ``final``, the table is read ``FINAL`` (each row's last version),
      and without ``zones`` (a server older than 24.10) text ending in a zone's name is no
      time (:func:`timetext.clickhouse`)."""
    import sqlglot

    if dialect not in DIALECTS:
        raise PaybackError.bad("dialect", repr(dialect), f"one of {', '.join(DIALECTS)}")
    tree = sqlglot.parse_one(duckdb_sql, read="duckdb")
    return str(tree.transform(_Rewrite(dialect, final, zones)).sql(dialect, pretty=True))


class _Rewrite:
    """One node of the DuckDB tree as ``dialect`` needs it (SQLGlot's ``transform``)."""

    def __init__(self, dialect: str, final: bool, zones: bool = True) -> None:
        self.dialect = dialect
        self.final = final
        self.zones = zones

    def sql_of(self, node: Any) -> str:
        return str(node.sql(self.dialect))

    def parse(self, text: str) -> Any:
        import sqlglot

        return sqlglot.parse_one(text, read=self.dialect)

    def __call__(self, node: Any) -> Any:
        from sqlglot import exp

        dialect = self.dialect
        if dialect == "postgres" and isinstance(node, exp.Subquery) and node.alias in FENCED:
            # OFFSET 0 keeps PostgreSQL from pulling the subquery up into the one above,
            # which would repeat its expressions wherever a column of it is used (the time
            # in the checks, the checks in the status): each is computed once
            inner = node.this.transform(self)
            inner.set("offset", exp.Offset(expression=exp.Literal.number(0)))
            return exp.Subquery(this=inner, alias=node.args.get("alias"))
        if isinstance(node, exp.IntDiv) and dialect in ("clickhouse", "postgres"):
            a, b = node.this.transform(self), node.expression.transform(self)
            if dialect == "clickhouse":
                return self.parse(f"intDiv({self.sql_of(a)}, {self.sql_of(b)})")
            # bigint / bigint divides whole numbers (DIV is numeric: several times slower)
            return exp.Div(this=a, expression=b, typed=True)
        if dialect == "clickhouse" and self.final and isinstance(node, exp.Table):
            return exp.Final(this=node.copy())
        if dialect == "clickhouse" and type(node) is exp.Cast:
            # toFloat64 / toString keep a column that is never NULL out of Nullable
            # (SQLGlot's CAST makes every value Nullable: a mask kept beside each column)
            function = {
                exp.DataType.Type.DOUBLE: "toFloat64",
                exp.DataType.Type.VARCHAR: "toString",
                exp.DataType.Type.TEXT: "toString",
            }.get(node.to.this)
            if function:
                return self.parse(f"{function}({self.sql_of(node.this.transform(self))})")
        if not isinstance(node, exp.Anonymous) or not str(node.this).upper().startswith("PAYBACK_"):
            return node
        args = [a.transform(self) for a in node.expressions]
        payback_function = {
            "PAYBACK_EPOCH_US": self.epoch_us,
            "PAYBACK_TEXT_EPOCH_US": self.text_epoch_us,
            "PAYBACK_HOUR_START": self.hour_start,
            "PAYBACK_NUMBER": self.number,
            "PAYBACK_JSON_TEXT": self.json_text,
        }.get(str(node.this).upper())
        return node if payback_function is None else payback_function(args)

    def epoch_us(self, args: list[Any]) -> Any:
        from sqlglot import exp

        dialect, x = self.dialect, self.sql_of(args[0])
        if dialect == "duckdb":
            return self.parse(f"epoch_us({x})")
        if dialect == "postgres":
            # date_part is a double (EXTRACT is numeric since PostgreSQL 14: twice as
            # slow); µs since 1970 stay below 2^53, so rounding gives them exactly
            part = exp.Anonymous(
                this="date_part", expressions=[exp.Literal.string("epoch"), args[0]]
            )
            micro = exp.Mul(this=part, expression=exp.Literal.number(1000000))
            # (the cast to bigint rounds to the nearest: no round() call a row); a time of
            # 'infinity' or '-infinity' has no whole microseconds (the cast failed the whole
            # query): none, as DuckDB's epoch_us gives
            whole = exp.Cast(this=micro, to=exp.DataType.build("BIGINT"))
            finite = exp.Anonymous(this="isfinite", expressions=[args[0]])
            return exp.Case(ifs=[exp.If(this=finite, true=whole)])
        if dialect == "clickhouse":
            return self.parse(f"toUnixTimestamp64Micro(toDateTime64({x}, 6, 'UTC'))")
        if dialect in ("bigquery", "spark", "databricks"):
            return exp.UnixMicros(this=args[0])
        if dialect == "snowflake":
            return self.parse(f"DATE_PART(EPOCH_MICROSECOND, {x})")
        return exp.Cast(
            this=exp.Mul(this=exp.TimeToUnix(this=args[0]), expression=exp.Literal.number(1e6)),
            to=exp.DataType.build("BIGINT"),
        )

    def hour_start(self, args: list[Any]) -> Any:
        from sqlglot import exp

        if self.dialect != "postgres":
            return exp.TimestampTrunc(this=args[0], unit=exp.var("HOUR"))
        # date_bin, not date_trunc (which parses its unit's name every row); the origin an
        # untyped literal, which takes the time's own type (SQLGlot's DATE_BIN drops its quotes)
        return exp.Anonymous(
            this="date_bin",
            expressions=[
                exp.Interval(this=exp.Literal.string("1"), unit=exp.var("HOUR")),
                args[0],
                exp.Literal.string("1970-01-01 00:00:00+00"),
            ],
        )

    def text_epoch_us(self, args: list[Any]) -> Any:
        """Microseconds of text of the forms every engine reads alike (:mod:`timetext`)."""
        from sqlglot import exp

        x = self.sql_of(args[0])
        if self.dialect == "clickhouse":
            return self.parse(timetext.clickhouse(f"trimBoth(toString({x}))", zones=self.zones))
        if self.dialect == "postgres":
            return self.parse(timetext.postgres(f"BTRIM(CAST({x} AS TEXT))"))
        if self.dialect == "duckdb":
            return self.epoch_us([self.parse(timetext.duckdb(x))])
        inner = exp.TryCast(this=args[0], to=exp.DataType.build("TIMESTAMPTZ"))
        return self.epoch_us([inner])

    def number(self, args: list[Any]) -> Any:
        from sqlglot import exp

        x = self.sql_of(args[0])
        if self.dialect == "clickhouse":
            # the pattern only where the number is NULL (short-circuit evaluation)
            text = f"trimBoth(toString({x}))"
            return self.parse(
                f"if(isNull(toFloat64OrNull({text})) AND match({text}, '^{GROUPED}$'), "
                f"toFloat64OrNull(replaceAll({text}, ',', '')), toFloat64OrNull({text}))"
            )
        if self.dialect == "postgres":
            text = f"CAST({x} AS TEXT)"
            return self.parse(
                f"CASE WHEN {text} ~ '{_POSTGRES_NUMBER}' THEN CAST({text} AS DOUBLE PRECISION) "
                f"WHEN {text} ~ '{_POSTGRES_ANY_NUMBER}' THEN CASE "
                f"WHEN {text} ~ '{_POSTGRES_GROUPED}' "
                f"THEN CAST(REPLACE({text}, ',', '') AS DOUBLE PRECISION) "
                f"WHEN {text} ~ '[eE]-' THEN 0.0 "
                f"WHEN BTRIM({text}) LIKE '-%' THEN CAST('-Infinity' AS DOUBLE PRECISION) "
                "ELSE CAST('Infinity' AS DOUBLE PRECISION) END "
                # NaN and the infinities by name, as DuckDB's TRY_CAST reads them
                f"WHEN LOWER(BTRIM({text})) IN ({_NOT_FINITE_WORDS}) "
                f"THEN CAST(BTRIM({text}) AS DOUBLE PRECISION) END"
            )
        if self.dialect == "duckdb":
            return self.parse(duckdb_number(x))
        # the pattern only where the cast fails
        trimmed = exp.Trim(this=exp.Cast(this=args[0].copy(), to=exp.DataType.build("VARCHAR")))
        grouped = exp.TryCast(
            this=exp.Anonymous(
                this="REPLACE",
                expressions=[trimmed.copy(), exp.Literal.string(","), exp.Literal.string("")],
            ),
            to=exp.DataType.build("DOUBLE"),
        )
        matches = exp.RegexpLike(this=trimmed, expression=exp.Literal.string(f"^{GROUPED}$"))
        return exp.Coalesce(
            this=exp.TryCast(this=args[0], to=exp.DataType.build("DOUBLE")),
            expressions=[exp.Case(ifs=[exp.If(this=matches, true=grouped)])],
        )

    def json_text(self, args: list[Any]) -> Any:
        import sqlglot
        from sqlglot import exp

        x, keys = self.sql_of(args[0]), [a.name for a in args[1:]]
        if self.dialect in ("postgres", "clickhouse"):
            listed = ", ".join(exp.Literal.string(k).sql(self.dialect) for k in keys)
            function = (
                f"JSON_EXTRACT_PATH_TEXT(CAST({x} AS JSON), {listed})"
                if self.dialect == "postgres"
                else f"JSONExtractString(toString({x}), {listed})"
            )
            return self.parse(function)
        simple = all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k) for k in keys)
        path = "$." + ".".join(k if simple else '"' + k.replace('"', '\\"') + '"' for k in keys)
        found: Any = sqlglot.parse_one(
            f"json_extract_string(x, {exp.Literal.string(path).sql('duckdb')})", read="duckdb"
        )
        found.set("this", args[0])
        return found
