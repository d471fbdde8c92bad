"""What the profile's query needs of a column's type, from the engine's name for it
(PostgreSQL's, ClickHouse's, DuckDB's)."""

from __future__ import annotations

import re

from payback.errors import PaybackError

__all__ = ["bare", "check_counts", "kind_of", "whole"]

_WHOLE = re.compile(r"u?(tiny|small|big|huge)?int(eger)?\d*|(small|big)?serial\d?")


def bare(sql_type: str) -> str:
    """An engine's type name in lower case, out of ClickHouse's ``Nullable(...)`` and
    ``LowCardinality(...)``."""
    t = sql_type.strip().lower()
    while t.startswith(("nullable(", "lowcardinality(")) and t.endswith(")"):
        t = t[t.index("(") + 1 : -1].strip()
    return t


def kind_of(sql_type: str) -> str:
    """``map``, ``json``, ``timestamp``, ``number`` or ``text`` from an engine's type name."""
    t = bare(sql_type)
    if t.startswith("map"):
        return "map"
    if t.startswith(("json", "struct", "object")):
        return "json"
    if t.startswith(("timestamp", "datetime", "date")):
        return "timestamp"
    if whole(t) or t.startswith(("float", "double", "decimal", "numeric", "real")):
        return "number"
    return "text"


def whole(sql_type: str) -> bool:
    """Whether the type holds whole numbers only (``integer``, ``int8``, ``UInt32``,
    ``hugeint``...): never NaN or an infinity."""
    return _WHOLE.fullmatch(bare(sql_type)) is not None


def check_counts(
    shown: str, columns: dict[str, str], fields: dict[str, list[list[tuple[str, list[str]]]]]
) -> None:
    """One line where a table's (``shown``; ``columns``: name → type) token column among
    ``fields`` (each field's alternatives: columns and the keys read from them) is of a
    type that holds no count, a boolean or a time: its every row was counted unreadable as
    'token counts missing or not numbers', the column and its type unnamed."""
    for name in ("input", "output", "cached"):
        for column, keys in (t for terms in fields.get(name, []) for t in terms):
            sql_type = columns[column]
            if keys or not (
                bare(sql_type) in ("boolean", "bool") or kind_of(sql_type) == "timestamp"
            ):
                continue
            raise PaybackError(
                f"{shown}: column {column!r} is {sql_type}, not a count of tokens (read as "
                f"the {name} tokens); name the token columns with columns "
                "input=...,output=...[,cached=...]"
            )
