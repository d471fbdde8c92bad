"""Money past what is written out reads in powers of ten, as every other figure does
(figures.far_text): tried as a new user would, a baseline of $1M per 1k requests at 10^13
requests a month doubling monthly printed its 120-month total as a 67-character number,
and a rent of 1e-320 $/GPU-h as 320 zeros over four lines of explain."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from helpers import QUARTER
from payback.cli import app

ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}

HUGE = """
[scenario]
name = "huge"
horizon_months = 120

[traffic]
requests_per_month = 1e13
growth_monthly = 1.0

[baseline]
name = "hosted"
kind = "per_request"
usd_per_1k_requests = 1e6

[[alternatives]]
name = "tuned"
kind = "per_request"
usd_per_1k_requests = 2.0

[alternatives.one_time]
data_usd = 1e12
"""

LONG_NUMBER = re.compile(r"[\d,]{30,}")
"""A figure written digit by digit past 10^18 ($1,000,000,000,000,000,000 is 25 characters)."""


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env=ENV).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def _huge(tmp_path: Path) -> Path:
    path = tmp_path / "huge.toml"
    path.write_text(HUGE, encoding="utf-8")
    return path


def test_huge_money_reads_in_powers_of_ten_in_analyze(tmp_path: Path) -> None:
    # baseline: 10^13 requests × $1,000 a request = $10^16 in month 1, doubling:
    # month 120 is 10^16 · 2^119 = 6.646×10^51, the total 10^16 · (2^120 − 1) = 1.329×10^52
    code, out, err = run("analyze", _huge(tmp_path))
    assert code == 0, err
    money = [line for line in out.splitlines() if "$" in line]
    assert not [line for line in money if LONG_NUMBER.search(line)]
    (baseline,) = [line for line in out.splitlines() if line.strip().startswith("baseline ")]
    assert baseline.split()[1:] == ["$10,000,000,000,000,000", "$6.65×10⁵¹", "$1.33×10⁵²"]
    assert "-$1T → $1.33×10⁵²" in out  # the sparkline's ends
    # no discount: the NPV is the saving, 1.329×10^52 less the alternative's 2.66×10^46
    assert "NPV $1.33×10⁵² over 120 months" in " ".join(out.split())


def test_huge_money_reads_in_powers_of_ten_in_explain(tmp_path: Path) -> None:
    code, out, err = run("explain", _huge(tmp_path))
    assert code == 0, err
    assert not LONG_NUMBER.search(out)
    text = " ".join(out.split())
    # the alternative: 10^13 requests × $0.002 = $2×10^10 in month 1, (2^120 − 1) times that
    assert "that is $2.66×10⁴⁶ of running costs plus the one-time $1,000,000,000,000" in text
    assert "against $1.33×10⁵² for staying on 'hosted'" in text
    # ordinary figures are kept as they were: up to 10^18 written out
    assert "the baseline costs $10,000,000,000,000,000 (10,000,000,000,000 requests" in text


def test_the_growth_warning_writes_no_exponent(tmp_path: Path) -> None:
    """It said '6.65e+48 by month 120, past 1e+13'."""
    code, _, err = run("analyze", _huge(tmp_path))
    assert code == 0
    assert (
        "compounds 10,000,000,000,000 requests a month to 6.65×10⁴⁸ by month 120, past "
        "10,000,000,000,000 from month 2 on" in " ".join(err.split())
    )


def test_a_tiny_rent_reads_in_powers_of_ten(tmp_path: Path) -> None:
    text = QUARTER.read_text(encoding="utf-8")
    assert "usd_per_gpu_hour = 0.80 " in text
    path = tmp_path / "rent.toml"
    path.write_text(text.replace("usd_per_gpu_hour = 0.80 ", "usd_per_gpu_hour = 1e-320 "))
    for command in ("analyze", "explain"):
        code, out, err = run(command, path)
        assert code == 0, err
        assert "on-demand at $1×10⁻³²⁰/GPU-h" in " ".join(out.split()), command
        assert "0000000" not in out, command
        assert max(len(line) for line in out.splitlines()) <= 100


def test_solves_allowed_range_writes_no_exponent(tmp_path: Path) -> None:
    """It said '(≥ 0 and ≤ 1e+12)' for a one-time item's range."""
    code, out, err = run(
        "solve", _huge(tmp_path), "--vary", "alternatives.0.one_time.data_usd",
        "--target", "npv_usd=0",
    )  # fmt: skip
    assert code == 0, err  # every allowed value meets the target: nothing failed
    assert (
        "Every allowed value of alternatives.0.one_time.data_usd (≥ 0 and ≤ 1,000,000,000,000) "
        "already meets npv_usd=0" in " ".join(out.split())
    )


def test_quick_writes_a_far_count_in_powers_of_ten() -> None:
    """'Break even after ~4e+305 requests' and 'At 1.23e-05 requests a month': the only
    exponents left in quick's words. $400 over $10^-300 saved per 1k is 4×10^305 requests."""
    quick = ("quick", "--hosted-per-1k", "1e-300", "--self-hosted-per-1k", "0", "--one-time", "400")
    code, out, err = run(*quick)
    assert code == 0, err
    assert out.splitlines()[0] == "Break even after ~4×10³⁰⁵ requests"
    code, out, err = run(*quick, "--requests-per-month", "1.234e-5")
    assert code == 0, err
    assert out.splitlines()[1] == (
        "At 0.00001234 requests a month, it takes more than 1,200 months (100 years)."
    )


def test_the_headers_last_month_of_traffic_reads_in_powers_of_ten(tmp_path: Path) -> None:
    """10^13 requests doubling for 119 months is 10^13 · 2^119 = 6.646×10^48: it was written
    with all 49 digits in analyze's header."""
    code, out, err = run("analyze", _huge(tmp_path))
    assert code == 0, err
    assert "+100%/month to 6.65×10⁴⁸ in month 120" in " ".join(out.split())
