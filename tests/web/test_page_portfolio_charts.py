"""A portfolio's chart is the portfolio's. Tried as a new user would on portfolio.toml: under
the headline of the five workloads moved together (month 12.81, NPV $19,858, one-time
$28,390) the chart was the first workload's view (break-even month 16.6) and the caption
its figures ("One-time cost $14,400; month 1 costs $1,861 against $2,100"), unsaid. The
caption and the first charts are now the portfolio's, as `payback analyze --json` gives
them; the first workload's charts say so in their titles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

import payback
from helpers import FROZEN_PORTFOLIO
from payback.analysis.result import usd
from payback.analysis.verdict import usd_column
from payback.cli import app as cli_app
from payback.web.state import Held

APP = str(Path(payback.__file__).parent / "web" / "app.py")
PORTFOLIO = FROZEN_PORTFOLIO

pytestmark = pytest.mark.slow  # Streamlit's AppTest: seconds a test


def _expected() -> dict:
    result = CliRunner().invoke(cli_app, ["analyze", str(PORTFOLIO), "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["portfolio"]


def _opened() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["held"] = Held.from_text(
        PORTFOLIO.name, PORTFOLIO.read_text(), PORTFOLIO.parent
    )
    return at.run()


def _traces(at: AppTest) -> dict[str, list[float]]:
    (chart,) = at.get("plotly_chart")
    data = json.loads(chart.proto.spec)["data"]  # names on lines (look.legend_lines): as one
    return {str(t.get("name")).replace("<br>", " "): t["y"] for t in data if "y" in t}


def test_the_caption_and_the_chart_under_a_portfolios_headline_are_the_portfolios() -> None:
    expected = _expected()
    at = _opened()
    assert not at.exception
    assert at.radio(key="view").options[:2] == ["Cumulative cost", "What each workload brings"]
    for index, alt in enumerate(expected["alternatives"]):
        at = at.selectbox(key="in:show").set_value(index).run()
        ours, theirs = usd_column([alt["monthly_cost_usd"][0], alt["baseline_usd"][0]])
        (caption,) = [c.value for c in at.caption if "moved together: one-time" in c.value]
        assert caption.startswith(
            f"The 5 workloads moved together: one-time cost {usd(alt['one_time_usd'])}; "
            f"month 1 costs {ours} against {theirs} for the baseline."
        )
        assert not [c.value for c in at.caption if c.value.startswith("One-time cost")]
        # the cumulative costs of the workloads moved together, month 0 to the horizon
        traces = _traces(at)
        cumulative = [alt["one_time_usd"]]
        for cost in alt["monthly_cost_usd"]:
            cumulative.append(cumulative[-1] + cost)
        assert traces[alt["name"]] == pytest.approx(cumulative)
        baseline = [0.0]
        for cost in alt["baseline_usd"]:
            baseline.append(baseline[-1] + cost)
        (line,) = [y for name, y in traces.items() if name.startswith("baseline")]
        assert line == pytest.approx(baseline)
    at = at.selectbox(key="in:show").set_value(0).run()  # the figures the trial read
    (caption,) = [c.value for c in at.caption if "moved together: one-time" in c.value]
    assert "one-time cost $28,390; month 1 costs $1,965 against $4,182" in caption


def test_the_first_workloads_charts_say_whose_they_are() -> None:
    at = _opened()
    at = at.radio(key="view").set_value("Monthly by component").run()
    assert not at.exception
    titles = [m.value for m in at.markdown if m.value.startswith("**Monthly cost of")]
    assert len(titles) == 1
    assert titles[0].endswith("(the first workload's traffic only: 'support triage')**")
    at = at.radio(key="view").set_value("What each workload brings").run()
    contributions = _traces(at)
    alt = _expected()["alternatives"][0]
    assert contributions["saves"] == pytest.approx([c["savings_usd"] for c in alt["contributions"]])
