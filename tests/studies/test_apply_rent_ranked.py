"""``recommend --apply`` writes a file whose analysis pays what recommend ranked: the
portfolio example's $1.09 (an L40S rent, beside no gpu) is not kept for the winner's L4
ranked at the catalog's $0.8048 (analyze paid 2 × 730 × $1.09 = $1,591.40 a month, NPV
$12,550, against the $1,175 a month ranked)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import EXAMPLES, run


def test_the_portfolio_applied_pays_the_rent_ranked(tmp_path: Path) -> None:
    out = tmp_path / "pf-tuned.toml"
    code, said, err = run(
        "recommend", EXAMPLES / "portfolio.toml", "--model", "llama-3.1-8b", "--apply", "-o", out
    )
    assert code == 0, err
    assert "$1,175/month at $0.8048/GPU-h" in " ".join(said.split())
    notes = [line for line in err.splitlines() if "usd_per_gpu_hour = 1.09" in line]
    assert notes[-1] == (
        "note: alternatives.0.usd_per_gpu_hour = 1.09 replaced: the file does not say which GPU "
        "it rents (no gpu), so analyze pays the catalog's rent for the winner's l4 (recommend "
        "ranked it at $0.8048/GPU-h)"
    )
    assert not any(" kept" in line for line in notes)
    code, text, err = run("analyze", out, "--json")
    assert code == 0, err
    alt = json.loads(text)["portfolio"]["alternatives"][0]
    baseline = json.loads(text)["portfolio"]["alternatives"][0]["baseline_usd"][0]
    # month 1: 2 L4s × 730 h × $0.8048 = $1,175.008, $500 ops, 5% escalated to the baseline
    rent = alt["monthly_cost_usd"][0] - 500.0 - 0.05 * baseline
    assert rent == pytest.approx(2 * 730 * 0.8048, abs=0.005)
    assert round(alt["npv_usd"]) == 21_612  # $12,550 at the $1.09 kept


def test_a_rent_given_as_a_distribution_is_said_so(tmp_path: Path) -> None:
    """quarter-uncertain's triangular rent was called 'usd_per_gpu_hour = 0.8' and kept:
    analyze paid $584 a month (730 × $0.80) against the $588 (730 × $0.8048) ranked."""
    out = tmp_path / "qu.toml"
    code, _, err = run(
        "recommend", EXAMPLES / "quarter-uncertain.toml", "--model", "qwen2.5-7b",
        "--apply", "-o", out,
    )  # fmt: skip
    assert code == 0, err
    assert (
        "note: alternatives.0.usd_per_gpu_hour (a triangular distribution) replaced: the file "
        "does not say which GPU it rents (no gpu)"
    ) in err
    code, text, err = run("analyze", out, "--json")
    assert code == 0, err
    gpus = json.loads(text)["alternatives"][0]["components_usd"]["gpus"]
    assert gpus[0] == pytest.approx(730 * 0.8048, abs=0.005)  # $587.50, not $584.00
