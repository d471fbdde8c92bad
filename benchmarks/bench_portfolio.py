"""Monte Carlo speed of a 10-workload portfolio as a ratio to the single-workload run.

Run on demand (not in the test suite), after the README's install:

    .venv/bin/python benchmarks/bench_portfolio.py [SAMPLES]

Three in-process runs of the same number of samples (default 100,000), 24 months, every
workload's traffic and the API's output price drawn from distributions, best of three each:

- single: today's engine (:func:`payback.studies.uncertainty.monte_carlo`) on one workload;
- portfolio of 1: the same workload through the portfolio path;
- portfolio of 10: ten workloads on one shared fleet of adapters, plus a fleet-per-workload
  and a hosted alternative.

The portfolio evaluates each workload with the one vectorized engine (samples on the
leading axis, no per-sample loop), so its time grows about linearly with the workloads.
Target: the 10-workload run at most 20 times the single run (twice linear). Exits 1
when it is missed.

Last measured (100,000 samples, on a 2-core machine shared with other jobs, load average
7.4 to 8.8): the 10-workload run 5.6x the single run twice (6.8 and 8.3 s against 1.2 and
1.5 s), the portfolio of 1 1.2x to 1.8x; before the placement looked η up per count and
the workloads' baselines were stacked once per evaluation, 8.2x twice in the same minutes.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from payback.analysis.portfolio import prepare
from payback.scenario import parse_scenario
from payback.studies.portfolio_uncertainty import portfolio_monte_carlo
from payback.studies.uncertainty import monte_carlo

TARGET_RATIO = 20.0


def workload(k: int) -> dict[str, Any]:
    requests = 20_000.0 * (k + 1)
    return {
        "name": f"task {k}",
        "traffic": {
            "requests_per_month": {
                "dist": "triangular",
                "low": requests / 2,
                "mode": requests,
                "high": requests * 2,
            },
            "growth_monthly": 0.02,
            "input_tokens": 500.0 + 200 * k,
            "output_tokens": 100.0 + 30 * k,
            "peak_to_average": 2.0 + 0.3 * k,
        },
        "one_time": {"data_usd": 1500.0, "eval_usd": 500.0},
    }


def scenario(workloads: int, *, portfolio: bool) -> dict[str, Any]:
    alternatives = [
        {
            "name": "adapters on one fleet",
            "kind": "self_hosted",
            "usd_per_gpu_hour": 0.9,
            "replica_requests_per_s": 4.0,
            "min_replicas": 2,
            "ops_usd_per_month": 400.0,
            "one_time": {"engineer_hours": 80, "engineer_usd_per_hour": 120.0},
        },
        {
            "name": "a fleet each",
            "kind": "self_hosted",
            "usd_per_gpu_hour": 0.9,
            "replica_requests_per_s": 4.0,
            "ops_usd_per_month": 400.0,
        },
        {
            "name": "hosted mini",
            "kind": "hosted_api",
            "input_usd_per_mtok": 0.4,
            "output_usd_per_mtok": 1.6,
        },
    ]
    if portfolio:
        alternatives[0]["portfolio"] = {"fleet": "shared"}
        alternatives[1]["portfolio"] = {"fleet": "separate"}
    data: dict[str, Any] = {
        "scenario": {"name": "bench", "horizon_months": 24, "discount_rate_annual": 0.1},
        "baseline": {
            "name": "api",
            "kind": "hosted_api",
            "input_usd_per_mtok": 2.5,
            "output_usd_per_mtok": {"dist": "uniform", "low": 6.0, "high": 12.0},
        },
        "alternatives": alternatives,
    }
    tasks = [workload(k) for k in range(workloads)]
    if portfolio:
        data["workloads"] = tasks
    else:
        data["traffic"] = tasks[0]["traffic"]
    return data


def best_of_three(run: Any) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    single = parse_scenario(scenario(1, portfolio=False))
    one = prepare(parse_scenario(scenario(1, portfolio=True)))
    ten = prepare(parse_scenario(scenario(10, portfolio=True)))
    t_single = best_of_three(lambda: monte_carlo(single, samples, 0))
    t_one = best_of_three(lambda: portfolio_monte_carlo(one, samples, 0))
    t_ten = best_of_three(lambda: portfolio_monte_carlo(ten, samples, 0))
    ratio = t_ten / t_single
    print(f"{samples:,} samples, 24 months, 3 alternatives (best of three, in process)")
    print(f"single workload (today's engine):  {t_single:7.3f} s")
    print(f"portfolio of 1 workload:           {t_one:7.3f} s  ({t_one / t_single:.1f}x)")
    print(f"portfolio of 10 workloads:         {t_ten:7.3f} s  ({ratio:.1f}x the single run)")
    ok = ratio <= TARGET_RATIO
    print(f"target: at most {TARGET_RATIO:g}x: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
