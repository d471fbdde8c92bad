"""The data behind every chart, computed once from an analysis; renderers only draw.

Each builder returns plain lists (JSON-ready), so the HTML (plotly), the Markdown
(matplotlib) and tests see the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from payback.analysis import Analysis
from payback.engine import evaluate, numeric_paths
from payback.scenario import value_at
from payback.uncertainty import tornado

COMPONENT_NAMES = {
    "api": "API / usage fees",
    "gpus": "GPUs",
    "escalation": "escalation to baseline",
    "ops": "ops",
    "retraining": "retraining",
}
ONE_TIME_NAMES = {
    "data": "data",
    "engineering": "engineering",
    "eval": "eval harness",
    "training": "training runs",
}


@dataclass(frozen=True)
class Series:
    name: str
    x: list[float]
    y: list[float]


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


def cumulative_costs(analysis: Analysis) -> Chart:
    """Cumulative cost of the baseline and of each alternative (its one-time cost at month 0),
    with each break-even point marked where the alternative's line crosses the baseline's."""
    horizon = analysis.horizon_months
    months = [float(m) for m in range(horizon + 1)]
    base = [0.0, *np.cumsum(analysis.baseline.monthly_cost_usd).tolist()]
    series = [Series(f"baseline: {analysis.baseline.name}", months, base)]
    markers = []
    for alt in analysis.alternatives:
        cum = (alt.one_time_usd + np.concatenate([[0.0], np.cumsum(alt.monthly_cost_usd)])).tolist()
        series.append(Series(alt.name, months, cum))
        if alt.break_even_month is not None:
            t = alt.break_even_month
            y = float(np.interp(t, months, base))
            markers.append(
                {
                    "name": alt.name,
                    "x": t,
                    "y": y,
                    "text": f"{alt.name}: break-even month {t:.1f}",
                }
            )
    return Chart(
        "cumulative",
        "Cumulative cost: where an alternative's line crosses the baseline's, it has paid back",
        "month",
        "cumulative cost (USD)",
        series,
        markers,
        "Alternatives start at their one-time cost; the baseline starts at $0.",
    )


def monthly_components(analysis: Analysis, index: int) -> Chart:
    """One alternative's monthly cost stacked by component, with the baseline's total."""
    alt = analysis.alternatives[index]
    months = [float(m) for m in range(1, analysis.horizon_months + 1)]
    series = [Series(COMPONENT_NAMES.get(k, k), months, v) for k, v in alt.components_usd.items()]
    series.append(
        Series(
            f"baseline total: {analysis.baseline.name}", months, analysis.baseline.monthly_cost_usd
        )
    )
    return Chart(
        f"components-{index}",
        f"Monthly cost of {alt.name}, by component",
        "month",
        "cost per month (USD)",
        series,
        note="Bars stack the alternative's components; the line is what the baseline costs that month.",
    )


def one_time_items(analysis: Analysis) -> Chart:
    """One-time cost by item, per alternative (x: item, one series per alternative)."""
    items = list(ONE_TIME_NAMES)
    series = [
        Series(
            alt.name,
            list(range(len(items))),
            [float((alt.one_time_items_usd or {}).get(k, 0.0)) for k in items],
        )
        for alt in analysis.alternatives
    ]
    return Chart(
        "one-time",
        "One-time cost by item",
        "item",
        "USD",
        series,
        [{"labels": [ONE_TIME_NAMES[k] for k in items]}],
        "The training run is rarely the big item; data and engineering time usually are.",
    )


def cost_per_1k_vs_traffic(analysis: Analysis, points: int = 241) -> Chart:
    """Month-1 cost of 1,000 requests as monthly traffic varies from 1/30x to 30x today's:
    fleets step up as replicas are added; the crossovers are where an alternative starts
    (or stops) being cheaper per request than the baseline."""
    today = float(analysis.scenario.traffic.requests_per_month)
    volumes = np.geomspace(today / 30.0, today * 30.0, points)
    ev = evaluate(analysis.resolved, {"traffic.requests_per_month": volumes})
    per_1k_base = ev.baseline.monthly_usd[:, 0] / volumes * 1000.0
    series = [Series(f"baseline: {analysis.baseline.name}", volumes.tolist(), per_1k_base.tolist())]
    markers: list[dict[str, Any]] = []
    for alt, outcome in zip(analysis.alternatives, ev.alternatives, strict=True):
        per_1k = outcome.costs.monthly_usd[:, 0] / volumes * 1000.0
        series.append(Series(alt.name, volumes.tolist(), per_1k.tolist()))
        cheaper = per_1k <= per_1k_base
        for i in np.nonzero(np.diff(cheaper.astype(int)))[0]:
            markers.append(
                {
                    "name": alt.name,
                    "x": float(volumes[i + 1]),
                    "y": float(per_1k[i + 1]),
                    "text": f"{alt.name} {'cheaper' if cheaper[i + 1] else 'dearer'} from {volumes[i + 1]:,.0f} requests/month",
                }
            )
    markers.append(
        {
            "name": "today",
            "x": today,
            "y": float(np.interp(today, volumes, per_1k_base)),
            "text": "today's traffic",
        }
    )
    return Chart(
        "per-1k",
        "Cost of 1,000 requests as traffic varies (month 1, escalation included)",
        "requests per month",
        "USD per 1,000 requests",
        series,
        markers,
        "Self-hosted lines step where another replica is needed; below the crossover the API is cheaper.",
    )


def savings_fan(analysis: Analysis, index: int) -> Chart | None:
    """p10/p50/p90 of the cumulative savings over the months (with samples only)."""
    if analysis.uncertainty is None:
        return None
    u = analysis.uncertainty.alternatives[index]
    months = [float(m) for m in range(analysis.horizon_months + 1)]
    fan = u.cumulative_savings_percentiles
    return Chart(
        f"fan-{index}",
        f"Cumulative savings of {analysis.alternatives[index].name}: p10 to p90 of {u.samples:,} samples",
        "month",
        "cumulative savings (USD)",
        [Series(k, months, v) for k, v in fan.items()],
        note="Above zero it has paid back; the band holds 80% of the samples.",
    )


def break_even_histogram(analysis: Analysis, index: int) -> Chart | None:
    """Samples by break-even month (one bar a month), and those that never pay back."""
    if analysis.uncertainty is None:
        return None
    u = analysis.uncertainty.alternatives[index]
    counts = u.break_even_month_histogram
    x = [float(m) + 0.5 for m in range(len(counts) - 1)]
    return Chart(
        f"histogram-{index}",
        f"Break-even month of {analysis.alternatives[index].name} across {u.samples:,} samples",
        "break-even month",
        "share of samples",
        [Series("samples", x, [c / u.samples for c in counts[:-1]])],
        [{"never": counts[-1] / u.samples}],
        f"{counts[-1] / u.samples:.0%} of samples never pay back within {analysis.horizon_months} months.",
    )


def drivers(analysis: Analysis, index: int, top: int = 10) -> Chart | None:
    """The tornado: NPV at each driver's low and high end, around the central NPV."""
    if analysis.uncertainty is not None:
        ranked = analysis.uncertainty.alternatives[index].drivers[:top]
    else:
        ranked = tornado(analysis.resolved)[index][:top]
    if not ranked:
        return None
    how = "at its p10 and p90" if ranked[0].assumed is None else f"moved {ranked[0].assumed}"
    names = [d.parameter for d in ranked]
    return Chart(
        f"tornado-{index}",
        f"What moves the NPV of {analysis.alternatives[index].name} (each input {how}, the rest central)",
        "NPV (USD)",
        "input",
        [
            Series(
                "input at its low end", list(range(len(ranked))), [d.npv_low_usd for d in ranked]
            ),
            Series(
                "input at its high end", list(range(len(ranked))), [d.npv_high_usd for d in ranked]
            ),
        ],
        [{"labels": names, "center": analysis.alternatives[index].npv_usd}],
        "Bars start at the NPV with every input central; the longest bar is the assumption to measure first.",
    )


def inputs_table(analysis: Analysis) -> list[dict[str, Any]]:
    """Every number the engine uses: its value, and where it came from (the scenario file,
    a catalog, an estimate) with its range when it is uncertain."""
    resolved = analysis.resolved
    rows = []
    for path in numeric_paths(resolved):
        source = resolved.sources.get(path)
        dist = resolved.scenario.distributions.get(path)
        rows.append(
            {
                "path": path,
                "value": float(value_at(resolved.scenario, path)),
                "source": source.source if source else "scenario file",
                "reference": source.reference if source else None,
                "checked": source.checked.isoformat() if source and source.checked else None,
                "range": dist.model_dump() if dist else None,
            }
        )
    return rows


def all_charts(analysis: Analysis) -> list[Chart]:
    """Every chart of a report, in reading order: the fan and histogram only when the
    analysis sampled distributions, the drivers always (±25% swings without them)."""
    charts = [cumulative_costs(analysis)]
    charts += [monthly_components(analysis, i) for i in range(len(analysis.alternatives))]
    charts += [one_time_items(analysis), cost_per_1k_vs_traffic(analysis)]
    sampled = analysis.uncertainty is not None and bool(analysis.uncertainty.inputs)
    for i in range(len(analysis.alternatives)):
        builds = (savings_fan, break_even_histogram, drivers) if sampled else (drivers,)
        charts += [chart for chart in (build(analysis, i) for build in builds) if chart is not None]
    return charts


def log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 ticks between low and high, for log axes that stay readable.

    >>> log_ticks(40_000, 900_000)
    [50000.0, 100000.0, 200000.0, 500000.0]
    """
    ticks = []
    exponent = int(np.floor(np.log10(low)))
    while 10.0**exponent <= high:
        for step in (1.0, 2.0, 5.0):
            value = step * 10.0**exponent
            if low <= value <= high:
                ticks.append(value)
        exponent += 1
    return ticks
