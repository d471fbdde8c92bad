""" "Measure first" for a baseline's input names what runs today, not the model to build:
an explain whose top input was the baseline fleet's capacity said "a load test of the
fine-tuned model" where the alternative was a hosted API (tried as a new user would)."""

from __future__ import annotations

import json
from pathlib import Path

import tomlkit

from helpers import run
from payback.report.measuring import MEASURE_FIRST, measure_first

TODAY = "a load test of today's self-hosted model at your token lengths"


def test_a_baseline_path_has_its_own_words_an_alternative_keeps_its() -> None:
    assert measure_first("baseline.replica_requests_per_s") == TODAY
    assert measure_first("workloads.1.baseline.replica_requests_per_s") == TODAY
    assert measure_first("baseline.usd_per_gpu_hour") == "the GPU rate on your current bill"
    assert measure_first("alternatives.0.replica_requests_per_s") == (
        "a load test of the fine-tuned model at your token lengths"
    )
    # a baseline's input with no words of its own reads the shared table
    assert measure_first("baseline.input_usd_per_mtok") == MEASURE_FIRST["input_usd_per_mtok"]


def _fleet_against_api() -> dict[str, object]:
    """The team's own two-GPU fleet (1 request/s a replica, two kept) against a hosted API:
    the fleet's capacity moves the answer most."""
    return {
        "scenario": {"name": "x", "horizon_months": 30, "discount_rate_annual": 0.0},
        "traffic": {
            "requests_per_month": 3_500_000,
            "input_tokens": 1000,
            "output_tokens": 100,
            "peak_to_average": 2.0,
            "growth_monthly": -0.04,
        },
        "baseline": {
            "name": "old fleet",
            "kind": "self_hosted",
            "gpus_per_replica": 2,
            "replica_requests_per_s": 1.0,
            "usd_per_gpu_hour": 2.0,
            "commitment": "1y",
            "gpu_price_change_annual": -0.2,
            "min_replicas": 2,
            "ops_usd_per_month": 500.0,
        },
        "alternatives": [
            {
                "name": "api",
                "kind": "hosted_api",
                "input_usd_per_mtok": 0.5,
                "output_usd_per_mtok": 1.5,
                "escalation_share": 0.3,
                "one_time": {"engineer_hours": 10, "engineer_usd_per_hour": 100},
            }
        ],
    }


def test_explain_names_todays_model_for_the_baseline_capacity(tmp_path: Path) -> None:
    path = tmp_path / "t4.toml"
    path.write_text(tomlkit.dumps(_fleet_against_api()))
    code, out, err = run("explain", path)
    assert code == 0, err
    text = " ".join(out.split())
    assert f"Measure first: {TODAY}. Narrowing the baseline requests/s" in text
    assert "fine-tuned" not in text
    code, out, err = run("explain", path, "--json")
    assert code == 0, err
    first = json.loads(out)["alternatives"][0]["measure_first"]
    assert first == {"parameter": "baseline.replica_requests_per_s", "what": TODAY}
