"""The cost of 1,000 requests as monthly traffic varies, for every option at once.

One engine call over a grid of traffic levels from 1/30x to 30x today's, at month-1
prices with retraining spread over its schedule (``retrain_usd / every``, not the lump
in the months it falls in: month 1 usually has none). Always-on fleets step up where
another replica is needed; the report's chart reads this curve and draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from payback.analysis.cashflows import OptionCosts, evaluate
from payback.analysis.resolve import Resolved
from payback.finance._types import FloatArray
from payback.scenario import value_at

__all__ = ["CURVE_POINTS", "PerThousandCurve", "per_1k_curve"]

CURVE_POINTS = 241
"""Traffic levels of the curve, logarithmically spaced (about 3% apart)."""
CURVE_SPAN = 30.0
"""The curve runs from today's traffic divided by this to today's times this."""


@dataclass(frozen=True)
class PerThousandCurve:
    """USD per 1,000 requests at each traffic level, by option (month-1 prices,
    retraining spread per month)."""

    requests_per_month: list[float]
    """The traffic levels, low to high."""
    baseline_usd: list[float]
    alternatives_usd: list[list[float]]
    """One list per alternative, in the scenario's order."""


def _month_1_spread(resolved: Resolved, path: str, costs: OptionCosts) -> FloatArray:
    """Month-1 cost with retraining spread over its schedule."""
    scenario = resolved.scenario
    every = round(float(value_at(scenario, f"{path}.recurring.retrain_every_months")))
    cost = float(value_at(scenario, f"{path}.recurring.retrain_usd"))
    spread = cost / every if every > 0 else 0.0
    retraining = costs.components.get("retraining")
    first = costs.monthly_usd[:, 0] - (retraining[:, 0] if retraining is not None else 0.0)
    return np.asarray(first + spread, dtype=np.float64)


def per_1k_curve(resolved: Resolved, points: int = CURVE_POINTS) -> PerThousandCurve:
    """The cost of 1,000 requests of every option over ``points`` traffic levels."""
    today = float(resolved.scenario.traffic.requests_per_month)
    volumes = np.geomspace(today / CURVE_SPAN, today * CURVE_SPAN, points)
    ev = evaluate(resolved, {"traffic.requests_per_month": volumes})

    def per_1k(path: str, costs: OptionCosts) -> list[float]:
        values: list[float] = (_month_1_spread(resolved, path, costs) / volumes * 1000.0).tolist()
        return values

    return PerThousandCurve(
        requests_per_month=volumes.tolist(),
        baseline_usd=per_1k("baseline", ev.baseline),
        alternatives_usd=[
            per_1k(f"alternatives.{i}", outcome.costs) for i, outcome in enumerate(ev.alternatives)
        ],
    )
