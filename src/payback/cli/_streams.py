"""stdout and stderr when they cannot take what payback writes, and the exit code then:

- stdout's reader went away (``payback ... | head -1``): exit code 141, nothing said;
- stdout cannot take the output (``>/dev/full``, a full disk or quota, an I/O error, or
  closed from the start, ``>&-``): one line on stderr and exit code 2, as ``report -o`` on
  a full disk;
- a command that writes a file with stdout closed from the start: where its only use of
  stdout is the status line (``Wrote r.html``: ``report -o``, ``init``), the file is
  written, the line dropped (:func:`status`) and the exit code 0; where stdout carries more
  (``--json``, the tables of ``usage -o``, ``recommend --apply -o``, ``import-benchmark
  -o``, ``calibrate -o``), it is refused before any work and no file is written
  (:func:`refuse_closed_stdout`): the file was written, then the command failed;
- stderr cannot take a message (closed with ``2>&-``, its reader gone, ``2>/dev/full``):
  the message is dropped and the command keeps its own exit code (2 for bad input, 0 for
  a warning), where a closed stderr read as a closed stdout (141) or a bug (1).

Once a stream has failed, the null device is put on its descriptor: what is still
buffered, and the interpreter's own last flush, cannot fail again (Python says "Exception
ignored ... BrokenPipeError" and exits with 120 when stdout's last flush fails).

A file name that is not valid UTF-8 holds lone surrogates once read (Python's
``surrogateescape``); an error line shows each such byte as ``\\xNN`` (:func:`escaped`).

Imported by ``payback --help``: the standard library and Typer only.
"""

from __future__ import annotations

import errno
import io
import os
import re
import sys
from typing import Any

import typer

from payback.report.controls import clean, escape_controls

__all__ = [
    "PIPE_CLOSED",
    "StdoutClosed",
    "cannot_write",
    "closed_stdout",
    "echo",
    "escaped",
    "file_of",
    "message_line",
    "null_where_closed",
    "pipe_closed",
    "refuse_closed_stdout",
    "status",
    "stdout_closed",
    "to_null",
    "unwrapped",
    "write_out",
]

PIPE_CLOSED = 141
"""The exit code when stdout's reader stops early: 128 + SIGPIPE, as ``yes | head -1``."""

CANNOT_WRITE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
"""Why the output cannot be written (stdout on /dev/full, a full disk or quota, a terminal
gone): said as that, where it read 'internal error: OSError: [Errno 28] ...; please report
it'."""


class StdoutClosed(OSError):
    """stdout was closed from the start (``>&-``): what a command writes to it cannot be
    written (see :func:`closed_stdout`)."""

    def __init__(self) -> None:
        super().__init__(errno.EBADF, "stdout is closed")


class _Closed(io.RawIOBase):
    """A descriptor-less stdout that refuses every write: :class:`StdoutClosed`."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        raise StdoutClosed()


def closed_stdout() -> None:
    """Where stdout was closed from the start (``>&-``: Python's ``sys.stdout`` is None), a
    stdout whose every write fails with :class:`StdoutClosed`: the command's output cannot
    be written, and it says so with exit code 2 (:func:`cannot_write`), where Click and Rich
    dropped it without a word and the command exited with 0. A command that writes nothing
    to stdout (``report -o``, ``serve``) is not affected. A closed descriptor 1 or 2 is held
    by the null device (:func:`null_where_closed`), so no file the command opens (a report,
    a chart a browser draws) takes its number and another program's output with it."""
    null_where_closed()
    if sys.stdout is None:
        # write_through: each write reaches _Closed at once (Click and Rich flush anyway)
        # and a refused one leaves nothing buffered for a later flush to fail again
        sys.stdout = io.TextIOWrapper(_Closed(), encoding="utf-8", write_through=True)


def stdout_closed() -> bool:
    """Whether stdout was closed from the start (``>&-``): :func:`closed_stdout` put the
    stdout that refuses every write there."""
    stream = getattr(sys.stdout, "wrapped", sys.stdout)  # Click's PacifyFlushWrapper
    return isinstance(getattr(stream, "buffer", None), _Closed)


def refuse_closed_stdout() -> None:
    """Refuse, before any work, a command whose output is more than a status line (tables,
    ``--json``) when stdout was closed from the start: it cannot be written, and a file
    written before that failure was a failed command's file (exit code 2 with the file
    there)."""
    if stdout_closed():
        raise StdoutClosed()


def status(text: str) -> None:
    """A status line about a file written (``Wrote r.html``): on stdout, or dropped where
    stdout was closed from the start, as a message stderr cannot take is dropped: the file
    is the command's output, the line only says where it went."""
    if not stdout_closed():
        echo(escape_controls(text))  # a file's name as it is: nul\x01.toml, not nul.toml


_SURROGATE = re.compile("[\ud800-\udfff]")
_REPR_BYTE = re.compile(r"\\udc([89a-f][0-9a-f])")
"""Such a byte as ``repr`` of the name shows it (``'m\\udcff'``, in a message that quotes a
value with ``!r``): an error line shows it as ``\\xff`` all the same."""


def escaped(text: str) -> str:
    """``text`` with each lone surrogate as an escape: ``\\xNN`` for the byte of a name that
    is not valid UTF-8 (read with ``surrogateescape``: the byte as ``ls -b`` and Python's
    ``bytes`` show it), ``\\uXXXX`` for any other. The result is valid UTF-8: a JSON reader
    or a terminal takes it, where a lone surrogate is refused by strict JSON readers.

    >>> escaped("/tmp/x\\udcff.toml"), escaped("a\\ud800b"), escaped("été")
    ('/tmp/x\\\\xff.toml', 'a\\\\ud800b', 'été')
    """
    return _SURROGATE.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def message_line(text: str) -> str:
    """A message (``error:``, ``warning:``, ``note:``) on one line: its control characters
    written out first (``\\x1c``, which ``str.splitlines`` takes for a line's end), then
    its lines joined with blanks."""
    return " ".join(escape_controls(text).splitlines())


def echo(text: str = "", err: bool = False, nl: bool = True) -> None:
    """``typer.echo`` of ``text`` without control characters. On stderr, a message line,
    each is written out instead (``\\x01``: :func:`~payback.report.controls.escape_controls`),
    so that a file's name reads as the name it is (``nul\\x01.toml``; stripped, it named
    another file), and each byte of a name that is not valid UTF-8 is shown as ``\\xNN``
    (:func:`escaped`); a message stderr cannot take is dropped (see the module): it raised
    BrokenPipeError, which the command line took for stdout's reader gone (exit code
    141)."""
    if not err:
        write_out(clean(text), nl=nl)
        return
    line = _REPR_BYTE.sub(r"\\x\1", escaped(escape_controls(text)))
    try:
        typer.echo(line, err=True, nl=nl)
    except UnicodeError:
        raise  # an encoding the text does not fit: a bug of payback's, not a gone stderr
    except (OSError, ValueError):  # ValueError: a stream closed by the program
        to_null(sys.stderr)


SLICE = 1 << 16
"""The most written to stdout at once (:func:`write_out`)."""


def write_out(text: str, nl: bool = True) -> None:
    """``typer.echo`` of ``text`` on stdout, :data:`SLICE` characters a write: a write of
    a megabyte to a pipe whose reader goes away ends short without an error (the kernel
    counts what went in; Python takes that count as the whole), so ``payback ... --json |
    head -1`` exited 0, its output cut; the next slice meets the closed pipe (exit code
    141)."""
    for start in range(0, len(text), SLICE):
        typer.echo(text[start : start + SLICE], nl=False)
    if nl:
        typer.echo()


def to_null(stream: Any) -> None:
    """Put the null device on ``stream``'s descriptor (a stream that cannot take more): what
    is written to it from now on, the interpreter's last flush too, goes nowhere, without
    an error."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return  # no stream (started with it closed) or no descriptor: nothing to flush
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    if null != fd:  # the same number: the descriptor was closed, the null device is on it
        try:
            os.dup2(null, fd)
        except OSError:
            pass
        finally:
            os.close(null)


def file_of(stream: Any) -> tuple[int, int] | None:
    """The file behind a stream's descriptor (device, inode); None for a stream without one."""
    try:
        status = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return status.st_dev, status.st_ino


def pipe_closed() -> int:
    """stdout's reader went away: nothing more to say to it (the null device on stdout, so
    the interpreter's last flush does not fail again); exit code 141."""
    to_null(sys.stdout)
    return PIPE_CLOSED


def cannot_write(exc: OSError) -> int:
    """stdout cannot take the output (:data:`CANNOT_WRITE`, :class:`StdoutClosed`): one
    line on stderr ("cannot write the output: stdout is closed"), and the
    null device on stdout (the interpreter's last flush would fail again: exit code 120);
    exit code 2, the code ``report -o`` gives on a full disk, not 1 (a bug)."""
    to_null(sys.stdout)
    echo(f"error: cannot write the output: {exc.strerror or exc}", err=True)
    return 2


def unwrapped() -> None:
    """stdout and stderr as they were before Typer met a closed pipe: it wraps both (Click's
    ``PacifyFlushWrapper``, which drops a closed pipe's error on flush), a stream closed from
    the start (``2>&-``: None) too, whose wrapper fails the interpreter's last flush (exit
    code 120 for ``payback --version | true 2>&-``). A stdout that then fails its flush gets
    the null device (:func:`pipe_closed`)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if type(stream).__name__ == "PacifyFlushWrapper":
            setattr(sys, name, stream.wrapped)


def null_where_closed() -> None:
    """The null device on stdout and stderr where they were closed from the start (``>&-``,
    ``2>&-``), before another program takes this process over (``serve``): the first file
    it opened would get the number, and its log lines would be written into that file."""
    for fd in (1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_WRONLY)
            except OSError:
                return
            if null != fd:  # a lower number was free: stdin closed too
                os.dup2(null, fd)
                os.close(null)
