"""The HTML report's drivers chart (the tornado) on a phone and a desktop: on a page 360 px
wide its inputs' names ran past the chart's left edge, on one 420 px wide they left the
bars a plot 64 to 83 px wide whose money ticks ran into each other (owned-h100's '$0',
'$100,000' ... '$400,000', each into the next). Now a narrow page draws each name above
its bar, the bars the chart's width, short ticks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, pages_at
from payback import analyze, load_scenario
from payback.report import charts as ch
from payback.report import tornado
from payback.report.controls import clean_all
from payback.report.html import chart_sections, figure, literal, render_html

TICKS = """() => [...document.querySelectorAll('.chart')]
    .filter(c => c.dataset.chart.startsWith('tornado'))
    .map(c => ({
        chart: c.dataset.chart,
        ticks: [...c.querySelectorAll('.xtick text')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
        }).filter(t => t.right > t.left),
        names: c.querySelectorAll('.ytick text').length,
        above: c.querySelectorAll('.annotation').length,
        boxes: [...c.querySelectorAll('.annotation')]
            .filter(a => !a.textContent.startsWith('central NPV'))
            .map(a => a.querySelector('rect.bg').getBoundingClientRect())
            .map(r => [r.top, r.bottom]),
        bars: [...c.querySelectorAll('.barlayer .trace')].map(t => [...t.querySelectorAll('.point path')]
            .map(p => p.getBoundingClientRect()).map(r => [r.top, r.bottom])),
    }))"""


def _crowded(found: dict[str, Any]) -> list[int]:
    """The rows whose name and range (above the bar) reach into their bar or the bar above."""
    low, high = found["bars"]
    bars = [(min(a[0], b[0]), max(a[1], b[1])) for a, b in zip(low, high, strict=True)]
    out = []
    for k, (top, bottom) in enumerate(found["boxes"]):
        if bottom > bars[k][0] + 0.5 or (k and top < bars[k - 1][1] - 0.5):
            out.append(k)
    return out


def _overlaps(ticks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of tick labels whose boxes meet or lie within 2 px of each other."""
    out = []
    for i, one in enumerate(ticks):
        for other in ticks[i + 1 :]:
            apart = max(one["left"] - other["right"], other["left"] - one["right"])
            apart = max(apart, one["top"] - other["bottom"], other["top"] - one["bottom"])
            if apart < 2:
                out.append((one["text"], other["text"]))
    return out


@pytest.fixture(scope="module")
def growth() -> Any:
    return analyze(load_scenario(EXAMPLES / "growth.toml"))


def test_money_ticks_are_round_and_short() -> None:
    """Four to six ticks from a chart's least to its greatest NPV, each a round step."""
    assert tornado.money_ticks(-25_394.0, 81_020.0) == (
        [-25_000.0, 0.0, 25_000.0, 50_000.0, 75_000.0],
        ["−$25k", "$0", "$25k", "$50k", "$75k"],
    )
    assert tornado.money_ticks(-3.2e6, 1.1e6)[1] == ["−$3M", "−$2M", "−$1M", "$0", "$1M"]
    assert tornado.money_ticks(120.0, 980.0)[1] == ["$200", "$400", "$600", "$800"]
    assert tornado.money_ticks(7.0, 7.0) == ([7.0], ["$7"])
    for low, high in ((-25_394.0, 81_020.0), (-3.2e6, 1.1e6), (120.0, 980.0), (7.0, 7.0)):
        values, _ = tornado.money_ticks(low, high)
        assert 1 <= len(values) <= 6, (low, high, values)


def test_the_narrow_drawing_puts_each_name_above_its_bar(growth: Any) -> None:
    """growth's first alternative: ten inputs, each name and range an annotation at its
    row (wrapped at 40 characters: 'requests per month, in month 1 [requests]' on two
    lines), the axis' own names hidden, the ticks $25k apart, the chart taller."""
    chart = ch.drivers(growth, 0)
    assert chart is not None
    fig = figure(chart)
    narrow = tornado.narrow(fig, clean_all(chart, literal))
    layout = narrow["layout"]
    assert layout["yaxis"]["showticklabels"] is False
    names = [a for a in layout["annotations"] if a.get("xref") == "paper" and a["x"] == 0]
    assert len(names) == 10
    assert names[0]["text"] == (
        "requests per month, in month 1<br>[requests]<br>"
        "<span style='font-size:11px;color:#666'>750k to 1.25M requests/month, ±25%</span>"
    )
    assert [a["y"] for a in names] == list(fig.data[0].y)
    assert layout["xaxis"]["ticktext"] == ["−$25k", "$0", "$25k", "$50k", "$75k"]
    # three lines at most (16 px each, 4 of box), 14 px over the bar, 6 apart, half a bar
    assert all(t["width"] == 22 / (3 * 16 + 4 + 14 + 6 + 11) for t in narrow["data"])
    assert layout["height"] > fig.layout.height
    assert "template" not in layout  # the page's own is kept
    assert tornado.narrow_below(chart) == round(41 * 6.6 + 340 + 108)  # its longest name


def test_the_report_swaps_the_drawings_at_the_charts_width(growth: Any) -> None:
    """The drivers chart carries the script, with its own width and drawing; the bars by
    category (one-time cost by item) theirs, at 700 px (:mod:`payback.report.categories`)."""
    charts = ch.all_charts(growth)
    sections = dict(zip((c.key for c in charts), chart_sections(charts), strict=True))
    scripted = sorted(k for k, s in sections.items() if "var narrow = " in s)
    assert scripted == ["one-time", "tornado-0", "tornado-1", "tornado-2"]
    assert "innerWidth < 719 ?" in sections["tornado-0"]
    assert "innerWidth < 700 ?" in sections["one-time"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "samples"),
    [("growth", None), ("owned-h100", None), ("seed", None), ("quarter-uncertain", 200)],
)
def test_the_drivers_ticks_never_meet_and_the_names_fit(
    tmp_path: Path, name: str, samples: int | None
) -> None:
    """At 360, 420 and 1,400 px, and just either side of where the names move, no two of
    the tornado's money ticks meet (at 360 and 420 owned-h100's five did, at 360 growth's
    third alternative's '$120,000' to '$180,000'); under that width the names are above
    the bars, clear of their bar and the one above (a name of three lines needs a taller
    row), over it beside them (the y axis' own labels)."""
    analysis = analyze(load_scenario(EXAMPLES / f"{name}.toml"), samples=samples)
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(analysis))
    drivers = [c for c in ch.all_charts(analysis) if c.key.startswith("tornado")]
    switch = {c.key: tornado.narrow_below(c) for c in drivers}
    widths = sorted({360, 420, 1400, *(w - 1 for w in switch.values()), *switch.values()})
    seen = 0
    for width, page in pages_at(page_file, widths):
        page.wait_for_function(
            "[...document.querySelectorAll('.plotly-graph-div')]"
            ".every(d => d.querySelector('.main-svg'))"
        )
        page.wait_for_timeout(200)
        for found in page.evaluate(TICKS):
            assert len(found["ticks"]) >= 2, (width, found)
            assert _overlaps(found["ticks"]) == [], (width, found["chart"], found["ticks"])
            if width < switch[found["chart"]]:
                assert found["names"] == 0, (width, found)
                assert len(found["boxes"]) >= 2, (width, found)
                assert _crowded(found) == [], (width, found["chart"])
            else:
                assert found["names"] >= 2, (width, found)
            seen += 1
    assert seen == len(widths) * len(drivers)
