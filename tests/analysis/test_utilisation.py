"""Fleet utilisation and the cost of idle capacity: hand-computed cases, invariants, and
the what-if the explanation quotes (the fleet scaled to zero)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import QUARTER
from payback import analyze, load_scenario
from payback.analysis.utilisation import fleet_utilisation
from payback.finance import fleet_gpus

SECONDS_PER_MONTH = 730 * 3600


def test_the_quarter_example_by_hand() -> None:
    analysis = analyze(load_scenario(QUARTER))
    u = analysis.alternatives[0].utilisation
    assert u is not None
    assert u.always_on
    # 200,000 requests, 10% escalated: 180,000 served by one replica of 0.85 requests/s
    # (the example's estimated capacity of a 7B on one L4)
    average = 180_000 / SECONDS_PER_MONTH / 0.85
    assert u.average[0] == pytest.approx(average)
    assert u.peak[0] == pytest.approx(average * 4.0)  # peak_to_average = 4
    assert u.fleet_usd[0] == pytest.approx(0.80 * 730)
    assert u.idle_usd[0] == pytest.approx(584.0 * (1 - average))
    assert u.idle_total_usd == pytest.approx(24 * 584.0 * (1 - average))
    assert analysis.baseline.utilisation is None  # a hosted API has no fleet


def test_a_fleet_scaled_to_zero_is_busy_at_its_planned_utilisation() -> None:
    average, peak, idle = fleet_utilisation(
        [1e6, 2e6],
        gpus=[0.5, 1.0],
        gpus_per_replica=1,
        replica_requests_per_s=2.0,
        peak_to_average=3.0,
        target_utilization=0.6,
        always_on=False,
        fleet_usd=[100.0, 200.0],
    )
    assert list(average) == [0.6, 0.6]
    assert list(peak) == [0.6, 0.6]
    assert list(idle) == pytest.approx([40.0, 80.0])


@settings(max_examples=200, deadline=None)
@given(
    requests=st.floats(1e3, 1e10),
    peak_to_average=st.floats(1.0, 20.0),
    rps=st.floats(0.05, 500.0),
    target=st.floats(0.05, 1.0),
    per_replica=st.integers(1, 8),
    min_replicas=st.integers(1, 4),
    price=st.floats(0.1, 10.0),
)
def test_an_always_on_fleet_never_runs_its_peak_above_plan(
    requests: float,
    peak_to_average: float,
    rps: float,
    target: float,
    per_replica: int,
    min_replicas: int,
    price: float,
) -> None:
    """Sized for the busiest hour, the fleet's peak utilisation is at most the planned one,
    its average at most the peak, and the idle cost between 0 and the fleet's cost."""
    gpus = fleet_gpus(
        [requests],
        peak_to_average=peak_to_average,
        replica_requests_per_s=rps,
        target_utilization=target,
        gpus_per_replica=per_replica,
        min_replicas=min_replicas,
    )
    fleet = gpus * 730 * price
    average, peak, idle = fleet_utilisation(
        [requests],
        gpus=gpus,
        gpus_per_replica=per_replica,
        replica_requests_per_s=rps,
        peak_to_average=peak_to_average,
        target_utilization=target,
        always_on=True,
        fleet_usd=fleet,
    )
    assert np.all(peak <= target * (1 + 1e-9))
    assert np.all(average <= peak * (1 + 1e-12))
    assert np.all((idle >= 0) & (idle <= fleet))


def test_utilisation_is_vectorized_over_samples() -> None:
    average, _peak, _idle = fleet_utilisation(
        np.array([[1e6, 2e6], [3e6, 4e6]]),
        gpus=np.array([[1.0, 1.0], [2.0, 2.0]]),
        gpus_per_replica=1,
        replica_requests_per_s=np.array([1.0, 2.0]),
        peak_to_average=2.0,
        target_utilization=0.7,
        always_on=True,
        fleet_usd=np.array([[10.0, 10.0], [20.0, 20.0]]),
    )
    assert average.shape == (2, 2)
    assert average[1, 0] == pytest.approx(3e6 / SECONDS_PER_MONTH / 4.0)


def test_scaled_to_zero_is_the_same_scenario_with_always_on_false(tmp_path: Path) -> None:
    analysis = analyze(load_scenario(QUARTER))
    zero = analysis.scaled_to_zero(0)
    assert zero is not None
    path = tmp_path / "zero.toml"
    path.write_text(QUARTER.read_text().replace("always_on = true", "always_on = false"))
    direct = analyze(load_scenario(path)).alternatives[0]
    assert zero["break_even_month"] == pytest.approx(direct.break_even_month)
    assert zero["npv_usd"] == pytest.approx(direct.npv_usd)
    assert zero["monthly_cost_usd"] == pytest.approx(direct.monthly_cost_usd[0])
    # served 180,000 requests at 0.85 requests/s planned at 70%: busy GPU-hours at $0.80
    assert zero["fleet_usd"] == pytest.approx(180_000 / (0.85 * 0.7 * 3600) * 0.80)


def test_the_traffic_and_price_levers_are_solved_for_a_quarter() -> None:
    analysis = analyze(load_scenario(QUARTER))
    traffic = analysis.quarter_threshold(0)
    assert traffic is not None
    assert traffic.value == pytest.approx(585_538, rel=1e-4)
    price = analysis.quarter_lever(0, "alternatives.0.usd_per_gpu_hour")
    assert price is not None
    assert price.value is None
    assert price.closest is not None
    assert price.closest[0] == 0.0


def test_an_owned_fleet_counts_every_replica_its_servers_hold() -> None:
    """One 8-GPU server bought for 2 one-GPU replicas: the 6 idle slots are paid for too."""
    from helpers import EXAMPLES
    from payback.scenario.paths import with_value

    GPUS = "alternatives.0.gpus_per_replica"

    one_gpu = with_value(load_scenario(EXAMPLES / "owned-h100.toml"), GPUS, 1)
    analysis = analyze(one_gpu)  # alone it runs 2 × 4 GPUs: the same server, more to spare
    alt = analysis.alternatives[0]
    u = alt.utilisation
    assert u is not None
    assert alt.configuration is not None
    rps = alt.configuration["replica_requests_per_s"]
    servers = alt.configuration["servers_month_1"]
    served = 3_000_000 * (1 - 0.05)
    assert u.average[0] == pytest.approx(served / SECONDS_PER_MONTH / (servers * 8 * rps))
    assert u.gpus[0] == 2  # in use: the fleet's words say two GPUs
