"""Start-up cost of the command line, as process CPU time (user + system) per run.

    .venv/bin/python benchmarks/bench_startup.py [--runs 7]

Goals on a 2-core machine: ``payback --help``, ``payback quick ...`` and ``payback init``
at most 0.3 s; ``payback analyze examples/quarter-200k.toml`` at most 0.5 s. CPU time, not
wall time, so that another busy process on the machine moves the figure less. The median of
the runs is reported, with what ``import payback`` alone costs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAYBACK = str(Path(sys.executable).with_name("payback"))

GOALS = {
    "payback --help": 0.3,
    "payback quick 15 2 400": 0.3,
    "payback init": 0.3,
    "payback analyze examples/quarter-200k.toml": 0.5,
}


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"COLUMNS": "100"}
"""As a user runs it: with bytecode (``pip install`` compiles it; a shell that sets
PYTHONDONTWRITEBYTECODE would otherwise recompile ~50 modules at every run, +0.06 s)."""


def cpu_seconds(argv: list[str], cwd: Path) -> float:
    """User + system CPU seconds of one run of ``argv`` (its children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True, env=ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def commands(scratch: Path) -> dict[str, list[str]]:
    return {
        "python -c 'import payback'": [sys.executable, "-c", "import payback"],
        "payback --help": [PAYBACK, "--help"],
        "payback quick 15 2 400": [
            PAYBACK, "quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "400",
        ],
        "payback init": [PAYBACK, "init", str(scratch / "scenario.toml"), "--force"],
        "payback analyze examples/quarter-200k.toml": [
            PAYBACK, "analyze", str(ROOT / "examples" / "quarter-200k.toml"),
        ],
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    failed = False
    import compileall

    import payback

    compileall.compile_dir(Path(payback.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        print(f"{'command':<46} {'CPU s (median)':>15} {'min':>7} {'goal':>6}")
        for name, argv in commands(scratch).items():
            cpu_seconds(argv, scratch)  # warm the file cache and bytecode
            runs = [cpu_seconds(argv, scratch) for _ in range(args.runs)]
            median = statistics.median(runs)
            goal = GOALS.get(name)
            mark = "" if goal is None else ("ok" if median <= goal else "OVER")
            failed |= mark == "OVER"
            print(
                f"{name:<46} {median:>15.3f} {min(runs):>7.3f} {'' if goal is None else goal:>6} {mark}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
