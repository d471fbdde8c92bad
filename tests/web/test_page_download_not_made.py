"""A download clicked while the page has no answer (under ``payback serve``: -5 typed in
"Ops, monitoring, on-call", the button clicked at once): the button's data raised inside
Streamlit's deferred download, so the browser got nothing and the terminal two
tracebacks. It now gives a file saying it was not made, and why."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import payback
from helpers import EXAMPLES
from payback.errors import PaybackError
from payback.web.fresh import Latest, not_made
from payback.web.state import Held

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

APP = Path(payback.__file__).parent / "web" / "app.py"
FILE = EXAMPLES / "quarter-200k.toml"
OPS = "in:alternatives.0.ops_usd_per_month"


def test_a_click_with_no_answer_gives_the_file_saying_why() -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(FILE.name, FILE.read_text(), FILE.parent)
    at = at.run()
    latest: Latest = at.session_state["latest"]
    made = latest.maker("scenario", "toml")()
    assert made == at.session_state["held"].file_text()  # an answer: the file itself
    at = at.text_input(key=OPS).set_value("-5").run()
    (error,) = [e.value for e in at.error]
    assert error.startswith("Ops, monitoring, on-call")
    latest = at.session_state["latest"]
    text = latest.maker("scenario", "toml")()  # raised NoAnswer
    lines = text.splitlines()
    assert lines[0] == (
        "# Not made: the numbers on the page give no answer while these are not allowed:"
    )
    assert lines[1] == (
        "# - Ops, monitoring, on-call [$ a month]: -5 is out of range; "
        "allowed: 0 to 1,000,000,000,000"
    )
    assert lines[-1] == "# Fix them on the page, then download again."
    assert tomllib.loads(text) == {}  # comments only: no scenario to mistake for one
    report = latest.maker("report", "html")()
    assert report.startswith("<!doctype html>")
    assert "<p>- Ops, monitoring, on-call [$ a month]: -5 is out of range" in report


def test_a_file_that_cannot_be_made_says_why() -> None:
    """A library error making the file is said in it, not raised."""
    latest = Latest("", {})

    def broken() -> str:
        raise PaybackError("report: the plot library is missing")

    latest.offer("report", broken)
    assert latest.maker("report", "html")() == not_made(
        "html", ["report: the plot library is missing"]
    )
    assert "<p>- report: the plot library is missing</p>" in not_made(
        "html", ["report: the plot library is missing"]
    )
    assert not_made("yaml", []) == (
        "# Not made: the numbers on the page give no answer.\n"
        "# Fix them on the page, then download again.\n"
    )
