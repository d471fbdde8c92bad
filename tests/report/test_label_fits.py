"""The cumulative chart's break-even labels, measured in Chromium: inside the plot and
clear of the y-axis title and of each other on a 360 and a 420 px page (phones) and at
1,400 px, for a scenario's report and a portfolio's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, pages_at, quick_portfolio
from payback import analyze, load_scenario
from payback.report.charts import cumulative_costs
from payback.report.html import render_html
from payback.report.portfolio_document import portfolio_html
from payback.studies.portfolio import analyze_portfolio

MEASURE = """key => {
    const div = document.querySelector(`#chart-${key} .plotly-graph-div`);
    const box = e => { const r = e.getBoundingClientRect();
                       return [r.left, r.top, r.right, r.bottom]; };
    return {plot: box(div.querySelector('.nsewdrag')),
            title: box(div.querySelector('.ytitle')),
            labels: [...div.querySelectorAll('.annotation-text-g')].map(box)};
}"""


def _measured(page_file: Path, key: str) -> dict[int, dict[str, Any]]:
    out = {}
    for width, page in pages_at(page_file, (360, 420, 1400)):
        page.wait_for_selector(f"#chart-{key} .annotation-text-g")
        out[width] = page.evaluate(MEASURE, key)
    return out


def _markers(name: str) -> list[dict[str, Any]]:
    return cumulative_costs(analyze(load_scenario(EXAMPLES / f"{name}.toml"))).markers


def _assert_inside(measured: dict[int, dict[str, Any]], count: int) -> None:
    for width, boxes in measured.items():
        left, top, right, bottom = boxes["plot"]
        assert len(boxes["labels"]) == count, (width, boxes)
        for label in boxes["labels"]:
            assert left <= label[0] <= label[2] <= right, (width, boxes)
            assert top <= label[1] <= label[3] <= bottom, (width, boxes)
            assert boxes["title"][2] < label[0]  # clear of the y-axis title
        for i, one in enumerate(boxes["labels"]):
            for other in boxes["labels"][i + 1 :]:
                apart = one[2] <= other[0] or other[2] <= one[0]
                assert apart or one[3] <= other[1] or other[3] <= one[1], (width, boxes)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "count"), [("growth", 3), ("quarter-200k", 1)])
def test_a_scenarios_labels_are_inside_the_plot_on_a_phone_and_a_desktop(
    tmp_path: Path, name: str, count: int
) -> None:
    """growth's three labels ('fine-tuned 8B, serverless (scale to zero): break-even month
    8.1' on one line, placed for a 900 px plot) began 48 px left of the page at 420 px and
    ran up to 193 px past the plot's right edge, at 360 px 87 px left of the page;
    quarter-200k's began 56 px left of the plot at 420 px, over the axis' figures. Placed
    for the phone's plot now, they are inside it at 360, 420 and 1,400 px."""
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(analyze(load_scenario(EXAMPLES / f"{name}.toml"))))
    _assert_inside(_measured(page_file, "cumulative"), count)


@pytest.mark.slow
def test_the_portfolios_label_is_inside_the_plot_on_a_phone_and_a_desktop(
    tmp_path: Path,
) -> None:
    """At a 420 px page the label began 136 px left of the plot (placed for a 900 px plot);
    placed for a 420 px page's plot it still began 15 px left of the plot at 360 px. It is
    placed for the 360 px page's plot now, inside it at 360, 420 and 1,400 px."""
    page_file = tmp_path / "report.html"
    page_file.write_text(
        portfolio_html(analyze_portfolio(load_scenario(EXAMPLES / "portfolio.toml")))
    )
    _assert_inside(_measured(page_file, "cumulative-portfolio"), 1)


def test_a_label_names_its_alternative_where_every_label_so_fits(tmp_path: Path) -> None:
    """A quick portfolio's one label names it on short lines; quarter-200k's name (four
    lines) does not fit a phone's plot clear of the two lines (it read 'fine-tuned 7B on /
    one rented L4: / break-even / month 13.4' over the baseline's line), nor growth's
    three long names clear of the lines and each other, so each says its break-even."""
    from payback.report.portfolio_charts import cumulative_costs as portfolio_cumulative

    chart = portfolio_cumulative(analyze_portfolio(_quick_portfolio(tmp_path)))
    assert [m["label"] for m in chart.markers] == ["cheap model:\nbreak-even\nmonth 1.7"]
    (one,) = _markers("quarter-200k")
    assert one["label"] == "break-even\nmonth 13.4"
    assert [m["label"] for m in _markers("growth")] == [
        "break-even\nmonth 18.5",
        "break-even\nmonth 8.1",
        "break-even\nmonth 2.8",
    ]


COVERED = """key => {
    // the points of every plotted line (the break-evens' leader lines are annotations)
    // that fall inside a label's text box, in page pixels, 1 px in from each edge
    const div = document.querySelector(`#chart-${key} .plotly-graph-div`);
    const boxes = [...div.querySelectorAll('.annotation-text-g')].map(e => e.getBoundingClientRect());
    const hits = [];
    for (const path of div.querySelectorAll('.scatterlayer path.js-line')) {
        const ctm = path.getScreenCTM(), length = path.getTotalLength();
        for (let at = 0; at <= length; at += 1) {
            const p = path.getPointAtLength(at).matrixTransform(ctm);
            boxes.forEach((b, i) => {
                if (p.x > b.left + 1 && p.x < b.right - 1 && p.y > b.top + 1 && p.y < b.bottom - 1)
                    hits.push([i, Math.round(p.x), Math.round(p.y)]);
            });
        }
    }
    return {labels: boxes.length, hits: hits.length, first: hits.slice(0, 3)};
}"""


def _covered(page_file: Path, key: str) -> dict[int, dict[str, Any]]:
    out = {}
    for width, page in pages_at(page_file, (360, 420, 1400)):
        page.wait_for_selector(f"#chart-{key} .annotation-text-g")
        out[width] = page.evaluate(COVERED, key)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["quick-portfolio", "portfolio", "quarter-200k", "growth"])
def test_no_label_covers_a_line_on_a_phone(tmp_path: Path, name: str) -> None:
    """A break-even label stands on a white box, so one placed over a line hides it. On a
    phone the labels were kept inside the plot but off the lines only at the 1,400 px
    size: at 360 px the two-workload portfolio's 'cheap model: break-even month 1.7' lay
    across the baseline's line (44 points of it under the label, 17 at 420 px),
    quarter-200k's named label across the baseline's (34 and 16), growth's 'month 8.1'
    across the fleet's (25 and 16). Placed clear of the lines at the phone's size, no
    point of a line is under a label at 360, 420 or 1,400 px."""
    page_file = tmp_path / "report.html"
    if name.endswith("portfolio"):
        scenario = (
            load_scenario(EXAMPLES / "portfolio.toml")
            if name == "portfolio"
            else _quick_portfolio(tmp_path)
        )
        page_file.write_text(portfolio_html(analyze_portfolio(scenario)))
        key = "cumulative-portfolio"
    else:
        page_file.write_text(render_html(analyze(load_scenario(EXAMPLES / f"{name}.toml"))))
        key = "cumulative"
    for width, measured in _covered(page_file, key).items():
        assert measured["labels"] >= 1, (width, measured)
        assert measured["hits"] == 0, (width, measured)


def _quick_portfolio(tmp_path: Path) -> Any:
    path = tmp_path / "quick.toml"
    path.write_text(quick_portfolio())
    return load_scenario(path)
