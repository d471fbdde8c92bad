"""Extreme but valid inputs to the break-even and the verdict, tried as a new user would:
every output (analyze's text and --json, explain, the verdict, "pays back within") gives
one answer, and ``payback quick`` the same one.

A 6×-cheaper alternative saving $0.0005 a month read "nothing saved: not cheaper per
request" beside "pays back in month 2.0 ... not within a quarter" (quick: "month 2.00:
within a quarter"); one that saves nothing had break-even month 0.0 in --json; savings
shrinking 100% a month "end in month 22" (the float's underflow) in one line and in month
3 in the next."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import payback
from helpers import run
from payback.analysis.gap import savings_end
from payback.analysis.verdict import saves_nothing
from payback.finance.cashflow import cumulative_savings, monthly_savings, net_present_value

SCENARIO = """
[scenario]
name = "extreme"
horizon_months = {horizon}
discount_rate_annual = 0.0

[traffic]
requests_per_month = {requests}
growth_monthly = {growth}

[baseline]
name = "base"
kind = "per_request"
usd_per_1k_requests = {base}

[[alternatives]]
name = "alt"
kind = "per_request"
usd_per_1k_requests = {alt}

[alternatives.one_time]
data_usd = {data}
"""


def _write(tmp_path: Path, **values: object) -> Path:
    given_values = {"horizon": 6, "requests": 1.0, "growth": 0.0, "base": 0.6, "alt": 0.1}
    path = tmp_path / "extreme.toml"
    path.write_text(SCENARIO.format(**(given_values | values)), encoding="utf-8")
    return path


def _json(*args: object) -> tuple[str, dict]:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return out, json.loads(out)


def _text(*args: object) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    return " ".join(out.split())


def test_a_saving_under_a_cent_that_recovers_its_cost_in_month_2_pays_back_in_month_2(
    tmp_path: Path,
) -> None:
    """1 request a month at $0.60 against $0.10 per 1,000, $0.001 up front: it saves
    $0.0005 a month and has recovered the $0.001 by the end of month 2, as quick says."""
    path = _write(tmp_path, data=0.001)
    alt = payback.analyze(payback.load_scenario(path)).alternatives[0]
    assert alt.break_even_month == 2.0
    assert alt.break_even_requests == pytest.approx(2.0)
    assert alt.pays_back_within == {"3": True, "6": True, "12": None, "horizon": True}
    assert alt.reason is None
    _, data = _json("analyze", path)
    got = data["alternatives"][0]
    assert (got["break_even_month"], got["pays_back_within"]["3"], got["reason"]) == (
        2.0,
        True,
        None,
    )
    text = _text("analyze", path)
    assert "Break-even month 2.00, after 2 requests" in text
    assert "Pays back within 3 months: yes; 6: yes" in text
    assert "'alt' pays back in month 2.0 (after ~2 requests), within a quarter" in text
    assert "not cheaper" not in text
    assert "not cheaper" not in _text("explain", path)
    quick = _text(
        "quick", "--hosted-per-1k", "0.6", "--self-hosted-per-1k", "0.1", "--one-time", "0.001",
        "--requests-per-month", "1",
    )  # fmt: skip
    assert "month 2.00: within a quarter" in quick


def test_a_6x_cheaper_alternative_with_nothing_up_front_is_cheaper(tmp_path: Path) -> None:
    """The same with no one-time cost: it saves from month 0, however little."""
    path = _write(tmp_path, data=0.0)
    alt = payback.analyze(payback.load_scenario(path)).alternatives[0]
    assert alt.cumulative_savings_usd == pytest.approx([0.0005 * m for m in range(7)])
    assert not saves_nothing(alt.cumulative_savings_usd)
    assert alt.pays_back_within == {"3": True, "6": True, "12": None, "horizon": True}
    text = _text("analyze", path)
    assert "not cheaper" not in text
    assert "'alt' saves from month 0: nothing to pay up front and cheaper" in text


def test_a_break_even_inside_month_1_is_within_a_quarter(tmp_path: Path) -> None:
    """10^13 requests a month, $10^-300 per 1,000 against nothing, $10^-300 up front: month 1
    saves $10^-290, which recovers the cost in a ten-billionth of the month."""
    path = _write(tmp_path, requests=1e13, base=1e-300, alt=0.0, data=1e-300)
    alt = payback.analyze(payback.load_scenario(path)).alternatives[0]
    assert alt.break_even_month == pytest.approx(1e-10)
    assert alt.pays_back_within is not None
    assert alt.pays_back_within["3"] is True
    assert "pays back in month 0.0000000001 (after ~1,000 requests), within a quarter" in (
        _text("analyze", path)
    )


def test_one_that_saves_nothing_has_no_break_even_in_json(tmp_path: Path) -> None:
    """$2 against $2 per 1,000, nothing up front: null and a reason (DESIGN.md), as its
    "pays back within" (all no) and the Monte Carlo (``nan``) have it; the library keeps the
    formula's month 0."""
    path = _write(tmp_path, requests=20_000, base=2.0, alt=2.0, data=0.0)
    out, data = _json("analyze", path)
    got = data["alternatives"][0]
    assert (got["break_even_month"], got["break_even_requests"]) == (None, None)
    assert set(got["pays_back_within"].values()) == {False}
    assert got["reason"].startswith("the alternative is not cheaper per request")
    assert got["cumulative_savings_usd"] == [0.0] * 7
    assert "-0.0" not in out
    alt = payback.analyze(payback.load_scenario(path)).alternatives[0]
    assert alt.break_even_month == 0.0


@pytest.mark.parametrize(
    ("requests", "growth"), [(20_000, "-0.9999999999999999"), (1e-300, "-0.9999999999")]
)
def test_savings_shrinking_toward_nothing_end_in_one_month(
    tmp_path: Path, requests: float, growth: str
) -> None:
    """Traffic falling 100% a month over 600 months: the reason and the verdict name the same
    month where the savings end, not the month the float underflows (it read "savings end in
    month 22" beside "then differs ... from month 3 on", and "savings end in month 4"
    beside "it saves nothing per month"); the warning writes the growth as typed, not -1."""
    path = _write(tmp_path, horizon=600, requests=requests, growth=growth, base=15.0, alt=2.0,
                  data=400.0)  # fmt: skip
    analysis = payback.analyze(payback.load_scenario(path))
    alt = analysis.alternatives[0]
    assert alt.reason is not None
    ends = alt.reason.removeprefix("savings end in month ").split(",")[0]
    assert ends.isdigit()
    assert f"by under a cent a month from month {ends} on" in analysis.verdict()
    if requests == 20_000:
        assert alt.reason == "savings end in month 2, $140.00 is never recovered"
        assert "it saves in month 1 only, then differs from the baseline" in analysis.verdict()
    code, out, err = run("analyze", path)
    assert code == 0
    warning = " ".join(err.split())
    assert f"traffic.growth_monthly = {growth} (" in warning
    assert "traffic.growth_monthly = -1 " not in warning
    assert " ".join(out.split()).count(f"savings end in month {ends},") == 1


def test_savings_end_after_the_last_month_that_saves_a_cent() -> None:
    assert savings_end([260.0, 3e-14, 3e-30, 0.0]) == (0, 2)
    assert savings_end([-5.0, 10.0, 10.0, -3.0]) == (1, 4)
    assert savings_end([10.0, 0.001, 10.0, -50.0]) == (0, 4)


PRICES = st.floats(1e-6, 1e6)


@given(PRICES, st.floats(0.0, 0.999), st.integers(1, 24))
def test_a_cheaper_price_saves_something_however_little(
    base: float, share: float, horizon: int
) -> None:
    """Any alternative cheaper per request by more than float noise, nothing up front: not
    "saves nothing", and its cumulative savings grow every month."""
    cheaper = base * share
    saved = monthly_savings([base] * horizon, [cheaper] * horizon)
    cum = cumulative_savings([base] * horizon, [cheaper] * horizon, 0.0)
    assert np.all(saved > 0)
    assert not saves_nothing(cum.tolist())
    assert np.all(np.diff(cum) > 0)


@given(PRICES, st.integers(1, 24), st.floats(0.0, 1e4))
def test_the_same_price_written_two_ways_saves_nothing(
    price: float, horizon: int, one_time: float
) -> None:
    """A price and the same price as a sum of three thirds (float noise of a part in
    10^16): no saving in any month, an NPV of exactly −one_time, and "saves nothing" just
    where nothing is paid up front."""
    third = price / 3.0
    other = third + third + third
    cum = cumulative_savings([price] * horizon, [other] * horizon, one_time)
    assert np.all(cum == -one_time)
    assert float(net_present_value([price] * horizon, [other] * horizon, one_time, 0.1)) == (
        -one_time
    )
    assert saves_nothing(cum.tolist()) == (one_time == 0.0)
