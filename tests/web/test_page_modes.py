"""The page's modes (serving from the catalog or typed; baseline prices from the catalog or
typed), tried as a new user would: the answer uses only what the mode shown shows, the
download holds just that, and switching a mode and back brings its values back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import payback
from helpers import EXAMPLES
from payback.analysis.result import usd
from payback.scenario import parse_scenario, scenario_data_from_text
from payback.web.state import Held

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.slow  # Streamlit's AppTest: seconds a test

APP = Path(payback.__file__).parent / "web" / "app.py"
CATALOG = "GPU and model from the catalog (capacity estimated)"
TYPED = "Capacity and price I type"
SERVING = "in:alternatives.0.mode"


def _open(name: str) -> AppTest:
    path = EXAMPLES / name
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    return at.run()


def _npv(at: AppTest) -> str:
    (value,) = [m.value for m in at.metric if m.label.startswith("NPV")]
    return str(value)


def _download(at: AppTest) -> tuple[str, dict[str, Any]]:
    """The scenario file the page would download, its text and its table."""
    held = at.session_state["held"]
    text = held.file_text()
    return text, scenario_data_from_text(text, held.fmt, held.name)


def _analyzed_npv(data: dict[str, Any], index: int = 0) -> str:
    return usd(payback.analyze(parse_scenario(data)).alternatives[index].npv_usd)


def _boxes(at: AppTest, *paths: str) -> list[str]:
    return [str(at.text_input(key=f"in:{p}").value) for p in paths]


TYPED_BOXES = (
    "alternatives.0.usd_per_gpu_hour",
    "alternatives.0.replica_requests_per_s",
    "alternatives.0.gpus_per_replica",
)


def test_typed_serving_after_a_catalog_gpu_charges_the_rent_shown() -> None:
    """quarter-200k (L4 rent $0.80 typed, 0.85 requests/s): catalog, H100, then typed
    again with 0.85 typed. The page charged the catalog H100's $3.99/GPU-h behind a rent
    box that read "not set" (NPV −$42,847) and downloaded gpu = "h100-sxm"; now the typed
    boxes hold the file's numbers again, so the answer and the download are the file's."""
    at = _open("quarter-200k.toml")
    original = (EXAMPLES / "quarter-200k.toml").read_text()
    before = _npv(at)
    at = at.radio(key=SERVING).set_value(CATALOG).run()
    at = at.selectbox(key="in:alternatives.0.gpu").set_value("h100-sxm").run()
    at = at.radio(key=SERVING).set_value(TYPED).run()
    at = at.text_input(key="in:alternatives.0.replica_requests_per_s").set_value("0.85").run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    assert _boxes(at, *TYPED_BOXES) == ["0.8", "0.85", "1"]
    text, data = _download(at)
    assert "gpu =" not in text
    assert text == original
    assert _npv(at) == before == _analyzed_npv(data)
    # the typed rent is the one charged: $1.60 an hour doubles the fleet's rent
    at = at.text_input(key="in:alternatives.0.usd_per_gpu_hour").set_value("1.6").run()
    text, data = _download(at)
    assert data["alternatives"][0]["usd_per_gpu_hour"] == 1.6
    assert "gpu" not in data["alternatives"][0]
    assert _npv(at) == _analyzed_npv(data) != before


def test_baseline_prices_come_back_after_the_catalog_model() -> None:
    """Prices typed 3 / 0.30 / 15 came back empty, with an error, after a look at the
    catalog's API models."""
    at = _open("quarter-200k.toml")
    before = _npv(at)
    radio = at.radio(key="in:baseline.mode")
    at = radio.set_value("API model from the catalog").run()
    assert _npv(at) != before  # gpt-4o's prices, not the typed ones
    at = at.radio(key="in:baseline.mode").set_value("Prices I type").run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    prices = ("input_usd_per_mtok", "cached_input_usd_per_mtok", "output_usd_per_mtok")
    assert _boxes(at, *(f"baseline.{p}" for p in prices)) == ["3", "0.3", "15"]
    assert _npv(at) == before
    assert _download(at)[0] == (EXAMPLES / "quarter-200k.toml").read_text()


def test_catalog_serving_comes_back_with_the_files_model() -> None:
    """catalog-ids, the L40S alternative shown: catalog → typed → catalog turned its model
    llama-3.1-8b into qwen2.5-7b, silently, and downloaded it."""
    at = _open("catalog-ids.toml")
    at = at.selectbox(key="in:show").set_value(0).run()
    before = _npv(at)
    at = at.radio(key=SERVING).set_value(TYPED).run()
    at = at.radio(key=SERVING).set_value(CATALOG).run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    chosen = {s.key.rpartition(".")[2]: s.value for s in at.selectbox if s.key.startswith("in:alt")}
    assert (chosen["gpu"], chosen["model"], chosen["precision"]) == ("l40s", "llama-3.1-8b", "fp8")
    assert _npv(at) == before
    assert _download(at)[0] == (EXAMPLES / "catalog-ids.toml").read_text()


def test_typed_serving_starts_from_the_catalogs_rent_and_estimate() -> None:
    """catalog-ids' L40S alternative switched to typed: the boxes read $1.09/GPU-h (the
    catalog's rent) and 8.525 requests/s (the estimate, rounded), not placeholders of 1 and 5, so
    the NPV does not move with nothing typed; the download types them, without the GPU."""
    at = _open("catalog-ids.toml")
    at = at.selectbox(key="in:show").set_value(0).run()
    before = _npv(at)
    resolved = payback.analyze(parse_scenario(_download(at)[1])).resolved.scenario.alternatives[0]
    at = at.radio(key=SERVING).set_value(TYPED).run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    rent, capacity, gpus = _boxes(at, *TYPED_BOXES)
    assert (rent, gpus) == ("1.09", "1")
    # the estimate to the fewest decimals within 0.05% (8.525391… is 8.525), as a file is
    # written
    assert capacity == "8.525"
    assert resolved.replica_requests_per_s == pytest.approx(8.525391, abs=5e-7)
    assert _npv(at) == before
    _, data = _download(at)
    alt = data["alternatives"][0]
    assert {"gpu", "model", "precision"}.isdisjoint(alt)
    assert alt["usd_per_gpu_hour"] == 1.09
    assert _analyzed_npv(data) == before


def test_the_catalog_lists_only_gpus_it_can_rent() -> None:
    """GPUs with marketplace offers only have no default rent: listed, they gave an error
    with no input to fix it there."""
    at = _open("quarter-200k.toml")
    at = at.radio(key=SERVING).set_value(CATALOG).run()
    offered = list(at.selectbox(key="in:alternatives.0.gpu").options)
    assert {"l4", "l40s", "h100-sxm"} <= set(offered)
    assert {"rtx-4090", "rtx-5090", "rtx-pro-6000", "l40", "rtx-6000-ada"}.isdisjoint(offered)
    for gpu in offered:
        at = at.selectbox(key="in:alternatives.0.gpu").set_value(gpu).run()
        assert not [e.value for e in at.error if "price" in e.value or "rent" in e.value], gpu


def test_the_default_break_even_goal_follows_the_horizon() -> None:
    """Horizon 2: the goal started at month 3, out of range, before anything was typed."""
    at = _open("quarter-200k.toml")
    at = at.toggle(key="take:on").set_value(True).run()
    assert at.text_input(key="take:break_even_month").value == "3"
    at = at.text_input(key="in:scenario.horizon_months").set_value("2").run()
    assert at.text_input(key="take:break_even_month").value == "2"
    assert not [e.value for e in at.error]
    at = at.text_input(key="take:break_even_month").set_value("1.5").run()
    at = at.text_input(key="in:scenario.horizon_months").set_value("24").run()
    assert at.text_input(key="take:break_even_month").value == "1.5"  # typed: kept


def test_typed_baseline_prices_start_from_the_catalog_models() -> None:
    """catalog-ids' gpt-4o baseline (20% batched) switched to typed prices: the boxes
    read gpt-4o's $2.50 / $1.25 / $10 a million tokens and its 50% batch discount is kept,
    so the NPV stays $22,627 (it gave 2.5, an empty cached price, 10 and "batch_discount:
    required", with no answer); back to the catalog, the file is the file again."""
    at = _open("catalog-ids.toml")
    assert _npv(at) == "$22,627"
    at = at.radio(key="in:baseline.mode").set_value("Prices I type").run()
    assert [e.value for e in at.error] == []
    prices = ("input_usd_per_mtok", "cached_input_usd_per_mtok", "output_usd_per_mtok")
    assert _boxes(at, *(f"baseline.{p}" for p in prices)) == ["2.5", "1.25", "10"]
    assert _npv(at) == "$22,627"
    _, data = _download(at)
    assert "model" not in data["baseline"]
    assert data["baseline"]["batch_discount"] == 0.5
    assert _analyzed_npv(data, at.selectbox(key="in:show").value) == _npv(at)
    at = at.radio(key="in:baseline.mode").set_value("API model from the catalog").run()
    assert at.selectbox(key="in:baseline.model").value == "openai:gpt-4o"
    assert _download(at)[0] == (EXAMPLES / "catalog-ids.toml").read_text()


def test_a_files_own_rent_beside_a_catalog_gpu_is_shown_and_used(tmp_path: Path) -> None:
    """catalog-ids with usd_per_gpu_hour = 2.0 beside its L40S: the page dropped the rent
    on opening (NPV $7,944 at the catalog's $1.09, the file's is −$7,203 at $2.00); the
    catalog mode now shows the file's rent in a box and uses it."""
    text = (EXAMPLES / "catalog-ids.toml").read_text()
    path = tmp_path / "rent.toml"
    path.write_text(text.replace('gpu = "l40s"\n', 'gpu = "l40s"\nusd_per_gpu_hour = 2.0\n'))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    at = at.run().selectbox(key="in:show").set_value(0).run()
    assert at.radio(key=SERVING).value == CATALOG
    assert _boxes(at, "alternatives.0.usd_per_gpu_hour") == ["2"]
    assert _npv(at) == "-$7,203"
    assert _npv(at) == _analyzed_npv(_download(at)[1])
    assert _download(at)[0] == path.read_text()
