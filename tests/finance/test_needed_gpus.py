"""``self_hosted_cost`` returns, beside the GPUs it pays for, the GPUs each month needs
(``extras["needed_gpus"]``): before a 1y/3y commitment reserves the most its term has
needed (``reserved_count``). The portfolio's reserved-but-idle GPUs are the difference,
taken from here rather than sized again.

By hand: peak 2 × the average, 1 request/s a replica planned at 50%, so a month of R
requests needs ceil(R · 2 / 2,628,000 / 0.5) = ceil(R / 657,000) replicas:

    R          2,300,000  1,000,000  1,600,000  300,000
    replicas   3.50 → 4   1.52 → 2   2.44 → 3   0.46 → 1

At 2 GPUs a replica the months need 8, 4, 6, 2 GPUs (1 GPU a replica: 4, 2, 3, 1). A
term of 3 months reserves the most of months 1-3, 8, and renews in month 4 at its need:
8, 8, 8, 2 paid."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from payback import finance as model

REQUESTS = [2_300_000.0, 1_000_000.0, 1_600_000.0, 300_000.0]
SIZE: dict[str, Any] = {
    "replica_requests_per_s": 1.0,
    "target_utilization": 0.5,
    "peak_to_average": 2.0,
    "always_on": True,
    "usd_per_gpu_hour": 1.0,
}


def test_needed_gpus_are_the_uncommitted_fleets_by_hand() -> None:
    per_replica = np.array([2.0, 1.0])  # two samples
    _, reserved, extras = model.self_hosted_cost(
        REQUESTS, gpus_per_replica=per_replica, term_months=3, **SIZE
    )
    _, uncommitted, _ = model.self_hosted_cost(
        REQUESTS, gpus_per_replica=per_replica, term_months=1, **SIZE
    )
    np.testing.assert_array_equal(uncommitted, [[8.0, 4.0, 6.0, 2.0], [4.0, 2.0, 3.0, 1.0]])
    np.testing.assert_array_equal(extras["needed_gpus"], uncommitted)
    np.testing.assert_array_equal(reserved, [[8.0, 8.0, 8.0, 2.0], [4.0, 4.0, 4.0, 1.0]])
    # reserved but idle: 0, 4, 2, 0 GPUs (2, 1, 0 at 1 GPU a replica)
    np.testing.assert_array_equal(
        reserved - extras["needed_gpus"], [[0.0, 4.0, 2.0, 0.0], [0.0, 2.0, 1.0, 0.0]]
    )


def test_min_replicas_count_in_the_need() -> None:
    _, reserved, extras = model.self_hosted_cost(
        REQUESTS, gpus_per_replica=2.0, min_replicas=3.0, term_months=12, **SIZE
    )
    np.testing.assert_array_equal(extras["needed_gpus"], [8.0, 6.0, 6.0, 6.0])
    np.testing.assert_array_equal(reserved, [8.0, 8.0, 8.0, 8.0])


@pytest.mark.parametrize(
    "how",
    [
        {"always_on": False},
        {
            "owned": {
                "usd_per_server": 100.0,
                "gpus_per_server": 8.0,
                "kw_per_server": 1.0,
                "usd_per_kwh": 0.1,
                "pue": 1.2,
                "colocation_usd_per_server_month": 10.0,
                "depreciation_months": 36.0,
            }
        },
    ],
    ids=["scaled to zero", "owned"],
)
def test_nothing_reserved_needs_what_it_runs(how: dict[str, Any]) -> None:
    # a fleet with no commitment runs what it needs: scaled to zero 2,300,000 / (1 · 0.5 ·
    # 3600) · 2 GPUs / 730 h = 3.501 GPUs in month 1; owned, the always-on 8, 4, 6, 2
    size = {**SIZE, **how}
    _, gpus, extras = model.self_hosted_cost(REQUESTS, gpus_per_replica=2.0, term_months=12, **size)
    np.testing.assert_array_equal(extras["needed_gpus"], gpus)
    expected = 3.501 if not size["always_on"] else 8.0
    assert gpus[0] == pytest.approx(expected, abs=1e-3)


@given(
    needs=st.lists(st.floats(0.0, 5e7), min_size=1, max_size=40),
    term=st.sampled_from([1, 2, 3, 12, 36]),
    per_replica=st.sampled_from([1.0, 2.0, 8.0]),
)
def test_reserved_is_at_least_needed_every_month(
    needs: list[float], term: int, per_replica: float
) -> None:
    _, reserved, extras = model.self_hosted_cost(
        needs, gpus_per_replica=per_replica, term_months=term, **SIZE
    )
    _, uncommitted, _ = model.self_hosted_cost(
        needs, gpus_per_replica=per_replica, term_months=1, **SIZE
    )
    np.testing.assert_array_equal(extras["needed_gpus"], uncommitted)
    assert np.all(reserved >= extras["needed_gpus"])
