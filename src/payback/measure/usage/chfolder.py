"""A chdb data folder read without writing into it.

chdb (ClickHouse in-process) writes into the folder it is given, even read-only
(``?mode=ro``): it makes ``tmp/`` there and a ``status`` lock file, and MergeTree tables go
on merging their parts in the background (30 parts of one table were merged into one, in
the folder, within 6 s of a read-only session opening it). So payback refuses a folder that
holds no ``metadata/`` (where ClickHouse keeps its databases: any folder a chdb session or
``clickhouse local`` created a table in has one) without touching it, and opens a real one
through a shadow folder of its own: the same folders, made anew in a private temporary
folder, each file in them a symbolic link to the file in the data folder, each link in it
the same link. ClickHouse reads the files through the links; whatever it writes (its
``tmp/``, its lock, a merged part, a part it moves aside) lands in the shadow, removed when
the logs are read. No part file is written in place: ClickHouse writes a new part and
renames it into its table's folder."""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

from payback.errors import PaybackError
from payback.measure.usage.engines import _clickhouse_tables, _failed, _timeout, _Whole
from payback.measure.usage.tables import Table
from payback.measure.usage.urls import local_path, mask

__all__ = ["Chdb", "shadow_folder"]

SKIPPED = ("tmp", "status")
"""Entries of the data folder's top left out of the shadow: chdb's scratch and lock."""


def _shadow(real: str, shadow: str, anchors: str) -> None:
    """Make ``shadow`` a copy of ``real``'s folders, with links for its files and links.

    Each file's link points through ``anchors``: one link there to each of ``real``'s
    folders (``anchors/7`` to ``real/store/c44/...``), so that a file's link is short
    (``/tmp/payback-chdb-x/r/7/checksums.txt``): a link under 60 bytes is kept in its
    inode, where a longer one takes a disk block of its own to write and free. On an ext4
    volume mounted with ``discard``, 3,000 links of 70 bytes took 8.6 s to remove, of 59
    bytes 0.06 s; the 11,402 of a folder of 300 parts, 35.6 s with absolute paths, 3.9-4.9 s
    so (its 311 folders most of it)."""
    os.mkdir(anchors, 0o700)
    for number, (top, folders, files) in enumerate(os.walk(real)):
        here = os.path.join(shadow, os.path.relpath(top, real))
        anchor = os.path.join(anchors, str(number))
        os.symlink(top, anchor)
        if top == real:
            folders[:] = [f for f in folders if f not in SKIPPED]
            files = [f for f in files if f not in SKIPPED]
        for name in list(folders):
            path = os.path.join(top, name)
            if os.path.islink(path):  # a database's or table's link into store/: the same
                folders.remove(name)
                files.append(name)
            else:
                os.mkdir(os.path.join(here, name), 0o700)
        for name in files:
            path = os.path.join(top, name)
            link = os.path.islink(path)
            target = _target(path, real, shadow) if link else os.path.join(anchor, name)
            os.symlink(target, os.path.join(here, name))


def _target(link: str, real: str, shadow: str) -> str:
    """Where the shadow's copy of ``link`` points: into the shadow where the link points
    into the data folder (as written where relative), else where the link points."""
    target = os.readlink(link)
    whole = os.path.normpath(os.path.join(os.path.dirname(link), target))
    if os.path.commonpath([whole, real]) != real:
        return whole
    return (
        target if not os.path.isabs(target) else os.path.join(shadow, os.path.relpath(whole, real))
    )


@contextlib.contextmanager
def shadow_folder(path: str, shown: str) -> Iterator[str]:
    """A shadow of the chdb data folder ``path`` to open instead (see the module's words);
    one line naming the folder when it is no chdb data folder."""
    if not os.path.isdir(os.path.join(path, "metadata")):
        raise PaybackError.bad(
            "url",
            repr(shown),
            f"not a chdb data folder ({path!r} holds no metadata/, where ClickHouse keeps "
            "its tables; nothing was written there): give a folder a chdb session or "
            "clickhouse local made tables in, or log files as paths",
        )
    folder = tempfile.mkdtemp(prefix="payback-chdb-")  # mode 0700: the user's alone
    try:
        shadow = os.path.join(folder, "d")
        os.mkdir(shadow, 0o700)
        _shadow(os.path.abspath(path), shadow, os.path.join(folder, "r"))
        yield shadow
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Chdb(_Whole):
    """ClickHouse in-process (chdb) on a local data folder, through its shadow (read-only
    too, ``?mode=ro``: ClickHouse's ``readonly = 1``): the same SQL as a server."""

    dialect = "clickhouse"

    def __init__(self, url: str) -> None:
        self.url, self.shown = url, mask(url)
        path = local_path(url, os.path.isdir, self.shown, "chdb data folder")
        try:
            session: Any = importlib.import_module("chdb.session")
        except ImportError:
            raise PaybackError(
                f"{self.shown}: ClickHouse in-process needs chdb: pip install chdb"
            ) from None
        self.shadow = contextlib.ExitStack()  # removed on close
        try:
            folder = self.shadow.enter_context(shadow_folder(path, self.shown))
            self.session = session.Session(folder + "?mode=ro")
        except Exception as exc:
            self.shadow.close()
            if isinstance(exc, PaybackError):
                raise
            raise _failed(self.shown, "cannot open the data folder", exc, url) from None

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        settings = f" SETTINGS readonly = 2, max_execution_time = {_timeout()}"
        try:
            result = self.session.query(sql + settings, "ArrowTable")
        except Exception as exc:
            raise _failed(self.shown, "the query failed", exc, self.url) from None
        columns = [c.to_pylist() for c in result.columns]
        return list(zip(*columns, strict=True)) if columns else []

    def tables(self) -> list[Table]:
        return _clickhouse_tables(self, "default")

    def close(self) -> None:
        self.session.close()
        self.shadow.close()
