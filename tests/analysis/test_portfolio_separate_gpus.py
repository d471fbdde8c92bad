"""A portfolio's separate fleets say their GPUs, as the shared fleet does: the sum of each
workload's own fleet, in analyze --json (``gpus``), in analyze's text and in the report.
Tried as a new user would, ``gpus`` read null for them and the text named no count.

tests/data/portfolio.toml's separate fleets: 1 GPU per replica at $0.86 an hour, at least 1
replica, 5% of requests escalated, planned at 70% of a replica's capacity. A month is
730 hours, 2,628,000 seconds. Each workload's fleet serves 95% of its requests at its
busiest hour (peak_to_average × the average):

    support triage    400,000 × 0.95 × 3   / 2,628,000 = 0.434 req/s, 13.8 × 0.7 = 9.66: 1
    ticket summaries  150,000 × 0.95 × 2.5 / 2,628,000 = 0.136,       5.5 × 0.7 = 3.85: 1
    product tagging    60,000 × 0.95 × 4   / 2,628,000 = 0.087,      36.5 × 0.7       : 1
    email drafts       40,000 × 0.95 × 3   / 2,628,000 = 0.043,      11.0 × 0.7       : 1
    SQL helper         15,000 × 0.95 × 5   / 2,628,000 = 0.027,       9.7 × 0.7       : 1

5 GPUs in all, $0.86 × 730 × 5 = $3,139 a month; with $500 of ops and 5% of the
baseline's $4,181.50 escalated ($209.075), $3,848.075 a month."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from helpers import FROZEN_PORTFOLIO, portfolio_alternatives, run

PORTFOLIO = FROZEN_PORTFOLIO


def _json(path: Path) -> dict[str, Any]:
    return {a["fleet"]: a for a in portfolio_alternatives(path)}


def _text(path: Path) -> str:
    code, out, err = run("analyze", path)
    assert code == 0, err
    return " ".join(out.split())


def test_the_separate_fleets_gpus_are_each_workloads_summed() -> None:
    alternatives = _json(PORTFOLIO)
    separate = alternatives["separate"]
    assert separate["gpus"] == [5.0] * 24  # 1 + 1 + 1 + 1 + 1, every month
    assert separate["monthly_cost_usd"][0] == pytest.approx(0.86 * 730 * 5 + 500 + 209.075)
    # no adapters are placed on separate fleets: no pinned or mixing GPUs
    assert (separate["pinned_gpus"], separate["mixed_gpus"]) == (None, None)
    assert alternatives["shared"]["gpus"] == [2.0] * 24  # min_replicas = 2, as before
    text = _text(PORTFOLIO)
    assert "Fleet a fine-tuned model and fleet per workload: 5 GPUs in all USD per month" in text
    assert (
        "Fleet one shared fleet, an adapter per workload: 2 GPUs (1 GPU mixing adapters, 1 GPU "
        "kept by min_replicas beyond what the traffic needs) USD" in text
    )


def test_a_busier_workload_adds_its_own_fleets_gpus(tmp_path: Path) -> None:
    """support triage at 20,000,000 requests a month, growing 10% a month: in month 1
    20,000,000 × 0.95 × 3 / 2,628,000 = 21.69 req/s at its busiest, 21.69 / 9.66 = 2.25:
    3 GPUs; month 12, × 1.1^11 = 2.853: 61.88 req/s, 6.41: 7 GPUs. With the other four
    workloads' 1 each: 7 GPUs in month 1, 11 in month 12."""
    data = tomllib.loads(PORTFOLIO.read_text(encoding="utf-8"))
    data["scenario"]["horizon_months"] = 12
    data["workloads"][0]["traffic"] |= {"requests_per_month": 20_000_000, "growth_monthly": 0.1}
    path = tmp_path / "busier.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    separate = _json(path)["separate"]
    assert separate["gpus"][0] == 3 + 4
    assert separate["gpus"][11] == 7 + 4
    assert "a fine-tuned model and fleet per workload: 7 GPUs in all, up to 11" in _text(path)


def test_the_report_says_the_separate_fleets_gpus(tmp_path: Path) -> None:
    out = tmp_path / "portfolio.md"
    code, _, err = run("report", PORTFOLIO, "-o", out)
    assert code == 0, err
    assert "| fleet | a fine-tuned model and fleet per workload: 5 GPUs in all |" in (
        out.read_text(encoding="utf-8")
    )


def test_separate_fleets_that_pay_back_with_fewer_workloads_say_so() -> None:
    """Separate fleets never pay back with all 5 workloads, but do with the first 2 of the
    migration order: support triage ($2,100 a month today: 400,000 × (1,500 × $2.50 + 150
    × $10) / 1M) and ticket summaries ($1,575: 150,000 × (3,000 × $2.50 + 300 × $10) /
    1M) on a GPU each ($627.80), 5% escalated ($183.75) and $500 of ops cost $1,939.35,
    saving $1,735.65 a month; $14,400 shared and their own $4,150 and $4,240 up front,
    $22,790: back in month 22,790 / 1,735.65 = 13.13. The sentence read "Even with all 5
    workloads it does not pay back within 24 months", as if more workloads would help."""
    separate = _json(PORTFOLIO)["separate"]
    second = separate["migration_order"][1]
    assert second["break_even_month"] == pytest.approx(22790 / 1735.65)
    assert max(s["npv_usd"] for s in separate["migration_order"]) == second["npv_usd"]
    assert separate["quarter"] == (
        "With all 5 workloads it does not pay back within 24 months; with only the first 2 "
        "(support triage, ticket summaries) it pays back in month 13.1 (the migration "
        "order's highest NPV so far)"
    )
    # the shared fleet's NPV grows with every workload: "even with all" holds there
    assert _json(PORTFOLIO)["shared"]["quarter"] == (
        "Even with all 5 workloads it does not pay back within a quarter (month 12.8)"
    )
