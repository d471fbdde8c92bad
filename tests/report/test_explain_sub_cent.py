"""Explain's money under a cent: three requests a month at $1 and $0.10 per 1,000, a
one-time $0.01, read "the baseline costs $0 ... 'cheaper' costs $0 ... saves $0",
"break-even = 3 + $0.00 / $0.00 = month 3.70" and "recovered $0.01 of the $0.01" before
"Within a quarter: no"; now each figure with the places it needs (the explain --json
figures: $0.003 and $0.0003 a month, -$0.0019 after month 3, +$0.0008 after month 4)."""

from __future__ import annotations

from payback import analyze
from payback.money import small_usd
from payback.report.explain import explain
from payback.report.fleet import prose_usd, usd_alike
from payback.scenario import parse_scenario, scenario_data_from_text

TINY = """
[scenario]
name = "tiny"
horizon_months = 120
[traffic]
requests_per_month = 3
[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 1.0
[[alternatives]]
name = "cheaper"
kind = "per_request"
usd_per_1k_requests = 0.1
[alternatives.one_time]
data_usd = 0.01
"""


def _sections() -> dict[str, list[str]]:
    return dict(explain(analyze(parse_scenario(scenario_data_from_text(TINY, "toml")))))


def test_month_one_and_the_crossing_carry_their_places() -> None:
    how = _sections()["how the break-even is computed here"]
    assert how[0] == (
        "In month 1 the baseline costs $0.003 (3 requests at $1.00 per 1,000) and 'cheaper' "
        "costs $0.0003 ($0.10 per 1,000), so switching saves $0.0027 that month."
    )
    # 0.0019 / 0.0027 = 0.704: the arithmetic shown gives the month it states
    assert (
        "They first reach zero in month 4: -$0.0019 at the end of month 3, $0.0008 at the end "
        "of month 4. Linear inside the month, break-even = 3 + $0.0019 / $0.0027 = month 3.70"
    ) in how[1]


def test_the_verdict_does_not_say_all_was_recovered_within_a_quarter() -> None:
    verdict = _sections()["the verdict"][0]
    assert verdict.startswith(
        "Within a quarter: no. After 3 months it has recovered $0.0081 of the $0.01 it cost "
        "up front."
    )


def test_the_costs_write_a_month_of_fees_under_a_cent() -> None:
    costs = _sections()["what the project really costs"][1]
    # 120 × $0.0003 = $0.036 against 120 × $0.003 = $0.36
    assert costs.startswith(
        "Running it costs, in month 1, API / usage fees $0.0003. Over 120 months that is "
        "$0.036 of running costs plus the one-time $0.01, against $0.36 for staying on 'api'."
    )


def test_figures_from_ten_dollars_read_as_before() -> None:
    assert prose_usd(1_590.6) == "$1,591"
    assert prose_usd(7.254) == "$7.25"
    money = usd_alike(442.5, 7.25)
    assert (money(442.5), money(7.25), money(0.0)) == ("$442.50", "$7.25", "$0.00")
    money = small_usd(0.004, 1_500.0)
    assert (money(1_500.0), money(0.004)) == ("$1,500", "$0.004")


def test_the_headline_counts_whole_requests() -> None:
    from payback.report.common import headline

    # break-even in month 3.70 at 3 requests a month: 11.1 requests, counted as 11
    text = headline(analyze(parse_scenario(scenario_data_from_text(TINY, "toml"))))
    assert "(after ~11 requests)" in text
