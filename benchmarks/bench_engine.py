"""How fast the engine is, and how much vectorizing over samples buys.

Run on demand (not in the test suite):  .venv/bin/python benchmarks/bench_engine.py

Prints the wall time of the CLI's `analyze` (process start included), of one
deterministic evaluation, and of N samples evaluated at once against the same N
evaluated one scenario at a time, as a ratio.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import payback
from payback.analysis.cashflows import evaluate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "growth.toml"


def best_of(repeats: int, func) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    scenario = payback.load_scenario(EXAMPLE)
    cli = best_of(
        3,
        lambda: subprocess.run(
            [sys.executable, "-m", "payback.cli", "analyze", str(EXAMPLE)],
            check=True,
            capture_output=True,
        ),
    )
    one = best_of(20, lambda: payback.analyze(scenario))
    n = 2_000
    rng = np.random.default_rng(0)
    overrides = {
        "traffic.requests_per_month": rng.uniform(2e5, 5e6, n),
        "alternatives.0.usd_per_gpu_hour": rng.uniform(1.5, 4.0, n),
        "alternatives.0.replica_requests_per_s": rng.uniform(4.0, 20.0, n),
    }
    vectorized = best_of(5, lambda: evaluate(scenario, overrides))

    def loop() -> None:
        for i in range(n):
            evaluate(scenario, {k: v[i] for k, v in overrides.items()})

    looped = best_of(1, loop)
    print(
        f"scenario: {EXAMPLE.name}, {scenario.scenario.horizon_months} months, "
        f"{len(scenario.alternatives)} alternatives"
    )
    print(f"payback analyze (new process):      {cli * 1000:8.1f} ms")
    print(f"analyze() in process:               {one * 1000:8.2f} ms")
    print(f"evaluate(), {n} samples at once:    {vectorized * 1000:8.2f} ms")
    print(f"evaluate(), {n} samples one by one: {looped * 1000:8.1f} ms")
    print(f"vectorized speed-up:                {looped / vectorized:8.0f}x")


if __name__ == "__main__":
    main()
