"""An owned-server alternative (examples/owned-h100.toml's first) switched to "Capacity
and price I type", tried as a new user would: the page drew a "GPU rent" box, and a rent
typed there gave "rent, not used with owned hardware" and no answer. Owned servers pay no
rent: the typed mode shows capacity and GPUs a replica only."""

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
FILE = EXAMPLES / "owned-h100.toml"
A = "in:alternatives.0"


def _open() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(FILE.name, FILE.read_text(), FILE.parent)
    at = at.run()
    return at.selectbox(key="in:show").set_value(0).run()  # the owned servers


def _npv(at: AppTest) -> str:
    (value,) = [m.value for m in at.metric if m.label.startswith("NPV")]
    return str(value)


def test_owned_servers_typed_have_no_rent_box() -> None:
    at = _open()
    assert _npv(at) == "$239,340"
    at = at.radio(key=f"{A}.mode").set_value("Capacity and price I type").run()
    keys = {w.key for w in at.text_input}
    assert f"{A}.usd_per_gpu_hour" not in keys
    assert {f"{A}.replica_requests_per_s", f"{A}.gpus_per_replica"} <= keys
    assert at.text_input(key=f"{A}.gpus_per_replica").value == "4"
    assert [e.value for e in at.error] == []
    assert _npv(at) == "$239,340"  # the switch alone moves nothing
    held = at.session_state["held"]
    data = scenario_data_from_text(held.file_text(), held.fmt, held.name)
    assert "usd_per_gpu_hour" not in data["alternatives"][0]
    assert usd(payback.analyze(parse_scenario(data)).alternatives[0].npv_usd) == "$239,340"
