"""The page's workloads table for a scenario with ``[[workloads]]`` (Streamlit's AppTest)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from helpers import EXAMPLES
from payback.scenario import load_scenario
from payback.studies.portfolio import analyze_portfolio

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

import payback
from payback.analysis.result import usd
from payback.cli import app as cli_app
from payback.report.common import month_text, quarter_text, requests_text
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
    names = [w.name for w in load_scenario(PORTFOLIO).workloads or []]
    analysis = analyze_portfolio(load_scenario(PORTFOLIO))
    _, rows = workloads_rows(load_scenario(PORTFOLIO), analysis)
    for index, alt in enumerate(analysis.alternatives):  # the rows of the alternative shown
        at = at.selectbox(key="in:show").set_value(index).run()
        (table,) = at.dataframe  # the workloads table, the page's one dataframe
        frame = table.value
        assert list(frame["workload"]) == names
        assert list(frame["net (PV)"]) == [
            r["net (PV)"] for r in rows if r["alternative"] == alt.name
        ]
        assert "alternative" not in frame.columns


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
    assert list(table.value["workload"]) == [
        w.name for w in load_scenario(PORTFOLIO).workloads or []
    ]


def test_a_portfolio_files_headline_and_figures_are_the_portfolios_answer() -> None:
    """Opened on portfolio.toml, the page led with the first workload alone ("Best of 2:
    'a fine-tuned 8B and its own fleet per task' pays back in month 16.6", NPV -$9,190 for
    the one shown) where `payback analyze --json` gives the five workloads moved together
    ('Llama 3.1 8B, an adapter per task, one fleet' pays back in month 12.8, NPV $19,858),
    and the library's "payback analyze ... show the portfolio" was the page's only hint.
    Now the headline and the figures are the portfolio's, for each alternative shown, and
    the page says in its own words that the rest is the first workload alone."""
    result = CliRunner().invoke(cli_app, ["analyze", str(PORTFOLIO), "--json"])
    assert result.exit_code == 0, result.stderr
    expected = json.loads(result.stdout)["portfolio"]
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["held"] = Held.from_text(
        PORTFOLIO.name, PORTFOLIO.read_text(), PORTFOLIO.parent
    )
    at.run()
    best = max(expected["alternatives"], key=lambda a: a["npv_usd"])
    first = load_scenario(PORTFOLIO).workloads[0].name  # type: ignore[index]
    for index, alt in enumerate(expected["alternatives"]):
        at = at.selectbox(key="in:show").set_value(index).run()
        assert not at.exception
        month, requests = alt["break_even_month"], alt["break_even_requests"]
        assert {m.label: m.value for m in at.metric} == {
            "Break-even": "never" if month is None else month_text(month),
            "Requests until then": "—" if requests is None else f"~{requests_text(requests)}",
            "Within a quarter?": quarter_text(alt["pays_back_within"]),
            f"NPV over {expected['horizon_months']} months": usd(alt["npv_usd"], 0),
        }
        (verdict,) = [m.value for m in at.markdown if "serving 5 workloads" in m.value]
        assert verdict.startswith(expected["verdict"][0].upper() + expected["verdict"][1:])
        assert usd(best["npv_usd"], 0) in verdict
        if alt is not best:
            assert f"Shown below: {alt['name']!r}" in verdict
        page_text = " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.warning])
        assert "payback analyze, sensitivity and solve" not in page_text
        (alone,) = [c.value for c in at.caption if c.value.startswith("Below: the first workload")]
        assert repr(first) in alone
