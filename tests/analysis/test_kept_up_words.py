"""A horizon that ends before the break-even, tried as a new user would: quarter-200k.toml
(retraining $800 every 6 months) at horizon_months = 2 said it "needs until about month
11.9", at 6 "about month 31.5" (month 6's saving after its retraining, $282, taken as the
monthly saving) and at 12 "about month 17.3", where 24 months break even in month 13.37.
Now the words say which saving is kept up (the month's, before its retraining) and that
nothing later is counted.

By hand: the baseline costs 200,000 × (2,000 × (0.8 × $3 + 0.2 × $0.30) + 400 × $15) / 1e6
= $2,184 a month; the L4 $584 + escalation $218.40 + ops $300 = $1,102.40; the saving
$1,081.60 a month, less $800 in months 6, 12, 18, 24. One-time $12,860.
- 2 months: $12,860 − 2 × $1,081.60 = $10,696.80 owed; / $1,081.60 = 9.89, month 11.9
- 6 months: $12,860 − 6 × $1,081.60 + $800 = $7,170.40; 6.63 more, month 12.6
- 12 months: $12,860 − 12 × $1,081.60 + $1,600 = $1,480.80; 1.37 more, month 13.4"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import QUARTER, run

LATER = "with no later retraining or price change counted"


def _horizon(tmp_path: Path, months: int) -> Path:
    path = tmp_path / f"h{months}.toml"
    text = QUARTER.read_text().replace("horizon_months = 24 ", f"horizon_months = {months} ")
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("months", "reason"),
    [
        (
            2,
            f"saves $1,082/month (month 2); if that saving kept up, {LATER}, it would recover "
            "the $10,697 still owed at month 2 by about month 11.9",
        ),
        (
            6,
            "saves $1,082/month (month 6, before its $800 retraining); if that saving kept "
            f"up, {LATER}, it would recover the $7,170 still owed at month 6 by about month 12.6",
        ),
        (
            12,
            "saves $1,082/month (month 12, before its $800 retraining); if that saving kept "
            f"up, {LATER}, it would recover the $1,481 still owed at month 12 by about month 13.4",
        ),
    ],
)
def test_the_reason_names_the_saving_it_keeps_up(tmp_path: Path, months: int, reason: str) -> None:
    code, out, err = run("analyze", "--json", _horizon(tmp_path, months))
    assert code == 0, err
    assert json.loads(out)["alternatives"][0]["reason"] == reason


def test_the_verdict_says_what_it_leaves_out(tmp_path: Path) -> None:
    code, out, err = run("analyze", _horizon(tmp_path, 6))
    assert code == 0, err
    words = " ".join(out.split())
    assert (
        "by month 6 it has recovered $5,690 of the $12,860 up front; if month 6's $1,082 saving "
        f"before its $800 retraining kept up, {LATER}, the rest would take until about month "
        "12.6;" in words
    )
    assert "31.5" not in words


def test_a_long_enough_horizon_breaks_even_where_month_12_says_about() -> None:
    code, out, err = run("analyze", "--json", QUARTER)
    assert code == 0, err
    assert json.loads(out)["alternatives"][0]["break_even_month"] == pytest.approx(13.37, abs=0.01)
