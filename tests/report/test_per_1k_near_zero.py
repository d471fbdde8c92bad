"""The cost of 1,000 requests in a month with almost none: traffic shrinking 80% a month
leaves 1,000,000 × 0.2^11 = 0.0205 requests in month 12, and one GPU's $730 of rent over
them read "$35,644,531 vs $2.00" per 1,000 in analyze's table. per_1k_text says how few
instead, and over the horizon gives the average: $8,760 of rent over 1,249,999.99
requests is $7.01 per 1,000, against the baseline's $2.00."""

from __future__ import annotations

from pathlib import Path

import pytest

from payback.analysis.verdict import per_1k_text


def test_a_month_of_almost_no_traffic_has_no_cost_per_1k() -> None:
    requests = 1_000_000 * 0.2**11
    assert requests == pytest.approx(0.02048)
    assert per_1k_text(730.0, 2.0 * requests / 1000, requests) == "n/a: 0.0205 requests"
    assert per_1k_text(730.0, 2000.0, 1_000_000.0) == "$0.73 vs $2.00"


def test_over_the_horizon_it_is_the_average() -> None:
    total = sum(1_000_000 * 0.2**m for m in range(12))
    assert total == pytest.approx(1_250_000, abs=0.01)
    assert per_1k_text(12 * 730.0, 2.0 * total / 1000, total) == "$7.01 vs $2.00"


def test_one_request_is_enough_to_compare() -> None:
    """A month of exactly one request is one request's cost, times 1,000."""
    assert per_1k_text(0.73, 0.002, 1.0) == "$730.00 vs $2.00"
    assert per_1k_text(0.73, 0.002, 0.999) == "n/a: 0.999 requests"
    assert per_1k_text(0.0, 0.0, 0.0) == "n/a: 0 requests"


SHRINKING = """
[scenario]
name = "shrinking"
horizon_months = 12

[traffic]
requests_per_month = 1000000
growth_monthly = -0.8

[baseline]
name = "hosted"
kind = "per_request"
usd_per_1k_requests = 2.0

[[alternatives]]
name = "one GPU"
kind = "self_hosted"
usd_per_gpu_hour = 1.0
gpus_per_replica = 1
replica_requests_per_s = 10.0
target_utilization = 0.7
"""


def test_analyze_says_how_few_requests_month_12_has(tmp_path: Path) -> None:
    """analyze's table: month 1 is $0.73 vs $2.00 per 1,000 (one GPU, $730 over 1,000,000
    requests); month 12 has 0.0205 requests and says so, where it read $35,644,531."""
    from helpers import run

    path = tmp_path / "shrinking.toml"
    path.write_text(SHRINKING, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert "-80%/month to 0.02 in month 12" in out  # the heading read "to 0"
    row = next(line for line in out.splitlines() if line.strip().startswith("per 1k requests"))
    assert row.split()[5:] == ["$0.73", "vs", "$2.00", "n/a:", "0.0205", "requests"]
