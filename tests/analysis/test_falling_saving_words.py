"""A horizon that ends before the break-even while the saving falls, tried as a new user
would: ``payback init``'s starter with prices falling 30% a year (or traffic -3% a month)
said "$3,046 still owed at month 24, at its average of $409 a month that takes until about
month 31.4", the horizon's average kept up, where the saving goes on falling: month 24
saves $108.20 before its $800 retraining, month 25 $79.10, and month 30 costs $53.90 more
than the baseline before its retraining; at 60 months it is never recovered. Now the
saving is projected at the trend of the horizon's last half, and the month is said only
where that recovers what is owed.

By hand (prices -30%/year), months 13 to 24 save 491.9, 451.6, 412.5, 374.5, 337.7,
(-498.1), 267.2, 233.5, 200.7, 169.0, 138.1, (-691.8): $1,886.80 / 12 = $157.23 a month,
the months that save falling $35.37 a month (least squares), so month 25 is projected at
$157.23 - 6.5 x $35.37 < 0: never."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from helpers import run
from payback import analyze
from payback.analysis.verdict import outcome_text
from payback.scenario import parse_scenario
from payback.scenario.io import read_scenario_data

STARTER = Path(str(resources.files("payback").joinpath("data/starter.toml")))


def _starter(tmp_path: Path, old: str, new: str, months: int = 24) -> Path:
    text = STARTER.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new).replace("horizon_months = 24 ", f"horizon_months = {months} ")
    path = tmp_path / f"s{months}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _alt(path: Path):  # type: ignore[no-untyped-def]
    return analyze(parse_scenario(read_scenario_data(path))).alternatives[0]


PRICES = ("price_change_annual = 0.0 ", "price_change_annual = -0.3")
TRAFFIC = ("growth_monthly = 0.0 ", "growth_monthly = -0.03")


def test_prices_falling_30_percent_a_year_are_never_said_to_pay_back(tmp_path: Path) -> None:
    alt = _alt(_starter(tmp_path, *PRICES))
    assert alt.break_even_month is None
    assert alt.cumulative_savings_usd[-1] == pytest.approx(-3046.0, abs=0.5)
    month = alt.monthly_savings_usd
    half = month[12:]
    assert sum(half) / 12 == pytest.approx(1886.8 / 12, abs=0.01)
    assert alt.reason == (
        "saves in 21 of 24 months but costs more in months 12, 18 and 24 ($692 more in "
        "month 24); $3,046 still owed at month 24, its saving is falling: months 13 to 24 "
        "average $157 a month, down about $35 a month, so at that trend it is never recovered"
    )
    assert "month 31.4" not in outcome_text(alt, 24, 0.10)
    assert "so at that trend it is never recovered; NPV -$3,554" in outcome_text(alt, 24, 0.10)
    longer = _alt(_starter(tmp_path, *PRICES, months=60))  # the months past 24, as they come
    assert longer.monthly_savings_usd[24] == pytest.approx(79.1, abs=0.05)
    assert longer.monthly_savings_usd[29] + 800 == pytest.approx(-53.9, abs=0.05)
    assert longer.break_even_month is None
    assert max(longer.cumulative_savings_usd[24:]) < 0


def test_traffic_falling_3_percent_a_month_is_never_said_to_pay_back(tmp_path: Path) -> None:
    alt = _alt(_starter(tmp_path, *TRAFFIC))
    assert alt.reason is not None
    assert "month 32.3" not in alt.reason
    assert alt.reason.endswith(
        "$3,298 still owed at month 24, its saving is falling: months 13 to 24 average $143 "
        "a month, down about $36 a month, so at that trend it is never recovered"
    )
    longer = _alt(_starter(tmp_path, *TRAFFIC, months=120))
    assert longer.monthly_savings_usd[27] == pytest.approx(-20.4, abs=0.05)  # month 28
    assert longer.break_even_month is None


def test_a_slowly_falling_saving_says_the_month_at_its_trend(tmp_path: Path) -> None:
    """Prices -2% a year, 30% escalated: $1,286 owed at month 24; months 13 to 24 average
    ($3,046.00 + $2,971.00 - $411.60) / 12 = $467.12, falling $2.50 a month: month 25 at
    $467.12 - 6.5 x $2.50 = $450.87, n x 450.87 - 1.25 n (n - 1) = 1,286 at n = 2.86: month
    26.9. The months as they come pay back in month 27 (26.2), not later."""
    path = _starter(tmp_path, "price_change_annual = 0.0 ", "price_change_annual = -0.02")
    text = path.read_text(encoding="utf-8").replace(
        "escalation_share = 0.1", "escalation_share = 0.3"
    )
    path.write_text(text, encoding="utf-8")
    alt = _alt(path)
    assert alt.reason is not None
    assert alt.reason.endswith(
        "$1,286 still owed at month 24, its saving is falling: months 13 to 24 average $467 a "
        "month, down about $2.50 a month; if that trend kept up, the rest would be recovered "
        "by about month 26.9"
    )
    longer = path.read_text(encoding="utf-8").replace(
        "horizon_months = 24 ", "horizon_months = 36 "
    )
    path.write_text(longer, encoding="utf-8")
    assert _alt(path).break_even_month == pytest.approx(26.2, abs=0.05)


def test_analyze_and_explain_json_say_the_same(tmp_path: Path) -> None:
    import json

    path = _starter(tmp_path, *PRICES)
    code, out, _ = run("analyze", path)
    assert code == 0
    assert "month 31.4" not in out
    assert "at that trend it is never recovered" in " ".join(out.split())
    code, out, _ = run("explain", path, "--json")
    assert code == 0
    assert "at that trend it is never recovered" in json.dumps(json.loads(out))
