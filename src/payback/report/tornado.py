"""The HTML report's drivers chart (the tornado): the inputs' names beside their bars."""

from __future__ import annotations

import html
import textwrap
from typing import TYPE_CHECKING, Any

from payback.analysis.result import usd
from payback.report import charts as ch

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["draw"]

RANGE_LINE = 46
"""The most characters on a line of an input's range where its lines are counted."""


def draw(fig: go.Figure, chart: ch.Chart) -> None:
    """The wide drawing: each input's name and range beside its bars, the bars from the
    central NPV to the NPV at the input's low and high end."""
    import plotly.graph_objects as go

    from payback.report.html import MONEY, _layout

    marker = chart.markers[0]
    center = marker["center"]
    labels = _labels(marker)
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
                hovertemplate="NPV %{customdata:$,.0f}<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_vline(x=center, line={"color": "#111"})
    fig.add_annotation(  # above the plot, on the roomier side of the line
        name="central",
        text=f"central NPV {usd(center)}",
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
            xaxis={"title": {"text": chart.x_label}, "tickformat": MONEY},
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
