"""The page's "what would it take" box says what payback solve now says at a jump's edge and
for an answer met again further off: the page still said "must be at least 200,000 tokens:
at 200,000 tokens it has an NPV of $249,750" (analyze gives $120,000 there), and "not every
value above it will do" where every value above it does."""

from __future__ import annotations

from pathlib import Path

import payback
from payback.studies.solve import parse_target
from payback.web.take import solution_words
from report.test_step_target_at_a_side import SAWTOOTH, TIERED


def _words(tmp_path: Path, text: str, vary: str, target: str) -> str:
    path = tmp_path / "s.toml"
    path.write_text(text)
    solution = payback.solve(payback.load_scenario(path), vary, parse_target(target))
    return " ".join(" ".join(solution_words(solution)).split())


def test_a_target_met_just_past_a_tier_is_said_as_its_step(tmp_path: Path) -> None:
    words = _words(
        tmp_path, TIERED.format(tokens=150_000), "traffic.input_tokens", "npv_usd=249750"
    )
    assert "meets the target at the edge of a step: the answer jumps (" in words
    assert "must be above 200,000" in words
    assert "must be at least 200,000" not in words
    assert "at 200,000 tokens it has an NPV of $249,750" not in words


def test_met_again_only_below_is_not_said_to_fail_above(tmp_path: Path) -> None:
    words = _words(
        tmp_path,
        SAWTOOTH.format(requests=2_700_000, data_usd=66_000.0),
        "traffic.requests_per_month",
        "break_even_month=6",
    )
    assert "must be at least 2,768,889 requests a month (the crossing nearest today's" in words
    assert "and again at some values further below it: the answer is not monotone" in words
    assert "not every value above it will do" not in words


def test_missed_again_above_keeps_the_local_claim(tmp_path: Path) -> None:
    words = _words(
        tmp_path,
        SAWTOOTH.format(requests=1_000_000, data_usd=66_000.0),
        "traffic.requests_per_month",
        "break_even_month=3",
    )
    assert "must be just above 5,213,334 requests a month (the crossing nearest" in words
    assert "but not every value above it will do" in words


STEP_AND_AGAIN = """
[scenario]
name = "m"
horizon_months = 12
start_date = 2026-12-01
[traffic]
requests_per_month = 100000
input_tokens = 150000
output_tokens = 500
[baseline]
name = "api"
kind = "hosted_api"
model = "google:gemini-2.5-pro"
[[alternatives]]
name = "alt"
kind = "hosted_api"
input_usd_per_mtok = 2.0
output_usd_per_mtok = 5.0
"""


def test_a_step_met_past_it_and_again_below_says_above_not_at_least(tmp_path: Path) -> None:
    """Met just above the tier at 200,000 (analyze there: -$177,000) and again at low token
    counts: the page said "must be at least 200,000 tokens" (review); solve says "above"."""
    words = _words(tmp_path, STEP_AND_AGAIN, "traffic.input_tokens", "npv_usd=0")
    assert "must be above 200,000 tokens (the crossing nearest today's value), and again" in (words)
    assert "at least 200,000" not in words
