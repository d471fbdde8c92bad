"""Log files whose names DuckDB would refuse or misread, read all the same.

Linux lets a file's name hold any bytes; Python reads such a name with lone surrogates
(``surrogateescape``), and DuckDB, which takes its SQL and file names as UTF-8, refuses
them ('cannot encode str as UTF-8'). DuckDB also takes every file name for a glob: a file
named ``a*b.jsonl`` (or ``logs[1].csv``) read ``axb.jsonl`` beside it too, once more than
given. Each such file is read through a symbolic link of a clean name (its number and the
file's own suffixes, so that its type and compression are told as before) in a private
temporary folder, removed once the logs are read; what comes back (a profile, the SQL, an
error's lines) names the file as it was given.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from payback.errors import PaybackError

__all__ = ["Restore", "clean_names", "is_utf8", "restored", "written_name"]

T = TypeVar("T")
GLOB = "*?["
"""What makes a name a glob to DuckDB."""


class Restore(Protocol):
    """A value given back with each file named as given (see :func:`clean_names`); with
    ``sql``, a SQL text whose string literals name the links, each name put back in such a
    literal (its quotes doubled)."""

    def __call__(self, value: T, /, *, sql: bool = False) -> T: ...


def is_utf8(name: str) -> bool:
    """Whether ``name`` can be written as UTF-8 (no lone surrogate from a byte that is not).

    >>> is_utf8("logs/été.jsonl"), is_utf8("logs/\\udcff.jsonl")
    (True, False)
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def written_name(name: str) -> str:
    """``name`` fit for a text file (a scenario's title and comment): each byte that is not
    UTF-8 as ``\\xNN``, as the command line shows it in a message, and a line break, tab
    or other control character as its escape (a title is one line: a scenario's name).

    >>> written_name("caf\\udce9-\\udcff.jsonl"), written_name("été.csv")
    ('caf\\\\xe9-\\\\xff.jsonl', 'été.csv')
    >>> written_name("a\\tb\\n.csv")
    'a\\\\x09b\\\\x0a.csv'
    """
    if is_utf8(name) and not any(_control(c) for c in name):
        return name
    return "".join(
        f"\\x{ord(c) - 0xDC00:02x}"
        if 0xDC80 <= ord(c) <= 0xDCFF
        else f"\\x{ord(c):02x}"
        if ord(c) < 0x100 and _control(c)
        else c
        if is_utf8(c) and not _control(c)
        else f"\\u{ord(c):04x}"
        for c in name
    )


def _control(c: str) -> bool:
    """A character no one-line name may hold (as :mod:`payback.scenario.names` refuses)."""
    return unicodedata.category(c) == "Cc" or c in "\u2028\u2029"


def _suffixes(name: str) -> str:
    """The suffixes that tell a log's type and compression (``a.b.jsonl.gz``: ``.jsonl.gz``),
    each a byte that is not UTF-8 dropped (such a suffix is no log type's anyway).

    >>> _suffixes("/x/\\udcffa.b.CSV.gz"), _suffixes("/x/\\udcff")
    ('.CSV.gz', '')
    """
    from payback.measure.usage.files import COMPRESSED

    base = os.path.basename(name)
    lower = base.lower()
    last = next((c for c in COMPRESSED if lower.endswith(c)), "")
    kind = Path(base[: len(base) - len(last)]).suffix
    return "".join(c for c in kind + base[len(base) - len(last) :] if is_utf8(c))


@contextlib.contextmanager
def clean_names(
    files: Sequence[str], beside: Sequence[str] = ()
) -> Iterator[tuple[list[str], Restore]]:
    """The names DuckDB can open for ``files`` (a name that is valid UTF-8 and no glob as it
    is, another a link to the file), and a function that gives a result (a string, a list, a dict, a
    dataclass such as the profile) back with the files named as given; a
    :class:`PaybackError` raised inside names them as given too. The links' folder is
    removed on leaving. ``beside``: suffixes of files read with one (a DuckDB database's
    ``.wal``), linked beside its link where they are there."""
    odd = [f for f in files if not is_utf8(f) or any(c in f for c in GLOB)]
    if not odd:
        yield list(files), _same
        return
    folder = tempfile.mkdtemp(prefix="payback-names-")  # mode 0700: the user's alone
    try:
        aliases: dict[str, str] = {}
        for i, name in enumerate(odd):
            alias = os.path.join(folder, f"{i}{_suffixes(name)}")
            os.symlink(os.fsencode(os.path.abspath(name)), alias)
            for more in (b for b in beside if os.path.lexists(name + b)):
                os.symlink(os.fsencode(os.path.abspath(name + more)), alias + more)
            aliases[name] = alias
        back = {alias: name for name, alias in aliases.items()}

        def restore(value: T, /, *, sql: bool = False) -> T:
            if sql:  # o'k*.jsonl in a literal: 'o''k*.jsonl'
                quoted = {a.replace("'", "''"): n.replace("'", "''") for a, n in back.items()}
                return restored(value, quoted)  # type: ignore[no-any-return]
            return restored(value, back)  # type: ignore[no-any-return]

        try:
            yield [aliases.get(f, f) for f in files], restore
        except PaybackError as exc:
            raise PaybackError(
                restore(exc.messages),
                param=exc.param,
                value=restore(exc.value),
                allowed=restore(exc.allowed),
            ) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _same(value: T, /, *, sql: bool = False) -> T:
    return value


def restored(value: Any, back: dict[str, str]) -> Any:
    """``value`` with each link's name in it (a string, or one inside lists, tuples, dicts'
    keys and values, a dataclass's fields) replaced by the file's name as given."""
    if isinstance(value, str):
        for alias, name in back.items():
            value = value.replace(alias, name)
        return value
    if isinstance(value, list | tuple):
        return type(value)(restored(v, back) for v in value)
    if isinstance(value, dict):
        return {restored(k, back): restored(v, back) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {
            f.name: restored(getattr(value, f.name), back) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changed)
    return value
