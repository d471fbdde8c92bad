"""The data behind every chart, computed once from an analysis; renderers only draw.

Each builder returns plain lists (JSON-ready), so the HTML (plotly), the Markdown
(matplotlib) and tests see the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from payback.analysis.curve import as_cheap, costs_the_same
from payback.analysis.result import Analysis, months_text
from payback.analysis.verdict import saves_nothing
from payback.figures import share_text, shares_alike
from payback.finance._types import FloatArray
from payback.money import small_usd
from payback.report.axes import MONTH_STEPS as MONTH_STEPS
from payback.report.axes import MONTH_TICKS as MONTH_TICKS
from payback.report.axes import count_ticks as count_ticks
from payback.report.axes import drawn_on_log
from payback.report.axes import log_ticks as log_ticks
from payback.report.axes import month_step as month_step
from payback.report.axes import per_1k_ranges as per_1k_ranges
from payback.report.common import (
    BAND_COLOUR,
    BASELINE_COLOUR,
    COMPONENT_COLOURS,
    COMPONENT_LABELS,
    HIGH_END_COLOUR,
    LOW_END_COLOUR,
    ONE_TIME_LABELS,
    alternative_colour,
    compact,
    driver_range,
    input_rows,
    month_text,
    round_figures,
)
from payback.report.fleet import part_shares
from payback.report.labels import input_label
from payback.report.placement import place_break_evens, place_crossovers
from payback.report.windows import samples_behind_text
from payback.scenario import SelfHostedOption

if TYPE_CHECKING:
    from payback.studies.uncertainty import AlternativeUncertainty


CUMULATIVE = "cumulative"
COMPONENTS = "components-{}"
ONE_TIME = "one-time"
PER_1K = "per-1k"
FAN = "fan-{}"
HISTOGRAM = "histogram-{}"
TORNADO = "tornado-{}"
CUMULATIVE_PORTFOLIO = "cumulative-portfolio"
CONTRIBUTIONS = "one-contributions-{}"
"""The charts' keys (``{}``: the alternative's index), each a chart's name beside a
Markdown report (``{stem}-KEY.png``) and its kind by its first word (how the renderers
draw it). Every builder takes its key from here, and :func:`report_charts` lists them."""

_SCENARIO_CHARTS = (CUMULATIVE, COMPONENTS, ONE_TIME, PER_1K, FAN, HISTOGRAM, TORNADO)
_PORTFOLIO_CHARTS = (CUMULATIVE_PORTFOLIO, CONTRIBUTIONS, FAN, HISTOGRAM)


def report_charts(portfolio: bool) -> tuple[str, ...]:
    """The keys a report's charts may have (``{}``: the alternative's index): a
    portfolio's (``portfolio``: a scenario with workloads, ``portfolio_charts``) or a
    scenario's (:func:`all_charts`), whatever the samples and costs."""
    return _PORTFOLIO_CHARTS if portfolio else _SCENARIO_CHARTS


def chart_keys(alternatives: int, portfolio: bool) -> list[str]:
    """Every key a report's charts may have, for a scenario of ``alternatives``
    alternatives: those its report writes are among them.

    >>> chart_keys(2, portfolio=True)
    ['cumulative-portfolio', 'one-contributions-0', 'one-contributions-1', 'fan-0', 'fan-1', 'histogram-0', 'histogram-1']
    """
    keys = (key.format(i) for key in report_charts(portfolio) for i in range(alternatives))
    return list(dict.fromkeys(keys))


TODAY = "today"
"""The ``kind`` of the per-1k chart's marker of today's traffic: its ``name`` is "today"
too, and so may an alternative's crossing be, which is marked by its alternative's name."""


def is_today(marker: dict[str, Any]) -> bool:
    """Whether ``marker`` is the per-1k chart's line of today's traffic, not the crossing
    of an alternative named "today" (nor "Today").

    >>> is_today({"name": "today", "kind": "today"}), is_today({"name": "today", "x": 1.0})
    (True, False)
    """
    return marker.get("kind") == TODAY


@dataclass(frozen=True)
class Series:
    name: str
    x: list[float]
    y: list[float]
    color: str | None = None
    """The same in both renderers: by option (baseline, alternative i) or by cost component."""


@dataclass(frozen=True)
class Chart:
    """One chart: its series and the words around them."""

    key: str
    title: str
    x_label: str
    y_label: str
    series: list[Series]
    markers: list[dict[str, Any]] = field(default_factory=list)
    """Points to mark (break-even, crossover): ``{"name", "x", "y", "text"}``."""
    note: str = ""
    """One sentence a reader needs to read the chart right."""
    missing: str = ""
    """Why the chart has nothing it can draw (every price $0 on a log axis), where it has
    not (no series then): the renderers write it in the chart's place."""


def cumulative_costs(analysis: Analysis) -> Chart:
    """Cumulative cost of the baseline and of each alternative (its one-time cost at month 0),
    with each break-even point marked where the alternative's line crosses the baseline's."""
    horizon = analysis.horizon_months
    months = [float(m) for m in range(horizon + 1)]
    base = [0.0, *np.cumsum(analysis.baseline.monthly_cost_usd).tolist()]
    series = [Series(f"baseline: {analysis.baseline.name}", months, base, BASELINE_COLOUR)]
    markers = []
    for i, alt in enumerate(analysis.alternatives):
        cum = (alt.one_time_usd + np.concatenate([[0.0], np.cumsum(alt.monthly_cost_usd)])).tolist()
        series.append(Series(alt.name, months, cum, alternative_colour(i)))
        if alt.break_even_month is not None:
            t = alt.break_even_month
            y = float(np.interp(t, months, base))
            text = f"{alt.name}: " + (
                "saves nothing (not cheaper per request)"
                if saves_nothing(alt.cumulative_savings_usd)
                else "pays back at once"
                if t == 0
                else f"break-even {month_text(t)}"
            )
            markers.append(
                {
                    "name": alt.name,
                    "x": t,
                    "y": y,
                    "text": text,
                    "color": alternative_colour(i),
                }
            )
    chart = Chart(
        CUMULATIVE,
        "Cumulative cost: where an alternative's line crosses the baseline's, it has paid back",
        "month",
        "cumulative cost (USD)",
        series,
        markers,
        "Alternatives start at their one-time cost; the baseline starts at $0.",
    )
    place_break_evens(markers, series, (-0.015 * horizon, 1.015 * horizon), value_range(chart))
    return chart


def value_range(chart: Chart) -> tuple[float, float]:
    """The y range both renderers give a chart: its series, $0, and a margin."""
    values = [y for s in chart.series for y in s.y]
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    return low - 0.04 * span, high + 0.08 * span


def _per_1k_missing(analysis: Analysis, today: float) -> str:
    """Why the per-1k chart has nothing to draw, or "" where it has: a traffic too small
    for a range around it, or no price above $0 that a log axis can draw."""
    curve = analysis.cost_per_1k_curve
    if not curve.requests_per_month:
        return (
            f"Not drawn: today's traffic of {compact(today)} requests a month is too small "
            "for a range of traffic around it (a 30th of it is under the smallest number "
            "the computation holds in full, 2.2×10⁻³⁰⁸)."
        )
    prices = [curve.baseline_usd, *curve.alternatives_usd]
    if drawn_on_log([y for values in prices for y in values]):
        return ""
    under = "" if all(y <= 0 for values in prices for y in values) else " (or under 2.2×10⁻³⁰⁸)"
    return (
        f"Not drawn: every option costs $0{under} per 1,000 requests at every traffic from "
        f"a 30th of today's to 30 times it, and a log scale has no place for $0."
    )


def monthly_components(analysis: Analysis, index: int) -> Chart:
    """One alternative's monthly cost stacked by component, with the baseline's total."""
    alt = analysis.alternatives[index]
    months = [float(m) for m in range(1, analysis.horizon_months + 1)]
    series = [
        Series(COMPONENT_LABELS.get(k, k), months, v, COMPONENT_COLOURS.get(k))
        for k, v in alt.components_usd.items()
    ]
    series.append(
        Series(
            f"baseline total: {analysis.baseline.name}",
            months,
            analysis.baseline.monthly_cost_usd,
            BASELINE_COLOUR,
        )
    )
    return Chart(
        COMPONENTS.format(index),
        f"Monthly cost of {alt.name}, by component",
        "month",
        "cost per month (USD)",
        series,
        note="Bars stack the alternative's components; the dotted line is what the baseline costs that month.",
    )


BAR_HALF_WIDTH = 0.4
"""Half a month's bar (plotly's and matplotlib's bars are 0.8 of a month wide)."""


def drawn_line(series: Series) -> tuple[list[float], list[float]]:
    """A line's points as drawn: a single month's (a one-month horizon) spread across its
    bar, so the baseline's cost that month is a short dotted line, not one invisible point.

    >>> drawn_line(Series("b", [1.0], [1000.0])), drawn_line(Series("b", [1.0, 2.0], [5.0, 6.0]))
    (([0.6, 1.0, 1.4], [1000.0, 1000.0, 1000.0]), ([1.0, 2.0], [5.0, 6.0]))
    """
    if len(series.x) != 1:
        return list(series.x), list(series.y)
    (x,), (y,) = series.x, series.y
    return [x - BAR_HALF_WIDTH, x, x + BAR_HALF_WIDTH], [y] * 3


def one_time_items(analysis: Analysis) -> Chart:
    """One-time cost by item, per alternative (x: item, one series per alternative); an
    item no alternative pays for (servers bought, in most scenarios) is left out."""
    paid = [alt.one_time_items_usd or {} for alt in analysis.alternatives]
    items = [k for k in ONE_TIME_LABELS if any(float(p.get(k, 0.0)) for p in paid)]
    series = [
        Series(
            alt.name,
            list(range(len(items))),
            [float((alt.one_time_items_usd or {}).get(k, 0.0)) for k in items],
            alternative_colour(i),
        )
        for i, alt in enumerate(analysis.alternatives)
    ]
    none = not any(y for s in series for y in s.y)
    return Chart(
        ONE_TIME,
        "One-time cost by item",
        "item",
        "USD",
        series,
        [{"labels": [ONE_TIME_LABELS[k] for k in items]}],
        "No alternative has a one-time cost in this scenario."
        if none
        else _largest_items(analysis),
    )


def _largest_items(analysis: Analysis) -> str:
    """The note under the one-time chart: each alternative's largest item, its cost and
    its share of that alternative's one-time cost (as the report's prose states them: the
    shares of :func:`~payback.report.fleet.part_shares`), not a claim about which item
    usually is the largest, which the figure beside it may contradict. One precision for
    the whole note: one place for every share where any alternative's prose needs one
    ("(50.0%)" beside "(64%)" read as two conventions)."""
    sentences: list[tuple[str, float | None]] = []  # the words, and the share after them
    one_place = False
    for alt in analysis.alternatives:
        items = sorted((alt.one_time_items_usd or {}).items(), key=lambda kv: -kv[1])
        paid = [(k, v) for k, v in items if v > 0]  # largest first, as the prose lists them
        if not paid:
            sentences.append((f"'{alt.name}' has no one-time cost.", None))
            continue
        said = part_shares([v for _, v in paid])
        one_place = one_place or any(not s[0].isdigit() or "." in s for s in said)
        (key, value), whole = paid[0], sum(v for _, v in paid)
        money = small_usd(value, whole)  # "$0.002 of $0.0035", not "$0.00 of $0.00"
        whose = f" of '{alt.name}'" if len(analysis.alternatives) > 1 else ""
        sentences.append(
            (
                f"The largest item{whose} is {ONE_TIME_LABELS.get(key, key)}: "
                f"{money(value)} of {money(whole)}",
                value / whole,
            )
        )
    shares = iter(shares_alike([s for _, s in sentences if s is not None], one_place))
    return " ".join(
        text if share is None else f"{text} ({next(shares)})." for text, share in sentences
    )


def _steps(analysis: Analysis) -> bool:
    options = [analysis.scenario.baseline, *analysis.scenario.alternatives]
    return any(isinstance(o, SelfHostedOption) and o.always_on for o in options)


def _crossings(
    name: str,
    index: int,
    volumes: FloatArray,
    per_1k: FloatArray,
    per_1k_base: FloatArray,
    markers: list[dict[str, Any]],
    crossovers: list[float],
) -> str:
    """Where alternative ``index`` becomes cheaper (or dearer) per request than the
    baseline: a marker for each crossover, and the sentence that states them, to three
    figures of the traffic the analysis narrowed each to (``crossovers``, in the grid's
    order; the midpoint of two levels ~3% apart read 720k for a step at 730k). The marker
    sits at that traffic on the baseline's line, where the sentence puts it (the next grid
    level, ~3% on, put it below the baseline's line and off the figure stated)."""
    cheaper = as_cheap(per_1k, per_1k_base)
    changes = []
    steps = np.nonzero(np.diff(cheaper.astype(int)))[0]
    for j, at in zip(steps, crossovers, strict=True):
        around = round_figures(at, 3)
        becomes = "cheaper" if cheaper[j + 1] else "dearer"
        changes.append(f"{becomes} from about {compact(around)}")
        markers.append(
            {
                "name": name,
                "x": float(at),
                "y": float(np.interp(at, volumes, per_1k_base)),
                "volume": around,
                "text": f"{name}: {becomes} per request than the baseline from about "
                f"{compact(around)} requests/month",
                "short": f"{becomes} from ~{compact(around)}/month",
                "color": alternative_colour(index),
            }
        )
    if not changes:
        if costs_the_same(per_1k, per_1k_base).all():
            return f"'{name}' costs what the baseline does per request over the whole range shown."
        return (
            f"'{name}' is {'cheaper' if cheaper.all() else 'dearer'} per request than "
            "the baseline over the whole range shown."
        )
    first, *more = changes
    becomes, _, where = first.partition(" from ")
    return (
        f"'{name}' is {becomes} per request than the baseline from {where} requests "
        "a month" + "".join(f", {c}" for c in more) + "."
    )


def cost_per_1k_vs_traffic(analysis: Analysis) -> Chart:
    """Cost of 1,000 requests as monthly traffic varies from 1/30x to 30x today's, at month-1
    prices with retraining spread over its schedule (the analysis's
    :attr:`~payback.analysis.result.Analysis.cost_per_1k_curve`): fleets step up as replicas
    are added; the crossovers are where an alternative starts (or stops) being cheaper per
    request than the baseline, narrowed between the grid's levels and stated to three
    significant figures."""
    curve = analysis.cost_per_1k_curve
    today = float(analysis.scenario.traffic.requests_per_month)
    options = [analysis.resolved.scenario.baseline, *analysis.resolved.scenario.alternatives]
    owned = [getattr(o, "owned", None) for o in options]
    cash = any(o is not None and o.financing == "cash" for o in owned)
    spread = "retraining and servers bought in cash" if cash else "retraining"
    title = f"Cost of 1,000 requests as traffic varies (month-1 prices, {spread} spread per month)"
    if missing := _per_1k_missing(analysis, today):
        return Chart(
            PER_1K, title, "requests per month", "USD per 1,000 requests", [], [], missing=missing
        )
    volumes = np.asarray(curve.requests_per_month, dtype=np.float64)
    per_1k_base = np.asarray(curve.baseline_usd, dtype=np.float64)
    series = [
        Series(
            f"baseline: {analysis.baseline.name}",
            list(curve.requests_per_month),  # copies: a chart's lists are its own
            list(curve.baseline_usd),
            BASELINE_COLOUR,
        )
    ]
    markers: list[dict[str, Any]] = []
    sentences = []
    if _steps(analysis):
        sentences.append("Lines of always-on fleets step up where another replica is needed.")
    for i, (alt, values) in enumerate(
        zip(analysis.alternatives, curve.alternatives_usd, strict=True)
    ):
        series.append(
            Series(alt.name, list(curve.requests_per_month), list(values), alternative_colour(i))
        )
        per_1k = np.asarray(values, dtype=np.float64)
        sentences.append(
            _crossings(alt.name, i, volumes, per_1k, per_1k_base, markers, curve.crossovers[i])
        )
    markers.append(
        {
            "name": "today",
            "kind": TODAY,  # the line of today's traffic, whatever an alternative is called
            "x": today,
            "y": float(np.interp(today, volumes, per_1k_base)),
            "text": f"today's traffic: {compact(today)} requests/month",
        }
    )
    chart = Chart(
        PER_1K,
        title,
        "requests per month",
        "USD per 1,000 requests",
        series,
        markers,
        " ".join(sentences),
    )
    x_range, y_range = per_1k_ranges(chart)
    crossings = [m for m in markers if not is_today(m)]
    place_crossovers(crossings, series, x_range, y_range, today)
    return chart


def savings_fan(analysis: Analysis, index: int) -> Chart | None:
    """p10/p50/p90 of the cumulative savings over the months (with samples only)."""
    if analysis.uncertainty is None:
        return None
    u = analysis.uncertainty.alternatives[index]
    return fan_chart(analysis.alternatives[index].name, u, analysis.horizon_months, index)


def fan_chart(name: str, u: AlternativeUncertainty, horizon: int, index: int) -> Chart:
    """The savings fan of alternative ``index`` (``name``) from its samples ``u``: a
    scenario's (:func:`savings_fan`) or a portfolio's."""
    months = [float(m) for m in range(horizon + 1)]
    fan = u.cumulative_savings_percentiles
    return Chart(
        FAN.format(index),
        f"Cumulative savings of {name}: p10 to p90 of {u.samples:,} samples",
        "month",
        "cumulative savings (USD)",
        [Series(k, months, v, BAND_COLOUR) for k, v in fan.items()],
        note="Above zero it has paid back; the band holds 80% of the samples.",
    )


def break_even_histogram(analysis: Analysis, index: int) -> Chart | None:
    """Samples by break-even month (one bar a month), and those that never pay back."""
    if analysis.uncertainty is None:
        return None
    u = analysis.uncertainty.alternatives[index]
    return histogram_chart(analysis.alternatives[index].name, u, analysis.horizon_months, index)


def histogram_chart(name: str, u: AlternativeUncertainty, horizon: int, index: int) -> Chart:
    """The break-even histogram of alternative ``index`` (``name``) from its samples
    ``u``: a scenario's (:func:`break_even_histogram`) or a portfolio's."""
    counts = u.break_even_month_histogram
    x = [float(m) + 0.5 for m in range(len(counts) - 1)]
    return Chart(
        HISTOGRAM.format(index),
        f"Break-even month of {name} across {u.samples:,} samples",
        "break-even month",
        "share of samples",
        [Series("samples", x, [c / u.samples for c in counts[:-1]], BAND_COLOUR)],
        [{"never": counts[-1] / u.samples}],
        _never_note(counts[-1] / u.samples, u.p_behind_again_at["horizon"] or 0.0, horizon),
    )


def _never_note(never: float, again: float, horizon: int) -> str:
    """The samples that never break even, and those that do and are behind again at the
    horizon (``again``; neither pays back within it), so the shares add up with the chance,
    in the words of the other summaries (:func:`~payback.report.windows.samples_behind_text`).

    >>> _never_note(0.43, 0.0, 24)
    '43% of samples never break even within 24 months.'
    >>> _never_note(0.435, 0.009, 24)
    '44% of samples never break even within 24 months; it breaks even by month 24 but is behind again there in 0.9% of samples.'
    """
    text = f"{share_text(never)} of samples never break even within {months_text(horizon)}"
    again_text = samples_behind_text({"horizon": again}, horizon)
    return text + (f"; it {again_text}" if again_text else "") + "."


def _ranges_note(assumed: list[str | None], narrowed: bool = False) -> str:
    """How the tornado's inputs moved; ``narrowed``: some moved one way only (an end
    analyze refuses taken back to the file's value, said under its name)."""
    ways = []
    if any(a is None for a in assumed):
        ways.append("between its p10 and p90")
    swings = sorted({a for a in assumed if a and a.startswith("±")})
    if swings:
        one_way = ", one way only where analyze refuses the file at the other end"
        ways.append(f"by {' or '.join(swings)} of its value{one_way if narrowed else ''}")
    if any(a and not a.startswith("±") for a in assumed):
        ways.append("over an assumed range when it is a rate left at 0")
    return "Each input moves " + "; ".join(ways) + " (the range is under its name)."


def drivers(analysis: Analysis, index: int, top: int = 10) -> Chart | None:
    """The tornado: NPV at each driver's low and high end, around the central NPV; each
    input's own range under its name."""
    from payback.studies.fleet_cap import cap_note

    ranked = analysis.drivers[index][:top]
    if not ranked:
        return None
    rows = [float(i) for i in range(len(ranked))]
    lows, highs = [d.npv_low_usd for d in ranked], [d.npv_high_usd for d in ranked]
    return Chart(
        TORNADO.format(index),
        f"What moves the NPV of {analysis.alternatives[index].name} (each input alone, the rest central)",
        "NPV (USD)",
        "input",
        [
            Series("input at its low end", rows, lows, LOW_END_COLOUR),
            Series("input at its high end", rows, highs, HIGH_END_COLOUR),
        ],
        [
            {
                "labels": [input_label(d.parameter) for d in ranked],
                "paths": [d.parameter for d in ranked],
                "ranges": [driver_range(analysis, d) for d in ranked],
                "center": (center := analysis.alternatives[index].npv_usd),
                "center_side": _roomier_side(center, [*lows, *highs]),
            }
        ],
        "Bars start at the NPV with every input central; the longest bar is the assumption to "
        "measure first. "
        + _ranges_note([d.assumed for d in ranked], any(d.narrowed for d in ranked))
        + (f" {capped}" if (capped := cap_note(ranked)) else ""),
    )


def _roomier_side(center: float, values: list[float]) -> str:
    """The side of the tornado's central line with more of the axis, where its label
    ('central NPV $25,395') goes in the PNG and on the web page, whose plots span the
    chart: to the right of a line near the axis' right end it would run past the
    chart's edge. (The HTML report's goes left, over the margin above the names.)"""
    low, high = min(center, *values), max(center, *values)
    return "left" if center - low > high - center else "right"


def inputs_table(analysis: Analysis) -> list[dict[str, Any]]:
    """Every number the engine uses: its value, and where it came from (the scenario file,
    a default, a catalog, an estimate) with its range when it is uncertain."""
    return input_rows(analysis)


def all_charts(analysis: Analysis) -> list[Chart]:
    """Every chart of a report, in reading order: the one-time items when there are any,
    the fan and histogram only when the analysis sampled distributions, the drivers
    always (assumed swings without distributions)."""
    charts = [cumulative_costs(analysis)]
    charts += [monthly_components(analysis, i) for i in range(len(analysis.alternatives))]
    if any(alt.one_time_usd for alt in analysis.alternatives):
        charts.append(one_time_items(analysis))
    charts.append(cost_per_1k_vs_traffic(analysis))
    sampled = analysis.uncertainty is not None and bool(analysis.uncertainty.inputs)
    for i in range(len(analysis.alternatives)):
        builds = (savings_fan, break_even_histogram, drivers) if sampled else (drivers,)
        charts += [chart for chart in (build(analysis, i) for build in builds) if chart is not None]
    return charts
