"""Time and memory of `payback analyze --samples` at 2k and 200k samples, in one run.

Run on demand (not in the test suite):  .venv/bin/python benchmarks/bench_uncertainty.py

Targets (issue: uncertainty): 200k samples of a 24-month scenario in under 3 s on a
2-core machine; the 200k run at most 4x the 2k run; peak memory under 1 GiB.
Each run is a fresh process, as a user would start it; the best of three is kept.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "examples" / "quarter-uncertain.toml"


def run(samples: int) -> tuple[float, float]:
    """Best wall time [s] of three runs and the peak resident memory of the children [MiB]."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "payback.cli",
                "analyze",
                str(SCENARIO),
                "--samples",
                str(samples),
                "--json",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        best = min(best, time.perf_counter() - start)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return best, peak_kib / 1024


def main() -> None:
    print(f"scenario: {SCENARIO.name}, {os.cpu_count()} CPUs")
    small, small_mem = run(2_000)
    large, large_mem = run(200_000)
    print(f"analyze --samples 2,000:   {small:6.2f} s   peak {small_mem:6.0f} MiB")
    print(f"analyze --samples 200,000: {large:6.2f} s   peak {large_mem:6.0f} MiB")
    print(f"200k / 2k wall-time ratio: {large / small:6.2f}")


if __name__ == "__main__":
    main()
