"""quick's break-even month is the engine's, for the traffic it is given."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payback.errors import PaybackError
from payback.finance import break_even_month, cumulative_savings, requests_per_month
from payback.finance.quick import quick_break_even, quick_break_even_month


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
