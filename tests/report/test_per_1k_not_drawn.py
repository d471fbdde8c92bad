"""The cost-per-1k chart where it has nothing to draw on its log axes (both prices $0,
traffic too small for a range around it): every report is written and says why in the
chart's place, and the page's figure (the function the page calls) too; it had stopped
with an internal error (``min() arg is an empty sequence``, ``Geometric sequence cannot
include zero``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomlkit

from helpers import build, edited, per_request_dict, run
from payback import analyze
from payback.analysis.curve import curve_levels
from payback.report import charts as ch
from payback.report.html import figure
from payback.report.markdown import png_bytes

FREE = "every option costs $0 per 1,000 requests"
TOO_SMALL = "too small for a range of traffic around it"

CASES = {
    # both prices $0, tried as a new user would (free_both.toml)
    "free": (per_request_dict(0.0, 0.0, data_usd=150.0, training_usd=50.0), FREE),
    # -0.0 typed for every price and cost
    "negative zero": (per_request_dict(-0.0, -0.0, data_usd=-0.0), FREE),
    # the baseline's price the smallest float: $0 a month for 10^13 requests
    "smallest price": (per_request_dict(5e-324, 0.0, requests=1e13, data_usd=0.0), FREE),
    # traffic of 5×10⁻³²⁴ a month: a 30th of it is 0
    "smallest traffic": (per_request_dict(requests=5e-324), TOO_SMALL),
}


@pytest.mark.parametrize("case", CASES)
def test_the_chart_says_why_it_is_not_drawn(case: str) -> None:
    data, why = CASES[case]
    analysis = analyze(build(data))
    chart = ch.cost_per_1k_vs_traffic(analysis)  # what the page's "Cost per 1k" view calls
    assert why in chart.missing
    assert chart.missing.startswith("Not drawn: ")
    assert chart.series == []
    assert chart.markers == []
    fig = figure(chart)  # the page's figure: the reason where the plot would be
    assert [a.text.replace("<br>", " ") for a in fig.layout.annotations] == [chart.missing]
    assert png_bytes(chart).startswith(b"\x89PNG")


def test_the_reasons_in_full() -> None:
    free = ch.cost_per_1k_vs_traffic(analyze(build(CASES["free"][0])))
    assert free.missing == (
        "Not drawn: every option costs $0 per 1,000 requests at every traffic from a 30th "
        "of today's to 30 times it, and a log scale has no place for $0."
    )
    small = ch.cost_per_1k_vs_traffic(analyze(build(CASES["smallest traffic"][0])))
    assert small.missing == (
        "Not drawn: today's traffic of 4.94×10⁻³²⁴ requests a month is too small for a "
        "range of traffic around it (a 30th of it is under the smallest number the "
        "computation holds in full, 2.2×10⁻³⁰⁸)."
    )


def test_one_price_above_zero_is_drawn() -> None:
    # the baseline at $0.01 per 1k, the alternative free: the baseline's line is drawn
    analysis = analyze(build(per_request_dict(0.01, 0.0)))
    chart = ch.cost_per_1k_vs_traffic(analysis)
    assert chart.missing == ""
    (_, (y_low, y_high)) = ch.per_1k_ranges(chart)
    assert (y_low, y_high) == pytest.approx((0.01 / 1.25, 0.01 * 1.25))


def test_curve_levels() -> None:
    assert curve_levels(20_000.0, 3).tolist() == pytest.approx([20_000 / 30, 20_000, 600_000])
    assert curve_levels(5e-324).size == 0
    assert curve_levels(3e-307).size == 0  # a 30th of it under 2.2×10⁻³⁰⁸
    assert curve_levels(1e-306).size == 241


@pytest.mark.parametrize("suffix", [".html", ".md"])
@pytest.mark.parametrize("case", ["free", "smallest traffic"])
def test_reports_are_written(case: str, suffix: str, tmp_path: Path) -> None:
    data, why = CASES[case]
    scenario = tmp_path / "s.toml"
    scenario.write_text(tomlkit.dumps(edited(data, "scenario.name", case)))
    out = tmp_path / f"r{suffix}"
    code, _, stderr = run("report", scenario, "-o", out)
    assert code == 0, stderr
    text = out.read_text()
    assert why.replace("$", "\\$" if suffix == ".md" else "$") in text
    assert not (tmp_path / "r-per-1k.png").exists()
