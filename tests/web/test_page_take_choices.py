"""The page's "what would it take" offers only the inputs ``payback solve`` takes: for
examples/catalog-ids.toml, whose self-hosted option's capacity the catalog estimates from
its model and GPU, it offered "GPUs per replica", and choosing it answered with solve's
refusal ("used once to estimate ... replica_requests_per_s"), tried as a new user would."""

from __future__ import annotations

from pathlib import Path

import pytest

import payback
from helpers import EXAMPLES
from payback.studies.solve import takes
from payback.web.state import Held, solvable_inputs

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

APP = Path(payback.__file__).parent / "web" / "app.py"


def _open(name: str) -> AppTest:
    path = EXAMPLES / name
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    return at.run()


def test_solve_says_which_inputs_it_takes() -> None:
    estimated = payback.analyze(payback.load_scenario(EXAMPLES / "catalog-ids.toml")).resolved
    with pytest.raises(payback.PaybackError) as refused:
        payback.solve(estimated, "alternatives.0.gpus_per_replica", "npv_usd=0")
    assert refused.value.param == "vary"
    assert not takes(estimated, "alternatives.0.gpus_per_replica")
    assert takes(estimated, "alternatives.0.usd_per_gpu_hour")
    assert takes(estimated, "traffic.requests_per_month")
    # a capacity given (replica_requests_per_s): a replica's GPUs are only paid for
    given = payback.analyze(payback.load_scenario(EXAMPLES / "quarter-200k.toml")).resolved
    assert takes(given, "alternatives.0.gpus_per_replica")


def test_every_input_offered_is_one_solve_takes() -> None:
    analysis = payback.analyze(payback.load_scenario(EXAMPLES / "catalog-ids.toml"))
    offered = solvable_inputs(analysis, 0)
    assert "alternatives.0.gpus_per_replica" not in offered
    assert "alternatives.0.usd_per_gpu_hour" in offered
    assert offered[0] == "traffic.requests_per_month"
    assert not any(p.startswith("alternatives.1.") for p in offered)
    # every other input of the scenario and of alternative 0 is still offered
    every = [
        p
        for p in analysis.input_paths
        if not p.startswith("alternatives.") or p.startswith("alternatives.0.")
    ]
    assert sorted(offered) == sorted(set(every) - {"alternatives.0.gpus_per_replica"})


@pytest.mark.slow  # Streamlit's AppTest: seconds a test
def test_the_page_does_not_offer_gpus_per_replica_where_capacity_is_estimated() -> None:
    at = _open("catalog-ids.toml")
    assert not at.exception
    at = at.selectbox(key="in:show").set_value(0).run()  # the self-hosted option
    vary = at.selectbox(key="take:vary")
    assert vary.value == "traffic.requests_per_month"
    assert "GPU rent [$ per GPU-hour]" in vary.options, vary.options
    assert not any("GPUs per replica" in option for option in vary.options), vary.options


@pytest.mark.slow
def test_the_page_offers_gpus_per_replica_where_capacity_is_given() -> None:
    at = _open("quarter-200k.toml")
    assert not at.exception
    vary = at.selectbox(key="take:vary")
    assert any("GPUs per replica" in option for option in vary.options), vary.options


@pytest.mark.slow
def test_the_inputs_offered_follow_the_serving_mode() -> None:
    """Asked of solve again when more than a number changes: a number typed keeps the
    choices; the capacity typed instead of estimated (the other serving mode) makes the
    replica's GPUs an input solve takes."""
    at = _open("catalog-ids.toml")
    at = at.selectbox(key="in:show").set_value(0).run()
    at = at.text_input(key="in:traffic.requests_per_month").set_value("2,000,000").run()
    assert not at.exception
    options = at.selectbox(key="take:vary").options
    assert not any("GPUs per replica" in option for option in options), options
    at = at.radio(key="in:alternatives.0.mode").set_value("Capacity and price I type").run()
    assert not at.exception
    options = at.selectbox(key="take:vary").options
    assert "GPUs per replica [GPUs]" in options, options
