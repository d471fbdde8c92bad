"""Which table of an engine holds the logs: one named, else the first known table found by
name (:data:`~payback.measure.usage.tables.KNOWN`), else the one table that looks like logs;
one line naming the tables that look like logs when there is none."""

from __future__ import annotations

from payback.errors import PaybackError
from payback.measure.usage.formats import GENERIC
from payback.measure.usage.tables import KNOWN, OTEL_ATTRIBUTES, Table, _lower

__all__ = ["case_twins", "find_table", "looks_like_logs"]


def case_twins(table: Table, shown: str) -> list[str]:
    """A warning when columns' names differ only in case (the first is read, as a CSV
    header's first is); none when each name is there once."""
    twins: dict[str, list[str]] = {}
    for c in table.columns:
        twins.setdefault(c.lower(), []).append(c)
    said = [" and ".join(names) for names in twins.values() if len(names) > 1]
    if not said:
        return []
    return [
        f"{shown}: columns whose names differ only in case: {'; '.join(said)}; the first of "
        "each is read (name another as the table spells it, with columns)"
    ]


def looks_like_logs(table: Table) -> bool:
    """Whether a table has a time column and a token column (found as generic logs are)."""
    names = _lower(table.columns)
    has_ts = any(c.lower() in names for c in GENERIC["ts"])
    has_tokens = (
        any(c.lower() in names for c in GENERIC["input"])
        or any(c.lower() in OTEL_ATTRIBUTES_LOWER for c in names)
        or "usage_details" in names
    )
    return has_ts and has_tokens


OTEL_ATTRIBUTES_LOWER = {c.lower() for c in OTEL_ATTRIBUTES}


def find_table(tables: list[Table], name: str | None, shown_url: str) -> tuple[Table, str]:
    """The table to read and its spec name: ``name`` (``schema.table`` or ``table``), or the
    first known table found by name, or else the one table that looks like logs (read as
    generic logs). One line when there is none, naming the tables that look like logs."""
    if name is not None:
        for t in tables:
            if name in (t.shown, t.qualified) or (t.default and name == t.name):
                return t, _spec_for(t)
        folded = [t for t in tables if name.lower() in (t.shown.lower(), t.qualified.lower())]
        if len(folded) == 1:
            return folded[0], _spec_for(folded[0])
        raise PaybackError.bad("table", repr(name), _not_found(tables, shown_url))
    # a known name in a schema searched by default first (a copy in another schema, such
    # as an archive, is not the live table)
    by_schema = sorted(tables, key=lambda t: not t.default)
    for spec in KNOWN.values():
        for wanted in spec.tables:
            for t in by_schema:
                if t.name.lower() == wanted.lower():
                    return t, spec.name
    logs = [t for t in tables if looks_like_logs(t) and not t.partition]
    if len(logs) == 1:  # the one table that can be read (the note says which it was)
        return logs[0], "generic"
    raise PaybackError(
        f"{shown_url}: no table of known logs found (looked for "
        + ", ".join(t for s in KNOWN.values() for t in s.tables)
        + "); name one with table (and columns ts=...,input=...,output=...); "
        + _not_found(tables, shown_url, named=False)
    )


def _spec_for(table: Table) -> str:
    for spec in KNOWN.values():
        if table.name.lower() in (t.lower() for t in spec.tables):
            return spec.name
    return "generic"


def _not_found(tables: list[Table], shown_url: str, *, named: bool = True) -> str:
    """The tables that look like logs, else the others, else that there are none; after
    "not a table of URL" when a table was named."""
    head = f"not a table of {shown_url}; " if named else ""
    logs = [t.shown for t in tables if looks_like_logs(t) and not t.partition]
    if logs:
        more = f" (and {len(logs) - 20:,} more)" if len(logs) > 20 else ""
        return f"{head}tables that look like logs: {', '.join(logs[:20])}{more}"
    others = [t.shown for t in tables]
    if others:
        return (
            f"{head}none of its {len(others):,} tables looks like logs "
            f"({', '.join(others[:10])}{', …' if len(others) > 10 else ''})"
        )
    return f"not a table of {shown_url}, which has no tables" if named else "it has no tables"
