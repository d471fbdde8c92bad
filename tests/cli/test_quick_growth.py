"""``payback quick --growth`` that compounds far over the months the answer reads (tried as
a new user would: --growth 0.5, meant as 0.5%, took 20,000 requests a month to 337 million
by the break-even month, with no word). Quick says the line a scenario's growth gets, on
stderr, --json left as it is; and 1e-300 requests doubling a month no longer overflow."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import QUARTER, run
from payback import load_scenario
from payback.scenario.checks import growth_warnings

# hosted 15, self-hosted 2 a 1,000 requests: 13 saved; 13,000,000 up front is 1e9 requests
FAR = ("quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "13e6",
       "--requests-per-month", "20000", "--growth", "0.5")  # fmt: skip


def test_growth_to_the_break_even_month_is_said_on_stderr() -> None:
    """Months 1..m serve 40,000 (1.5^m − 1): 673,324,480 by month 24 (1.5^24 = 16,834.11),
    and month 25's 336,682,244 finish the 1e9 at 24 + 0.97: the answer reads 25 months."""
    code, out, err = run(*FAR)
    assert code == 0
    assert out.splitlines() == [
        "Break even after 1,000,000,000 requests",
        "At 20,000 requests a month growing +50% a month, that is month 24.97: not within a "
        "quarter.",
    ]
    assert err == (
        "warning: --growth 0.5 (+50% a month) compounds 20,000 requests in month 1 to "
        "336,682,244 in month 25 (×16,834): check it is meant, the flag is a fraction a "
        "month; for +0.5% a month write 0.005\n"
    )


def test_json_stays_clean_and_the_line_goes_to_stderr() -> None:
    code, out, err = run(*FAR, "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {
        "break_even_requests", "savings_per_1k_usd", "message", "requests_per_month",
        "growth_monthly", "break_even_month", "pays_back_within_quarter",
    }  # fmt: skip
    assert round(data["break_even_month"], 4) == 24.9703
    assert err.startswith("warning: --growth 0.5 (+50% a month) compounds 20,000 requests ")


def test_an_early_break_even_reads_too_few_months_to_say_it() -> None:
    """400 up front is 30,769 requests: month 1.36, two months read, ×1.5."""
    code, out, err = run(*FAR[:6], "400", *FAR[7:])
    assert (code, err) == (0, "")
    assert "that is month 1.36: within a quarter." in out


def test_no_break_even_month_reads_no_months_to_say_it_over() -> None:
    """1,000 halving each month serve 2,000 in all, short of 30,769: quick looks through
    1,200 months, where its search stops, not a horizon anyone chose (-10% a month, a
    decline some products have, divides a traffic 10^54-fold over them)."""
    code, out, err = run(*FAR[:6], "400", "--requests-per-month", "1000", "--growth", "-0.5")
    assert (code, err) == (0, "")
    assert out.splitlines()[1].endswith("traffic shrinks before it gets there: it never pays back.")


def test_a_shrinking_traffic_that_pays_back_late_is_said() -> None:
    """1,000 at -19% a month serve 1,000 (1 − 0.81^m) / 0.19, 5,263 in all: 5,200 requests
    (67.6 up front at 13 saved) take to month 20.99 (0.81^20 = 0.0148, 1/67.7: unsaid), and
    5,250 to month 28.46 (0.81^28 = 0.00274, 1/365: month 29 has 2.74 requests)."""
    code, out, err = run(*FAR[:6], "67.6", "--requests-per-month", "1000", "--growth", "-0.19")
    assert "that is month 20.99: not within a quarter." in out
    assert (code, err) == (0, "")
    code, out, err = run(*FAR[:6], "68.25", "--requests-per-month", "1000", "--growth", "-0.19")
    assert code == 0
    assert "that is month 28.46: not within a quarter." in out
    assert err == (
        "warning: --growth -0.19 (-19% a month) shrinks 1,000 requests in month 1 to 2.7 in "
        "month 29 (1/365): check it is meant, the flag is a fraction a month\n"
    )


def test_it_is_the_line_a_scenario_gets(tmp_path: Path) -> None:
    """200,000 at +50% serve 400,000 (1.5^m − 1): 4.49e9 by month 23, 6.73e9 by month 24, so
    5e9 requests (65,000,000 up front at 13 saved) read 24 months, the starter's horizon."""
    code, _, err = run(*FAR[:6], "65e6", "--requests-per-month", "200000", "--growth", "0.5")
    assert code == 0
    quick_line = err.removeprefix("warning: --growth 0.5 ").rstrip("\n")
    assert quick_line.startswith("(+50% a month) compounds 200,000 requests in month 1 to ")
    text = QUARTER.read_text(encoding="utf-8")
    assert "growth_monthly = 0.0 " in text
    assert "horizon_months = 24 " in text
    path = tmp_path / "g.toml"
    path.write_text(text.replace("growth_monthly = 0.0 ", "growth_monthly = 0.5 "))
    (scenario_line,) = growth_warnings(load_scenario(path))
    assert scenario_line.removeprefix("traffic.growth_monthly = 0.5 ") == quick_line.replace(
        "the flag is", "the field is"
    )


def test_a_tiny_traffic_doubling_for_a_thousand_months_does_not_overflow() -> None:
    """1e-300 doubling a month serve 1e-300 (2^m − 1): 1e15 requests (1e12 up front at 1
    saved) after log2(1e315) = 1,046.4 months; 2.0 ** 1024 raised OverflowError."""
    args = ("quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "14", "--one-time", "1e12",
            "--requests-per-month", "1e-300", "--growth", "1")  # fmt: skip
    code, out, err = run(*args)
    assert code == 0, err
    assert out.splitlines()[1] == (
        "At 1×10⁻³⁰⁰ requests a month growing +100% a month, that is month 1,046.33: not "
        "within a quarter."
    )
    assert err.startswith(
        "warning: --growth 1 (+100% a month) compounds 1×10⁻³⁰⁰ requests in month 1 to "
        "7.54×10¹⁴ in month 1,047 (×7.54×10³¹⁴)"
    )
