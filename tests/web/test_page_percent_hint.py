"""A percent box says how it reads a number between 0 and 1, tried as a new user would: in a
file 0.2 is 20 %, but "Cached input tokens [% of input]" took 0.2 as 0.2 % with no word
said (quarter-200k's NPV moved from $7,836 to $12,025). The number is taken as typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import payback
from helpers import EXAMPLES
from payback.web.state import Held, percent_hint

APP = Path(payback.__file__).parent / "web" / "app.py"
CACHED = "in:traffic.cached_input_share"


def _open(path: Path) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    return at.run()


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("0.2", "0.2 is 0.2% here; for 20% type 20"),
        ("0.05%", "0.05 is 0.05% here; for 5% type 5"),
        ("20", None),
        ("0", None),
        ("1", None),
        ("-0.2", None),
        ("", None),
        ("abc", None),
    ],
)
def test_percent_hint(typed: str, hint: str | None) -> None:
    assert percent_hint(typed) == hint


def _hints(at: AppTest) -> list[str]:
    return [str(c.value) for c in at.caption if " here; for " in str(c.value)]


@pytest.mark.slow  # Streamlit's AppTest: seconds a test
def test_a_percent_box_says_how_it_reads_a_fraction_and_takes_it() -> None:
    at = _open(EXAMPLES / "quarter-200k.toml")
    assert _hints(at) == []  # the file's own 20 %
    at = at.text_input(key=CACHED).set_value("0.2").run()
    assert _hints(at) == ["0.2 is 0.2% here; for 20% type 20"]
    assert at.session_state["held"].value("traffic.cached_input_share") == pytest.approx(0.002)
    assert not at.error  # taken, not refused
    for typed in ("20", "0"):
        at = at.text_input(key=CACHED).set_value(typed).run()
        assert _hints(at) == [], typed
    at = at.text_input(key="in:traffic.growth_monthly").set_value("0.5").run()
    assert _hints(at) == ["0.5 is 0.5% here; for 50% type 50"]  # every percent box
