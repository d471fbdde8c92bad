"""``payback explain --help`` teaches before it lists: what explain answers, how to read
its sections, one example whose figures are the example's real output, then what --json
gives. Tried as a new user would, it read as a list of JSON field names (two sentences of
prose, then 70 keys)."""

from __future__ import annotations

import re

from helpers import QUARTER, run


def _words(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def _help() -> str:
    code, out, err = run("explain", "--help")
    assert code == 0, err
    return _words(out.split("╭")[0])  # the description, before the options' boxes


def test_the_help_says_how_to_read_the_output_before_the_json() -> None:
    text = _help()
    prose = text.split("--json gives")[0]
    for section in (
        "What the project really costs",
        "How the break-even is computed here",
        "The verdict",
        "What decides it",
    ):
        assert section in prose, section
    assert "month 13.37 means 37% into month 14" in prose
    keys = re.findall(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", prose)
    assert keys == [], keys  # no JSON field names before --json is explained
    assert len(prose.split()) >= 120  # it teaches: more than a line or two


def test_the_helps_example_is_what_explain_prints() -> None:
    text = _help()
    example = re.search(r"Example: payback explain (\S+) works out \"(.+?)\"", text)
    assert example is not None
    assert QUARTER.as_posix().endswith(example.group(1))
    code, out, err = run("explain", QUARTER)
    assert code == 0, err
    printed = _words(out)
    assert example.group(2) in printed  # break-even = 13 + $399 / $1,082 = month 13.37
    assert "within a quarter if traffic is at least 585,538 requests/month (today 200,000)" in (
        printed
    )
    assert "at least 585,538 requests a month (today 200,000)" in text
    assert "Measure first: your real monthly traffic" in printed
