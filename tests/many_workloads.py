"""Random portfolios in examples/portfolio.toml's shape, for the tests of the greedy order's
sums (tests/analysis/test_portfolio_steps.py, tests/studies/test_portfolio_greedy_steps.py):
a shared fleet of adapters, a fleet per workload and a hosted API, on a hosted baseline or
on a self-hosted one the workloads share today."""

from __future__ import annotations

from typing import Any

import numpy as np

SHARED = "adapters, one fleet"
SEPARATE = "a fleet each"


def random_portfolio(seed: int, n: int, *, baseline_fleet: bool = False) -> dict[str, Any]:
    """``n`` workloads of random traffic, lengths, peaks, capacities and one-time items."""
    rng = np.random.default_rng(seed)
    baseline: dict[str, Any] = {
        "name": "hosted",
        "kind": "hosted_api",
        "input_usd_per_mtok": 2.5,
        "output_usd_per_mtok": 10.0,
    }
    if baseline_fleet:
        baseline = {
            "name": "own fleet",
            "kind": "self_hosted",
            "usd_per_gpu_hour": 2.0,
            "gpus_per_replica": 2,
            "replica_requests_per_s": float(rng.uniform(1.0, 6.0)),
            "min_replicas": int(rng.integers(1, 3)),
        }
    escalation = float(rng.choice([0.0, 0.05]))
    shared = {
        "name": SHARED,
        "kind": "self_hosted",
        "usd_per_gpu_hour": 0.86,
        "gpus_per_replica": 1,
        "replica_requests_per_s": 13.8,
        "min_replicas": int(rng.integers(1, 3)),
        "escalation_share": escalation,
        "ops_usd_per_month": 500.0,
        "commitment": str(rng.choice(["none", "1y"])),
        "portfolio": {
            "fleet": "shared",
            "adapter_overhead": float(rng.uniform(0.0, 0.5)),
            "adapter_decade_loss": float(rng.uniform(0.0, 0.1)),
        },
        "one_time": {"engineer_hours": 120, "engineer_usd_per_hour": 120.0},
    }
    separate = shared | {"name": SEPARATE, "portfolio": {"fleet": "separate"}}
    hosted = {
        "name": "hosted mini",
        "kind": "hosted_api",
        "input_usd_per_mtok": 0.15,
        "output_usd_per_mtok": 0.6,
        "escalation_share": escalation,
    }
    workloads = []
    for k in range(n):
        rps = float(rng.uniform(0.3, 12.0))
        workloads.append(
            {
                "name": f"w{k}",
                "traffic": {
                    "requests_per_month": float(10 ** rng.uniform(3.5, 6.5)),
                    "input_tokens": float(rng.uniform(100, 3000)),
                    "output_tokens": float(rng.uniform(10, 500)),
                    "peak_to_average": float(rng.uniform(1, 6)),
                    "growth_monthly": float(rng.choice([0.0, 0.05])),
                },
                "one_time": {"data_usd": float(rng.uniform(0, 5000))},
                "alternatives": {
                    SHARED: {"replica_requests_per_s": rps},
                    SEPARATE: {"replica_requests_per_s": rps},
                },
            }
        )
    return {
        "scenario": {"name": "random tasks", "horizon_months": 12, "discount_rate_annual": 0.1},
        "baseline": baseline,
        "alternatives": [shared, separate, hosted],
        "workloads": workloads,
    }
