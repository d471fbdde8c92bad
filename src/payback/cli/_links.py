"""Symbolic links where payback writes a file (:mod:`payback.cli._files`): a link stays a
link and the file it points to is written (:func:`link_target`), as a shell's ``>`` and
editors do; a link there, to a file or to nothing, is a name that exists, and needs
``--force`` (:func:`check_link`); a link that leads round to itself is refused
(:func:`check_not_a_loop`)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from payback.errors import PaybackError

__all__ = ["check_link", "check_not_a_loop", "link_target"]


def link_target(path: Path) -> Path:
    """The file a write to ``path`` changes: ``path``, or the file a symbolic link there
    points to (replacing the link by a new file would leave what it points to as it was)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_link(path: Path, force: bool) -> None:
    """Refuse, without ``force``, to write at a symbolic link ``path``, saying where it
    points and that ``--force`` writes that file through it (:func:`link_target`); a report
    payback wrote and nobody changed (:func:`~payback.cli._files.owned`) is replaced through it as
    without one. A link to nothing is refused too: its name is there (``init`` made the file it
    named, without ``--force``), as a shell's ``set -o noclobber`` refuses it."""
    from payback.cli._files import owned  # the outputs: it imports this module

    if force or not path.is_symlink() or owned(path):
        return
    try:
        points = os.readlink(path)
    except OSError:
        return
    if path.exists():
        raise PaybackError(
            f"{path}: already exists, a link to {points}; use --force to overwrite {points} "
            "through it"
        )
    raise PaybackError(
        f"{path}: already exists, a link to {points}, which does not exist; use --force to "
        f"write {points} through it"
    )


def check_not_a_loop(path: Path) -> None:
    """Refuse a symbolic link that leads round to itself: it was replaced by a new file (the
    link the user made lost), where a shell's ``>`` refuses it."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PaybackError(
                f"{path}: a symbolic link that leads round to itself (too many levels of "
                "links); left as it is (point it at a file, or give another name)"
            ) from None
