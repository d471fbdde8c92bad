"""The cost engine keeps, beside the GPUs an option pays for, those each month needs
(``OptionCosts.needed_gpus``, from ``finance.self_hosted_cost``): the portfolio's own
fleets take their reserved-but-idle GPUs from it instead of sizing the fleet again.

By hand (the shrinking fleet of test_commitment_reserved): 1e8 requests in month 1
falling 30% a month, replicas of 10 requests/s planned at 70% (7 usable): 38.05, 26.64,
18.64, 13.05, 9.14, 6.39 requests/s in months 1-6 need 6, 4, 3, 2, 2, 1 GPUs, then 1."""

from __future__ import annotations

import numpy as np

from payback.analysis.cashflows import evaluate
from payback.scenario import parse_scenario

NEEDED = [6.0, 4.0, 3.0, 2.0, 2.0] + [1.0] * 8
FLEET = {"kind": "self_hosted", "usd_per_gpu_hour": 2.0, "replica_requests_per_s": 10}


def test_the_engine_keeps_the_gpus_a_committed_fleet_needs() -> None:
    data = {
        "scenario": {"name": "shrink", "horizon_months": 13},
        "traffic": {"requests_per_month": 1e8, "growth_monthly": -0.3},
        "baseline": {"name": "b", "kind": "per_request", "usd_per_1k_requests": 5},
        "alternatives": [
            {"name": "od"} | FLEET,
            {"name": "1y", "commitment": "1y"} | FLEET,
            {"name": "to zero", "always_on": False} | FLEET,
        ],
    }
    od, committed, to_zero = evaluate(parse_scenario(data)).alternatives
    assert od.costs.needed_gpus is not None
    assert committed.costs.needed_gpus is not None
    np.testing.assert_array_equal(od.costs.needed_gpus, NEEDED)
    np.testing.assert_array_equal(committed.costs.needed_gpus, od.costs.gpus)
    np.testing.assert_array_equal(committed.costs.gpus, [6.0] * 12 + [1.0])
    assert np.all(committed.costs.gpus >= committed.costs.needed_gpus)
    # scaled to zero reserves nothing: it needs the busy GPU-hours / 730 it pays for
    assert to_zero.costs.gpus is not None
    np.testing.assert_array_equal(to_zero.costs.needed_gpus, to_zero.costs.gpus)
    # a hosted option has no fleet
    assert evaluate(parse_scenario(data)).baseline.needed_gpus is None
