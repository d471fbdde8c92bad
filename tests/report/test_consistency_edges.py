"""Edge cases a new user reaches soon, and what each output says for them: a horizon of one
month, no discount, no one-time cost at equal prices, savings that stop, prices that
move on both sides, numbers far from everyday sizes (no exponent, no "-$0"), and ``quick``
against ``analyze`` on the same question."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import payback
from helpers import build, per_request_dict, run
from payback.analysis.verdict import usd
from payback.report.common import compact, money_tick, plain_number, requests_text
from payback.scenario.io import dump_scenario


def _file(tmp_path: Path, raw: dict[str, Any], name: str = "s") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(dump_scenario(build(raw), "toml"))
    return path


def _flat(*args: Any, warned: str | None = None) -> str:
    """The output on one line; nothing on stderr but lines that start with ``warned``."""
    code, out, err = run(*args)
    other = [line for line in err.splitlines() if not (warned and line.startswith(warned))]
    assert (code, other) == (0, []), err
    return " ".join(out.split())


# ------------------------------------------------------------------ numbers


finite = st.floats(min_value=-1e18, max_value=1e18, allow_nan=False, allow_infinity=False)


@given(finite)
def test_money_and_numbers_never_show_an_exponent_nor_a_minus_zero(value: float) -> None:
    shown = {
        "usd": usd(value),
        "usd whole": usd(value, 0),
        "compact": compact(value),
        "compact money": compact(value, True),
        "tick": money_tick(value),
        "plain": plain_number(value),
    }
    for name, text in shown.items():
        assert "e" not in text.lower().replace("t", ""), (name, text)
        digits = re.sub(r"[^0-9]", "", text)
        if digits.strip("0") == "":  # it reads as zero: no sign
            assert not text.startswith(("-", "−")), (name, value, text)
        elif text.startswith(("-", "−")):
            assert value < 0, (name, value, text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-0.004, "$0.00"),
        (-0.005, "-$0.01"),  # 0.005 is 0.005000000000000000104 as a float: rounds up
        (999.994, "$999.99"),
        (999.996, "$1,000"),  # not "$1,000.00": past $1,000, whole dollars
        (-999.996, "-$1,000"),
        (1e18, "$1,000,000,000,000,000,000"),
    ],
)
def test_usd_at_its_boundaries(value: float, expected: str) -> None:
    assert usd(value) == expected


def test_compact_and_requests_at_their_boundaries() -> None:
    assert compact(-9999.6) == "-10k"  # not "-1e+04"
    assert compact(9999.4) == "9,999"
    assert compact(1e-7) == "0.0000001"
    assert compact(-0.3, True) == "$0"
    assert requests_text(0.4) == "0.4"
    assert requests_text(999_999.0) == "1M"


# ------------------------------------------------------------------ scenarios


def test_equal_prices_and_nothing_up_front_neither_save_nor_lose(tmp_path: Path) -> None:
    """$15 against $15 per 1,000 and no one-time cost: not "cheaper from the first month",
    and, as DESIGN.md and ``payback quick`` have it, "not cheaper per request"."""
    path = _file(tmp_path, per_request_dict(15.0, 15.0, 20_000.0, data_usd=0.0))
    (alt,) = payback.analyze(payback.load_scenario(path)).alternatives
    assert (alt.break_even_month, alt.npv_usd) == (0.0, 0.0)
    text = _flat("analyze", path)
    assert "cheaper from" not in text
    assert (
        "is not cheaper per request than the baseline: it costs the same every month and "
        "nothing up front, so switching saves nothing (fine-tune only for behavior, not "
        "cost); NPV $0.00 over 6 months" in text
    )


def test_a_horizon_of_one_month(tmp_path: Path) -> None:
    """One month: $13 saved per 1,000 of 100,000 requests is $1,300; $650 up front is back
    halfway through it (paid back within the month computed; whether it is still ahead at
    month 3 is not computed: unknown); $2,600 is not back by the end (unknown too)."""
    path = _file(tmp_path, per_request_dict(15.0, 2.0, 100_000.0, horizon=1, data_usd=650.0))
    data = json.loads(_flat("analyze", path, "--json"))["alternatives"][0]
    assert data["break_even_month"] == pytest.approx(0.5)
    assert data["break_even_requests"] == pytest.approx(50_000)
    assert data["npv_usd"] == pytest.approx(1300 - 650)
    assert data["pays_back_within"] == {"3": None, "6": None, "12": None, "horizon": True}
    text = _flat("analyze", path)
    assert (
        "pays back in month 0.5 (after ~50,000 requests); a quarter is past the 1 month "
        "computed; NPV $650.00 over 1 month" in text
    )
    explained = _flat("explain", path)
    assert (
        "Within a quarter: unknown (horizon too short). It pays back within the 1 month "
        "computed; month 3 is past it. Over 1 month: it pays back in month 0.5" in explained
    )
    late = _file(tmp_path, per_request_dict(15.0, 2.0, 100_000.0, horizon=1, data_usd=2600.0))
    text = _flat("analyze", late)
    assert "3, 6 and 12 months: unknown (horizon too short)" in text
    assert "does not pay back within 1 month" in text
    explained = _flat("explain", late)
    assert "Within a quarter: unknown (horizon too short)." in explained
    assert "It has not paid back by the end of the 1 month computed." in explained


def test_no_discount_makes_the_npv_the_last_cumulative_saving(tmp_path: Path) -> None:
    raw = per_request_dict(15.0, 2.0, 20_000.0, horizon=12)
    raw["traffic"]["growth_monthly"] = 0.05
    path = _file(tmp_path, raw)
    (alt,) = payback.analyze(payback.load_scenario(path)).alternatives
    saved = sum(20_000 * 1.05 ** (m - 1) * 13 / 1000 for m in range(1, 13))
    assert alt.npv_usd == pytest.approx(saved - 400, rel=1e-12)
    assert alt.npv_usd == pytest.approx(alt.cumulative_savings_usd[-1], rel=1e-12)
    text = _flat("analyze", path)
    assert "at 0%" not in text
    assert f"NPV {usd(saved - 400, 0)} over 12 months" in text


def _falling(tmp_path: Path, one_time: float) -> Path:
    """$10 per 1,000 falling 80% a year against a flat $6: it saves $400, $274, $165 and
    $69 in months 1 to 4, then costs more from month 5 on."""
    raw = per_request_dict(10.0, 6.0, 100_000.0, horizon=24, data_usd=one_time)
    raw["baseline"]["price_change_annual"] = -0.8
    return _file(tmp_path, raw, f"falling-{one_time:g}")


def test_savings_that_stop_are_said_with_their_months(tmp_path: Path) -> None:
    saved = [100_000 / 1000 * (10 * 0.2 ** ((m - 1) / 12) - 6) for m in range(1, 25)]
    assert [s > 0 for s in saved[:5]] == [True] * 4 + [False]
    never = _flat("analyze", _falling(tmp_path, 1000.0))
    behind = 1000 - sum(saved)
    assert (
        "does not pay back within 24 months: it saves from month 1 to month 4, then costs "
        "more than the baseline from month 5 on" in never
    )
    assert f"by month 24 it is {usd(behind)} behind" in never
    # $500 up front: back in month 2, then lost again
    text = _flat("analyze", _falling(tmp_path, 500.0))
    month = 1 + (500 - saved[0]) / saved[1]
    cumulative = [-500 + sum(saved[:m]) for m in range(25)]
    again = next(m for m in range(1, 25) if all(c < 0 for c in cumulative[m:]))
    assert f"breaks even in month {month:.1f}" in text
    assert (
        f"but is behind again from month {again} on: from month 5 it costs more than the "
        "baseline each month and by month 24" in text
    )


def test_explain_names_every_price_that_moves(tmp_path: Path) -> None:
    """The baseline's price falling and the alternative's own: both move the difference."""
    raw = per_request_dict(5.0, 6.0, 100_000.0, horizon=24, data_usd=0.0)
    raw["baseline"]["price_change_annual"] = -0.8
    raw["alternatives"][0]["price_change_annual"] = -0.99
    text = _flat("explain", _file(tmp_path, raw))
    assert (
        "The monthly difference then moves because the baseline's price changes -80% a year "
        "and its own price changes -99% a year." in text
    )


# ------------------------------------------------------------------ quick against analyze


FAR = "warning: traffic.growth_monthly = "
"""Growth over 360 or 600 months multiplies or divides the traffic far past 100-fold, which
analyze warns of."""


@pytest.mark.parametrize(
    ("hosted", "own", "one_time", "requests", "growth"),
    [
        (15.0, 2.0, 400.0, 20_000.0, 0.0),  # the seed
        (15.0, 2.0, 395.2, 10_000.0, 0.0),  # month 3.04: just past a quarter
        (15.0, 2.0, 50.0, 2_000_000.0, 0.0),  # inside month 1
        (8.0, 5.5, 12_000.0, 150_000.0, 0.05),  # growing
        (8.0, 5.5, 12_000.0, 400_000.0, -0.05),  # shrinking, still gets there
        (8.0, 5.5, 12_000.0, 400_000.0, -0.1),  # shrinking: 4M requests in all, 4.8M needed
    ],
)
def test_quick_says_what_analyze_says(
    tmp_path: Path, hosted: float, own: float, one_time: float, requests: float, growth: float
) -> None:
    # growing traffic over 360 months, not 600: 150,000 at +5% a month passes the 1e13
    # requests a month a scenario warns of from month 371
    horizon = 600 if growth <= 0 else 360
    raw = per_request_dict(hosted, own, requests, horizon=horizon, data_usd=one_time)
    raw["traffic"]["growth_monthly"] = growth
    path = _file(tmp_path, raw)
    (alt,) = payback.analyze(payback.load_scenario(path)).alternatives
    args = ["quick", "--hosted-per-1k", hosted, "--self-hosted-per-1k", own]
    args += ["--one-time", one_time, "--requests-per-month", requests, "--growth", growth]
    quick = json.loads(_flat(*map(str, args), "--json"))
    said = _flat(*map(str, args))
    if alt.break_even_month is None:
        assert quick["break_even_month"] is None
        assert "traffic shrinks before it gets there: it never pays back" in said
        assert "does not pay back within 600 months" in _flat("analyze", path, warned=FAR)
        return
    assert quick["break_even_month"] == pytest.approx(alt.break_even_month, rel=1e-9)
    assert quick["break_even_requests"] == pytest.approx(alt.break_even_requests, rel=1e-9)
    shown = re.search(r"that is month ([\d.,]+): (not )?within a quarter", said)
    assert shown is not None, said
    assert float(shown.group(1)) == pytest.approx(alt.break_even_month, abs=0.005)
    assert float(shown.group(1)) > math.floor(alt.break_even_month)
    assert (shown.group(2) is None) == bool((alt.pays_back_within or {})["3"])
    verdict = _flat("analyze", path, warned=FAR)
    assert ("not within a quarter" in verdict) == (shown.group(2) is not None)
