"""The rows of the logs counted: one line where none is left to profile, and the rows
read, used and left out (``rows`` of the profile)."""

from __future__ import annotations

from typing import Any

from payback.errors import PaybackError
from payback.measure.usage import sql

__all__ = ["check_rows", "row_counts"]


def check_rows(
    counts: sql.RowCounts,
    totals: sql.Totals,
    names: str,
    chosen: str,
    filters: str = "",
    named: bool = True,
) -> None:
    """One line when no request is left: no rows, none readable (and why), or none after
    the filters (named, with how a model is matched)."""
    if totals.rows and totals.requests:
        return
    if totals.rows:
        raise PaybackError(
            f"{names}: no requests; the {totals.rows:,} rows used are all empty buckets (zero "
            "requests)" + (f" after filtering by {filters}" if filters else "")
        )
    if counts.read + counts.rejected == 0:
        raise PaybackError(f"{names}: no rows; expected {chosen} request logs")
    usable = _usable(counts)
    if usable == 0:
        why = counts.why()
        skipped = counts.not_llm_calls_or_failed
        if skipped:
            why = "; ".join(filter(None, [why, f"{skipped:,} not LLM calls or failed"]))
        raise PaybackError(
            f"{names}: none of the {counts.read + counts.rejected:,} rows could be read as {chosen} logs"
            + (f": {why}" if why else "")
            # a table's unreadable rows come back counted, without examples
            + (f" (first: {counts.examples[0]})" if counts.examples else "")
        )
    raise PaybackError(
        f"no requests left after filtering by {filters or 'date and model'} ({usable:,} usable "
        + ("row" if usable == 1 else "rows")
        + " before filtering)"
        + (
            (
                "; a model is matched exactly as logged (the models are listed under By model "
                "without a model filter)"
                if named
                else "; the logs name no model (no readable row has one; name their model column "
                "with columns model=COLUMN)"
            )
            if filters.startswith("model ")
            else ""
        )
    )


def _usable(counts: sql.RowCounts) -> int:
    """Rows that are LLM calls which succeeded, can be read and are not duplicates."""
    return int(counts.read - counts.not_llm_calls_or_failed - counts.unreadable - counts.duplicates)


def row_counts(counts: sql.RowCounts, totals: sql.Totals) -> dict[str, Any]:
    """The rows read, used and left out, and why."""
    return {
        "read": int(counts.read + counts.rejected),
        "used": int(totals.rows),
        "unreadable": int(counts.unreadable + counts.rejected),
        "examples": counts.examples[:5],
        "not_llm_calls_or_failed": int(counts.not_llm_calls_or_failed),
        "filtered_out": int(_usable(counts) - totals.rows),
        "duplicates": int(counts.duplicates),
        "unreadable_why": counts.reasons,
    }
