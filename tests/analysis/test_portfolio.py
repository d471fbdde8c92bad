"""The portfolio view: a two-workload example worked by hand to the cent, the bad inputs
it refuses, and its invariants (hypothesis)."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payback.analysis.cashflows import evaluate
from payback.analysis.portfolio import (
    adapter_efficiency,
    evaluate_portfolio,
    place_adapters,
    prepare,
)
from payback.errors import PaybackError
from payback.scenario import parse_scenario
from payback.scenario.workloads import ADAPTER_DECADE_LOSS, ADAPTER_OVERHEAD
from payback.studies.portfolio import analyze_portfolio, best_order, greedy_order, subset_npv

ALT = "one 8B, an adapter each"


def two_workloads(**serving: Any) -> dict[str, Any]:
    """Support (1M requests, 1,000 in / 100 out, peak 2) and tagging (200k, 500 / 50,
    peak 3) on a $2 / $8 per Mtok API, against one fleet of $1/GPU-h replicas."""
    return {
        "scenario": {"name": "two tasks", "horizon_months": 6},
        "baseline": {
            "name": "hosted",
            "kind": "hosted_api",
            "input_usd_per_mtok": 2.0,
            "output_usd_per_mtok": 8.0,
        },
        "alternatives": [
            {
                "name": ALT,
                "kind": "self_hosted",
                "usd_per_gpu_hour": 1.0,
                "replica_requests_per_s": 2.0,
                "target_utilization": 0.5,
                "ops_usd_per_month": 100.0,
                "one_time": {"engineer_hours": 40, "engineer_usd_per_hour": 100.0},
                "portfolio": {"adapter_overhead": 0.2, "adapter_decade_loss": 0.0} | serving,
            }
        ],
        "workloads": [
            {
                "name": "support",
                "traffic": {
                    "requests_per_month": 1e6,
                    "input_tokens": 1000,
                    "output_tokens": 100,
                    "peak_to_average": 2.0,
                },
                "one_time": {"data_usd": 1000.0},
            },
            {
                "name": "tagging",
                "traffic": {
                    "requests_per_month": 2e5,
                    "input_tokens": 500,
                    "output_tokens": 50,
                    "peak_to_average": 3.0,
                },
                "one_time": {"data_usd": 500.0, "eval_usd": 400.0},
                "alternatives": {ALT: {"replica_requests_per_s": 4.0}},
            },
        ],
    }


def test_two_workloads_by_hand() -> None:
    # baseline: support 1e6 · (1000 · 2 + 100 · 8) / 1e6 = $2,800; tagging 2e5 · (500 · 2 +
    # 50 · 8) / 1e6 = $280. Fleet: busy replicas at the peak, support 1e6 / 2,628,000 s / 2
    # rps · 2 = 0.380518, tagging 2e5 / 2,628,000 / 4 · 3 = 0.057078; together 0.437595,
    # / η(2 adapters) = 0.8 → 0.546994, / 0.5 utilization → 1.094 → 2 replicas: 2 · 730 h
    # · $1 = $1,460 + $100 ops = $1,560 a month, saving $1,520. One-time: 40 h · $100 +
    # $1,000 + $500 + $400 = $5,900: −5,900, −4,380, −2,860, −1,340, +180 → month
    # 3 + 1,340 / 1,520 = 3.881579; requests 3 · 1.2M + 0.881579 · 1.2M.
    analysis = analyze_portfolio(parse_scenario(two_workloads()))
    alt = analysis.alternatives[0]
    assert alt.baseline_usd[0] == pytest.approx(3080.00, abs=0.005)
    assert alt.monthly_cost_usd[0] == pytest.approx(1560.00, abs=0.005)
    assert alt.gpus == [2.0] * 6
    assert alt.one_time_usd == pytest.approx(5900.00, abs=0.005)
    assert alt.cumulative_savings_usd[:5] == pytest.approx(
        [-5900, -4380, -2860, -1340, 180], abs=0.005
    )
    assert alt.break_even_month == pytest.approx(3 + 1340 / 1520, abs=1e-9)
    assert round(alt.break_even_requests or 0, 2) == 4_657_894.74
    assert round(alt.npv_usd, 2) == 3220.00
    # contributions: GPU time 5e5 : 5e4 → 10/11 and 1/11 of 6 · $1,460 = $8,760
    support, tagging = alt.contributions
    assert round(support.fleet_usd, 2) == 7963.64
    assert round(tagging.fleet_usd, 2) == 796.36
    assert round(support.savings_usd, 2) == 15800.00  # 6 · 2,800 − 1,000
    assert round(tagging.savings_usd, 2) == 780.00  # 6 · 280 − 900
    assert (support.role, tagging.role) == ("carries", "rides")
    assert round(alt.shared_usd, 2) == 4600.00  # engineering $4,000 + 6 · $100 ops
    assert alt.carriers == ["support"]
    assert alt.riders == ["tagging"]
    # support alone: 1 replica, $830 a month, saves $1,970: 6 · 1,970 − 5,000 = $6,820, and
    # month 2 + 1,060 / 1,970; tagging then needs the second replica: 3,220 − 6,820
    first, second = alt.order
    assert (first.workload, round(first.marginal_npv_usd, 2)) == ("support", 6820.00)
    assert (second.workload, round(second.marginal_npv_usd, 2)) == ("tagging", -3600.00)
    assert first.break_even_month == pytest.approx(2 + 1060 / 1970)
    assert alt.greedy_is_best is True
    assert alt.quarter == (
        "With both workloads it does not pay back within a quarter (month 3.9); "
        "with the first alone (support) it does"
    )


def test_coincidence_below_one_plans_for_fewer_replicas() -> None:
    # peaks half coincident: max(0.5 · 0.437595, 0.380518, Σ means 0.209285) = 0.380518
    # / 0.8 / 0.5 = 0.951 → one replica
    alt = analyze_portfolio(parse_scenario(two_workloads(coincidence_factor=0.5))).alternatives[0]
    assert alt.gpus == [1.0] * 6
    assert alt.monthly_cost_usd[0] == pytest.approx(830.00, abs=0.005)


def test_separate_fleets_pay_a_fleet_each() -> None:
    alt = analyze_portfolio(parse_scenario(two_workloads(fleet="separate"))).alternatives[0]
    assert alt.gpus is None
    assert alt.monthly_cost_usd[0] == pytest.approx(2 * 730 + 100, abs=0.005)
    assert [c.fleet_usd for c in alt.contributions] == pytest.approx([4380.0, 4380.0])


def test_adapter_efficiency_follows_the_sources() -> None:
    # vLLM: 7.60 / 11.45 requests/s with LoRA; S-LoRA: 7.61 / 8.05 from 5 to 2,000 adapters
    eff = adapter_efficiency(np.array([1.0, 5.0, 2000.0]), 0.336, 0.021)
    assert eff[0] == 1.0
    assert eff[1] == pytest.approx(7.60 / 11.45, rel=0.02)
    assert eff[2] / eff[1] == pytest.approx(7.61 / 8.05, rel=0.002)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["alternatives"][0]["portfolio"].update(workloads=["support", "tagger"]),
            "alternatives.0.portfolio.workloads: unknown workload 'tagger' (known: 'support', 'tagging')",
        ),
        (
            lambda d: d["alternatives"][0]["portfolio"].update(workloads=["support", "support"]),
            "alternatives.0.portfolio.workloads: 'support' is served twice by",
        ),
        (
            lambda d: d.pop("workloads"),
            "alternatives.0.portfolio: needs [[workloads]]",
        ),
        (
            lambda d: d["workloads"][1].update(name="support"),
            "workloads.1.name = 'support': used by workloads.0 too",
        ),
        (
            lambda d: d["workloads"][1]["alternatives"].update({"nope": {}}),
            "workloads.1.alternatives.nope: unknown alternative 'nope' (known: ",
        ),
        (  # one line for a name two workloads give
            lambda d: [w.setdefault("alternatives", {}).update(nope={}) for w in d["workloads"]],
            "workloads.0.alternatives.nope: unknown alternative 'nope' (under workloads.1 too) ",
        ),
        (
            lambda d: d["workloads"][1]["alternatives"][ALT].update(fine_tuned="x"),
            "fine_tuned: not used by a self_hosted alternative",
        ),
    ],
)
def test_bad_portfolios_are_one_line(change: Any, message: str) -> None:
    data = two_workloads()
    if "traffic" not in data and message.startswith("alternatives.0.portfolio: needs"):
        data["traffic"] = {"requests_per_month": 1.0}
    change(data)
    with pytest.raises(PaybackError) as err:
        parse_scenario(data)
    assert any(message in line for line in err.value.messages), err.value.messages


def test_one_problem_of_a_portfolio_file_is_one_line() -> None:
    """Tried as a new user would on examples/portfolio.toml: a renamed alternative that
    four workloads still named gave four lines, and the first workload's missing requests
    gave two (one under a [traffic] the file does not have)."""
    from helpers import EXAMPLES, run

    text = (EXAMPLES / "portfolio.toml").read_text()
    old = 'name = "Llama 3.1 8B, an adapter per task, one fleet"'
    assert text.count(old) == 1
    renamed = text.replace(old, 'name = "abc"')
    missing = text.replace("traffic = { requests_per_month = 400000, ", "traffic = { ", 1)
    assert missing != text
    for changed, line in [
        (
            renamed,
            "workloads.1.alternatives.Llama 3.1 8B, an adapter per task, one fleet: unknown "
            "alternative 'Llama 3.1 8B, an adapter per task, one fleet' (under workloads.2, "
            "workloads.3 and workloads.4 too) (known: 'abc', 'a fine-tuned 8B and its own fleet per task')",
        ),
        (
            missing,
            "workloads.0.traffic.requests_per_month: required field is missing (Requests in "
            "month 1)",
        ),
    ]:
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "p.toml"
            path.write_text(changed)
            code, out, err = run("analyze", path)
        assert (code, out, err) == (2, "", f"error: {path}: {line}\n")


def test_adapters_that_do_not_fit_are_refused() -> None:
    data = two_workloads()
    alt = data["alternatives"][0]
    alt |= {"model": "llama-3.1-70b", "gpu": "l4", "gpus_per_replica": 8, "precision": "bf16"}
    alt["portfolio"]["adapter_rank"] = 4096
    with pytest.raises(PaybackError) as err:
        prepare(parse_scenario(data))
    (line,) = err.value.messages
    assert line.startswith("alternatives.0.portfolio.workloads (2 adapters): 2 rank-4096 adapters")
    assert "do not fit beside llama-3.1-70b" in line


def hosted_two_workloads(name: str) -> dict[str, Any]:
    """The two workloads against a hosted fine-tuned option at $0.5 / $2 per Mtok."""
    data = two_workloads()
    data["alternatives"] = [
        {"name": name, "kind": "hosted_api", "input_usd_per_mtok": 0.5, "output_usd_per_mtok": 2.0}
    ]
    return data


def test_workload_one_time_and_hosted_terms() -> None:
    # a hosted fine-tuned option priced per workload: support at $0.5/$2, tagging at $1/$4
    data = hosted_two_workloads("tuned mini")
    data["workloads"][1]["alternatives"] = {
        "tuned mini": {"input_usd_per_mtok": 1.0, "output_usd_per_mtok": 4.0}
    }
    alt = analyze_portfolio(parse_scenario(data)).alternatives[0]
    # support 1e6 · (1000 · 0.5 + 100 · 2) / 1e6 = $700; tagging 2e5 · (500 + 200) / 1e6 = $140
    assert alt.monthly_cost_usd[0] == pytest.approx(840.0)
    assert alt.one_time_usd == pytest.approx(1900.0)
    assert alt.fleet is None


# ---------------------------------------------------------------- invariants

positive = st.floats(min_value=1e3, max_value=1e8)


def one_workload(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a plain scenario) with its traffic as its one workload."""
    out = copy.deepcopy(data)
    out["workloads"] = [{"name": "only", "traffic": out.pop("traffic")}]
    return out


def plain(requests: float, growth: float, rps: float, peak: float, kind: str) -> dict[str, Any]:
    alternative: dict[str, Any] = {
        "name": "alt",
        "kind": kind,
        "escalation_share": 0.05,
        "ops_usd_per_month": 300.0,
        "one_time": {"data_usd": 2000.0, "engineer_hours": 10, "engineer_usd_per_hour": 90.0},
        "recurring": {"retrain_every_months": 4, "retrain_usd": 500.0},
    }
    if kind == "self_hosted":
        alternative |= {"usd_per_gpu_hour": 1.3, "replica_requests_per_s": rps, "min_replicas": 1}
    else:
        alternative |= {"input_usd_per_mtok": 0.3, "output_usd_per_mtok": 1.2}
    return {
        "scenario": {"name": "p", "horizon_months": 18, "discount_rate_annual": 0.08},
        "traffic": {
            "requests_per_month": requests,
            "growth_monthly": growth,
            "input_tokens": 800,
            "output_tokens": 200,
            "peak_to_average": peak,
        },
        "baseline": {
            "name": "api",
            "kind": "hosted_api",
            "input_usd_per_mtok": 2.5,
            "output_usd_per_mtok": 10.0,
        },
        "alternatives": [alternative],
    }


@settings(max_examples=40, deadline=None)
@given(
    requests=positive,
    growth=st.floats(-0.05, 0.1),
    rps=st.floats(0.1, 50.0),
    peak=st.floats(1.0, 10.0),
    kind=st.sampled_from(["self_hosted", "hosted_api"]),
)
def test_one_workload_is_the_engine_exactly(
    requests: float, growth: float, rps: float, peak: float, kind: str
) -> None:
    data = plain(requests, growth, rps, peak, kind)
    engine = evaluate(parse_scenario(data)).alternatives[0]
    outcome = evaluate_portfolio(prepare(parse_scenario(one_workload(data)))).alternatives[0]
    assert np.array_equal(outcome.alternative_usd, engine.costs.monthly_usd)
    assert np.array_equal(outcome.cumulative_savings_usd, engine.cumulative_savings_usd)
    assert np.array_equal(outcome.npv_usd, engine.npv_usd)
    assert np.array_equal(outcome.break_even_month, engine.break_even_month, equal_nan=True)
    assert np.array_equal(outcome.break_even_requests, engine.break_even_requests, equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(
    requests=positive,
    growth=st.floats(-0.05, 0.1),
    rps=st.floats(0.1, 50.0),
    peak=st.floats(1.0, 10.0),
    other_peak=st.floats(1.0, 10.0),
    overhead=st.floats(0.0, 0.5),
)
def test_a_zero_traffic_workload_changes_nothing(
    requests: float, growth: float, rps: float, peak: float, other_peak: float, overhead: float
) -> None:
    data = plain(requests, growth, rps, peak, "self_hosted")
    alone = evaluate(parse_scenario(data)).alternatives[0]
    two = one_workload(data)
    two["workloads"].append(
        {"name": "idle", "traffic": dict(data["traffic"], peak_to_average=other_peak)}
    )
    two["alternatives"][0]["portfolio"] = {"adapter_overhead": overhead}
    p = prepare(parse_scenario(two))
    outcome = evaluate_portfolio(
        p, {"workloads.1.traffic.requests_per_month": np.array([0.0])}
    ).alternatives[0]
    np.testing.assert_allclose(outcome.alternative_usd[0], alone.costs.monthly_usd, rtol=1e-12)
    np.testing.assert_allclose(outcome.npv_usd[0], alone.npv_usd, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(
        outcome.break_even_month[0], alone.break_even_month, rtol=1e-9, equal_nan=True
    )


@settings(max_examples=60, deadline=None)
@given(
    loads=st.lists(
        st.tuples(st.floats(1e3, 5e7), st.floats(0.2, 20.0), st.floats(1.0, 8.0)),
        min_size=2,
        max_size=6,
    ),
    min_replicas=st.integers(1, 3),
    overhead=st.sampled_from([ADAPTER_OVERHEAD, 0.0, 0.6]),
    coincidence=st.sampled_from([1.0, 0.5]),
)
def test_a_shared_fleet_never_needs_more_gpus_at_coincidence_one(
    loads: list[tuple[float, float, float]], min_replicas: int, overhead: float, coincidence: float
) -> None:
    # with the measured adapter penalty: a workload that fills whole replicas is pinned to
    # its own (merged, no penalty), so the shared fleet is at worst one fleet per workload
    # (at coincidence 1, and below it too: the peaks that fall apart only help)
    def scenario(fleet: str) -> dict[str, Any]:
        data = two_workloads(
            fleet=fleet,
            adapter_overhead=overhead,
            adapter_decade_loss=ADAPTER_DECADE_LOSS,
            coincidence_factor=coincidence,
        )
        data["alternatives"][0]["min_replicas"] = min_replicas
        data["workloads"] = [
            {
                "name": f"w{k}",
                "traffic": {
                    "requests_per_month": r,
                    "input_tokens": 100,
                    "output_tokens": 10,
                    "peak_to_average": peak,
                },
                "alternatives": {ALT: {"replica_requests_per_s": rps}},
            }
            for k, (r, rps, peak) in enumerate(loads)
        ]
        return data

    shared = evaluate_portfolio(prepare(parse_scenario(scenario("shared")))).alternatives[0]
    separate = evaluate_portfolio(prepare(parse_scenario(scenario("separate"))))
    separate_gpus = sum(
        part.alternatives[0].costs.gpus
        for part in separate.parts  # type: ignore[misc]
    )
    assert shared.gpus is not None
    assert shared.pinned_gpus is not None
    assert np.all(shared.gpus <= separate_gpus)
    assert np.all((shared.pinned_gpus >= 0) & (shared.pinned_gpus <= shared.gpus))


def brute_force_placement(x: list[float], overhead: float, decade_loss: float) -> float:
    """The fewest replicas over every placement at coincidence 1: d_w whole replicas pinned
    to workload w (0 … ⌈x_w⌉), the rest of every workload mixed on one pool."""
    best = np.inf
    for pinned in itertools.product(*(range(int(np.ceil(v)) + 1) for v in x)):
        left = [max(v - d, 0.0) for v, d in zip(x, pinned, strict=True)]
        n = sum(r > 0 for r in left)
        eta = 1.0 if n <= 1 else (1 - overhead) * (1 - decade_loss * np.log10(n))
        best = min(best, sum(pinned) + np.ceil(sum(left) / eta * (1 - 1e-9)))
    return float(best)


@settings(max_examples=150, deadline=None)
@given(
    x=st.lists(st.floats(0.0, 3.5), min_size=1, max_size=5),
    overhead=st.floats(0.0, 0.6),
    decade_loss=st.sampled_from([0.0, ADAPTER_DECADE_LOSS, 0.2]),
)
def test_placement_is_the_best_of_every_placement_at_coincidence_one(
    x: list[float], overhead: float, decade_loss: float
) -> None:
    loads = np.array(x)[:, np.newaxis]
    replicas, pinned = place_adapters(loads, loads / 2, 1.0, overhead, decade_loss)
    assert float(replicas[0]) == brute_force_placement(x, overhead, decade_loss)
    assert 0.0 <= float(pinned[0]) <= float(replicas[0])


def test_pinning_whole_replicas_beats_one_pool_and_a_fleet_each() -> None:
    # support needs 1.2 replicas at its peak, two small tasks 0.2 each (η = 0.664, vLLM):
    # a fleet each 2 + 1 + 1 = 4 replicas; one pool ⌈1.6 / 0.664⌉ = ⌈2.41⌉ = 3; support's
    # whole replica pinned and 0.2 + 0.2 + 0.2 mixed, ⌈0.6 / 0.664⌉ = 1: 2 replicas, $1,460
    # a month at $1/GPU-h. Loads: 1.2 · 0.5 (utilisation) / 2 (peak) · 2 rps · 2,628,000 s
    # = 1,576,800 requests; 0.2 · 0.5 / 2 · 4 rps · 2,628,000 = 525,600 each.
    data = two_workloads(adapter_overhead=ADAPTER_OVERHEAD, adapter_decade_loss=0.0)
    data["workloads"][0]["traffic"]["requests_per_month"] = 1_576_800.0
    data["workloads"][1]["traffic"] |= {"requests_per_month": 525_600.0, "peak_to_average": 2.0}
    third = copy.deepcopy(data["workloads"][1]) | {"name": "faq"}
    data["workloads"].append(third)
    analysis = analyze_portfolio(parse_scenario(data))
    alt = analysis.alternatives[0]
    assert alt.gpus == [2.0] * 6
    assert alt.pinned_gpus == [1.0] * 6
    assert alt.monthly_cost_usd[0] == pytest.approx(2 * 730 + 100, abs=0.005)
    separate = analyze_portfolio(parse_scenario(two_workloads_like(data, fleet="separate")))
    assert separate.alternatives[0].monthly_cost_usd[0] == pytest.approx(4 * 730 + 100)
    pooled, _ = place_adapters([[1.2], [0.2], [0.2]], [[0.6], [0.1], [0.1]], 1.0, 0.336, 0.0)
    assert float(pooled[0]) == 2.0
    one_pool = analyze_portfolio(parse_scenario(two_workloads_like(data, adapter_overhead=0.0)))
    assert one_pool.alternatives[0].pinned_gpus == [0.0] * 6  # no penalty: one pool of 2
    out = analysis.to_dict()["alternatives"][0]
    assert (out["gpus"], out["pinned_gpus"], out["mixed_gpus"]) == ([2.0] * 6, [1.0] * 6, [1.0] * 6)


def two_workloads_like(data: dict[str, Any], **serving: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out["alternatives"][0]["portfolio"] |= serving
    return out


# ---------------------------------------------------------------- the migration order


def random_portfolio(seed: int, n: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    data = two_workloads(adapter_overhead=float(rng.uniform(0, 0.4)), adapter_decade_loss=0.02)
    data["alternatives"][0]["min_replicas"] = int(rng.integers(1, 3))
    data["workloads"] = [
        {
            "name": f"w{k}",
            "traffic": {
                "requests_per_month": float(10 ** rng.uniform(3.5, 6.5)),
                "input_tokens": float(rng.uniform(100, 3000)),
                "output_tokens": float(rng.uniform(10, 500)),
                "peak_to_average": float(rng.uniform(1, 6)),
            },
            "one_time": {"data_usd": float(rng.uniform(0, 5000))},
            "alternatives": {ALT: {"replica_requests_per_s": float(rng.uniform(0.3, 10))}},
        }
        for k in range(n)
    ]
    return data


def npv_of_subset(data: dict[str, Any], names: list[str]) -> float:
    """The NPV of moving ``names`` only, through the whole portfolio path (a scenario whose
    alternative serves just them), independent of the study's subset arithmetic."""
    if not names:
        return 0.0
    subset = copy.deepcopy(data)
    subset["alternatives"][0]["portfolio"]["workloads"] = names
    for w in subset["workloads"]:
        if w["name"] not in names:
            w["alternatives"] = {}
    outcome = evaluate_portfolio(prepare(parse_scenario(subset))).alternatives[0]
    return float(outcome.npv_usd)


@pytest.mark.parametrize(
    "n", [1, 2, 3, 4, *(pytest.param(n, marks=pytest.mark.slow) for n in (5, 6))]
)
def test_migration_order_matches_brute_force(n: int) -> None:
    for seed in range(3 if n < 6 else 1):
        data = random_portfolio(100 * n + seed, n)
        names = [w["name"] for w in data["workloads"]]
        npv = {
            frozenset(s): npv_of_subset(data, list(s))
            for k in range(n + 1)
            for s in itertools.combinations(names, k)
        }
        # every order, scored by the NPVs its prefixes reach
        scores = {
            order: sum(npv[frozenset(order[: k + 1])] for k in range(n))
            for order in itertools.permutations(names)
        }
        best = max(scores.values())
        pieces = evaluate_portfolio(prepare(parse_scenario(data))).alternatives[0].pieces
        masks = np.array([[1.0 if name in s else 0.0 for name in names] for s in npv])
        assert subset_npv(pieces, masks) == pytest.approx(list(npv.values()), rel=1e-9, abs=1e-6)
        order, total = best_order(pieces)
        assert total == pytest.approx(best, rel=1e-9)
        assert scores[tuple(names[k] for k in order)] == pytest.approx(best, rel=1e-9)
        study = analyze_portfolio(parse_scenario(data)).alternatives[0]
        reported = tuple(step.workload for step in study.order)
        assert scores[reported] == pytest.approx(best, rel=1e-9)
        greedy, marginals = greedy_order(pieces)
        greedy_names = tuple(names[k] for k in greedy)
        assert study.greedy_is_best == (scores[greedy_names] >= best - 1e-9 * abs(best))
        assert sum(marginals) == pytest.approx(npv[frozenset(names)], rel=1e-9, abs=1e-6)


def test_the_quarter_sentence_names_the_first_k_that_do_not() -> None:
    from payback.studies.portfolio import MigrationStep
    from payback.studies.portfolio_quarter import quarter_sentence as _quarter_sentence

    def step(name: str, month: float | None) -> MigrationStep:
        return MigrationStep(name, 0.0, 0.0, month, month is not None and month <= 3)

    steps = [step("a", None), step("b", 4.2), step("c", 2.5)]
    assert _quarter_sentence(steps, ["a", "b", "c"], 12) == (
        "With these 3 workloads it pays back within a quarter (month 2.5); "
        "with the first 2 (a, b) it does not"
    )
    assert _quarter_sentence([step("a", 1.0)], ["a"], 12) == (
        "With its one workload it pays back within a quarter (month 1.0)"
    )


def test_the_quarter_sentence_names_the_most_workloads_that_still_pay_back() -> None:
    # "how many ... it pays back within a quarter": steps 1-4 pay back, all 5 do not
    # (quarter.toml, tried as a new user would: it named the first alone)
    from payback.studies.portfolio import MigrationStep
    from payback.studies.portfolio_quarter import quarter_sentence

    def step(name: str, month: float) -> MigrationStep:
        return MigrationStep(name, 0.0, 0.0, month, month <= 3)

    names = ["big", "mid", "small2", "small1", "tiny"]
    steps = [step(n, m) for n, m in zip(names, (0.8, 0.8, 0.8, 2.5, 5.2), strict=True)]
    assert quarter_sentence(steps, names, 36) == (
        "With all 5 workloads it does not pay back within a quarter (month 5.2); "
        "with the first 4 (big, mid, small2, small1) it does"
    )
    # a prefix that does not pay back between two that do: the longer one is named
    steps = [step(n, m) for n, m in zip("abcd", (1.0, 4.0, 2.0, 6.0), strict=True)]
    assert quarter_sentence(steps, list("abcd"), 36).endswith("with the first 3 (a, b, c) it does")
    # one that pays back alone and no more
    steps = [step(n, m) for n, m in zip("ab", (1.0, 4.0), strict=True)]
    assert quarter_sentence(steps, list("ab"), 36) == (
        "With both workloads it does not pay back within a quarter (month 4.0); "
        "with the first alone (a) it does"
    )


def test_no_quality_leaves_the_workloads_value_terms_out() -> None:
    data = two_workloads()
    data["baseline"]["quality"] = {"error_rate": 0.05, "usd_per_error": 1.0}
    data["alternatives"][0]["quality"] = {"error_rate": 0.02, "usd_per_error": 1.0}
    data["workloads"][1]["alternatives"][ALT]["quality"] = {"error_rate": 0.5, "usd_per_error": 1.0}
    with_terms = analyze_portfolio(parse_scenario(data)).alternatives[0]
    # support: 1e6 · (0.05 − 0.02) = $30,000 a month less; tagging 2e5 · (0.05 − 0.5) more
    saved = with_terms.baseline_usd[0] - with_terms.monthly_cost_usd[0]
    assert saved == pytest.approx(1520 + 30_000 - 90_000)
    plain = analyze_portfolio(parse_scenario(data), value_terms=False).alternatives[0]
    assert plain.npv_usd == pytest.approx(3220.0)


# ---------------------------------------------------------------- samples: one vectorized call


VARIED = {
    "workloads.1.traffic.requests_per_month": [5e4, 2e5, 9e5, 3e6],
    "baseline.output_usd_per_mtok": [4.0, 8.0, 12.0, 30.0],
    "alternatives.0.usd_per_gpu_hour": [0.5, 1.0, 2.5, 6.0],
    "alternatives.0.portfolio.coincidence_factor": [1.0, 0.6, 0.3, 0.9],
    "workloads.0.one_time.data_usd": [0.0, 1000.0, 8000.0, 100.0],
}


def edited_copy(data: dict[str, Any], path: str, value: float) -> dict[str, Any]:
    out = copy.deepcopy(data)
    node: Any = out
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value
    return out


@pytest.mark.parametrize("path", sorted(VARIED))
def test_samples_of_a_workload_path_equal_the_scenario_with_that_value(path: str) -> None:
    data = two_workloads()
    values = np.array(VARIED[path])
    together = evaluate_portfolio(prepare(parse_scenario(data)), {path: values}).alternatives[0]
    for k, value in enumerate(values):
        alone = evaluate_portfolio(prepare(parse_scenario(edited_copy(data, path, float(value)))))
        one = alone.alternatives[0]
        assert together.npv_usd[k] == pytest.approx(float(one.npv_usd), rel=1e-12)
        assert np.allclose(together.alternative_usd[k], one.alternative_usd, rtol=1e-12)
        assert together.gpus is not None
        assert one.gpus is not None
        gpus = np.broadcast_to(together.gpus, (len(values), *one.gpus.shape))
        assert np.array_equal(gpus[k], one.gpus)


def _inputs_of(p: Any) -> Any:
    from payback.studies.portfolio_uncertainty import _inputs

    return _inputs(p)


def test_monte_carlo_over_workload_paths() -> None:
    from payback.studies.portfolio_uncertainty import portfolio_monte_carlo

    data = two_workloads()
    data["workloads"][1]["traffic"]["requests_per_month"] = {
        "dist": "uniform",
        "low": 1e5,
        "high": 3e6,
    }
    p = prepare(parse_scenario(data))
    mc = portfolio_monte_carlo(p, 4000, seed=1)
    assert mc["inputs"] == ["workloads.1.traffic.requests_per_month"]
    summary = mc["alternatives"][0]
    # the same draws, evaluated here: the summary is theirs (one chunk: 4,000 samples)
    (item,) = _inputs_of(p)
    drawn = item.ppf(np.random.default_rng(1).random((4000, 1))[:, 0])
    npv = evaluate_portfolio(p, {item.path: drawn}).alternatives[0].npv_usd
    expected = np.quantile(npv, (0.1, 0.5, 0.9), method="inverted_cdf")
    assert [summary["npv_usd_percentiles"][k] for k in ("p10", "p50", "p90")] == list(expected)
    assert summary["npv_usd_mean"] == pytest.approx(float(np.mean(npv)), rel=1e-12)
    assert summary["samples"] == 4000
    assert portfolio_monte_carlo(p, 4000, seed=1) == mc


def test_tornado_and_solve_take_workload_paths() -> None:
    from payback.studies.portfolio_uncertainty import portfolio_tornado, solve_portfolio
    from payback.studies.solve import parse_target

    data = two_workloads()
    p = prepare(parse_scenario(data))
    drivers = {d.parameter: d for d in portfolio_tornado(p)[0]}
    driver = drivers["workloads.0.traffic.requests_per_month"]
    assert (driver.low, driver.high) == (750_000.0, 1_250_000.0)
    at_low = evaluate_portfolio(prepare(parse_scenario(edited_copy(data, driver.parameter, 7.5e5))))
    assert driver.npv_low_usd == pytest.approx(float(at_low.alternatives[0].npv_usd), rel=1e-12)
    # break-even is a sawtooth in tagging traffic (3.88 months at 200k today): below about
    # 68k the fleet is a replica smaller and pays back within a quarter, and so it does
    # above about 560k; the crossing nearest today's is the one given, as one scenario's
    # solve gives it: a step (2.86 → 4.41 months) met below, not the only crossing
    solution = solve_portfolio(
        p, "workloads.1.traffic.requests_per_month", parse_target("break_even_month=3"), 0
    )
    assert solution.value is not None
    assert 60_000 < solution.value < 70_000
    assert solution.step
    assert solution.met_above is False
    assert not solution.single_crossing
    assert solution.other_side is not None
    assert solution.other_side[1] is not None
    assert solution.other_side[1] > 4.0  # just above the step: a replica more
    assert solution.evaluations > 2049  # the grid, the dense scan and the rounds
    again = evaluate_portfolio(
        prepare(parse_scenario(edited_copy(data, solution.parameter, solution.value)))
    )
    month = float(again.alternatives[0].break_even_month)
    assert month == pytest.approx(solution.achieved, rel=1e-12)
    assert month <= 3.0 * (1 + 1e-9)  # met within 10⁻⁹, as solve meets a target
    if not solution.step:
        assert month == pytest.approx(3.0, rel=1e-9)
    with pytest.raises(PaybackError, match=r"vary workloads\.N\.traffic\.requests_per_month"):
        evaluate_portfolio(p, {"traffic.requests_per_month": np.array([1.0])})


def test_a_workload_one_time_item_left_out_can_still_be_varied() -> None:
    data = two_workloads()
    del data["workloads"][0]["one_time"]
    p = prepare(parse_scenario(data))
    npv = evaluate_portfolio(p, {"workloads.0.one_time.data_usd": np.array([0.0, 2500.0])})
    low, high = npv.alternatives[0].npv_usd
    assert low - high == pytest.approx(2500.0)


def test_a_scaled_to_zero_shared_fleet_runs_each_workload_merged() -> None:
    # billed by the second there is nothing to pack: mixing adapters would only lose η;
    # busy GPU-hours support 1e6 / 3,600 / (2 rps · 0.5) = 277.78, tagging 2e5 / 3,600 /
    # (4 · 0.5) = 27.78: $305.56 a month at $1/GPU-h, as a fleet each
    data = two_workloads(adapter_overhead=ADAPTER_OVERHEAD)
    data["alternatives"][0]["always_on"] = False
    shared = analyze_portfolio(parse_scenario(data)).alternatives[0]
    separate = analyze_portfolio(parse_scenario(two_workloads_like(data, fleet="separate")))
    assert shared.monthly_cost_usd[0] == pytest.approx(1e6 / 3600 + 2e5 / 7200 + 100, abs=0.005)
    assert separate.alternatives[0].monthly_cost_usd[0] == pytest.approx(
        shared.monthly_cost_usd[0], rel=1e-12
    )
    assert shared.pinned_gpus == shared.gpus


# ---------------------------------------------------------------- a workload's own terms as paths


def test_a_workload_term_is_a_path_by_index_or_by_name() -> None:
    # tagging's own capacity on the alternative (4 requests/s): at 1 request/s its busy
    # replicas at the peak are 2e5 / 2,628,000 / 1 · 3 = 0.228311, with support's 0.380518
    # 0.608828 / 0.8 / 0.5 = 1.522 → 2 replicas still; at 0.2 requests/s 1.141553 + 0.380518
    # = 1.522070 / 0.8 / 0.5 = 3.805 → 4 replicas (pinning: support ⌈0.761⌉ = 1 and tagging
    # ⌈2.283⌉ = 3 on their own make 4 too)
    data = two_workloads()
    p = prepare(parse_scenario(data))
    values = np.array([4.0, 1.0, 0.2])
    by_index = evaluate_portfolio(p, {"workloads.1.alternatives.0.replica_requests_per_s": values})
    by_name = evaluate_portfolio(
        p, {f"workloads.1.alternatives.{ALT}.replica_requests_per_s": values}
    )
    assert by_index.alternatives[0].gpus is not None
    assert by_index.alternatives[0].gpus[:, 0].tolist() == [2.0, 2.0, 4.0]
    assert np.array_equal(by_index.alternatives[0].npv_usd, by_name.alternatives[0].npv_usd)
    for k, value in enumerate(values):
        edited = copy.deepcopy(data)
        edited["workloads"][1]["alternatives"][ALT]["replica_requests_per_s"] = float(value)
        alone = evaluate_portfolio(prepare(parse_scenario(edited))).alternatives[0]
        assert by_index.alternatives[0].npv_usd[k] == pytest.approx(float(alone.npv_usd), rel=1e-12)


def test_an_alternative_number_does_not_move_a_workload_that_gives_its_own() -> None:
    # tagging gives its own capacity: alternatives.0.replica_requests_per_s is support's only
    data = two_workloads()
    p = prepare(parse_scenario(data))
    varied = evaluate_portfolio(p, {"alternatives.0.replica_requests_per_s": np.array([0.5])})
    edited = copy.deepcopy(data)
    edited["alternatives"][0]["replica_requests_per_s"] = 0.5
    alone = evaluate_portfolio(prepare(parse_scenario(edited))).alternatives[0]
    assert float(varied.alternatives[0].npv_usd[0]) == pytest.approx(
        float(alone.npv_usd), rel=1e-12
    )
    both = copy.deepcopy(data)
    both["workloads"][0]["alternatives"] = {ALT: {"replica_requests_per_s": 2.0}}
    with pytest.raises(
        PaybackError, match=r"every workload .* gives its own replica_requests_per_s"
    ):
        evaluate_portfolio(
            prepare(parse_scenario(both)), {"alternatives.0.replica_requests_per_s": np.ones(1)}
        )


def test_a_workload_price_and_error_rate_are_paths() -> None:
    # tagging's copy of the shared baseline: output at $20 instead of $8 makes its baseline
    # 2e5 · (500 · 2 + 50 · 20) / 1e6 = $400 (support's stays $2,800)
    data = two_workloads()
    data["baseline"]["quality"] = {"error_rate": 0.05, "usd_per_error": 1.0}
    data["alternatives"][0]["quality"] = {"error_rate": 0.05, "usd_per_error": 1.0}
    data["workloads"][1]["alternatives"][ALT]["quality"] = {
        "error_rate": 0.05,
        "usd_per_error": 1.0,
    }
    p = prepare(parse_scenario(data))
    price = evaluate_portfolio(p, {"workloads.1.baseline.output_usd_per_mtok": np.array([20.0])})
    assert price.alternatives[0].baseline_usd[0, 0] == pytest.approx(
        2800 + 400 + 1e6 * 0.05 + 2e5 * 0.05
    )
    # tagging's error rate on the alternative at 0.02: 2e5 · 0.03 · $1 = $6,000 a month saved
    error = evaluate_portfolio(
        p, {"workloads.1.alternatives.0.quality.error_rate": np.array([0.02])}
    )
    central = evaluate_portfolio(p).alternatives[0]
    saved = central.alternative_usd[0] - error.alternatives[0].alternative_usd[0, 0]
    assert saved == pytest.approx(6000.0)
    # the alternative's own error rate is support's alone now (tagging gives its own quality)
    own = evaluate_portfolio(p, {"alternatives.0.quality.error_rate": np.array([0.02])})
    assert central.alternative_usd[0] - own.alternatives[0].alternative_usd[0, 0] == pytest.approx(
        1e6 * 0.03
    )


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "workloads.1.alternatives.3.replica_requests_per_s",
            "workloads.1.alternatives.3.replica_requests_per_s: no such alternative",
        ),
        (
            "workloads.7.traffic.requests_per_month",
            "workloads.7.traffic.requests_per_month: no such workload",
        ),
        ("workloads.1.name", "workloads.1.name: not an input the portfolio varies"),
    ],
)
def test_bad_workload_paths_are_one_line(path: str, message: str) -> None:
    p = prepare(parse_scenario(two_workloads()))
    with pytest.raises(PaybackError) as err:
        evaluate_portfolio(p, {path: np.ones(1)})
    assert err.value.messages[0].startswith(message)


def test_an_alternative_that_does_not_serve_a_workload_has_no_terms_path() -> None:
    data = two_workloads(workloads=["support"])
    del data["workloads"][1]["alternatives"]
    p = prepare(parse_scenario(data))
    with pytest.raises(PaybackError, match="does not serve 'tagging'"):
        evaluate_portfolio(p, {"workloads.1.alternatives.0.escalation_share": np.ones(1) * 0.1})


def test_workload_terms_in_monte_carlo_tornado_and_solve() -> None:
    from payback.studies.portfolio_uncertainty import (
        portfolio_monte_carlo,
        portfolio_tornado,
        solve_portfolio,
    )
    from payback.studies.solve import parse_target

    data = two_workloads()
    data["workloads"][1]["alternatives"][ALT]["replica_requests_per_s"] = {
        "dist": "uniform",
        "low": 0.02,
        "high": 1.0,
    }
    p = prepare(parse_scenario(data))
    path = f"workloads.1.alternatives.{ALT}.replica_requests_per_s"
    mc = portfolio_monte_carlo(p, 2000, seed=3)
    assert mc["inputs"] == [path]
    drawn = _inputs_of(p)[0].ppf(np.random.default_rng(3).random((2000, 1))[:, 0])
    npv = evaluate_portfolio(p, {path: drawn}).alternatives[0].npv_usd
    assert mc["alternatives"][0]["npv_usd_mean"] == pytest.approx(float(np.mean(npv)), rel=1e-12)
    (driver,) = portfolio_tornado(p)[0]
    assert (driver.parameter, driver.low, driver.high) == (
        path,
        pytest.approx(0.118),
        pytest.approx(0.902),
    )
    # without distributions the ±25% tornado moves tagging's own capacity by its index path
    from payback.studies.portfolio_uncertainty import portfolio_paths

    plain = prepare(parse_scenario(two_workloads()))
    paths = portfolio_paths(plain)
    assert "workloads.1.alternatives.0.replica_requests_per_s" in paths
    assert "alternatives.0.replica_requests_per_s" in paths  # support's
    assert {d.parameter for d in portfolio_tornado(plain, 0.25)[0]} <= set(paths)
    solved = solve_portfolio(
        prepare(parse_scenario(two_workloads())),
        "workloads.1.alternatives.0.replica_requests_per_s",
        parse_target("npv_usd=0"),
    )
    assert solved.value is not None
    at = evaluate_portfolio(
        prepare(parse_scenario(two_workloads())),
        {"workloads.1.alternatives.0.replica_requests_per_s": np.array([solved.value])},
    )
    assert float(at.alternatives[0].npv_usd[0]) == pytest.approx(solved.achieved)


# ---------------------------------------------------------------- Sobol indices


@pytest.mark.slow  # 4,096 samples a matrix
def test_portfolio_sobol_splits_the_variance_by_hand() -> None:
    # a hosted option: the NPV is the rest less support's data (uniform on 0 … 3,000, variance
    # 3,000² / 12) less tagging's eval (0 … 1,000, 1,000² / 12): first-order shares 9/10, 1/10
    from payback.studies.portfolio_uncertainty import portfolio_sobol

    data = hosted_two_workloads("tuned")
    data["workloads"][1]["alternatives"] = {}
    data["workloads"][0]["one_time"]["data_usd"] = {"dist": "uniform", "low": 0.0, "high": 3000.0}
    data["workloads"][1]["one_time"]["eval_usd"] = {"dist": "uniform", "low": 0.0, "high": 1000.0}
    result = portfolio_sobol(prepare(parse_scenario(data)), 4096, seed=5)
    indices = {s.parameter: s for s in result.alternatives[0]}
    data_usd, eval_usd = (
        indices["workloads.0.one_time.data_usd"],
        indices["workloads.1.one_time.eval_usd"],
    )
    assert data_usd.first_order == pytest.approx(0.9, abs=0.03)
    assert eval_usd.first_order == pytest.approx(0.1, abs=0.03)
    assert data_usd.total_order == pytest.approx(0.9, abs=0.03)
    assert result.base_samples == 4096


def test_portfolio_sobol_of_one_workload_is_the_engines() -> None:
    from payback.studies.portfolio_uncertainty import portfolio_sobol
    from payback.studies.uncertainty import sobol

    data = plain(2e5, 0.02, 3.0, 2.0, "self_hosted")
    data["traffic"]["requests_per_month"] = {"dist": "uniform", "low": 5e4, "high": 8e5}
    data["alternatives"][0]["usd_per_gpu_hour"] = {"dist": "uniform", "low": 0.8, "high": 4.0}
    engine = sobol(parse_scenario(data), 256, seed=7)
    # the portfolio samples its inputs in the file's order: the traffic first, as the engine
    first = one_workload(data)
    first = {"workloads": first.pop("workloads"), **first}
    portfolio = portfolio_sobol(prepare(parse_scenario(first)), 256, seed=7)
    assert [s.parameter for s in portfolio.alternatives[0]] == [
        "workloads.0.traffic.requests_per_month"
        if s.parameter.startswith("traffic")
        else s.parameter
        for s in engine.alternatives[0]
    ]
    for mine, theirs in zip(portfolio.alternatives[0], engine.alternatives[0], strict=True):
        assert (mine.first_order, mine.total_order) == pytest.approx(
            (theirs.first_order, theirs.total_order), rel=1e-9, abs=1e-12
        )


def test_a_distribution_on_a_dotted_alternative_name_round_trips() -> None:
    # "Llama 3.1 8B" holds a dot: the term's path reads and writes by the longest name
    import tomllib

    from payback.scenario import dump_scenario, value_at

    data = two_workloads()
    name = "Llama 3.1 8B, an adapter each"
    data["alternatives"][0]["name"] = name
    data["workloads"][1]["alternatives"] = {
        name: {"replica_requests_per_s": {"dist": "uniform", "low": 2.0, "high": 6.0}}
    }
    scenario = parse_scenario(data)
    path = f"workloads.1.alternatives.{name}.replica_requests_per_s"
    assert list(scenario.distributions) == [path]
    assert value_at(scenario, path) == 4.0
    back = parse_scenario(tomllib.loads(dump_scenario(scenario)))
    assert back.distributions == scenario.distributions
