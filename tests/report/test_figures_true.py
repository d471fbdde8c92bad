"""Every figure printed is true to its value: a rate the user typed reads as typed (a
0.075 discount read '8%', a 0.725 target utilisation '72%', a +7.25% growth '+7.2%'), a
share of samples is never '100%' or '0%' unless it is (0.996 read '100%'), and money's
halves round up everywhere, as ``usd`` rounds them (a $0.125 rent read '$0.12', a typed
2.675 '$2.67')."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import QUARTER, run


def _odd(tmp_path: Path) -> Path:
    """The quarter example with odd but valid values typed in."""
    text = QUARTER.read_text()
    for field, old, new in [
        ("discount_rate_annual", "0.10", "0.075"),
        ("growth_monthly", "0.0", "0.0725"),
        ("price_change_annual", "0.0", "-0.125"),
        ("usd_per_gpu_hour", "0.80", "0.125"),
        ("target_utilization", "0.7", "0.725"),
    ]:
        text, n = re.subn(rf"(?m)^{field} = {re.escape(old)} ", f"{field} = {new} ", text)
        assert n == 1, field
    path = tmp_path / "odd.toml"
    path.write_text(text)
    return path


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_analyze_says_typed_rates_as_typed(tmp_path: Path) -> None:
    code, out, err = run("analyze", _odd(tmp_path))
    assert code == 0, err
    out = _flat(out)
    assert "discount 7.5%/year" in out
    assert "+7.25%/month" in out
    assert "NPV, 24 months at 7.5%" in out
    assert "over 24 months at 7.5%" in out
    assert "(planned at 72.5%)" in out
    assert "$0.125/GPU-h" in out
    assert not re.search(r"at 8%|discount 8%|planned at 72%|\+7\.2%/", out)


def test_explain_and_the_report_say_typed_rates_as_typed(tmp_path: Path) -> None:
    path = _odd(tmp_path)
    code, out, err = run("explain", path)
    assert code == 0, err
    out = _flat(out)
    assert "at 7.5% a year" in out
    assert "traffic changes +7.25% a month" in out
    assert "price changes -12.5% a year" in out
    target = tmp_path / "odd.md"
    code, _, err = run("report", path, "-o", target)
    assert code == 0, err
    page = target.read_text()
    assert "| NPV, 24 months at 7.5% |" in page
    assert "| `alternatives.0.usd_per_gpu_hour` | \\$0.125 |" in page
    assert "at 8%" not in page


def test_the_samples_paragraph_never_rounds_a_share_to_all_or_none() -> None:
    """996 of 1,000 samples paying back read 'in 100%'; 4 of 1,000 with a positive NPV
    read 'in 0% of samples'."""
    from payback.report.explain import samples_paragraph

    text = samples_paragraph(
        1000, {"3": 0.996, "6": 1.0, "12": 1.0, "horizon": 1.0}, 2.0, 0.004, 24
    )
    assert "within a quarter in 99.6% of them" in text
    assert "within a year in 100%" in text
    assert "the NPV is positive in 0.4% of samples" in text


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.0, "0%"),
        (1.0, "100%"),
        (0.996, "99.6%"),
        (0.004, "0.4%"),
        (0.9996, ">99.9%"),
        (0.0004, "<0.1%"),
        (0.125, "13%"),  # halves up, as money: Python's '{:.0%}' gave 12%
        (0.574, "57%"),
        (0.0342, "3.4%"),
        (None, "unknown"),
    ],
)
def test_one_share_function(share: float | None, text: str) -> None:
    """One rule where there were three (text's, explain's and the fleet's): explain's
    said 0.996 of a cost as '100%', the fleet's 0.0004 as '0.04%' and text's 0.034 as '3%'."""
    from payback.figures import share_text

    assert share_text(share) == text


@pytest.mark.parametrize(
    ("rate", "text"),
    [(0.075, "7.5%"), (0.725, "72.5%"), (0.1, "10%"), (-0.3, "-30%"), (0.0725, "7.25%")],
)
def test_a_typed_rate_reads_as_typed(rate: float, text: str) -> None:
    from payback.figures import rate_text

    assert rate_text(rate) == text


def test_rents_and_prices_round_half_up_and_keep_their_digits() -> None:
    from payback.catalog import rent_range, rent_text
    from payback.report.common import input_value, per_1k_ticks, unit_span

    assert rent_text(0.125) == "$0.125"
    assert rent_range(0.125, 2.675) == "$0.125-2.675"
    assert input_value("alternatives.0.usd_per_gpu_hour", 0.125) == "$0.125"
    assert input_value("alternatives.0.one_time.training_usd", 2.675) == "$2.68"
    assert per_1k_ticks([2.675, 5.0]) == ["$2.68", "$5.00"]
    assert unit_span("baseline.usd_per_1k_requests", 2.675, 4.125) == ("$2.68 → $4.13/1k requests")


def test_a_catalog_rent_choice_keeps_the_rent_digits() -> None:
    """describe() wrote the rents it chose from with '{:.2f}': $0.125 as $0.12."""
    import datetime as dt

    from payback.catalog import GpuPrice, GpuRent

    def offer(usd: float, provider: str) -> GpuPrice:
        return GpuPrice(
            provider=provider,
            usd_per_gpu_hour=usd,
            kind="on_demand",
            provider_kind="gpu_cloud",
            source="https://example.com",
            checked=dt.date(2026, 11, 1),
        )

    offers = (offer(0.125, "aa"), offer(2.675, "bb"))
    rent = GpuRent("l4", offers[0], "gpu_cloud", offers, offers)
    assert "$0.125 and $2.675" in rent.describe()


def test_estimate_training_cost_rounds_half_up() -> None:
    """estimate training printed its cost with '{:,.2f}': $2.675 as $2.67; usd() now."""
    import dataclasses

    from payback.catalog import default_catalog
    from payback.cli.estimate import _training_rows
    from payback.hardware.fine_tuning import estimate_training

    catalog = default_catalog()
    result = estimate_training(
        catalog.model("qwen2.5-0.5b"), catalog.gpu("l4"), tokens=1e6, usd_per_gpu_hour=0.125
    )
    rows = _training_rows(dataclasses.replace(result, usd=2.675))
    assert rows["cost"].startswith("$2.68 for 1 run at $0.125/GPU-h")


def test_quick_says_the_typed_growth_as_typed() -> None:
    """quick --growth 0.0725 read 'growing +7.2% a month'."""
    code, out, err = run(
        "quick",
        "--hosted-per-1k",
        "15",
        "--self-hosted-per-1k",
        "2",
        "--one-time",
        "400",
        "--requests-per-month",
        "20000",
        "--growth",
        "0.0725",
    )
    assert code == 0, err
    assert "growing +7.25% a month" in out


def test_the_npv_percentiles_are_written_alike() -> None:
    """analyze --samples read 'p10 -$16,249 · p50 $751.53 · p90 $22,905': cents on one of
    three amounts in one row; they are written alike now (usd_column), as a column is."""
    from helpers import EXAMPLES

    code, out, err = run("analyze", EXAMPLES / "quarter-uncertain.toml", "--samples", "1000")
    assert code == 0, err
    row = re.search(r"NPV +p10 (\S+) · p50 (\S+) · p90 (\S+);", out)
    assert row is not None
    assert row.groups() == ("-$16,249", "$752", "$22,905")


def test_a_driver_range_rounds_its_halves_up() -> None:
    """A tornado's ends read '7.2%' for 0.0725 (half to even on 7.249999...) and '-0.0%'
    for a rate a hair under zero."""
    from payback.report.common import format_input

    assert format_input("traffic.growth_monthly", 0.0725) == "7.3%"
    assert format_input("traffic.growth_monthly", -1e-5) == "0.0%"
