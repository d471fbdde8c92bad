"""A message about more than one field, tried as a new user would: examples/
catalog-ids.toml's FP8 L40S alternative with the engine "lean" said "alternatives.0.precision
= 'fp8': engine 'lean' serves bf16; …", naming no box on the page. It now names the
page's lists it is about ("Precision" and "Engine") before the command line's line; the browser
reads its Markdown back to the line (no backslash, no ``&gt;`` left: a served page shows
it so, tested by test_page_text_as_written)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

import payback
from helpers import EXAMPLES
from payback.web.state import Held
from payback.web.words import boxes_named, message_markdown

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

APP = Path(payback.__file__).parent / "web" / "app.py"
FILE = EXAMPLES / "catalog-ids.toml"
LINE = (
    "“Precision” and “Engine”: alternatives.0.precision = 'fp8': engine 'lean' serves "
    "bf16; use vllm or sglang or trtllm for fp8"
)


def _read(markdown: str) -> str:
    """What a browser shows of the page's Markdown for a message: escapes and entities read."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown.removeprefix("- ")))


def test_a_message_about_two_lists_names_both() -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(FILE.name, FILE.read_text(), FILE.parent)
    at = at.run()
    at = at.selectbox(key="in:show").set_value(0).run()
    at = at.selectbox(key="in:alternatives.0.engine").set_value("lean").run()
    (error,) = [e.value for e in at.error]
    assert error == message_markdown(LINE)
    assert _read(error) == LINE
    listed = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert [_read(m) for m in listed] == [LINE]


def test_only_boxes_drawn_are_named() -> None:
    labels = {"baseline.batch_discount": "Baseline batch discount [%]"}
    line = "baseline.batch_discount: required with batch_share > 0"
    assert boxes_named(line, labels) == (
        "“Baseline batch discount [%]”: baseline.batch_discount: required with batch_share > 0"
    )
    assert boxes_named(line, labels, own="baseline.batch_discount") == line  # under its box
    assert boxes_named(line, {}) == line
    assert _read(message_markdown(line)) == line
