"""quick's break-even month is the engine's, for the traffic it is given."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payback.errors import PaybackError
from payback.finance import break_even_month, cumulative_savings, requests_per_month
from payback.finance.quick import quick_break_even, quick_break_even_month
from payback.scenario import Scenario, load_scenario
from payback.scenario.paths import field_range


def test_the_seed_at_20k_a_month_by_hand() -> None:
    # 30,769.23 requests: 20,000 in month 1, then 10,769.23 of month 2's 20,000
    requests = 400 / 13 * 1000
    assert quick_break_even_month(requests, 20_000) == pytest.approx(1 + 10_769.2308 / 20_000)
    # growing 5%: month 2 has 21,000
    assert quick_break_even_month(requests, 20_000, 0.05) == pytest.approx(1 + 10_769.2308 / 21_000)


def test_small_but_growing_traffic_still_gets_there() -> None:
    """100 requests in month 1 growing 25% a month reach 1.5 × 10^11 requests: the first
    month is under a 10^-9 part of the way, which once read as traffic stopping short. By
    hand: C(m) = 100 (1.25^m − 1) / 0.25 passes 1.5e11 in month 89 (C(88) = 1.349e11,
    R_89 = 3.374e10), at 88 + 1.506e10 / 3.374e10 = 88.446."""
    target = 1.5e11
    month = quick_break_even_month(target, 100.0, 0.25)
    served = 100.0 * (1.25**88 - 1) / 0.25
    assert served < target < served + 100.0 * 1.25**88
    assert month == pytest.approx(88 + (target - served) / (100.0 * 1.25**88))
    assert month == pytest.approx(88.4464, abs=1e-4)


@settings(max_examples=300, deadline=None)
@given(
    hosted=st.floats(0.5, 100.0),
    cheaper=st.floats(0.01, 0.99),
    one_time=st.floats(1.0, 1e6),
    requests=st.floats(100.0, 1e8),
    growth=st.floats(-0.2, 0.3),
)
def test_quick_month_is_the_engines_break_even_month(
    hosted: float, cheaper: float, one_time: float, requests: float, growth: float
) -> None:
    """At constant per-1k prices, the cash-flow engine's break-even month (per-request
    costs over a long horizon) is the month in which quick's request count is reached."""
    self_hosted = hosted * cheaper
    answer = quick_break_even(hosted, self_hosted, one_time)
    assert answer.break_even_requests is not None
    month = quick_break_even_month(answer.break_even_requests, requests, growth)
    horizon = 240
    r = requests_per_month(requests, growth, horizon)
    savings = cumulative_savings(r * hosted / 1000, r * self_hosted / 1000, one_time)
    engine = float(np.ravel(break_even_month(savings))[0])
    if month is None or month > horizon:
        assert math.isnan(engine) or engine > horizon - 1
    else:
        assert engine == pytest.approx(month, rel=1e-6, abs=1e-6)


def test_bad_traffic_is_refused_naming_the_field() -> None:
    with pytest.raises(PaybackError, match="requests_per_month 0"):
        quick_break_even_month(1000.0, 0.0)
    with pytest.raises(PaybackError, match="growth_monthly -1"):
        quick_break_even_month(1000.0, 10.0, -1.0)
    assert np.isfinite(quick_break_even_month(0.0, 10.0) or 0.0)


def _seed() -> Scenario:
    return load_scenario(Path(__file__).parents[2] / "examples" / "seed.toml")


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("traffic.requests_per_month", 1e14, "requests_per_month"),
        ("traffic.growth_monthly", 1.5, "growth_monthly"),
    ],
)
def test_quick_refuses_the_traffic_a_scenario_refuses(path: str, value: float, field: str) -> None:
    """quick took +150% a month and 10^14 requests a month (month 0.00000000031) that a
    scenario refuses; both now read their limits from payback.limits."""
    allowed = field_range(_seed(), path)
    assert value > allowed.highest
    highest = {"requests_per_month": 1e13, "growth_monthly": 1.0}[field]
    assert allowed.highest == highest
    args = (1000.0, value, 0.0) if field == "requests_per_month" else (1000.0, 10.0, value)
    with pytest.raises(PaybackError, match=f"{field} "):
        quick_break_even_month(*args)
    # the limit itself is allowed by both
    edge = (1000.0, highest, 0.0) if field == "requests_per_month" else (1000.0, 10.0, highest)
    assert quick_break_even_month(*edge) is not None


@pytest.mark.parametrize(
    ("hosted", "self_hosted", "one_time", "field"),
    [(2e6, 2.0, 400.0, "hosted_usd_per_1k"), (15.0, 2e6, 400.0, "self_hosted_usd_per_1k"),
     (15.0, 2.0, 1e13, "one_time_usd")],
)  # fmt: skip
def test_quick_refuses_prices_above_a_scenarios_limits(
    hosted: float, self_hosted: float, one_time: float, field: str
) -> None:
    assert field_range(_seed(), "baseline.usd_per_1k_requests").highest == 1e6
    assert field_range(_seed(), "alternatives.0.one_time.data_usd").highest == 1e12
    with pytest.raises(PaybackError, match=f"^{field} .*at most"):
        quick_break_even(hosted, self_hosted, one_time)


def test_a_whole_break_even_is_not_marked_approximate() -> None:
    # $100 / ($15 - $5) x 1,000 = 10,000 requests exactly: no "~" (it said ~10,000)
    assert quick_break_even(15, 5, 100).message == "Break even after 10,000 requests"
    # the seed's 30,769.23 is rounded, and says so
    assert quick_break_even(15, 2, 400).message == "Break even after ~30,769 requests"


@pytest.mark.parametrize(("per_month", "within"), [("20000", True), ("10000", False)])
def test_quick_json_says_the_quarter_the_text_says(per_month: str, within: bool) -> None:
    """The text said 'within a quarter' (month 1.54) or not (month 3.08); --json had only
    the month."""
    import json

    from helpers import run

    args = ("quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "400",
            "--requests-per-month", per_month)  # fmt: skip
    _, out, _ = run(*args, "--json")
    assert json.loads(out)["pays_back_within_quarter"] is within
    _, text, _ = run(*args)
    assert ("not within a quarter" not in text) is within
