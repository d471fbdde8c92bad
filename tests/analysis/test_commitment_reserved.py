"""A 1y/3y commitment holds the GPUs it reserved for its term: within a term (months 1-T,
T+1-2T, ...) it pays for the most GPUs the fleet has needed so far in that term, and only
a renewal starts again from what that month needs. Hand-computed from a fleet that shrinks
(tried as a new user would: the committed fleet had released GPUs month by month), with
hypothesis properties for the accounting and for the engine, recommend and the portfolio
pricing it alike."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import build, build_data
from payback import analyze
from payback import finance as model
from payback.analysis.cashflows import evaluate
from payback.analysis.portfolio import evaluate_portfolio, prepare
from payback.analysis.resolve import resolve
from payback.scenario import parse_scenario
from payback.studies.recommend import recommend
from payback.studies.rewrite import apply_winner

RENT = 2.0 * 730  # $1,460 a GPU-month at $2/GPU-h


def shrinking(horizon: int = 13, growth: float = -0.3) -> dict[str, Any]:
    """The trial's scenario: 1e8 requests in month 1 falling 30% a month, replicas of
    10 requests/s planned at 70% (7 usable): 38.05, 26.64, 18.64, 13.05, 9.14, 6.39
    requests/s in months 1-6 need 6, 4, 3, 2, 2, 1 GPUs, then 1 to the end."""
    fleet = {"kind": "self_hosted", "usd_per_gpu_hour": 2.0, "replica_requests_per_s": 10}
    return {
        "scenario": {"name": "shrink", "horizon_months": horizon},
        "traffic": {"requests_per_month": 1e8, "growth_monthly": growth},
        "baseline": {"name": "b", "kind": "per_request", "usd_per_1k_requests": 5},
        "alternatives": [
            {"name": "od"} | fleet,
            {"name": "1y", "commitment": "1y"} | fleet,
        ],
    }


NEEDED = [6.0, 4.0, 3.0, 2.0, 2.0] + [1.0] * 8


def test_a_1y_commitment_pays_its_month_1_fleet_all_term_and_renews_at_month_13() -> None:
    od, committed = evaluate(parse_scenario(shrinking())).alternatives
    np.testing.assert_array_equal(od.costs.gpus, NEEDED)
    np.testing.assert_allclose(od.costs.components["gpus"], np.array(NEEDED) * RENT)
    # months 1-12: the 6 GPUs reserved in month 1, 6 × 730 × $2 = $8,760 each
    np.testing.assert_array_equal(committed.costs.gpus, [6.0] * 12 + [1.0])
    np.testing.assert_allclose(committed.costs.components["gpus"], [8760.0] * 12 + [1460.0])
    # $70,080 more than on demand within the first term: 105,120 − 35,040
    extra = committed.costs.components["gpus"][:12].sum() - od.costs.components["gpus"][:12].sum()
    assert extra == pytest.approx(70_080.0)
    assert float(od.npv_usd - committed.npv_usd) == pytest.approx(70_080.0)


def test_the_committed_fleet_reports_its_reserved_gpus_and_their_idle_cost() -> None:
    result = analyze(parse_scenario(shrinking(horizon=12)))
    od, committed = result.alternatives
    assert committed.to_dict()["gpus"] == [6.0] * 12
    assert committed.configuration is not None
    assert (
        committed.configuration["replicas_month_1"],
        committed.configuration["replicas_max"],
    ) == (
        6.0,
        6.0,
    )
    assert od.utilisation is not None
    assert committed.utilisation is not None
    # month 2: 7e7 requests, 26.64 requests/s on average; 6 reserved GPUs of 10 requests/s
    # are 44.4% busy (4 on demand: 66.6%); the 2 reserved but unneeded GPUs ($2,920) are idle
    served = 7e7 / 2_628_000
    assert committed.utilisation.average[1] == pytest.approx(served / 60)
    assert od.utilisation.average[1] == pytest.approx(served / 40)
    assert committed.utilisation.fleet_usd[1] == pytest.approx(8760.0)
    assert committed.utilisation.idle_usd[1] - od.utilisation.idle_usd[1] == pytest.approx(2920.0)
    # over the year: (6 × 12 − 24) reserved GPU-months unneeded, $70,080
    idle_gap = committed.utilisation.idle_total_usd - od.utilisation.idle_total_usd
    assert idle_gap == pytest.approx(70_080.0)


def test_a_gpu_added_mid_term_is_reserved_to_the_terms_end() -> None:
    # a term of 4 months: 1, 2, 4 reserved as needed, kept at 4 in month 4 though 3 are
    # needed; month 5 renews at what it needs (1), month 6 adds 4 more, kept in month 7
    paid = model.reserved_count([1.0, 2.0, 4.0, 3.0, 1.0, 5.0, 2.0], 4)
    np.testing.assert_array_equal(paid, [1.0, 2.0, 4.0, 4.0, 1.0, 5.0, 5.0])
    # per sample (rows), the month last
    rows = model.reserved_count([[3.0, 1.0, 2.0], [1.0, 3.0, 2.0]], 2)
    np.testing.assert_array_equal(rows, [[3.0, 3.0, 2.0], [1.0, 3.0, 2.0]])


@pytest.mark.parametrize("growth", [0.0, 0.05, 0.3])
def test_with_growth_at_least_zero_a_commitment_pays_the_on_demand_count(growth: float) -> None:
    od, committed = evaluate(parse_scenario(shrinking(horizon=40, growth=growth))).alternatives
    np.testing.assert_array_equal(committed.costs.gpus, od.costs.gpus)
    np.testing.assert_array_equal(committed.costs.components["gpus"], od.costs.components["gpus"])


# ---------------------------------------------------------------- the accounting itself

needs = st.lists(st.integers(0, 50).map(float), min_size=1, max_size=60)


@given(needed=needs, term=st.sampled_from([1, 2, 3, 12, 36]))
def test_reserved_count_never_pays_less_and_never_falls_within_a_term(
    needed: list[float], term: int
) -> None:
    paid = model.reserved_count(needed, term)
    n = np.array(needed)
    assert paid.shape == n.shape
    assert np.all(paid >= n)
    for start in range(0, len(needed), term):
        block = paid[start : start + term]
        assert np.all(np.diff(block) >= 0)
        assert block[0] == n[start]  # a renewal starts from what its month needs
        np.testing.assert_array_equal(block, np.maximum.accumulate(n[start : start + term]))


@given(needed=needs, term=st.sampled_from([1, 12, 36]))
def test_reserved_count_of_needs_that_never_fall_is_the_needs(
    needed: list[float], term: int
) -> None:
    rising = np.maximum.accumulate(np.array(needed))
    np.testing.assert_array_equal(model.reserved_count(rising, term), rising)


month_rows = st.lists(st.integers(0, 50).map(float), min_size=30, max_size=30)


@given(rows=st.lists(month_rows, min_size=2, max_size=6))
def test_reserved_count_over_samples_is_each_sample_alone(rows: list[list[float]]) -> None:
    stacked = np.array(rows)
    together = model.reserved_count(stacked, 12)
    for i, row in enumerate(stacked):
        np.testing.assert_array_equal(together[i], model.reserved_count(row, 12))


@settings(max_examples=30, deadline=None)
@given(
    growth=st.lists(st.floats(-0.5, 0.3), min_size=1, max_size=5),
    requests=st.floats(1e5, 1e9),
    price=st.floats(0.1, 10.0),
    term=st.sampled_from(["1y", "3y"]),
)
def test_the_engine_pays_a_commitment_at_least_the_on_demand_fleet_each_month(
    growth: list[float], requests: float, price: float, term: str
) -> None:
    data = shrinking(horizon=40)
    data["traffic"]["requests_per_month"] = requests
    for alt in data["alternatives"]:
        alt["usd_per_gpu_hour"] = price
    data["alternatives"][1]["commitment"] = term
    ev = evaluate(parse_scenario(data), {"traffic.growth_monthly": np.array(growth)})
    od, committed = (a.costs for a in ev.alternatives)
    assert od.gpus is not None
    assert committed.gpus is not None
    assert np.all(committed.gpus >= od.gpus)
    assert np.all(committed.components["gpus"] >= od.components["gpus"])
    t = 12 if term == "1y" else 36
    for start in range(0, 40, t):
        assert np.all(np.diff(committed.gpus[:, start : start + t], axis=-1) >= 0)
        np.testing.assert_array_equal(committed.gpus[:, start], od.gpus[:, start])
    rising = np.array(growth) >= 0
    np.testing.assert_array_equal(committed.gpus[rising], od.gpus[rising])


# ---------------------------------------------------------------- recommend and portfolio


def test_recommend_ranks_a_shrinking_committed_fleet_at_what_analyze_charges() -> None:
    data = build_data(3e8, commitment="1y", gpu="h100-sxm")
    data["traffic"]["growth_monthly"] = -0.2
    data["scenario"]["horizon_months"] = 24
    for key in ("usd_per_gpu_hour", "replica_requests_per_s"):
        del data["alternatives"][0][key]
    best = recommend(build(data)).best
    assert best is not None
    applied = copy.deepcopy(data)
    apply_winner(applied, 0, best, build(data).alternatives[0])  # type: ignore[arg-type]
    costs = evaluate(resolve(build(applied))).alternatives[0].costs
    assert costs.gpus is not None
    assert np.all(costs.gpus[:12] == costs.gpus[0])  # held for the first term
    assert costs.gpus[12] < costs.gpus[0]  # renewed smaller
    assert best.replicas_max == costs.gpus[0] / best.gpus_per_replica
    assert float(np.mean(costs.components["gpus"])) == pytest.approx(
        best.monthly_cost_usd, rel=1e-9
    )


def test_a_shared_fleet_under_a_commitment_is_the_engine_exactly() -> None:
    data = shrinking(horizon=18, growth=-0.2)
    data["alternatives"] = data["alternatives"][1:]
    data["traffic"] |= {"input_tokens": 800, "output_tokens": 200}
    engine = evaluate(parse_scenario(data)).alternatives[0]
    assert engine.costs.gpus is not None
    np.testing.assert_array_equal(engine.costs.gpus[:12], [6.0] * 12)
    portfolio = copy.deepcopy(data)
    portfolio["workloads"] = [{"name": "only", "traffic": portfolio.pop("traffic")}]
    outcome = evaluate_portfolio(prepare(parse_scenario(portfolio))).alternatives[0]
    np.testing.assert_array_equal(outcome.alternative_usd, engine.costs.monthly_usd)
    np.testing.assert_array_equal(outcome.npv_usd, engine.npv_usd)
