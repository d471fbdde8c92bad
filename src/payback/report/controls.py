"""Control characters out of what payback shows: the terminal and every document (Markdown,
its PNG charts, HTML) strip them with one function, so a name holding an escape sequence
reads the same everywhere and cannot rewrite a terminal or reach a file as raw bytes."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["clean", "clean_all", "escape_controls"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 control characters but line feed and tab: escape sequences, bells,
carriage returns and backspaces that would rewrite the terminal; and the bidirectional
embeddings, overrides and isolates, which turn the text after them around on a page or a
terminal that honours them (a name holding U+202E reversed the verdict after it). Hebrew
or Arabic needs none of them to read right to left."""

T = TypeVar("T")


def clean(text: str) -> str:
    """``text`` without control characters (line feeds and tabs kept).

    >>> clean("fine-tuned \\x1b[31mred\\x1b[0m\\r model\\x07")
    'fine-tuned [31mred[0m model'
    """
    return _CONTROL.sub("", text)


def escape_controls(text: str) -> str:
    """``text`` with each control character :func:`clean` strips written out as Python
    writes it in a string (``\\x01``, ``\\x1b``, ``\\u202e``): for a message line, where
    a file's name must read as the name it is (``nul\\x01.toml: no such file``, where
    stripped it named ``nul.toml``, another file).

    >>> print(escape_controls("nul\\x01.toml, \\x1b[2J, \\u202eevil"))
    nul\\x01.toml, \\x1b[2J, \\u202eevil
    """
    return _CONTROL.sub(_written_out, text)


def _written_out(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean_all(value: T, each: Callable[[str], str] = clean) -> T:
    """``value`` with :func:`clean` (or ``each``) applied to every string in it: in lists,
    tuples, dictionaries (values) and dataclasses (a chart, its series and markers).

    >>> clean_all({"name": "a\\x1bb", "labels": ["c\\x07", 1.5]})
    {'name': 'ab', 'labels': ['c', 1.5]}
    >>> clean_all(["<b>"], str.upper)
    ['<B>']
    """
    out: Any
    if isinstance(value, str):
        out = each(value)
    elif isinstance(value, list | tuple):
        out = type(value)(clean_all(v, each) for v in value)
    elif isinstance(value, dict):
        out = {k: clean_all(v, each) for k, v in value.items()}
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: clean_all(getattr(value, f.name), each) for f in dataclasses.fields(value)
        }
        out = dataclasses.replace(value, **changes)
    else:
        out = value
    return out  # type: ignore[no-any-return]
