"""A comment written about a value the page changed, marked as written about the old one:
``growth_monthly = 0.035  # was 0.08: +8% a month: 1M now, ~5.9M in month 24`` (the
download of an edited scenario kept words no longer true of its numbers). Used by
:func:`payback.scenario.edit.with_values` with ``mark_comments``; the comment keeps its
column and its words, every other line stays as the file has it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["WAS", "was_comment", "yaml_set"]

WAS = "# was "
"""How a comment after a value the page changed is marked: ``# was 0.08: its words``."""


def was_comment(old: str, comment: str) -> str:
    """A value's end-of-line comment, marked as written about its old value ``old`` (as the
    file wrote it), its words kept after the mark.

    >>> was_comment("0.08", "# +8% a month: 1M now")
    '# was 0.08: +8% a month: 1M now'
    """
    words = comment.removeprefix("#").strip()
    return f"{WAS}{old}: {words}" if words else f"{WAS}{old}"


def yaml_set(table: Any, key: Any, value: Any, mark: bool) -> None:
    """``table[key] = value`` in a ruamel.yaml table (its comments stay where they were);
    with ``mark``, a comment on the changed value's line marked (:func:`was_comment`)."""
    from payback.scenario.edit import _yaml_after, _yaml_block, _yaml_flow, _yaml_set_after

    old = table.get(key)
    table[key] = value
    if not mark or old is None or _yaml_block(old) or _yaml_flow(old) == _yaml_flow(value):
        return
    text, where = _yaml_after(table, key)
    line, nl, rest = text.partition("\n")
    if line.lstrip().startswith("#"):
        pad = line[: len(line) - len(line.lstrip())]
        _yaml_set_after(table, key, f"{pad}{was_comment(_yaml_flow(old), line)}{nl}{rest}", where)
