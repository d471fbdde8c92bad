"""Throughput and memory of `payback usage` on 10 million log rows (CSV and Parquet).

Run on demand (not in the test suite), after the README's install:

    .venv/bin/python benchmarks/bench_usage.py [ROWS]

Targets (issue: request logs): at least 2 million rows/s on Parquet, the whole CSV in
under 20 s on a 2-core machine, memory bounded (DuckDB streams; nothing is loaded into
Python objects). Each run is a fresh `payback usage --json` process; its peak resident
memory is read from the kernel. Files are generated in a temporary folder and removed.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb


def generate(folder: Path, rows: int) -> tuple[Path, Path]:
    """A generic log: one row a request over four months, tokens varying."""
    con = duckdb.connect()
    con.execute(
        f"""CREATE TABLE logs AS SELECT
            TIMESTAMPTZ '2026-06-01 00:00:00+00' + to_seconds(i * (122 * 86400 / {rows})) AS timestamp,
            CASE WHEN i % 3 = 0 THEN 'small' ELSE 'big' END AS model,
            800 + (i * 7919) % 900 AS input_tokens,
            150 + (i * 104729) % 200 AS output_tokens,
            (i % 4) * 100 AS cached_tokens
        FROM range({rows}) t(i)"""
    )
    csv, parquet = folder / "logs.csv", folder / "logs.parquet"
    con.execute(f"COPY logs TO '{csv}' (HEADER)")
    con.execute(f"COPY logs TO '{parquet}' (FORMAT parquet)")
    return csv, parquet


def run(path: Path) -> tuple[float, float]:
    """Wall time [s] and peak memory of the child process [MiB]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "payback.cli", "usage", str(path), "--json"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:2])
    with tempfile.TemporaryDirectory() as tmp:
        csv, parquet = generate(Path(tmp), rows)
        print(
            f"{rows:,} rows: CSV {csv.stat().st_size / 2**20:,.0f} MiB, Parquet {parquet.stat().st_size / 2**20:,.0f} MiB"
        )
        p_time, p_mem = run(parquet)
        c_time, c_mem = run(csv)
    print(f"Parquet: {p_time:6.2f} s, {rows / p_time / 1e6:5.2f} M rows/s, peak {p_mem:,.0f} MiB")
    print(f"CSV:     {c_time:6.2f} s, {rows / c_time / 1e6:5.2f} M rows/s, peak {c_mem:,.0f} MiB")
    missed = [
        name
        for name, ok in (("Parquet ≥ 2M rows/s", rows / p_time >= 2e6), ("CSV < 20 s", c_time < 20))
        if not ok
    ]
    print("targets: " + ("all met" if not missed else "missed: " + ", ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
