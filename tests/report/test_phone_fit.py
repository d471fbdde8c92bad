"""The HTML reports on a 420 px phone (measured in headless Chromium): the page never
wider than the screen, no element past its right edge but inside a table's own scrolling
box, a shadow on that box's side where more of the table lies, and the inputs table whole
(tried as a new user would: at 420 px the inputs table was 536 px in a 372 px box, its
values and sources out of sight, a list of field names; the summary table, 873 px, ran
past its box with nothing to say so; a scenario's summary, and a portfolio's workloads,
now stack there: see test_summary_stacked.py and test_portfolio_workloads_stacked.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, pages_at
from payback import analyze, load_scenario
from payback.report.html import render_html
from payback.report.portfolio_document import portfolio_html
from payback.studies.portfolio import analyze_portfolio

MEASURE = """() => {
    const width = window.innerWidth;
    const outside = [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > width + 0.5 && !e.closest('.wide'))
        .map(e => e.tagName + '.' + e.className);
    const tables = [...document.querySelectorAll('table')].map(t => {
        const box = t.closest('.wide');
        const style = box ? getComputedStyle(box) : null;
        return {
            head: t.querySelector('tr').innerText.replace(/\\s+/g, ' ').trim().slice(0, 30),
            wide: Math.round(t.getBoundingClientRect().width),
            room: box ? box.clientWidth : 0,
            right: box ? Math.round(box.getBoundingClientRect().right) : 1e9,
            scrolls: !!style && style.overflowX === 'auto',
            shadow: !!style && style.backgroundImage.includes('radial-gradient')
                && style.backgroundAttachment.includes('local'),
        };
    });
    return {page: document.documentElement.scrollWidth, width, outside, tables};
}"""


def _page(tmp_path: Path, name: str) -> Path:
    scenario = load_scenario(EXAMPLES / f"{name}.toml")
    if getattr(scenario, "workloads", None):
        text = portfolio_html(analyze_portfolio(scenario))
    else:
        text = render_html(analyze(scenario))
    page = tmp_path / f"{name}.html"
    page.write_text(text)
    return page


@pytest.mark.slow
@pytest.mark.parametrize("name", ["seed", "growth", "portfolio"])
def test_the_report_fits_a_phone_its_tables_scrolling_with_a_shadow(
    tmp_path: Path, name: str
) -> None:
    for width, page in pages_at(_page(tmp_path, name), (420, 1400)):
        measured: dict[str, Any] = page.evaluate(MEASURE)
        assert measured["page"] <= measured["width"] == width, measured
        assert measured["outside"] == [], (width, measured["outside"])
        for table in measured["tables"]:
            assert table["scrolls"], (width, table)
            assert table["right"] <= width, (width, table)
            assert table["shadow"], (width, table)  # seen where the table is wider
        inputs = measured["tables"][-1]
        assert inputs["head"].startswith("input value used"), inputs
        assert inputs["wide"] <= inputs["room"], (width, inputs)  # every value in sight
        # a scenario's summary, and a portfolio's workloads, stack on a phone: every figure
        # in sight (test_summary_stacked.py, test_portfolio_workloads_stacked.py)
        summary = measured["tables"][0]
        assert summary["wide"] <= summary["room"], (width, summary)
