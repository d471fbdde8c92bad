"""``payback explain --samples N`` of a portfolio says what the samples say, in one
scenario's words and with ``analyze --samples N --json``'s figures; it drew them and said
nothing of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import FROZEN_PORTFOLIO, run, sampled_library, sampled_words
from payback.figures import share_text

PORTFOLIO = FROZEN_PORTFOLIO


def _uncertain(tmp_path: Path) -> Path:
    """tests/data/portfolio.toml with support triage's traffic a triangle around 400,000."""
    path = tmp_path / "uncertain.toml"
    text = PORTFOLIO.read_text()
    old = "requests_per_month = 400000,"
    assert old in text
    path.write_text(
        text.replace(
            old,
            'requests_per_month = { dist = "triangular", low = 200000, mode = 400000, '
            "high = 600000 },",
        )
    )
    return path


def _json(*args: Any) -> dict[str, Any]:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return dict(json.loads(out))


def _said(*args: Any) -> str:
    code, out, err = run("explain", *args)
    assert code == 0, err
    return " ".join(out.split())


def test_explain_samples_says_what_the_samples_say(tmp_path: Path) -> None:
    """500 draws of support triage's traffic (seed 0): the shared fleet pays back within a
    year in 36% of them and within 24 months in all, as analyze --samples 500 counts them;
    explain printed the same words with and without --samples."""
    path = _uncertain(tmp_path)
    analyzed = _json("analyze", path, "--samples", "500")["portfolio"]["uncertainty"]
    explained = _json("explain", path, "--samples", "500")["alternatives"]
    said = _said(path, "--samples", "500")
    assert "Across" not in _said(path)
    for theirs, mine in zip(analyzed["alternatives"], explained, strict=True):
        facts = mine["uncertainty"]
        assert facts == {
            "samples": 500,
            "inputs": ["workloads.0.traffic.requests_per_month"],
            "p_break_even_within": theirs["p_break_even_within"],
            "p_behind_again_at": theirs["p_behind_again_at"],
            "break_even_month_p50": theirs["break_even_month_percentiles"]["p50"],
            "p_npv_positive": theirs["p_npv_positive"],
        }
    shared, separate = (a["uncertainty"] for a in explained)
    within = shared["p_break_even_within"]
    assert (within["3"], within["6"], within["horizon"]) == (0.0, 0.0, 1.0)
    assert 0.2 < within["12"] < 0.6
    assert shared["break_even_month_p50"] is not None
    assert (
        f"Across 500 samples of the scenario's ranges it pays back within a quarter in 0% of "
        f"them, within 6 months in 0%, within a year in {share_text(within['12'])} and within 24 "
        f"months in 100%; the median break-even is month "
        f"{shared['break_even_month_p50']:.1f}, and the NPV is positive in "
        f"{share_text(shared['p_npv_positive'])} of samples." in said  # 0.996: 99.6%, not 100%
    )
    assert separate["break_even_month_p50"] is None  # most samples never pay back
    assert "the median break-even is not within 24 months" in said
    answer = said.index("It pays back in month 12.8; its NPV over 24 months at 10% is $19,858.")
    assert answer < said.index("Across 500 samples") < said.index("The shared fleet runs")


def test_explain_samples_of_a_portfolio_without_distributions(tmp_path: Path) -> None:
    """Without a distribution every draw is the answer itself: said so, as analyze's
    Monte Carlo line says it, not 100% of 500 identical samples."""
    said = sampled_words(PORTFOLIO, 500)  # the command line refuses it (no distribution)
    assert (
        said.count(
            "Across 500 samples: the scenario has no distributions, so every sample is the same."
        )
        == 2
    )
    assert "samples of the scenario's ranges" not in said
    from payback.report.portfolio_facts import sampled

    analysis, _ = sampled_library(PORTFOLIO, 500)
    assert [sampled(analysis, i)["inputs"] for i in range(2)] == [[], []]  # type: ignore[index]
    assert [a["uncertainty"] for a in _json("explain", PORTFOLIO)["alternatives"]] == [None, None]
