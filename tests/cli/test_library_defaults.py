"""The command line takes its defaults and limits from the library, never a copy of them:
the Sobol base samples, and a training stack's GPU limit."""

from __future__ import annotations

import inspect
import json

import pytest

from helpers import EXAMPLES, run
from payback import studies
from payback.hardware.training import STACK_MAX_GPUS
from payback.studies.portfolio_uncertainty import portfolio_sobol
from payback.studies.uncertainty import sensitivity, sobol


def test_the_sobol_default_is_one_library_constant() -> None:
    for function in (sobol, portfolio_sobol, sensitivity):
        assert inspect.signature(function).parameters["samples"].default == studies.SOBOL_SAMPLES
    code, out, _ = run("sensitivity", "--help")
    assert code == 0
    words = " ".join(out.replace("│", " ").split())  # the help's box drawn away
    assert f"(default {studies.SOBOL_SAMPLES:,})" in words


@pytest.mark.parametrize("example", ["seed.toml", "portfolio.toml"])
def test_sensitivity_without_samples_runs_the_librarys_default(
    monkeypatch: pytest.MonkeyPatch, example: str
) -> None:
    """The command reads the constant when it runs: with the library's default moved to
    64, ``sensitivity --method sobol`` without --samples runs 64 base samples (a scenario,
    and a portfolio of workloads)."""
    monkeypatch.setattr(studies, "SOBOL_SAMPLES", 64)
    code, out, err = run("sensitivity", EXAMPLES / example, "--method", "sobol", "--json")
    assert code == 0, err
    assert json.loads(out)["base_samples"] == 64


TRAIN = ("estimate", "training", "--model", "qwen3-0.6b", "--gpu", "h100-sxm", "--tokens", "1e8")


def _gpus_row(out: str) -> str:
    """The GPUs row, its wrapped lines (indented past the labels) joined."""
    lines = out.splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.strip().startswith("GPUs")]
    row = [lines[at]]
    for line in lines[at + 1 :]:
        if not line.startswith(" " * 6):
            break
        row.append(line)
    return " ".join(" ".join(row).split())


def test_a_stacks_gpu_limit_is_worded_from_the_library() -> None:
    """The unsloth stack's limit, one GPU, is the library's; a stack without a limit of
    its own is bound by the run's sequences (1e8 tokens × the default 3 epochs / 4,096 a
    sequence, whole sequences: 73,242)."""
    assert STACK_MAX_GPUS == {"unsloth": 1}
    code, out, err = run(*TRAIN, "--stack", "unsloth")
    assert code == 0, err
    assert _gpus_row(out).endswith("GiB each (a single-GPU stack)")
    code, out, err = run(*TRAIN, "--stack", "standard")
    assert code == 0, err
    assert _gpus_row(out).endswith(
        "(could spread over up to 73,242 GPUs: one sequence per GPU per step)"
    )


def test_the_stack_limit_shown_moves_with_the_librarys(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the library's unsloth limit moved to 2 GPUs, the row says 2: the command
    line holds no copy of it."""
    monkeypatch.setitem(STACK_MAX_GPUS, "unsloth", 2)
    code, out, err = run(*TRAIN, "--stack", "unsloth", "--json")
    assert code == 0, err
    assert json.loads(out)["max_gpus"] == 2
    code, out, err = run(*TRAIN, "--stack", "unsloth")
    assert code == 0, err
    assert _gpus_row(out).endswith("GiB each (the unsloth stack trains on at most 2 GPUs)")
