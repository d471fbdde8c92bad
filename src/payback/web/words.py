"""The library's advice told in the page's words: what to choose or click on the page, not
a function to call. Every message the page shows from the library goes through
:func:`in_page_words`, as the command line's go through its own mapping
(``payback.cli._errors.LIBRARY_ADVICE``: a command or flag), so the library names neither.
No Streamlit here, so it is testable."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from payback.report.controls import clean

__all__ = [
    "PAGE_ADVICE",
    "as_written",
    "in_page_words",
    "lines_in_page_words",
    "markdown_literal",
    "names_as_written",
    "names_in",
]

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


_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " "}
_ESCAPED = {c: "\\" + c for c in "\\`*_[]#|~$:"} | _ENTITIES
_LIST_ITEM = re.compile(r"^(\s*)([-+]|\d+[.)])")


def markdown_literal(text: str) -> str:
    """``text`` (a name from the file) as Streamlit's Markdown shows it as written: the
    characters that make emphasis, links, code, headings, tables and struck text
    backslash-escaped, and those of Streamlit's own ``$math$``, ``:emoji:``,
    ``:red[colour]`` and ``:material/icon:``; ``&``, ``<`` and ``>`` as entities
    (Streamlit reads entities and writes raw HTML as text); a list's mark at its start
    escaped; a line break a space; control characters left out. A name of letters,
    digits, spaces, hyphens, dots and brackets is left as it is.

    >>> print(markdown_literal("**x**_today [a](b) $5$ :rocket: <b>&amp;"))
    \\*\\*x\\*\\*\\_today \\[a\\](b) \\$5\\$ \\:rocket\\: &lt;b&gt;&amp;amp;
    >>> print(markdown_literal(":material/home:"), markdown_literal("meta-llama/Llama-3.1-8B"))
    \\:material\\/home\\: meta-llama/Llama-3.1-8B
    >>> print(markdown_literal("1. fine-tuned 7B (v2.5)"), markdown_literal("- a"))
    1\\. fine-tuned 7B (v2.5) \\- a
    """
    out = "".join(_ESCAPED.get(c, c) for c in clean(text))
    out = out.replace("\\:material/", "\\:material\\/")  # an icon, its colons escaped or not
    return _LIST_ITEM.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], out)


def names_as_written(text: str, names: Iterable[str]) -> str:
    """``text``, a sentence of the page's own words holding some of ``names`` (the file's
    names, as a user wrote them), with each of those names Markdown that shows it as
    written (:func:`markdown_literal`); the rest as it was, Markdown the page means. The
    longest name first, each place once, so a name inside another is not escaped twice.

    >>> names_as_written("'**x**_today' pays back in month 1.5 (after ~30,769 requests)", ["**x**_today"])
    "'\\\\*\\\\*x\\\\*\\\\*\\\\_today' pays back in month 1.5 (after ~30,769 requests)"
    """
    found = sorted({n for n in names if n}, key=len, reverse=True)
    if not found:
        return text
    pattern = re.compile("|".join(map(re.escape, found)))
    return pattern.sub(lambda m: markdown_literal(m.group()), text)


def as_written(names: Iterable[str]) -> Callable[[str], str]:
    """:func:`names_as_written` for a page that shows ``names``: the function that makes
    its Markdown show them as written.

    >>> as_written(["a_b", "c"])("'a_b' beats 'c'")
    "'a\\\\_b' beats 'c'"
    """
    kept = list(names)
    return lambda text: names_as_written(text, kept)


def names_in(raw: Mapping[str, Any]) -> list[str]:
    """The names a scenario file (as read, ``raw``) gives: its own, the baseline's, each
    alternative's and each workload's.

    >>> names_in({"scenario": {"name": "s"}, "baseline": {"name": "api"},
    ...     "alternatives": [{"name": "a_b"}, {}], "workloads": [{"name": "w*"}]})
    ['s', 'api', 'a_b', 'w*']
    """
    found = [
        (raw.get("scenario") or {}).get("name"),
        (raw.get("baseline") or {}).get("name"),
        *((a or {}).get("name") for a in raw.get("alternatives") or []),
        *((w or {}).get("name") for w in raw.get("workloads") or []),
    ]
    return [n for n in found if isinstance(n, str) and n]
