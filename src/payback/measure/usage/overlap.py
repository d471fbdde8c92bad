"""Log files whose requests overlap in time while their rows carry no request id to match:
two exports of one log count the overlap twice; two replicas' logs are right. Pure
arithmetic over the ``FILES`` query's rows, no DuckDB."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from payback.measure.usage.profile import _grains, utc

__all__ = ["OVERLAP_SECONDS", "overlap_warning", "overlaps"]

OVERLAP_SECONDS = 3600.0
"""Files whose requests overlap by less than this (a log rotated while requests were in
flight) are not said to overlap."""
OVERLAPS_KEPT = 50


def overlaps(
    file_rows: Iterable[Sequence[Any]],
    source_rows: Iterable[Sequence[Any]],
    formats: dict[str, str],
) -> list[dict[str, Any]]:
    """The pairs of files of the same format whose requests overlap by
    :data:`OVERLAP_SECONDS` or more where their rows cannot be matched by request id (not
    every row of both carries one). ``file_rows``: ``(source, file, first, last_instant,
    last_end, ids)`` from the ``FILES`` query; ``source_rows`` as in :func:`monthly` (a row
    stands for its day or hour where the timestamps are dates or whole hours). A file's
    requests span from its first row to where its data end (a bucket's end, a day's end)."""
    grains, _ = _grains(source_rows)
    spans: dict[str, list[tuple[dt.datetime, dt.datetime, str, bool]]] = {}
    for src, name, first, last_instant, last_end, ids in file_rows:
        if first is None or name is None:
            continue
        grain = grains.get(src, 0.0)
        ends = [utc(last_end)] if last_end is not None else []
        if last_instant is not None:
            ends.append(utc(last_instant) + dt.timedelta(seconds=grain))
        end = max(ends) if ends else utc(first)
        fmt = formats.get(name, "")
        spans.setdefault(fmt, []).append((utc(first), end, name, bool(ids)))
    found: list[dict[str, Any]] = []
    for fmt, items in spans.items():
        items.sort()
        for k, (_a_first, a_end, a_name, a_ids) in enumerate(items):
            for b_first, b_end, b_name, b_ids in items[k + 1 :]:
                if (a_end - b_first).total_seconds() < OVERLAP_SECONDS:
                    break  # sorted by start: no later file starts early enough
                lo, hi = b_first, min(a_end, b_end)
                if (hi - lo).total_seconds() < OVERLAP_SECONDS or (a_ids and b_ids):
                    continue
                found.append(
                    {
                        "files": [a_name, b_name],
                        "format": fmt,
                        "from": lo.isoformat(),
                        "to": hi.isoformat(),
                        "hours": (hi - lo).total_seconds() / 3600,
                    }
                )
                if len(found) >= OVERLAPS_KEPT:
                    return found
    return found


def _days(pair: dict[str, Any]) -> str:
    """An overlap's dates: ``from 2026-01-15 to 2026-01-31``, or ``on`` one day."""
    lo = dt.datetime.fromisoformat(pair["from"]).date()
    hi = (dt.datetime.fromisoformat(pair["to"]) - dt.timedelta(microseconds=1)).date()
    return f"on {lo.isoformat()}" if lo == hi else f"from {lo.isoformat()} to {hi.isoformat()}"


def overlap_warning(pairs: list[dict[str, Any]]) -> str | None:
    """One line naming the files that overlap in time and the dates (:func:`overlaps`)."""
    if not pairs:
        return None
    head = pairs[0]
    if len(pairs) == 1:
        said = (
            f"{head['files'][0]} and {head['files'][1]} ({head['format']} logs whose rows carry "
            f"no request id to match) overlap in time {_days(head)}"
        )
    else:
        shown = "; ".join(f"{p['files'][0]} and {p['files'][1]} {_days(p)}" for p in pairs[:3])
        more = f"; and {len(pairs) - 3:,} more pairs" if len(pairs) > 3 else ""
        said = (
            f"{len(pairs):,} pairs of log files of one format whose rows carry no request id "
            f"to match overlap in time: {shown}{more}"
        )
    times = "twice" if len(pairs) == 1 else "once for each file that holds them"
    return (
        f"{said}: if they are exports of the same log, the requests of those days are "
        f"counted {times} (give each day in one file only); separate logs of the same hours "
        "(two replicas, each writing its own) are counted right"
    )
