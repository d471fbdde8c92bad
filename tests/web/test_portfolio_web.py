"""The page's workloads table for a scenario with ``[[workloads]]`` (Streamlit's AppTest)."""

from __future__ import annotations

import pytest

from helpers import EXAMPLES
from payback.scenario import load_scenario
from payback.studies.portfolio import analyze_portfolio

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

import payback
from payback.web.portfolio import workloads_rows
from payback.web.state import Held

pytestmark = pytest.mark.slow  # Streamlit's AppTest: seconds a test

APP = payback.__file__.replace("__init__.py", "web/app.py")
PORTFOLIO = EXAMPLES / "portfolio.toml"


def test_rows_are_the_portfolio_analysis() -> None:
    scenario = load_scenario(PORTFOLIO)
    verdict, rows = workloads_rows(scenario)
    analysis = analyze_portfolio(scenario)
    assert verdict == analysis.verdict()
    assert len(rows) == 5 * len(analysis.alternatives)
    first = analysis.alternatives[0]
    riders = [
        r["workload"] for r in rows if r["alternative"] == first.name and r["role"] == "rides"
    ]
    assert riders == first.riders
    assert rows[0]["move"] == "#1"  # support triage moves first


def test_the_page_shows_the_workloads_table() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["held"] = Held.from_text(
        PORTFOLIO.name, PORTFOLIO.read_text(), PORTFOLIO.parent
    )
    at.run()
    assert not at.exception
    (table,) = at.dataframe  # the workloads table, the page's one dataframe
    frame = table.value
    assert list(frame["workload"][:5]) == [w.name for w in load_scenario(PORTFOLIO).workloads or []]
    (info,) = [i.value for i in at.info if "serving 5 workloads" in i.value]
    assert info == analyze_portfolio(load_scenario(PORTFOLIO)).verdict()


def test_an_uploaded_portfolio_file_gets_the_answer_it_gets_when_opened() -> None:
    """A file with workloads and no [traffic] gave "No answer: requests per month empty"
    when uploaded (opened with `payback serve FILE` it showed its answer): an upload now
    reads the file as opening it does."""
    opened = AppTest.from_file(APP, default_timeout=60)
    opened.session_state["held"] = Held.from_text(
        PORTFOLIO.name, PORTFOLIO.read_text(), PORTFOLIO.parent
    )
    opened.run()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.file_uploader(key="upload").set_value(
        (PORTFOLIO.name, PORTFOLIO.read_bytes(), "application/toml")
    )
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    shown = {m.label: m.value for m in at.metric}
    assert shown == {m.label: m.value for m in opened.metric}
    assert shown  # an answer, not "No answer while 1 input is not allowed"
    (table,) = at.dataframe
    assert list(table.value["workload"][:5]) == [
        w.name for w in load_scenario(PORTFOLIO).workloads or []
    ]
