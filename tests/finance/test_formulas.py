"""The pure model functions, against values computed by hand."""

import numpy as np
import pytest

from payback import finance as model
from payback.finance import costs, quick


def test_requests_grow_compound() -> None:
    np.testing.assert_allclose(model.requests_per_month(1000, 0.1, 4), [1000, 1100, 1210, 1331])


def test_requests_shrink_with_negative_growth() -> None:
    np.testing.assert_allclose(model.requests_per_month(1000, -0.5, 3), [1000, 500, 250])


def test_price_trend_pays_full_price_in_month_1_and_a_year_later_times_one_plus_a() -> None:
    trend = model.price_trend(-0.3, 13)
    assert trend[0] == 1.0
    assert trend[12] == pytest.approx(0.7)
    assert trend[6] == pytest.approx(0.7**0.5)


def test_per_request_cost_with_trend() -> None:
    # 20,000 requests at $15/1k = $300; 13 months later, 19% cheaper: $243.
    cost = model.per_request_cost(np.full(13, 20_000.0), 15.0, -0.19)
    assert cost[0] == pytest.approx(300.0)
    assert cost[12] == pytest.approx(243.0)


def test_hosted_api_cost_by_hand() -> None:
    # 200k requests x (1000 in x $2.5 + 200 out x $10) / 1e6 = 200k x $0.0045 = $900.
    cost = model.hosted_api_cost(
        [200_000.0],
        input_tokens=1000,
        output_tokens=200,
        cached_input_share=0.0,
        input_usd_per_mtok=2.5,
        cached_input_usd_per_mtok=1.25,
        output_usd_per_mtok=10.0,
    )
    assert cost[0] == pytest.approx(900.0)


def test_hosted_api_cached_share_bills_cached_price() -> None:
    # Half the 1000 input tokens cached at $0.5 instead of $2.5: saves 500 x $2 / 1e6 per request.
    kwargs = {"input_tokens": 1000, "output_tokens": 0, "input_usd_per_mtok": 2.5}
    full = model.hosted_api_cost(
        [1e6],
        cached_input_share=0.0,
        cached_input_usd_per_mtok=0.5,
        output_usd_per_mtok=0,
        **kwargs,
    )
    half = model.hosted_api_cost(
        [1e6],
        cached_input_share=0.5,
        cached_input_usd_per_mtok=0.5,
        output_usd_per_mtok=0,
        **kwargs,
    )
    assert full[0] == pytest.approx(2500.0)
    assert half[0] == pytest.approx(1500.0)


def test_batch_discount_leaves_cached_input_at_its_own_batch_rate() -> None:
    # gpt-4o in genai-prices: $2.50 input, $1.25 cache read, $10 output; batch $1.25, $1.25
    # (unchanged), $5. 1e6 requests of 1,200 input (30% cached) and 250 output tokens, a
    # fifth by batch: 0.8 x (840 x 2.5 + 360 x 1.25 + 250 x 10) + 0.2 x (840 x 1.25 +
    # 360 x 1.25 + 250 x 5) = 0.8 x 5,050 + 0.2 x 2,750 = $4,590.
    kwargs = {
        "input_tokens": 1200,
        "output_tokens": 250,
        "cached_input_share": 0.3,
        "input_usd_per_mtok": 2.5,
        "cached_input_usd_per_mtok": 1.25,
        "output_usd_per_mtok": 10.0,
        "batch_share": 0.2,
        "batch_discount": 0.5,
    }
    assert model.hosted_api_cost([1e6], **kwargs)[0] == pytest.approx(4590.0)
    # a provider whose batch halves cache reads too: 0.9 x 5,050 = $4,545
    halved = model.hosted_api_cost([1e6], cached_input_batch_discount=0.5, **kwargs)
    assert halved[0] == pytest.approx(4545.0)


def test_fleet_replica_steps_and_min_replicas() -> None:
    # 1, 1.5, 2.25 requests/s at the peak, 1 request/s per replica at 100% -> 1, 2, 3 replicas.
    requests = model.requests_per_month(model.SECONDS_PER_MONTH, 0.5, 3)
    kwargs = {"peak_to_average": 1.0, "replica_requests_per_s": 1.0, "target_utilization": 1.0}
    np.testing.assert_array_equal(
        model.fleet_gpus(requests, gpus_per_replica=1, min_replicas=1, **kwargs), [1, 2, 3]
    )
    np.testing.assert_array_equal(
        model.fleet_gpus(requests, gpus_per_replica=2, min_replicas=1, **kwargs), [2, 4, 6]
    )
    np.testing.assert_array_equal(
        model.fleet_gpus(requests, gpus_per_replica=2, min_replicas=3, **kwargs), [6, 6, 6]
    )


def test_fleet_at_exact_capacity_does_not_round_up_float_noise() -> None:
    # 3 requests/s of peak against 3 x 0.7 ... expressed so float noise appears: 2.1/0.7 = 3.0000000000000004
    requests = np.array([2.1 * model.SECONDS_PER_MONTH])
    replicas = costs.fleet_replicas(
        requests,
        peak_to_average=1.0,
        replica_requests_per_s=1.0,
        target_utilization=0.7,
        min_replicas=1,
    )
    assert replicas[0] == 3.0


def test_fleet_peak_to_average_multiplies_load() -> None:
    requests = np.array([model.SECONDS_PER_MONTH])  # 1 request/s average
    kwargs = {
        "replica_requests_per_s": 1.0,
        "target_utilization": 1.0,
        "gpus_per_replica": 1,
        "min_replicas": 1,
    }
    assert model.fleet_gpus(requests, peak_to_average=3.5, **kwargs)[0] == 4.0


def test_always_on_cost_is_730_hours() -> None:
    np.testing.assert_allclose(model.always_on_gpu_cost([2.0, 3.0], 2.0), [2920.0, 4380.0])


def test_scale_to_zero_hours_by_hand() -> None:
    # 36,000 requests at 10/s x 50% = 18,000 per replica-hour -> 2 h x 2 GPUs = 4 GPU-hours.
    hours = model.scale_to_zero_gpu_hours(
        [36_000.0], replica_requests_per_s=10.0, target_utilization=0.5, gpus_per_replica=2
    )
    assert hours[0] == pytest.approx(4.0)


def test_retraining_months() -> None:
    np.testing.assert_array_equal(np.nonzero(model.retraining_cost(4, 1.0, 12))[0] + 1, [4, 8, 12])
    np.testing.assert_array_equal(np.nonzero(model.retraining_cost(1, 1.0, 3))[0] + 1, [1, 2, 3])
    assert not model.retraining_cost(0, 1500.0, 12).any()
    assert not model.retraining_cost(13, 1500.0, 12).any()


def test_retraining_vectorized_over_schedules() -> None:
    out = model.retraining_cost(np.array([2, 3]), np.array([10.0, 20.0]), 6)
    np.testing.assert_array_equal(out, [[0, 10, 0, 10, 0, 10], [0, 0, 20, 0, 0, 20]])


def test_escalated_requests() -> None:
    np.testing.assert_allclose(model.escalated_requests([1000.0, 2000.0], 0.05), [50.0, 100.0])


def test_cumulative_savings_starts_at_minus_one_time() -> None:
    np.testing.assert_allclose(
        model.cumulative_savings([300.0] * 3, [40.0] * 3, 400.0), [-400, -140, 120, 380]
    )


def test_break_even_interpolates_inside_the_month() -> None:
    # S(1) = -140, S(2) = 120 -> 1 + 140/260.
    assert float(model.break_even_month([-400.0, -140.0, 120.0])) == pytest.approx(1 + 140 / 260)


def test_break_even_exactly_at_month_end() -> None:
    assert float(model.break_even_month([-200.0, -100.0, 0.0, 100.0])) == pytest.approx(2.0)


def test_break_even_never_is_nan_and_zero_one_time_is_month_zero() -> None:
    assert np.isnan(model.break_even_month([-400.0, -300.0, -200.0]))
    assert float(model.break_even_month([0.0, 10.0])) == 0.0


def test_break_even_first_crossing_when_savings_dip_again() -> None:
    # Crosses in month 2 (at 1.5), dips below in month 3, recovers later: the first crossing counts.
    assert float(model.break_even_month([-100.0, -50.0, 50.0, -10.0, 30.0])) == pytest.approx(1.5)


def test_break_even_requests_with_growth_is_linear_inside_the_month() -> None:
    # t = 1.5 with 100 then 200 requests: 100 + 0.5 x 200.
    assert float(model.break_even_requests(1.5, [100.0, 200.0])) == pytest.approx(200.0)
    assert float(model.break_even_requests(2.0, [100.0, 200.0])) == pytest.approx(300.0)
    assert float(model.break_even_requests(0.0, [100.0, 200.0])) == 0.0
    assert np.isnan(model.break_even_requests(np.nan, [100.0, 200.0]))


def test_break_even_vectorized_matches_rows() -> None:
    rows = np.array([[-400.0, -140.0, 120.0], [-400.0, -300.0, -200.0], [0.0, 1.0, 2.0]])
    months = model.break_even_month(rows)
    for row, month in zip(rows, months, strict=True):
        np.testing.assert_equal(month, model.break_even_month(row))


def test_monthly_discount_rate() -> None:
    assert float(model.monthly_discount_rate(1.01**12 - 1)) == pytest.approx(0.01)


def test_npv_by_hand() -> None:
    # 1% a month; $100 saved in months 1 and 2; $50 up front.
    npv = model.net_present_value([100.0, 100.0], [0.0, 0.0], 50.0, 1.01**12 - 1)
    assert float(npv) == pytest.approx(-50 + 100 / 1.01 + 100 / 1.01**2)


def test_npv_at_zero_rate_is_final_cumulative_savings() -> None:
    base, alt = [300.0, 320.0, 250.0], [40.0, 400.0, 10.0]
    assert float(model.net_present_value(base, alt, 123.0, 0.0)) == pytest.approx(
        model.cumulative_savings(base, alt, 123.0)[-1]
    )


def test_seed_formula() -> None:
    assert float(quick.seed_break_even_requests(15, 2, 400)) == pytest.approx(400 / 13 * 1000)
    assert np.isnan(quick.seed_break_even_requests(2, 2, 400))
    assert np.isnan(quick.seed_break_even_requests(2, 3, 400))
