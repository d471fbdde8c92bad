"""The page's drivers chart in the answer's narrow column: each input's name above its bar,
drawn by the report's own function (``payback.report.tornado.names_above``), which the
page once repeated line for line."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import EXAMPLES
from payback import analyze, load_scenario
from payback.report import charts as ch
from payback.report import tornado
from payback.report.html import figure
from payback.web import look


def _drivers() -> tuple[Any, ch.Chart]:
    """growth's first alternative: ten inputs."""
    chart = ch.drivers(analyze(load_scenario(EXAMPLES / "growth.toml")), 0)
    assert chart is not None
    return figure(chart), chart


def test_the_page_puts_the_names_above_the_bars_with_the_reports_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[int, float, dict[str, Any]]] = []

    def seen(fig: Any, texts: list[str], row_px: float, **kwargs: Any) -> None:
        calls.append((len(texts), row_px, kwargs))
        tornado.names_above(fig, texts, row_px, **kwargs)

    monkeypatch.setattr(look, "names_above", seen)
    fig, chart = _drivers()
    look.fit_to_column(fig, chart)
    assert calls == [
        (10, 78, {"bar": 0.34, "yshift": 15, "shade": 0.8, "top_px": 64, "below_px": 100})
    ]


def test_the_pages_drivers_chart_is_as_it_was() -> None:
    """Ten names, each an annotation over its bar (15 px up, on a white box 80% opaque),
    the axis' names hidden, bars 0.34 of a 78 px row, the plot 78 × 10.6 = 827 px tall
    under 64 px for the central NPV's label, the legend 62 px under the plot."""
    fig, chart = _drivers()
    rows = list(fig.data[0].y)
    look.fit_to_column(fig, chart)
    names = [a for a in fig.layout.annotations if a.xref == "paper" and a.x == 0]
    assert [a.text for a in names] == rows
    assert {(a.yshift, a.bgcolor, a.yanchor) for a in names} == {
        (15, "rgba(255,255,255,0.8)", "bottom")
    }
    assert fig.layout.yaxis.showticklabels is False
    assert fig.layout.yaxis.range == (9.5, -1.1)
    assert {t.width for t in fig.data} == {0.34}
    assert (fig.layout.height, fig.layout.margin.t, fig.layout.margin.b) == (991, 64, 100)
    assert fig.layout.legend.y == pytest.approx(-62 / 827)
    assert fig.layout.xaxis.nticks == 5
