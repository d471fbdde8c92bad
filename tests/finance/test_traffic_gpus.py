"""``self_hosted_cost`` returns, beside the GPUs each month needs (``needed_gpus``, with
``min_replicas``), the GPUs its traffic needs before that floor (``traffic_gpus``): a
shared fleet's GPUs kept by ``min_replicas`` alone are the difference, taken from here
rather than sized again.

By hand (as test_needed_gpus): peak 2 × the average, 1 request/s a replica planned at 50%,
so a month of R requests needs ceil(R / 657,000) replicas: 4, 2, 3, 1 for the months below;
at 2 GPUs a replica 8, 4, 6, 2. min_replicas = 3 keeps 6 GPUs at least: needed 8, 6, 6, 6,
of which 0, 2, 0, 4 are the floor's alone."""

from __future__ import annotations

from typing import Any

import numpy as np

from payback import finance as model

REQUESTS = [2_300_000.0, 1_000_000.0, 1_600_000.0, 300_000.0]
SIZE: dict[str, Any] = {
    "replica_requests_per_s": 1.0,
    "target_utilization": 0.5,
    "peak_to_average": 2.0,
    "gpus_per_replica": 2.0,
    "always_on": True,
}


def test_traffic_gpus_are_the_need_before_min_replicas_rented() -> None:
    _, gpus, extras = model.self_hosted_cost(
        REQUESTS, min_replicas=3.0, term_months=12, usd_per_gpu_hour=1.0, **SIZE
    )
    np.testing.assert_array_equal(extras["traffic_gpus"], [8.0, 4.0, 6.0, 2.0])
    np.testing.assert_array_equal(extras["needed_gpus"], [8.0, 6.0, 6.0, 6.0])
    np.testing.assert_array_equal(extras["needed_gpus"] - extras["traffic_gpus"], [0, 2, 0, 4])
    np.testing.assert_array_equal(gpus, [8.0] * 4)  # the term reserves month 1's


def test_traffic_gpus_of_an_owned_fleet_and_of_samples() -> None:
    owned = {
        "usd_per_server": 200_000.0,
        "gpus_per_server": 8.0,
        "depreciation_months": 36.0,
        "kw_per_server": 10.0,
        "usd_per_kwh": 0.1,
        "pue": 1.3,
        "colocation_usd_per_server_month": 0.0,
    }
    _, gpus, extras = model.self_hosted_cost(REQUESTS, min_replicas=3.0, owned=owned, **SIZE)
    np.testing.assert_array_equal(extras["traffic_gpus"], [8.0, 4.0, 6.0, 2.0])
    np.testing.assert_array_equal(gpus, [8.0, 6.0, 6.0, 6.0])
    # two samples of min_replicas: 1 (never binds) and 5 (10 GPUs every month)
    _, gpus, extras = model.self_hosted_cost(
        REQUESTS, min_replicas=np.array([1.0, 5.0]), usd_per_gpu_hour=1.0, **SIZE
    )
    np.testing.assert_array_equal(extras["traffic_gpus"], [[8.0, 4.0, 6.0, 2.0]] * 2)
    np.testing.assert_array_equal(gpus, [[8.0, 4.0, 6.0, 2.0], [10.0] * 4])


def test_a_fleet_scaled_to_zero_needs_what_its_traffic_needs() -> None:
    size = {**SIZE, "always_on": False}
    _, gpus, extras = model.self_hosted_cost(REQUESTS, usd_per_gpu_hour=1.0, **size)
    np.testing.assert_array_equal(extras["traffic_gpus"], gpus)
    np.testing.assert_array_equal(extras["needed_gpus"], gpus)
