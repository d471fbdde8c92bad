"""The per-1k chart's corner labels apart. Tried as a new user would: in the HTML report's
"Cost of 1,000 requests as traffic varies", the lowest price ("$2") and the first count
("10k") met in the bottom-left corner, nearly one label; each now stands off its axis."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import EXAMPLES, pages_at
from payback import analyze, load_scenario
from payback.report.html import render_html

CORNER = """() => {
    const chart = document.querySelector('[data-chart^="per"]');
    const box = e => e.getBoundingClientRect();
    const y = [...chart.querySelectorAll('.ytick text')].map(box);
    const x = [...chart.querySelectorAll('.xtick text')].map(box);
    const low = y.reduce((a, b) => (b.bottom > a.bottom ? b : a));
    const first = x.reduce((a, b) => (b.left < a.left ? b : a));
    return {gapX: first.left - low.right, gapY: first.top - low.bottom,
            texts: [chart.querySelectorAll('.ytick text').length,
                    chart.querySelectorAll('.xtick text').length]};
}"""


@pytest.mark.slow  # a real browser
def test_the_corner_labels_of_the_per_1k_chart_do_not_meet(tmp_path: Path) -> None:
    text = (EXAMPLES / "quarter-200k.toml").read_text()  # at 300k requests: $2 to $100
    assert "requests_per_month = 200000" in text
    scenario = tmp_path / "q300k.toml"
    scenario.write_text(text.replace("requests_per_month = 200000", "requests_per_month = 300000"))
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(analyze(load_scenario(scenario))))
    for width, page in pages_at(page_file, (1400, 420)):
        page.locator('[data-chart^="per"] .xtick text').first.wait_for(state="attached")
        corner = page.evaluate(CORNER)
        # apart one way or the other by at least 4 px: not touching, read as two labels
        assert max(corner["gapX"], corner["gapY"]) >= 4, (width, corner)
