"""The cost-per-1k chart's crossover marker sits where its label says the crossover is."""

from __future__ import annotations

import tomllib

import pytest

from helpers import EXAMPLES, build, edited
from payback import analyze
from payback.report import charts as ch


def test_crossover_marker_sits_at_the_stated_crossing() -> None:
    # examples/quarter-200k.toml tried as a new user would: not always on, 500k requests,
    # 12 months. Per 1k: baseline 2000 x (0.8 x 3 + 0.2 x 0.3) / 1000 + 400 x 15 / 1000
    # = $10.92; the L4's busy hours at 70% use cost $0.80 / (0.85 x 3.6 x 0.7) = $0.3735 a 1k
    # for the 90% it serves ($0.336), the 10% sent on to the baseline $1.092. Fixed: $300 ops
    # + $800 / 6 retraining a month, so the crossing is
    # 433.33 / (10.92 - 0.336 - 1.092) x 1000 = 45,652 requests a month.
    data = tomllib.loads((EXAMPLES / "quarter-200k.toml").read_text())
    data = edited(data, "alternatives.0.always_on", False)
    data = edited(data, "traffic.requests_per_month", 500_000)
    data = edited(data, "scenario.horizon_months", 12)
    analysis = analyze(build(data))
    chart = ch.cost_per_1k_vs_traffic(analysis)
    (crossing,) = [m for m in chart.markers if m["name"] != "today"]
    (at,) = analysis.cost_per_1k_curve.crossovers[0]
    assert crossing["volume"] == 45_700  # the label's ~45.7k
    assert crossing["x"] == pytest.approx(at)
    assert crossing["x"] == pytest.approx(45_652, rel=2e-3)  # by hand, not the next level's 46,236
    assert crossing["y"] == pytest.approx(10.92)  # on the baseline's line, not below it
