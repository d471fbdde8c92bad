"""The axes both renderers give the charts (the PNGs' matplotlib and the HTML's plotly):
the per-1k chart's log ranges and their 1-2-5 ticks, a month axis's step, counts on an
axis, and what stands in the place of a chart with nothing to draw."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from payback.analysis.verdict import half_up
from payback.figures import power_text, tick_places
from payback.money import money_places
from payback.report.common import metric

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from payback.report.charts import Chart

__all__ = [
    "MONTH_STEPS",
    "MONTH_TICKS",
    "count_ticks",
    "drawn_on_log",
    "log_ticks",
    "money_axis",
    "money_axis_of",
    "money_format_stops",
    "money_hover",
    "money_tick_labels",
    "money_ticks",
    "month_step",
    "per_1k_ranges",
    "say_missing",
    "share_format_stops",
]


def drawn_on_log(values: list[float]) -> list[float]:
    """The values a log axis can draw: finite, and positive as a float writes it with all
    its digits (from 2.2×10⁻³⁰⁸; $0 has no place on it, nor has 5×10⁻³²⁴, which a 25%
    margin below takes to 0).

    >>> drawn_on_log([0.0, -1.0, 5e-324, float("inf"), 0.004, 15.0])
    [0.004, 15.0]
    """
    tiny = float(np.finfo(np.float64).tiny)
    return [v for v in values if tiny <= v < np.inf]


def per_1k_ranges(chart: Chart) -> tuple[tuple[float, float], tuple[float, float]]:
    """The (log) x and y ranges both renderers give the per-1k chart (one that is drawn:
    it has some price a log axis can draw, :func:`drawn_on_log`)."""
    xs = chart.series[0].x
    ys = drawn_on_log([y for s in chart.series for y in s.y])
    return (min(xs), max(xs)), (min(ys) / 1.25, max(ys) * 1.25)


MONTH_STEPS = (12, 24, 60, 120, 240, 600)
"""A month axis's tick steps past three years: one, two, five, ten, twenty, fifty years."""
MONTH_TICKS = 8
"""The most tick steps on a month axis past three years: nine three-figure labels fit a
phone's chart level (ten, 60 apart to 600, were turned on their side), where a step of 12
months put 51 in its width."""


def month_step(chart: Chart) -> int:
    """The tick step of a chart's month axis: every month to a year, a quarter to three
    years, then the smallest of :data:`MONTH_STEPS` that puts at most :data:`MONTH_TICKS`
    steps in the span (12 to eight years, 24 to 16, 60 to 40, 120 to 80)."""
    span = max((max(s.x) for s in chart.series if s.x), default=12)
    if span <= 36:
        return 1 if span <= 12 else 3
    return next((step for step in MONTH_STEPS if span <= step * MONTH_TICKS), MONTH_STEPS[-1])


def count_ticks(values: Sequence[float]) -> list[str]:
    """Counts on a log axis in one format, three significant figures: a metric suffix from
    a thousand up (never 1,000 beside 10k) to trillions (:func:`~payback.report.common.metric`,
    which the tables' counts use too), powers of ten past them and under a thousandth,
    never an exponent (10^13 requests a month read "1e+04B"); a count that rounds up to the
    next unit gets it (999,999.9 read "1e+03k", 999.9999 "1e+03").

    >>> count_ticks([500.0, 1000.0, 2000.0, 10000.0, 2500000.0])
    ['500', '1k', '2k', '10k', '2.5M']
    >>> count_ticks([5e11, 1e13, 2e14, 1e15, 0.002, 5e-5])
    ['500B', '10T', '200T', '1×10¹⁵', '0.002', '5×10⁻⁵']
    >>> count_ticks([999_999.9, 999.9999, 0.0, 0.00099999, 999.9e12, -1500.0])
    ['1M', '1k', '0', '0.001', '1×10¹⁵', '-1.5k']
    """
    out = []
    for v in values:
        size = float(f"{half_up(abs(v)):.3g}")  # as three figures write it: 999.9999 is 1000
        if size >= 1e15 or 0 < size < 1e-3:
            out.append(power_text(v))
        elif size >= 1e3:
            out.append(metric(v))
        else:
            out.append(("-" if v < 0 and size else "") + f"{size:g}")
    return out


def log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 ticks between low and high, for log axes that stay readable; where those give
    fewer than two (a range inside one step: $5 and $6 per 1,000 had the one tick $5, the
    $6 line none), every whole step (1, 2, ..., 9) and the half steps 1.5 and 2.5; where
    those still give fewer than two (prices of $1.30 and $1.40), every tenth of a step.

    >>> log_ticks(40_000, 900_000)
    [50000.0, 100000.0, 200000.0, 500000.0]
    >>> log_ticks(4.0, 7.5), log_ticks(1.04, 1.63)
    ([4.0, 5.0, 6.0, 7.0], [1.1, 1.2, 1.3, 1.4, 1.5, 1.6])
    """
    tenths = tuple(round(1 + k / 10, 1) for k in range(90))
    for steps in ((1.0, 2.0, 5.0), (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0), tenths):
        ticks = []
        exponent = int(np.floor(np.log10(low)))
        while 10.0**exponent <= high:
            for step in steps:
                value = float(f"{step * 10.0**exponent:.12g}")  # 0.11, not 0.11000000000000001
                if low <= value <= high:
                    ticks.append(value)
            exponent += 1
        if len(ticks) >= 2:
            break
    return ticks


MONEY_UNITS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))
"""The units of money ticks from a thousand (short ones) or a million to a thousand
trillion, largest first."""


def money_tick_labels(values: Sequence[float], short: bool = False) -> list[str]:
    """Money on a chart axis, every tick in one unit and format, each told apart from the
    others: whole dollars below a million (−$20,000, as plotly's ``$,.0f`` and
    :func:`~payback.report.common.money_tick` write one; ``short``: below a thousand, for
    a phone), cents or as many places as the finest tick needs below a dollar (an NPV
    that moved by cents read "$0, $0, $0"), from there thousands (``short``), millions,
    billions or trillions to the fewest places that tell the ticks apart, and past 10^15 one
    power of ten, a multiple of three (a tornado of 1e10 requests a month read
    "$4,000,000,000$5,000,000,000", and 10^190 ran off the figure in 191 digits).

    >>> money_tick_labels([-20_000.0, 0.0, 20_000.0])
    ['−$20,000', '$0', '$20,000']
    >>> money_tick_labels([-20_000.0, 0.0, 20_000.0], short=True)
    ['−$20k', '$0', '$20k']
    >>> money_tick_labels([4e9, 4.5e9, 5e9]), money_tick_labels([-1e6, 0.0, 2e6])
    (['$4.0B', '$4.5B', '$5.0B'], ['−$1M', '$0', '$2M'])
    >>> money_tick_labels([0.0, 2e190, 4e190]), money_tick_labels([2.5e15, 5e15])
    (['$0', '$20×10¹⁸⁹', '$40×10¹⁸⁹'], ['$2.5×10¹⁵', '$5.0×10¹⁵'])
    >>> money_tick_labels([-0.2, 0.0, 0.2]), money_tick_labels([10.01, 10.015, 10.02])
    (['−$0.20', '$0', '$0.20'], ['$10.010', '$10.015', '$10.020'])
    >>> money_tick_labels([999_990.0, 1e6, 1_000_010.0])
    ['$0.99999M', '$1.00000M', '$1.00001M']
    """
    top = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    units = MONEY_UNITS if short else MONEY_UNITS[:-1]
    if top < units[-1][0]:
        scale, unit = 1.0, ""
    elif top < 1e15:
        scale, unit = next((size, unit) for size, unit in units if top >= size)
    else:
        exponent = 3 * math.floor(math.log10(top) / 3)
        scale, unit = 10.0**exponent, power_text(10.0**exponent).removeprefix("1")
    scaled = [v / scale for v in values]
    places = tick_places(scaled, 0, 15)
    if places is None:  # steps under 10^-15 dollars: a power of ten, a multiple of three
        exponent = 3 * math.floor(math.log10(top) / 3)
        scale, unit = 10.0**exponent, power_text(10.0**exponent).removeprefix("1")
        scaled = [v / scale for v in values]
        places = tick_places(scaled, 0, 15) or 15
    if scale == 1.0 and places:
        places = max(places, 2)  # cents, as money is written
    labels = []
    for x in scaled:
        text = f"{half_up(abs(x)):,.{places}f}"
        zero = not text.strip("0.,")
        sign = "−" if x < 0 and not zero else ""
        labels.append("$0" if zero else f"{sign}${text}{unit}")
    return labels


TICK_CHAR_PX = 6.6
"""A character of a 12-pixel tick label, wide (as the tornado's names are measured)."""
TICKS_PX = 280
"""The plot a phone gives the tornado's money axis (a page 360 px wide, its padding and
the chart's margins taken), which its ticks share."""


def _label_px(label: str) -> float:
    """A tick label's width in px, the superscripts of a power of ten at 60%."""
    small = sum(c in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻" for c in label)
    return (len(label) - 0.4 * small) * TICK_CHAR_PX


def money_ticks(
    low: float, high: float, room_px: float = TICKS_PX
) -> tuple[list[float], list[str]]:
    """Three to six round money ticks from ``low`` to ``high``, written short
    (:func:`money_tick_labels`: '−$25k', '$1.5M', '$0.25'), fewer where their labels would
    not stand apart in ``room_px`` (six of '−$0.0002' took 317 px of a phone's 280).

    >>> money_ticks(-25_394.0, 81_020.0)
    ([-25000.0, 0.0, 25000.0, 50000.0, 75000.0], ['−$25k', '$0', '$25k', '$50k', '$75k'])
    >>> money_ticks(1_200.0, 9_800.0)[1], money_ticks(14.581, 14.63)[1]
    (['$2k', '$4k', '$6k', '$8k'], ['$14.59', '$14.60', '$14.61', '$14.62', '$14.63'])
    >>> money_ticks(-0.00025, 0.0003)[1]
    ['−$0.0002', '$0', '$0.0002']
    """
    span = (high - low) or abs(high) or 1.0
    power = 10.0 ** math.floor(math.log10(span / 5))
    steps = [power * m for m in (1, 2, 2.5, 5, 10, 20, 25, 50, 100)]
    values, labels = [low], money_tick_labels([low], short=True)  # every NPV the same
    for step in (s for s in steps if s >= span / 5):
        first = math.ceil(low / step)
        ticks = [float(f"{k * step:.12g}") for k in range(first, math.floor(high / step) + 1)]
        if not ticks:
            break
        values, labels = ticks, money_tick_labels(ticks, short=True)
        if len(ticks) * (max(_label_px(label) for label in labels) + 10) <= room_px:
            break
    return values, labels


def money_format_stops() -> list[dict[str, Any]]:
    """plotly's ``tickformatstops`` for a money axis it ticks itself (``$,.0f`` from a
    step of $1): cents for steps under a dollar, and as many places as a step under a cent
    needs, to 20 (a month of a few cents read "$0, $0, $1, $1")."""
    stops: list[dict[str, Any]] = [
        {"dtickrange": [10.0**-k, 0.999 * 10.0 ** (1 - k)], "value": f"$,.{max(k, 2)}f"}
        for k in range(1, 21)
    ]
    stops[-1]["dtickrange"] = [None, stops[-1]["dtickrange"][1]]
    return stops


def share_format_stops() -> list[dict[str, Any]]:
    """plotly's ``tickformatstops`` for an axis of shares it ticks itself (``.0%`` from a
    step of 1%): as many places as a step under a percent needs (bars under 1% read
    "0%, 0%, 1%")."""
    stops: list[dict[str, Any]] = [
        {"dtickrange": [10.0 ** -(k + 2), 0.999 * 10.0 ** (-k - 1)], "value": f".{k}%"}
        for k in range(1, 19)
    ]
    stops[-1]["dtickrange"] = [None, stops[-1]["dtickrange"][1]]
    return stops


def money_axis(chart: Chart) -> dict[str, Any]:
    """The money y axis plotly draws for ``chart`` (:func:`money_axis_of` its values and
    $0, which each such chart shows, a stacked chart's parts added up a month), and the
    places its hovers write the figures drawn with (:func:`money_hover`)."""
    values = [0.0, *(y for s in chart.series for y in s.y)]
    hover = {"hoverformat": money_hover(values)}
    if chart.key.startswith("components"):  # stacked: the parts' sum a month
        values += [sum(ys) for ys in zip(*(s.y for s in chart.series[:-1]), strict=True)]
    return money_axis_of(values, math.inf) | hover  # up the side: each tick a line of its own


def money_hover(values: Sequence[float]) -> str:
    """plotly's format for money figures in a chart's hovers, with the places
    :func:`~payback.money.money_places` gives them: whole dollars from $1,000, as
    the tables write such a column, or where they are exact, cents below (a month of $0.51
    read "$1"), more under a cent.

    >>> money_hover([0.0, 2_184.0, 584.05]), money_hover([1.5, 0.17]), money_hover([0.0051])
    ('$,.0f', '$,.2f', '$,.4f')
    """
    return f"$,.{money_places(values)}f"


def money_axis_of(values: Sequence[float], room_px: float = TICKS_PX) -> dict[str, Any]:
    """A plotly money axis over ``values``: its own ticks in whole dollars, or in cents and
    finer for a step under a dollar (:func:`money_format_stops`); from a million (where
    ``$,.0f`` ran "$1,200,000,000,000,000" into the axis title) round ticks written as
    :func:`money_tick_labels` writes them ($1.2P is no one's unit), as many as ``room_px``
    holds apart (:func:`money_ticks`).

    >>> money_axis_of([0.0, 4.2e9])["ticktext"]
    ['$0', '$1B', '$2B', '$3B', '$4B']
    """
    finite = [v for v in values if math.isfinite(v)]
    top = max((abs(v) for v in finite), default=0.0)
    if top < 1e6:
        return {"tickformat": "$,.0f", "tickformatstops": money_format_stops()}
    tickvals, ticktext = money_ticks(min(finite), max(finite), room_px)
    return {"tickmode": "array", "tickvals": tickvals, "ticktext": ticktext}


def say_missing(fig: go.Figure, missing: str) -> None:
    """A plotly chart with nothing to draw: why (``missing``), in lines of a phone's width
    where the plot would be, and no axes."""
    import textwrap

    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=200)
    fig.add_annotation(
        text="<br>".join(textwrap.wrap(missing, 56)),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"color": "#555"},
    )
