"""A horizon whose last month costs more only because of its retraining, tried as a new user
would: quarter-200k.toml at horizon_months = 6 with retrain_usd = 2000 said "savings end in
month 6 (costs $918 more in month 6), $8,370 is never recovered" and "the $12,860 up front is
never recovered", where months 1-5 each save and month 7 saves again (7 months: "about month
13.7"). Now the words say month 6's retraining made it cost more and keep up the saving
before it; "never recovered" stays for a saving that has itself ended.

By hand: the saving is $2,184 − $1,102.40 = $1,081.60 a month; month 6 pays $2,000 of
retraining: −$918.40. Owed at month 6: $12,860 − 5 × $1,081.60 + $918.40 = $8,370.40;
/ $1,081.60 = 7.74 more months, about month 13.7 (month 7's words: $7,288.80 owed at month 7,
6.74 more, month 13.7 too)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from helpers import QUARTER, run
from payback.analysis.verdict import never_reason

LATER = "with no later retraining or price change counted"


def _scenario(tmp_path: Path, months: int, retrain: str) -> Path:
    path = tmp_path / f"h{months}.toml"
    text = QUARTER.read_text().replace("horizon_months = 24 ", f"horizon_months = {months} ")
    path.write_text(text.replace("retrain_usd = 800.0", f"retrain_usd = {retrain}"))
    return path


def test_a_retraining_in_the_last_month_is_not_a_saving_that_ended(tmp_path: Path) -> None:
    code, out, err = run("analyze", "--json", _scenario(tmp_path, 6, "2000"))
    assert code == 0, err
    alt = json.loads(out)["alternatives"][0]
    cum = alt["cumulative_savings_usd"]
    assert cum[-1] == -8370.4  # $12,860 − 5 × $1,081.60 + $918.40
    assert alt["reason"] == (
        "saves $1,082/month before month 6's $2,000 retraining, which alone makes month 6 "
        f"cost $918 more than the baseline; if that saving kept up, {LATER}, it would recover "
        "the $8,370 still owed at month 6 by about month 13.7"
    )
    assert json.loads(out)["verdict"] == (
        "'fine-tuned 7B on one rented L4' does not pay back within 6 months: it saves from "
        "month 1 to month 5, and month 6's $2,000 retraining alone makes it cost $918 more "
        "than the baseline that month; by month 6 it is $8,370 behind, and if month 6's "
        f"$1,082 saving before its retraining kept up, {LATER}, the rest would take until "
        "about month 13.7; NPV -$8,455 over 6 months at 10%"
    )
    code, out, err = run("analyze", _scenario(tmp_path, 6, "2000"))
    assert code == 0, err
    assert "never" not in out


def test_one_more_month_says_the_same_month(tmp_path: Path) -> None:
    """Month 7 saves again: its words keep up the same saving and reach the same month."""
    code, out, err = run("analyze", "--json", _scenario(tmp_path, 7, "2000"))
    assert code == 0, err
    assert json.loads(out)["alternatives"][0]["reason"].endswith("by about month 13.7")


def test_a_saving_that_ended_is_still_never_recovered() -> None:
    """Month 3 costs $12.50 more with a $10 retraining: $2.50 more before it, no saving."""
    saved = np.array([300.0, 100.0, -12.5])
    cumulative = np.array([-1000.0, -700.0, -600.0, -612.5])
    retraining = np.array([0.0, 0.0, 10.0])
    assert never_reason(saved, cumulative, None, retraining) == (
        "savings end in month 3 (costs $13 more in month 3), $613 is never recovered"
    )


def test_a_retraining_that_takes_the_saving_to_nothing() -> None:
    """Month 3 saves $300 before its $300 retraining: it saves nothing, costs no more."""
    saved = np.array([300.0, 300.0, 0.0])
    cumulative = np.array([-1000.0, -700.0, -400.0, -400.0])
    retraining = np.array([0.0, 0.0, 300.0])
    assert never_reason(saved, cumulative, None, retraining) == (
        "saves $300/month before month 3's $300 retraining, which alone makes month 3 "
        f"save nothing; if that saving kept up, {LATER}, it would recover the $400 still "
        "owed at month 3 by about month 4.3"
    )


@given(
    saving=st.integers(100, 100_000),
    retrain=st.integers(1, 1_000_000),
    owed=st.integers(1_000, 10_000_000),
    months=st.integers(2, 40),
)
def test_the_month_said_keeps_up_the_saving_before_the_retraining(
    saving: int, retrain: int, owed: int, months: int
) -> None:
    """Whole-dollar savings: the last month's retraining of more than its saving never reads
    "never recovered", and the month said is the horizon plus what is owed over the saving."""
    saved = np.array([float(saving)] * (months - 1) + [-float(retrain)])  # `retrain` more
    retraining = np.zeros(months)
    retraining[-1] = saving + retrain
    cumulative = np.concatenate([[-float(owed)], -float(owed) + np.cumsum(saved)])
    if cumulative[-1] >= 0:
        return
    reason = never_reason(saved, cumulative, None, retraining)
    assert "never" not in reason
    expected = months + -float(cumulative[-1]) / saving
    said = reason.rsplit("about month ", 1)[1].replace(",", "")
    assert abs(float(said) - expected) <= (0.05 if expected < 99.95 else 0.5) + 1e-9
