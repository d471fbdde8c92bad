"""The library's advice told in the page's words: what to choose or click on the page, not
a function to call. Every message the page shows from the library goes through
:func:`in_page_words`, as the command line's go through its own mapping
(``payback.cli._advice.LIBRARY_ADVICE``: a command or flag), so the library names neither.

And every text the page writes from a file or a user, as Streamlit's Markdown shows it as
written (:func:`markdown_literal`): a name in the page's sentences (:func:`names_as_written`),
a message whole (:func:`message_markdown`), the page's own sentences without a ``$`` read
as maths (:func:`page_markdown`). No Streamlit here, so it is testable."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from payback.report.controls import clean

__all__ = [
    "NO_FOLDER",
    "PAGE_ADVICE",
    "as_written",
    "boxes_named",
    "in_page_words",
    "lines_in_page_words",
    "markdown_literal",
    "message_markdown",
    "names_as_written",
    "names_in",
    "page_markdown",
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
    "with columns cached=COLUMN": "with `payback usage --columns` cached=COLUMN",
    "the one query profile_database() runs": "the one query `payback usage` runs",
    "(usage_sql() gives that DuckDB SQL)": "(`payback usage --sql` gives that DuckDB SQL)",
    "a since date of ": "`payback usage --since` ",
    "a since or until date can leave it out": "`payback usage --since` or `--until` can leave it out",
    "read_benchmark(path, run=N), write it with calibration_toml() and name that file as "
    "calibration": "`payback import-benchmark FILE --run N -o cal.toml` and point calibration "
    "at cal.toml",
}
"""The library's advice in its own words (a function to call) and the page's for it (a
choice on the page). Log profiling is not on the page: its advice names the command."""


def in_page_words(line: str) -> str:
    """``line`` with the library's advice told as the page's.

    >>> in_page_words(
    ...     "alternatives.0: gpu is required to price and size it; recommend() chooses one"
    ... )
    'alternatives.0: gpu is required to price and size it; choose Serving: “GPU and model from the catalog” under the alternative to pick one'
    """
    for library, page in PAGE_ADVICE.items():
        line = line.replace(library, page)
    return line


def lines_in_page_words(lines: Iterable[str]) -> list[str]:
    """Each line of a message in the page's words."""
    return [in_page_words(line) for line in lines]


_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " ", "\t": " "}
_ESCAPED = {c: "\\" + c for c in "\\`*_[]#|~$:"} | _ENTITIES
_LIST_ITEM = re.compile(r"^(\s*)([-+]|\d+[.)])")
_SPLIT = ":small[]"
"""An empty ``:small[text]`` of Streamlit: an empty ``<span>``, nothing to see and nothing
copied. Streamlit's Markdown (remark-gfm) makes a link of ``www.x.com``, ``a@b.com`` and
``https://x`` found in a run of text after reading its escapes and entities (a backslash or
``&#46;`` leaves them links; a code span would not, but draws the name as code); this
element inside them ends the run, so neither half is an address. (A word joiner, U+2060,
stopped it too, but came along when the name was copied from the page.)"""
_AUTOLINK = re.compile(r"(?i)(?<=www)(?=\.)|(?=@)|(?<=:)(?=//)")
"""Where :data:`_SPLIT` goes, in the escaped text: between ``www`` and its dot, before an
``@``, after the (escaped) colon of ``://``."""
_OPEN_DOLLAR = re.compile(r"(?<!\\)\$(?!\d)")
"""A ``$`` that can close Streamlit's ``$math$``: one not followed by a digit (``$5 and 6$``
is maths, ``$5 and $6`` is not: a ``$`` before a digit never closes it)."""
_CODE = re.compile(r"(`[^`]*`)")


def _spaces_kept(text: str, start: bool = True, end: bool = True) -> str:
    """``text`` with each space the browser would drop shown: a space after another, and
    one at the ``start`` or ``end`` of a text, a no-break space (``&nbsp;``); the others
    plain, so a long name still wraps between its words ("a    b" had read "a b")."""
    out = []
    plain = False
    for i, c in enumerate(text):
        if c != " ":
            out.append(c)
            plain = False
        elif plain or (start and i == 0) or (end and i == len(text) - 1):
            out.append("&nbsp;")
            plain = False
        else:
            out.append(c)
            plain = True
    return "".join(out)


def _literal(text: str, start: bool = True, end: bool = True) -> str:
    """:func:`markdown_literal` of a text, or of a piece of a line: ``start``, it starts
    the line (a list's mark can start it, a space there is dropped); ``end``, it ends it."""
    out = _AUTOLINK.sub(_SPLIT, "".join(_ESCAPED.get(c, c) for c in clean(text)))
    out = out.replace("\\:material/", "\\:material\\/")  # an icon, its colons escaped or not
    if start:
        out = _LIST_ITEM.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], out)
    return _spaces_kept(out, start, end)


def markdown_literal(text: str) -> str:
    """``text`` (a name from the file, a message) as Streamlit's Markdown shows it as
    written: the characters that make emphasis, links, code, headings, tables and struck
    text backslash-escaped, and those of Streamlit's own ``$math$``, ``:emoji:``,
    ``:red[colour]`` and ``:material/icon:``; ``&``, ``<`` and ``>`` as entities
    (Streamlit reads entities and writes raw HTML as text); a list's mark at its start
    escaped; a line break or a tab a space; control characters left out. A web or e-mail
    address is kept from becoming a link by an empty element (:data:`_SPLIT`); spaces the
    browser would drop (repeated, at either end) are no-break spaces. A name of letters,
    digits, spaces, hyphens, dots and brackets is left as it is.

    >>> print(markdown_literal("**x**_today [a](b) $5$ :rocket: <b>&amp;"))
    \\*\\*x\\*\\*\\_today \\[a\\](b) \\$5\\$ \\:rocket\\: &lt;b&gt;&amp;amp;
    >>> print(markdown_literal(":material/home:"), markdown_literal("meta-llama/Llama-3.1-8B"))
    \\:material\\/home\\: meta-llama/Llama-3.1-8B
    >>> print(markdown_literal("1. fine-tuned 7B (v2.5)"), markdown_literal("- a"))
    1\\. fine-tuned 7B (v2.5) \\- a
    >>> print(markdown_literal("www.x.com a@b.io https://c.io"))
    www:small[].x.com a:small[]@b.io https\\::small[]//c.io
    >>> print(markdown_literal("a    b"), markdown_literal(" c "), markdown_literal("d\\te"))
    a &nbsp; &nbsp;b &nbsp;c&nbsp; d e
    """
    return _literal(text)


def page_markdown(text: str) -> str:
    """``text``, the page's own Markdown, with each ``$`` that could close Streamlit's
    ``$math$`` escaped (:data:`_OPEN_DOLLAR`: "[$] ... $5$" read as maths); a price's
    ``$5`` stays as it is (Streamlit 1.67, the floor pyproject.toml sets, switches maths on
    only where such a closing ``$`` is found), and so does a code span.

    >>> print(page_markdown("NPV $7,836; cost [$ a second], 5$ or $5 and 6$ `a$`"))
    NPV $7,836; cost [\\$ a second], 5\\$ or $5 and 6\\$ `a$`
    """
    parts = _CODE.split(text)
    return "".join(p if i % 2 else _OPEN_DOLLAR.sub(r"\\$", p) for i, p in enumerate(parts))


NO_FOLDER = (
    " here: a file opened on the page comes without its folder, so a path in it is read "
    "from the folder `payback serve` runs in; `payback serve FILE` reads it beside the file"
)
"""Said after a file a scenario names is not found, for a scenario opened without its
folder (uploaded): the upload read ``calibrations/h200.toml: no such file``, though the
file lies beside the scenario on the visitor's disk."""

_PAGE_MARKDOWN = re.compile(
    "(" + "|".join(map(re.escape, sorted({*PAGE_ADVICE.values(), NO_FOLDER}, key=len)[::-1])) + ")"
)
"""The page's own words in a message, Markdown it means (a command in code)."""


def message_markdown(line: str) -> str:
    """A message of the library or the page (an error, a warning, a sampled run's
    warning, an upload refused) in the page's words (:func:`in_page_words`), as Markdown
    that shows it as written: every character of it (a name, a path, a file name, a
    typed value) as :func:`markdown_literal` writes it, but the page's advice and
    :data:`NO_FOLDER`, Markdown the page means.

    >>> print(message_markdown("/tmp/**x**/a_b.toml: $5 and 6$; recommend() chooses one"))
    /tmp/\\*\\*x\\*\\*/a\\_b.toml\\: \\$5 and 6\\$; choose Serving: “GPU and model from the catalog” under the alternative to pick one
    >>> print(message_markdown("f.toml: with columns ts=X"))
    f.toml\\: with `payback usage --columns` ts=X
    """
    parts = _PAGE_MARKDOWN.split(in_page_words(line))
    last = len(parts) - 1
    return "".join(
        part if i % 2 else _literal(part, i == 0, i == last) for i, part in enumerate(parts)
    )


def names_as_written(text: str, names: Iterable[str]) -> str:
    """``text``, a sentence of the page's own words holding some of ``names`` (the file's
    names, as a user wrote them), with each of those names Markdown that shows it as
    written (:func:`markdown_literal`); the rest as it was, Markdown the page means, but a
    ``$`` that could close ``$math$`` (:func:`page_markdown`). The longest name first,
    each place once, so a name inside another is not escaped twice.

    >>> names_as_written(
    ...     "'**x**_today' pays back in month 1.5 (after ~30,769 requests)", ["**x**_today"]
    ... )
    "'\\\\*\\\\*x\\\\*\\\\*\\\\_today' pays back in month 1.5 (after ~30,769 requests)"
    """
    found = sorted({n for n in names if n}, key=len, reverse=True)
    if not found:
        return page_markdown(text)
    parts = re.split("(" + "|".join(map(re.escape, found)) + ")", text)
    return "".join(markdown_literal(p) if i % 2 else page_markdown(p) for i, p in enumerate(parts))


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


_HEAD = re.compile(r"(?P<path>[A-Za-z_][\w.]*)(?P<value> = .+?)?: (?P<rest>.+)", re.S)
"""A message about a field: its dotted path, the value it quotes (``= 'fp8'``), the rest."""


def boxes_named(line: str, labels: Mapping[str, str], own: str | None = None) -> str:
    """``line``, a message about the field at the path it starts with, with the page's
    boxes it is about named in the page's words before it, the line kept whole as the
    command line says it (``labels``: each drawn
    box's path and label): the field's box, and those of fields beside it the message
    quotes (``engine 'lean'``). A message about the box it stands under only (``own``),
    or about no box, stays as it was.

    >>> labels = {"alternatives.0.precision": "Precision", "alternatives.0.engine": "Engine"}
    >>> print(boxes_named("alternatives.0.precision = 'fp8': engine 'lean' serves bf16", labels))
    “Precision” and “Engine”: alternatives.0.precision = 'fp8': engine 'lean' serves bf16
    >>> print(boxes_named("alternatives.0.engine: unknown", labels, own="alternatives.0.engine"))
    alternatives.0.engine: unknown
    >>> print(boxes_named("traffic: empty", labels))
    traffic: empty
    """
    found = _HEAD.fullmatch(line)
    if found is None or found["path"] not in labels:
        return line
    path, rest = found["path"], found["rest"]
    parent = path.rpartition(".")[0]
    named = [path] + [
        other
        for other in labels
        if other != path
        and other.rpartition(".")[0] == parent
        and re.search(rf"\b{re.escape(other.rpartition('.')[2])} (?:'|=)", rest)
    ]
    if named == [own]:
        return line
    boxes = " and ".join(f"“{labels[p]}”" for p in named)
    return f"{boxes}: {line}"
