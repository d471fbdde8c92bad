"""A name written in the scenario file reads in every chart as written: plotly draws the
HTML it finds in a trace's name, a label, a tick or a hover (<b>, <i>, <br>, <a href>,
<span style>), so a name holding markup was drawn as markup (a bold 'B', a line break, a
link) instead of the characters the user wrote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, pages_at
from payback import analyze, load_scenario
from payback.report import charts as ch
from payback.report.html import figure, render_html
from payback.report.portfolio_charts import portfolio_charts
from payback.studies.portfolio import analyze_portfolio

ALTERNATIVE = 'A<b>B</b> <a href="https://e.x">c</a>'
BASELINE = "x <br> y & <i>z</i>"
"""On one line of the legend each (38 characters at most)."""
WORKLOAD = "<span style='color:red'>tags</span>"
RAW = ("<b>B</b>", "<i>z</i>", '<a href="https://e.x">', "x <br> y", "<span style='color:red'>")


def _toml(text: str) -> str:
    return json.dumps(text)  # a TOML basic string is a JSON string here (no control chars)


def _scenario(tmp_path: Path) -> Path:
    text = (EXAMPLES / "seed.toml").read_text()
    for old, new in (("fine-tuned small model", ALTERNATIVE), ("hosted big model", BASELINE)):
        assert f'name = "{old}"' in text
        text = text.replace(f'name = "{old}"', f"name = {_toml(new)}")
    path = tmp_path / "markup.toml"
    path.write_text(text)
    return path


def _portfolio(tmp_path: Path) -> Path:
    text = (EXAMPLES / "portfolio.toml").read_text()
    for old, new in (
        ("Llama 3.1 8B, an adapter per task, one fleet", ALTERNATIVE),
        ("product tagging", WORKLOAD),
    ):
        assert f'name = "{old}"' in text
        text = text.replace(f'"{old}"', _toml(new))  # where workloads name it too
    path = tmp_path / "portfolio.toml"
    path.write_text(text)
    return path


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() if k != "template" for s in _strings(v)]
    if isinstance(node, list | tuple):
        return [s for v in node for s in _strings(v)]
    return []


def _markup_in(charts: list[ch.Chart]) -> dict[str, list[str]]:
    """Each chart's strings (names, labels, ticks, hovers) holding a name's markup as
    written (the charts' own <br> and <span> around a driver's range are theirs)."""
    found = {}
    for chart in charts:
        strings = _strings(figure(chart).to_plotly_json())
        bad = [s for s in strings if any(raw in s for raw in RAW)]
        if bad:
            found[chart.key] = bad
    return found


def test_every_charts_words_hold_a_name_as_written_not_as_markup(tmp_path: Path) -> None:
    """Every string of every chart's figure (a scenario's, with the alternative and the
    baseline named in markup) holds the names as entities: the legend's 'A&lt;b&gt;B…',
    the break-even marker's hover, the crossing's, the titles; not one '<b>B</b>',
    '<i>z' or '<a href'."""
    analysis = analyze(load_scenario(_scenario(tmp_path)))
    charts = ch.all_charts(analysis)
    assert _markup_in(charts) == {}
    cumulative = figure(ch.cumulative_costs(analysis))
    names = [t.name for t in cumulative.data if t.showlegend is not False]
    assert names == [
        "baseline: x &lt;br&gt; y &amp; &lt;i&gt;z&lt;/i&gt;",
        'A&lt;b&gt;B&lt;/b&gt; &lt;a href="https://e.x"&gt;c&lt;/a&gt;',
    ]
    (marker,) = [t for t in cumulative.data if t.mode == "markers"]
    assert marker.hovertemplate == "%{customdata}<extra></extra>"  # the name is data
    assert marker.customdata[0] == (
        'A&lt;b&gt;B&lt;/b&gt; &lt;a href="https://e.x"&gt;c&lt;/a&gt;: break-even month 1.5'
    )


def test_a_portfolios_workload_and_alternative_read_as_written(tmp_path: Path) -> None:
    """A portfolio's workload names are its contributions chart's ticks: the one in a
    <span style> was drawn red."""
    analysis = analyze_portfolio(load_scenario(_portfolio(tmp_path)))
    charts = portfolio_charts(analysis)
    assert _markup_in(charts) == {}
    contributions = figure(charts[1])
    assert "&lt;span style='color:red'&gt;tags&lt;/span&gt;" in list(contributions.data[0].x)


LEGEND = """() => [...document.querySelectorAll('.chart')].map(c => ({
    chart: c.dataset.chart,
    legend: [...c.querySelectorAll('.legendtext')].map(t => t.textContent),
    notes: [...c.querySelectorAll('.annotation-text')].map(t => t.textContent),
    links: c.querySelectorAll('svg a').length,
    bold: c.querySelectorAll('svg tspan[style*="bold"], svg tspan[style*="italic"]').length,
}))"""


@pytest.mark.slow
def test_in_chromium_the_legend_reads_each_name_as_written(tmp_path: Path) -> None:
    """In Chromium the cumulative chart's legend read 'AB c' (B bold, c a link to
    https://e.x) and 'baseline: x', 'y & z' on two lines (z in italics): now its entries
    are the names as written, and no chart draws a link, a bold or an italic."""
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(analyze(load_scenario(_scenario(tmp_path)))))
    for width, page in pages_at(page_file, (420, 1400)):
        page.wait_for_function(
            "[...document.querySelectorAll('.plotly-graph-div')]"
            ".every(d => d.querySelector('.main-svg'))"
        )
        charts = {c["chart"]: c for c in page.evaluate(LEGEND)}
        cumulative = charts["cumulative"]
        assert cumulative["legend"] == [f"baseline: {BASELINE}", ALTERNATIVE], width
        assert [
            (k, c["links"], c["bold"]) for k, c in charts.items() if c["links"] or c["bold"]
        ] == []
