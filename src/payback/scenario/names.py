"""Names in a scenario (the scenario's, each option's, each workload's): one line of text
with at least one character that shows."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field

__all__ = ["Name", "name_key", "near_name"]


def _shown(text: str) -> str:
    """A name with something to show: not only spaces, line breaks and invisible
    characters (a zero-width space, a direction mark), which every output printed as a
    blank ("Baseline:     (hosted_api)")."""
    if not any(not c.isspace() and unicodedata.category(c)[0] not in "CZ" for c in text):
        raise ValueError(
            f"{text!r}: blank (spaces or invisible characters only); give a name that shows"
        )
    if any(unicodedata.category(c) == "Cc" or c in "\u2028\u2029" for c in text):
        raise ValueError(  # "a\nb" beside a workload "b" printed a stray row "b"
            f"{text!r}: a line break or control character; a name is one line of text"
        )
    return text


Name = Annotated[str, Field(min_length=1), AfterValidator(_shown)]
"""A scenario's, an option's or a workload's name: at least one character that shows."""


def name_key(name: str) -> str:
    """What two names are told apart by: not case, nor spaces at the ends or doubled inside
    (a table shows "support triage" and "Support triage " as the same row twice).

    >>> name_key(" Support  Triage "), name_key("support triage") == name_key("SUPPORT TRIAGE")
    ('support triage', True)
    """
    return " ".join(name.split()).casefold()


def near_name(name: str, names: list[str]) -> str:
    """For a name that is not among ``names`` as written, the words that say which one it
    differs from only in case or spaces; "" where none does.

    >>> near_name("Support triage", ["support triage", "tagging"])
    "did you mean 'support triage'? names count case and spaces; "
    >>> near_name("billing", ["support triage"])
    ''
    """
    key = name_key(name)
    near = [other for other in names if name_key(other) == key]
    return f"did you mean {near[0]!r}? names count case and spaces; " if near else ""
