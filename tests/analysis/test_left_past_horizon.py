"""What a horizon shorter than the money committed leaves uncounted, said in dollars with
the horizon that holds it: owned servers financed by depreciation (the book value left at
the last month) and a rental commitment renewed within the horizon (its months past it).
Tried as a new user would: examples/owned-h100.toml at horizon_months = 18 counted $125,000
of depreciation for a $250,000 server, NPV $32,776, and said nothing of the $125,000 of book
value left (financing = "cash" said it); the 1-year rental renewed in month 13 was charged
to month 18 only, its months 19-24 neither counted nor said. The numbers do not change."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import EXAMPLES
from payback.analysis import cashflows
from payback.analysis.resolve import resolve
from payback.scenario import parse_scenario, scenario_data_from_text

OWNED = "alternatives.0 ('Llama 3.1 8B FP8 on owned 8x H100 servers')"
BOOK_18 = (
    f'{OWNED}: financing = "depreciation": $125,000 of the servers\' price is charged within '
    "the 18-month horizon, though $125,000 of book value is left at month 18 (straight line "
    "over depreciation_months = 36), counted neither as a cost nor as a sale; a horizon of 36 "
    "months charges it all"
)
CASH_18 = (
    f'{OWNED}: financing = "cash" charges all $250,000 of the 1 server bought within the '
    "18-month horizon, though $125,000 of book value is left at month 18 (straight line over "
    'depreciation_months = 36); financing = "depreciation" charges only the months held'
)
# 2 GPUs reserved in month 18 at $2.35/h x 0.85 (the renewal's -15%) x 730 h x 6 months
TERM_18 = (
    "alternatives.1.commitment = '1y': the term renewed in month 13 runs to month 24, past "
    "the 18-month horizon; months 19-24 are paid but not counted: $8,749 for each GPU "
    "reserved in month 18 (a horizon of 24 months holds them)"
)


def owned_h100(*changes: tuple[str, str]) -> Any:
    text = (EXAMPLES / "owned-h100.toml").read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    scenario = parse_scenario(scenario_data_from_text(text, "toml"))
    scenario.base_dir = EXAMPLES
    return resolve(scenario)


AT_18 = ("horizon_months = 36 ", "horizon_months = 18 ")


def test_depreciation_says_the_book_value_left_and_the_numbers_stay() -> None:
    resolved = owned_h100(AT_18)
    assert [w for w in resolved.warnings if w.startswith(OWNED)] == [BOOK_18]
    ev = cashflows.evaluate(resolved)
    assert round(float(ev.alternatives[0].npv_usd)) == 32_776  # as before: a warning only


def test_cash_keeps_its_words() -> None:
    resolved = owned_h100(AT_18, ('financing = "depreciation"', 'financing = "cash"'))
    assert [w for w in resolved.warnings if w.startswith(OWNED)] == [CASH_18]


def test_a_term_renewed_within_the_horizon_says_what_runs_past_it() -> None:
    resolved = owned_h100(AT_18)
    assert [w for w in resolved.warnings if ".commitment" in w] == [TERM_18]
    # the engine's month 18 for the rented fleet: the per-GPU figure times its 2 GPUs
    ev = cashflows.evaluate(resolved)
    month_18 = float(ev.alternatives[1].costs.components["gpus"][-1])
    assert month_18 * 6 == pytest.approx(2 * 8_749, abs=1)


def test_replacement_and_book_value_are_one_line() -> None:
    resolved = owned_h100(AT_18, ("depreciation_months = 36 ", "depreciation_months = 12 "))
    assert [w for w in resolved.warnings if w.startswith(OWNED)] == [
        f'{OWNED}: financing = "depreciation": $125,000 of the $375,000 charged pays for '
        "replacing the servers after depreciation_months = 12 (months 13-18); $125,000 of "
        "book value is left at month 18 (straight line over depreciation_months = 12), "
        "counted neither as a cost nor as a sale; a horizon of 24 months charges it all"
    ]


@pytest.mark.parametrize("months", [12, 24, 36])
def test_a_horizon_of_whole_terms_and_depreciation_says_nothing(months: int) -> None:
    resolved = owned_h100(
        ("horizon_months = 36 ", f"horizon_months = {months} "),
        ("depreciation_months = 36 ", f"depreciation_months = {months} "),
    )
    assert [w for w in resolved.warnings if w.startswith(OWNED) or ".commitment" in w] == []


def test_a_first_term_past_the_horizon_says_what_each_gpu_pays() -> None:
    """The first term's months past the horizon at the catalog's 1-year H100 rent, $2.35 an
    hour (no trend within a term): 730 h × 6 months × $2.35 = $10,293 a GPU."""
    resolved = owned_h100(("horizon_months = 36 ", "horizon_months = 6 "))
    assert [w for w in resolved.warnings if ".commitment" in w] == [
        "alternatives.1.commitment = '1y': the term runs 12 months, past the 6-month horizon; "
        "months 7-12 are paid but not counted: $10,293 for each GPU reserved in month 6 "
        "(a horizon of 12 months holds them)"
    ]
