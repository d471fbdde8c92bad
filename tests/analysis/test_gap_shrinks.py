"""An alternative that costs more than the baseline in every month of a short horizon,
but less more each month (traffic growing onto a fixed fleet), is not said to cost more
"every month" with its one-time cost "never recovered": a longer horizon pays it back
(tried as a new user would: 2 months at 50% growth said "never", 12 months break even in
month 5.3). Nor is it said to pay back later: the words stop at the horizon, how far
behind it is there (a floor above the baseline's keeps the gap shrinking for ever and
never closing it)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from helpers import build
from payback import analyze


def growing(horizon: int) -> dict[str, Any]:
    """100,000 requests in month 1, +50% a month, at $10 per 1k against one $4/h GPU:
    month 1 $1,000 vs $2,920 ($1,920 more), month 2 $1,500 vs $2,920 ($1,420 more)."""
    return {
        "scenario": {"name": "h", "horizon_months": horizon},
        "traffic": {"requests_per_month": 100_000, "growth_monthly": 0.5},
        "baseline": {"name": "api", "kind": "per_request", "usd_per_1k_requests": 10},
        "alternatives": [
            {
                "name": "sh",
                "kind": "self_hosted",
                "usd_per_gpu_hour": 4,
                "replica_requests_per_s": 10,
                "one_time": {"data_usd": 100},
            }
        ],
    }


def test_a_shrinking_gap_is_every_month_of_the_horizon_not_never() -> None:
    result = analyze(build(growing(2)))
    alt = result.alternatives[0]
    assert alt.monthly_cost_usd == pytest.approx([2920.0, 2920.0])
    assert alt.reason == (
        "the alternative costs more every month of the horizon ($1,920 more in month 1, "
        "$1,420 in month 2: the gap shrinks); by month 2 it is $3,440 behind"
    )
    assert result.verdict() == (
        "'sh' does not pay back within 2 months: it costs more than the baseline every "
        "month of the horizon ($1,920 more in month 1, $1,420 in month 2: the gap "
        "shrinks); by month 2 it is $3,440 behind; NPV -$3,440 over 2 months"
    )
    assert "never" not in result.verdict()
    # and the longer horizon does pay it back
    assert analyze(build(growing(12))).alternatives[0].break_even_month == pytest.approx(
        5.32, abs=0.005
    )


def test_a_gap_that_does_not_shrink_is_still_never_recovered() -> None:
    flat = growing(2)
    flat["traffic"]["growth_monthly"] = 0.0
    result = analyze(build(flat))
    assert result.alternatives[0].reason == (
        "the alternative costs more every month ($1,920 more in month 1)"
    )
    assert "so the $100 up front is never recovered" in result.verdict()


def test_a_gap_that_shrinks_only_with_traffic_is_still_never_recovered() -> None:
    """$12 per 1k against $10 per 1k, traffic -10% a month: $200 more in month 1, $63.56
    in month 12 (100,000 x 0.9^11 = 31,381 requests x $2 per 1k), but dearer per request
    at any volume: no longer horizon pays the $1,000 back (tried as a new user would: it
    said "not recovered by month 12")."""
    scenario = {
        "scenario": {"name": "gap2", "horizon_months": 12},
        "traffic": {"requests_per_month": 100_000, "growth_monthly": -0.1},
        "baseline": {"name": "api", "kind": "per_request", "usd_per_1k_requests": 10},
        "alternatives": [
            {
                "name": "pricier",
                "kind": "per_request",
                "usd_per_1k_requests": 12,
                "one_time": {"data_usd": 1000},
            }
        ],
    }
    result = analyze(build(scenario))
    alt = result.alternatives[0]
    saved = [b - a for a, b in itertools.pairwise(alt.cumulative_savings_usd or [])]
    assert saved[0] == pytest.approx(-200.0)
    assert saved[-1] == pytest.approx(-2 * 100 * 0.9**11)
    assert alt.reason == "the alternative costs more every month ($200 more in month 1)"
    assert "so the $1,000 up front is never recovered" in result.verdict()
    assert "gap shrinks" not in result.verdict()


def test_a_shrinking_gap_says_how_far_behind_at_the_horizon_not_only_the_up_front() -> None:
    """Traffic -20% a month onto a hosted API with a $1,000 ops floor, against a baseline
    fleet kept at one $1/h replica ($730 a month): the gap shrinks from $8,620 to $341 but
    never closes ($270 a month at least), and by month 24 it is $53,327 behind, not the
    $1,000 up front (tried as a new user would: it said "the $1,000 up front is not
    recovered by month 24")."""
    scenario = {
        "scenario": {"name": "gap", "horizon_months": 24},
        "traffic": {
            "requests_per_month": 10_000_000,
            "growth_monthly": -0.2,
            "input_tokens": 1000,
            "output_tokens": 0,
            "peak_to_average": 1.0,
        },
        "baseline": {
            "name": "own fleet",
            "kind": "self_hosted",
            "usd_per_gpu_hour": 1.0,
            "gpus_per_replica": 1,
            "replica_requests_per_s": 1.0,
            "min_replicas": 1,
        },
        "alternatives": [
            {
                "name": "api",
                "kind": "hosted_api",
                "input_usd_per_mtok": 1.2,
                "output_usd_per_mtok": 1.2,
                "ops_usd_per_month": 1000,
                "one_time": {"engineer_hours": 10, "engineer_usd_per_hour": 100},
            }
        ],
    }
    result = analyze(build(scenario))
    alt = result.alternatives[0]
    assert alt.cumulative_savings_usd is not None
    assert alt.cumulative_savings_usd[-1] == pytest.approx(-53_327, abs=0.5)
    gap = (
        "($8,620 more in month 1, $341 in month 24: the gap shrinks); by month 24 it is "
        "$53,327 behind"
    )
    assert alt.reason == f"the alternative costs more every month of the horizon {gap}"
    assert result.verdict() == (
        "'api' does not pay back within 24 months: it costs more than the baseline every "
        f"month of the horizon {gap}; NPV -$53,327 over 24 months"
    )
    assert "recovered" not in result.verdict()
