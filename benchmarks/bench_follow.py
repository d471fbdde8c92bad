"""What it costs a study that a capacity estimated from model and gpu follows its samples.

Run on demand (not in the test suite), after the README's install:

    .venv/bin/python benchmarks/bench_follow.py

The engine on examples/catalog-ids.toml with its output length (then its input length
too) drawn at 200,000 samples: once with the capacity following each sample
(:mod:`payback.analysis.follow`: estimates on a lattice, read between), once held at the
file's (``follow=False``, what studies did before), in one process; then the same again,
its lattice resolved already. Prints each time, the ratio to the held engine, and how far
a sample reads from the file resolved at its own lengths (the most of 40 checked).
Target: a first run under 20 s on two CPUs (two lengths over 13-20x ranges: about 850
estimates), and a lattice within 0.2% of its own resolution. Exits 1 when a target is
missed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = 200_000


def main() -> int:
    from payback.analysis.cashflows import evaluate
    from payback.analysis.resolve import resolve
    from payback.scenario import load_scenario
    from payback.scenario.paths import with_value

    base = load_scenario(ROOT / "examples" / "catalog-ids.toml")
    resolved = resolve(with_value(base, "traffic.requests_per_month", 3e7))
    rng = np.random.default_rng(0)
    cases = {
        "output": {"traffic.output_tokens": rng.uniform(150, 2000, SAMPLES)},
        "input and output": {
            "traffic.output_tokens": rng.uniform(150, 2000, SAMPLES),
            "traffic.input_tokens": rng.uniform(300, 6000, SAMPLES),
        },
    }
    evaluate(resolved, {"traffic.requests_per_month": np.array([3e7])}, follow=False)  # warm
    missed = False
    for name, overrides in cases.items():
        start = time.perf_counter()
        held = evaluate(resolved, overrides, follow=False)
        t_held = time.perf_counter() - start
        start = time.perf_counter()
        ev = evaluate(resolved, overrides)
        t_first = time.perf_counter() - start
        start = time.perf_counter()
        evaluate(resolved, overrides)
        t_again = time.perf_counter() - start
        worst = 0.0
        for i in range(0, SAMPLES, SAMPLES // 40):
            scenario = resolved.original
            for path, values in overrides.items():
                scenario = with_value(scenario, path, float(values[i]))
            own = float(evaluate(resolve(scenario)).alternatives[0].npv_usd)
            worst = max(worst, abs(float(ev.alternatives[0].npv_usd[i]) / own - 1))
        moved = float(
            np.median(np.abs(ev.alternatives[0].npv_usd / held.alternatives[0].npv_usd - 1))
        )
        print(
            f"{name}: held {t_held:.2f} s; following {t_first:.2f} s first "
            f"({t_first / t_held:.0f}x), {t_again:.2f} s again ({t_again / t_held:.1f}x); "
            f"worst of 40 samples {worst:.3%} from its own resolution; median NPV moved "
            f"{moved:.1%} from the held capacity's"
        )
        missed |= t_first > 20.0 or worst > 2e-3
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
