"""Names in a scenario (the scenario's, each option's, each workload's): text with at least
one character that shows."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field

__all__ = ["Name"]


def _shown(text: str) -> str:
    """A name with something to show: not only spaces, line breaks and invisible
    characters (a zero-width space, a direction mark), which every output printed as a
    blank ("Baseline:     (hosted_api)")."""
    if not any(not c.isspace() and unicodedata.category(c)[0] not in "CZ" for c in text):
        raise ValueError(
            f"{text!r}: blank (spaces or invisible characters only); give a name that shows"
        )
    return text


Name = Annotated[str, Field(min_length=1), AfterValidator(_shown)]
"""A scenario's, an option's or a workload's name: at least one character that shows."""
