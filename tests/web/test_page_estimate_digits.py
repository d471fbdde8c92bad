"""Boxes a switch to "Capacity and price I type" fills from the answer's estimate, tried
as a new user would: they showed every digit of a float (``172.20474742826428`` requests/s
on examples/owned-h100.toml's owned servers, ``35.04525593566074`` on
examples/calibrated-h200.toml) and the download wrote them so. They now hold the fewest
decimals that move the estimate by at most 0.05%, the rule ``payback usage -o`` writes
measured traffic by; the answer does not move."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import payback
from helpers import EXAMPLES
from payback.analysis.result import usd
from payback.scenario import scenario_data_from_text
from payback.web.state import Held
from payback.web.typed import estimate_number

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

APP = Path(payback.__file__).parent / "web" / "app.py"
A = "in:alternatives.0"


def test_an_estimate_keeps_the_fewest_decimals_within_the_rule() -> None:
    # 172 is 0.12% off 172.2047..., 172.2 0.0028%: one decimal
    assert estimate_number(172.20474742826428) == 172.2
    # 35.0 is 0.13% off 35.0453..., 35.05 0.014%: two
    assert estimate_number(35.04525593566074) == 35.05
    assert estimate_number(2.69) == 2.69  # a catalog rent: as it is
    assert estimate_number(1234567.8) == 1234568.0


@pytest.mark.parametrize(
    ("name", "npv", "shown"),
    [("owned-h100.toml", "$239,340", "172.2"), ("calibrated-h200.toml", "$84,577", "35.05")],
)
def test_a_typed_box_from_an_estimate_is_rounded(
    name: str, npv: str, shown: str, tmp_path: Path
) -> None:
    path = EXAMPLES / name
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    at = at.run()
    if "in:show" in at.session_state:
        at = at.selectbox(key="in:show").set_value(0).run()
    npvs = [str(m.value) for m in at.metric if m.label.startswith("NPV")]
    assert npvs == [npv]
    at = at.radio(key=f"{A}.mode").set_value("Capacity and price I type").run()
    assert at.text_input(key=f"{A}.replica_requests_per_s").value == shown
    assert [str(m.value) for m in at.metric if m.label.startswith("NPV")] == [npv]
    held = at.session_state["held"]
    data = scenario_data_from_text(held.file_text(), held.fmt, held.name)
    assert data["alternatives"][0]["replica_requests_per_s"] == float(shown)
    shutil.copytree(EXAMPLES / "calibrations", tmp_path / "calibrations")  # files it names
    written = tmp_path / name
    written.write_text(held.file_text())
    analysis = payback.analyze(payback.load_scenario(written))
    assert usd(analysis.alternatives[0].npv_usd) == npv


def test_a_catalog_rent_a_switch_brings_back_keeps_its_every_digit(tmp_path: Path) -> None:
    """A rent the catalog quotes ($1.9512 an L40S-hour at a serverless platform) is a
    figure, not an estimate: the typed box holds it as quoted, and the answer stays. The
    rounding of estimates had made it 1.951, moving the fleet's cost."""
    text = (EXAMPLES / "catalog-ids.toml").read_text(encoding="utf-8")
    text = text.replace('gpu = "l40s"\n', 'gpu = "l40s"\ngpu_price = "serverless"\n', 1)
    path = tmp_path / "serverless.toml"
    path.write_text(text, encoding="utf-8")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, text, path.parent)
    at = at.run()
    if "in:show" in at.session_state:
        at = at.selectbox(key="in:show").set_value(0).run()
    before = [str(m.value) for m in at.metric if m.label.startswith("NPV")]
    at = at.radio(key=f"{A}.mode").set_value("Capacity and price I type").run()
    assert at.text_input(key=f"{A}.usd_per_gpu_hour").value == "1.9512"
    assert [str(m.value) for m in at.metric if m.label.startswith("NPV")] == before
