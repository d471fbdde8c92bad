"""The page quotes a user's alternative names as written, as the command line and the
reports do (analysis.verdict.quoted): a name with an apostrophe or a backslash read in
Python's quoting, "team's a\\\\b", in the page's warnings."""

from __future__ import annotations

from payback.web.answer import warnings_for

NAMES = ["owned", "team's a\\b"]


def test_a_warning_of_the_shown_alternative_names_it_as_written() -> None:
    mine, others = warnings_for(["alternatives.1: too slow"], NAMES, 1)
    assert mine == ["'team's a\\b': too slow"]
    assert others is None


def test_another_alternatives_warning_names_it_as_written() -> None:
    mine, others = warnings_for(["alternatives.1: too slow"], NAMES, 0)
    assert mine == []
    assert others == (
        "'team's a\\b' has a warning of its own, shown with it: choose it under “Showing”."
    )
