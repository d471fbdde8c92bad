"""The cost-per-1k chart's crossover label is kept clear of the dashed line of today's
traffic: tried as a new user would, quarter-200k's 'cheaper from ~104k/month' was crossed
by it on a 420 px page."""

from __future__ import annotations

import math

import pytest

from helpers import EXAMPLES
from payback import analyze, load_scenario
from payback.report import charts as ch
from payback.report.placement import PER_1K_CHAR_WIDTH


def _span(name: str) -> tuple[float, float, float]:
    """The crossover label's left and right edges on a phone's plot and today's line, as
    shares of the plot's width (the axis is logarithmic)."""
    chart = ch.cost_per_1k_vs_traffic(analyze(load_scenario(EXAMPLES / f"{name}.toml")))
    (low, high), _ = ch.per_1k_ranges(chart)

    def share(x: float) -> float:
        return math.log10(x / low) / math.log10(high / low)

    (label,) = [m for m in chart.markers if not ch.is_today(m)]
    (today,) = [m for m in chart.markers if ch.is_today(m)]
    width = PER_1K_CHAR_WIDTH * max(len(line) for line in label["label"].split("\n"))
    at = share(label["label_x"])
    left = {"left": at, "right": at - width, "center": at - width / 2}[label["align"]]
    return left, left + width, share(today["x"])


@pytest.mark.parametrize("name", ["quarter-200k"])
def test_the_crossover_label_stands_clear_of_todays_line(name: str) -> None:
    left, right, today = _span(name)
    assert today == pytest.approx(0.5)  # 200k: 30 times 6,667, a 30th of 6M
    assert not left - 0.005 <= today <= right + 0.005, (left, right, today)
