"""Depreciation financing charges the servers held, as cash keeps them.

Tried as a new user would: two $36,000 servers needed in month 1 and one after,
depreciated over 36 months, were charged $2,000, $1,000, $1,000: the server a shrinking
fleet stops using dropped out of the charge, and its $35,000 was never charged at any
horizon, though cash financing keeps it ("a fleet that shrinks keeps its servers").
A server held, in use or idle, is charged usd_per_server / depreciation_months a month.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payback import finance as model
from payback.finance.costs import owned_book_value_left


def test_a_shrinking_fleet_is_charged_for_the_servers_it_holds() -> None:
    at_start, monthly = model.owned_server_cost(
        [2.0, 1.0, 1.0], usd_per_server=36_000.0, depreciation_months=36, cash=False
    )
    assert float(at_start) == 0.0
    np.testing.assert_allclose(monthly, [2_000.0, 2_000.0, 2_000.0])  # was 2,000, 1,000, 1,000


def test_growing_back_is_charged_once() -> None:
    """1, 3, 2, 1, 4 servers in use: 1, 3, 3, 3, 4 held, at $10 a server-month."""
    _, monthly = model.owned_server_cost(
        [1.0, 3.0, 2.0, 1.0, 4.0], usd_per_server=120.0, depreciation_months=12, cash=False
    )
    np.testing.assert_allclose(monthly, [10.0, 30.0, 30.0, 30.0, 40.0])


def test_a_held_server_past_its_depreciation_is_charged_as_it_is_replaced() -> None:
    """Depreciated over 2 months, 2 servers then 1: the idle one is still held in month 4,
    past its 2 months, and charged on (replaced), as the one in use is."""
    _, monthly = model.owned_server_cost(
        [2.0, 1.0, 1.0, 1.0], usd_per_server=100.0, depreciation_months=2, cash=False
    )
    np.testing.assert_allclose(monthly, [100.0, 100.0, 100.0, 100.0])


def test_each_sample_holds_its_own_servers() -> None:
    servers = np.array([[2.0, 1.0, 3.0], [1.0, 2.0, 1.0]])
    _, monthly = model.owned_server_cost(
        servers, usd_per_server=np.array([30.0, 60.0]), depreciation_months=3, cash=False
    )
    np.testing.assert_allclose(monthly, [[20.0, 20.0, 30.0], [20.0, 40.0, 40.0]])


fleets = st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=24)


@settings(max_examples=200, deadline=None)
@given(
    servers=fleets,
    price=st.floats(min_value=1.0, max_value=1e6),
    extra=st.integers(min_value=0, max_value=30),
)
def test_charges_and_book_value_left_add_up_to_what_cash_pays(
    servers: list[int], price: float, extra: int
) -> None:
    """No server passes its depreciation months within the horizon (D ≥ H): depreciation's
    charges plus the book value left at the end are every server bought at its price, what
    cash pays (at t = 0 and in the months)."""
    s = np.array(servers, dtype=np.float64)
    d = len(servers) + extra
    _, charged = model.owned_server_cost(s, usd_per_server=price, depreciation_months=d, cash=False)
    at_start, cash = model.owned_server_cost(
        s, usd_per_server=price, depreciation_months=d, cash=True
    )
    bought = model.servers_bought(s)
    left = owned_book_value_left(bought, usd_per_server=price, depreciation_months=d)
    paid = float(np.sum(bought)) * price
    assert float(np.sum(charged)) + float(left) == pytest.approx(paid, rel=1e-9)
    assert float(at_start) + float(np.sum(cash)) == pytest.approx(paid, rel=1e-9)
    # never less charged in a month than before: the servers held only grow
    assert np.all(np.diff(charged) >= -1e-9 * price)
