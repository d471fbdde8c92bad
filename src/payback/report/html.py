"""The HTML report: one self-contained file (plotly.js inlined, no network requests)."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

import payback
from payback.analysis import Analysis, usd
from payback.report import charts as ch
from payback.report.explain import explain
from payback.report.markdown import MARKER
from payback.report.text import compact

PALETTE = ["#1f4e79", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; margin: 0 auto; max-width: 1100px; padding: 24px; color: #1b1b1b; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
p.lede { color: #444; margin-top: 0; }
p.verdict { font-size: 1.1em; background: #f3f6fa; border-left: 4px solid #1f4e79; padding: 10px 14px; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 10px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #555; font-size: 0.9em; margin: 0.2em 0 2em; }
.chart { margin: 0.5em 0 1.5em; }
.small { color: #777; font-size: 0.85em; }
section.explain p { max-width: 60em; line-height: 1.45; }
"""


def _layout(chart: ch.Chart, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": chart.title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "xaxis": {"title": {"text": chart.x_label}, "zeroline": False},
        "yaxis": {"title": {"text": chart.y_label}},
        "template": "plotly_white",
        "font": {"family": FONT, "size": 12},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        "margin": {"l": 70, "r": 20, "t": 50, "b": 110},
        "height": 460,
        "colorway": PALETTE,
        "hovermode": "x unified",
    }
    if "USD" in chart.y_label:
        layout["yaxis"].update({"tickprefix": "$", "tickformat": ",.0f"})
    layout.update(extra)
    return layout


def _line(series: ch.Series, **kwargs: Any) -> go.Scatter:
    return go.Scatter(x=series.x, y=series.y, mode="lines", **({"name": series.name} | kwargs))


def figure(chart: ch.Chart) -> go.Figure:
    """The plotly figure for a chart."""
    kind = chart.key.split("-")[0]
    fig = go.Figure()
    if kind == "cumulative":
        for s in chart.series:
            fig.add_trace(
                _line(s, hovertemplate="month %{x}: $%{y:,.0f}<extra>%{fullData.name}</extra>")
            )
        for m in chart.markers:
            fig.add_trace(
                go.Scatter(
                    x=[m["x"]],
                    y=[m["y"]],
                    mode="markers+text",
                    text=[f"break-even, month {m['x']:.1f}"],
                    textposition="top left"
                    if m["x"] > chart.series[0].x[-1] / 3
                    else "bottom right",
                    marker={"size": 11, "symbol": "diamond", "color": "#111"},
                    name=m["text"],
                    showlegend=False,
                    hovertemplate=m["text"] + "<extra></extra>",
                )
            )
        fig.update_layout(
            _layout(chart, xaxis={"title": {"text": "month"}, "dtick": _month_tick(chart)})
        )
    elif kind == "components":
        *parts, baseline = chart.series
        for s in parts:
            fig.add_trace(go.Bar(x=s.x, y=s.y, name=s.name, hovertemplate="$%{y:,.0f}"))
        fig.add_trace(
            _line(
                baseline,
                line={"color": "#111", "width": 2, "dash": "dot"},
                hovertemplate="$%{y:,.0f}",
            )
        )
        fig.update_layout(
            _layout(
                chart,
                barmode="stack",
                xaxis={"title": {"text": "month"}, "dtick": _month_tick(chart)},
            )
        )
    elif kind == "one":
        labels = chart.markers[0]["labels"]
        for s in chart.series:
            fig.add_trace(
                go.Bar(
                    x=labels,
                    y=s.y,
                    name=s.name,
                    hovertemplate="%{x}: $%{y:,.0f}<extra>%{fullData.name}</extra>",
                )
            )
        fig.update_layout(_layout(chart, barmode="group", hovermode="closest"))
    elif kind == "per":
        for s in chart.series:
            fig.add_trace(
                _line(
                    s, line_shape="hv", hovertemplate="%{x:,.0f} requests/month: $%{y:.2f} per 1k"
                )
            )
        for m in chart.markers:
            if m["name"] == "today":
                fig.add_vline(
                    x=m["x"],
                    line={"color": "#999", "dash": "dash"},
                    annotation_text="today",
                    annotation_position="top",
                )
            else:
                fig.add_trace(
                    go.Scatter(
                        x=[m["x"]],
                        y=[m["y"]],
                        mode="markers",
                        marker={"size": 10, "color": "#111", "symbol": "x"},
                        name=m["text"],
                        hovertemplate=m["text"] + "<extra></extra>",
                    )
                )
        xs = chart.series[0].x
        ys = [y for s in chart.series for y in s.y if y > 0]
        x_ticks, y_ticks = ch.log_ticks(min(xs), max(xs)), ch.log_ticks(min(ys), max(ys))
        fig.update_layout(
            _layout(
                chart,
                hovermode="closest",
                xaxis={
                    "title": {"text": chart.x_label},
                    "type": "log",
                    "tickvals": x_ticks,
                    "ticktext": [compact(v) for v in x_ticks],
                },
            )
        )
        fig.update_yaxes(
            type="log",
            tickvals=y_ticks,
            ticktext=[f"${v:,.2f}" if v < 10 else f"${v:,.0f}" for v in y_ticks],
            tickprefix="",
        )
    elif kind == "fan":
        p10, p50, p90 = (s for s in chart.series)
        fig.add_trace(
            go.Scatter(
                x=p90.x,
                y=p90.y,
                name="p90",
                mode="lines",
                line={"width": 0},
                showlegend=False,
                hovertemplate="p90 $%{y:,.0f}",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=p10.x,
                y=p10.y,
                name="p10 to p90",
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor="rgba(31,78,121,0.22)",
                hovertemplate="p10 $%{y:,.0f}",
            )
        )
        fig.add_trace(
            _line(
                p50,
                name="median (p50)",
                line={"color": "#1f4e79", "width": 2},
                hovertemplate="p50 $%{y:,.0f}",
            )
        )
        fig.add_hline(
            y=0,
            line={"color": "#d62728", "dash": "dash"},
            annotation_text="paid back above this line",
        )
        fig.update_layout(
            _layout(chart, xaxis={"title": {"text": "month"}, "dtick": _month_tick(chart)})
        )
    elif kind == "histogram":
        (s,) = chart.series
        fig.add_trace(
            go.Bar(
                x=s.x,
                y=s.y,
                name="paid back in that month",
                width=0.9,
                hovertemplate="month %{x:.0f}: %{y:.1%}<extra></extra>",
            )
        )
        never = chart.markers[0]["never"]
        fig.update_layout(
            _layout(
                chart,
                hovermode="closest",
                xaxis={"title": {"text": "break-even month"}, "dtick": _month_tick(chart)},
            )
        )
        fig.update_yaxes(tickformat=".0%")
        fig.add_annotation(
            text=f"never within the horizon: {never:.0%}",
            xref="paper",
            yref="paper",
            x=1,
            y=1.02,
            showarrow=False,
            xanchor="right",
        )
    elif kind == "tornado":
        labels, center = chart.markers[0]["labels"], chart.markers[0]["center"]
        low, high = chart.series
        for s, color in ((low, "#d62728"), (high, "#2ca02c")):
            fig.add_trace(
                go.Bar(
                    y=labels,
                    x=[v - center for v in s.y],
                    base=center,
                    orientation="h",
                    name=s.name,
                    marker_color=color,
                    customdata=s.y,
                    hovertemplate="NPV $%{customdata:,.0f}<extra>%{fullData.name}</extra>",
                )
            )
        fig.add_vline(
            x=center,
            line={"color": "#111"},
            annotation_text=f"central NPV {usd(center)}",
            annotation_position="top",
        )
        fig.update_layout(
            _layout(
                chart,
                barmode="overlay",
                hovermode="closest",
                height=max(300, 60 + 38 * len(labels)),
                xaxis={"title": {"text": chart.x_label}, "tickprefix": "$", "tickformat": ",.0f"},
                yaxis={"autorange": "reversed", "automargin": True},
                margin={"l": 20, "r": 20, "t": 60, "b": 80},
            )
        )
    return fig


def _month_tick(chart: ch.Chart) -> int:
    span = max((max(s.x) for s in chart.series if s.x), default=12)
    return 1 if span <= 12 else 3 if span <= 36 else 12


def _table(rows: list[list[str]], header: list[str], numeric: set[int] = frozenset()) -> str:  # type: ignore[assignment]
    head = "".join(
        f'<th class="{"num" if i in numeric else ""}">{html.escape(h)}</th>'
        for i, h in enumerate(header)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"num" if i in numeric else ""}">{cell}</td>' for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _summary(analysis: Analysis) -> str:
    rows = []
    for alt in analysis.alternatives:
        within = alt.pays_back_within or {}
        rows.append(
            [
                html.escape(alt.name),
                usd(alt.one_time_usd),
                usd(alt.monthly_cost_usd[0]),
                "never" if alt.break_even_month is None else f"month {alt.break_even_month:.1f}",
                usd(alt.npv_usd),
                "yes" if within.get("3") else "no",
            ]
        )
    return _table(
        rows,
        [
            "alternative",
            "one-time cost",
            "cost in month 1",
            "pays back",
            f"NPV, {analysis.horizon_months} months",
            "within a quarter?",
        ],
        {1, 2, 4},
    )


def _inputs(analysis: Analysis) -> str:
    rows = []
    for row in ch.inputs_table(analysis):
        source = html.escape(row["source"])
        if row["reference"]:
            ref = html.escape(row["reference"])
            link = ref if not ref.startswith("http") else f'<a href="{ref.split(" ")[0]}">{ref}</a>'
            source += f'<br><span class="small">{link}</span>'
        if row["checked"]:
            source += f'<br><span class="small">checked {row["checked"]}</span>'
        spread = ""
        if row["range"]:
            spread = html.escape(
                ", ".join(
                    f"{k} {v:g}" if isinstance(v, float | int) else f"{v}"
                    for k, v in row["range"].items()
                )
            )
        rows.append(
            [f"<code>{html.escape(row['path'])}</code>", f"{row['value']:,.6g}", spread, source]
        )
    return _table(rows, ["input", "value used", "range", "source"], {1})


def render_html(analysis: Analysis) -> str:
    """The whole report as one HTML document."""
    sections = []
    first = True
    for chart in ch.all_charts(analysis):
        fig = figure(chart)
        div = pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=first,
            config={"displaylogo": False, "responsive": True},
            default_width="100%",
        )
        first = False
        note = f'<p class="note">{html.escape(chart.note)}</p>' if chart.note else ""
        sections.append(
            f'<div class="chart" id="chart-{chart.key}" data-chart="{chart.key}">{div}</div>{note}'
        )
    explanation = "".join(
        f"<h3>{html.escape(title[0].upper() + title[1:])}</h3>"
        + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        for title, paragraphs in explain(analysis)
    )
    info = analysis.scenario.scenario
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="payback {payback.__version__}">
<!-- {MARKER} -->
<title>{html.escape(info.name)}: payback report</title>
<style>{CSS}</style>
</head>
<body>
<h1>{html.escape(info.name)}</h1>
<p class="lede">{analysis.horizon_months} months from {(info.start_date or dt.date.today()).isoformat()}; baseline: {html.escape(analysis.baseline.name)}.</p>
<p class="verdict">{html.escape(analysis.verdict())}</p>
{_summary(analysis)}
<h2>Charts</h2>
{"".join(sections)}
<h2>What it means</h2>
<section class="explain">{explanation}</section>
<h2>Inputs and where they come from</h2>
{_inputs(analysis)}
<p class="small">Generated by payback {payback.__version__} on {dt.date.today().isoformat()}.</p>
</body>
</html>
"""
