"""The lines a file that cannot be written or read gets, tried as a new user would: ``init
/proc/x.toml`` said the system's "cannot write: No such file or directory" and named no
folder; a cp1252 scenario was "not a text file"; a YAML file indented with a tab showed
only the parser's "found character '\\t' that cannot start any token"."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback.cli._files import _cannot_write


def test_init_in_a_folder_that_takes_no_files_names_the_folder() -> None:
    proc = Path("/proc")  # a folder nobody, root included, can create files in
    if not proc.is_dir():
        pytest.skip("needs Linux /proc")
    code, out, err = run("init", proc / "x.toml")
    assert_user_error(code, out, err)
    assert err == (
        "error: /proc/x.toml: cannot write: the folder /proc takes no new files; give a path in "
        "another folder\n"
    )


@pytest.mark.parametrize(
    ("number", "said"),
    [
        (errno.EACCES, "the folder {f} is not writable (Permission denied); give a path in "),
        (errno.EROFS, "the folder {f} is not writable (Read-only file system); give a path in "),
        (errno.ENOSPC, "No space left on device (in the folder {f})"),
    ],
)
def test_each_cause_names_the_folder(tmp_path: Path, number: int, said: str) -> None:
    error = _cannot_write(tmp_path / "s.toml", OSError(number, os.strerror(number)))
    assert str(error).startswith(f"{tmp_path / 's.toml'}: cannot write: " + said.format(f=tmp_path))


def test_a_folder_gone_meanwhile_is_said_so(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    error = _cannot_write(gone / "s.toml", OSError(errno.ENOENT, "No such file or directory"))
    assert (
        str(error)
        == f"{gone / 's.toml'}: cannot write: the folder {gone} does not exist (any more)"
    )


def test_a_cp1252_scenario_is_not_utf8_text_with_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "cp.toml"
    path.write_bytes('[scenario]\nname = "café"\n'.encode("cp1252"))
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert err == (
        f"error: {path}: not UTF-8 text (a scenario is UTF-8 TOML or YAML): byte 0xe9 at line "
        "2, column 12 (byte 22) is not UTF-8; save the file as UTF-8\n"
    )


def test_a_file_with_nul_bytes_is_still_not_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "bin.toml"
    path.write_bytes(b"\x00\x01\xff\xfe binary")
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err, f"{path}: not a text file (a scenario is UTF-8")


def test_a_yaml_tab_says_yaml_indents_with_spaces(tmp_path: Path) -> None:
    path = tmp_path / "tab.yaml"
    path.write_text("scenario:\n\tname: x\n", encoding="utf-8")
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert err == (
        f"error: {path}: not valid YAML (line 2, column 1): found character '\\t' that cannot "
        "start any token; YAML indents with spaces, not tabs: replace the tab on line 2\n"
    )
    path.write_text("scenario:\n  horizon_months:\t12\n", encoding="utf-8")
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err, "YAML takes spaces, not tabs, between tokens: replace the")


@pytest.mark.parametrize("suffix", [".toml", ".yaml"])
def test_a_utf16_scenario_is_said_to_be_utf16(tmp_path: Path, suffix: str) -> None:
    """Windows PowerShell 5's `>` writes UTF-16 with a byte-order mark (ff fe): it was "not
    a text file ... byte 0xff at line 1, column 1 (byte 0) is not UTF-8"."""
    path = tmp_path / f"u16{suffix}"
    path.write_text("# a starter\n[scenario]\n", encoding="utf-16")
    assert path.read_bytes()[:4] == b"\xff\xfe#\x00"
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert err == (
        f"error: {path}: UTF-16 text (as Windows PowerShell 5's > and Out-File write it); "
        "save the file as UTF-8 (a scenario is UTF-8 TOML or YAML)\n"
    )
    path.write_bytes(b"\xfe\xff" + "x = 1\n".encode("utf-16-be"))  # big-endian: the same
    assert "UTF-16 text" in run("analyze", path)[2]
