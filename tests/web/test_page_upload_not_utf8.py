"""An upload that is not UTF-8 gets the command line's words, from the same function, tried
as a new user would: a scenario saved in cp1252 (``name = "café"``) was "not a text file
(expected UTF-8 TOML or YAML)" on the page, with no place, where ``payback analyze`` says
"not UTF-8 text" and names the first bad byte's line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

import payback
from helpers import EXAMPLES, assert_user_error, run
from payback.web.state import read_upload

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

APP = str(Path(payback.__file__).parent / "web" / "app.py")
CP1252 = (EXAMPLES / "quarter-200k.toml").read_text().replace("7B", "7B café").encode("cp1252")
"""quarter-200k with an é in its name, as Notepad saved it in cp1252."""


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cp.toml", CP1252),
        ("bin.yaml", b"\x00\x01\xff\xfe binary"),  # "not a text file"
        ("bom.toml", b"\xef\xbb\xbf[scenario]\n\xff"),  # counted after the byte-order mark
    ],
)
def test_an_upload_not_utf8_gets_the_command_lines_words(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    cli = err.removeprefix("error: ").rstrip("\n")
    assert read_upload(name, content) == (None, [cli.replace(f"{tmp_path}/", "")])


def test_the_page_names_the_first_byte_that_is_not_utf8() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.file_uploader(key="upload").set_value(("cp.toml", CP1252, "application/toml"))
    at.run()
    assert not at.exception
    # line 7 is `name = "200k requests/month: hosted big model vs fine-tuned 7B café on ...`:
    # 66 ASCII characters before the é, and 329 bytes on the six lines above it
    assert [e.value for e in at.sidebar.error] == [
        r"cp.toml\: not UTF-8 text (a scenario is UTF-8 TOML or YAML)\: byte 0xe9 at line 7, "
        r"column 67 (byte 395) is not UTF-8; save the file as UTF-8"
    ]
    assert [e.value for e in at.main.error] == [
        r"cp.toml was not opened (the sidebar says why)\: the answer here is still for "
        "starter.toml."
    ]
