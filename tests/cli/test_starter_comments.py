"""The tutorial says every number of examples/quarter-200k.toml "is an assumption with a
comment", and `payback init` writes the same file: engineer_hours = 60 and
engineer_usd_per_hour = 120.0 ($7,200, 56% of the $12,860 one-time cost),
gpus_per_replica and min_replicas had none."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from helpers import QUARTER, ROOT

STARTER = resources.files("payback").joinpath("data/starter.toml")


@pytest.mark.parametrize(
    "text", [QUARTER.read_text(encoding="utf-8"), STARTER.read_text(encoding="utf-8")]
)
def test_every_number_has_a_comment(text: str) -> None:
    bare = [
        line
        for line in text.splitlines()
        if re.match(r"^\w+ = [-+0-9.e]+\s*$", line)  # a number and no comment after it
    ]
    assert bare == []
    assert "Every number in it is an assumption with a\ncomment" in (
        ROOT / "docs" / "tutorial.md"
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "text", [QUARTER.read_text(encoding="utf-8"), STARTER.read_text(encoding="utf-8")]
)
def test_the_horizon_comment_gives_both_limits(text: str) -> None:
    """It said "(>= 1)" while 601 is refused ("must be ≤ 600")."""
    from payback.scenario.schema import ScenarioInfo

    metadata = ScenarioInfo.model_fields["horizon_months"].metadata
    limits = [getattr(m, "ge", None) or getattr(m, "le", None) for m in metadata]
    assert limits[:2] == [1, 600]
    line = next(line for line in text.splitlines() if line.startswith("horizon_months ="))
    assert line.endswith("# how long the comparison runs (1-600)")
