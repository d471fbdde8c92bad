"""A range's two ends read at one precision (tried as a new user would: ``payback
sensitivity examples/catalog-ids.toml`` read "break-even 8.03 → 9.5", "7.8 → 10.01" and
"6.005 → 4.7", and examples/quarter-uncertain.toml "55.49 → 125.4 hours"): months at one
place, at two on both ends where one would read an end as the whole month it is past, or
two ends apart as one; an input's range with the same places at both ends."""

from __future__ import annotations

import re

import pytest

from helpers import EXAMPLES, run
from payback.report.fleet import break_even_span
from payback.report.places import same_places

BREAK_EVEN = re.compile(r"break-even ([\d.]+) → ([\d.]+)")


def _places(text: str) -> int:
    return len(text.partition(".")[2])


@pytest.mark.parametrize(
    ("low", "high", "said"),
    [
        (8.03, 9.5, "month 8.03 to month 9.50"),  # 8.0 would read as within 8 months
        (7.79, 10.01, "month 7.79 to month 10.01"),
        (6.005, 4.7, "month 6.01 to month 4.70"),  # up to two places, never down onto 6
        (6.0, 4.7, "month 6.0 to month 4.7"),  # exactly month 6: one place
        (10.93, 7.3, "month 10.9 to month 7.3"),
        (1.651, 1.749, "month 1.65 to month 1.75"),  # one place would read 1.7 twice
        (1.683, 1.688, "month 1.7 at either end"),
        (None, 8.03, "not within 12 months to month 8.03"),
    ],
)
def test_both_ends_of_a_break_even_read_at_one_precision(
    low: float | None, high: float | None, said: str
) -> None:
    assert break_even_span(low, high, 12) == said


def test_an_inputs_range_has_the_same_places_at_both_ends() -> None:
    # 55.4932 and 125.37 hours: the fewer places (one) keeps both ends to 3-4 figures
    assert same_places(["55.49", "125.4"], (55.4932, 125.37)) == ["55.5", "125.4"]
    # one place would write 0.85 as 0.8: both at two
    assert same_places(["0.85", "1.3"], (0.85, 1.3)) == ["0.85", "1.30"]
    assert same_places(["187.5", "312.5"], (187.5, 312.5)) == ["187.5", "312.5"]


@pytest.mark.parametrize("example", ["catalog-ids", "quarter-uncertain", "quarter-200k"])
def test_sensitivity_writes_each_range_at_one_precision(example: str) -> None:
    code, out, err = run("sensitivity", EXAMPLES / f"{example}.toml")
    assert code == 0, err
    out = re.sub(r"\s+", " ", out)
    spans = BREAK_EVEN.findall(out)
    assert spans, out
    for low, high in spans:
        assert _places(low) == _places(high), (low, high)
        assert _places(low) in (1, 2), (low, high)
    for low, high in re.findall(r"(?<![$\d.,])([\d,.]+) → ([\d,.]+) (?:hours|tokens)", out):
        assert _places(low) == _places(high), (low, high)
    if example == "catalog-ids":
        assert "break-even 8.03 → 9.53" in out  # 60 → 100 engineer hours
        assert "break-even 7.79 → 10.01" in out  # the GPU's price
    if example == "quarter-uncertain":
        assert "55.5 → 125.4 hours" in out
