"""The axes both renderers give the charts (the PNGs' matplotlib and the HTML's plotly):
the per-1k chart's log ranges and their 1-2-5 ticks, a month axis's step, counts on an
axis, and what stands in the place of a chart with nothing to draw."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from payback.figures import power_text
from payback.report.common import money_tick

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from payback.report.charts import Chart

__all__ = [
    "MONTH_STEPS",
    "MONTH_TICKS",
    "count_ticks",
    "drawn_on_log",
    "log_ticks",
    "money_tick_labels",
    "month_step",
    "per_1k_ranges",
    "say_missing",
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


def count_ticks(values: list[float]) -> list[str]:
    """Counts on a log axis in one format, a metric suffix from a thousand up (never
    1,000 beside 10k) to trillions, powers of ten past them and under a thousandth, never
    an exponent (10^13 requests a month read "1e+04B").

    >>> count_ticks([500.0, 1000.0, 2000.0, 10000.0, 2500000.0])
    ['500', '1k', '2k', '10k', '2.5M']
    >>> count_ticks([5e11, 1e13, 2e14, 1e15, 0.002, 5e-5])
    ['500B', '10T', '200T', '1×10¹⁵', '0.002', '5×10⁻⁵']
    """
    out = []
    for v in values:
        if abs(v) >= 1e15 or 0 < abs(v) < 1e-3:
            out.append(power_text(v))
            continue
        for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"), (1.0, "")):
            if abs(v) >= size or size == 1.0:
                out.append(f"{v / size:.3g}{suffix}")
                break
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


MONEY_UNITS = ((1e12, "T"), (1e9, "B"), (1e6, "M"))
"""The units of money ticks from a million to a thousand trillion, largest first."""


def money_tick_labels(values: Sequence[float]) -> list[str]:
    """Money on a chart axis, every tick in one unit and short enough to stand apart:
    whole dollars below a million (−$20,000, as :func:`~payback.report.common.money_tick`
    writes one), from there millions, billions or trillions to the fewest places that tell
    the ticks apart, and past 10^15 one power of ten, a multiple of three (a tornado of
    1e10 requests a month read "$4,000,000,000$5,000,000,000", and 10^190 ran off the
    figure in 191 digits).

    >>> money_tick_labels([-20_000.0, 0.0, 20_000.0])
    ['−$20,000', '$0', '$20,000']
    >>> money_tick_labels([4e9, 4.5e9, 5e9]), money_tick_labels([-1e6, 0.0, 2e6])
    (['$4.0B', '$4.5B', '$5.0B'], ['−$1M', '$0', '$2M'])
    >>> money_tick_labels([0.0, 2e190, 4e190]), money_tick_labels([2.5e15, 5e15])
    (['$0', '$20×10¹⁸⁹', '$40×10¹⁸⁹'], ['$2.5×10¹⁵', '$5.0×10¹⁵'])
    """
    top = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    if top < 1e6:
        return [money_tick(v) for v in values]
    if top < 1e15:
        scale, unit = next((size, unit) for size, unit in MONEY_UNITS if top >= size)
    else:
        exponent = 3 * math.floor(math.log10(top) / 3)
        scale, unit = 10.0**exponent, power_text(10.0**exponent).removeprefix("1")
    scaled = [v / scale for v in values]
    places = next(
        (
            p
            for p in range(3)
            if all(abs(round(x, p) - x) <= 1e-9 * max(1.0, abs(x)) for x in scaled)
        ),
        3,
    )
    labels = []
    for x in scaled:
        text = f"{abs(x):,.{places}f}"
        zero = not text.strip("0.,")
        sign = "−" if x < 0 and not zero else ""
        labels.append("$0" if zero else f"{sign}${text}{unit}")
    return labels


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
