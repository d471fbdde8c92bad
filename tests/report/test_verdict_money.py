"""A never-pays verdict writes money as the rest of ``analyze`` does, in whole dollars
(cents only below $10), tried as a new user would: an option that costs more each month
said "$687.44 more in month 1" and "at its average of -$34.53 a month" beside
"NPV -$30,666". Where every figure is under $1,000 the verdict keeps its cents, as the
rest of that screen does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from helpers import run
from payback.analysis.verdict import never_reason, prose_usd, sentence_usd


def starter(tmp_path: Path, requests: int) -> Path:
    """``payback init``'s scenario at ``requests`` a month."""
    code, _, err = run("init", tmp_path / "s.toml")
    assert code == 0, err
    text = (tmp_path / "s.toml").read_text()
    assert "requests_per_month = 200000 " in text
    path = tmp_path / f"at-{requests}.toml"
    path.write_text(
        text.replace("requests_per_month = 200000 ", f"requests_per_month = {requests} ")
    )
    return path


def test_costs_more_every_month_in_whole_dollars(tmp_path: Path) -> None:
    # 20,000 requests of 2,000 tokens in (20% cached) and 400 out at $3/$0.30/$15 per M:
    # the baseline is 20,000 × $0.01092 = $218.40; the option $584 of L4 (0.80 × 730),
    # $21.84 of escalation (10%) and $300 of ops: $905.84, $687.44 more
    code, out, err = run("analyze", starter(tmp_path, 20_000))
    assert code == 0, err
    text = " ".join(out.split())
    assert (
        "not within 24 months: the alternative costs more every month ($687 more in month 1)"
        in text
    )
    assert (
        "does not pay back within 24 months: it costs more than the baseline every month "
        "($687 more in month 1), so the $12,860 up front is never recovered; NPV -$30,666"
    ) in text
    assert "687.44" not in text


def test_an_average_below_zero_in_whole_dollars(tmp_path: Path) -> None:
    # 100,000 requests: $1,092 against $584 + $109.20 + $300, $98.80 saved a month, but
    # $800 of retraining in months 6, 12, 18 and 24 ($701.20 more): the 24 months average
    # (24 × 98.80 - 4 × 800) / 24 = -$34.53
    code, out, err = run("analyze", starter(tmp_path, 100_000))
    assert code == 0, err
    text = " ".join(out.split())
    assert (
        "costs more than the baseline in months 6, 12, 18 and 24 ($701 more in month 24); "
        "by month 24 it is $13,689 behind, and at its average of -$35 a month it is never "
        "recovered; NPV -$13,554"
    ) in text


@pytest.mark.parametrize(
    ("value", "text"),
    [(873.92, "$874"), (-106.15, "-$106"), (10.0, "$10"), (9.994, "$9.99"), (9.996, "$10")],
)
def test_prose_money_is_whole_from_ten_dollars(value: float, text: str) -> None:
    assert prose_usd(value) == text


def test_prose_money_keeps_cents_that_round_to_nothing() -> None:
    assert prose_usd(0.3) == "$0.30"
    assert prose_usd(-0.004) == "-$0.004"  # under a cent as explain writes it, not "$0.00"
    assert prose_usd(0.0) == "$0"


def test_small_figures_keep_their_cents_alike() -> None:
    # $400 up front, $20 more each month: every figure under $1,000
    saved = np.array([-20.0] * 6)
    cumulative = np.concatenate([[-400.0], -400.0 + np.cumsum(saved)])
    assert never_reason(saved, cumulative) == (
        "the alternative costs more every month ($20.00 more in month 1)"
    )
    # the same, $2,000 up front: whole dollars, as "$2,000" is
    assert never_reason(saved, cumulative - 1600.0) == (
        "the alternative costs more every month ($20 more in month 1)"
    )


def test_one_figure_of_a_thousand_makes_the_sentence_whole() -> None:
    money = sentence_usd(-400.0, -999.99)
    assert [money(873.92), money(0.3)] == ["$873.92", "$0.30"]
    money = sentence_usd(-400.0, -999.996)  # rounds to $1,000
    assert [money(873.92), money(7.254), money(0.0)] == ["$874", "$7.25", "$0"]
