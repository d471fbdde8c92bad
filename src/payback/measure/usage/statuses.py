"""What the profile's query over a table (:func:`payback.measure.usage.tables.profile_query`)
says of each row, as one ``status`` number: not an LLM call that succeeded, why it cannot
be used, outside the filters, used, or of another model inside the dates."""

from __future__ import annotations

from payback.measure.usage.formats import COMMA, NOT_FINITE

__all__ = ["FILTERED", "OTHER_MODEL", "USED", "WHY"]

WHY = (
    "no time that reads as a date",
    "a time before 1970 or after 2199",
    COMMA,
    "token counts missing or not numbers",
    NOT_FINITE,
    "negative token counts",
    "more cached tokens than input tokens",
    "over 10^8 tokens a request",
)
"""Why a row that is an LLM call cannot be used, in the order the checks are made (the
first that holds, as for files): its ``status`` is 1 + the index here (0: not an LLM call
that succeeded, :data:`FILTERED`: outside the filters, :data:`USED`, and with a model
asked, :data:`OTHER_MODEL`)."""
FILTERED = len(WHY) + 1
USED = len(WHY) + 2
OTHER_MODEL = len(WHY) + 3
"""Inside the date filters, of a model other than the one asked: time the logs cover
(:mod:`~payback.measure.usage.coverage`), none of the model's requests."""


def _status(why: str) -> int:
    return WHY.index(why) + 1
