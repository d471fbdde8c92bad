"""The limits on what payback reads, each checked before any work and refused with one line
naming it (the README lists them under "Limits").

They are far above any real scenario, log or benchmark, and low enough that a hostile or
broken input (a 2,000-level nesting, a YAML alias bomb, a 1,000-alternative scenario, a
FIFO given as a file) is refused in milliseconds instead of running for minutes, taking
all the memory or blocking.

- a scenario file: at most :data:`MAX_SCENARIO_BYTES` (10 MiB), nested at most
  :data:`MAX_NESTING` (32) tables and lists deep, holding at most :data:`MAX_SCENARIO_VALUES`
  (100,000) values once YAML's aliases are expanded, with at most :data:`MAX_ALTERNATIVES`
  (100) alternatives;
- a file read whole (a benchmark result, a calibration, a model's config.json): at most
  :data:`MAX_INPUT_BYTES` (256 MiB);
- a line of a CSV or JSON-lines log: at most :data:`MAX_LOG_LINE_BYTES` (16 MiB);
- a path: at most :data:`MAX_PATH_BYTES` (4,096) bytes, each name in it at most
  :data:`MAX_NAME_BYTES` (255);
- the terminal's width: at most :data:`MAX_COLUMNS` (1,000) columns are drawn, and at
  least :data:`MIN_COLUMNS` (10);
- only regular files are read or written: a FIFO, a device or a socket is refused, even
  with ``--force``;
- a number: under about 1.8e308 (the largest float) either way; a whole number of over
  :data:`MAX_DIGITS` (4,300) digits, which Python's readers refuse to convert, is refused
  by :func:`long_number` with its line.

>>> check_path("a" * 300 + ".toml")
Traceback (most recent call last):
...
payback.errors.PaybackError: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…: a name in this path is 305 bytes long; the limit is 255 bytes a name (4,096 for the whole path)
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from payback.errors import PaybackError

__all__ = [
    "BELOW_FLOAT",
    "BEYOND_FLOAT",
    "MAX_ALTERNATIVES",
    "MAX_COLUMNS",
    "MAX_DIGITS",
    "MAX_GROWTH_MONTHLY",
    "MAX_INPUT_BYTES",
    "MAX_LOG_LINE_BYTES",
    "MAX_NAME_BYTES",
    "MAX_NESTING",
    "MAX_PATH_BYTES",
    "MAX_REQUESTS_PER_MONTH",
    "MAX_SCENARIO_BYTES",
    "MAX_SCENARIO_VALUES",
    "MAX_USD",
    "MAX_USD_PER_1K_REQUESTS",
    "MIN_COLUMNS",
    "check_output",
    "check_path",
    "check_regular",
    "check_size",
    "check_tree",
    "columns",
    "drawn_width",
    "long_number",
    "read_input",
    "shown_path",
]

MAX_SCENARIO_BYTES = 10 * 2**20
"""A scenario file's size: 10 MiB (the examples are 1 to 4 KiB)."""
MAX_NESTING = 32
"""Tables and lists inside each other in a scenario (a real one nests 5 deep)."""
MAX_SCENARIO_VALUES = 100_000
"""Values in a scenario once YAML's aliases are expanded (a 100-alternative scenario holds
about 5,000): an alias bomb expands to billions."""
MAX_ALTERNATIVES = 100
"""Alternatives in one scenario: sensitivity, explain and the reports study each one."""
MAX_REQUESTS_PER_MONTH = 1e13
"""Requests in month 1 (a scenario's ``traffic.requests_per_month``, ``payback quick``'s
``--requests-per-month``): ten trillion, over a thousand times the busiest public API."""
MAX_GROWTH_MONTHLY = 1.0
"""Compound monthly traffic growth (``traffic.growth_monthly``, ``quick --growth``): 1.0 is
+100% a month, traffic doubling every month."""
MAX_USD = 1e12
"""One amount of money in a scenario (a one-time item, a monthly cost) and ``quick``'s
``--one-time``: a trillion dollars."""
MAX_USD_PER_1K_REQUESTS = 1e6
"""A price of 1,000 requests (``usd_per_1k_requests``; ``quick``'s ``--hosted-per-1k`` and
``--self-hosted-per-1k``): a thousand dollars a request."""
FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(2199, 12, 31)
"""The days a scenario's ``scenario.start_date`` and ``usage``'s ``--since`` and ``--until``
may name: a log's times are read from 1970 to 2199."""
MAX_INPUT_BYTES = 256 * 2**20
"""A file read whole into memory: a benchmark result, a calibration, a config.json."""
MAX_LOG_LINE_BYTES = 16 * 2**20
"""A line of a CSV, TSV or JSON-lines log: 16 MiB (a request's log line is a few KiB, one
that holds a long prompt and its answer a few MiB). A longer line is counted as
unreadable, not read; the rest of the file is read as usual."""
MAX_PATH_BYTES = 4096
"""A path's length in bytes (Linux's PATH_MAX)."""
MAX_NAME_BYTES = 255
"""One file or folder name's length in bytes (NAME_MAX of common file systems)."""
MAX_COLUMNS = 1_000
"""The widest terminal the command line draws for (``COLUMNS`` or the terminal's own):
wider ones are drawn 1,000 columns wide. The help pads every line to the width, so
``COLUMNS=99999999 payback --help`` ran for minutes writing gigabytes of blanks."""
MIN_COLUMNS = 10
"""The narrowest terminal the command line draws for: narrower ones are drawn 10 columns
wide, where a figure wider than that runs past the width whole (``COLUMNS=0`` had printed
nothing at all with exit 0, and ``COLUMNS=1`` a character a line)."""


def drawn_width(width: int) -> int:
    """The width a terminal ``width`` columns wide is drawn at: from :data:`MIN_COLUMNS` to
    :data:`MAX_COLUMNS`.

    >>> drawn_width(0), drawn_width(80), drawn_width(99_999_999)
    (10, 80, 1000)
    """
    return min(max(width, MIN_COLUMNS), MAX_COLUMNS)


def columns() -> int:
    """The terminal's width (``COLUMNS``, else the terminal's, else 80), drawn from
    :data:`MIN_COLUMNS` to :data:`MAX_COLUMNS` (:func:`drawn_width`)."""
    import shutil

    return drawn_width(shutil.get_terminal_size().columns)


MAX_DIGITS = sys.int_info.default_max_str_digits
"""The digits of a whole number TOML, YAML and JSON are read with: 4,300, Python's bound on
converting text to a whole number (the time it takes grows as its square)."""
BEYOND_FLOAT = "must be under about 1.8e308, the largest number payback computes with"
"""What a field with no bound above says of a number past the largest float."""
BELOW_FLOAT = "must be over about -1.8e308, the lowest number payback computes with"
"""What a field with no bound below says of a number below the lowest float."""


def _mib(size: int) -> str:
    """A size in MiB, to one decimal unless whole (bytes under 1 MiB).

    >>> _mib(10 * 2**20), _mib(11_000_000), _mib(300)
    ('10 MiB', '10.5 MiB', '300 bytes')
    """
    if size < 2**20:
        return f"{size:,} bytes"
    mib = size / 2**20
    return f"{mib:,.0f} MiB" if mib == int(mib) else f"{mib:,.1f} MiB"


def _over(size: int, limit: int) -> str:
    """A size over a limit, told so that the two differ: in bytes where one decimal of a
    MiB does not tell them apart.

    >>> _over(11_000_000, 10 * 2**20)
    '10.5 MiB, over the 10 MiB limit'
    >>> _over(10 * 2**20 + 1, 10 * 2**20)
    '10,485,761 bytes, over the 10 MiB (10,485,760-byte) limit'
    """
    if f"{size / 2**20:,.1f}" != f"{limit / 2**20:,.1f}":
        return f"{_mib(size)}, over the {_mib(limit)} limit"
    return f"{size:,} bytes, over the {_mib(limit)} ({limit:,}-byte) limit"


def shown_path(path: str | Path, width: int = 48) -> str:
    """A path for a message, cut to ``width`` characters with an ellipsis when longer."""
    text = str(path)
    return text if len(text) <= width else text[:width] + "…"


def check_path(path: str | Path) -> Path:
    """``path`` as a :class:`Path`; :class:`PaybackError` when it is longer than a file
    system allows (:data:`MAX_PATH_BYTES` in all, :data:`MAX_NAME_BYTES` a name) or holds a
    NUL character."""
    text = os.fspath(path)
    if "\x00" in text:
        raise PaybackError(f"{shown_path(repr(text))}: a path cannot hold a NUL character")
    raw = os.fsencode(text)
    longest = max((len(part) for part in raw.split(b"/")), default=0)
    if longest > MAX_NAME_BYTES:
        raise PaybackError(
            f"{shown_path(text)}: a name in this path is {longest:,} bytes long; the limit is "
            f"{MAX_NAME_BYTES} bytes a name ({MAX_PATH_BYTES:,} for the whole path)"
        )
    if len(raw) > MAX_PATH_BYTES:
        raise PaybackError(
            f"{shown_path(text)}: the path is {len(raw):,} bytes long; the limit is "
            f"{MAX_PATH_BYTES:,} bytes"
        )
    return Path(text)


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _no_such_file(p: Path) -> str:
    """The line for a file that is not there; for ``-``, which tools read as standard
    input, that payback does not (``cat s.toml | payback analyze -`` said only "no such
    file").

    >>> print(_no_such_file(Path("-")))
    -: no such file; payback reads files, not standard input: give a file's path
    """
    if str(p) == "-":
        return "-: no such file; payback reads files, not standard input: give a file's path"
    return f"{p}: no such file"


def check_regular(path: str | Path, kind: str = "a file") -> Path:
    """``path`` when it names a regular file (symbolic links followed); :class:`PaybackError`
    for a missing file, a folder, a FIFO, a device or a socket, without opening it (opening
    a FIFO blocks until someone writes to it)."""
    p = check_path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise PaybackError(_no_such_file(p)) from None
    except OSError as exc:
        raise PaybackError(f"{p}: cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise PaybackError(f"{p}: is a directory, expected {kind}")
    if not stat.S_ISREG(mode):
        raise PaybackError(
            f"{p}: is {_kind_of(mode)}, not a regular file; payback reads only regular files"
        )
    return p


def check_size(source: str | Path, size: int, kind: str, limit: int = MAX_INPUT_BYTES) -> None:
    """Refuse ``size`` bytes over ``limit`` with the line :func:`read_input` gives a file that
    large, naming ``source``: the page's upload, read in memory, is refused as the file is.

    >>> check_size("big.toml", 11 * 2**20, "a scenario file", MAX_SCENARIO_BYTES)
    Traceback (most recent call last):
    ...
    payback.errors.PaybackError: big.toml: 11 MiB, over the 10 MiB limit for a scenario file
    """
    if size > limit:
        raise PaybackError(f"{source}: {_over(size, limit)} for {kind}")


def read_input(path: str | Path, kind: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; :class:`PaybackError` with one
    line otherwise (missing, a folder, a FIFO or device, too large, unreadable, a path too
    long). ``kind`` says what was expected: "a scenario file".

    The file is opened without blocking and checked before it is read, so a FIFO that
    appears between a check and the open cannot block either.
    """
    p = check_path(path)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise PaybackError(_no_such_file(p)) from None
    except IsADirectoryError:
        raise PaybackError(f"{p}: is a directory, expected {kind}") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO without a writer, opened without blocking
            raise PaybackError(
                f"{p}: is a FIFO (named pipe), not a regular file; payback reads only regular files"
            ) from None
        raise PaybackError(f"{p}: cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise PaybackError(f"{p}: is a directory, expected {kind}")
        if not stat.S_ISREG(info.st_mode):
            raise PaybackError(
                f"{p}: is {_kind_of(info.st_mode)}, not a regular file; payback reads only "
                "regular files"
            )
        check_size(p, info.st_size, kind, limit)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise PaybackError(f"{p}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while read
        raise PaybackError(f"{p}: over the {_mib(limit)} limit for {kind}")
    return data


def check_output(path: str | Path) -> Path:
    """``path`` when payback may write a file there: not a FIFO, device or socket, whatever
    ``--force`` says (replacing one would replace the device's node, or block)."""
    p = check_path(path)
    try:
        mode = p.stat().st_mode
    except OSError:
        return p  # missing (or unreadable: the write says why)
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise PaybackError(
            f"{p}: is {_kind_of(mode)}, not a regular file; payback writes only regular files "
            "(even when forced)"
        )
    return p


def check_tree(data: Any, source: str) -> None:
    """Refuse a scenario's parsed data nested deeper than :data:`MAX_NESTING` or holding more
    than :data:`MAX_SCENARIO_VALUES` values (YAML aliases count each time they are used),
    walking it without recursion and stopping at the limit; and more than
    :data:`MAX_ALTERNATIVES` alternatives."""
    for count, depth in enumerate(_depths(data), 1):
        if depth > MAX_NESTING:
            raise PaybackError(
                f"{source}: tables and lists nested over {MAX_NESTING} deep; the limit is "
                f"{MAX_NESTING} (a scenario nests about 5)"
            )
        if count > MAX_SCENARIO_VALUES:
            raise PaybackError(
                f"{source}: over {MAX_SCENARIO_VALUES:,} values (YAML aliases counted each time "
                f"they are used); the limit is {MAX_SCENARIO_VALUES:,}"
            )
    alternatives = data.get("alternatives") if isinstance(data, dict) else None
    if isinstance(alternatives, list) and len(alternatives) > MAX_ALTERNATIVES:
        raise PaybackError(
            f"{source}: alternatives: {len(alternatives):,} of them; the limit is "
            f"{MAX_ALTERNATIVES} in one scenario (split it into several files)"
        )


def _depths(data: Any) -> Iterator[int]:
    """The depth of every value in ``data`` (dicts and lists), depth first, iteratively."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        yield depth
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)


_LONG_NUMBER = re.compile(rf"(?<![\w.])[-+]?\d(?:_?\d){{{MAX_DIGITS},}}")
_KEY_BEFORE = re.compile(r"""["']?([\w.-]+)["']?\s*[:=]\s*$""")


_TABLE = re.compile(r"^[ \t]*\[(\[)?[ \t]*([^\]\n]+?)[ \t]*\]\]?[ \t]*(?:#.*)?$", re.MULTILINE)
_BARE_KEY = re.compile(r"^[ \t]*([\w-]+)[ \t]*=[ \t]*$")


def _table_before(text: str, end: int) -> str | None:
    """The dotted path of the TOML table that a position of ``text`` lies in ("" before any
    header), each array of tables numbered from 0 as the scenario's messages number them;
    None under a quoted header, whose path this does not read.

    >>> _table_before("[[alternatives]]\\n[[alternatives]]\\n[alternatives.owned]\\nx = 1", 55)
    'alternatives.1.owned'
    >>> _table_before('[workloads.alternatives."a b"]\\nx = 1', 33) is None
    True
    """
    counts: dict[str, int] = {}
    path: str | None = ""
    for header in _TABLE.finditer(text, 0, end):
        if re.search(r"[\"' ]", header.group(2)):
            path = None
            continue
        parts = header.group(2).split(".")
        done: list[str] = []
        for i, part in enumerate(parts):
            done.append(part)
            key = ".".join(done)
            if header.group(1) and i == len(parts) - 1:  # [[name]]: one more of them
                counts[key] = counts.get(key, -1) + 1
            if key in counts:
                done.append(str(counts[key]))
        path = ".".join(done)
    return path


def long_number(text: str, source: str, toml: bool = False) -> PaybackError:
    """The line for a file (TOML, YAML or JSON ``text``) whose reader refused a whole number
    of over :data:`MAX_DIGITS` digits: its line, its key where one comes before it (in
    ``toml``, with the table it lies in), its length, and what a number may be. Without
    such a number in ``text``, a line that says the file holds a number too long to read.

    >>> print(long_number("[traffic]\\nrequests_per_month = " + "9" * 5000, "b.toml", toml=True))
    b.toml line 2: traffic.requests_per_month = a 5,000-digit number: must be under about 1.8e308, the largest number payback computes with
    >>> print(long_number('{"completed": -' + "1_0" * 2500 + "}", "r.json"))
    r.json line 1: completed = a 5,000-digit negative number: must be over about -1.8e308, the lowest number payback computes with
    """
    found = _LONG_NUMBER.search(text)
    if found is None:
        return PaybackError(f"{source}: holds a number too long to read; {BEYOND_FLOAT}")
    line = text.count("\n", 0, found.start()) + 1
    before = text[text.rfind("\n", 0, found.start()) + 1 : found.start()]
    key = _KEY_BEFORE.search(before)
    digits = sum(c.isdigit() for c in found.group())
    bare = toml and _BARE_KEY.match(before)  # a key = number line: not inline, not dotted
    table = _table_before(text, found.start()) if bare else None
    name = key.group(1).lstrip(".") if key else ""  # the last part of a quoted dotted key
    said = f"{table + '.' if table else ''}{name} = " if key else ""
    below = found.group().startswith("-")
    what, rule = ("negative number", BELOW_FLOAT) if below else ("number", BEYOND_FLOAT)
    return PaybackError(f"{source} line {line}: {said}a {digits:,}-digit {what}: {rule}")
