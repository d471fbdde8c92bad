"""What the profile's query needs of a column's type, from the engine's name for it
(PostgreSQL's, ClickHouse's, DuckDB's)."""

from __future__ import annotations

import re

__all__ = ["bare", "kind_of", "whole"]

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
