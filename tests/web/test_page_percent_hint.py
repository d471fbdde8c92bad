"""A percent box says how it reads a number between 0 and 1, tried as a new user would: in a
file 0.2 is 20 %, but "Cached input tokens [% of input]" took 0.2 as 0.2 % with no word
said (quarter-200k's NPV moved from $7,836 to $12,025). The number is taken as typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import payback
from helpers import EXAMPLES
from payback.web.state import Held
from payback.web.typed import percent_hint

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
        (".2", "0.2 is 0.2% here; for 20% type 20"),
        # typed with its % sign: the percentage meant, nothing to say (it said "for 20% type
        # 20" to "0.2%", tried as a new user would)
        ("0.2%", None),
        ("0.2 %", None),
        (" .05% ", None),
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


@pytest.mark.slow  # Streamlit's AppTest: seconds a test
def test_a_number_typed_with_its_percent_sign_keeps_it_and_gets_no_hint() -> None:
    """The box tidied "0.2%" to "0.2" as Enter was pressed, and then said "0.2 is 0.2% here;
    for 20% type 20" to a user who had said 0.2 %."""
    at = _open(EXAMPLES / "quarter-200k.toml")
    for typed, shown in (("0.2%", "0.2%"), ("0.25 %", "0.25%"), ("1000.5%", "1,000.5%")):
        at = at.text_input(key=CACHED).set_value(typed).run()
        assert at.text_input(key=CACHED).value == shown
        assert _hints(at) == [], typed
    at = at.text_input(key=CACHED).set_value("0.25 %").run()
    assert at.session_state["held"].value("traffic.cached_input_share") == pytest.approx(0.0025)
    assert not at.error
    at = at.text_input(key=CACHED).set_value("0.25").run()  # the same number, no sign: said
    assert at.text_input(key=CACHED).value == "0.25"
    assert _hints(at) == ["0.25 is 0.25% here; for 25% type 25"]
