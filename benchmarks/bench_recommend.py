"""How fast `payback recommend` searches serving configurations.

Run on demand (not in the test suite):  .venv/bin/python benchmarks/bench_recommend.py

Prints, for one model and for every catalog model at once, the configurations evaluated
(model × GPU × precision × GPUs per replica), the time of the vectorized evaluation and
of the whole call (catalog lookups and row building included), and the winner for the
200k-requests example and the same scenario at 30M requests a month.
"""

from __future__ import annotations

import time
from pathlib import Path

import payback
from payback.catalog import default_catalog
from payback.scenario import SelfHostedOption

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "quarter-200k.toml"


def best_of(repeats: int, func):  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def with_requests(scenario: payback.Scenario, requests: float) -> payback.Scenario:
    traffic = scenario.traffic.model_copy(update={"requests_per_month": requests})
    return scenario.model_copy(update={"traffic": traffic})


def main() -> None:
    scenario = payback.load_scenario(EXAMPLE)
    catalog = default_catalog()
    cases = [
        ("200k requests/month, qwen2.5-7b", scenario, ["qwen2.5-7b"]),
        ("30M requests/month, qwen2.5-7b", with_requests(scenario, 30e6), ["qwen2.5-7b"]),
        (
            "30M requests/month, every catalog model",
            with_requests(scenario, 30e6),
            list(catalog.models),
        ),
    ]
    for label, case, models in cases:
        wall, result = best_of(5, lambda c=case, m=models: payback.recommend(c, models=m))
        best = result.best
        option = case.alternatives[result.alternative]
        assert isinstance(option, SelfHostedOption)
        print(
            f"{label}: {result.evaluated:,} configurations evaluated in "
            f"{result.seconds * 1000:.1f} ms ({wall * 1000:.1f} ms for the whole call)"
        )
        if best is not None:
            print(
                f"  best: {best.label()}, {best.replicas} replica(s) in month 1, "
                f"${best.monthly_cost_usd:,.0f}/month; tpot {best.tpot_ms:.1f} ms, "
                f"ttft {best.ttft_ms:.0f} ms"
            )


if __name__ == "__main__":
    main()
