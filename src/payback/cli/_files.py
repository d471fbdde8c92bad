"""Writing files for the commands: atomically, never replacing a file without ``--force``
(or, for reports, one payback did not write), and the starter scenario."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from payback.errors import PaybackError


def _starter_text() -> str:
    from importlib import resources

    return resources.files("payback").joinpath("data/starter.toml").read_text(encoding="utf-8")


def _toml_loads(text: str) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(text)


def _check_writable(path: Path, force: bool, example: str = "scenario.toml") -> Path:
    """Refuse, before any work, a path that is a folder, is in a missing folder, or exists
    (without ``force``); the folder it goes in."""
    if path.is_dir():
        raise PaybackError(f"{path}: is a directory; give a file name such as {path / example}")
    if path.exists() and not force:
        raise PaybackError(f"{path}: already exists; use --force to overwrite it")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise PaybackError(f"{path}: folder {parent} does not exist")
    return parent


def _write_new(path: Path, text: str | bytes, force: bool) -> None:
    """Write ``text`` to ``path`` atomically; refuse to replace a file without ``force``.

    The new file gets the permissions a plain write would give (the umask's), or the
    replaced file's own.
    """
    import tempfile

    parent = _check_writable(path, force)
    if path.exists():
        mode = path.stat().st_mode & 0o777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        raise PaybackError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


def _made_by_payback(path: Path) -> bool:
    """Whether an existing file is one payback wrote (its marker is in the first 64 KiB)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    from payback.report import MARKER

    return MARKER.encode() in head or (b"payback" in head[:4096] and head.startswith(b"\x89PNG"))


def _write_outputs(files: dict[Path, bytes], force: bool) -> None:
    """Write generated files atomically; never replace a file payback did not make unless forced."""
    for path in files:
        if path.exists() and not force and not _made_by_payback(path):
            raise PaybackError(
                f"{path}: exists and was not written by payback; use --force to replace it"
            )
    for path, content in files.items():
        _write_new(path, content, force=True)
