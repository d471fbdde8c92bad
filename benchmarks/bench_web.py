"""How long the page of `payback serve` takes to answer one change of an input.

Run on demand (not in the test suite), after the README's install:

    .venv/bin/python benchmarks/bench_web.py

Target (issue: web page): the deterministic analysis path under 100 ms per change. Two
figures per bundled example, each the median and the 95th percentile over 50 changes of
the monthly requests (a new value each time, so nothing is cached):

- ``analysis``: widget values to a validated scenario and its analysis
  (``payback.web.state.evaluate_inputs``, the path the target names);
- ``page``: the whole page script re-run (timed by the script itself, under Streamlit's
  AppTest), which adds building every widget and the five plotly charts: what a visitor
  waits for, less the browser's drawing.

Exits 1 when the analysis path misses the target.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import payback
from payback.scenario import read_scenario_data
from payback.web.state import evaluate_inputs

ROOT = Path(__file__).resolve().parent.parent
APP = Path(payback.__file__).parent / "web" / "app.py"
EXAMPLES = ["seed", "quarter-200k", "growth", "catalog-ids", "quarter-uncertain"]
CHANGES = 50
TARGET_MS = 100.0


def _stats(times: list[float]) -> tuple[float, float]:
    ms = sorted(t * 1000 for t in times)
    return statistics.median(ms), ms[int(0.95 * (len(ms) - 1))]


def analysis_path(raw: dict[str, object]) -> tuple[float, float]:
    evaluate_inputs(raw, {})  # warm the catalog and price caches, as a running page has
    times = []
    for i in range(CHANGES):
        start = time.perf_counter()
        outcome = evaluate_inputs(raw, {"traffic.requests_per_month": 100_000.0 + 1_000 * i})
        times.append(time.perf_counter() - start)
        assert outcome.analysis is not None, outcome.problems
    return _stats(times)


def page_path(raw: dict[str, object]) -> tuple[float, float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["raw"] = raw
    at.session_state["source"] = "bench.toml"
    at.run()
    times = []
    for i in range(CHANGES):
        widget = at.number_input(key="in:traffic.requests_per_month")
        widget.set_value(100_000.0 + 1_000 * i)
        at.run()
        assert not at.exception
        times.append(at.session_state["render_seconds"])
    return _stats(times)


def main() -> int:
    print(f"{'example':<20}{'analysis p50':>14}{'p95':>8}{'page p50':>12}{'p95':>8}   [ms]")
    worst = 0.0
    for name in EXAMPLES:
        raw = read_scenario_data(ROOT / "examples" / f"{name}.toml")
        a50, a95 = analysis_path(raw)
        p50, p95 = page_path(raw)
        worst = max(worst, a95)
        print(f"{name:<20}{a50:>14.1f}{a95:>8.1f}{p50:>12.0f}{p95:>8.0f}")
    verdict = "met" if worst < TARGET_MS else "MISSED"
    print(
        f"worst analysis p95 {worst:.1f} ms: target {TARGET_MS:.0f} ms {verdict} "
        f"({TARGET_MS / worst:.0f}x headroom)"
    )
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
