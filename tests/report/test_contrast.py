"""The reports' colours on white paper (the HTML report, the Markdown report's PNGs, the
page's light theme): every text at WCAG's 4.5:1 against what is behind it (1.4.3), every
line, marker, bar and rule at 3:1 (1.4.11); and the page's dark theme kept as it was."""

from __future__ import annotations

import colorsys
from pathlib import Path
from typing import Any

import pytest

from contrast import COLOURS, below_contrast
from helpers import EXAMPLES, pages_at
from payback import analyze, load_scenario
from payback.report import charts as ch
from payback.report.html import CSS, render_html
from payback.report.markdown import draw
from payback.report.palette import (
    ALTERNATIVE_COLOURS,
    BAND_COLOUR,
    BASELINE_COLOUR,
    COMPONENT_COLOURS,
    HIGH_END_COLOUR,
    LOW_END_COLOUR,
    TEXT_COLOURS,
    TODAY_COLOUR,
    ZERO_COLOUR,
    text_colour,
)
from payback.report.portfolio_charts import FLEET_COLOUR, NET_COLOUR, SAVES_COLOUR
from payback.report.portfolio_document import portfolio_html
from payback.studies.portfolio import analyze_portfolio
from payback.web.colours import contrast, on_dark, parse_colour

WHITE = (255, 255, 255)

BEFORE = {
    "#eb6e00": "#ff7f0e",
    "#14a1b0": "#17becf",
    "#4496e7": "#4c9be8",
    "#539e98": "#76b7b2",
    "#e0760e": "#f28e2b",
    "#b18e11": "#edc948",
    "#4292c6": "#9ecae1",
}
"""Each colour darkened for white paper and the one it was (2.53, 2.26, 2.93, 2.29, 2.42,
1.61 and 1.75:1 on white)."""


def _on_white(colour: str) -> float:
    parsed = parse_colour(colour)
    assert parsed is not None, colour
    return contrast(parsed, WHITE)


def _hue(colour: str) -> float:
    parsed = parse_colour(colour)
    assert parsed is not None, colour
    return colorsys.rgb_to_hls(*(c / 255 for c in parsed[:3]))[0] * 360


def _marks() -> dict[str, str]:
    return (
        {f"alternative {i}": c for i, c in enumerate(ALTERNATIVE_COLOURS)}
        | {f"component {k}": c for k, c in COMPONENT_COLOURS.items()}
        | {
            "baseline": BASELINE_COLOUR,
            "low end": LOW_END_COLOUR,
            "high end": HIGH_END_COLOUR,
            "band": BAND_COLOUR,
            "zero": ZERO_COLOUR,
            "today": TODAY_COLOUR,
            "portfolio saves": SAVES_COLOUR,
            "portfolio fleet": FLEET_COLOUR,
            "portfolio net": NET_COLOUR,
        }
    )


def test_every_colour_that_marks_stands_out_from_white_by_3_to_1() -> None:
    """The orange escalation bars were 2.42:1 on white, the low-end drivers' bars 1.75:1,
    'today' 2.85:1, the fifth and sixth alternatives 2.53 and 2.26:1: each line, marker
    and bar colour of the reports is 3:1 or more now."""
    below = {name: round(_on_white(c), 2) for name, c in _marks().items() if _on_white(c) < 3}
    assert below == {}


def test_a_label_in_an_alternatives_colour_reads_at_4_5_to_1_in_the_same_hue() -> None:
    """The first alternative's break-even label was red at 3.68:1 on its white box: a label
    is written in its colour's text form, 4.5:1 or more, the same hue within 2 degrees."""
    for colour in [*ALTERNATIVE_COLOURS, BASELINE_COLOUR]:
        text = text_colour(colour)
        assert _on_white(text) >= 4.5, (colour, text, round(_on_white(text), 2))
        assert abs(_hue(text) - _hue(colour)) < 2, (colour, text)
    assert set(TEXT_COLOURS) <= set(ALTERNATIVE_COLOURS)  # each for a colour in use


def test_the_palette_keeps_its_hues_and_each_alternative_its_own() -> None:
    """A colour darkened for white paper keeps its hue within 4 degrees (orange stays
    orange), and the seven alternatives stay seven colours apart by at least 10 degrees
    of hue or 20% of lightness."""
    for new, old in BEFORE.items():
        assert abs(_hue(new) - _hue(old)) < 4, (new, old)
    for i, one in enumerate(ALTERNATIVE_COLOURS):
        for other in ALTERNATIVE_COLOURS[i + 1 :]:
            hue = abs(_hue(one) - _hue(other))
            light = abs(_on_white(one) - _on_white(other)) / max(_on_white(one), _on_white(other))
            assert min(hue, 360 - hue) >= 10 or light >= 0.2, (one, other)


def test_the_dark_page_keeps_the_colours_it_had() -> None:
    """The page's dark theme draws a colour darkened for white paper as it drew the one
    before (6.2 to 11.2:1 on its dark background, not 5.3 to 5.8:1), and a label's text
    form as its mark's colour, as before."""
    for new, old in BEFORE.items():
        assert on_dark(new) == on_dark(old), (new, old)
        assert on_dark(new, 4.5) == on_dark(old, 4.5), (new, old)
    for mark, text in TEXT_COLOURS.items():
        assert on_dark(text, 4.5) == on_dark(BEFORE.get(mark, mark), 4.5), (mark, text)


def test_the_html_reports_small_print_reads_at_4_5_to_1() -> None:
    """A table's caption and the report's last line were #777, 4.48:1 on white."""
    small = CSS.split("\n.small {")[1].split("}")[0]
    colour = small.split("color:")[1].split(";")[0].strip()
    assert _on_white(colour) >= 4.5, colour


# ---------------------------------------------------------------- the Markdown report's PNGs


def _rgb(colour: Any, under: tuple[float, ...] = WHITE) -> tuple[float, ...]:
    from matplotlib.colors import to_rgba

    r, g, b, a = to_rgba(colour)
    return tuple(255 * c * a + u * (1 - a) for c, u in zip((r, g, b), under, strict=True))


def _png_below(chart: ch.Chart) -> list[tuple[str, str, float]]:
    """Each text, line, marker and bar of ``chart``'s PNG that does not stand out from
    the white paper (a text from its box, where it has one)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text

    fig = draw(chart)
    below = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        box = text.get_bbox_patch()
        under = _rgb(box.get_facecolor()) if box is not None else WHITE
        ratio = contrast(_rgb(text.get_color(), under), under)
        if ratio < 4.5:
            below.append((text.get_text()[:40], str(text.get_color()), round(ratio, 2)))
    for ax in fig.axes:
        for line in ax.lines:
            if len(line.get_xdata()) and line.get_visible():
                ratio = contrast(_rgb(line.get_color()), WHITE)
                if ratio < 3:
                    below.append((line.get_label(), str(line.get_color()), round(ratio, 2)))
        for bar in ax.patches:
            if isinstance(bar, Rectangle) and bar.get_height() and bar.get_width():
                ratio = contrast(_rgb(bar.get_facecolor()), WHITE)
                if ratio < 3:
                    below.append((bar.get_label(), str(bar.get_facecolor()), round(ratio, 2)))
    assert fig.findobj(Line2D)
    from matplotlib import pyplot

    pyplot.close(fig)
    return below


@pytest.mark.slow
@pytest.mark.parametrize(("name", "samples"), [("quarter-200k", None), ("growth", 300)])
def test_every_text_and_mark_of_the_markdown_reports_charts_stands_out(
    name: str, samples: int | None
) -> None:
    """The PNGs beside the Markdown report drew the red break-even label at 3.68:1 on its
    white box, 'today' at 2.85:1, the orange escalation bars at 2.42:1, the low-end
    drivers' bars at 1.75:1: each text now reads at 4.5:1, each mark at 3:1 (growth: three
    alternatives, sampled: the fan and the histogram too)."""
    analysis = analyze(load_scenario(EXAMPLES / f"{name}.toml"), samples=samples)
    below = {c.key: found for c in ch.all_charts(analysis) if (found := _png_below(c))}
    assert below == {}


# ---------------------------------------------------------------- the HTML reports, in Chromium


def _html_below(page_file: Path) -> dict[int, list[tuple[str, str, str, float]]]:
    out = {}
    for width, page in pages_at(page_file, (1400, 420)):
        page.wait_for_selector(".chart .main-svg")
        page.wait_for_timeout(300)
        items = page.evaluate(COLOURS, {"root": "body", "charts": ".chart"})
        assert sum(i["kind"] == "chart text" for i in items) >= 20, width
        assert sum(i["kind"] in ("chart bar", "chart line") for i in items) >= 5
        out[width] = sorted(set(below_contrast(items)))
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "samples"), [("quarter-200k", None), ("growth", 300), ("portfolio", None)]
)
def test_every_text_and_mark_of_the_html_report_stands_out(
    tmp_path: Path, name: str, samples: int | None
) -> None:
    """In the HTML report on white the red break-even and crossing labels were 3.68:1 on
    their white boxes, 'today' 2.85:1, the orange escalation bars 2.42:1, the low-end
    drivers' bars 1.75:1, the small print 4.48:1. At 1,400 and 420 px every text of the
    report (its tables, notes, the charts' words) reads at 4.5:1 and every line, marker,
    bar and rule at 3:1: a scenario's, one with three alternatives sampled, a portfolio's."""
    scenario = load_scenario(EXAMPLES / f"{name}.toml")
    page_file = tmp_path / "report.html"
    if name == "portfolio":
        page_file.write_text(portfolio_html(analyze_portfolio(scenario)))
    else:
        page_file.write_text(render_html(analyze(scenario, samples=samples)))
    assert _html_below(page_file) == {1400: [], 420: []}
