"""A file name holding a control character, tried as a new user would: ``payback analyze
nul$'\\x01'.toml`` said ``nul.toml: no such file`` (the character stripped: another file's
name), and ``\\x1c`` was taken for a line's end (``bad .toml``). A message line, and the
status line that says where a file went, write each out as Python writes it in a string;
none reaches the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback.report.controls import escape_controls


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\x01", "\\x01"),
        ("\x1b", "\\x1b"),
        ("\x1c", "\\x1c"),
        ("\x85", "\\x85"),
        ("\u202e", "\\u202e"),
    ],
)
def test_a_missing_files_name_is_shown_escaped(tmp_path: Path, char: str, shown: str) -> None:
    path = tmp_path / f"nul{char}.toml"
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert err == f"error: {tmp_path}/nul{shown}.toml: no such file\n"


def test_init_says_the_name_it_wrote_escaped(tmp_path: Path) -> None:
    path = tmp_path / "ni\x01.toml"
    code, out, err = run("init", path)
    assert code == 0, err
    assert path.is_file()  # the name as given
    assert " ".join(out.split()) == (
        f"Wrote {tmp_path}/ni\\x01.toml. Edit the numbers, then: payback analyze "
        f"{tmp_path}/ni\\x01.toml"
    )
    assert_user_error(
        *run("init", path),
        f"error: {tmp_path}/ni\\x01.toml: already exists; use --force to overwrite it\n",
    )


def test_a_warning_about_a_file_shows_its_name_escaped(tmp_path: Path) -> None:
    path = tmp_path / "bad\x1c.toml"
    path.write_text("x")
    code, out, err = run("analyze", path)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {tmp_path}/bad\\x1c.toml: not valid TOML: ")
    assert len(err.splitlines()) == 1


def test_escape_controls_writes_what_clean_strips() -> None:
    from payback.report.controls import clean

    every = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F)]))
    written = escape_controls(every)
    assert clean(written) == written  # nothing left to strip
    stripped = [c for c in every if clean(c) == ""]
    assert len(stripped) == len(every) - 2  # all but the line feed and the tab
    assert written.count("\\") == len(stripped)
    assert "\n" in written  # kept, as clean keeps them
    assert "\t" in written
