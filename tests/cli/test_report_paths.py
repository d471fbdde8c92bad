"""Where ``report -o`` writes, tried as a new user would: ``-o newd/../r.html`` wrote
``r.html`` and left an empty ``newd/`` behind (a folder made for ``newd/..``, not the one
written to); a folder this user may not write in was said only after the whole analysis
(``cannot write: Permission denied``), where a missing one is refused before the work."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import payback.cli._files as files_module
import payback.scenario
from helpers import EXAMPLES, assert_user_error, run
from payback.cli._files import owned, through_missing

SEED = EXAMPLES / "seed.toml"


def no_work(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every scenario the command reads: refused before any work, it reads none."""
    read: list[Path] = []
    real = payback.scenario.load_scenario

    def load(path: Any, *args: Any, **kwargs: Any) -> Any:
        read.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(payback.scenario, "load_scenario", load)
    return read


def not_writable(monkeypatch: pytest.MonkeyPatch, locked: Path) -> None:
    """``locked`` not writable as os.access says it (tests may run as root, who may write
    anywhere)."""
    real = os.access

    def access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if Path(path) == locked and mode & os.W_OK:
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(files_module.os, "access", access)


def test_a_dot_dot_after_a_missing_folder_makes_no_folder(tmp_path: Path) -> None:
    code, out, err = run("report", SEED, "-o", tmp_path / "newd" / ".." / "r.html", "--json")
    assert (code, err) == (0, "")
    written = tmp_path / "r.html"
    assert json.loads(out) == {"report": str(written), "written": [str(written)]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]  # no newd
    assert owned(written)


def test_only_the_folder_written_in_is_made(tmp_path: Path) -> None:
    code, _, err = run("report", SEED, "-o", tmp_path / "newd" / "a" / ".." / "r.html")
    assert (code, err) == (0, "")
    assert [p.name for p in tmp_path.iterdir()] == ["newd"]
    assert [p.name for p in (tmp_path / "newd").iterdir()] == ["r.html"]  # no newd/a


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("newd/../r.html", "r.html"),
        ("newd/a/../r.html", "newd/r.html"),
        ("newd/a/../../r.html", "r.html"),
        ("newd/../../r.html", "../r.html"),  # past the folders there: for the system
        ("there/../r.html", "there/../r.html"),  # there exists: the system follows it
        ("there/newd/../r.html", "there/r.html"),
        ("file.txt/../r.html", "file.txt/../r.html"),  # refused later: a file, not a folder
        ("r.html", "r.html"),
    ],
)
def test_through_missing(tmp_path: Path, typed: str, meant: str) -> None:
    (tmp_path / "there").mkdir()
    (tmp_path / "file.txt").write_text("x")
    assert through_missing(tmp_path / typed) == tmp_path / meant


def test_a_folder_that_is_not_writable_is_refused_before_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    not_writable(monkeypatch, locked)
    read = no_work(monkeypatch)
    output = locked / "r.html"
    code, out, err = run("report", SEED, "-o", output)
    assert_user_error(code, out, err)
    assert err == (
        f"error: -o {output}: the folder {locked} is not writable (this user may not write in it)\n"
    )
    assert read == []
    assert list(locked.iterdir()) == []


def test_init_in_a_folder_that_is_not_writable_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    not_writable(monkeypatch, locked)
    code, out, err = run("init", locked / "s.toml")
    assert_user_error(code, out, err)
    assert err == (
        f"error: {locked / 's.toml'}: the folder {locked} is not writable "
        "(this user may not write in it)\n"
    )
    assert list(locked.iterdir()) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_folder_without_write_permission_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    code, out, err = run("report", SEED, "-o", locked / "r.png")
    assert_user_error(code, out, err, f"the folder {locked} is not writable")
