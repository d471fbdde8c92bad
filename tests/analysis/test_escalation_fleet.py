"""What an alternative's escalated requests cost at the baseline: the baseline's running
cost of serving them, by its own rule (DESIGN.md: "paid at the baseline's price"). For a
per-request, per-token or scaled-to-zero baseline that is e · its cost; for an always-on
self-hosted baseline it is a fleet sized for the escalated requests' busiest hour (at
least ``min_replicas``), not a share of its full fleet; owned servers are those it runs.
Worked by hand, as properties (hypothesis), through the studies and the portfolio."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import payback
from helpers import TESTS, build, edited, run
from payback.analysis.cashflows import evaluate
from payback.analysis.portfolio import evaluate_portfolio, prepare
from payback.scenario import parse_scenario

H3 = TESTS / "data" / "escalation_self_hosted.toml"
"""A self-hosted baseline (1 replica of 2 GPUs at $2/GPU-hour, $100 ops) and a hosted API
escalating 20% to it; 10,000 requests a month."""
HOURS = 730.0
SECONDS = HOURS * 3600.0
ESCALATION = "alternatives.0.escalation_share"


def h3() -> dict[str, Any]:
    return tomllib.loads(H3.read_text(encoding="utf-8"))


def api_by_hand(served: float, month: int) -> float:
    """The hosted API's fees for ``served`` requests: 1,000 tokens in at $1/Mtok, 100 out
    at $4/Mtok, the price halving each year."""
    return served * (1000 * 1.0 + 100 * 4.0) / 1e6 * 0.5 ** ((month - 1) / 12)


# ---------------------------------------------------------------- by hand


def test_the_escalated_share_keeps_the_baselines_replica_running() -> None:
    # the baseline: peak 10,000 / (730 · 3600) · 2 = 0.0076 requests/s, a replica plans for
    # 0.05 · 0.5 = 0.025: one replica of 2 GPUs, 2 · 730 · $2 = $2,920, and $100 of ops.
    # The 2,000 requests escalated need that one replica as well: $2,920, not 0.2 · $2,920
    ev = evaluate(build(h3()))
    np.testing.assert_allclose(ev.baseline.monthly_usd, np.full(12, 3020.0))
    costs = ev.alternatives[0].costs
    np.testing.assert_allclose(costs.components["escalation"], np.full(12, 2920.0))
    api = np.array([api_by_hand(8000.0, m) for m in range(1, 13)])
    np.testing.assert_allclose(costs.components["api"], api)
    assert api[0] == pytest.approx(11.2)
    np.testing.assert_allclose(costs.monthly_usd, 2920.0 + api)
    saved = 3020.0 - (2920.0 + api)
    assert saved[0] == pytest.approx(88.8)  # the old accounting said $2,425
    cumulative = -1000.0 + np.cumsum(saved)
    np.testing.assert_allclose(ev.alternatives[0].cumulative_savings_usd[1:], cumulative)
    m = int(np.argmax(cumulative >= 0.0))  # months 1..m−1 behind, month m + 1 ahead
    before = cumulative[m - 1]
    month = m + -before / (cumulative[m] - before)
    assert float(ev.alternatives[0].break_even_month) == pytest.approx(month)
    assert month == pytest.approx(10.93, abs=0.005)
    npv = -1000.0 + sum(s / 1.12 ** (k / 12) for k, s in enumerate(saved, start=1))
    assert float(ev.alternatives[0].npv_usd) == pytest.approx(npv)


def test_analyze_and_explain_say_the_escalation_and_the_saving() -> None:
    code, out, err = run("analyze", H3)
    assert code == 0, err
    assert re.search(r"escalation to baseline +\$2,920 +\$2,920 +\$35,040", out), out
    assert "Break-even             month 10.93, after 109,343 requests" in out
    code, out, err = run("explain", H3)
    assert code == 0, err
    text = " ".join(out.split())
    assert "'api' costs $2,931 ($293.12 per 1,000), so switching saves $89 that month." in text


def test_the_escalated_fleet_is_sized_for_the_escalated_peak() -> None:
    # 500,000 requests: the baseline's peak 0.381 requests/s needs ceil(15.2) = 16 replicas,
    # 32 GPUs ($46,720); the 20% escalated, 0.0761 requests/s, ceil(3.04) = 4 replicas, 8
    # GPUs: $11,680 (20% of the baseline's fleet would be $9,344)
    data = edited(h3(), "traffic.requests_per_month", 500_000)
    ev = evaluate(build(data))
    assert ev.baseline.usage_usd[0] == pytest.approx(16 * 2 * HOURS * 2.0)
    assert ev.alternatives[0].costs.components["escalation"][0] == pytest.approx(
        4 * 2 * HOURS * 2.0
    )


def test_a_rented_baseline_escalates_at_its_gpu_price_trend_and_commitment() -> None:
    # traffic doubling each month, 1 request/s, replicas of 1 request/s at u = 1: the
    # baseline needs 1, 2, 4 replicas; the 30% escalated ceil(0.3, 0.6, 1.2) = 1, 1, 2.
    # A 1y commitment reserves the most needed so far (1, 1, 2); rent falls 50% a year but
    # a committed price is held for its term: $1 · 730 each GPU.
    data = {
        "scenario": {"name": "trend", "horizon_months": 3},
        "traffic": {"requests_per_month": SECONDS, "growth_monthly": 1.0},
        "baseline": {
            "name": "own fleet",
            "kind": "self_hosted",
            "usd_per_gpu_hour": 1.0,
            "replica_requests_per_s": 1.0,
            "target_utilization": 1.0,
            "gpu_price_change_annual": -0.5,
        },
        "alternatives": [
            {"name": "api", "kind": "per_request", "usd_per_1k_requests": 0.1},
        ],
    }
    data["alternatives"][0]["escalation_share"] = 0.3
    on_demand = evaluate(build(data)).alternatives[0].costs.components["escalation"]
    trend = 0.5 ** (np.arange(3) / 12)
    np.testing.assert_allclose(on_demand, np.array([1.0, 1.0, 2.0]) * HOURS * trend)
    committed = edited(data, "baseline.commitment", "1y")
    escalation = evaluate(build(committed)).alternatives[0].costs.components["escalation"]
    np.testing.assert_allclose(escalation, np.array([1.0, 1.0, 2.0]) * HOURS)


OWNED = {
    "usd_per_server": 100_000.0,
    "gpus_per_server": 8,
    "kw_per_server": 10.0,
    "usd_per_kwh": 0.12,
    "pue": 1.3,
    "colocation_usd_per_server_month": 1500.0,
    "depreciation_months": 36,
}
FACILITY = 10.0 * HOURS * 0.12 * 1.3 + 1500.0  # $2,638.80 a server-month


def owned_baseline(financing: str, share: float = 0.25) -> dict[str, Any]:
    """An owned baseline of 4-GPU replicas, two to an 8-GPU server, serving 8, 16, 32
    requests/s (traffic doubling monthly) at 1 request/s a replica: 8, 16, 32 replicas on
    4, 8, 16 servers. ``share`` of the requests escalated: at 25%, 2, 4, 8 replicas on 1,
    2, 4 servers."""
    return {
        "scenario": {"name": "owned", "horizon_months": 3},
        "traffic": {"requests_per_month": 8 * SECONDS, "growth_monthly": 1.0},
        "baseline": {
            "name": "own servers",
            "kind": "self_hosted",
            "replica_requests_per_s": 1.0,
            "target_utilization": 1.0,
            "gpus_per_replica": 4,
            "owned": OWNED | {"financing": financing},
        },
        "alternatives": [
            {
                "name": "api",
                "kind": "per_request",
                "usd_per_1k_requests": 0.1,
                "escalation_share": share,
            }
        ],
    }


def test_an_owned_baseline_depreciated_charges_the_servers_the_share_uses() -> None:
    # 30% escalated: ceil(2.4, 4.8, 9.6) = 3, 5, 10 replicas on 2, 3, 5 servers (30% of
    # the baseline's 4, 8, 16 would be 1.2, 2.4, 4.8)
    ev = evaluate(build(owned_baseline("depreciation", share=0.3)))
    np.testing.assert_allclose(ev.baseline.servers, [4.0, 8.0, 16.0])
    servers = np.array([2.0, 3.0, 5.0])
    np.testing.assert_allclose(
        ev.alternatives[0].costs.components["escalation"],
        servers * (100_000.0 / 36 + FACILITY),
    )


def test_an_owned_baseline_in_cash_buys_nothing_its_month_1_servers_hold() -> None:
    # the baseline owns its 4 month-1 servers today; the share needs 1, 2, 4 of them:
    # their facility, and no server bought
    ev = evaluate(build(owned_baseline("cash")))
    np.testing.assert_allclose(
        ev.alternatives[0].costs.components["escalation"], np.array([1.0, 2.0, 4.0]) * FACILITY
    )
    # at 75% the share needs 3, 6, 12 servers: 2 bought for month 2 and 6 for month 3
    ev = evaluate(build(owned_baseline("cash", share=0.75)))
    expected = np.array([3.0, 6.0, 12.0]) * FACILITY + np.array([0.0, 2.0, 6.0]) * 100_000.0
    np.testing.assert_allclose(ev.alternatives[0].costs.components["escalation"], expected)


def test_an_alternative_that_escalates_nothing_keeps_no_baseline_running() -> None:
    ev = evaluate(build(edited(h3(), ESCALATION, 0.0)))
    np.testing.assert_array_equal(ev.alternatives[0].costs.components["escalation"], 0.0)


# ---------------------------------------------------------------- properties

requests = st.floats(1e3, 5e7)
growth = st.floats(-0.2, 0.5)
share = st.floats(0.0, 0.99)


def linear_baseline(kind: str, price: float) -> dict[str, Any]:
    if kind == "per_request":
        return {"name": "b", "kind": kind, "usd_per_1k_requests": price}
    if kind == "hosted_api":
        return {
            "name": "b",
            "kind": kind,
            "input_usd_per_mtok": price,
            "output_usd_per_mtok": 4 * price,
            "price_change_annual": -0.3,
        }
    return {
        "name": "b",
        "kind": "self_hosted",
        "always_on": False,
        "usd_per_gpu_hour": price,
        "replica_requests_per_s": 3.0,
        "gpus_per_replica": 2,
    }


def with_baseline(baseline: dict[str, Any], r: float, g: float, e: float) -> dict[str, Any]:
    return {
        "scenario": {"name": "p", "horizon_months": 12},
        "traffic": {
            "requests_per_month": r,
            "growth_monthly": g,
            "peak_to_average": 2.0,
            "input_tokens": 1000,
            "output_tokens": 100,
        },
        "baseline": baseline,
        "alternatives": [
            {"name": "a", "kind": "per_request", "usd_per_1k_requests": 0.5, "escalation_share": e}
        ],
    }


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["per_request", "hosted_api", "scale_to_zero"]),
    price=st.floats(0.01, 50.0),
    r=requests,
    g=growth,
    e=share,
)
def test_a_linear_baseline_charges_e_times_its_usage(
    kind: str, price: float, r: float, g: float, e: float
) -> None:
    ev = evaluate(build(with_baseline(linear_baseline(kind, price), r, g, e)))
    np.testing.assert_allclose(
        ev.alternatives[0].costs.components["escalation"],
        e * ev.baseline.usage_usd,
        rtol=1e-9,
        atol=0.0,
    )


always_on = st.fixed_dictionaries(
    {
        "replica_requests_per_s": st.floats(0.05, 20.0),
        "gpus_per_replica": st.integers(1, 8),
        "min_replicas": st.integers(1, 4),
        "target_utilization": st.floats(0.2, 1.0),
    }
)
fleet_terms = st.sampled_from(
    [
        {"usd_per_gpu_hour": 2.0},
        {"usd_per_gpu_hour": 2.0, "commitment": "1y", "gpu_price_change_annual": -0.2},
        {"owned": OWNED | {"financing": "depreciation"}},
        {"owned": OWNED | {"financing": "cash"}},
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    fleet=always_on,
    terms=fleet_terms,
    r=requests,
    g=growth,
    shares=st.lists(share, min_size=2, max_size=5),
)
def test_an_always_on_baselines_escalation_grows_with_e_from_its_floor_to_its_fleet(
    fleet: dict[str, Any],
    terms: dict[str, Any],
    r: float,
    g: float,
    shares: list[float],
) -> None:
    baseline = {"name": "b", "kind": "self_hosted"} | fleet | terms
    if "owned" in terms:
        baseline["gpus_per_replica"] = min(fleet["gpus_per_replica"], 8)
    data = with_baseline(baseline, r, g, 0.1)
    e = np.array(sorted([*shares, 0.0]))
    ev = evaluate(build(data), {ESCALATION: e})
    escalation = ev.alternatives[0].costs.components["escalation"]  # (samples, months)
    # one engine call, vectorized: each sample as analyze of the file at that share
    for k in (0, len(e) - 1):
        alone = evaluate(build(edited(data, ESCALATION, float(e[k]))))
        np.testing.assert_allclose(
            escalation[k], alone.alternatives[0].costs.components["escalation"]
        )
    np.testing.assert_array_equal(escalation[0], 0.0)  # e = 0: nothing escalated, nothing paid
    # monotone in e (month by month; a fleet bought in cash over the months so far)
    cumulative = np.cumsum(escalation, axis=-1)
    assert np.all(np.diff(cumulative, axis=0) >= -1e-9 * np.abs(cumulative[1:]))
    if "owned" not in terms or terms["owned"]["financing"] != "cash":
        assert np.all(np.diff(escalation, axis=0) >= -1e-9 * np.abs(escalation[1:]))
    # never more than the baseline's own fleet (so far), never less than its floor
    usage = np.cumsum(ev.baseline.usage_usd, axis=-1)
    assert np.all(cumulative <= usage * (1 + 1e-9))
    if "usd_per_gpu_hour" in terms:
        floor = fleet["min_replicas"] * fleet["gpus_per_replica"] * HOURS * 2.0
        trend = 0.8 ** (np.floor(np.arange(12) / 12)) if "commitment" in terms else 1.0
        positive = e > 0.0
        assert np.all(escalation[positive] >= floor * trend * (1 - 1e-9))


# ---------------------------------------------------------------- the studies


def test_a_tornado_end_of_the_escalation_share_is_analyze_of_the_edited_file(
    tmp_path: Path,
) -> None:
    # 500,000 requests: 15% and 25% escalated need 3 and 4 of the baseline's replicas
    data = edited(h3(), "traffic.requests_per_month", 500_000)
    drivers = payback.sensitivity(build(data))
    assert isinstance(drivers, list)
    driver = next(d for d in drivers[0] if d.parameter == ESCALATION)
    assert (driver.low, driver.high) == pytest.approx((0.15, 0.25))
    for value, npv, month in (
        (driver.low, driver.npv_low_usd, driver.break_even_month_low),
        (driver.high, driver.npv_high_usd, driver.break_even_month_high),
    ):
        alt = payback.analyze(build(edited(data, ESCALATION, value))).alternatives[0]
        assert npv == pytest.approx(alt.npv_usd, rel=1e-12)
        if month is None:
            assert alt.break_even_month is None
        else:
            assert month == pytest.approx(alt.break_even_month, rel=1e-12)
    # the ends differ by the one replica of 2 GPUs the 25% needs beyond the 15%
    replica = 2 * HOURS * 2.0
    rate = 1.12 ** (1 / 12) - 1
    months = sum(1 / (1 + rate) ** m for m in range(1, 13))
    assert driver.npv_low_usd - driver.npv_high_usd == pytest.approx(
        replica * months
        - 0.1 * 500_000 * sum(api_by_hand(1.0, m) / (1 + rate) ** m for m in range(1, 13)),
        rel=1e-9,
    )


def test_solving_for_the_escalation_share_gives_what_analyze_gives_there() -> None:
    # $5,000 less NPV: more escalated requests, more of the baseline's replicas (the NPV
    # steps down by a replica's rent as the share crosses each replica's capacity)
    data = edited(h3(), "traffic.requests_per_month", 500_000)
    npv = payback.analyze(build(data)).alternatives[0].npv_usd
    solution = payback.solve(build(data), ESCALATION, f"npv_usd={npv - 5000:.2f}")
    assert solution.value is not None
    assert solution.value > 0.2
    assert solution.reached or solution.step
    alt = payback.analyze(build(edited(data, ESCALATION, solution.value))).alternatives[0]
    assert alt.npv_usd == pytest.approx(solution.achieved, rel=1e-12)


# ---------------------------------------------------------------- the portfolio


def test_a_portfolios_shared_self_hosted_baseline_takes_the_escalations_on_its_one_fleet() -> None:
    # the scenario's self-hosted baseline serves both workloads on one fleet (at their
    # peaks 0.304 and 15.22 replicas: 16, $46,720; analysis/portfolio_baseline.py); 20%
    # escalated from both, 3.105 replicas, rides on it: 4 replicas, $11,680 (each workload's
    # own scenario charges its share a fleet of its own: 1 and 4 replicas)
    data = h3()
    del data["traffic"]
    data["alternatives"][0]["price_change_annual"] = 0.0
    shared = {
        "name": "one fleet",
        "kind": "self_hosted",
        "usd_per_gpu_hour": 1.0,
        "replica_requests_per_s": 1.0,
        "escalation_share": 0.2,
        "portfolio": {"fleet": "shared"},
    }
    data["alternatives"].append(shared)
    tokens = {"input_tokens": 1000, "output_tokens": 100, "peak_to_average": 2}
    data["workloads"] = [
        {"name": "a", "traffic": {"requests_per_month": 10_000} | tokens},
        {"name": "b", "traffic": {"requests_per_month": 500_000} | tokens},
    ]
    result = evaluate_portfolio(prepare(parse_scenario(data)))
    replica = 2 * HOURS * 2.0
    escalation = np.array([1.0, 4.0]) * replica  # each workload's own scenario
    api = np.array([10_000, 500_000]) * 0.8 * 0.0014
    hosted = result.alternatives[0]
    # its $100 of ops once, as the one fleet's (they were charged per workload)
    np.testing.assert_allclose(hosted.baseline_usd[0], 16 * replica + 100.0)
    np.testing.assert_allclose(hosted.alternative_usd[0], np.sum(api) + 4 * replica)
    # moved alone: a's share rides on b's 16 replicas; b's needs 4 with a's traffic, 3 more
    own = np.array([0.0, 3.0]) * replica
    np.testing.assert_allclose(hosted.pieces.own_usd[:, 0], api + own)
    # the shared fleet serves the 80% itself; each workload's own cost is its escalation
    fleet = result.alternatives[1]
    np.testing.assert_allclose(fleet.pieces.own_usd[:, 0], own)
    for j in range(2):
        part = result.parts[j].alternatives[1].costs.components["escalation"]
        np.testing.assert_allclose(part, escalation[j])
