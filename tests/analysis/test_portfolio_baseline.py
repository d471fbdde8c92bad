"""Workloads that share the scenario's self-hosted baseline run on one baseline fleet today
(analysis/portfolio_baseline.py): sized on their combined load, its min_replicas paid once.
Tried as a new user would: three workloads of 100,000 requests a month on a 2-GPU baseline
at $2/GPU-hour with min_replicas 1 read "$81 against $8,760 today" (three fleets); the team
runs one fleet, $2,920. Worked by hand, with escalation, and as properties (hypothesis)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baseline_fleet_files import THREE_ON_ONE_FLEET
from helpers import run
from payback.analysis.cashflows import evaluate
from payback.analysis.portfolio import evaluate_portfolio, prepare, subset_flows
from payback.analysis.portfolio_baseline import baseline_fleet_facts
from payback.scenario import parse_scenario
from payback.studies.portfolio import analyze_portfolio, subset_npv

HOURS = 730.0
TOKENS = {"input_tokens": 1000, "output_tokens": 200}
HOSTED = 100_000 * (1000 * 0.15 + 200 * 0.6) / 1e6
"""A workload's month on the hosted API: $27."""


def three_on_one_fleet(escalation: float = 0.0, **baseline: Any) -> dict[str, Any]:
    """The new user's file: a self-hosted baseline (1 replica of 2 GPUs at $2/GPU-hour,
    5 requests/s a replica) for three workloads of 100,000 requests a month; a hosted API
    at $0.15 / $0.60 per Mtok."""
    return {
        "scenario": {"name": "self-hosted baseline portfolio", "horizon_months": 12},
        "baseline": {
            "name": "own 70B fleet",
            "kind": "self_hosted",
            "usd_per_gpu_hour": 2.0,
            "gpus_per_replica": 2,
            "replica_requests_per_s": 5.0,
            "min_replicas": 1,
        }
        | baseline,
        "alternatives": [
            {
                "name": "hosted mini",
                "kind": "hosted_api",
                "input_usd_per_mtok": 0.15,
                "output_usd_per_mtok": 0.6,
                "escalation_share": escalation,
            }
        ],
        "workloads": [
            {"name": n, "traffic": {"requests_per_month": 100_000} | TOKENS} for n in "abc"
        ],
    }


FILE = THREE_ON_ONE_FLEET
"""The new user's file, as they wrote it (:func:`three_on_one_fleet`)."""


# ---------------------------------------------------------------- by hand


def test_three_workloads_on_one_baseline_fleet_pay_for_it_once() -> None:
    # 0.11 requests/s in all, far below a replica's 5: one replica of 2 GPUs, 2 x 730 x $2
    # = $2,920 today (it read 3 x $2,920 = $8,760); all three on the API: $81
    ev = evaluate_portfolio(prepare(parse_scenario(three_on_one_fleet())))
    hosted = ev.alternatives[0]
    np.testing.assert_allclose(hosted.baseline_usd, np.full(12, 2920.0))
    np.testing.assert_allclose(hosted.alternative_usd, np.full(12, 3 * HOSTED))
    assert pytest.approx(27.0) == HOSTED
    assert float(hosted.npv_usd) == pytest.approx(12 * (2920.0 - 81.0))
    # moving one alone sheds nothing: the fleet stays for the other two
    pieces = hosted.pieces
    np.testing.assert_allclose(pieces.baseline_usd, np.zeros((3, 12)), atol=1e-9)
    np.testing.assert_allclose(pieces.own_usd, np.full((3, 12), HOSTED))
    masks = np.array([[1.0, 0, 0], [1, 1, 0], [1, 1, 1], [0, 0, 0]])
    npv = subset_npv(pieces, masks)
    np.testing.assert_allclose(npv, [-324.0, -648.0, 34_068.0, 0.0])
    facts = baseline_fleet_facts(ev, 0)
    assert facts is not None
    assert (facts.gpus[0], facts.usd_per_month[0], facts.gpus_after[0]) == (2.0, 2920.0, 0.0)
    assert facts.joint_usd == pytest.approx(12 * 2920.0)


def test_contributions_and_the_order_say_the_fleet_is_shed_only_by_the_set() -> None:
    analysis = analyze_portfolio(parse_scenario(three_on_one_fleet()))
    alt = analysis.alternatives[0]
    assert [c.savings_usd for c in alt.contributions] == pytest.approx([-324.0] * 3)
    assert [c.role for c in alt.contributions] == ["rides"] * 3
    # the parts, the baseline fleet's row (the set sheds the fleet: 12 x $2,920) and the
    # shared row (a hosted option shares nothing) add up to the NPV
    assert alt.shared_usd == pytest.approx(0.0, abs=1e-9)
    nets = sum(c.net_usd for c in alt.contributions)
    assert nets + 12 * 2920.0 - alt.shared_usd == pytest.approx(34_068.0)
    steps = [(s.workload, s.marginal_npv_usd, s.npv_usd) for s in alt.order]
    assert steps == [
        ("a", pytest.approx(-324.0), pytest.approx(-324.0)),
        ("b", pytest.approx(-324.0), pytest.approx(-648.0)),
        ("c", pytest.approx(34_716.0), pytest.approx(34_068.0)),
    ]
    assert alt.quarter.endswith("with the first 2 (a, b) it does not")


def test_analyze_states_the_baseline_fleet_and_json_carries_it(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(FILE, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert code == 0, err
    text = " ".join(out.split())
    assert "USD per month $81 against $2,920 today" in text
    assert "$2,920 today: one fleet of 1 × 2 GPUs for the 3 workloads; moving all 3 retires" in text
    assert "baseline fleet, retired as a set $35,040" in text
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    alt = json.loads(out)["portfolio"]["alternatives"][0]
    fleet = alt["baseline_fleet"]
    assert fleet["workloads"] == ["a", "b", "c"]
    assert fleet["gpus_per_replica"] == 2.0
    assert fleet["usd_per_month"] == [2920.0] * 12
    assert fleet["gpus"] == [2.0] * 12
    assert fleet["usd_per_month_after"] == [0.0] * 12
    assert alt["baseline_usd"] == [2920.0] * 12
    code, out, err = run("explain", path, "--json")
    assert code == 0, err
    explained = json.loads(out)["alternatives"][0]
    assert explained["baseline_fleet"] == fleet
    words = " ".join(p for s in json.loads(out)["sections"] for p in s["paragraphs"])
    assert "Today a, b, c run on one baseline fleet ('own 70B fleet') of 1 × 2 GPUs" in words


def test_escalation_rides_on_the_same_fleet() -> None:
    # 20% escalated: the escalated 0.022 requests/s keep the one replica running ($2,920),
    # once for the three (each workload's own scenario charges it $2,920 alone)
    ev = evaluate_portfolio(prepare(parse_scenario(three_on_one_fleet(0.2))))
    hosted = ev.alternatives[0]
    np.testing.assert_allclose(hosted.baseline_usd, np.full(12, 2920.0))
    np.testing.assert_allclose(hosted.alternative_usd, np.full(12, 2920.0 + 3 * 0.8 * HOSTED))
    for part in ev.parts:  # each alone: the fleet for its escalated share, $2,920
        costs = part.alternatives[0].costs.components["escalation"]
        np.testing.assert_allclose(costs, np.full(12, 2920.0))
    # moving one alone: its 20% rides on the replica the other two keep
    np.testing.assert_allclose(hosted.pieces.own_usd, np.full((3, 12), 0.8 * HOSTED))
    facts = baseline_fleet_facts(ev, 0)
    assert facts is not None
    assert facts.escalated
    assert (facts.gpus_after[0], facts.usd_per_month_after[0]) == (2.0, 2920.0)


def test_escalation_sized_on_the_combined_escalated_peak() -> None:
    # the baseline: 0.05 requests/s a replica at 50%, peak twice the average, 2 GPUs at
    # $2/GPU-hour, $100 of ops, once for the fleet; a has 10,000 requests, b 500,000: in replicas
    # at their peaks 10,000 x 80 / 2,628,000 = 0.304 and 15.22. One fleet: 16 replicas,
    # $46,720 (alone: 1 + 16). 20% escalated from both: 3.105, 4 replicas, $11,680
    data = three_on_one_fleet(0.2, replica_requests_per_s=0.05, target_utilization=0.5)
    data["baseline"]["ops_usd_per_month"] = 100.0
    peak = {"peak_to_average": 2}
    data["workloads"] = [
        {"name": "a", "traffic": {"requests_per_month": 10_000} | TOKENS | peak},
        {"name": "b", "traffic": {"requests_per_month": 500_000} | TOKENS | peak},
    ]
    ev = evaluate_portfolio(prepare(parse_scenario(data)))
    hosted = ev.alternatives[0]
    fleet = 2 * HOURS * 2.0  # a replica's month
    api = np.array([10_000, 500_000]) * 0.8 * (1000 * 0.15 + 200 * 0.6) / 1e6
    np.testing.assert_allclose(hosted.baseline_usd[0], 16 * fleet + 100.0)
    np.testing.assert_allclose(hosted.alternative_usd[0], 4 * fleet + api.sum())
    # alone: a's move sheds nothing (b and a's 20% need the 16, and its ops); b's sheds 15
    # replicas of 16 (a alone needs 1, and the ops), and its 20% with a's traffic needs 4
    # (3 more than a's 1)
    np.testing.assert_allclose(hosted.pieces.baseline_usd[:, 0], [0.0, 15 * fleet])
    np.testing.assert_allclose(hosted.pieces.own_usd[:, 0], api + np.array([0.0, 3 * fleet]))
    base, alt, _, _ = subset_flows(hosted.pieces, np.ones((1, 2)))
    np.testing.assert_allclose(base[0], hosted.baseline_usd)
    np.testing.assert_allclose(alt[0], hosted.alternative_usd)


def test_an_owned_baseline_in_cash_buys_no_server_its_month_1_fleet_holds() -> None:
    # owned servers of 8 GPUs: today's month-1 fleet (1 replica, 1 server) is owned; the
    # fleet pays its facility, nothing is bought as nothing grows
    owned = {
        "owned": {"usd_per_server": 250_000.0, "gpus_per_server": 8, "kw_per_server": 10.0,
                  "usd_per_kwh": 0.1, "pue": 1.0, "colocation_usd_per_server_month": 0.0,
                  "financing": "cash"},
    }  # fmt: skip
    data = three_on_one_fleet(0.2, **owned)
    del data["baseline"]["usd_per_gpu_hour"]
    ev = evaluate_portfolio(prepare(parse_scenario(data)))
    hosted = ev.alternatives[0]
    facility = 10.0 * HOURS * 0.1
    np.testing.assert_allclose(hosted.baseline_usd, np.full(12, facility))
    np.testing.assert_allclose(hosted.alternative_usd, np.full(12, facility + 3 * 0.8 * HOSTED))
    assert float(hosted.one_time_usd) == 0.0


def test_one_workload_on_a_self_hosted_baseline_is_the_engines_answer_exactly() -> None:
    data = three_on_one_fleet(0.2)
    data["workloads"] = data["workloads"][:1]
    ev = evaluate_portfolio(prepare(parse_scenario(data)))
    single = copy.deepcopy(data)
    single["traffic"] = single.pop("workloads")[0]["traffic"]
    alone = evaluate(parse_scenario(single))
    assert ev.alternatives[0].pieces.baseline is None
    np.testing.assert_array_equal(ev.alternatives[0].baseline_usd, alone.baseline.monthly_usd)
    np.testing.assert_array_equal(
        ev.alternatives[0].alternative_usd, alone.alternatives[0].costs.monthly_usd
    )
    assert float(ev.alternatives[0].npv_usd) == float(alone.alternatives[0].npv_usd)


def test_a_workload_with_its_own_baseline_stays_apart() -> None:
    # d runs on a hosted API today: its baseline adds as before; a, b, c share the fleet
    data = three_on_one_fleet()
    api = {"name": "api today", "kind": "hosted_api", "input_usd_per_mtok": 3.0,
           "output_usd_per_mtok": 15.0}  # fmt: skip
    data["workloads"].append(
        {"name": "d", "traffic": {"requests_per_month": 50_000} | TOKENS, "baseline": api}
    )
    ev = evaluate_portfolio(prepare(parse_scenario(data)))
    d_today = 50_000 * (1000 * 3.0 + 200 * 15.0) / 1e6
    np.testing.assert_allclose(ev.alternatives[0].baseline_usd, np.full(12, 2920.0 + d_today))
    np.testing.assert_allclose(ev.alternatives[0].pieces.baseline_usd[3], np.full(12, d_today))


def test_a_subset_pays_for_the_fleet_the_rest_keeps() -> None:
    # an API serving a alone: the fleet stays for b and c, so it sheds nothing
    data = three_on_one_fleet()
    data["alternatives"][0]["portfolio"] = {"workloads": ["a"]}
    ev = evaluate_portfolio(prepare(parse_scenario(data)))
    hosted = ev.alternatives[0]
    np.testing.assert_allclose(hosted.baseline_usd, np.zeros(12), atol=1e-9)
    assert float(hosted.npv_usd) == pytest.approx(-12 * HOSTED)


def test_a_tornado_end_of_the_baseline_rent_is_analyze_of_the_edited_file() -> None:
    from payback.studies.portfolio_uncertainty import portfolio_tornado

    p = prepare(parse_scenario(three_on_one_fleet()))
    drivers = {d.parameter: d for d in portfolio_tornado(p, 0.25)[0]}
    rent = drivers["baseline.usd_per_gpu_hour"]
    for value, npv in ((rent.low, rent.npv_low_usd), (rent.high, rent.npv_high_usd)):
        edited = three_on_one_fleet(usd_per_gpu_hour=value)
        again = evaluate_portfolio(prepare(parse_scenario(edited))).alternatives[0]
        assert npv == pytest.approx(float(again.npv_usd), rel=1e-12)
        assert npv == pytest.approx(12 * (2 * HOURS * value - 81.0))


# ---------------------------------------------------------------- properties

_settings = settings(max_examples=40, deadline=None)


@st.composite
def _baselines(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 4))
    data = three_on_one_fleet(
        draw(st.sampled_from([0.0, 0.1, 0.5])),
        replica_requests_per_s=draw(st.floats(0.05, 5.0)),
        gpus_per_replica=draw(st.integers(1, 8)),
        min_replicas=draw(st.integers(1, 3)),
        target_utilization=draw(st.floats(0.3, 1.0)),
        commitment=draw(st.sampled_from(["none", "1y"])),
        gpu_price_change_annual=draw(st.sampled_from([0.0, -0.2])),
    )
    data["workloads"] = [
        {
            "name": f"w{j}",
            "traffic": {
                "requests_per_month": draw(st.floats(1.0, 5e6)),
                "growth_monthly": draw(st.sampled_from([0.0, 0.1, -0.1])),
                "peak_to_average": draw(st.floats(1.0, 4.0)),
            }
            | TOKENS,
        }
        for j in range(n)
    ]
    return data


@_settings
@given(_baselines())
def test_one_fleet_costs_at_most_the_sum_and_at_least_the_largest(data: dict[str, Any]) -> None:
    ev = evaluate_portfolio(prepare(parse_scenario(data)))
    facts = baseline_fleet_facts(ev, 0)
    assert facts is not None
    shared = np.array(facts.usd_per_month)
    alone = np.array([part.baseline.components["gpus"] for part in ev.parts])
    scale = 1e-9 * np.max(alone, axis=0) + 1e-9
    assert np.all(shared <= np.sum(alone, axis=0) + scale)
    assert np.all(shared >= np.max(alone, axis=0) - scale)
    # every workload moved: the fleet sheds all of today's, the escalated share's added back
    hosted = ev.alternatives[0]
    np.testing.assert_allclose(hosted.baseline_usd, shared, rtol=1e-12)
    # subset_flows and the evaluation agree
    base, alt, _, _ = subset_flows(hosted.pieces, np.ones((1, len(ev.parts))))
    np.testing.assert_allclose(base[0], hosted.baseline_usd, rtol=1e-12)
    np.testing.assert_allclose(alt[0], hosted.alternative_usd, rtol=1e-12)


@_settings
@given(_baselines())
def test_a_set_sheds_no_more_than_its_workloads_alone_would(data: dict[str, Any]) -> None:
    # fewer workloads on the fleet never cost more: what moving any set sheds is at least 0
    # and at most today's fleet
    ev = evaluate_portfolio(prepare(parse_scenario(data)))
    pieces = ev.alternatives[0].pieces
    n = len(ev.parts)
    masks = ((np.arange(2**n)[:, np.newaxis] >> np.arange(n)) & 1).astype(np.float64)
    base, _, _, _ = subset_flows(pieces, masks)
    today = base[-1]
    assert np.all(base >= -1e-6)
    assert np.all(base <= today + 1e-6 * (1 + today))


@_settings
@given(st.lists(st.lists(st.floats(0.0, 20.0), min_size=3, max_size=3), min_size=1, max_size=6))
def test_one_model_on_one_pool_is_every_placements_best(loads: list[list[float]]) -> None:
    # the baseline's fleet (η = 1, peaks coinciding) takes one pool, ⌈Σ x⌉, at once: the
    # same replicas as the search over every placement (run with per-sample parameters)
    from payback.analysis.adapters import place_adapters

    x = np.array(loads)
    fast = place_adapters(x, x / 2, 1.0, 0.0, 0.0)
    searched = place_adapters(x, x / 2, np.array([1.0]), np.array([0.0]), np.array([0.0]))
    np.testing.assert_array_equal(fast[0], searched[0][0])  # (1, H): the one sample
    np.testing.assert_array_equal(fast[1], searched[1][0])
