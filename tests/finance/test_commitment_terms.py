"""A commitment's price (``committed_price_trend``) and the GPUs it pays for
(``reserved_count``) cut the months into the same terms, months 1-T, T+1-2T, ..., the
last one cut at the horizon: a renewal is where the price steps and where the count may
fall, in the same months."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from payback import finance as model


def test_a_term_of_3_over_7_months_by_hand() -> None:
    # months 1-3, 4-6 and 7 (cut at the horizon): prices fall 50% a year, a renewal pays
    # (1 - 0.5) ** (months since the first / 12): 0.5 ** 0.25 = 0.8409, 0.5 ** 0.5 = 0.7071
    trend = model.committed_price_trend(-0.5, 7, 3)
    np.testing.assert_allclose(trend, [1.0] * 3 + [0.840896] * 3 + [0.707107], rtol=1e-6)
    # a need that falls every month: each term pays what its first month needs
    paid = model.reserved_count([7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0], 3)
    np.testing.assert_array_equal(paid, [7.0, 7.0, 7.0, 4.0, 4.0, 4.0, 1.0])


@given(horizon=st.integers(1, 80), term=st.sampled_from([1, 2, 3, 5, 12, 36, 100]))
def test_the_price_steps_where_the_count_starts_again(horizon: int, term: int) -> None:
    trend = model.committed_price_trend(-0.3, horizon, term)
    falling = np.arange(horizon, 0, -1, dtype=np.float64)  # needs one fewer every month
    paid = model.reserved_count(falling, term)
    renewals = [m for m in range(1, horizon) if trend[m] != trend[m - 1]]
    assert renewals == [m for m in range(1, horizon) if paid[m] != paid[m - 1]]
    assert renewals == list(range(term, horizon, term))


@pytest.mark.parametrize("term", [0, -12])
def test_a_term_under_a_month_is_refused_by_the_price_and_paid_as_needed(term: int) -> None:
    with pytest.raises(ValueError, match=f"term_months = {term}: must be ≥ 1"):
        model.committed_price_trend(0.1, 12, term)
    np.testing.assert_array_equal(model.reserved_count([3.0, 1.0], term), [3.0, 1.0])
