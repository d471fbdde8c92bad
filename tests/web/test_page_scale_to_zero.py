"""The fleet's inputs with "Always on" unticked (scale to zero), tried as a new user would:
the box "Replicas always on (minimum)" stayed (examples/growth.toml's first alternative:
2), though a fleet scaled to zero keeps no replica on and the minimum is not used. It is
hidden while scaled to zero, and comes back with its value when Always on does."""

from __future__ import annotations

from pathlib import Path

import pytest

import payback
from helpers import EXAMPLES
from payback.analysis.result import usd
from payback.scenario import parse_scenario, scenario_data_from_text
from payback.web.state import Held

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

APP = Path(payback.__file__).parent / "web" / "app.py"
FILE = EXAMPLES / "growth.toml"


def _open(index: int) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(FILE.name, FILE.read_text(), FILE.parent)
    at = at.run()
    return at.selectbox(key="in:show").set_value(index).run()


def _keys(at: AppTest) -> set[str]:
    return {str(w.key) for w in at.text_input}


def _npv(at: AppTest) -> str:
    (value,) = [m.value for m in at.metric if m.label.startswith("NPV")]
    return str(value)


def _cli_npv(at: AppTest, index: int) -> str:
    held = at.session_state["held"]
    data = scenario_data_from_text(held.file_text(), held.fmt, held.name)
    return usd(payback.analyze(parse_scenario(data)).alternatives[index].npv_usd)


def test_the_minimum_is_hidden_while_scaled_to_zero_and_comes_back() -> None:
    at = _open(0)
    box = "in:alternatives.0.min_replicas"
    assert at.text_input(key=box).value == "2"
    at = at.text_input(key=box).set_value("3").run()
    at = at.checkbox(key="in:alternatives.0.always_on").uncheck().run()
    assert box not in _keys(at)
    assert "in:alternatives.0.target_utilization" in _keys(at)
    assert [e.value for e in at.error] == []
    assert _npv(at) == _cli_npv(at, 0)
    at = at.checkbox(key="in:alternatives.0.always_on").check().run()
    assert at.text_input(key=box).value == "3"  # the value typed, kept aside
    assert _npv(at) == _cli_npv(at, 0)


def test_a_file_scaled_to_zero_shows_no_minimum() -> None:
    """growth.toml's serverless alternative (always_on = false) has no minimum box."""
    at = _open(1)
    assert not at.checkbox(key="in:alternatives.1.always_on").value
    assert "in:alternatives.1.min_replicas" not in _keys(at)
    assert _npv(at) == _cli_npv(at, 1)
