"""``payback quick --growth`` below zero (tried as a new user would: --growth -0.5 read
"growing -50% a month"): traffic that falls is said to shrink, by how much, unsigned;
traffic that rises still grows "+5%"."""

from __future__ import annotations

import pytest

from helpers import run

QUICK = ("quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "400")
"""13 saved on 1,000 requests: 400 up front is 400 / 13 × 1,000 = 30,769.23 requests."""


@pytest.mark.parametrize(
    ("requests", "growth", "line"),
    [
        # 20,000 + 18,000 ≥ 30,769.23: month 1 + 10,769.23 / 18,000 = 1.598
        ("20000", "-0.1", "At 20,000 requests a month shrinking 10% a month, that is month "
                          "1.60: within a quarter."),
        # 1,000 / (1 − 0.5) = 2,000 requests in all, never 30,769
        ("1000", "-0.5", "At 1,000 requests a month shrinking 50% a month, traffic shrinks "
                         "before it gets there: it never pays back."),
        # 20,000 + 21,000 ≥ 30,769.23: month 1 + 10,769.23 / 21,000 = 1.513
        ("20000", "0.05", "At 20,000 requests a month growing +5% a month, that is month "
                          "1.51: within a quarter."),
        ("20000", "0", "At 20,000 requests a month, that is month 1.54: within a quarter."),
    ],
)  # fmt: skip
def test_falling_traffic_shrinks_and_rising_traffic_grows(
    requests: str, growth: str, line: str
) -> None:
    code, out, err = run(*QUICK, "--requests-per-month", requests, "--growth", growth)
    assert (code, err) == (0, "")
    assert out.splitlines() == ["Break even after ~30,769 requests", line]
    assert "growing -" not in out
