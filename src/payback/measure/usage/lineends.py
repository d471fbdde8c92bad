"""CSV logs that mix Windows (CRLF) and Unix (LF) line endings, read all the same.

Two exports joined into one file (one saved on Windows, one not) end some lines with CRLF
and others with LF, and DuckDB's strict CSV reader then stops on the whole file ("The CSV
Parser state machine reached an invalid state"). Only where a read fails so, each CSV
(or TSV, or text) log that mixes them is copied with LF endings alone into a private
temporary folder (decompressed, one pass, as big as the log), the logs are read again
with the copy in its place, and the copy is removed; what comes back names the file as
given, and a note says it was read so. A zstd-compressed one, which Python cannot
decompress, is said in one line with the fix.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

from payback.errors import PaybackError
from payback.measure.usage.names import Restore, restored

__all__ = ["STUCK", "one_line_end"]

STUCK = "CSV Parser state machine reached an invalid state"
"""DuckDB's error where a CSV's lines end in two ways (among other faults)."""
CHUNK = 1 << 20
LONE_LF = re.compile(rb"(?<!\r)\n")


def _ends(path: str, out: Any | None) -> tuple[bool, bool]:
    """Whether a log has CRLF and LF-only line endings, its bytes (decompressed) written to
    ``out`` with LF endings alone where given."""
    crlf = lf = False
    compressed = path.lower().endswith(".gz")
    with gzip.open(path, "rb") if compressed else open(path, "rb") as fh:
        held = b""
        while chunk := fh.read(CHUNK):
            data = held + chunk
            held = b"\r" if data.endswith(b"\r") else b""  # a CRLF cut in two
            data = data[: len(data) - len(held)]
            crlf = crlf or b"\r\n" in data
            lf = lf or LONE_LF.search(data) is not None
            if out is None and crlf and lf:  # told: no need to read on
                break
            if out is not None:
                out.write(data.replace(b"\r\n", b"\n"))
        if out is not None:
            out.write(held)
    return crlf, lf


def _table_name(path: str) -> bool:
    """Whether a log's name is a CSV's, a TSV's or a text file's (compressed or not)."""
    name = re.sub(r"\.(gz|zst)$", "", path.lower())
    return name.endswith((".csv", ".tsv", ".txt"))


@contextlib.contextmanager
def one_line_end(
    files: Sequence[str], failure: PaybackError
) -> Iterator[tuple[list[str], Restore, list[str]]]:
    """For logs whose read failed with ``failure``: the files with each CSV log that mixes
    line endings replaced by a copy with LF endings, a function that names them as given
    again, and a note naming them; ``failure`` again where it is not :data:`STUCK` or no
    log mixes them."""
    if STUCK not in str(failure):
        raise failure
    mixed = []
    for path in files:
        with contextlib.suppress(OSError, EOFError, gzip.BadGzipFile):
            if _table_name(path) and not path.lower().endswith(".zst") and all(_ends(path, None)):
                mixed.append(path)
    zstd = [f for f in files if _table_name(f) and f.lower().endswith(".zst")]
    if not mixed and zstd:
        raise PaybackError(
            f"{zstd[0]}: cannot be read ({STUCK}: a CSV's lines ending in both CRLF and LF, "
            "two exports joined?); decompress it (zstd -d) to have it read, or give it one "
            "line ending (dos2unix)"
        ) from None
    if not mixed:
        raise failure
    folder = tempfile.mkdtemp(prefix="payback-lines-")  # mode 0700: the user's alone
    try:
        copies: dict[str, str] = {}
        for i, path in enumerate(mixed):
            name = re.sub(r"\.gz$", "", os.path.basename(path), flags=re.I)
            copies[path] = os.path.join(folder, f"{i}{os.path.splitext(name)[1]}")
            with open(copies[path], "wb") as out:
                _ends(path, out)
        back = {copy: path for path, copy in copies.items()}

        def restore(value: Any, /, *, sql: bool = False) -> Any:
            return restored(value, back)

        note = (
            f"{', '.join(mixed)}: lines end in both CRLF and LF (two exports joined?), which "
            "DuckDB's CSV reader stops on; read from a copy with LF endings alone"
        )
        try:
            yield [copies.get(f, f) for f in files], restore, [note]
        except PaybackError as exc:
            raise PaybackError(restore(exc.messages)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
