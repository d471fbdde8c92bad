"""Help on a narrow terminal, tried as a new user would: Typer's tables cut what did not fit
with an ellipsis, an option's own name too (``--self-hosted-p…`` in ``quick --help`` at 60
columns) and a dotted input path at the 80 columns a pipe gets
(``traffic.cached_input…`` in ``estimate serving --help``): folded, every letter is there."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from helpers import ENV, every_command
from payback.cli import app
from payback.cli._help import may_show_help


def help_at(columns: int, *words: str) -> str:
    result = CliRunner(env=dict(ENV) | {"COLUMNS": str(columns)}).invoke(app, [*words, "--help"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("words", every_command(), ids=lambda w: " ".join(w) or "payback")
def test_nothing_is_cut_at_40_60_or_80_columns(words: tuple[str, ...]) -> None:
    for columns in (40, 60, 80):
        text = help_at(columns, *words)
        assert "…" not in text, (columns, [line for line in text.splitlines() if "…" in line])


def test_a_long_option_name_goes_on_over_two_lines() -> None:
    text = help_at(60, "quick")
    # the name's two parts, each at the start of its cell, one above the other
    first = re.search(r"│ \*  (--self-hosted-\S*)", text)
    assert first is not None
    rest = text.splitlines()[text[: first.start()].count("\n") + 1]
    assert (first.group(1) + rest.split()[1]) == "--self-hosted-per-1k"


def test_help_is_folded_only_where_a_help_may_be_drawn() -> None:
    for argv in ([], ["estimate"], ["analyze", "-h"], ["quick", "--help"], ["catalog", "--debug"]):
        assert may_show_help(argv)
    assert not may_show_help(["analyze", "examples/seed.toml"])  # no Rich help imported
    assert not may_show_help(["--version"])
    assert not may_show_help(["--debug", "--version"])
