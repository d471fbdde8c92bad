"""A Markdown report's chart of many alternatives holds its legend: with 100 alternatives
the cumulative-cost, one-time and cost-per-1k charts' legends (51 rows below the plot)
took the whole figure, matplotlib printed "constrained_layout not applied because axes
sizes collapsed to zero" on stderr, and the plot was drawn squashed (so with 60 here)."""

from __future__ import annotations

import io
import warnings

import pytest

import payback
from helpers import build, per_request_dict
from payback.report import charts as ch
from payback.report.markdown import draw


def _many(count: int) -> payback.Analysis:
    data = per_request_dict(horizon=12)
    first = data["alternatives"][0]
    data["alternatives"] = [
        {**first, "name": f"option {i}", "usd_per_1k_requests": 2.0 + i / 10} for i in range(count)
    ]
    return payback.analyze(build(data))


@pytest.mark.parametrize("count", [3, 60])
def test_every_chart_of_many_alternatives_keeps_its_plot(count: int) -> None:
    analysis = _many(count)
    for chart in (
        ch.cumulative_costs(analysis),
        ch.one_time_items(analysis),
        ch.cost_per_1k_vs_traffic(analysis),
    ):
        figure = draw(chart)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib's "axes sizes collapsed to zero"
            figure.savefig(io.BytesIO(), format="png")
        (axes,) = figure.axes
        plot_inches = axes.get_position().height * figure.get_figheight()
        assert plot_inches > 2.5, (chart.key, count, plot_inches)
        if count == 3:  # a short legend: the chart's own height, as before
            assert figure.get_figheight() == 5.0
