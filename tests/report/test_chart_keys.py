"""Every chart a report writes is one the Markdown report's check of its charts' names
knows (``longest_chart_ends``, run before any work): the builders and the check read the
same keys (:func:`payback.report.charts.report_charts`), so a chart added with a key the
check does not know fails here, where its name could have passed the file system's limit
unchecked."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from helpers import EXAMPLES
from payback.analysis.result import analyze
from payback.report.charts import all_charts, chart_keys, report_charts
from payback.report.markdown import longest_chart_ends
from payback.report.portfolio_charts import portfolio_charts
from payback.scenario import parse_scenario
from payback.studies.portfolio import analyze_portfolio

ALTERNATIVES = 11  # the last one's charts have a two-digit index


def _covered(keys: list[str], alternatives: int, portfolio: bool) -> None:
    """Each of ``keys`` is one the check knows, and no longer than the longest it checks."""
    known = chart_keys(alternatives, portfolio)
    assert [k for k in keys if k not in known] == []
    longest = len(longest_chart_ends(alternatives, portfolio)[0])
    assert [k for k in keys if len(f"-{k}.png") > longest] == []
    # every chart the check knows is drawn here: each builder's key is checked
    drawn = {
        t for t in report_charts(portfolio) for i in range(alternatives) if t.format(i) in keys
    }
    assert drawn == set(report_charts(portfolio))


@pytest.mark.slow  # 11 alternatives sampled, with their drivers: about 2 s
def test_every_chart_of_a_scenario_report_is_in_the_names_check() -> None:
    data = tomllib.loads((EXAMPLES / "quarter-uncertain.toml").read_text(encoding="utf-8"))
    alternative = data["alternatives"][0]
    data["alternatives"] = [alternative | {"name": f"alt {i}"} for i in range(ALTERNATIVES)]
    analysis = analyze(parse_scenario(data), samples=64, seed=0)
    keys = [c.key for c in all_charts(analysis)]
    assert {"components-10", "one-time", "per-1k", "fan-10", "histogram-10", "tornado-10"} <= set(
        keys
    )
    _covered(keys, ALTERNATIVES, portfolio=False)


def test_every_chart_of_a_portfolio_report_is_in_the_names_check() -> None:
    alternatives: list[dict[str, Any]] = [
        {"name": f"alt {i}", "kind": "per_request", "usd_per_1k_requests": 2.0 + i / 10}
        for i in range(ALTERNATIVES)
    ]
    data = {
        "scenario": {"name": "two workloads", "horizon_months": 12},
        "baseline": {"name": "today", "kind": "per_request", "usd_per_1k_requests": 10.0},
        "alternatives": alternatives,
        "workloads": [
            {
                "name": "a",
                "traffic": {"requests_per_month": {"dist": "uniform", "low": 6e4, "high": 1.4e5}},
            },
            {"name": "b", "traffic": {"requests_per_month": 50_000}},
        ],
    }
    analysis = analyze_portfolio(parse_scenario(data), samples=64, seed=0)
    keys = [c.key for c in portfolio_charts(analysis)]
    assert {"cumulative-portfolio", "one-contributions-10", "fan-10", "histogram-10"} <= set(keys)
    _covered(keys, ALTERNATIVES, portfolio=True)


def test_the_longest_ends_by_hand() -> None:
    """By hand: "-components-10.png" is 18 bytes, "-histogram-10.png" 17; a portfolio's
    "-cumulative-portfolio.png" 25, "-one-contributions-9.png" 24, and at 100 alternatives
    "-one-contributions-99.png" 25 too: both are checked, the first named first."""
    assert longest_chart_ends(11, portfolio=False) == ["-components-10.png"]
    assert longest_chart_ends(10, portfolio=True) == ["-cumulative-portfolio.png"]
    assert longest_chart_ends(100, portfolio=True) == [
        "-cumulative-portfolio.png",
        "-one-contributions-99.png",
    ]


def test_both_renderers_draw_every_kind_of_chart() -> None:
    """A chart's kind is its key's first word; a kind neither renderer knew would be drawn
    as empty axes in the PNG and an empty plot in the HTML."""
    from payback.report import html, markdown

    kinds = {key.split("-")[0] for portfolio in (False, True) for key in report_charts(portfolio)}
    assert kinds == {"cumulative", "components", "one", "per", "fan", "histogram", "tornado"}
    assert set(markdown._DRAW) == kinds
    assert set(html._DRAW) == kinds
