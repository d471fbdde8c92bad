"""Output to a stream whose encoding lacks payback's characters (``×``, ``─``, ``≤``, ``→``,
the sparkline's blocks): each is written as its nearest ASCII (``x``, ``-``, ``<=``, ``->``),
any other as ``?``, instead of an internal error halfway through the answer.

That is the case under ``PYTHONIOENCODING=ascii`` (error handler "strict"), a Latin-1
console, and an ASCII locale without Python's UTF-8 mode (``LC_ALL=C`` where the C locale is
not coerced to C.UTF-8: stdout's handler is then "surrogateescape", stderr's
"backslashreplace"). A handler the user chose otherwise (``ascii:replace``) is kept.

The standard library only: imported by ``payback --help``.
"""

from __future__ import annotations

import codecs
import contextlib
import sys
from typing import TextIO

__all__ = ["HANDLER", "ascii_for", "replace_unencodable"]

HANDLER = "payback.nearest_ascii"
"""The codec error handler registered by :func:`replace_unencodable`."""

_PROBE = "×─≤█→…"
"""Characters payback writes; a stream that cannot encode them all falls back."""

_REPLACED_HANDLERS = ("strict", "surrogateescape", "backslashreplace")
"""The handlers Python picks by default (none writes readable text for '×'); another one
was the user's choice and is kept."""

_NEAREST = {
    "×": "x",
    "·": ".",
    "÷": "/",
    "±": "+/-",
    "≤": "<=",
    "≥": ">=",
    "≈": "~",
    "≠": "!=",
    "−": "-",
    "–": "-",
    "—": "--",
    "…": "...",
    "→": "->",
    "←": "<-",
    "↑": "^",
    "↓": "v",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "•": "*",
    "°": " deg",
    "µ": "u",
    "€": "EUR",
    "£": "GBP",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "✓": "yes",
    "✗": "no",
    # the sparkline's eight heights, lowest first
    "▁": "_",
    "▂": ".",
    "▃": "-",
    "▄": "~",
    "▅": "=",
    "▆": "+",
    "▇": "*",
    "█": "#",
}
"""Each non-ASCII character payback writes, as the nearest ASCII."""

_LINES = str.maketrans(
    {
        **dict.fromkeys("─━═╌╍┄┅", "-"),
        **dict.fromkeys("│┃║╎╏┆┇", "|"),
        **dict.fromkeys("┌┐└┘├┤┬┴┼╭╮╯╰┏┓┗┛┣┫┳┻╋╔╗╚╝╠╣╦╩╬╞╡╤╧╪╟╢╥╨╫", "+"),
    }
)


def ascii_for(text: str) -> str:
    """``text`` with each character ASCII lacks as its nearest ASCII, else ``?``.

    >>> ascii_for("1 × L4 ─ ≤ 5% → $9.9k")
    '1 x L4 - <= 5% -> $9.9k'
    """
    text = text.translate(_LINES)
    return "".join(c if c.isascii() else _NEAREST.get(c, "?") for c in text)


def _surrogate_bytes(text: str) -> bytes | None:
    """The bytes that surrogateescape stands for (an undecodable byte of a file name read
    under this locale), written back as they came; None when ``text`` holds another
    character."""
    if all("\udc80" <= c <= "\udcff" for c in text):
        return bytes(ord(c) - 0xDC00 for c in text)
    return None


def _nearest_ascii(error: UnicodeError) -> tuple[str | bytes, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    part = error.object[error.start : error.end]
    raw = _surrogate_bytes(part)
    if raw is not None:
        return raw, error.end
    return ascii_for(part).encode("ascii").decode("ascii"), error.end


def _registered() -> None:
    try:
        codecs.lookup_error(HANDLER)
    except LookupError:
        codecs.register_error(HANDLER, _nearest_ascii)


def _lacks_characters(stream: TextIO) -> bool:
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        _PROBE.encode(encoding)
    except (UnicodeError, LookupError):
        return True
    return False


def replace_unencodable() -> None:
    """Let stdout and stderr write the nearest ASCII of a character their encoding lacks
    (see the module), where the first '×' or '─' was an internal error. A stream whose
    handler is "strict" gets it even where its encoding has every character payback writes
    (UTF-8 under ``PYTHONIOENCODING=utf-8``, or a UTF-8 locale other than C): a file name
    that is not valid UTF-8 then writes back its own bytes, as under the C locale, where
    ``Wrote r\udcff.png`` was an internal error once the report was written."""
    for stream in (sys.stdout, sys.stderr):
        errors = getattr(stream, "errors", None)
        if errors not in _REPLACED_HANDLERS:
            continue
        if not _lacks_characters(stream) and errors != "strict":
            continue
        _registered()
        with contextlib.suppress(Exception):
            stream.reconfigure(errors=HANDLER)  # type: ignore[union-attr]
