"""A report opened wider than it ends up shown draws its charts again at once at the width
they get (tried as a new user would: ``chromium --headless --screenshot
--window-size=420,3000`` lays the page out at 500 px, then narrows it to 420 and shoots;
plotly's own resizing waits 100 ms, and every chart was captured 452 px wide in a 372 px
box, months 11 and 12 and the legend cut off, the page scrolling sideways)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, pages_at, run

MEASURE = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
    const charts = [...document.querySelectorAll('.chart')].map(c => ({
        id: c.id,
        room: Math.round(c.getBoundingClientRect().width),
        drawn: Math.max(...[...c.querySelectorAll('svg.main-svg')]
            .map(s => Math.round(s.getBoundingClientRect().width))),
    }));
    const pad = parseFloat(getComputedStyle(document.body).paddingLeft);
    done({page: document.documentElement.scrollWidth, width: window.innerWidth, charts, pad});
})))"""


@pytest.mark.slow
@pytest.mark.parametrize("example", ["catalog-ids", "portfolio"])
def test_charts_fit_a_page_narrowed_after_it_was_drawn(tmp_path: Path, example: str) -> None:
    page_file = tmp_path / "r.html"
    code, _, err = run("report", EXAMPLES / f"{example}.toml", "-o", page_file)
    assert code == 0, err
    for width, page in pages_at(page_file, (500, 1400)):
        measured: dict[str, Any] = page.evaluate(MEASURE)
        assert measured["page"] == width, measured  # drawn at the width it opened at
        narrower = 420 if width == 500 else 1100
        page.set_viewport_size({"width": narrower, "height": 900})
        measured = page.evaluate(MEASURE)  # two frames later: well under plotly's 100 ms
        assert measured["page"] == narrower, measured
        assert measured["charts"], measured
        # at 420 px, the page less the body's padding each side (24 px: a 372 px box)
        room = narrower - 2 * measured["pad"]
        assert example != "catalog-ids" or narrower > 420 or room == 372
        for chart in measured["charts"]:
            assert chart["room"] <= room, chart  # at 1100, the body's own max-width too
            assert chart["drawn"] <= chart["room"], (narrower, chart)
