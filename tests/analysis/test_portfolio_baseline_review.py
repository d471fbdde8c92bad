"""The baseline fleet the workloads share (analysis/portfolio_baseline.py), as a review
found it:

- solve on an alternative's input, and every study of a portfolio whose distributions sit
  on the alternative, stopped with "operands could not be broadcast together": the
  baseline fleet's flows carry no sample axis where the alternative's costs do;
- the baseline's ops were charged once per workload on what is said to be one fleet: three
  workloads on a fleet with $500 of ops read $4,420 a month today where analyze of their
  combined traffic reads $3,420, and the NPV $12,000 above it.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from helpers import build, run
from payback import analyze
from payback.analysis.portfolio import evaluate_portfolio, prepare
from payback.scenario import parse_scenario

PORTFOLIO = """
[scenario]
name = "shared baseline"
horizon_months = 12
discount_rate_annual = 0.0

[baseline]
name = "old fleet"
kind = "self_hosted"
usd_per_gpu_hour = 2.0
gpus_per_replica = 2
replica_requests_per_s = 10.0
min_replicas = 1
ops_usd_per_month = 500.0

[[alternatives]]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = INPUT
output_usd_per_mtok = 0.4
escalation_share = ESCALATION
""" + "".join(
    f"""
[[workloads]]
name = "{n}"
traffic = {{ requests_per_month = 100000, input_tokens = 1000, output_tokens = 100 }}
"""
    for n in "abc"
)


def _file(tmp_path: Path, input_price: str = "0.1", escalation: str = "0.0") -> Path:
    path = tmp_path / "p.toml"
    path.write_text(PORTFOLIO.replace("INPUT", input_price).replace("ESCALATION", escalation))
    return path


def test_solve_on_the_alternatives_input(tmp_path: Path) -> None:
    # the API's month: 300,000 × 1,000 tokens at $0.10/M = $30, plus 30M output tokens at
    # p; the fleet $2,920 and its ops $500 go: NPV 0 over 12 months (no discount) where
    # 30 + 30 p = 3,420, p = $113/M
    code, out, err = run(
        "solve", _file(tmp_path), "--vary", "alternatives.0.output_usd_per_mtok",
        "--target", "npv_usd=0", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["value"] == pytest.approx(113.0, rel=1e-4)


@pytest.mark.parametrize(
    ("input_price", "escalation"),
    [('{ dist = "uniform", low = 0.05, high = 0.2 }', "0.2"),
     ("0.1", '{ dist = "uniform", low = 0.1, high = 0.3 }')],
)  # fmt: skip
@pytest.mark.parametrize(
    "command",
    [("analyze", "--samples", "300"), ("sensitivity",), ("sensitivity", "--method", "sobol"),
     ("explain",)],
)  # fmt: skip
def test_studies_of_the_alternatives_ranges(
    tmp_path: Path, input_price: str, escalation: str, command: tuple[str, ...]
) -> None:
    path = _file(tmp_path, input_price, escalation)
    code, out, err = run(command[0], path, *command[1:])
    assert code == 0, err
    assert "Traceback" not in err
    assert out.strip()


def test_sampled_alternative_inputs_keep_each_samples_baseline_fleet() -> None:
    # a sampled API price moves only the alternative; the shared fleet with its 20%
    # escalated share stays the one 2-GPU replica ($2,920), in every sample
    data = {
        "scenario": {"name": "three", "horizon_months": 12},
        "baseline": {
            "name": "own 70B fleet", "kind": "self_hosted", "usd_per_gpu_hour": 2.0,
            "gpus_per_replica": 2, "replica_requests_per_s": 5.0, "min_replicas": 1,
        },
        "alternatives": [{
            "name": "hosted mini", "kind": "hosted_api", "input_usd_per_mtok": 0.15,
            "output_usd_per_mtok": 0.6, "escalation_share": 0.2,
        }],
        "workloads": [
            {"name": n, "traffic": {"requests_per_month": 100_000, "input_tokens": 1000,
                                    "output_tokens": 200}}
            for n in "abc"
        ],
    }  # fmt: skip
    p = prepare(parse_scenario(data))
    prices = np.array([0.1, 0.15, 0.3])
    ev = evaluate_portfolio(p, {"alternatives.0.input_usd_per_mtok": prices})
    out = ev.alternatives[0]
    assert out.baseline_usd.shape == (3, 12)
    np.testing.assert_allclose(out.baseline_usd, 2920.0)
    # the API: 80% of 300,000 requests at 1,000 in and 200 out tokens
    api = 0.8 * 300_000 * (1000 * prices + 200 * 0.6) / 1e6
    np.testing.assert_allclose(out.alternative_usd[:, 0], api + 2920.0)


def test_the_baseline_ops_are_paid_once_as_analyze_of_the_combined_traffic(
    tmp_path: Path,
) -> None:
    single: dict[str, Any] = {
        "scenario": {"name": "one", "horizon_months": 12, "discount_rate_annual": 0.0},
        "traffic": {"requests_per_month": 300000, "input_tokens": 1000, "output_tokens": 100},
        "baseline": {
            "name": "old fleet", "kind": "self_hosted", "usd_per_gpu_hour": 2.0,
            "gpus_per_replica": 2, "replica_requests_per_s": 10.0, "min_replicas": 1,
            "ops_usd_per_month": 500.0,
        },
        "alternatives": [{
            "name": "api", "kind": "hosted_api", "input_usd_per_mtok": 0.1,
            "output_usd_per_mtok": 0.4,
        }],
    }  # fmt: skip
    alone = analyze(build(single))
    # $2,920 of GPUs + $500 of ops, once
    assert alone.baseline.monthly_cost_usd[0] == pytest.approx(3420.0)
    text = _file(tmp_path).read_text()
    ev = evaluate_portfolio(prepare(parse_scenario(tomllib.loads(text))))
    out = ev.alternatives[0]
    np.testing.assert_allclose(out.baseline_usd, 3420.0)
    assert float(out.npv_usd) == pytest.approx(alone.alternatives[0].npv_usd)
    code, printed, err = run("analyze", _file(tmp_path))
    assert code == 0, err
    assert "$42 against $3,420 today" in " ".join(printed.split())


def test_a_subset_reads_what_its_move_sheds_not_a_cost_of_zero(tmp_path: Path) -> None:
    """Review: an alternative serving one workload of three on the shared baseline fleet
    read "$14.00 against $0.00 today" and "the workload costs $0 on today's baseline":
    $0 is what moving it sheds (the fleet stays for the other two), not its cost there."""
    text = (
        _file(tmp_path)
        .read_text()
        .replace(
            "escalation_share = 0.0", 'escalation_share = 0.0\nportfolio = { workloads = ["a"] }'
        )
    )
    path = tmp_path / "sub.toml"
    path.write_text(text)
    code, out, err = run("analyze", path)
    assert code == 0, err
    flat = " ".join(out.split())
    # a's API month: 100,000 × (1,000 × $0.10 + 100 × $0.40) / 1M = $14
    assert (
        "$14.00 against $0.00 today (month 12: $14.00 against $0.00); today's figure is what "
        "moving them sheds of the baseline fleet" in flat
    )
    code, out, err = run("explain", path)
    assert code == 0, err
    flat = " ".join(out.split())
    assert (
        "In month 1 moving the workload off today's baseline ('old fleet') saves $0 there "
        "(100,000 requests) and 'api' costs $14" in flat
    )
