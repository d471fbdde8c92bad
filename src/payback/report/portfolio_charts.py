"""The data behind a portfolio's charts, from its analysis only (the alternatives'
monthly costs, break-evens and contributions); the scenario report's renderers draw them
(:func:`payback.report.markdown.png_bytes`, :func:`payback.report.html.figure`), by the
first word of each chart's key as theirs."""

from __future__ import annotations

import numpy as np

from payback.analysis.verdict import month_text, saves_nothing
from payback.report.charts import (
    CONTRIBUTIONS,
    CUMULATIVE_PORTFOLIO,
    Chart,
    Series,
    fan_chart,
    histogram_chart,
    value_range,
)
from payback.report.common import BASELINE_COLOUR, alternative_colour
from payback.report.placement import place_break_evens
from payback.report.portfolio_common import (
    adds_up_words,
    baseline_today,
    shares_fleet,
)
from payback.studies.portfolio import PortfolioAlternative, PortfolioAnalysis
from payback.studies.uncertainty import AlternativeUncertainty

__all__ = [
    "FLEET_COLOUR",
    "NET_COLOUR",
    "SAVES_COLOUR",
    "cumulative_costs",
    "portfolio_charts",
    "sampled_charts",
    "workload_contributions",
]

SAVES_COLOUR = "#2c7fb8"
FLEET_COLOUR = "#d95f02"
NET_COLOUR = "#1b9e77"


def _cumulative(values: list[float], start: float = 0.0) -> list[float]:
    return [start, *(start + np.cumsum(values)).tolist()]


def _baselines(analysis: PortfolioAnalysis) -> list[tuple[str, list[float]]]:
    """One baseline line when every alternative serves the same workloads (the same
    costs today); else one per alternative, for the workloads it serves."""
    alts = analysis.alternatives
    if all(a.baseline_usd == alts[0].baseline_usd for a in alts):
        return [(f"baseline: {baseline_today(analysis)}", alts[0].baseline_usd)]
    return [
        (f"baseline: {baseline_today(analysis, a)} for {a.name}'s workloads", a.baseline_usd)
        for a in alts
    ]


def _marker_text(alt: PortfolioAlternative) -> str:
    t = alt.break_even_month
    assert t is not None
    if saves_nothing(alt.cumulative_savings_usd):
        return f"{alt.name}: saves nothing"
    return f"{alt.name}: " + ("pays back at once" if t == 0 else f"break-even {month_text(t)}")


def cumulative_costs(analysis: PortfolioAnalysis) -> Chart:
    """Cumulative cost over the horizon of the baseline and of each alternative serving its
    workloads (its one-time cost at month 0), each break-even marked where its line crosses
    the baseline's: the alternative's cumulative savings (``analyze --json``) are the gap."""
    horizon = analysis.horizon_months
    months = [float(m) for m in range(horizon + 1)]
    baselines = _baselines(analysis)
    series = [Series(name, months, _cumulative(b), BASELINE_COLOUR) for name, b in baselines]
    markers = []
    for i, alt in enumerate(analysis.alternatives):
        cum = _cumulative(alt.monthly_cost_usd, alt.one_time_usd)
        series.append(Series(alt.name, months, cum, alternative_colour(i)))
        if alt.break_even_month is not None:
            base = _cumulative(alt.baseline_usd)
            markers.append(
                {
                    "name": alt.name,
                    "x": alt.break_even_month,
                    "y": float(np.interp(alt.break_even_month, months, base)),
                    "text": _marker_text(alt),
                    "color": alternative_colour(i),
                }
            )
    chart = Chart(
        CUMULATIVE_PORTFOLIO,
        "Cumulative cost of the workloads: where an alternative's line crosses the baseline's, "
        "it has paid back",
        "month",
        "cumulative cost (USD)",
        series,
        markers,
        "Alternatives start at their one-time cost ("
        + (
            "every workload's, the shared items and the servers a shared fleet buys in cash"
            if any(a.fleet_one_time_usd for a in analysis.alternatives)
            else "every workload's and the shared items"
        )
        + f"); the baseline, every workload on {baseline_today(analysis)}, starts at $0.",
    )
    place_break_evens(markers, series, (-0.015 * horizon, 1.015 * horizon), value_range(chart))
    return chart


def workload_contributions(analysis: PortfolioAnalysis, index: int) -> Chart:
    """Per workload of one alternative: the present value of what it saves, its share of
    the fleet and the net (saves less fleet share): the contribution table as bars."""
    alt = analysis.alternatives[index]
    cs = alt.contributions
    x = [float(k) for k in range(len(cs))]
    shared = shares_fleet(alt)
    fleet = "fleet share (by GPU time)" if shared else "own fleet"
    series = [Series("saves", x, [c.savings_usd for c in cs], SAVES_COLOUR)]
    if alt.fleet is not None:  # a price per request or per token: no fleet to pay for
        series.append(Series(fleet, x, [c.fleet_usd for c in cs], FLEET_COLOUR))
    net = "net" if alt.fleet is None else "net: saves less " + fleet.split(" (")[0]
    series.append(Series(net, x, [c.net_usd for c in cs], NET_COLOUR))
    return Chart(
        CONTRIBUTIONS.format(index),
        f"What each workload brings to {alt.name} (present values)",
        "workload",
        "USD (present value)",
        series,
        [{"labels": [c.workload for c in cs]}],
        (
            "A workload whose net is above $0 carries the fleet; below, it rides on it."
            if shared
            else "A workload whose net is above $0 pays its way; below, it does not."
        )
        + " "
        + adds_up_words(analysis, index),
    )


def sampled_charts(analysis: PortfolioAnalysis, index: int) -> list[Chart]:
    """With samples of the scenario's distributions (``--samples``), the scenario report's
    savings fan and break-even histogram of alternative ``index`` (its workloads moved
    together); none without samples, or without a distribution to sample."""
    sampled = analysis.uncertainty
    if sampled is None or not sampled["inputs"]:
        return []
    summary = dict(sampled["alternatives"][index])
    summary.pop("drivers", None)  # the charts read the samples' figures only
    u = AlternativeUncertainty(**summary)
    name, horizon = analysis.alternatives[index].name, analysis.horizon_months
    return [fan_chart(name, u, horizon, index), histogram_chart(name, u, horizon, index)]


def portfolio_charts(analysis: PortfolioAnalysis) -> list[Chart]:
    """A portfolio report's charts, in reading order: the cumulative costs, then each
    alternative's workloads' contributions; with samples, each alternative's savings fan
    and break-even histogram, as a scenario's report draws them."""
    indices = range(len(analysis.alternatives))
    charts = [cumulative_costs(analysis)]
    charts += [workload_contributions(analysis, i) for i in indices]
    charts += [chart for i in indices for chart in sampled_charts(analysis, i)]
    return charts
