"""Whether a compressed log is whole. DuckDB reads a zstd file cut short (an unfinished
copy or download) up to where it stops and says nothing, so its requests were counted short
without a word; it stops on a gzip stream cut short itself, but says the same ('Unexpected
end of GZIP stream') of bytes after a whole stream, which ``gzip -t`` passes ('trailing
garbage ignored'): a file cut short is copied again, bytes appended are cut off.

The zstd walk reads only the frames' and blocks' headers (RFC 8878): a few bytes every
128 KiB at most of compressed data; the gzip walk decompresses the file, as ``gzip -t``
does, where DuckDB stopped on it.
"""

from __future__ import annotations

import os
import zlib
from typing import BinaryIO

from payback.errors import PaybackError

__all__ = ["GZIP_CUT", "check_zstd", "gzip_fault"]

MAGIC = 0xFD2FB528
SKIPPABLE = 0x184D2A50
"""A skippable frame's magic number, its low 4 bits aside."""
GZIP_MAGIC = b"\x1f\x8b"
GZIP_CUT = (
    "cut short (its gzip data stop before their end: an unfinished copy or download?); "
    "copy it again whole"
)
CHUNK = 1 << 20


def check_zstd(path: str) -> None:
    """One line when ``path`` is not zstd data, when its last frame is cut short, or when
    bytes that start no frame follow its frames."""
    try:
        with open(path, "rb") as fh:
            whole = _walk(fh)
    except OSError as exc:
        raise PaybackError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if whole is None:
        raise PaybackError(f"{path}: not zstd-compressed, though its name ends in .zst")
    if whole is False:
        raise PaybackError(
            f"{path}: cut short (its zstd data stop inside a frame: an unfinished copy or "
            "download?); copy it again whole"
        )
    if whole is not True:
        raise PaybackError(_after(path, whole, "zstd"))


def gzip_fault(path: str) -> str:
    """What DuckDB's 'Unexpected end of GZIP stream' is of gzip file ``path``, on one line
    naming it: bytes after its whole streams that start none, or (else) a stream cut short."""
    try:
        end = _gzip_end(path)
    except (OSError, zlib.error):  # (corrupt: left to DuckDB's words, as a cut stream)
        end = None
    return f"{path}: {GZIP_CUT}" if end is None else _after(path, end, "gzip")


def _after(path: str, end: int, kind: str) -> str:
    extra = os.path.getsize(path) - end
    return (
        f"{path}: data after the end of its compressed stream ({extra:,} "
        f"byte{'s' if extra != 1 else ''} after its first {end:,} that are no {kind} data: "
        f"appended to a whole file?); keep its first {end:,} bytes (head -c {end} into a "
        "file of the same suffix) and read that"
    )


def _gzip_end(path: str) -> int | None:
    """Where the bytes after the file's whole gzip streams start; None where its last
    stream is cut short, or where nothing follows its streams."""
    with open(path, "rb") as fh:
        data, at = b"", 0  # at: the file's offset of data's first byte
        while True:
            stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
            while True:
                data = data or fh.read(CHUNK)
                out = stream.decompress(data, CHUNK)  # (at most CHUNK of text, not kept)
                if stream.eof:  # (what follows it: in unused_data, unconsumed_tail too)
                    at += len(data) - len(stream.unused_data)
                    break
                if not data and not out:  # the file ends inside the stream
                    return None
                at += len(data) - len(stream.unconsumed_tail)
                data = stream.unconsumed_tail
            data = stream.unused_data or fh.read(CHUNK)
            if not data:
                return None
            if len(data) < 2:
                data += fh.read(CHUNK)
            if not data.startswith(GZIP_MAGIC[: len(data)]):
                return at


def _walk(fh: BinaryIO) -> bool | int | None:
    """True where the file is whole frames, False where its last is cut short, the offset
    of the bytes after its frames that start none, None where it does not start as zstd."""
    first = True
    while True:
        head = fh.read(4)
        if not head:  # (an empty file is empty, as an empty file of any other type)
            return True
        magic = int.from_bytes(head, "little")
        if len(head) < 4 or (magic != MAGIC and magic & 0xFFFFFFF0 != SKIPPABLE):
            if first:
                return None
            return False if _starts_frame(head) else fh.tell() - len(head)
        if magic != MAGIC:  # a skippable frame
            size = fh.read(4)
            if len(size) < 4 or not _skip(fh, int.from_bytes(size, "little")):
                return False
        elif not _frame(fh):
            return False
        first = False


def _starts_frame(head: bytes) -> bool:
    """Whether ``head`` (under 4 bytes) is how a frame starts: its magic number cut short."""
    skippable = SKIPPABLE.to_bytes(4, "little")
    return len(head) < 4 and (
        MAGIC.to_bytes(4, "little").startswith(head)
        or (head[0] & 0xF0 == skippable[0] and skippable[1:].startswith(head[1:]))
    )


def _skip(fh: BinaryIO, count: int) -> bool:
    """Past ``count`` bytes: False where the file ends before."""
    if count == 0:
        return True
    fh.seek(count - 1, 1)
    return len(fh.read(1)) == 1


def _frame(fh: BinaryIO) -> bool:
    """Past one frame after its magic number: False where the file ends inside it."""
    descriptor = fh.read(1)
    if not descriptor:
        return False
    d = descriptor[0]
    single = bool(d & 0x20)
    fcs = (1 if single else 0, 2, 4, 8)[d >> 6]
    header = (0 if single else 1) + (0, 1, 2, 4)[d & 3] + fcs
    if not _skip(fh, header):
        return False
    while True:
        block = fh.read(3)
        if len(block) < 3:
            return False
        b = int.from_bytes(block, "little")
        kind, size = (b >> 1) & 3, b >> 3
        if not _skip(fh, 1 if kind == 1 else size):
            return False
        if b & 1:  # the last block: then the content checksum, where the frame has one
            return _skip(fh, 4 if d & 4 else 0)
