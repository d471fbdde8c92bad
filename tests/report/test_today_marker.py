"""The per-1k chart's line at today's traffic and an alternative a user named "today": the
alternative's crossing was taken for the line (it lost its cross and its label, and a
second dashed 'today' line stood at the crossing), in the HTML report and on the page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import QUARTER
from payback import analyze, load_scenario
from payback.report import charts as ch
from payback.report.html import figure
from payback.web.look import fit_to_column

CROSSING = "cheaper per request than the baseline from about 104k requests/month"
"""quarter-200k's alternative's crossing (its fleet against the hosted model)."""


def _per_1k(tmp_path: Path, name: str) -> ch.Chart:
    path = tmp_path / "named.toml"
    path.write_text(
        QUARTER.read_text().replace('"fine-tuned 7B on one rented L4"', json.dumps(name))
    )
    analysis = analyze(load_scenario(path))
    assert [a.name for a in analysis.alternatives] == [name]
    return ch.cost_per_1k_vs_traffic(analysis)


def _drawn(fig: Any) -> tuple[list[float], list[str], list[str]]:
    """The dashed lines' traffic, the annotations' words and the crosses' hovers."""
    lines = [s.x0 for s in fig.layout.shapes]
    words = [a.text for a in fig.layout.annotations]
    crosses = [t.name for t in fig.data if t.mode == "markers"]
    return lines, words, crosses


@pytest.mark.parametrize("name", ["today", "Today", "fine-tuned 7B on one rented L4"])
def test_an_alternative_named_today_is_drawn_as_an_alternative(tmp_path: Path, name: str) -> None:
    """One dashed line at today's 200,000 requests a month, labelled 'today'; the
    alternative's crossing at ~104k its own cross (in its colour, its hover naming it) and
    label, whatever the alternative is called."""
    chart = _per_1k(tmp_path, name)
    today = [m for m in chart.markers if ch.is_today(m)]
    crossings = [m for m in chart.markers if not ch.is_today(m)]
    assert [(m["x"], m["text"]) for m in today] == [
        (200_000.0, "today's traffic: 200k requests/month")
    ]
    assert [(m["name"], m["label"], m["color"]) for m in crossings] == [
        (name, "cheaper from\n~104k/month", chart.series[1].color)
    ]
    fig = figure(chart)
    assert _drawn(fig) == (
        [200_000.0],
        ["cheaper from<br>~104k/month", "today"],
        [f"{name}: {CROSSING}"],
    )
    assert [t.name for t in fig.data if t.mode == "lines"] == ["baseline: hosted big model", name]
    # on the page: the same, the crossing's cross kept out of the legend
    fit_to_column(fig, chart)
    lines, words, crosses = _drawn(fig)
    assert (lines, words) == ([200_000.0], ["cheaper from<br>~104k/month", "today"])
    assert [c.replace("<br>", " ") for c in crosses] == [f"{name}: {CROSSING}"]
    assert [t.showlegend for t in fig.data if t.mode == "markers"] == [False]


def test_the_today_marker_is_known_by_its_kind_not_its_name() -> None:
    assert ch.is_today({"name": "today", "kind": ch.TODAY, "x": 1.0})
    assert not ch.is_today({"name": "today", "x": 1.0, "text": "today: cheaper ..."})


@pytest.mark.parametrize("name", ["today", "fine-tuned 7B on one rented L4"])
def test_the_markdown_reports_chart_draws_it_as_an_alternative_too(
    tmp_path: Path, name: str
) -> None:
    """The Markdown report's chart (matplotlib) took an alternative named "today" for the
    line as well: no cross, and a second dashed line at its crossing. Now one dashed line
    at 200,000 requests a month and one cross at the crossing, whatever the name."""
    from payback.report.markdown import draw

    fig = draw(_per_1k(tmp_path, name))
    ax = fig.axes[0]
    dashed = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"]
    crosses = [line for line in ax.get_lines() if line.get_marker() == "x"]
    assert dashed == [200_000.0]
    assert len(crosses) == 1
    assert 100_000 < crosses[0].get_xdata()[0] < 110_000
