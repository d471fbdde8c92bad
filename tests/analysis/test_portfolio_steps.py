"""A greedy step's candidates priced by sums kept as the workloads move
(analysis/portfolio_steps.py) are what the generic subset arithmetic gives their masks
(:func:`subset_flows`, :func:`shared_fleet_costs`): the shared fleet's whole replicas
exactly, every NPV to round-off. Properties (hypothesis) on random fleets and portfolios:
loads at whole replicas, idle months, steep adapter penalties, a baseline fleet shared."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from many_workloads import random_portfolio
from payback.analysis.portfolio import evaluate_portfolio, prepare
from payback.analysis.portfolio_fleet import SharedFleet, shared_fleet_costs, weighted_sum
from payback.analysis.portfolio_steps import FleetSteps, Steps, _masks
from payback.finance._types import as_float
from payback.scenario import parse_scenario
from payback.studies.portfolio import subset_npv

LOADS = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 0.664, 1.328]),  # idle, whole, at η
    st.floats(0.0, 6.0),
)


@st.composite
def fleets(draw: Any) -> tuple[SharedFleet, np.ndarray]:
    """An always-on fleet of adapters at c = 1 (or scaled to zero, or one model), its W
    workloads' loads over H months, and a moved set (never all)."""
    w = draw(st.integers(2, 9))
    h = draw(st.integers(1, 4))
    peak = np.array(draw(st.lists(LOADS, min_size=w * h, max_size=w * h))).reshape(w, h)
    busy = np.array(draw(st.lists(st.floats(0.1, 1.0), min_size=w * h, max_size=w * h)))
    kind = draw(st.sampled_from(["adapters", "adapters", "adapters", "one model", "scaled"]))
    overhead, loss = draw(st.floats(0.0, 0.7)), draw(st.floats(0.0, 0.3))
    if kind == "one model":
        overhead = loss = 0.0
    params: dict[str, Any] = {
        "target_utilization": as_float(draw(st.sampled_from([1.0, 0.8, 0.5]))),
        "gpus_per_replica": as_float(draw(st.sampled_from([1.0, 2.0]))),
        "usd_per_gpu_hour": as_float(1.5),
        "term_months": draw(st.sampled_from([1, 12])),
        "trend": np.ones(h),
    }
    if kind != "scaled":
        params["min_replicas"] = as_float(draw(st.integers(1, 3)))
    fleet = SharedFleet(
        peak=as_float(peak),
        mean=as_float(peak * busy.reshape(w, h)),
        coincidence=as_float(1.0),
        overhead=as_float(overhead),
        decade_loss=as_float(loss),
        always_on=kind != "scaled",
        cash=False,
        params=params,
    )
    moved = np.array(draw(st.lists(st.booleans(), min_size=w, max_size=w)))
    moved[draw(st.integers(0, w - 1))] = False
    return fleet, moved


@settings(max_examples=300, deadline=None)
@given(fleets())
def test_candidates_fleet_is_the_masks_fleet(case: tuple[SharedFleet, np.ndarray]) -> None:
    fleet, moved = case
    steps = FleetSteps(fleet)
    assert steps.kind in ("linear", "placed")
    for k in np.flatnonzero(moved):
        steps.move(int(k))
    candidates = np.flatnonzero(~moved)
    fast = steps.costs(candidates)
    generic = shared_fleet_costs(fleet, _masks(moved, candidates))
    if fleet.always_on:  # whole replicas, exactly
        np.testing.assert_array_equal(fast.gpus, generic.gpus)
    else:  # GPU-hours run / 730
        np.testing.assert_allclose(fast.gpus, generic.gpus, rtol=1e-12)
    for name, usd in generic.components.items():
        np.testing.assert_allclose(fast.components[name], usd, rtol=1e-12, atol=1e-9)


def test_a_leftover_at_each_level_is_placed_as_the_masks_are() -> None:
    # ten workloads of 0.4 replicas at η ≈ 0.6: one pool of 4.0 / 0.6 needs 7 replicas,
    # mixing fewer pays: the moved set's gains fall then rise; each candidate is checked
    peak = np.array([[0.4], [0.9], [0.1], [1.7], [0.4], [2.0], [0.65], [0.4], [1.0], [0.3]])
    fleet = SharedFleet(
        peak=peak,
        mean=peak / 2,
        coincidence=as_float(1.0),
        overhead=as_float(0.4),
        decade_loss=as_float(0.0),
        always_on=True,
        cash=False,
        params={
            "target_utilization": as_float(1.0),
            "gpus_per_replica": as_float(1.0),
            "usd_per_gpu_hour": as_float(1.0),
            "min_replicas": as_float(1.0),
            "term_months": 1,
            "trend": np.ones(1),
        },
    )
    steps = FleetSteps(fleet)
    for k in range(len(peak) - 1):
        candidates = np.flatnonzero(~steps.moved)
        generic = shared_fleet_costs(fleet, _masks(steps.moved, candidates))
        np.testing.assert_array_equal(steps.costs(candidates).gpus, generic.gpus)
        steps.move(k)


def test_a_coincidence_below_one_is_priced_by_the_masks() -> None:
    fleet = SharedFleet(
        peak=np.array([[1.5], [0.5]]),
        mean=np.array([[1.0], [0.2]]),
        coincidence=as_float(0.7),
        overhead=as_float(0.3),
        decade_loss=as_float(0.0),
        always_on=True,
        cash=False,
        params={
            "target_utilization": as_float(1.0),
            "gpus_per_replica": as_float(1.0),
            "usd_per_gpu_hour": as_float(1.0),
            "min_replicas": as_float(1.0),
            "term_months": 1,
            "trend": np.ones(1),
        },
    )
    steps = FleetSteps(fleet)
    assert steps.kind == "generic"
    steps.move(0)
    costs = steps.costs(np.array([1]))
    np.testing.assert_array_equal(costs.gpus, shared_fleet_costs(fleet, [[1.0, 1.0]]).gpus)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 7), st.booleans(), st.data())
def test_candidates_npv_is_subset_npv(seed: int, n: int, baseline: bool, data: Any) -> None:
    """Every alternative (a shared fleet, a fleet each, a hosted API), on a hosted baseline
    or one shared today: each step's NPVs are :func:`subset_npv`'s of the same masks."""
    scenario = parse_scenario(random_portfolio(seed, n, baseline_fleet=baseline))
    ev = evaluate_portfolio(prepare(scenario))
    for outcome in ev.alternatives:
        pieces = outcome.pieces
        steps = Steps(pieces)
        moved = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
        for k in range(n - 1):
            if moved[k]:
                steps.move(k)
        candidates = np.flatnonzero(~steps.moved)
        np.testing.assert_allclose(
            steps.npv(candidates),
            subset_npv(pieces, _masks(steps.moved, candidates)),
            rtol=1e-9,
            atol=1e-6,
        )


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(0, 3), st.integers(0, 1000))
def test_a_weighted_sum_is_the_broadcast_sum(k: int, w: int, samples: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = rng.integers(0, 2, (k, w)).astype(np.float64)
    a = rng.normal(size=(w, *([3] * samples), 4))
    broadcast = np.sum(m.reshape(m.shape + (1,) * (a.ndim - 1)) * a, axis=1)
    np.testing.assert_allclose(weighted_sum(m, a), broadcast, rtol=1e-12, atol=1e-12)
