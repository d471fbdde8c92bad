"""Odd input tried as a new user would: an empty path, a number past what a float holds,
choices in another case, an impossible combination, a tiny solved value, a one-workload
portfolio's JSON. Each case failed before its fix and gives one line and exit code 2, or
the answer, now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from helpers import EXAMPLES
from payback.cli import app

ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
SEED = EXAMPLES / "seed.toml"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env=ENV).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def one_error(code: int, out: str, err: str) -> str:
    """The single line of a run that failed with exit code 2, nothing on stdout."""
    assert (code, out) == (2, ""), (out, err)
    assert "Traceback" not in err
    (line,) = err.strip().splitlines()
    return line


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            found += _commands(command, (*path, name))
        else:
            found.append(((*path, name), command))
    return found


def _float_options() -> list[tuple[tuple[str, ...], str]]:
    from payback.cli._errors import _annotation

    return [
        (path, next(o for o in param.opts if o.startswith("--")))
        for path, command in _commands(typer.main.get_command(app))
        for param in command.params
        if _annotation(param) is float and param.opts
    ]


FLOAT_OPTIONS = _float_options()


def test_every_commands_float_options_are_found() -> None:
    """The walk below reaches the float options of every command (not none)."""
    found = {(" ".join(path), flag) for path, flag in FLOAT_OPTIONS}
    assert {
        ("quick", "--hosted-per-1k"),
        ("quick", "--growth"),
        ("estimate serving", "--tpot-ms"),
        ("estimate training", "--epochs"),
        ("sensitivity", "--swing"),
        ("calibrate", "--seconds"),
    } <= found


@pytest.mark.parametrize(("path", "flag"), FLOAT_OPTIONS, ids=lambda x: str(x))
@pytest.mark.parametrize("typed", ["1e400", "-1e999", "inf", "nan"])
def test_a_float_option_refuses_a_value_that_is_not_finite(
    path: tuple[str, ...], flag: str, typed: str
) -> None:
    """1e400 read as inf, and each command said '--hosted-per-1k inf' (or, where it did not
    check, answered with inf); one rule now refuses it as typed, whatever the command."""
    line = one_error(*run(*path, f"{flag}={typed}"))
    assert line.startswith(f"error: {flag} {typed}: must be a finite number"), line
    assert "inf" not in line.removeprefix(f"error: {flag} {typed}"), line


def test_a_number_past_a_float_says_so() -> None:
    line = one_error(
        *run("quick", "--hosted-per-1k", "1e400", "--self-hosted-per-1k", "2", "--one-time", "4")
    )
    assert line == (
        "error: --hosted-per-1k 1e400: must be a finite number; 1e400 is past the largest a "
        "number holds (about 1.8e308)"
    )


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("analyze", ""), "FILE"),
        (("explain", ""), "FILE"),
        (("report", SEED, "-o", ""), "--output"),
        (("estimate", "serving", "--model", "qwen2.5-7b", "--gpu", "l4", "--calibration", ""), "--calibration"),
    ],
)  # fmt: skip
def test_an_empty_path_is_said_to_be_empty(args: tuple[str, ...], named: str) -> None:
    """'' read as the current folder: 'error: .: is a directory, expected a scenario file'."""
    line = one_error(*run(*args))
    assert line == f"error: {named} '': the path is empty; give a file's path"


@pytest.mark.parametrize(
    "args",
    [
        ("estimate", "serving", "--model", "qwen2.5-7b", "--gpu", "l4", "--precision", "BF16", "--engine", "VLLM"),
        ("estimate", "training", "--model", "qwen2.5-7b", "--gpu", "l4", "--tokens", "1e6", "--method", "QLoRA", "--stack", "Unsloth", "--precision", "BF16"),
    ],
)  # fmt: skip
def test_a_choice_reads_in_any_case(args: tuple[str, ...]) -> None:
    """'--precision BF16' said '--precision BF16: unknown; allowed: bf16, fp8, ...'; now it
    is bf16, the same answer as the lowercase word gives."""
    code, out, err = run(*args, "--json")
    assert code == 0, err
    lowered = [a.lower() if a.isupper() or a in ("QLoRA", "Unsloth") else a for a in args]
    assert out == run(*lowered, "--json")[1]


def test_sensitivity_method_reads_in_any_case() -> None:
    code, out, err = run("sensitivity", SEED, "--method", "Sobol", "--samples", "8", "--json")
    assert code == 0, err
    assert out == run("sensitivity", SEED, "--method", "sobol", "--samples", "8", "--json")[1]


def test_a_choice_in_no_case_lists_the_words_allowed() -> None:
    line = one_error(
        *run("estimate", "serving", "--model", "qwen2.5-7b", "--gpu", "l4", "--precision", "BF17")
    )
    assert line == "error: --precision BF17: unknown; allowed: bf16, fp8, int8, int4, mxfp4"


def test_the_command_lines_choices_are_the_librarys() -> None:
    """The command line spells its choices out (it imports no library before a command
    runs); they are the library's words."""
    from typing import get_args

    from payback.cli import estimate
    from payback.hardware import serving, training

    assert get_args(estimate.ServingPrecision) == serving.PRECISIONS
    assert get_args(estimate.Engine) == serving.ENGINE_NAMES
    assert get_args(estimate.Method) == training.METHODS
    assert get_args(estimate.Stack) == training.STACKS
    assert get_args(estimate.TrainingPrecision) == get_args(training.TrainingPrecision)
