"""Bar charts by category (one-time cost by item, what each workload brings) on a phone:
tried as a new user would at 420 px, plotly turned the names under the bars and cut them
("data (collect, la…", "ticket summarie…") and drew the axis title over the legend. Now
below 700 px the report draws them narrow (:mod:`payback.report.categories`): names level
on lines of a few words, short money ticks, the legend under the axis title."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, pages_at
from payback import analyze, load_scenario
from payback.report import charts as ch
from payback.report.categories import WIDE_FROM, narrow_categories
from payback.report.html import figure, render_html
from payback.report.portfolio_document import portfolio_html
from payback.studies.portfolio import analyze_portfolio

TEXTS = """key => {
    const div = document.querySelector(`#chart-${key} .plotly-graph-div`);
    const svg = div.querySelector('.main-svg').getBoundingClientRect();
    const out = [];
    for (const t of div.querySelectorAll('text')) {
        const r = t.getBoundingClientRect();
        if (r.width === 0 || !t.textContent.trim() || t.closest('.hoverlayer')) continue;
        out.push({text: t.textContent, l: r.left, r: r.right, t: r.top, b: r.bottom,
                  inside: r.left >= svg.left - 1 && r.right <= svg.right + 1});
    }
    return out;
}"""


def _overlaps(texts: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for i, a in enumerate(texts)
        for b in texts[i + 1 :]
        if a["l"] < b["r"] - 1
        and b["l"] < a["r"] - 1
        and a["t"] < b["b"] - 1
        and b["t"] < a["b"] - 1
    ]


def test_the_narrow_drawing_puts_names_on_lines_and_the_legend_at_the_foot() -> None:
    chart = ch.one_time_items(analyze(load_scenario(EXAMPLES / "growth.toml")))
    fig = figure(chart)
    narrow_categories(fig, chart)
    axis = fig.layout.xaxis
    assert axis.tickangle == 0
    assert list(axis.tickvals) == [
        "data (collect, label, clean)",
        "engineering time",
        "eval harness",
        "training runs",
    ]
    assert list(axis.ticktext) == [
        "data<br>(collect,<br>label,<br>clean)",
        "engineering<br>time",
        "eval<br>harness",
        "training<br>runs",
    ]
    assert list(fig.layout.yaxis.ticktext) == ["$0", "$5k", "$10k", "$15k", "$20k"]
    assert (fig.layout.legend.yref, fig.layout.legend.y) == ("container", 0)
    # four lines of names (14 px each) and the title (8 + 24), then three legend lines
    # of 21 px (the report's page puts the serverless name on two: four) and 12 px under
    assert fig.layout.margin.b == 14 * 4 + 8 + 24 + 21 * 3 + 12


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "key"), [("growth", "one-time"), ("portfolio", "one-contributions-0")]
)
def test_category_charts_read_whole_on_a_phone(tmp_path: Path, name: str, key: str) -> None:
    scenario = load_scenario(EXAMPLES / f"{name}.toml")
    if scenario.workloads:
        analysis = analyze_portfolio(scenario)
        text = portfolio_html(analysis)
        names = [c.workload for c in analysis.alternatives[0].contributions]
    else:
        text = render_html(analyze(scenario))
        names = ch.one_time_items(analyze(scenario)).markers[0]["labels"]
    page_file = tmp_path / f"{name}.html"
    page_file.write_text(text)
    for width, page in pages_at(page_file, (360, 420, 1400)):
        page.wait_for_function(f"!!document.querySelector('#chart-{key} .main-svg')")
        page.wait_for_timeout(300)
        texts = page.evaluate(TEXTS, key)
        shown = [t["text"] for t in texts]
        assert not [t for t in shown if "…" in t], (width, shown)
        assert [t for t in texts if not t["inside"]] == [], width
        assert _overlaps(texts) == [], width
        if width < WIDE_FROM:  # every name whole, its words on lines
            for label in names:
                assert label.replace(" ", "") in [t.replace(" ", "") for t in shown], label


def test_the_pages_column_draws_them_narrow_too() -> None:
    # the page's answer column is narrow at any width: fitted to it, as the report's phone
    from payback.web.look import fit_to_column

    chart = ch.one_time_items(analyze(load_scenario(EXAMPLES / "growth.toml")))
    fig = figure(chart)
    fit_to_column(fig, chart)
    assert fig.layout.xaxis.tickangle == 0
    assert fig.layout.xaxis.ticktext[0] == "data<br>(collect,<br>label,<br>clean)"
    assert fig.layout.legend.yref == "container"
