"""The share of samples that pays back within the horizon and the share that does not add
up to 100% as the report prints them (0.565 read 57% and 44%, each rounded half up)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from helpers import EXAMPLES, run, sampled_markdown
from payback.figures import complement_text, share_text


@given(st.floats(min_value=0.0, max_value=1.0))
def test_a_share_and_its_rest_add_up_to_100_percent_as_printed(share: float) -> None:
    said, rest = share_text(share), complement_text(share)
    if said[0] in "<>" or rest[0] in "<>":  # past one place: words, not digits
        assert {said[0], rest[0]} <= {"<", ">", "0", "1", "9"}
        return
    assert float(said.rstrip("%")) + float(rest.rstrip("%")) == 100.0


def test_the_hand_worked_half() -> None:
    assert (share_text(0.565), complement_text(0.565)) == ("57%", "43%")
    assert (share_text(0.435), complement_text(0.435)) == ("44%", "56%")


def test_the_report_says_shares_that_add_up(tmp_path: Path) -> None:
    out = tmp_path / "u.md"
    code, _, err = run(
        "report", EXAMPLES / "quarter-uncertain.toml", "-o", out, "--samples", "2000"
    )
    assert code == 0, err
    text = out.read_text()
    short = re.search(r"(\d+)% of samples do not pay back within 24 months", text)
    within = re.search(r"within 24 months in (\d+)%", text)
    assert short
    assert within
    assert int(short.group(1)) + int(within.group(1)) == 100


def test_samples_of_a_scenario_without_distributions_do_not_lead_the_headline(
    tmp_path: Path,
) -> None:
    """quarter-200k has no range: 300 samples are one answer drawn 300 times. The headline
    led with "breaks even in month 13.4 at the median of 300 samples; 0% of samples do not
    pay back", beside the body's "every sample is the same"."""
    text = sampled_markdown(EXAMPLES / "quarter-200k.toml", 300, tmp_path / "nd.md")
    headline = text.splitlines()[3]  # through the library: the command line refuses it
    assert "samples" not in headline
    assert "pays back in month 13.4" in headline
