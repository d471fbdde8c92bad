"""Whether a zstd-compressed log is whole: DuckDB reads a file cut short (an unfinished
copy or download) up to where it stops and says nothing, so its requests were counted short
without a word. gzip needs no such check: DuckDB stops on a cut gzip stream itself.

The walk reads only the frames' and blocks' headers (RFC 8878): a few bytes every 128 KiB
at most of compressed data.
"""

from __future__ import annotations

from typing import BinaryIO

from payback.errors import PaybackError

__all__ = ["check_zstd"]

MAGIC = 0xFD2FB528
SKIPPABLE = 0x184D2A50
"""A skippable frame's magic number, its low 4 bits aside."""


def check_zstd(path: str) -> None:
    """One line when ``path`` is not zstd data, or when its last frame is cut short."""
    try:
        with open(path, "rb") as fh:
            whole = _walk(fh)
    except OSError as exc:
        raise PaybackError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if whole is None:
        raise PaybackError(f"{path}: not zstd-compressed, though its name ends in .zst")
    if not whole:
        raise PaybackError(
            f"{path}: cut short (its zstd data stop inside a frame: an unfinished copy or "
            "download?); copy it again whole"
        )


def _walk(fh: BinaryIO) -> bool | None:
    """Whether the file is whole frames: None where it does not start as zstd data."""
    first = True
    while True:
        head = fh.read(4)
        if not head:  # (an empty file is empty, as an empty file of any other type)
            return True
        if len(head) < 4:
            return None if first else False
        magic = int.from_bytes(head, "little")
        if magic & 0xFFFFFFF0 == SKIPPABLE:
            size = fh.read(4)
            if len(size) < 4 or not _skip(fh, int.from_bytes(size, "little")):
                return False
        elif magic == MAGIC:
            if not _frame(fh):
                return False
        else:
            return None if first else False
        first = False


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
