"""Money and counts past 10^15 written as one figure wherever the same quantity appears:
to the 15 significant digits a float holds (:data:`~payback.figures.SIGNIFICANT`), and a
count past 10^18 in powers of ten. At a discount rate of 0 the shortfall and the NPV are
one amount; summed in two orders they read $757,377,273,398,906,240 and
$757,377,273,398,905,984, and month 600's extra cost $42,508,320,028,778,512 and
...496."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import run
from payback.figures import SIGNIFICANT, digits_text, half_up, whole_text

PRICE_CHANGE = """
[scenario]
name = "price_ch"
horizon_months = 600
discount_rate_annual = 0.0

[traffic]
requests_per_month = 20000

[baseline]
name = "base"
kind = "per_request"
usd_per_1k_requests = 15.0
price_change_annual = -0.9999999999999999

[[alternatives]]
name = "alt"
kind = "per_request"
usd_per_1k_requests = 2.0
price_change_annual = 1.0

[alternatives.one_time]
data_usd = 400.0
"""


def _amounts(text: str) -> set[str]:
    return set(re.findall(r"\$(\d{1,3}(?:,\d{3}){5,})", text))


def test_one_quantity_one_figure(tmp_path: Path) -> None:
    path = tmp_path / "price_ch.toml"
    path.write_text(PRICE_CHANGE)
    code, out, err = run("analyze", path)
    assert code == 0, err
    (npv,) = re.findall(r"NPV, 600 months\s+-\$([\d,]+)", out)
    (behind,) = re.findall(r"\$([\d,]+) behind", out.replace("\n", " "))
    (never,) = re.findall(r"\$([\d,]+) is never recovered", out.replace("\n", " "))
    assert npv == behind == never == "757,377,273,398,906,000"  # 15 digits, then zeros
    more = set(re.findall(r"\$([\d,]+) more in month 600", out.replace("\n", " ")))
    assert more == {"42,508,320,028,778,500"}
    # no figure of 18 digits or more carries more than 15 significant ones past its own
    for amount in _amounts(out):
        digits = amount.replace(",", "")
        assert len(digits) < 18 or half_up(float(digits)) == float(digits)


def test_digits_past_fifteen_are_zeros() -> None:
    assert digits_text(42_508_320_028_778_512.0) == "42,508,320,028,778,500"
    assert digits_text(42_508_320_028_778_496.0) == "42,508,320,028,778,500"
    assert digits_text(757_377_273_398_906_240.0) == "757,377,273,398,906,000"
    assert digits_text(757_377_273_398_905_984.0) == "757,377,273,398,906,000"
    assert digits_text(1_234.5) == "1,235"  # halves up, as money is rounded
    assert digits_text(999_999_999_999_999.0) == "999,999,999,999,999"


def test_a_count_past_written_out_is_a_power_of_ten() -> None:
    assert whole_text(46_680_558_522_648_813_568.0) == "4.67×10¹⁹"
    assert whole_text(1e18) == "1,000,000,000,000,000,000"
    assert whole_text(2_541_282.4) == "2,541,282"


@given(st.floats(min_value=1e15, max_value=1e18))
def test_neighbours_read_alike(value: float) -> None:
    # a float and the next one up (a sum taken in another order) are one figure, but for
    # a pair astride a rounding edge of the 15th digit
    import math

    up = math.nextafter(value, math.inf)
    text, other = digits_text(value), digits_text(up)
    assert len(text.replace(",", "").rstrip("0")) <= SIGNIFICANT
    if text != other:  # astride an edge: the two differ in the 15th digit by one
        step = 10 ** (len(text.replace(",", "")) - SIGNIFICANT)
        assert int(other.replace(",", "")) - int(text.replace(",", "")) == step


@pytest.mark.parametrize("value", [0.0, 6.5, 1422.5, 2.675, 999.996, 1e12, 5e-324])
def test_below_fifteen_digits_as_before(value: float) -> None:
    # below 10^15 digits_text writes what half_up and f"{:,.2f}" wrote
    assert digits_text(value, 2) == f"{half_up(value):,.2f}"
