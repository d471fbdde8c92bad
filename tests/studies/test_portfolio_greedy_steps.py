"""The greedy migration order, each step's candidates priced by sums kept as the workloads
move (analysis/portfolio_steps.py), is the order and the marginals the generic subset
arithmetic gives (each step every candidate's mask through :func:`subset_npv`): on
tests/data/portfolio.toml (checked against every order), and as a property on random
portfolios, on a hosted baseline and on one the workloads share today. A step no longer
places a (K, W, …) array of loads: at 1,000 workloads that was hundreds of MB a step and the
order grew as W³ (400 workloads: 36 s; 1,000: past ten minutes)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import FROZEN_PORTFOLIO
from many_workloads import random_portfolio
from payback.analysis import portfolio_fleet
from payback.analysis.portfolio import AlternativePieces, evaluate_portfolio, prepare
from payback.scenario import load_scenario, parse_scenario
from payback.studies.portfolio import analyze_portfolio, best_order, greedy_order, subset_npv


def greedy_by_masks(pieces: AlternativePieces) -> tuple[list[int], list[float]]:
    """The greedy order as it was worked out: each step, every candidate's mask priced."""
    n = len(pieces.served)
    moved = np.zeros(n)
    order: list[int] = []
    marginals: list[float] = []
    current = 0.0
    for _ in range(n):
        left = [k for k in range(n) if moved[k] == 0]
        masks = np.repeat(moved[np.newaxis, :], len(left), axis=0)
        masks[np.arange(len(left)), left] = 1.0
        npv = subset_npv(pieces, masks)
        pick = int(np.argmax(npv))
        order.append(left[pick])
        marginals.append(float(npv[pick]) - current)
        current = float(npv[pick])
        moved[left[pick]] = 1.0
    return order, marginals


def test_the_example_portfolio_moves_in_the_same_order() -> None:
    # support triage first (alone it does not pay for the fleet's two replicas: -$13,340),
    # then ticket summaries carries it (+$28,325); the order is the best of all 120
    ev = evaluate_portfolio(prepare(load_scenario(FROZEN_PORTFOLIO)))
    expected = {
        0: [-13339.562499, 28325.234382, 3369.375001, 1097.102679, 406.08817],
        1: [324.233087, 14661.438797, -10294.420585, -12566.692907, -13257.707416],
    }
    for index, marginals in expected.items():
        pieces = ev.alternatives[index].pieces
        order, got = greedy_order(pieces)
        assert order == [0, 1, 3, 2, 4] == best_order(pieces)[0]
        assert got == pytest.approx(marginals, abs=1e-5)
        assert sum(got) == pytest.approx(float(ev.alternatives[index].npv_usd), rel=1e-9)
        by_masks, marginals_by_masks = greedy_by_masks(pieces)
        assert order == by_masks
        assert got == pytest.approx(marginals_by_masks, rel=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 8), st.booleans())
def test_the_greedy_order_is_the_masks_order(seed: int, n: int, baseline: bool) -> None:
    scenario = parse_scenario(random_portfolio(seed, n, baseline_fleet=baseline))
    for outcome in evaluate_portfolio(prepare(scenario)).alternatives:
        order, marginals = greedy_order(outcome.pieces)
        expected_order, expected = greedy_by_masks(outcome.pieces)
        assert order == expected_order
        np.testing.assert_allclose(marginals, expected, rtol=1e-9, atol=1e-6)


def test_identical_workloads_go_in_the_order_listed() -> None:
    data = random_portfolio(7, 1)
    data["workloads"] = [dict(data["workloads"][0], name=f"copy {k}") for k in range(4)]
    for outcome in evaluate_portfolio(prepare(parse_scenario(data))).alternatives:
        assert greedy_order(outcome.pieces)[0] == [0, 1, 2, 3]


def test_a_step_places_no_array_of_every_candidates_loads(monkeypatch: Any) -> None:
    """40 workloads on a shared fleet of adapters: the greedy order places no candidate's
    loads by :func:`place_adapters` (it did, a (K, W, H) array every step)."""
    placed: list[tuple[int, ...]] = []
    place = portfolio_fleet.place_adapters

    def counted(peak: Any, *args: Any) -> Any:
        placed.append(np.shape(peak))
        return place(peak, *args)

    scenario = parse_scenario(random_portfolio(3, 40))
    pieces = evaluate_portfolio(prepare(scenario)).alternatives[0].pieces
    assert pieces.fleet is not None
    assert pieces.fleet.always_on
    monkeypatch.setattr(portfolio_fleet, "place_adapters", counted)
    order, _ = greedy_order(pieces)
    assert sorted(order) == list(range(40))
    assert placed == []


@pytest.mark.slow
def test_three_hundred_workloads_analyze_as_their_first_steps_say() -> None:
    """A 300-workload portfolio on a baseline fleet shared today: the whole analysis runs,
    and its first three steps are the masks' (priced in full for those three only)."""
    data = random_portfolio(11, 300, baseline_fleet=True)
    analysis = analyze_portfolio(parse_scenario(data))
    shared = analysis.alternatives[0]
    assert len(shared.order) == 300
    pieces = analysis.evaluation.alternatives[0].pieces
    n = len(pieces.served)
    moved = np.zeros(n)
    names = [w["name"] for w in data["workloads"]]
    for step in shared.order[:3]:
        left = np.flatnonzero(moved == 0)
        masks = np.repeat(moved[np.newaxis], len(left), axis=0)
        masks[np.arange(len(left)), left] = 1.0
        npv = subset_npv(pieces, masks)
        pick = int(left[int(np.argmax(npv))])
        assert step.workload == names[pieces.served[pick]]
        assert step.npv_usd == pytest.approx(float(np.max(npv)), rel=1e-9)
        moved[pick] = 1.0
