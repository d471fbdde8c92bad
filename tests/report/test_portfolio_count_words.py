"""Counts said with their noun, singular for 1. Tried as a new user would on the bundled
portfolio example: analyze said "2 GPUs (1 mixing adapters, 1 kept by min_replicas ...)",
explain "runs 2 GPUs in month 1: 1 mixing adapters", the report's placement row the same;
the placement's sibling counts (pinned, kept by min_replicas, reserved but idle) were bare
numbers as well. Each now carries its unit through the pluralising helper
(:func:`~payback.report.portfolio_common.gpus_text`): "1 GPU mixing adapters", "4 GPUs
pinned". With ``--samples 1`` explain said "Across 1 samples" (a portfolio's and a
scenario's alike)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import EXAMPLES, FROZEN_PORTFOLIO, run, sampled_words

PORTFOLIO = FROZEN_PORTFOLIO
BARE = re.compile(r"\b\d[\d,.]* (pinned|mixing|kept by|reserved)\b")
"""A count of GPUs said without its unit."""


def _flat(*args: str | Path) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    return " ".join(out.split())


def test_the_example_says_one_gpu_mixing_adapters() -> None:
    # 665,000 requests need one replica at their busiest hour; min_replicas = 2 keeps a second
    said = "1 GPU mixing adapters, 1 GPU kept by min_replicas beyond what the traffic needs"
    analyzed = _flat("analyze", PORTFOLIO)
    assert f"an adapter per workload: 2 GPUs ({said})" in analyzed
    explained = _flat("explain", PORTFOLIO)
    assert f"The shared fleet runs 2 GPUs in month 1: {said}." in explained
    for text in (analyzed, explained):
        assert "1 mixing adapters" not in text
        assert BARE.search(text) is None, BARE.search(text)


def test_the_report_says_them_alike(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    code, _, err = run("report", PORTFOLIO, "-o", report)
    assert code == 0, err
    md = report.read_text(encoding="utf-8")
    assert (
        "| placement, month 1 | 1 GPU mixing adapters, 1 GPU kept by min\\_replicas beyond "
        "what the traffic needs |"
    ) in md
    assert BARE.search(md) is None, BARE.search(md)


def test_every_count_of_the_placement_takes_its_unit() -> None:
    from payback.report.portfolio_common import kept_words

    assert kept_words(1.0, 0.0) == "1 GPU kept by min_replicas beyond what the traffic needs"
    assert kept_words(0.0, 1.0) == "1 GPU reserved, idle until the term ends"
    assert kept_words(3.0, 2.0) == (
        "3 GPUs kept by min_replicas beyond what the traffic needs, "
        "2 GPUs reserved, idle until the term ends"
    )
    assert kept_words(0.0, 0.0) == ""


@pytest.mark.parametrize("example", ["portfolio.toml", "seed.toml"])
def test_one_sample_is_said_in_the_singular(example: str) -> None:
    text = sampled_words(EXAMPLES / example, 1)  # the command line refuses it
    assert "Across 1 sample: the scenario has no distributions" in text
    assert "1 samples" not in text


ONE_REQUEST = """
[scenario]
name = "one request a month"
horizon_months = 3

[baseline]
name = "hosted API"
kind = "hosted_api"
input_usd_per_mtok = 2.5
output_usd_per_mtok = 10.0

[[alternatives]]
name = "free per request"
kind = "per_request"
usd_per_1k_requests = 0.0
one_time = { data_usd = 0.00525 }
"""
"""One request a month of 1,500 tokens in at $2.50 and 150 out at $10 per million costs
$0.00375 + $0.0015 = $0.00525 ($5.25 per 1,000); free afterwards, $0.00525 once is repaid
at the end of month 1: break-even month 1.00, after 1 request."""


TRAFFIC = "requests_per_month = 1, input_tokens = 1500, output_tokens = 150"


def test_one_request_is_said_in_the_singular_in_a_portfolio(tmp_path: Path) -> None:
    path = tmp_path / "one.toml"
    path.write_text(f'{ONE_REQUEST}[[workloads]]\nname = "tiny"\ntraffic = {{ {TRAFFIC} }}\n')
    analyzed = _flat("analyze", path)
    assert "1 workload, 1 request in month 1" in analyzed
    assert "Break-even month 1.00, after 1 request " in analyzed
    explained = _flat("explain", path)
    assert "on today's APIs (1 request, $5.25 per 1,000)" in explained
    assert "month 1.00, after 1 request." in explained
    for text in (analyzed, explained):
        assert "1 requests" not in text


def test_one_request_is_said_in_the_singular_in_a_scenarios_explain(tmp_path: Path) -> None:
    path = tmp_path / "one.toml"
    path.write_text(f"{ONE_REQUEST}[traffic]\n{TRAFFIC.replace(', ', chr(10))}\n")
    explained = _flat("explain", path)
    assert "month 1.00, after 1 request." in explained  # it read "after 1 requests"
