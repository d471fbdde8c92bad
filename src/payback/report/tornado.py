"""The HTML report's drivers chart (the tornado): the inputs' names beside their bars on a
wide page, above them on a narrow one (a phone), where beside them they ran past the
chart's left edge (360 px) or left the bars a plot 80 px wide whose money ticks ran into
each other (420 px). plotly lays a figure out once, so the page swaps the two with a few
lines of script (:func:`fit_script`) as its width crosses :func:`narrow_below`."""

from __future__ import annotations

import html
import json
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from payback.money import fine_usd
from payback.report import charts as ch
from payback.report.axes import TICK_CHAR_PX, money_axis_of, money_hover
from payback.report.axes import money_ticks as money_ticks

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["draw", "fit_script", "money_ticks", "names_above", "narrow", "narrow_below"]

CHAR_PX = TICK_CHAR_PX
"""A name's 12-pixel character, wide (Chromium draws the report's font at 6.0 to 6.7 px)."""
PLOT_PX = 340
"""The least width of the plot beside the names: its money ticks ('−$20,000') apart."""
NAME_LINE = 40
"""The most characters on a line of a name above its bar: 264 px of 12-pixel text, inside
the chart on a page 360 px wide (312 px, the page's padding taken)."""
RANGE_LINE = 46
"""The same for the range under it, in 11-pixel text."""
LINE_PX = 16
"""A line of a name or a range above its bar (12- and 11-pixel text, plotly's 1.3 em)."""
BAR_PX = 22
"""A bar's thickness on a narrow page."""


def draw(fig: go.Figure, chart: ch.Chart) -> None:
    """The wide drawing: each input's name and range beside its bars, the bars from the
    central NPV to the NPV at the input's low and high end."""
    import plotly.graph_objects as go

    from payback.report.html import _layout

    marker = chart.markers[0]
    center = marker["center"]
    labels = _labels(marker)
    # as every money axis of the report: from a million, $4.0B as the narrow drawing has it
    values = [*(y for s in chart.series for y in s.y), center]
    money = money_hover(values)  # the places the NPVs need: $2.38, not "$2"
    for s in chart.series:
        fig.add_trace(
            go.Bar(
                y=labels,
                x=[v - center for v in s.y],
                base=center,
                orientation="h",
                name=s.name,
                marker_color=s.color,
                customdata=s.y,
                hovertemplate=f"NPV %{{customdata:{money}}}<extra>%{{fullData.name}}</extra>",
            )
        )
    fig.add_vline(x=center, line={"color": "#111"})
    fig.add_annotation(  # above the plot, on the roomier side of the line
        name="central",
        text=f"central NPV {fine_usd(center)}",
        x=center,
        xref="x",
        y=1,
        yref="paper",
        xanchor="right" if marker["center_side"] == "left" else "left",
        yanchor="bottom",
        showarrow=False,
    )
    fig.update_layout(
        _layout(
            chart,
            barmode="overlay",
            hovermode="closest",
            height=max(320, 80 + 46 * len(labels)),
            xaxis={"title": {"text": chart.x_label}, **money_axis_of(values)},
            yaxis={"autorange": "reversed", "automargin": True},
            margin={"l": 20, "r": 20, "t": 60, "b": 80},
        )
    )


def _labels(marker: dict[str, Any], width: int | None = None) -> list[str]:
    """Each input's name, its range under it (smaller, grey); on lines of ``width``
    characters where given (names and ranges as the figure holds them, in entities)."""

    def lines(text: str, most: int | None) -> str:
        if most is None:
            return text
        wrapped = textwrap.wrap(html.unescape(text), most, break_on_hyphens=False)
        return "<br>".join(html.escape(line, quote=False) for line in wrapped)

    return [
        f"{lines(name, width)}<br><span style='font-size:11px;color:#666'>"
        f"{lines(span, width and RANGE_LINE)}</span>"
        for name, span in zip(marker["labels"], marker["ranges"], strict=True)
    ]


def narrow_below(chart: ch.Chart) -> int:
    """The page width under which the names go above the bars: where beside them they
    leave the plot under :data:`PLOT_PX` (their longest line, the margins, the page's
    padding).

    >>> narrow_below(
    ...     ch.Chart("tornado-0", "", "", "", [], [{"labels": ["x" * 41], "ranges": ["y"]}])
    ... )
    719
    """
    marker = chart.markers[0]
    longest = max(len(html.unescape(t)) for t in [*marker["labels"], *marker["ranges"]])
    return round(longest * CHAR_PX + PLOT_PX + 40 + 48 + 20)


def narrow(fig: go.Figure, chart: ch.Chart) -> dict[str, Any]:
    """The narrow drawing of ``fig`` (as :func:`draw` made it for ``chart``, whose words
    are in entities) as plotly's JSON, its template left out (the page's is kept): each
    input's name and range on lines above its bar, the bars the chart's whole width,
    short money ticks."""
    import plotly.graph_objects as go

    out = go.Figure(fig)
    marker = chart.markers[0]
    texts = _labels(marker, NAME_LINE)
    lines = max(t.count("<br>") + 1 for t in texts)
    # a row: half a bar, the label's lines over it (and its box), a gap, half the bar above
    row = max(64, LINE_PX * lines + 4 + 14 + 6 + BAR_PX // 2)
    names_above(out, texts, row, bar=BAR_PX / row)
    # the plot spans the chart: the central NPV's label on the roomier side of its line
    side = "right" if marker["center_side"] == "left" else "left"
    out.update_annotations(selector={"name": "central"}, xanchor=side)
    values = [*(y for s in chart.series for y in s.y), marker["center"]]
    tickvals, ticktext = money_ticks(min(values), max(values))  # short: $25k, $0.0002
    out.update_xaxes(tickvals=tickvals, ticktext=ticktext, tickformat=None, tickangle=0)
    figure: dict[str, Any] = out.to_plotly_json()
    figure["layout"].pop("template", None)
    return figure


def names_above(
    fig: go.Figure,
    texts: Sequence[str],
    row_px: float,
    *,
    bar: float,
    yshift: int = 14,
    shade: float = 0.9,
    top_px: int = 40,
    below_px: int = 110,
) -> None:
    """``fig`` (as :func:`draw` made it) with each input's name and range, ``texts`` (one
    a bar, in entities), on lines above its bar rather than beside it, so the bars get the
    chart's whole width: the axis' own names hidden, a row ``row_px`` tall holding a bar
    ``bar`` of it thick, each name ``yshift`` px over the middle of its bar on a white box
    ``shade`` opaque, the legend just under the axis title, ``top_px`` above the plot and
    ``below_px`` under it. The report's narrow drawing (:func:`narrow`) and the page's
    drivers chart in its answer column both draw their names with this."""
    rows = list(fig.data[0].y) if fig.data else []
    fig.update_traces(width=bar)
    # room above the first bar for its name, under the central NPV's label
    fig.update_yaxes(showticklabels=False, autorange=False, range=[len(rows) - 0.5, -1.1])
    for category, text in zip(rows, texts, strict=True):
        fig.add_annotation(
            x=0,
            xref="paper",
            y=category,
            yref="y",
            text=text,
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            yshift=yshift,
            align="left",
            bgcolor=f"rgba(255,255,255,{shade})",
        )
    plot = round(row_px * (len(rows) + 0.6))
    fig.update_layout(
        height=plot + top_px + below_px,
        margin={"l": 10, "r": 10, "t": top_px, "b": 100},
        legend={"orientation": "h", "y": -62 / plot, "yanchor": "top", "x": 0},
    )


def fit_script(wide_from: int, narrow_figure: dict[str, Any], config: dict[str, Any]) -> str:
    """The script (plotly's ``post_script``, run once the wide chart is drawn) that draws
    ``narrow_figure`` in its place while the page is under ``wide_from`` px wide, and the
    wide one back above."""
    narrow_json = json.dumps(narrow_figure).replace("</", "<\\/")
    return f"""(function () {{
  var div = document.getElementById('{{plot_id}}');
  var copy = function (x) {{ return JSON.parse(JSON.stringify(x)); }};
  var wide = {{data: copy(div.data), layout: copy(div.layout)}};
  var narrow = {narrow_json};
  narrow.layout.template = wide.layout.template;
  var shown = 'wide';
  var fit = function () {{
    var want = window.innerWidth < {wide_from} ? 'narrow' : 'wide';
    if (want === shown) return;
    shown = want;
    var f = copy(want === 'narrow' ? narrow : wide);
    div.parentElement.style.height = f.layout.height + 'px';  // plotly's wrapper: its height
    Plotly.react(div, f.data, f.layout, {json.dumps(config)});
  }};
  fit();
  window.addEventListener('resize', fit);
}})();"""


FIT_WIDTH = """(function () {
  var div = document.getElementById('{plot_id}');
  window.addEventListener('resize', function () {
    var room = div.clientWidth;
    if (div._fullLayout && room && Math.abs(div._fullLayout.width - room) > 1) {
      Plotly.relayout(div, {autosize: true});
    }
  });
})();"""
"""Every chart's ``post_script``: drawn again at its box's width as soon as the page is
resized. Plotly's own ``responsive`` waits 100 ms first, and a page opened wider than it is
shown (headless Chromium lays a 420 px screenshot out at 500 px, then narrows it) was
captured with each chart still 452 px wide, cut at the right edge: months 11 and 12 and the
legend out of sight, the page scrolling sideways."""
