"""The library's advice told in the page's words: what to choose or click on the page, not
a function to call. Every message the page shows from the library goes through
:func:`in_page_words`, as the command line's go through its own mapping
(``payback.cli._errors.LIBRARY_ADVICE``: a command or flag), so the library names neither.
No Streamlit here, so it is testable."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["PAGE_ADVICE", "in_page_words", "lines_in_page_words"]

_CATALOG_SERVING = "Serving: “GPU and model from the catalog”"
"""The alternative's choice on the page that picks a GPU and a model from lists."""

PAGE_ADVICE = {
    "search_api_models(text) lists them": "the “API model” list under Baseline holds them",
    "recommend() chooses one": f"choose {_CATALOG_SERVING} under the alternative to pick one",
    "(recommend() finds one)": f"(another GPU, precision or engine under {_CATALOG_SERVING})",
    "for recommend() to choose one": f"(pick one in the “Model” list under {_CATALOG_SERVING})",
    "(even when forced)": "(whatever the file asks)",
    "monte_carlo() shows the spread": "“How sure is it?” shows the spread",
    "name one with table (and columns ts=": "name one with `payback usage --table` (and --columns ts=",
    "with columns ts=": "with `payback usage --columns` ts=",
    "with columns model=COLUMN": "with `payback usage --columns` model=COLUMN",
    "the one query profile_database() runs": "the one query `payback usage` runs",
    "(usage_sql() gives that DuckDB SQL)": "(`payback usage --sql` gives that DuckDB SQL)",
}
"""The library's advice in its own words (a function to call) and the page's for it (a
choice on the page). Log profiling is not on the page: its advice names the command."""


def in_page_words(line: str) -> str:
    """``line`` with the library's advice told as the page's.

    >>> in_page_words("alternatives.0: gpu is required to price and size it; recommend() chooses one")
    'alternatives.0: gpu is required to price and size it; choose Serving: “GPU and model from the catalog” under the alternative to pick one'
    """
    for library, page in PAGE_ADVICE.items():
        line = line.replace(library, page)
    return line


def lines_in_page_words(lines: Iterable[str]) -> list[str]:
    """Each line of a message in the page's words."""
    return [in_page_words(line) for line in lines]
