"""``--help`` lists a flag without a type and an option that takes a value with its type."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from tests.helpers import QUARTER, every_command, run

from payback.cli import app


@pytest.mark.parametrize("words", every_command(), ids=lambda w: " ".join(w) or "payback")
def test_no_flag_is_shown_as_taking_a_value(words: tuple[str, ...]) -> None:
    code, out, _ = run(*words, "--help")
    assert code == 0
    assert "<bool>" not in out
    assert re.search(r"--help\s+-h\s+Show this message", out)


def test_an_option_with_a_value_keeps_its_type_and_a_flag_has_none() -> None:
    code, out, _ = run("analyze", "--help")
    assert code == 0
    assert re.search(r"--samples\s+<int>", out)
    assert re.search(r"--json\s+Print machine-readable JSON", out)
    code, out, err = run("analyze", QUARTER, "--json", "true")
    assert code == 2
    assert "true" in out + err


def test_every_command_but_the_page_takes_json_as_the_readme_says() -> None:
    """The README says every command but ``serve`` takes ``--json``: each leaf command's
    own parameters are read from the app, so a new command without it fails here."""
    group = typer.main.get_command(app)
    leaves = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", None)
        leaves += [(f"{name} {s}", c) for s, c in subs.items()] if subs else [(name, command)]
    without = sorted(n for n, c in leaves if not any("--json" in p.opts for p in c.params))
    assert without == ["serve"]
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "every one but `serve` (the page) takes `--json`" in readme


@pytest.mark.parametrize("words", every_command(), ids=lambda w: " ".join(w) or "payback")
def test_dash_h_is_the_help(words: tuple[str, ...]) -> None:
    """``payback analyze -h``, tried as a new user would, said "-h: no such option"."""
    code, out, err = run(*words, "-h")
    assert (code, err) == (0, "")
    assert out == run(*words, "--help")[1]
    assert re.search(r"│ +--help +-h +Show this message and exit\. +│", out)
