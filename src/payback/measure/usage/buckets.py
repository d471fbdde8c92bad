"""Token counts in buckets of three digits, as the table query counts them: exact below
1,000, then 1,000-1,009, 1,010-1,019, ..., 10,000-10,099, ..., so that the percentiles come
back from a few thousand rows however many distinct counts the logs hold (within 0.5 %).
The query's SQL for a bucket (:func:`bucket_sql`, DuckDB SQL translated per dialect) and a
bucket's width here, to read it back as its midpoint."""

from __future__ import annotations

__all__ = ["BUCKET_DIGITS", "bucket_sql", "bucket_width"]

BUCKET_DIGITS = 3
"""Token counts of 10^3 and more are counted in buckets of their first three digits
(1,000-1,009, 1,010-1,019, ..., 10,000-10,099, ...): a bucket is at most 1/100 of its
lowest value wide, so a percentile read from the buckets' midpoints is within 0.5 % of the
exact one (and exact below 1,000, where each value is counted)."""


def bucket_sql(column: str) -> str:
    """The bucket of a token count (its lowest value): the count itself below 10^3, else
    the count with all but its first :data:`BUCKET_DIGITS` digits zeroed."""
    steps = " ".join(
        f"WHEN {column} < 1e{d + BUCKET_DIGITS} THEN floor({column} / 1e{d}) * 1e{d}"
        for d in range(1, 6)
    )
    return (
        f"CASE WHEN {column} < 1e{BUCKET_DIGITS} THEN {column} {steps} "
        f"ELSE floor({column} / 1e6) * 1e6 END"
    )


def bucket_width(low: float) -> float:
    """The width of the bucket whose lowest value is ``low`` (1 below 10^3: exact)."""
    if low < 10**BUCKET_DIGITS:
        return 1.0
    digits = len(str(int(low)))
    return float(10 ** (digits - BUCKET_DIGITS))
