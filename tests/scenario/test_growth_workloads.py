"""A growth that compounds far, wherever the file gives the traffic (tried as a new user
would: growth_monthly = 0.5 on the second of five workloads took its 150,000 requests to
1.7 billion by month 24; the page and ``payback.analyze`` said nothing, as they read
``[traffic]`` alone, and a first workload's growth was named ``traffic.growth_monthly``,
a field the file does not have). Each workload's line names it by its path; a decline
that underflows to zero requests over a long horizon is said, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import EXAMPLES, QUARTER
from payback import analyze, load_scenario
from payback.scenario.checks import growth_warnings

PORTFOLIO = EXAMPLES / "portfolio.toml"

# 150,000 × 1.5^23 = 1,683,411,219.6 (1.5^23 = 11,222.74); 400,000 × 1.5^23 = 4,489,096,585.6
TICKETS = (
    "workloads.1.traffic.growth_monthly = 0.5 (+50% a month) compounds 150,000 requests in "
    "month 1 to 1,683,411,220 in month 24 (×11,223): check it is meant, the field is a "
    "fraction a month; for +0.5% a month write 0.005"
)
TRIAGE = (
    "workloads.0.traffic.growth_monthly = 0.5 (+50% a month) compounds 400,000 requests in "
    "month 1 to 4,489,096,586 in month 24 (×11,223): check it is meant, the field is a "
    "fraction a month; for +0.5% a month write 0.005"
)


def portfolio(tmp_path: Path, growths: dict[str, str], traffic: str = "") -> Path:
    """The bundled portfolio with a growth on each workload ``growths`` names (and a
    ``[traffic]`` table of its own where ``traffic`` gives one)."""
    text = PORTFOLIO.read_text(encoding="utf-8")
    for workload, growth in growths.items():
        head = f'name = "{workload}"\ntraffic = {{ '
        assert text.count(head) == 1
        text = text.replace(head, f"{head}growth_monthly = {growth}, ")
    if traffic:
        text = text.replace("[baseline]", f"[traffic]\n{traffic}\n\n[baseline]", 1)
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_later_workloads_growth_is_named_by_its_path(tmp_path: Path) -> None:
    scenario = load_scenario(portfolio(tmp_path, {"ticket summaries": "0.5"}))
    assert growth_warnings(scenario) == [TICKETS]


def test_the_first_workloads_growth_is_its_own_not_traffics(tmp_path: Path) -> None:
    """[traffic] defaults to the first workload's: one line, by the path the file gives."""
    scenario = load_scenario(portfolio(tmp_path, {"support triage": "0.5"}))
    assert scenario.traffic.growth_monthly == 0.5  # [traffic] has it, from workloads.0
    assert growth_warnings(scenario) == [TRIAGE]


def test_a_traffic_table_of_its_own_is_said_apart(tmp_path: Path) -> None:
    # [traffic]: 50,000 × 0.7^23 = 13.68 (1/0.7^23 = 3,654); workloads.1 as above
    traffic = "requests_per_month = 50000\ngrowth_monthly = -0.3"
    path = portfolio(tmp_path, {"ticket summaries": "0.5"}, traffic)
    assert growth_warnings(load_scenario(path)) == [
        "traffic.growth_monthly = -0.3 (-30% a month) shrinks 50,000 requests in month 1 to "
        "14 in month 24 (1/3,654): check it is meant, the field is a fraction a month; for "
        "-0.3% a month write -0.003",
        TICKETS,
    ]


def test_every_workload_past_a_hundred_fold_gets_its_line(tmp_path: Path) -> None:
    # 1.22^23 = 96.9: the SQL helper's growth stays unsaid
    growths = {"ticket summaries": "0.5", "email drafts": "-0.19", "SQL helper": "0.22"}
    path = portfolio(tmp_path, growths)
    lines = growth_warnings(load_scenario(path))
    # 40,000 × 0.81^23 = 314.2 (0.81^23 = 0.00786: 1/127.3)
    assert [line.split(" = ")[0] for line in lines] == [
        "workloads.1.traffic.growth_monthly",
        "workloads.3.traffic.growth_monthly",
    ]
    assert lines[1].startswith(
        "workloads.3.traffic.growth_monthly = -0.19 (-19% a month) shrinks 40,000 requests in "
        "month 1 to 314 in month 24 (1/127): "
    )


def test_the_one_workload_view_the_page_shows_has_the_line(tmp_path: Path) -> None:
    """The page and ``payback.analyze`` read the resolved scenario's warnings."""
    warnings = analyze(load_scenario(portfolio(tmp_path, {"ticket summaries": "0.5"}))).resolved
    assert TICKETS in warnings.warnings
    assert not [w for w in warnings.warnings if w.startswith("traffic.growth_monthly")]


def test_the_bundled_portfolio_gets_no_line() -> None:
    assert growth_warnings(load_scenario(PORTFOLIO)) == []


@pytest.mark.parametrize(
    ("horizon", "last", "by"),
    [
        (180, "2×10⁻¹⁷⁴", "1/1×10¹⁷⁹"),  # 200,000 × 0.1^179
        (600, "2×10⁻⁵⁹⁴", "1/1×10⁵⁹⁹"),  # 0.1^599 underflows a float to 0: was a crash
    ],
)
def test_a_decline_past_a_floats_range_is_said(
    tmp_path: Path, horizon: int, last: str, by: str
) -> None:
    text = QUARTER.read_text(encoding="utf-8")
    text = text.replace("growth_monthly = 0.0 ", "growth_monthly = -0.9 ")
    path = tmp_path / "q.toml"
    path.write_text(text.replace("horizon_months = 24 ", f"horizon_months = {horizon} "))
    assert growth_warnings(load_scenario(path)) == [
        f"traffic.growth_monthly = -0.9 (-90% a month) shrinks 200,000 requests in month 1 "
        f"to {last} in month {horizon} ({by}): check it is meant, the field is a fraction a "
        "month; for -0.9% a month write -0.009"
    ]
