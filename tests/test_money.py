"""One rule for money under a cent (:mod:`payback.money`), and none changed from a cent:
``analyze``'s verdict wrote "$0.00" (or a cent it is not) where explain's prose wrote the
figure."""

from __future__ import annotations

import pytest

from payback.analysis.verdict import prose_usd, sentence_usd, usd_column
from payback.money import fine_usd, small_usd, usd
from payback.report.fleet import prose_usd as explained_usd

FROM_A_CENT = [0.01, -0.01, 0.015, 0.055, 0.3, 1.005, 7.254, 9.996, 418.79, 999.996, 1_234.5]


@pytest.mark.parametrize("value", FROM_A_CENT)
@pytest.mark.parametrize("decimals", [None, 0, 2])
def test_from_a_cent_as_usd_writes_it(value: float, decimals: int | None) -> None:
    assert fine_usd(value, decimals) == usd(value, decimals)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0019, "$0.0019"),  # read "$0.00"
        (-0.00041, "-$0.00041"),  # read "$0.00": a loss said as nothing
        (0.0051, "$0.0051"),  # read "$0.01", 96% more
        (0.0072, "$0.0072"),  # read "$0.01"
        (0.00999, "$0.01"),  # within 1% of a cent: a cent
        (0.0099, "$0.0099"),  # "$0.01" is 1.01% off
        (3e-17, "$3×10⁻¹⁷"),
        (0.0, "$0.00"),  # nothing is nothing, as usd writes it
    ],
)
def test_under_a_cent_as_explain_writes_it(value: float, text: str) -> None:
    assert fine_usd(value, 2) == text
    if value:
        assert explained_usd(value) == text  # explain's prose, alone in its sentence
        assert small_usd(value)(value) == text


def test_a_verdict_says_a_figure_under_a_cent_in_either_style() -> None:
    cents = sentence_usd(-0.02, -0.0004)  # every figure under $1,000: cents
    assert [cents(-0.00041), cents(0.3), cents(20.0), cents(0.0)] == [
        "-$0.00041",
        "$0.30",
        "$20.00",
        "$0.00",
    ]
    whole = sentence_usd(-12_860.0, -30_666.0)  # whole dollars, cents below $10
    assert [whole(0.0019), whole(0.3), whole(687.44), whole(0.0)] == [
        "$0.0019",
        "$0.30",
        "$687",
        "$0",
    ]
    assert prose_usd(-0.0051) == "-$0.0051"


def test_a_column_writes_a_month_under_a_cent() -> None:
    # three requests at $0.00045 and $0.00015: the table read "$0.00" and "$0.00"
    assert usd_column([0.00135, 0.00045, 0.0]) == ["$0.00135", "$0.00045", "$0.00"]
    assert usd_column([2_184.0, 584.0, 0.004]) == ["$2,184", "$584", "$0.004"]
