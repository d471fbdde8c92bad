"""A window past the horizon is not known: the seed over 6 months is ahead at month 6
(-$400 + 6 × $260 = $1,160), but whether it is still ahead at month 12 is not computed,
so "pays back within 12 months" is ``None`` (JSON ``null``, "unknown" in words) in the
shares, in analyze (its table and --json), in explain --json and in the Monte Carlo. It
read "12: yes", inferred from being ahead at the horizon."""

from __future__ import annotations

import json

import pytest

import payback
from helpers import EXAMPLES, run
from payback.finance import share_paid_back_within, window_months

SEED = EXAMPLES / "seed.toml"
SEED_CUMULATIVE = [-400.0, -140.0, 120.0, 380.0, 640.0, 900.0, 1160.0]  # $260 a month
SEED_MONTH = 1 + 140 / 260  # 1.538...


def test_the_share_past_the_horizon_is_unknown_even_ahead_at_the_horizon() -> None:
    at = [SEED_CUMULATIVE[m] for m in window_months(6)]
    assert at == [-400.0, 380.0, 1160.0, 1160.0, 1160.0]
    shares = share_paid_back_within(SEED_MONTH, 6, at)
    assert shares == {"3": 1.0, "6": 1.0, "12": None, "horizon": 1.0}


def test_a_quarter_past_a_two_month_horizon_is_unknown_too() -> None:
    """$260 a month against $400: ahead at month 2 ($120), month 3 not computed."""
    at = [SEED_CUMULATIVE[m] for m in window_months(2)]
    shares = share_paid_back_within(SEED_MONTH, 2, at)
    assert shares == {"3": None, "6": None, "12": None, "horizon": 1.0}


def test_analyze_says_twelve_months_is_unknown_for_the_seed() -> None:
    code, out, err = run("analyze", SEED)
    assert code == 0, err
    text = " ".join(out.split())
    assert "Pays back within 3 months: yes; 6: yes; 12: unknown (horizon too short)" in text
    assert "12: yes" not in text
    assert "Break-even month 1.54, after 30,769 requests" in text  # the seed's answer stays
    code, out, err = run("analyze", SEED, "--json")
    assert code == 0, err
    (alt,) = json.loads(out)["alternatives"]
    assert alt["pays_back_within"] == {"3": True, "6": True, "12": None, "horizon": True}
    assert alt["break_even_requests"] == pytest.approx(400 / 13 * 1000)


def test_explain_json_and_the_samples_say_unknown_past_the_horizon() -> None:
    code, out, err = run("explain", SEED, "--json")
    assert code == 0, err
    (alt,) = json.loads(out)["alternatives"]
    assert alt["pays_back_within"] == {"3": True, "6": True, "12": None, "horizon": True}
    assert alt["within_a_quarter"] is True
    # no distributions: every sample is the seed, ahead at month 6 and unknown at 12
    mc = payback.analyze(payback.load_scenario(SEED), samples=20).uncertainty
    assert mc is not None
    assert mc.alternatives[0].p_break_even_within == {
        "3": 1.0,
        "6": 1.0,
        "12": None,
        "horizon": 1.0,
    }
