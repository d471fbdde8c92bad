"""Bar charts by category (one-time cost by item, what each workload brings) drawn for a
narrow page: on a phone plotly turned the names under the bars 30 degrees and cut them at
the margin ("data (collect, la…"), and the axis title fell over the legend. Here the names
are level, on lines of a few words, the money ticks short, and the legend sits at the foot
of the chart under the axis title, the margin sized to hold them all."""

from __future__ import annotations

import html
import textwrap
from typing import TYPE_CHECKING, Any

from payback.report import tornado

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from payback.report import charts as ch

NAME_CHARS = 9
"""The longest line of a category's name under its bar (a longer word whole: "engineering")."""
WIDE_FROM = 700
"""The page width (px) from which the report draws the chart as it is wide."""
LINE_PX = 14  # a line of a tick label (11 px type)
LEGEND_PX = 21  # a legend entry's line


def is_categories(chart: ch.Chart) -> bool:
    """A chart of bars by category: one-time cost by item, what each workload brings."""
    return chart.key.split("-")[0] == "one"


def name_lines(name: str) -> str:
    """A category's name (as :func:`payback.report.html.literal` wrote it) on lines of at
    most :data:`NAME_CHARS` characters as read, broken at spaces (a longer word whole).

    >>> name_lines("data (collect, label, clean)")
    'data<br>(collect,<br>label,<br>clean)'
    >>> name_lines("ticket summaries"), name_lines("engineering time")
    ('ticket<br>summaries', 'engineering<br>time')
    >>> name_lines("SQL helper")
    'SQL<br>helper'
    """
    from payback.report.html import literal

    words = html.unescape(name)
    lines = textwrap.wrap(words, NAME_CHARS, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(literal(line) for line in lines or [words])


def narrow_categories(fig: go.Figure, chart: ch.Chart) -> None:
    """``fig``, a chart of bars by category as :func:`payback.report.html.figure` drew it,
    made to fit a narrow page: the names level on lines, short money ticks, the legend at
    the foot under the axis title, the bottom margin holding the names' lines, the title
    and the legend's lines."""
    names = [str(n) for n in fig.data[0].x] if fig.data else []
    wrapped = [name_lines(n) for n in names]
    lines = max((w.count("<br>") + 1 for w in wrapped), default=1)
    size = 11 if len(names) <= 4 else 10  # five workloads share a phone's 250 px
    fig.update_xaxes(
        tickmode="array", tickvals=names, ticktext=wrapped, tickangle=0, tickfont_size=size
    )
    values = [0.0, *(float(y) for s in chart.series for y in s.y)]
    tickvals, ticktext = tornado.money_ticks(min(values), max(values))
    fig.update_yaxes(tickvals=tickvals, ticktext=ticktext, tickformat=None)
    entries = sum(str(t.name).count("<br>") + 1 for t in fig.data if t.showlegend is not False)
    below = LINE_PX * lines + 8 + 24  # the names, then the axis title
    bottom = below + LEGEND_PX * entries + 12
    plot = 300
    fig.update_layout(
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        margin={"l": 58, "r": 8, "b": bottom},
        height=plot + 40 + bottom,
    )


def narrow_script(fig: go.Figure, chart: ch.Chart, config: dict[str, Any]) -> str:
    """The script that draws ``fig`` narrow (:func:`narrow_categories`) while the page is
    under :data:`WIDE_FROM` px wide, as the drivers chart's does."""
    import plotly.graph_objects as go

    narrow = go.Figure(fig)
    narrow_categories(narrow, chart)
    figure: dict[str, Any] = narrow.to_plotly_json()
    figure["layout"].pop("template", None)
    return tornado.fit_script(WIDE_FROM, figure, config)
