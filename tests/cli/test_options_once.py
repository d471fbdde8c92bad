"""An option given twice, tried as a new user would: ``quick --hosted-per-1k 15
--hosted-per-1k 16`` answered for 16 without a word (the first value dropped), and
``recommend --model X --model X`` compared X once. An option that takes one value is
refused given twice, one given again with the same value too (the user may have meant
another); a flag (``--json --json``) is left be."""

from __future__ import annotations

import pytest
import typer

from helpers import EXAMPLES, every_command, run
from payback.cli import app

QUICK = ("quick", "--self-hosted-per-1k", "2", "--one-time", "400")


def test_a_one_value_option_given_twice_is_one_line() -> None:
    code, out, err = run(*QUICK, "--hosted-per-1k", "15", "--hosted-per-1k", "16")
    assert (code, out) == (2, "")
    assert err == (
        "error: --hosted-per-1k: given twice (15, then 16); it takes one value: give it once\n"
    )


def test_the_option_is_named_as_typed_the_second_time() -> None:
    seed = EXAMPLES / "seed.toml"
    code, _, err = run("report", seed, "--output", "a.md", "-o", "b c.md")
    assert code == 2
    assert err == "error: -o: given twice (a.md, then 'b c.md'); it takes one value: give it once\n"


def test_a_repeatable_option_given_the_same_value_twice_is_one_line() -> None:
    args = ("recommend", EXAMPLES / "catalog-ids.toml", "--model", "qwen2.5-7b")
    code, out, err = run(*args, "--model", "qwen2.5-7b")
    assert (code, out) == (2, "")
    assert err == "error: --model: qwen2.5-7b given twice; give each value once\n"
    code, out, err = run(*args, "--model", "qwen2.5-1.5b", "--top", "1", "--json")
    assert code == 0, err  # two models: compared, as before


def test_a_flag_given_twice_is_taken() -> None:
    code, out, err = run(*QUICK, "--hosted-per-1k", "15", "--json", "--json")
    assert code == 0, err
    assert '"break_even_requests": 30769.23076923077' in out


def _value_options() -> list[tuple[tuple[str, ...], str, bool]]:
    """Every command's options that take a value: (command words, option, repeatable)."""
    group = typer.main.get_command(app)
    found = []
    for words in every_command():
        command = group
        for word in words:
            command = command.commands[word]  # type: ignore[attr-defined]
        for param in command.params:
            if param.param_type_name == "option" and not param.is_flag:  # type: ignore[attr-defined]
                found.append((words, max(param.opts, key=len), bool(param.multiple)))
    return found


@pytest.mark.parametrize(
    ("words", "option", "repeatable"),
    _value_options(),
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else str(v),
)
def test_every_option_that_takes_a_value_is_refused_twice(
    words: tuple[str, ...], option: str, repeatable: bool
) -> None:
    """Before any other check of the command line (a missing argument, a value's type)."""
    second = "a" if repeatable else "b"
    code, out, err = run(*words, option, "a", option, second)
    assert (code, out) == (2, "")
    said = "a given twice; give each value once" if repeatable else (
        "given twice (a, then b); it takes one value: give it once"
    )  # fmt: skip
    assert err == f"error: {option}: {said}\n"
