"""Columns some files have and others lack, when one run reads them together.

A file with no cached-token column next to files with one would count its requests as none
cached, and the share over all of them would be the share of the files that say it diluted
by those that do not (:func:`uncached`): the share is then not measured, the files that
lack it named. A file with no model column next to files with one has requests of no known
model: ``--model`` leaves them out, and the months only that file covers are not the
model's zeros (:func:`nameless_files`): its rows are taken out of the logs' coverage.
A database table's request ids are not matched (the engine's one grouped scan does not rank
rows by id): the repeats are not counted, ``duplicates`` is None, and a note says so
(:func:`unchecked_ids`). A generic log's column read as the requests each row stands for
(a bucket's count) is named in a note (:func:`counted_by`): a per-request log's other count
(of messages, say) read so would multiply its requests.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from payback.measure.usage import sql
from payback.measure.usage.formats import GENERIC, SPECS
from payback.measure.usage.normalize import NO_MODEL, accessor, unwrap
from payback.measure.usage.profile import KEPT, UsageProfile, cached_measured

__all__ = [
    "UNCHECKED_IDS",
    "counted_by",
    "nameless_files",
    "table_checked",
    "table_ids",
    "uncached",
    "unchecked_ids",
]

SHOWN = 3
"""The files named in a note or a warning (then ``and N more``)."""


def _named(files: list[str]) -> str:
    more = f" and {len(files) - SHOWN:,} more" if len(files) > SHOWN else ""
    return ", ".join(files[:SHOWN]) + more


def nameless_files(con: Any, model: str) -> list[str]:
    """With ``--model``, a warning naming the files whose rows name no model where other
    files name one, their rows taken out of the logs' coverage (``dated_in``) in ``hourly``;
    none where every file, or none, names a model, or ``model`` is ``(none)``."""
    rows = con.execute(sql.NAMELESS).fetchall()
    files = int(con.execute("SELECT count(DISTINCT file) FROM hourly WHERE part = 3").fetchone()[0])
    if model == NO_MODEL or not rows or len(rows) >= files:
        return []
    con.execute(
        "UPDATE hourly SET dated_in = FALSE WHERE part = 3 AND list_contains(?, file)",
        [[f for f, _ in rows]],
    )
    n = sum(int(k) for _, k in rows)
    one = len(rows) == 1
    return [
        f"{_named([f for f, _ in rows])} name{'s' if one else ''} no model (no model column, "
        f"or every row's empty) where the other files name one: the model filter ({model}) "
        "leaves "
        f"{'its' if one else 'their'} {n:,} rows out, and the months only "
        f"{'it covers are' if one else 'they cover are'} not counted as {model}'s zeros; "
        "name the column that holds the model with columns model=COLUMN"
    ]


def counted_by(
    con: Any, profile: UsageProfile, sources: list[sql.Source], explicit: dict[str, str]
) -> UsageProfile:
    """``profile`` with a note first for each column (or JSON key) of generic logs read as
    the requests each row stands for, naming it and its files: one named with ``columns
    requests=...``, or one the generic layout knows (:data:`GENERIC`) that a table has or a
    JSON record holds (one query a source, which stops at the first record with one; run
    after the rows are counted, as it reads the files again)."""
    found: dict[str, list[str]] = {}
    for source in sources:
        if source.fmt != "generic":
            continue
        names = [explicit["requests"]] if "requests" in explicit else GENERIC["requests"]
        if not source.json:
            lower = source.columns
            column = next((lower[n.lower()] for n in names if n.lower() in lower), None)
        else:
            records = unwrap(source)
            probe = sql.Source(records.sql, True, records.files, records.fmt)
            paths = [accessor(probe, n) for n in names]
            held = con.execute(
                f"SELECT {', '.join(f'({p}) IS NOT NULL' for p in paths)} FROM {records.sql} "
                f"WHERE coalesce({', '.join(str(p) for p in paths)}) IS NOT NULL LIMIT 1"
            ).fetchone()
            column = next((n for n, h in zip(names, held or (), strict=False) if h), None)
        if column is not None:
            found.setdefault(column, []).extend(source.files)
    notes = [
        f"{_named(files)}: column {column!r} read as request counts (each row stands for "
        "that many requests, as a bucket does; a row without one is one request)"
        for column, files in found.items()
    ]
    return dataclasses.replace(profile, notes=[*notes, *profile.notes])


def uncached(con: Any, profile: UsageProfile, found: bool, files: list[str]) -> UsageProfile:
    """``profile`` with ``cached_input_share`` not measured where some of the ``files``
    give no cached-token count while others do (``found``: any does), noted with the share
    they would dilute to; as it is otherwise."""
    lacking = [f for (f,) in con.execute(sql.UNCACHED).fetchall()] if found else []
    if not lacking or len(lacking) >= len(files):
        return profile
    share = profile.traffic.get("cached_input_share")
    diluted = f" (counted as none cached, it would read {share:.3g})" if share is not None else ""
    one = len(lacking) == 1
    note = (
        f"cached_input_share is not measured: {_named(lacking)} give{'s' if one else ''} no "
        f"cached-token count (no such column or key) where the other files do{diluted}; "
        f"the files that give it, read alone, measure it ({KEPT})"
    )
    return cached_measured(profile, False, note)


UNCHECKED_IDS = (
    "the table's request ids are not checked for repeats (the engine runs one grouped scan): "
    "a request logged twice is counted twice, and duplicates is not counted; a file export "
    "of the table (CSV, Parquet) drops them"
)


def unchecked_ids(profile: UsageProfile, ids: bool) -> UsageProfile:
    """A database table's ``profile`` with ``rows.duplicates`` None (not counted) and
    :data:`UNCHECKED_IDS` noted where the table has a request-id column (``ids``); as it is
    without one (0, as for files without ids: nothing to match)."""
    if not ids:
        return profile
    rows = {**profile.rows, "duplicates": None}
    return dataclasses.replace(profile, rows=rows, notes=[*profile.notes, UNCHECKED_IDS])


def table_ids(columns: dict[str, str], spec: str, explicit: dict[str, str]) -> bool:
    """Whether a table (its ``columns``) has a request-id column: one named with
    ``columns id=...``, or one its format's (or the generic layout's) names for an id."""
    named = SPECS[spec].fields.get("id", []) if spec in SPECS else []
    lower = {c.lower() for c in columns}
    return "id" in explicit or any(c.lower() in lower for c in [*named, *GENERIC["id"]])


def table_checked(
    profile: UsageProfile, table: Any, spec: str, explicit: dict[str, str]
) -> UsageProfile:
    """A database table's ``profile`` with its ids not checked (:func:`unchecked_ids`) and
    its cached share measured only where it has a cached-token column."""
    from payback.measure.usage.tables import resolve_fields

    profile = unchecked_ids(profile, table_ids(table.columns, spec, explicit))
    return cached_measured(profile, "cached" in resolve_fields(table, spec, explicit))
