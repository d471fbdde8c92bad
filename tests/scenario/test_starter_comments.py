"""The starter scenario's comments stay true whatever its values become. Tried as a new
user would: the tutorial's exercise (or the page's edit, which keeps comments) set
escalation_share to 0.30 and the line read
``escalation_share = 0.3            # 10% of requests still go to the hosted model``."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest

from payback.scenario.edit import with_values

STARTER = resources.files("payback").joinpath("data/starter.toml").read_text(encoding="utf-8")


def _numbers_with_comments() -> list[tuple[str, str, float]]:
    """Each ``key = number  # comment`` line: the key, the number as written, its value."""
    found = []
    for line in STARTER.splitlines():
        match = re.match(r"^(\w+) = ([-\d.]+) +# (.*)$", line)
        if match:
            found.append((match.group(1), match.group(2), float(match.group(2))))
    return found


def test_the_starter_has_commented_numbers_to_check() -> None:
    keys = {key for key, _, _ in _numbers_with_comments()}
    assert {"escalation_share", "target_utilization", "discount_rate_annual"} <= keys


@pytest.mark.parametrize(("key", "written", "value"), _numbers_with_comments())
def test_no_comment_restates_its_own_value(key: str, written: str, value: float) -> None:
    """A comment that says the value (10% beside 0.10, 70% beside 0.7) is false once the
    value is edited; a comment may show the unit with another figure (0.08 means 8%)."""
    line = next(x for x in STARTER.splitlines() if x.startswith(f"{key} = "))
    comment = line.split("#", 1)[1]
    assert re.search(rf"(?<![\d.]){re.escape(written)}(?![\d])", comment) is None, line
    if 0 < value <= 1:
        percent = f"{value * 100:g}%"
        assert re.search(rf"(?<![\d.]){re.escape(percent)}", comment) is None, line


def test_an_edited_escalation_share_reads_true() -> None:
    """The page's edit path keeps each comment: it must hold for 0.3 as for 0.1."""
    text = with_values(
        STARTER,
        "toml",
        {"alternatives.0.escalation_share": 0.3, "alternatives.0.target_utilization": 0.5},
    )
    assert tomllib.loads(text)["alternatives"][0]["escalation_share"] == 0.3
    lines = {x.split(" =")[0]: x for x in text.splitlines() if " = " in x}
    assert lines["escalation_share"] == (
        "escalation_share = 0.3            # share of requests routed to the hosted model "
        "instead (billed there alone, not a cascade)"
    )
    assert "70%" not in lines["target_utilization"]
