"""A break-even month reads the same everywhere, and never as an earlier month than it is:
not "month 0.0" for a break-even inside month 1, not "month 3.0" (within a quarter) for one
inside month 4. One function formats it (``month_figure``, and ``month_text`` /
``in_month_text`` around it); every output goes through it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import payback
from helpers import build, per_request_dict, run
from payback.finance.quick import month_figure
from payback.report.common import headline, in_month_text, month_text, summary_table
from payback.scenario.io import dump_scenario


@pytest.mark.parametrize(
    ("month", "decimals", "shown"),
    [
        (0.0, 1, "0.0"),  # interfaces say "at once" (month_text)
        (0.1, 1, "0.1"),  # the boundary: one decimal from 0.1 on
        (0.15, 1, "0.1"),  # f"{0.15:.1f}" (0.15 is 0.1499... as a float)
        (0.0999, 1, "0.1"),  # two figures below 0.1, rounded: 0.10
        (0.099, 1, "0.099"),
        (0.05, 1, "0.05"),
        (0.03, 1, "0.03"),
        (50 / 26_000, 1, "0.0019"),
        (1e-9, 1, "0.000000001"),  # never an exponent
        (0.0099, 2, "0.0099"),
        (0.01, 2, "0.01"),
        (400 / 26_000, 2, "0.015"),  # the seed at 2M requests a month: not "0.02" (0.015 at 1)
        (0.0154, 4, "0.0154"),  # more places asked for: kept
        (0.0951, 2, "0.095"),
        (1.0, 1, "1.0"),
        (1.5, 1, "1.5"),
        (2.96, 1, "3.0"),  # inside month 3: "3.0" is on the right side of the quarter
        (3.0, 1, "3.0"),
        (3.04, 1, "3.04"),  # inside month 4: not "3.0"
        (3.0004, 1, "3.0004"),
        (3.04, 2, "3.04"),
        (3.004, 2, "3.004"),
        (12.34, 1, "12.3"),
        (599.96, 1, "600.0"),
    ],
)
def test_month_figure_at_its_boundaries(month: float, decimals: int, shown: str) -> None:
    assert month_figure(month, decimals) == shown


@given(st.floats(min_value=1e-12, max_value=0.0999, allow_nan=False))
def test_below_a_tenth_a_month_reads_the_same_at_one_place_or_two(month: float) -> None:
    """analyze's table and explain use two places, the verdict one: one break-even inside
    month 1 read "month 0.02" in the table and "month 0.015" in the verdict beside it."""
    assert month_figure(month, 2) == month_figure(month, 1)


def test_an_early_break_even_reads_the_same_in_analyze_explain_and_quick(tmp_path: Path) -> None:
    path = tmp_path / "early.toml"
    path.write_text(dump_scenario(build(per_request_dict(15.0, 2.0, 2_000_000)), "toml"))
    _, out, _ = run("analyze", path)
    assert "month 0.015, after 30,769 requests" in out
    assert "pays back in month 0.015" in " ".join(out.split())
    _, out, _ = run("explain", path)
    assert "= month 0.015, after 30,769 requests" in out
    args = ("--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "400")
    _, out, _ = run("quick", *args, "--requests-per-month", "2000000")
    assert "that is month 0.015" in out


def test_month_text_says_at_once_only_for_exactly_zero() -> None:
    assert month_text(0.0) == "at once"
    assert in_month_text(0.0) == "at once"
    assert month_text(5e-324) == "month " + month_figure(5e-324)  # the smallest float: not 0
    assert month_text(0.03) == "month 0.03"
    assert in_month_text(0.03) == "in month 0.03"
    assert month_text(0.0019, 2) == "month 0.0019"


@given(st.floats(min_value=1e-12, max_value=600.0, allow_nan=False))
def test_a_shown_month_is_never_an_earlier_whole_month_nor_zero(month: float) -> None:
    """Read back, the figure is above 0 and above every whole month the break-even is
    past, is within 0.05 of the month from 0.1 on (5% below), and has no exponent."""
    for decimals in (1, 2):
        text = month_figure(month, decimals)
        assert "e" not in text
        value = float(text.replace(",", ""))
        assert value > 0
        if month > math.floor(month):
            assert value > math.floor(month)
        tolerance = 0.5 * 10**-decimals if month >= 10**-decimals else 0.05 * month
        assert abs(value - month) <= tolerance * (1 + 1e-9)


# --------------------------------------------------------------- one scenario, every output

# $50 up front, 2,000,000 requests a month at $15 vs $2 per 1k: month 1 saves
# 2,000 x 13 = $26,000, so the $50 is back after 50 / 26,000 of month 1 (3,846 requests).
TINY = per_request_dict(15.0, 2.0, 2_000_000.0, horizon=6, data_usd=50.0)
SAVED = 2_000_000 / 1000 * (15.0 - 2.0)
MONTH = 50.0 / SAVED


def _tiny_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(dump_scenario(build(TINY), "toml"))
    return path


def test_a_break_even_inside_month_one_is_never_month_zero(tmp_path: Path) -> None:
    path = _tiny_file(tmp_path)
    analysis = payback.analyze(payback.load_scenario(path))
    assert analysis.alternatives[0].break_even_month == pytest.approx(MONTH, rel=1e-12)
    assert round(MONTH, 4) == 0.0019
    outputs = {}
    for name, args in {
        "analyze": ("analyze", path),
        "explain": ("explain", path),
        "compare": ("analyze", path, path),
    }.items():
        code, out, err = run(*args)
        assert (code, err) == (0, ""), name
        outputs[name] = " ".join(out.split())
    for suffix in ("md", "html"):
        code, _, err = run("report", path, "-o", tmp_path / f"report.{suffix}")
        assert (code, err) == (0, "")
        outputs[suffix] = (tmp_path / f"report.{suffix}").read_text()
    code, out, _ = run(
        "quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "50",
        "--requests-per-month", "2000000",
    )  # fmt: skip
    outputs["quick"] = out
    for name, text in outputs.items():
        for after in " .,<":
            assert f"month 0.0{after}" not in text, name
        assert "month 0.0019" in text, name
    assert (
        "pays back in month 0.0019 (after ~3,846 requests), within a quarter"
        in (outputs["analyze"])
    )
    assert "it pays back in month 0.0019" in outputs["explain"]
    code, out, _ = run("analyze", path, "--json")
    assert json.loads(out)["alternatives"][0]["break_even_month"] == pytest.approx(MONTH)


def test_no_one_time_cost_pays_back_at_once_everywhere(tmp_path: Path) -> None:
    """Nothing up front and cheaper from month 1: "at once" in the table, the explanation
    and ``quick``; no "month 0.0" anywhere."""
    raw = per_request_dict(15.0, 2.0, 20_000.0, horizon=6, data_usd=0.0)
    path = tmp_path / "free.toml"
    path.write_text(dump_scenario(build(raw), "toml"))
    analysis = payback.analyze(payback.load_scenario(path))
    assert analysis.alternatives[0].break_even_month == 0.0
    code, out, _ = run("analyze", path)
    assert code == 0
    assert "month 0.0" not in out
    code, out, _ = run("explain", path)
    assert "Within a quarter: yes, it pays back at once." in " ".join(out.split())
    assert "month 0.0" not in out
    code, out, _ = run(
        "quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "0",
        "--requests-per-month", "20000",
    )  # fmt: skip
    assert code == 0
    assert "month 0.0" not in out
    assert "pays back at once" in out


def test_a_break_even_just_past_a_quarter_is_not_shown_as_month_3(tmp_path: Path) -> None:
    """$400 at $13 saved per 1k and 10,000 requests a month: 400 / 130 = month 3.077,
    inside month 4, so not within a quarter; every output says month 3.08 or 3.1,
    never "month 3.0" beside "not within a quarter"."""
    raw = per_request_dict(15.0, 2.0, 10_000.0, horizon=6, data_usd=400.0)
    month = 400.0 / (10_000 / 1000 * 13.0)
    analysis = payback.analyze(build(raw))
    assert analysis.alternatives[0].break_even_month == pytest.approx(month)
    code, out, _ = run(
        "quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "400",
        "--requests-per-month", "10000",
    )  # fmt: skip
    assert code == 0
    assert "that is month 3.08: not within a quarter." in out
    # 3.04: $395.2 up front
    raw = per_request_dict(15.0, 2.0, 10_000.0, horizon=6, data_usd=395.2)
    analysis = payback.analyze(build(raw))
    assert analysis.alternatives[0].break_even_month == pytest.approx(3.04)
    assert "pays back in month 3.04 (after ~30.4k requests), not within a quarter" in (
        headline(analysis)
    )
    assert summary_table(analysis).rows[0][3] == "month 3.04"


def test_explain_does_not_call_a_shown_move_of_the_break_even_no_change(tmp_path: Path) -> None:
    """Inside month 1 the drivers move the break-even by thousandths of a month (shown:
    month 0.0027 to month 0.0015): below the 0.05 months that counts as a change, and said
    so, not "none of them changes the break-even"."""
    code, out, _ = run("explain", _tiny_file(tmp_path))
    assert code == 0
    flat = " ".join(out.split())
    assert "break-even month 0.0027 to month 0.0015" in flat
    assert "None of them moves the break-even" not in flat
    # its NPV moves by more than a tenth ($110,950 to $200,950): that changes the answer,
    # and only that is said of it (its break-even moves by less than 0.05 months)
    assert "1 other input also moves a positive NPV by at least 10% (" in flat


def test_solve_shows_a_break_even_inside_month_one(tmp_path: Path) -> None:
    code, out, _ = run(
        "solve", _tiny_file(tmp_path), "--vary", "traffic.requests_per_month",
        "--target", "break_even_month=0.01",
    )  # fmt: skip
    assert code == 0
    assert "Today traffic.requests_per_month = 2,000,000 gives month 0.0019, which" in out
    assert "month 0.00," not in out
