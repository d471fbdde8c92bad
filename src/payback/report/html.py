"""The HTML report: one self-contained file (plotly.js inlined, no network requests)."""

from __future__ import annotations

import datetime as dt
import html
import math
import textwrap
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import payback
from payback.analysis.result import Analysis, months_text
from payback.figures import share_text
from payback.report import categories, tornado
from payback.report import charts as ch
from payback.report.axes import money_axis, say_missing, share_format_stops
from payback.report.common import (
    MARKER,
    ZERO_COLOUR,
    Table,
    headline,
    inputs_table,
    per_1k_ticks,
    summary_table,
)
from payback.report.controls import clean, clean_all
from payback.report.explain import explain, heading
from payback.report.palette import TODAY_COLOUR, rgba, text_colour
from payback.report.per_1k import per_1k_hover
from payback.report.stacked import STACKED_CSS, WIDE_CSS, column_names_css, stacked_table

if TYPE_CHECKING:
    import plotly.graph_objects as go

# plotly takes a few tenths of a second to import: each function that draws imports it

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

CSS = (
    """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; margin: 0 auto; max-width: 1100px; padding: 24px; color: #1b1b1b; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
h3.chart-title { font-size: 1.02em; margin: 1.6em 0 0; }
p.lede { color: #444; margin-top: 0; }
p.verdict { font-size: 1.1em; background: #f3f6fa; border-left: 4px solid #1f4e79; padding: 10px 14px; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
WIDE_CSS
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 10px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th.num { white-space: normal; }
@media (max-width: 600px) { th, td { padding: 4px 6px; } }
td.small { color: #666; font-size: 0.85em; max-width: 22em; overflow-wrap: anywhere; }
.note { color: #555; font-size: 0.9em; margin: 0.2em 0 2em; }
ul.cautions li { overflow-wrap: anywhere; }
.chart { margin: 0.2em 0 0.5em; }
.small { color: #707070; font-size: 0.85em; }
section.explain p { max-width: 60em; line-height: 1.45; }
""".replace("\nWIDE_CSS\n", f"\n{WIDE_CSS}\n")
    + STACKED_CSS
)


def _layout(chart: ch.Chart, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": chart.title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "xaxis": {"title": {"text": chart.x_label}, "zeroline": False},
        "yaxis": {"title": {"text": chart.y_label}},
        "font": {"family": FONT, "size": 12},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        "margin": {"l": 80, "r": 20, "t": 50, "b": 110},
        "height": 460,
        "hovermode": "x unified",
    }
    if "USD" in chart.y_label:
        layout["yaxis"].update(money_axis(chart))  # cents under a dollar, $1.2T, not 16 digits
    layout.update(extra)
    return layout


def _line(series: ch.Series, **kwargs: Any) -> go.Scatter:
    import plotly.graph_objects as go

    style = {"color": series.color} if series.color else {}
    return go.Scatter(
        x=series.x,
        y=series.y,
        mode="lines",
        **({"name": series.name, "line": style} | kwargs),
    )


def _break_even_labels(fig: go.Figure, chart: ch.Chart) -> None:
    """Each break-even: a diamond in the alternative's colour, and its
    label where the chart data places it, with a thin line to the diamond."""
    import plotly.graph_objects as go

    horizon = chart.series[0].x[-1]
    low, high = ch.value_range(chart)
    for m in chart.markers:
        fig.add_trace(
            go.Scatter(
                x=[m["x"]],
                y=[m["y"]],
                mode="markers",
                marker={
                    "size": 11,
                    "symbol": "diamond",
                    "color": m.get("color", "#111"),
                    "line": {"color": "#111", "width": 1},
                },
                name=m["text"],
                showlegend=False,
                **_hover(m["text"]),
            )
        )
        fig.add_annotation(
            x=m["x"],
            y=m["y"],
            ax=m["label_x"],
            ay=m["label_y"],
            axref="x",
            ayref="y",
            text=m["label"].replace("\n", "<br>"),
            showarrow=True,
            arrowhead=0,
            arrowcolor="#777",
            xanchor=m["align"],
            align=m["align"],
            yanchor="middle",
            bgcolor="rgba(255,255,255,0.85)",
            font={"color": text_colour(m.get("color", "#111"))},
        )
    fig.update_xaxes(range=[-0.015 * horizon, 1.015 * horizon])  # a marker at 0 shows whole
    fig.update_yaxes(range=[low, high])


def _per_1k(fig: go.Figure, chart: ch.Chart) -> None:
    import plotly.graph_objects as go

    for s in chart.series:
        fig.add_trace(
            _line(
                s,
                line_shape="hv",
                line={"color": s.color},
                **per_1k_hover(s.x, s.y),  # as the tables write them: $0.0035, not "$0.004"
            )
        )
    crossings = [m for m in chart.markers if not ch.is_today(m)]
    for m in crossings:
        fig.add_trace(
            go.Scatter(
                x=[m["x"]],
                y=[m["y"]],
                mode="markers",
                marker={"size": 10, "color": m.get("color", "#111"), "symbol": "x"},
                name=m["text"],
                # named on the chart and in the note: its legend entry ('… cheaper per request
                # than the baseline from about 991k requests/month') ran past a phone's chart
                showlegend=False,
                **_hover(m["text"]),
            )
        )
        # log axes place annotations at log10 of the value, the label where the chart
        # data placed it, off the lines
        fig.add_annotation(
            x=math.log10(m["x"]),
            y=math.log10(m["y"]),
            ax=math.log10(m["label_x"]),
            ay=math.log10(m["label_y"]),
            axref="x",
            ayref="y",
            text=m["label"].replace("\n", "<br>"),
            showarrow=True,
            arrowhead=0,
            arrowcolor="#555",
            xanchor=m["align"],
            yanchor="middle",
            bgcolor="rgba(255,255,255,0.85)",
            font={"color": text_colour(m.get("color", "#111"))},
        )
    for m in chart.markers:
        if ch.is_today(m):
            fig.add_vline(x=m["x"], line={"color": TODAY_COLOUR, "dash": "dash"})
            fig.add_annotation(
                x=math.log10(m["x"]),
                y=1,
                xref="x",
                yref="paper",
                text="today",
                showarrow=False,
                xanchor="left",
                yanchor="top",
                xshift=4,
                font={"color": "#555"},
            )
    _per_1k_axes(fig, chart)


def _per_1k_axes(fig: go.Figure, chart: ch.Chart) -> None:
    """The per-1k chart's log axes, their labels stood off them (x 10 px, y 6 px): the first
    count ("10k") and the lowest price ("$2") overlapped in the corner, 5 px apart now."""
    (x_low, x_high), (y_low, y_high) = ch.per_1k_ranges(chart)
    x_ticks, y_ticks = ch.log_ticks(x_low, x_high), ch.log_ticks(y_low, y_high)
    fig.update_layout(
        _layout(
            chart,
            hovermode="closest",
            xaxis={
                "title": {"text": chart.x_label},
                "type": "log",
                "tickvals": x_ticks,
                "ticktext": ch.count_ticks(x_ticks),
                "range": [math.log10(x_low), math.log10(x_high)],
                "ticklabelstandoff": 10,
            },
        )
    )
    fig.update_yaxes(
        type="log",
        tickvals=y_ticks,
        ticktext=per_1k_ticks(y_ticks),
        range=[math.log10(y_low), math.log10(y_high)],  # the range the labels were placed in
        ticklabelstandoff=6,
    )


def _cumulative(fig: go.Figure, chart: ch.Chart) -> None:
    for s in chart.series:
        fig.add_trace(_line(s, hovertemplate="month %{x}: %{y}<extra>%{fullData.name}</extra>"))
    _break_even_labels(fig, chart)
    fig.update_layout(
        _layout(chart, xaxis={"title": {"text": "month"}, "dtick": ch.month_step(chart)})
    )


def _components(fig: go.Figure, chart: ch.Chart) -> None:
    import plotly.graph_objects as go

    *parts, baseline = chart.series
    for s in parts:
        fig.add_trace(
            go.Bar(
                x=s.x,
                y=s.y,
                name=s.name,
                marker_color=s.color,
                hovertemplate="%{y}",
            )
        )
    x, y = ch.drawn_line(baseline)  # one month: a segment across its bar, not one point
    fig.add_trace(
        _line(
            ch.Series(baseline.name, x, y, baseline.color),
            line={"color": baseline.color or "#111", "width": 2, "dash": "dot"},
            hovertemplate="%{y}",
        )
    )
    # a bar a month, past ten years, is a hairline with a gap beside it: the bars touch
    gap = {"bargap": 0} if len(chart.series[0].x) > TOUCHING_BARS else {}
    fig.update_layout(
        _layout(
            chart,
            barmode="stack",
            xaxis={"title": {"text": "month"}, "dtick": ch.month_step(chart)},
            **gap,
        )
    )
    if gap:
        fig.update_traces(marker_line_width=0, selector={"type": "bar"})


def _one_time(fig: go.Figure, chart: ch.Chart) -> None:
    import plotly.graph_objects as go

    labels = chart.markers[0]["labels"]
    for s in chart.series:
        fig.add_trace(
            go.Bar(
                x=labels,
                y=s.y,
                name=s.name,
                marker_color=s.color,
                hovertemplate="%{x}: %{y}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(_layout(chart, barmode="group", hovermode="closest"))
    if not any(y for s in chart.series for y in s.y):
        fig.update_yaxes(range=[0, 1000])  # all $0: an axis from $0, not −$1 to $1


def _fan(fig: go.Figure, chart: ch.Chart) -> None:
    import plotly.graph_objects as go

    p10, p50, p90 = (s for s in chart.series)
    colour = p50.color or "#1f4e79"
    fig.add_trace(
        go.Scatter(
            x=p90.x,
            y=p90.y,
            name="p90",
            mode="lines",
            line={"width": 0, "color": colour},
            showlegend=False,
            hovertemplate="p90 %{y}",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=p10.x,
            y=p10.y,
            name="p10 to p90",
            mode="lines",
            line={"width": 0, "color": colour},
            fill="tonexty",
            fillcolor=rgba(colour, 0.22),
            hovertemplate="p10 %{y}",
        )
    )
    fig.add_trace(
        _line(
            p50,
            name="median (p50)",
            line={"color": colour, "width": 2},
            hovertemplate="p50 %{y}",
        )
    )
    # the zero line in the legend, not a label on the chart that the median would cross
    fig.add_trace(
        go.Scatter(
            x=[p50.x[0], p50.x[-1]],
            y=[0, 0],
            mode="lines",
            name="zero: paid back above this line",
            line={"color": ZERO_COLOUR, "dash": "dash", "width": 1},
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        _layout(chart, xaxis={"title": {"text": "month"}, "dtick": ch.month_step(chart)})
    )


def _histogram(fig: go.Figure, chart: ch.Chart) -> None:
    import plotly.graph_objects as go

    (s,) = chart.series
    fig.add_trace(
        go.Bar(
            x=s.x,
            y=s.y,
            name="paid back in that month",
            width=0.9,
            marker_color=s.color,
            hovertemplate="month %{x:.0f}: %{y:.1%}<extra></extra>",
        )
    )
    never = chart.markers[0]["never"]
    fig.update_layout(
        _layout(
            chart,
            hovermode="closest",
            xaxis={"title": {"text": "break-even month"}, "dtick": ch.month_step(chart)},
        )
    )
    fig.update_yaxes(tickformat=".0%", tickformatstops=share_format_stops())  # 0.4%, not 0%
    fig.add_annotation(
        text=f"never within the horizon: {share_text(never)}",
        xref="paper",
        yref="paper",
        x=1,
        y=1.02,
        showarrow=False,
        xanchor="right",
    )


_DRAW: dict[str, Callable[[go.Figure, ch.Chart], None]] = {
    "cumulative": _cumulative,
    "components": _components,
    "one": _one_time,
    "per": _per_1k,
    "fan": _fan,
    "histogram": _histogram,
    "tornado": tornado.draw,
}
"""How each kind of chart (the first word of its key) is drawn."""


@cache
def _template() -> dict[str, Any]:
    """plotly's "plotly_white" for the traces these charts draw (scatter and bar): the
    whole template, with its defaults for thirty other kinds of trace, took half the time
    of building each figure (plotly checks and copies it property by property)."""
    import plotly.io as pio

    whole = pio.templates["plotly_white"].to_plotly_json()
    return {"layout": whole["layout"], "data": {k: whole["data"][k] for k in ("scatter", "bar")}}


def _escape(text: str, quote: bool = True) -> str:
    """``text`` as HTML, without control characters (as the terminal shows it)."""
    return html.escape(clean(text), quote)


def literal(text: str) -> str:
    """``text`` as plotly shows it as written: plotly draws the HTML it finds in a trace's
    name, a label, a tick or a hover (``<b>``, ``<br>``, ``<a href=…>``, ``<span
    style=…>``), so ``&``, ``<`` and ``>`` go in as entities (quotes as they are: plotly
    reads no ``&quot;``); without control characters.

    >>> literal('A<b>B & "C"</b>')
    'A&lt;b&gt;B &amp; "C"&lt;/b&gt;'
    """
    return _escape(text, quote=False)


def _hover(text: str) -> dict[str, Any]:
    """A marker's hover: ``text`` as data, not in the template, where a ``%{x}`` in a
    name would be filled in."""
    return {"customdata": [text], "hovertemplate": "%{customdata}<extra></extra>"}


def figure(chart: ch.Chart) -> go.Figure:
    """The plotly figure for a chart: each of its words as written (:func:`literal`: a
    name with ``<b>`` in it reads ``<b>``), without control characters."""
    import plotly.graph_objects as go

    chart = clean_all(chart, literal)
    # the template given at the start, not after plotly's default: each is copied whole
    fig = go.Figure(layout={"template": _template()})
    if chart.missing:  # nothing to draw: why, where the plot would be
        fig.update_layout(_layout(chart))
        say_missing(fig, chart.missing)
        return fig
    draw = _DRAW.get(chart.key.split("-")[0])
    if draw is not None:
        draw(fig, chart)
    return fig


TOUCHING_BARS = 120
"""Past ten years of months the bars touch: with plotly's gap beside each, hairlines."""


def _link(text: str) -> str:
    """A reference cell: its URL (the first word when it is one) as a link."""
    escaped = _escape(text)
    first = text.split(" ")[0].rstrip(";,")
    if first.startswith(("http://", "https://")):
        return escaped.replace(
            _escape(first),
            f'<a href="{_escape(first, quote=True)}">{_escape(first)}</a>',
            1,
        )
    return escaped


def _table(table: Table, code: int | None = None, small: str | None = None) -> str:
    """A shared table as HTML, its caption above it: column ``code`` in <code>, the column
    named ``small`` smaller, with links."""
    small_at = table.header.index(small) if small in table.header else None

    def cell(i: int, text: str) -> str:
        if i == code:
            # a field's path may break after each dot: on a phone the values beside it fit
            return f"<td><code>{_escape(text).replace('.', '.<wbr>')}</code></td>"
        if i == small_at:
            return f'<td class="small">{_link(text)}</td>'
        return f'<td class="{"num" if i in table.numeric else ""}">{_escape(text)}</td>'

    head = "".join(
        f'<th class="{"num" if i in table.numeric else ""}">{_escape(h)}</th>'
        for i, h in enumerate(table.header)
    )
    body = "".join(
        "<tr>" + "".join(cell(i, text) for i, text in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    caption = f'<p class="small">{_escape(table.caption)}</p>' if table.caption else ""
    rows = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'{caption}<div class="wide">{rows}</div>'  # a wide table scrolls in its box


LEGEND_LINE = 38
"""The most characters on a line of a legend entry: 12-pixel text beside its symbol on a
phone's chart (312 px wide on a 360 px page)."""


def legend_lines(name: str) -> str:
    """A legend entry (as :func:`literal` wrote it) on lines (plotly's ``<br>``) of
    :data:`LEGEND_LINE` characters at most, as read, broken at spaces (a longer word is
    cut, never inside an entity).

    >>> legend_lines("fine-tuned Llama 3.1 8B on rented H200s (calibrated)")
    'fine-tuned Llama 3.1 8B on rented<br>H200s (calibrated)'
    >>> legend_lines("&lt;b&gt;" * 6)
    '&lt;b&gt;&lt;b&gt;&lt;b&gt;&lt;b&gt;&lt;b&gt;&lt;b&gt;'
    """
    lines = textwrap.wrap(html.unescape(name), LEGEND_LINE, break_on_hyphens=False)
    return "<br>".join(literal(line) for line in lines)


def _narrow_script(fig: go.Figure, chart: ch.Chart, config: dict[str, Any]) -> str | None:
    """For the drivers chart and the bars by category, the script that draws it for a
    narrow page there (:mod:`payback.report.tornado`, :mod:`payback.report.categories`);
    None for the others."""
    if categories.is_categories(chart):
        return categories.narrow_script(fig, chart, config)
    if not chart.key.startswith("tornado"):
        return None
    narrow = tornado.narrow(fig, clean_all(chart, literal))
    return tornado.fit_script(tornado.narrow_below(chart), narrow, config)


def chart_sections(charts: list[ch.Chart], keyed_ids: bool = False) -> list[str]:
    """Each chart for a report page: its title as a heading above it (it wraps, where
    plotly would cut it), the interactive chart (plotly's script inlined once: one offline
    file) and its note under it. For a scenario's report and a portfolio's; ``keyed_ids``:
    each plot's id from its chart's key, so that the same analysis gives the same page
    (plotly's own are random)."""
    import plotly.io as pio

    out = []
    for k, chart in enumerate(charts):
        fig = figure(chart)
        fig.update_layout(title_text=None, margin={"t": 40})
        # the tornado's 'central NPV $25,395' ending at its line, over the margin above the
        # inputs' names: on a phone the plot beside them is 64 to 83 px wide, and the label
        # centred on the line ran up to 30 px past the chart's right edge
        fig.update_annotations(selector={"name": "central"}, xanchor="right")
        fig.for_each_trace(  # a long legend entry on lines of its own, not cut at the edge
            lambda t: t.update(name=legend_lines(t.name)),
            selector=lambda t: isinstance(t.name, str) and len(html.unescape(t.name)) > LEGEND_LINE,
        )
        config = {"displaylogo": False, "responsive": True}
        div = pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=k == 0,
            div_id=f"plot-{chart.key}" if keyed_ids else None,
            config=config,
            default_width="100%",
            post_script=[s for s in (_narrow_script(fig, chart, config), tornado.FIT_WIDTH) if s],
        )
        note = f'<p class="note">{_escape(chart.note)}</p>' if chart.note else ""
        out.append(
            f'<h3 class="chart-title">{_escape(chart.title)}</h3>'
            f'<div class="chart" id="chart-{chart.key}" data-chart="{chart.key}">{div}</div>{note}'
        )
    return out


def render_html(analysis: Analysis) -> str:
    """The whole report as one HTML document."""
    sections = chart_sections(ch.all_charts(analysis))
    explanation = "".join(
        f"<h3>{_escape(heading(title))}</h3>" + "".join(f"<p>{_escape(p)}</p>" for p in paragraphs)
        for title, paragraphs in explain(analysis)
    )
    cautions = (
        '<h2>Cautions</h2><ul class="cautions">'
        + "".join(f"<li>{_escape(w)}</li>" for w in analysis.resolved.warnings)
        + "</ul>"
        if analysis.resolved.warnings
        else ""
    )
    info, summary = analysis.scenario.scenario, summary_table(analysis)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="payback {payback.__version__}">
<!-- {MARKER} -->
<title>{_escape(info.name)}: payback report</title>
<style>{CSS}{column_names_css(summary)}</style>
</head>
<body>
<h1>{_escape(info.name)}</h1>
<p class="lede">{months_text(analysis.horizon_months)} from {(info.start_date or dt.date.today()).isoformat()}; baseline: {_escape(analysis.baseline.name)}.</p>
<p class="verdict">{_escape(headline(analysis))}</p>
{stacked_table(summary)}
{cautions}
<h2>Charts</h2>
{"".join(sections)}
<h2>What it means</h2>
<section class="explain">{explanation}</section>
<h2>Inputs and where they come from</h2>
{_table(inputs_table(analysis), code=0, small="reference")}
<p class="small">Generated by payback {payback.__version__} on {dt.date.today().isoformat()}.</p>
</body>
</html>
"""
