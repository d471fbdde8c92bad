"""The page opens the files the command line opens, and says why it does not open one,
beside the answer, about the file last tried. Tried as a new user would:

- `payback serve` gave Streamlit's uploader a cap of 10 (MB, 10**6 bytes, in the browser),
  so a scenario of 10,000,001 to 10,485,760 bytes that `payback analyze` reads was refused
  by the browser, and a larger one never reached the page's own line: on a phone, whose
  sidebar is closed, nothing was said;
- a refusal stayed on screen after a file the browser refused (empty.toml's two lines
  stayed when huge.toml was dropped, on every later run), and nothing was said of it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

import payback
from helpers import EXAMPLES, find_browser
from payback.cli import app as cli_app
from payback.cli.serve import upload_megabytes
from payback.limits import MAX_SCENARIO_BYTES
from payback.web.state import read_upload

APP = str(Path(payback.__file__).parent / "web" / "app.py")
QUARTER = EXAMPLES / "quarter-200k.toml"


def _padded(size: int) -> bytes:
    """quarter-200k.toml made ``size`` bytes long by a comment at its end."""
    text = QUARTER.read_bytes()
    return text + b"#" * (size - len(text) - 1) + b"\n"


def test_the_uploaders_cap_is_over_a_scenarios_limit_in_either_unit() -> None:
    cap = upload_megabytes(MAX_SCENARIO_BYTES)
    assert cap * 10**6 > MAX_SCENARIO_BYTES  # the browser's MB (Linux, macOS)
    assert cap * 2**20 > MAX_SCENARIO_BYTES  # the server's MiB (and Windows' browser)
    assert cap * 10**6 >= 2 * MAX_SCENARIO_BYTES  # a file twice too large gets the page's line


@pytest.mark.parametrize("size", [10_000_001, 10_400_001, MAX_SCENARIO_BYTES])
def test_a_scenario_the_command_line_reads_is_opened(size: int, tmp_path: Path) -> None:
    content = _padded(size)
    assert len(content) == size
    path = tmp_path / "big.toml"
    path.write_bytes(content)
    result = CliRunner().invoke(cli_app, ["analyze", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    table, refused = read_upload("big.toml", content)
    assert refused == []
    assert table is not None


@pytest.mark.parametrize(
    ("size", "line"),
    [
        (
            MAX_SCENARIO_BYTES + 1,
            "10,485,761 bytes, over the 10 MiB (10,485,760-byte) limit for a scenario file",
        ),
        (11 * 2**20 + 5_000, "11.0 MiB, over the 10 MiB limit for a scenario file"),
    ],
)
def test_a_scenario_over_the_limit_is_refused_with_the_command_lines_line(
    size: int, line: str, tmp_path: Path
) -> None:
    content = _padded(size)
    path = tmp_path / "huge.toml"
    path.write_bytes(content)
    result = CliRunner().invoke(cli_app, ["analyze", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {path}: {line}"
    assert read_upload("huge.toml", content) == (None, [f"huge.toml: {line}"])


@pytest.mark.slow  # Streamlit's AppTest: seconds a test
def test_a_file_over_the_limit_is_said_in_the_sidebar_and_beside_the_answer() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.file_uploader(key="upload").set_value(
        ("huge.toml", _padded(11 * 2**20 + 5_000), "application/toml")
    )
    at.run()
    assert not at.exception
    assert [e.value for e in at.sidebar.error] == [
        r"huge.toml\: 11.0 MiB, over the 10 MiB limit for a scenario file"
    ]
    assert [e.value for e in at.main.error] == [
        r"huge.toml was not opened (the sidebar says why)\: the answer here is still for "
        "starter.toml."
    ]


@pytest.mark.slow  # Streamlit's AppTest: seconds a test
def test_a_file_the_browser_refused_is_said_and_the_earlier_refusal_goes() -> None:
    """What the page does once the browser's script (look.upload_watch) has removed the
    earlier file and clicked the hidden button: the answer says the file dropped last was
    not opened; nothing is said of the earlier one; a file that comes through ends it."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.file_uploader(key="upload").set_value(("empty.toml", b"", "application/toml")).run()
    assert len(at.sidebar.error) == 1
    at.file_uploader(key="upload").set_value(None).run()  # removed by the script
    at.button(key="upload-refused").click().run()
    assert not at.exception
    assert [e.value for e in at.sidebar.error] == []
    assert [e.value for e in at.main.error] == [
        "The file dropped last was not opened\\: the page opens a .toml, .yaml or .yml file of "
        "up to 10 MiB; the answer here is still for starter.toml."
    ]
    at.run()  # said until a file comes through
    assert len(at.main.error) == 1
    at.file_uploader(key="upload").set_value(
        ("growth.toml", (EXAMPLES / "growth.toml").read_bytes(), "application/toml")
    )
    at.run()
    assert [e.value for e in at.error] == []


# ---------------------------------------------------------------- in a real browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _served(folder: Path) -> Iterator[str]:
    """`payback serve` (the starter) in a subprocess, as a user starts it: its address."""
    port = _free_port()
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = os.environ | {"PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "payback", "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                assert server.poll() is None
                assert time.monotonic() < deadline, "the page did not start in 60 s"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _settled(page: Any) -> None:
    """Wait until the page has run and stayed idle a moment (a script's click runs it)."""
    quiet = 0
    for _ in range(300):
        state = page.evaluate(
            "() => document.querySelector('[data-testid=stApp]')"
            "?.getAttribute('data-test-script-state')"
        )
        quiet = quiet + 1 if state != "running" else 0
        if quiet >= 12:
            return
        time.sleep(0.1)


def _alerts(page: Any) -> list[str]:
    return [" ".join(a.inner_text().split()) for a in page.locator('[data-testid="stAlert"]').all()]


@pytest.mark.slow  # a server and a real browser: seconds
def test_in_headless_chromium_what_is_said_is_about_the_file_last_tried(tmp_path: Path) -> None:
    found = find_browser()
    files = {
        "empty.toml": b"",
        "x.json": b"{}\n",  # refused by the browser: not a type the uploader offers
        "up10.toml": _padded(10_400_001),  # refused by the browser before: over 10 MB
        "huge.toml": _padded(MAX_SCENARIO_BYTES + 1),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    with (
        _served(tmp_path) as url,
        found.sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(
            executable_path=found.executable, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 420, "height": 1400})
        page.goto(url)
        page.wait_for_selector("text=Recomputed in", timeout=90_000)
        _settled(page)

        def drop(name: str) -> list[str]:
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                str(tmp_path / name)
            )
            time.sleep(1)
            _settled(page)
            return _alerts(page)

        empty = drop("empty.toml")
        assert len(empty) == 2
        assert all("empty.toml" in line for line in empty)
        refused = drop("x.json")
        assert refused == [
            "error The file dropped last was not opened: the page opens a .toml, .yaml or .yml "
            "file of up to 10 MiB; the answer here is still for starter.toml."
        ]
        assert drop("up10.toml") == []  # opened, as `payback analyze` opens it
        assert "Showing up10.toml" in page.locator('[data-testid="stSidebar"]').inner_text()
        assert drop("huge.toml") == [
            "huge.toml: 10,485,761 bytes, over the 10 MiB (10,485,760-byte) limit for a "
            "scenario file",
            "error huge.toml was not opened (the sidebar says why): the answer here is still "
            "for up10.toml.",
        ]
        browser.close()
