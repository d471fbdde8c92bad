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

from helpers import EXAMPLES, first_workloads
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


def test_a_long_number_past_a_float_is_said_short() -> None:
    """--swing 9…9 (400 digits) printed all 400 digits after the words; it is said as a
    number to six figures, as a scenario's is."""
    line = one_error(*run("sensitivity", SEED, "--swing", "9" * 400))
    assert line.endswith(
        ": must be a finite number; 1e+400 is past the largest a number holds (about 1.8e308)"
    ), line
    assert len(line) < 200, line


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
    assert line == (
        "error: --precision BF17: unknown; did you mean bf16? allowed: bf16, fp8, int8, int4, mxfp4"
    )


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


SERVING = ("estimate", "serving", "--model", "llama-3.1-8b")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            (*SERVING, "--gpu", "l4", "--engine", "lean", "--precision", "fp8"),
            "error: --precision fp8: engine 'lean' serves bf16; use vllm or sglang or trtllm "
            "for fp8",
        ),
        (
            (*SERVING, "--gpu", "a100-80gb", "--precision", "fp8"),
            "error: --precision fp8: a100-80gb has no FP8 tensor cores; use bf16, int8, int4 on "
            "it, or a GPU that has them",
        ),
        (
            (*SERVING, "--gpu", "l4", "--precision", "mxfp4"),
            "error: --precision mxfp4: mxfp4 quantizes a mixture of experts' expert weights (as "
            "gpt-oss ships them) and llama-3.1-8b is dense; use int4 for 4-bit weights",
        ),
        (
            (*SERVING, "--gpu", "mi300x", "--engine", "trtllm"),
            "error: --engine trtllm: runs on NVIDIA GPUs only and mi300x is AMD; use vllm or "
            "sglang or lean on it",
        ),
        (
            ("estimate", "training", "--model", "llama-3.1-8b", "--gpu", "a100-80gb", "--tokens", "1e6", "--precision", "fp8"),
            "error: --precision fp8: a100-80gb has no FP8 tensor cores; use bf16 on it, or a GPU "
            "that has them",
        ),
    ],
)  # fmt: skip
def test_an_impossible_combination_names_the_flag(args: tuple[str, ...], expected: str) -> None:
    """'error: engine 'lean' at fp8: it serves bf16; ...' and 'error: a100-80gb has no FP8
    tensor cores; ...' named no flag the user set."""
    assert one_error(*run(*args)) == expected


CATALOG_IDS = EXAMPLES / "catalog-ids.toml"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'precision = "fp8"',
            'precision = "fp8"\nengine = "lean"',
            "alternatives.0.precision = 'fp8': engine 'lean' serves bf16; use vllm or sglang "
            "or trtllm for fp8",
        ),
        (  # it said 'alternatives.0: engine 'trtllm' runs on ...', no field named
            'gpu = "l40s"',
            'gpu = "mi300x"\nengine = "TRTLLM"',
            "alternatives.0.engine = 'trtllm': runs on NVIDIA GPUs only and mi300x is AMD; use "
            "vllm or sglang or lean on it",
        ),
        (
            'gpu = "l40s"',
            'gpu = "a100-80gb"',
            "alternatives.0.precision = 'fp8': a100-80gb has no FP8 tensor cores; use bf16, "
            "int8, int4 on it, or a GPU that has them",
        ),
        (
            'gpu = "h100-sxm", method = "lora"',
            'gpu = "a100-80gb", method = "lora", precision = "fp8"',
            "alternatives.0.one_time.training.precision = 'fp8': a100-80gb has no FP8 tensor "
            "cores; use bf16 on it, or a GPU that has them",
        ),
    ],
)
def test_an_impossible_combination_in_a_file_names_the_field(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    """From a file it said 'alternatives.0: engine 'lean' at fp8: ...', no field named."""
    text = CATALOG_IDS.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "scenario.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert one_error(*run("analyze", path)) == f"error: {path}: {expected}"


def _seed_with(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = SEED.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_tiny_value_solve_prints_reads_in_powers_of_ten(tmp_path: Path) -> None:
    """Today's 1e-320 per 1k requests was printed '$0.000…0001' with 320 digits."""
    path = _seed_with(tmp_path, ("usd_per_1k_requests = 2.0", "usd_per_1k_requests = 1e-320"))
    code, out, err = run(
        "solve", path, "--vary", "alternatives.0.usd_per_1k_requests",
        "--target", "break_even_requests=30769.23",
    )  # fmt: skip
    assert code == 0, err
    assert "alternatives.0.usd_per_1k_requests = $1×10⁻³²⁰ gives 26,667 requests" in " ".join(
        out.split()
    )
    assert max(len(line) for line in out.splitlines()) <= 100


def test_a_tiny_break_even_month_reads_in_powers_of_ten(tmp_path: Path) -> None:
    """A one-time cost of 1e-320 paid back in 'month 0.000…' (320 digits, four lines)."""
    path = _seed_with(
        tmp_path,
        ("data_usd = 150.0", "data_usd = 1e-320"),
        ("training_usd = 50.0", "training_usd = 0"),
        ("engineer_hours = 2", "engineer_hours = 0"),
    )
    code, out, err = run("analyze", path)
    assert code == 0, err
    # 1e-320 (a subnormal float, 3 digits) over a $260 monthly saving: about 4×10⁻³²³ of a month
    assert "pays back in month 3.95×10⁻³²³ (after ~0 requests)" in " ".join(out.split())
    assert max(len(line) for line in out.splitlines()) <= 100


def _portfolio(tmp_path: Path, workloads: int) -> Path:
    return first_workloads(tmp_path / f"portfolio-{workloads}.toml", workloads)


def _shape(data: Any, at: str = "") -> set[str]:
    """Every key path that holds a value (not null), lists' items merged."""
    if isinstance(data, dict):
        return {p for k, v in data.items() for p in _shape(v, f"{at}.{k}")}
    if isinstance(data, list):
        return {p for v in data for p in _shape(v, f"{at}[]")} or {at}
    return set() if data is None else {at}


def test_a_one_workload_portfolios_json_has_the_gpu_count(tmp_path: Path) -> None:
    """With one workload the shared-fleet option's gpus, pinned_gpus, mixed_gpus and its
    workload's gpu_time_share were null, where two workloads give them."""
    import json

    one = json.loads(run("analyze", _portfolio(tmp_path, 1), "--json")[1])["portfolio"]
    two = json.loads(run("analyze", _portfolio(tmp_path, 2), "--json")[1])["portfolio"]
    missing = {p for p in _shape(two) - _shape(one) if "break_even" not in p}
    assert missing == set()
    shared = one["alternatives"][0]
    assert shared["fleet"] == "shared"
    # 400,000 requests a month need less than a replica; min_replicas = 2 of 1 GPU each:
    # its one adapter on the GPU its traffic needs, the second kept by the floor (spare)
    assert shared["gpus"] == [2.0] * 24
    assert shared["pinned_gpus"] == [1.0] * 24
    assert shared["spare_gpus"] == [1.0] * 24
    assert shared["mixed_gpus"] == [0.0] * 24
    assert [c["gpu_time_share"] for c in shared["contributions"]] == [1.0]
    # separate fleets: the sum of each workload's own, here its one fleet of min_replicas = 1
    assert one["alternatives"][1]["gpus"] == [1.0] * 24
    assert two["alternatives"][1]["gpus"] == [2.0] * 24  # 1 + 1, as the shared fleet's 2
