"""A portfolio is held to a single scenario's bounds: the 10,000,000-GPU fleet cap on the
fleet it actually sizes (the one its workloads share, each under the cap alone), and its
samples drawn inside each field's range (the capacity floor) with those past the cap said.

By hand: 1.1e12 requests a month at 0.1 requests/s a replica, planned at 70%, busiest hour
the mean, is 1.1e12 / (730 · 3,600) / 0.1 / 0.7 = 5,979,560.8 replicas of one GPU: one
workload fills 5,979,561 GPUs; two share 2 × 5,979,560 pinned plus the two leftovers of
0.78, each on a replica of its own (2 GPUs: mixing them would need 1.56 / η(2) = 2.4), so
11,959,122 GPUs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from helpers import assert_user_error, run
from payback.analysis.portfolio import evaluate_portfolio, prepare
from payback.errors import PaybackError
from payback.scenario import parse_scenario
from payback.scenario.schema import MAX_FLEET_GPUS, MIN_REPLICA_REQUESTS_PER_S
from payback.studies.portfolio import analyze_portfolio
from payback.studies.portfolio_uncertainty import _inputs


def _scenario(*requests: Any, fleet: str = "shared", rps: Any = 0.1) -> dict[str, Any]:
    return {
        "scenario": {"name": "big tasks", "horizon_months": 12},
        "baseline": {"name": "api", "kind": "per_request", "usd_per_1k_requests": 2.0},
        "alternatives": [
            {
                "name": "fleet",
                "kind": "self_hosted",
                "usd_per_gpu_hour": 1.0,
                "replica_requests_per_s": rps,
                "min_replicas": 1,
                "portfolio": {"fleet": fleet},
            }
        ],
        "workloads": [
            {"name": name, "traffic": {"requests_per_month": r}}
            for name, r in zip("abc", requests, strict=False)
        ],
    }


def _written(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data))  # JSON is YAML
    return path


def test_one_workload_under_the_cap_is_sized_as_by_hand() -> None:
    p = prepare(parse_scenario(_scenario(1.1e12)))
    gpus = evaluate_portfolio(p).parts[0].alternatives[0].costs.gpus
    assert float(np.max(gpus)) == 5_979_561


def test_a_shared_fleet_past_the_cap_is_refused_though_each_workload_is_under_it() -> None:
    with pytest.raises(PaybackError) as exc:
        prepare(parse_scenario(_scenario(1.1e12, 1.1e12)))
    assert exc.value.messages == [
        "alternatives.0 ('fleet'), the fleet its 2 workloads share: it would need 11,959,122 "
        "GPUs in month 1 (2,200,000,000,000 requests; the most GPU time, 50%, workloads.0 "
        "('a') at alternatives.0.replica_requests_per_s = 0.1; planned at 70% of capacity); "
        f"at most {MAX_FLEET_GPUS:,} GPUs (more than twice the data-centre GPUs sold in a year)"
    ]


def test_the_shared_fleets_line_gives_a_typed_utilisation_as_typed() -> None:
    # 72.5% planned (it read "72%", where the single scenario's line reads 72.5%)
    data = _scenario(1.1e12, 1.1e12)
    data["alternatives"][0]["target_utilization"] = 0.725
    with pytest.raises(PaybackError) as exc:
        prepare(parse_scenario(data))
    assert "; planned at 72.5% of capacity); at most" in exc.value.messages[0]
    assert "the most GPU time, 50%, " in exc.value.messages[0]


def test_separate_fleets_each_under_the_cap_are_kept() -> None:
    p = prepare(parse_scenario(_scenario(1.1e12, 1.1e12, fleet="separate")))
    assert all(
        float(np.max(ev.alternatives[0].costs.gpus)) == 5_979_561
        for ev in evaluate_portfolio(p).parts
    )


def test_a_shared_fleet_under_the_cap_is_kept() -> None:
    p = prepare(parse_scenario(_scenario(0.8e12, 0.8e12)))  # 2 × 4,348,772 GPUs
    assert 8_000_000 < float(np.max(evaluate_portfolio(p).alternatives[0].gpus)) < MAX_FLEET_GPUS


def test_the_cli_refuses_it_in_one_line_naming_the_file(tmp_path: Path) -> None:
    path = _written(tmp_path / "big.yaml", _scenario(1.1e12, 1.1e12))
    for command in ("analyze", "explain"):
        assert_user_error(
            *run(command, path), f"error: {path}: alternatives.0 ('fleet'), the fleet its 2"
        )


def _sampled() -> dict[str, Any]:
    """Workload a uniform over 5e11..9e11 requests beside b's 1.1e12 (5,979,561 GPUs): the
    shared fleet passes 10,000,000 GPUs past (10,000,000 − 5,979,561) · 2,628,000 · 0.1 ·
    0.7 = 7.396e11 requests, in (9 − 7.396) / 4 = 40.1% of the samples; central 7e11
    needs 9,784,736 GPUs, under the cap."""
    data = _scenario(7e11, 1.1e12)
    data["workloads"][0]["traffic"]["requests_per_month"] = {
        "dist": "uniform",
        "low": 5e11,
        "high": 9e11,
    }
    return data


def test_samples_past_the_cap_are_counted_and_said() -> None:
    analysis = analyze_portfolio(parse_scenario(_sampled()), samples=2_000, seed=1)
    lines = analysis.uncertainty["warnings"]
    assert len(lines) == 1
    head, _, rest = lines[0].partition(" of 2,000 samples (")
    past = int(head.rsplit(" ", 1)[-1].replace(",", ""))
    assert abs(past / 2_000 - 0.401) < 0.04
    assert rest.startswith(f"{past / 20:.0f}%) ")  # a share of samples in whole percents
    assert head.startswith("alternatives.0 ('fleet'): ")
    assert "size a fleet past the cap, up to 10,8" in rest  # 9e11: 4,892,368 + 5,979,561
    assert rest.endswith("narrow workloads.0.traffic.requests_per_month")
    assert lines[0] in analysis.portfolio.warnings  # said on stderr and in the report
    assert lines[0] in analysis.to_dict()["warnings"]


def test_a_sample_with_two_fleets_past_the_cap_counts_once() -> None:
    """Separate fleets, each workload uniform over 1.3e12..2.3e12 requests (central 1.8e12,
    under the cap): one fleet passes 10,000,000 GPUs above 1.1e12 · 10^7 / 5,979,560.8 =
    1.8396e12 requests, in 0.4604 of the samples; either does in 1 − 0.5396² = 0.709 of
    them. Each fleet counted apart gave 2 × 0.4604 = 0.92 of the samples."""
    data = _scenario(1.8e12, 1.8e12, fleet="separate")
    for workload in data["workloads"]:
        workload["traffic"]["requests_per_month"] = {
            "dist": "uniform",
            "low": 1.3e12,
            "high": 2.3e12,
        }
    analysis = analyze_portfolio(parse_scenario(data), samples=4_000, seed=2)
    [line] = analysis.uncertainty["warnings"]
    head = line.partition(" of 4,000 samples (")[0]
    past = int(head.rsplit(" ", 1)[-1].replace(",", ""))
    assert abs(past / 4_000 - 0.709) < 0.03


def test_samples_under_the_cap_say_nothing() -> None:
    data = _sampled()
    data["workloads"][0]["traffic"]["requests_per_month"]["high"] = 7.3e11
    analysis = analyze_portfolio(parse_scenario(data), samples=500)
    assert "warnings" not in analysis.uncertainty
    assert analysis.portfolio.warnings == []


def test_analyze_samples_warns_and_json_carries_it(tmp_path: Path) -> None:
    path = _written(tmp_path / "sampled.yaml", _sampled())
    code, out, err = run("analyze", path, "--samples", "400", "--json")
    assert code == 0, err
    said = json.loads(out)["portfolio"]["uncertainty"]["warnings"]
    assert said
    assert said[0].startswith("alternatives.0 ('fleet'): ")
    assert "size a fleet past the cap" in err


def test_a_workloads_sampled_capacity_stays_above_the_floor() -> None:
    """As a scenario's: a lognormal reaching below 1e-4 is drawn truncated to the field
    (σ = ln 10 / 1.2816 = 1.797: Φ(ln(0.01) / 1.797) = Φ(-2.563) = 0.52% of it lies below
    1e-4, and cut off it moves the median by 1.2%, inside the 5% the rule allows)."""
    data = _scenario(1e6, 1e6, rps=1.0)
    data["workloads"][1]["alternatives"] = {
        "fleet": {"replica_requests_per_s": {"dist": "lognormal", "median": 0.01, "p90": 0.1}}
    }
    (item,) = _inputs(prepare(parse_scenario(data)))
    assert item.path == "workloads.1.alternatives.fleet.replica_requests_per_s"
    drawn = item.ppf(np.linspace(0.0, 1.0, 1001))
    assert MIN_REPLICA_REQUESTS_PER_S <= float(np.min(drawn)) < 1.0001e-4


def test_a_workloads_bounded_range_below_the_floor_is_refused(tmp_path: Path) -> None:
    data = _scenario(1e6, 1e6, rps=1.0)
    data["workloads"][1]["alternatives"] = {
        "fleet": {"replica_requests_per_s": {"dist": "normal", "mean": 0.0005, "sd": 0.00035}}
    }
    path = _written(tmp_path / "floor.yaml", data)
    # Φ((1e-4 − 5e-4) / 3.5e-4) = Φ(−1.143) = 13% of it lies below the floor, past 10%
    assert_user_error(
        *run("analyze", path, "--samples", "10"),
        "workloads.1.alternatives.fleet.replica_requests_per_s = "
        '{ dist = "normal", mean = 0.0005, sd = 0.00035 }: 13% of it lies below 0.0001, so its '
        "p10 is past it; the field must be ≥ 0.0001",
    )


def test_traffic_completed_from_the_first_workload_is_sampled_once_by_its_path() -> None:
    """The page writes [traffic] from the first workload's (workload_defaults), its range
    too: sampling refused it ('with [[workloads]] each workload's traffic is read')."""
    from payback.scenario.workloads import workload_defaults

    scenario = parse_scenario(workload_defaults(_sampled()))
    assert "traffic.requests_per_month" in scenario.distributions
    analysis = analyze_portfolio(scenario, samples=100)
    assert analysis.uncertainty["inputs"] == ["workloads.0.traffic.requests_per_month"]
