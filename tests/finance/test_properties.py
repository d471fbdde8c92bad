"""Invariants of the accounting model, checked on generated scenarios (hypothesis)."""

import math

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpers import build, fleet_dict, per_request_dict
from payback import PaybackError, analyze, quick_break_even
from payback.analysis.cashflows import evaluate
from payback.finance import quick

money = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)
price = st.floats(min_value=0.01, max_value=100.0)
traffic = st.floats(min_value=1.0, max_value=1e9)


@given(
    hosted=price, cheaper_by=st.floats(0.01, 1.0), one_time=st.floats(1.0, 1e6), requests=traffic
)
def test_seed_formula_is_the_constant_price_limit(
    hosted: float, cheaper_by: float, one_time: float, requests: float
) -> None:
    self_hosted = hosted * (1 - cheaper_by)
    months_needed = one_time / ((hosted - self_hosted) * requests / 1000)
    assume(0 < months_needed < 100)
    data = per_request_dict(hosted, self_hosted, requests, horizon=100, data_usd=one_time)
    alt = analyze(build(data)).alternatives[0]
    expected = float(quick.seed_break_even_requests(hosted, self_hosted, one_time))
    assert alt.break_even_requests is not None
    assert math.isclose(alt.break_even_requests, expected, rel_tol=1e-9)
    answer = quick_break_even(hosted, self_hosted, one_time).break_even_requests
    assert answer is not None
    assert math.isclose(answer, expected, rel_tol=1e-12)


@given(
    hosted=price,
    cheaper_by=st.floats(0.01, 1.0),
    one_time=money,
    low=traffic,
    factor=st.floats(1.0, 100.0),
    growth=st.floats(0.0, 0.2),
    ops=st.floats(0.0, 1e4),
    retrain=st.floats(0.0, 1e4),
    every=st.integers(0, 6),
)
def test_more_traffic_never_delays_break_even_of_a_cheaper_per_request_alternative(
    hosted: float,
    cheaper_by: float,
    one_time: float,
    low: float,
    factor: float,
    growth: float,
    ops: float,
    retrain: float,
    every: int,
) -> None:
    def month(requests: float) -> float:
        data = per_request_dict(
            hosted, hosted * (1 - cheaper_by), requests, horizon=24, data_usd=one_time
        )
        data["traffic"]["growth_monthly"] = growth
        data["alternatives"][0]["ops_usd_per_month"] = ops
        data["alternatives"][0]["recurring"] = {
            "retrain_every_months": every,
            "retrain_usd": retrain if every else 0.0,  # never retrained: no price to pay
        }
        t = analyze(build(data)).alternatives[0].break_even_month
        return math.inf if t is None else t

    assert month(low * factor) <= month(low) + 1e-9


fleet_alternative = st.fixed_dictionaries(
    {
        "usd_per_gpu_hour": st.floats(0.1, 20.0),
        "replica_requests_per_s": st.floats(0.05, 100.0),
        "target_utilization": st.floats(0.1, 1.0),
        "gpus_per_replica": st.integers(1, 8),
        "min_replicas": st.integers(1, 4),
        "always_on": st.booleans(),
        "escalation_share": st.floats(0.0, 0.99),
        "ops_usd_per_month": st.floats(0.0, 1e4),
        "one_time": st.fixed_dictionaries({"data_usd": money, "training_usd": money}),
        "recurring": st.integers(0, 12).flatmap(  # never retrained: no price to pay
            lambda every: st.fixed_dictionaries(
                {
                    "retrain_every_months": st.just(every),
                    "retrain_usd": money if every else st.just(0.0),
                }
            )
        ),
    }
)


@given(
    alt=fleet_alternative,
    growth=st.floats(-0.3, 0.5),
    peak=st.floats(1.0, 10.0),
    horizon=st.integers(1, 36),
)
def test_monthly_savings_sum_to_the_cumulative_curve(
    alt: dict[str, object], growth: float, peak: float, horizon: int
) -> None:
    data = fleet_dict(**alt)
    data["scenario"]["horizon_months"] = horizon
    data["traffic"].update(growth_monthly=growth, peak_to_average=peak)
    try:
        scenario = build(data)
    except PaybackError as exc:  # +50% a month for 3 years: a fleet past the cap is refused
        assume("at most 10,000,000 GPUs" not in str(exc))
        raise
    analysis = analyze(scenario)
    result = analysis.alternatives[0]
    base = np.array(analysis.baseline.monthly_cost_usd)
    cost = np.array(result.monthly_cost_usd)
    cum = np.array(result.cumulative_savings_usd)
    assert len(cum) == horizon + 1
    assert cum[0] == -result.one_time_usd
    np.testing.assert_allclose(np.diff(cum), base - cost, rtol=1e-9, atol=1e-6)
    components = np.sum([np.array(v) for v in result.components_usd.values()], axis=0)
    np.testing.assert_allclose(components, cost, rtol=1e-12, atol=1e-9)
    assert result.one_time_usd == sum((result.one_time_items_usd or {}).values())


@given(alt=fleet_alternative, horizon=st.integers(1, 36))
def test_break_even_point_has_zero_interpolated_savings(
    alt: dict[str, object], horizon: int
) -> None:
    data = fleet_dict(**alt)
    data["scenario"]["horizon_months"] = horizon
    result = analyze(build(data)).alternatives[0]
    t = result.break_even_month
    cum = np.array(result.cumulative_savings_usd)
    if t is None:  # never at or above zero after month 0 (month 0 alone is not a payback)
        assert (cum[1:] < 0).all()
        assert result.reason
    elif t > 0:
        assert np.interp(t, np.arange(horizon + 1), cum) == np.float64(0.0) or math.isclose(
            float(np.interp(t, np.arange(horizon + 1), cum)),
            0.0,
            abs_tol=1e-6 * max(1.0, abs(cum).max()),
        )
        assert (cum[: math.ceil(t)] < 0).all()


@given(alt=fleet_alternative)
def test_zero_one_time_cost_breaks_even_at_month_zero(alt: dict[str, object]) -> None:
    alt = dict(alt, one_time={})
    analysis = analyze(build(fleet_dict(**alt)))
    result = analysis.alternatives[0]
    assert result.one_time_usd == 0.0
    if analysis.baseline.monthly_cost_usd[0] >= result.monthly_cost_usd[0]:
        assert result.break_even_month == 0.0
        assert result.break_even_requests == 0.0
    else:  # loses money from month 1: not paid back at month 0
        assert result.break_even_month != 0.0


@given(alt=fleet_alternative, horizon=st.integers(1, 24))
def test_npv_without_discount_equals_final_cumulative_savings(
    alt: dict[str, object], horizon: int
) -> None:
    data = fleet_dict(**alt)
    data["scenario"]["horizon_months"] = horizon
    result = analyze(build(data)).alternatives[0]
    cum = result.cumulative_savings_usd or []
    assert math.isclose(result.npv_usd, cum[-1], rel_tol=1e-9, abs_tol=1e-6)


@settings(max_examples=30)
@given(
    alt=fleet_alternative,
    requests=st.lists(st.floats(1e3, 1e9), min_size=1, max_size=5),
    prices=st.lists(st.floats(0.1, 20.0), min_size=1, max_size=5),
)
def test_vectorized_evaluation_equals_one_scenario_at_a_time(
    alt: dict[str, object], requests: list[float], prices: list[float]
) -> None:
    n = min(len(requests), len(prices))
    requests, prices = requests[:n], prices[:n]
    data = fleet_dict(**alt)
    scenario = build(data)
    ev = evaluate(
        scenario,
        {
            "traffic.requests_per_month": np.array(requests),
            "alternatives.0.usd_per_gpu_hour": np.array(prices),
        },
    )
    outcome = ev.alternatives[0]
    for i, (r, p) in enumerate(zip(requests, prices, strict=True)):
        data["traffic"]["requests_per_month"] = r
        data["alternatives"][0]["usd_per_gpu_hour"] = p
        single = evaluate(build(data)).alternatives[0]
        np.testing.assert_allclose(outcome.cumulative_savings_usd[i], single.cumulative_savings_usd)
        np.testing.assert_allclose(outcome.npv_usd[i], single.npv_usd)
        np.testing.assert_equal(outcome.break_even_month[i], single.break_even_month)
