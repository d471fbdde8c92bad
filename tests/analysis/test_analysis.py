"""Scenarios through the engine and the analysis, against hand-computed values."""

import numpy as np
import pytest

from helpers import build, edited, fleet_dict, per_request_dict
from payback import PaybackError, analyze
from payback.analysis.cashflows import evaluate, numeric_paths, value_at


def test_seed_scenario_breaks_even_after_seed_requests() -> None:
    result = analyze(build(per_request_dict())).alternatives[0]
    assert result.break_even_requests == pytest.approx(400 / 13 * 1000, rel=1e-12)
    assert result.break_even_month == pytest.approx(400 / 260, rel=1e-12)
    assert result.one_time_usd == 400.0
    assert result.monthly_cost_usd == [40.0] * 6
    assert result.npv_usd == pytest.approx(6 * 260 - 400)
    assert result.reason is None
    # month 12 is past the 6-month horizon: not known, even ahead at month 6
    assert result.pays_back_within == {"3": True, "6": True, "12": None, "horizon": True}


def test_one_time_items_add_up() -> None:
    data = per_request_dict(
        data_usd=1000.0,
        engineer_hours=10,
        engineer_usd_per_hour=150.0,
        eval_usd=500.0,
        training_usd=200.0,
        training_runs=3,
    )
    alt = analyze(build(data)).alternatives[0]
    assert alt.one_time_items_usd == {
        "data": 1000.0,
        "engineering": 1500.0,
        "eval": 500.0,
        "training": 600.0,
    }
    assert alt.one_time_usd == 3600.0


def test_hosted_api_cached_price_defaults_to_input_price() -> None:
    data = fleet_dict()
    data["traffic"]["cached_input_share"] = 0.5
    without = analyze(build(data)).baseline.monthly_cost_usd[0]
    # 2,628,000 x (1000 x 2.5 + 200 x 10) / 1e6
    assert without == pytest.approx(2_628_000 * 0.0045)
    data["baseline"]["cached_input_usd_per_mtok"] = 0.5
    cheaper = analyze(build(data)).baseline.monthly_cost_usd[0]
    assert cheaper == pytest.approx(2_628_000 * (500 * 2.5 + 500 * 0.5 + 200 * 10) / 1e6)


def test_growth_and_price_trend_in_hosted_baseline() -> None:
    data = fleet_dict()
    data["scenario"]["horizon_months"] = 13
    data["traffic"]["growth_monthly"] = 0.1
    data["baseline"]["price_change_annual"] = -0.5
    base = analyze(build(data)).baseline.monthly_cost_usd
    first = 2_628_000 * 0.0045
    assert base[0] == pytest.approx(first)
    assert base[12] == pytest.approx(first * 1.1**12 * 0.5)


def test_fleet_steps_with_growth_and_gpus_per_replica() -> None:
    data = fleet_dict(gpus_per_replica=2, ops_usd_per_month=100.0)
    data["traffic"]["growth_monthly"] = 0.5  # 1, 1.5, 2.25 requests/s
    alt = analyze(build(data)).alternatives[0]
    assert alt.gpus == [2.0, 4.0, 6.0]
    assert alt.components_usd["gpus"] == [1460.0, 2920.0, 4380.0]
    assert alt.monthly_cost_usd == [1560.0, 3020.0, 4480.0]


def test_fleet_is_sized_for_the_requests_it_serves() -> None:
    # 1.25 requests/s of peak, 20% escalated -> 1.0 served -> one replica, not two.
    data = fleet_dict(escalation_share=0.2)
    data["traffic"]["peak_to_average"] = 1.25
    alt = analyze(build(data)).alternatives[0]
    assert alt.gpus == [1.0, 1.0, 1.0]


def test_escalation_is_paid_at_the_baseline_price_of_that_month() -> None:
    data = per_request_dict(
        baseline_per_1k=10.0, alternative_per_1k=1.0, requests=10_000, horizon=13
    )
    data["alternatives"][0]["escalation_share"] = 0.2
    data["baseline"]["price_change_annual"] = -0.5
    alt = analyze(build(data)).alternatives[0]
    # 8,000 served at $1/1k = $8; 2,000 escalated at $10/1k = $20 (month 1), $10 in month 13.
    assert alt.components_usd["escalation"][0] == pytest.approx(20.0)
    assert alt.components_usd["escalation"][12] == pytest.approx(10.0)
    assert alt.monthly_cost_usd[0] == pytest.approx(28.0)
    assert alt.monthly_cost_usd[12] == pytest.approx(18.0)


def test_scale_to_zero_pays_busy_hours_only() -> None:
    # 2,628,000 requests at 1/s x 50% -> 1,460 replica-hours x 2 GPUs x $3 = $8,760; no peak, no minimum.
    data = fleet_dict(
        always_on=False,
        target_utilization=0.5,
        gpus_per_replica=2,
        usd_per_gpu_hour=3.0,
        min_replicas=5,
    )
    data["traffic"]["peak_to_average"] = 10.0
    alt = analyze(build(data)).alternatives[0]
    assert alt.components_usd["gpus"][0] == pytest.approx(8760.0)
    assert alt.gpus is not None
    assert alt.gpus[0] == pytest.approx(2920 / 730)


def test_retraining_months_in_alternative_costs() -> None:
    data = per_request_dict(horizon=9)
    data["alternatives"][0]["recurring"] = {"retrain_every_months": 4, "retrain_usd": 1500.0}
    alt = analyze(build(data)).alternatives[0]
    assert [m + 1 for m, v in enumerate(alt.components_usd["retraining"]) if v] == [4, 8]
    assert alt.monthly_cost_usd[3] == pytest.approx(40.0 + 1500.0)


def test_npv_with_discount_by_hand() -> None:
    data = per_request_dict(horizon=2)
    data["scenario"]["discount_rate_annual"] = 1.01**12 - 1
    alt = analyze(build(data)).alternatives[0]
    assert alt.npv_usd == pytest.approx(-400 + 260 / 1.01 + 260 / 1.01**2)


def test_never_pays_back_costs_more_every_month() -> None:
    alt = analyze(
        build(per_request_dict(baseline_per_1k=2.0, alternative_per_1k=3.0))
    ).alternatives[0]
    assert alt.break_even_month is None
    assert alt.break_even_requests is None
    assert alt.reason == "the alternative costs more every month ($20.00 more in month 1)"
    assert alt.pays_back_within == {"3": False, "6": False, "12": False, "horizon": False}


def test_never_pays_back_within_horizon_says_how_long_it_needs() -> None:
    # Saves $260/month; $4,000 one-time; after 6 months $2,440 is owed -> 6 + 2440/260 = 15.38,
    # months elapsed as a break-even month is counted ("breaks even in month 13.4").
    alt = analyze(build(per_request_dict(data_usd=4000.0))).alternatives[0]
    assert alt.break_even_month is None
    assert alt.reason is not None
    # month 15.4 in all, not 15.4 more months ("needs ~15 months to recover" read as more)
    assert alt.reason == (
        "saves $260/month (month 6); if that saving kept up, with no later retraining or "
        "price change counted, it would recover the $2,440 still owed at month 6 by about "
        "month 15.4"
    )


def test_a_far_break_even_month_has_thousands_separators() -> None:
    # Saves $260/month; $1e9 one-time: 6 + (1e9 - 6 × 260) / 260 = 3,846,153.85, whole past 100.
    alt = analyze(build(per_request_dict(data_usd=1e9))).alternatives[0]
    assert alt.reason is not None
    assert alt.reason.endswith("by about month 3,846,154")


def test_never_pays_back_when_savings_turn_negative() -> None:
    data = per_request_dict(horizon=24, data_usd=4000.0)
    data["baseline"]["price_change_annual"] = -0.9  # the API gets cheaper than $2/1k in year 2
    alt = analyze(build(data)).alternatives[0]
    assert alt.break_even_month is None
    assert alt.reason is not None
    assert alt.reason.startswith("savings end in month ")


def test_a_saving_broken_by_retraining_months_is_not_said_to_end() -> None:
    """The starter's alternative with 30% of requests escalated: $2,184 for the baseline
    against $584 of GPUs, $655.20 of escalation and $300 of ops, so it saves $644.80 a
    month, but $800 of retraining every 6 months makes months 6, 12, 18 and 24 cost
    $155.20 more. By month 24: -$12,860 + 20 x $644.80 - 4 x $155.20 = -$584.80, and
    at the average ($12,275.20 / 24 = $511.47) 584.80 / 511.47 = 1.14 more months recover
    it: month 25.1, counted as a break-even month is (it said "month 26", the month's number). It was said to
    save "from month 1 to month 5, then costs more from month 6 on" and "never recovered"."""
    from helpers import EXAMPLES
    from payback.analysis.verdict import outcome_text
    from payback.scenario import parse_scenario
    from payback.scenario.io import read_scenario_data

    data = read_scenario_data(EXAMPLES / "quarter-200k.toml")
    result = analyze(parse_scenario(edited(data, "alternatives.0.escalation_share", 0.30)))
    alt = result.alternatives[0]
    assert alt.break_even_month is None
    by_hand = -12_860 + 20 * 644.80 - 4 * 155.20
    assert alt.cumulative_savings_usd[-1] == pytest.approx(by_hand) == -584.80
    assert round((12_860 - 584.80) / 24, 2) == 511.47
    assert alt.reason == (
        "saves in 20 of 24 months but costs more in months 6, 12, 18 and 24 ($155 more "
        "in month 24); $585 still owed at month 24, at its average of $511 a month "
        "that takes until about month 25.1"
    )
    assert outcome_text(alt, 24, 0.10).startswith(
        "does not pay back within 24 months: it saves in 20 of 24 months but costs more "
        "than the baseline in months 6, 12, 18 and 24 ($155 more in month 24); by month "
        "24 it is $585 behind, and at its average of $511 a month that takes until "
        "about month 25.1; NPV -$1,671"
    )


def test_explain_does_not_blame_idle_time_alone_where_other_costs_weigh_as_much() -> None:
    """The same file: escalation costs $655.20 in month 1 against $547 of idle GPU time;
    scaled to zero it would pay back (month 12.3), so what is true of idle time alone is
    said, not that it is why it never pays back."""
    from helpers import EXAMPLES
    from payback.report.fleet import why_paragraphs
    from payback.scenario import parse_scenario
    from payback.scenario.io import read_scenario_data

    data = read_scenario_data(EXAMPLES / "quarter-200k.toml")
    result = analyze(parse_scenario(edited(data, "alternatives.0.escalation_share", 0.30)))
    cause = why_paragraphs(result, 0)[1]
    assert cause.startswith(
        "It does not pay back within 24 months; without its idle GPU time it would. What "
        "would change it: scaled to zero (only the GPU-hours it runs: $52 of GPU time in month 1 "
        "instead of $584) it would pay back in month 12.3, and its NPV would be"
    )
    assert "why" not in cause


def test_zero_one_time_but_more_expensive_never_pays_back() -> None:
    data = per_request_dict(baseline_per_1k=2.0, alternative_per_1k=3.0)
    data["alternatives"][0]["one_time"] = {}
    analysis = analyze(build(data))
    alt = analysis.alternatives[0]
    assert alt.break_even_month is None
    assert alt.pays_back_within == {"3": False, "6": False, "12": False, "horizon": False}
    assert alt.reason == "the alternative costs more every month ($20.00 more in month 1)"
    assert "does not pay back within 6 months" in analysis.verdict()


def test_zero_one_time_and_equal_cost_is_month_zero() -> None:
    data = per_request_dict(baseline_per_1k=2.0, alternative_per_1k=2.0)
    data["alternatives"][0]["one_time"] = {}
    alt = analyze(build(data)).alternatives[0]
    assert alt.break_even_month == 0.0
    assert alt.break_even_requests == 0.0


def test_saving_nothing_has_its_own_reason() -> None:
    alt = analyze(
        build(per_request_dict(baseline_per_1k=2.0, alternative_per_1k=2.0))
    ).alternatives[0]
    assert (
        alt.reason
        == "the alternative saves nothing per month, so the $400.00 one-time cost is never recovered"
    )


def test_escalation_to_a_self_hosted_baseline_keeps_its_min_replicas() -> None:
    # Baseline: 2 always-on GPUs ($1,460), min_replicas = 2. The 10% escalated (0.1
    # request/s) needs one replica at its busiest hour, but the baseline keeps two at any
    # traffic: $1,460, not 10% of it (tests/analysis/test_escalation_fleet.py)
    data = fleet_dict(min_replicas=2)
    data["baseline"] = dict(data["alternatives"][0], name="own fleet")
    data["alternatives"] = [
        {
            "name": "cheap",
            "kind": "per_request",
            "usd_per_1k_requests": 0.1,
            "escalation_share": 0.1,
        }
    ]
    alt = analyze(build(data)).alternatives[0]
    assert alt.components_usd["escalation"][0] == pytest.approx(1460.0)


def test_verdict_names_best_alternative_by_npv() -> None:
    data = per_request_dict()
    second = dict(data["alternatives"][0], name="cheaper", usd_per_1k_requests=1.0)
    data["alternatives"].append(second)
    verdict = analyze(build(data)).verdict()
    assert verdict.startswith(
        "best of 2 by NPV: 'cheaper' pays back in month 1.4 (after ~28,571 requests)"
    )


def test_usd_per_1k_requests_includes_escalation() -> None:
    data = per_request_dict(baseline_per_1k=10.0, alternative_per_1k=1.0)
    data["alternatives"][0]["escalation_share"] = 0.2
    alt = analyze(build(data)).alternatives[0]
    assert alt.usd_per_1k_requests[0] == pytest.approx(0.8 * 1.0 + 0.2 * 10.0)


def test_overrides_vectorize_over_samples() -> None:
    scenario = build(per_request_dict())
    ev = evaluate(
        scenario, {"traffic.requests_per_month": np.array([10_000.0, 20_000.0, 40_000.0])}
    )
    np.testing.assert_allclose(
        ev.alternatives[0].break_even_month, [400 / 130, 400 / 260, 400 / 520]
    )
    np.testing.assert_allclose(ev.alternatives[0].break_even_requests, [400 / 13 * 1000] * 3)
    assert ev.alternatives[0].cumulative_savings_usd.shape == (3, 7)


def test_overrides_of_unknown_or_non_numeric_paths_are_refused() -> None:
    scenario = build(per_request_dict())
    with pytest.raises(PaybackError, match=r"traffic\.nope: no such field"):
        evaluate(scenario, {"traffic.nope": np.array([1.0])})
    with pytest.raises(PaybackError, match=r"baseline\.name: not a number \(it holds text\)"):
        evaluate(scenario, {"baseline.name": np.array([1.0])})


def test_numeric_paths_and_value_at() -> None:
    scenario = build(fleet_dict())
    paths = numeric_paths(scenario)
    assert "traffic.requests_per_month" in paths
    assert "alternatives.0.usd_per_gpu_hour" in paths
    assert "alternatives.0.one_time.engineer_hours" in paths
    assert "alternatives.0.always_on" not in paths  # booleans are not varied
    assert value_at(scenario, "alternatives.0.replica_requests_per_s") == 1.0


def test_edited_helper_roundtrip() -> None:
    data = edited(per_request_dict(), "alternatives.0.escalation_share", 0.1)
    assert build(data).alternatives[0].escalation_share == 0.1


def test_numbers_used_only_at_resolution_cannot_be_varied() -> None:
    """A training job's size is an input while its cost is estimated from it (the estimate
    follows it: 1,000 × 500 tokens × 1 epoch at $3/M is $1.50, × 100 epochs $150); once
    ``training_usd`` is given, the job is unused and refused, as the horizon always is."""
    data = fleet_dict()
    data["alternatives"][0]["one_time"] = {
        "training": {"hosted": "openai.gpt-4o-mini", "examples": 1000, "tokens_per_example": 500}
    }
    scenario = build(data)
    paths = numeric_paths(scenario)
    assert "alternatives.0.one_time.training_usd" in paths
    assert "alternatives.0.one_time.training.epochs" in paths
    assert "scenario.horizon_months" not in paths
    epochs = evaluate(scenario, {"alternatives.0.one_time.training.epochs": np.array([1.0, 100.0])})
    assert epochs.alternatives[0].one_time_items_usd["training"] == pytest.approx([1.5, 150.0])
    data["alternatives"][0]["one_time"]["training_usd"] = 400.0
    given = build(data)
    assert "alternatives.0.one_time.training.epochs" not in numeric_paths(given)
    with pytest.raises(
        PaybackError,
        match=r"alternatives\.0\.one_time\.training\.epochs: not an input of the cost engine: "
        r"unused: alternatives\.0\.one_time\.training_usd is given",
    ):
        evaluate(given, {"alternatives.0.one_time.training.epochs": np.array([1.0, 100.0])})
    with pytest.raises(
        PaybackError, match=r"scenario\.horizon_months: not an input of the cost engine"
    ):
        evaluate(scenario, {"scenario.horizon_months": np.array([6.0])})
