"""The hash a report payback writes carries, and the check that a file still carries it: the
command line replaces a report without ``--force`` only when it is payback's, unchanged
(see :mod:`payback.cli._files`), and the page's downloaded report carries it too, so that
``payback report FILE -o`` may write over it.

A last line ``<!-- payback sha256:... -->`` in HTML and Markdown, a ``payback-sha256``
text chunk in a PNG, each the SHA-256 of the rest of the file.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from pathlib import Path

__all__ = ["STAMPED", "owned_content", "stamped"]

STAMPED = (".html", ".htm", ".md", ".png")
"""The outputs payback stamps with their hash, and replaces without --force when unchanged."""
_TEXT_STAMP = re.compile(rb"<!-- payback sha256:([0-9a-f]{64}) -->\n\Z")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEY = b"payback-sha256"


def stamped(path: Path, content: bytes) -> bytes:
    """``content`` with its SHA-256 in it, the way :func:`owned_content` finds it (by ``path``'s
    suffix); other kinds of file unchanged.

    >>> stamped(Path("r.md"), b"# hello\\n").endswith(b" -->\\n")
    True
    >>> owned_content(Path("r.md"), stamped(Path("r.md"), b"# hello\\n"))
    True
    >>> owned_content(Path("r.md"), stamped(Path("r.md"), b"# hello\\n").replace(b"hello", b"edit"))
    False
    """
    suffix = path.suffix.lower()
    digest = hashlib.sha256(content).hexdigest()
    if suffix == ".png" and content.startswith(_PNG_SIGNATURE):
        end = content.rfind(b"IEND") - 4  # the IEND chunk's length field
        if end < len(_PNG_SIGNATURE):
            return content
        return (
            content[:end] + _png_chunk(b"tEXt", _PNG_KEY + b"\0" + digest.encode()) + content[end:]
        )
    if suffix in (".html", ".htm", ".md"):
        body = content if content.endswith(b"\n") or not content else content + b"\n"
        digest = hashlib.sha256(body).hexdigest()
        return body + f"<!-- payback sha256:{digest} -->\n".encode()
    return content


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def owned_content(path: Path, content: bytes) -> bool:
    """Whether ``content`` is a file payback wrote at ``path`` and nobody changed since: its
    hash is in it (see :func:`stamped`) and matches the rest."""
    suffix = path.suffix.lower()
    if suffix == ".png":
        return _png_owned(content)
    if suffix in (".html", ".htm", ".md"):
        found = _TEXT_STAMP.search(content)
        if found is None:
            return False
        body = content[: found.start()]
        return hashlib.sha256(body).hexdigest().encode() == found.group(1)
    return False


def _png_owned(content: bytes) -> bool:
    """A PNG with payback's hash chunk, whose other bytes hash to it."""
    if not content.startswith(_PNG_SIGNATURE):
        return False
    at, digest, start, end = len(_PNG_SIGNATURE), None, 0, 0
    while at + 12 <= len(content):
        (length,) = struct.unpack(">I", content[at : at + 4])
        kind = content[at + 4 : at + 8]
        stop = at + 12 + length
        if stop > len(content):
            return False
        data = content[at + 8 : at + 8 + length]
        if kind == b"tEXt" and data.startswith(_PNG_KEY + b"\0"):
            digest, start, end = data[len(_PNG_KEY) + 1 :], at, stop
        at = stop
        if kind == b"IEND":
            break
    if digest is None:
        return False
    rest = content[:start] + content[end:]
    return hashlib.sha256(rest).hexdigest().encode() == digest
