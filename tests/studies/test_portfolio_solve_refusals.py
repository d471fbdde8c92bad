"""A portfolio's solve refuses what a scenario's refuses: another alternative's input
(which cannot move the answer solved for: it said 'no value … the closest is $12,550' or
'every value already meets it'), and a workload's term holding a distribution by the
alternative's index as by its name (it solved at the range's middle, 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import EXAMPLES, run

PORTFOLIO = EXAMPLES / "portfolio.toml"
SEP = "'a fine-tuned 8B and its own fleet per task'"
SHARED = "Llama 3.1 8B, an adapter per task, one fleet"
DIST = (
    "holds a distribution ({}); solve needs one number: give it a single value, "
    "or vary another input"
)


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("alternatives.1.usd_per_gpu_hour", "npv_usd=50000"),
        ("alternatives.1.ops_usd_per_month", "npv_usd=0"),
        ("workloads.1.alternatives.1.replica_requests_per_s", "npv_usd=50000"),
        (f"workloads.1.alternatives.{SEP[1:-1]}.replica_requests_per_s", "npv_usd=50000"),
    ],
)
def test_another_alternatives_input_is_refused(path: str, target: str) -> None:
    code, out, err = run("solve", PORTFOLIO, "--vary", path, "--target", target)
    assert (code, out) == (2, "")
    assert err == (
        f"error: --vary {path}: an input of alternative 1 ({SEP}), which cannot move "
        "alternative 0's answer; solve for alternative 1\n"
    )


def test_its_own_alternatives_input_is_solved() -> None:
    # NPV is straight in ops: -$28,522.22 at $0/month, -$39,404.50 at today's $500, so
    # -$30,000 is met at 500 × (30,000 - 28,522.22) / (39,404.50 - 28,522.22) = $67.90
    code, out, err = run(
        "solve", PORTFOLIO, "--vary", "alternatives.1.ops_usd_per_month",
        "--target", "npv_usd=-30000", "--alternative", "1", "--json",
    )  # fmt: skip
    assert code == 0, err
    found = json.loads(out)
    assert found["value"] == pytest.approx(500 * 1477.78 / 10882.28, abs=0.01)
    assert found["current"]["achieved"] == pytest.approx(-39404.50, abs=0.01)


def _uncertain_term(tmp_path: Path) -> Path:
    text = PORTFOLIO.read_text().replace(
        f'alternatives."{SHARED}" = {{ replica_requests_per_s = 3.4 }}',
        f'alternatives."{SHARED}" = '
        '{ replica_requests_per_s = { dist = "uniform", low = 3.0, high = 5.0 } }',
    )
    assert "uniform" in text
    path = tmp_path / "pu.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("key", ["0", SHARED])
def test_a_workload_term_holding_a_distribution_is_refused_by_index_or_name(
    tmp_path: Path, key: str
) -> None:
    path = f"workloads.1.alternatives.{key}.replica_requests_per_s"
    code, out, err = run(
        "solve", _uncertain_term(tmp_path), "--vary", path, "--target", "npv_usd=0"
    )
    assert (code, out) == (2, "")
    assert err == f"error: --vary {path}: {DIST.format('uniform')}\n"


def test_a_distribution_is_refused_in_one_wording_for_scenario_and_portfolio() -> None:
    code, _, err = run(
        "solve", EXAMPLES / "quarter-uncertain.toml",
        "--vary", "traffic.requests_per_month", "--target", "npv_usd=0",
    )  # fmt: skip
    assert code == 2
    assert err == f"error: --vary traffic.requests_per_month: {DIST.format('triangular')}\n"


def test_a_field_the_workload_lacks_is_named_by_the_path_given() -> None:
    path = "workloads.0.alternatives.0.quality.error_rate"
    code, out, err = run("solve", PORTFOLIO, "--vary", path, "--target", "npv_usd=0")
    assert (code, out) == (2, "")  # it named alternatives.0.quality.error_rate, no flag
    assert err == f"error: --vary {path}: no such field in the scenario\n"
