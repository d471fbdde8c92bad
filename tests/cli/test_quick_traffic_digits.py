"""``payback quick`` and the growth warning write the numbers they answer for, tried as a
new user would: "At 15,385 requests a month ... it never pays back" was said of 15,384.6
(15,385 do pay back), and a growth of -0.9999999999 was written "-1", which the field
refuses."""

from __future__ import annotations

from helpers import run
from payback.finance.quick import compounding_line


def _text(*args: object) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    return " ".join(out.split())


def test_quick_shows_the_traffic_it_answers_for() -> None:
    """15,384.6 requests a month halving every month never pay back $400 at $13 saved per
    1,000; 15,385 do (month 15.36). The line said "At 15,385 requests a month ... it never
    pays back"."""
    args = ["quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "400"]
    never = _text(*args, "--requests-per-month", "15384.6", "--growth", "-0.5")
    assert "At 15,384.6 requests a month shrinking 50% a month" in never
    assert "it never pays back" in never
    pays = _text(*args, "--requests-per-month", "15385", "--growth", "-0.5")
    assert "At 15,385 requests a month shrinking 50% a month, that is month 15.36" in pays


def test_the_growth_warning_writes_every_digit_the_growth_needs() -> None:
    line = compounding_line("traffic.growth_monthly", 20_000, -0.9999999999, 600)
    assert line is not None
    assert line.startswith("traffic.growth_monthly = -0.9999999999 (")
    line = compounding_line("traffic.growth_monthly", 20_000, -0.9, 600)
    assert line is not None
    assert line.startswith("traffic.growth_monthly = -0.9 (")
