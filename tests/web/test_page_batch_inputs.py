"""The baseline's batch share and discount as boxes on the page, tried as a new user would:
examples/catalog-ids.toml sends 20% of its requests as batch, and most API models the
page's own list offers have no known batch discount (``anthropic:claude-3-haiku`` among
them). Choosing one left no answer ("baseline.batch_discount: required with batch_share >
0") and no box to fix it with, in either price mode; the share and the discount are now
boxes, and the message stands under the discount's."""

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
FILE = EXAMPLES / "catalog-ids.toml"
MODEL = "in:baseline.model"
DISCOUNT = "in:baseline.batch_discount"


def _open() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(FILE.name, FILE.read_text(), FILE.parent)
    return at.run()


def _npv(at: AppTest) -> str | None:
    found = [str(m.value) for m in at.metric if m.label.startswith("NPV")]
    return found[0] if found else None


def _cli_npv(text: str, at: AppTest) -> str:
    """The NPV ``payback analyze`` gives the alternative the page shows, of a text."""
    data = scenario_data_from_text(text, "toml", FILE.name)
    shown = int(at.selectbox(key="in:show").value)
    return usd(payback.analyze(parse_scenario(data)).alternatives[shown].npv_usd)


def test_a_listed_model_without_a_batch_discount_can_be_given_one() -> None:
    at = _open()
    assert _npv(at) == "$22,627"
    assert at.text_input(key="in:baseline.batch_share").value == "20"
    assert at.text_input(key=DISCOUNT).value == ""  # the provider's: gpt-4o's 50%
    at = at.selectbox(key=MODEL).set_value("anthropic:claude-3-haiku").run()
    assert _npv(at) is None
    (error,) = [e.value for e in at.error]
    assert error.startswith("baseline.batch\\_discount\\: required with batch\\_share")
    at = at.text_input(key=DISCOUNT).set_value("50").run()
    assert [e.value for e in at.error] == []
    text = at.session_state["held"].file_text()
    data = scenario_data_from_text(text, "toml", FILE.name)
    assert data["baseline"]["model"] == "anthropic:claude-3-haiku"
    assert data["baseline"]["batch_discount"] == 0.5
    expected = FILE.read_text().replace('"openai:gpt-4o"', '"anthropic:claude-3-haiku"')
    expected = expected.replace("batch_share = 0.2 ", "batch_share = 0.2\nbatch_discount = 0.5 ")
    assert _npv(at) == _cli_npv(expected, at) == "-$29,857"
    # typed prices keep the 50% typed (their own box), and so does the catalog mode back
    at = at.radio(key="in:baseline.mode").set_value("Prices I type").run()
    assert at.text_input(key=f"{DISCOUNT}:typed").value == "50"
    assert (_npv(at), [e.value for e in at.error]) == ("-$29,857", [])
    at = at.radio(key="in:baseline.mode").set_value("API model from the catalog").run()
    assert at.text_input(key=DISCOUNT).value == "50"
    assert _npv(at) == "-$29,857"


def test_a_batch_share_of_0_needs_no_discount() -> None:
    """Haiku with no request sent as batch: no discount needed, the NPV the CLI gives."""
    at = _open()
    at = at.selectbox(key=MODEL).set_value("anthropic:claude-3-haiku").run()
    at = at.text_input(key="in:baseline.batch_share").set_value("0").run()
    assert [e.value for e in at.error] == []
    expected = FILE.read_text().replace('"openai:gpt-4o"', '"anthropic:claude-3-haiku"')
    expected = expected.replace("batch_share = 0.2 ", "batch_share = 0.0 ")
    assert _npv(at) == _cli_npv(expected, at) == "-$29,190"


def test_typed_prices_without_a_known_discount_ask_for_one_in_a_box() -> None:
    """Haiku switched to typed prices: no discount is known, so its box is empty and the
    message stands under it; typing one gives the answer."""
    at = _open()
    at = at.selectbox(key=MODEL).set_value("anthropic:claude-3-haiku").run()
    at = at.radio(key="in:baseline.mode").set_value("Prices I type").run()
    assert at.text_input(key=f"{DISCOUNT}:typed").value == ""
    assert _npv(at) is None
    at = at.text_input(key=f"{DISCOUNT}:typed").set_value("50").run()
    assert [e.value for e in at.error] == []
    assert _npv(at) is not None
