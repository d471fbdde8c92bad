"""No one-time cost, ahead from month 1, then behind: the verdict says when it costs more
and how far behind it ends, as it does for a project with a one-time cost. It read "has
no one-time cost but costs more to run", though month 1 saved $1,270.

Traffic halves every month from 1,000,000 at $2.00 per 1,000: the baseline costs $2,000,
$1,000, $500, $250, $125 and $62.50; one always-on GPU at $1.00 an hour costs 730 × $1 =
$730 every month. Savings $1,270, $270, then -$230, -$480, -$605 and -$667.50: cumulative
$0, $1,270, $1,540, $1,310, $830, $225 and -$442.50 at month 6."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import payback
from helpers import run

SHRINKING = """
[scenario]
name = "shrinking traffic, no one-time cost"
horizon_months = 6

[traffic]
requests_per_month = 1000000
growth_monthly = -0.5

[baseline]
name = "hosted"
kind = "per_request"
usd_per_1k_requests = 2.0

[[alternatives]]
name = "rented fleet"
kind = "self_hosted"
usd_per_gpu_hour = 1.0
replica_requests_per_s = 5.0
min_replicas = 1
"""

SAID = (
    "'rented fleet' has no one-time cost and pays back at once, but from month 3 it costs "
    "more than the baseline each month and by month 6 it is $443 behind; NPV -$443 "
    "over 6 months"
)


@pytest.fixture
def shrinking(tmp_path: Path) -> Path:
    path = tmp_path / "shrinking.toml"
    path.write_text(SHRINKING, encoding="utf-8")
    return path


def _flat(*args: str | Path) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    return " ".join(out.split())


def test_the_numbers_by_hand(shrinking: Path) -> None:
    analysis = payback.analyze(payback.load_scenario(shrinking))
    (alt,) = analysis.alternatives
    assert analysis.baseline.monthly_cost_usd == pytest.approx([2000, 1000, 500, 250, 125, 62.5])
    assert alt.monthly_cost_usd == pytest.approx([730.0] * 6)
    assert alt.cumulative_savings_usd == pytest.approx(
        [0, 1270, 1540, 1310, 830, 225, -442.5], abs=1e-9
    )
    assert alt.break_even_month == 0.0
    assert alt.npv_usd == pytest.approx(-442.5)
    # ahead at month 3 ($1,310), behind at month 6; month 12 is past the horizon
    assert alt.pays_back_within == {"3": True, "6": False, "12": None, "horizon": False}


def test_the_verdict_says_when_it_costs_more_and_how_far_behind(shrinking: Path) -> None:
    analysis = payback.analyze(payback.load_scenario(shrinking))
    assert analysis.verdict() == SAID
    assert "costs more to run" not in analysis.verdict()
    assert f"Verdict: {SAID}" in _flat("analyze", shrinking)
    code, out, err = run("analyze", shrinking, "--json")
    assert code == 0, err
    assert json.loads(out)["verdict"] == SAID


def test_explain_says_it_falls_behind_and_not_that_no_month_loses(shrinking: Path) -> None:
    text = _flat("explain", shrinking)
    assert (
        "Over 6 months: it pays back at once, but from month 3 it costs more than the "
        "baseline each month and by month 6 it is $443 behind; the NPV of switching is a "
        "loss of $443." in text
    )
    # month 1 saves; months 3 to 6 lose money
    assert "no month that loses money" not in text
    assert "With nothing to recover and month 1 not losing money, it pays back at once." in text
    code, out, err = run("explain", shrinking, "--json")
    assert code == 0, err
    assert json.loads(out)["alternatives"][0]["verdict"] == SAID


def test_ahead_at_the_horizon_says_nothing_of_falling_behind(tmp_path: Path) -> None:
    """Over 4 months it is still $830 ahead: the months that cost more are not a loss yet,
    and the verdict stays "saves from month 0", as before."""
    path = tmp_path / "four.toml"
    path.write_text(SHRINKING.replace("horizon_months = 6", "horizon_months = 4"))
    verdict = payback.analyze(payback.load_scenario(path)).verdict()
    assert verdict == (
        "'rented fleet' saves from month 0: nothing to pay up front and cheaper from the "
        "first month; NPV $830 over 4 months"
    )
