"""Time and memory of `payback analyze --samples` at 2k and 200k samples, in one run.

Run on demand (not in the test suite), after the README's install:

    .venv/bin/python benchmarks/bench_uncertainty.py

Targets (issue: uncertainty): 200k samples of a 24-month scenario in under 3 s on a
2-core machine; the 200k run at most 4x the 2k run; peak memory under 1 GiB. The CLI
figures (a fresh process each, as a user runs it; best of three) are the targets; the
in-process figures show the sampling itself without interpreter start-up. The run is
pinned to two CPUs where the system allows it. Exits 1 when a target is missed.
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


def in_process(samples: int) -> float:
    """Best of three of payback.analyze with samples, in this process [s]."""
    import payback

    scenario = payback.load_scenario(SCENARIO)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        payback.analyze(scenario, samples=samples)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))[:2]
        os.sched_setaffinity(0, cpus)
    print(
        f"scenario: {SCENARIO.name}; CPUs used: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()}"
    )
    small, small_mem = run(2_000)
    large, large_mem = run(200_000)
    print(f"payback analyze --samples 2,000:   {small:6.2f} s   peak {small_mem:6.0f} MiB")
    print(f"payback analyze --samples 200,000: {large:6.2f} s   peak {large_mem:6.0f} MiB")
    print(f"200k / 2k wall-time ratio (CLI):   {large / small:6.2f}")
    small_in, large_in = in_process(2_000), in_process(200_000)
    print(
        f"in process: 2,000 {small_in:.3f} s, 200,000 {large_in:.3f} s ({large_in / small_in:.0f}x for 100x samples)"
    )
    missed = [
        name
        for name, ok in (
            ("under 3 s", large < 3.0),
            ("at most 4x", large / small <= 4.0),
            ("under 1 GiB", large_mem < 1024),
        )
        if not ok
    ]
    print("targets: " + ("all met" if not missed else "missed: " + ", ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
