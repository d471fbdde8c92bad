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

from helpers import EXAMPLES, run

PORTFOLIO = EXAMPLES / "portfolio.toml"
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
    text = _flat("explain", EXAMPLES / example, "--samples", "1")
    assert "Across 1 sample: the scenario has no distributions" in text
    assert "1 samples" not in text
