"""The examples' comments on ``escalation_share`` describe what the cost model does: the
escalated share is routed to the baseline and billed there alone (README, DESIGN.md), so a
comment calling it a cascade (both paid) misleads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import EXAMPLES

FILES = sorted(EXAMPLES.glob("*.toml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_escalation_comment_calls_it_a_cascade(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("escalation_share") or "#" not in line:
            continue
        comment = line.split("#", 1)[1]
        said = re.sub(r"not a cascade", "", comment)
        assert "cascade" not in said, line


def test_the_owned_comment_says_routed() -> None:
    text = (EXAMPLES / "owned-h100.toml").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("escalation_share"))
    assert (
        line.split("#", 1)[1].strip()
        == "5% of requests routed to gpt-4o instead (billed there alone)"
    )
