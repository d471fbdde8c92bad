"""``estimate training`` says what limits a run's GPUs and how long a run takes in words
that read on their own, tried as a new user would: a run of 300 tokens refused 2 GPUs with
'the run has 0 (300 tokens)', and 1,000 GPUs took 'time per run 0.00 h'."""

from __future__ import annotations

import json

import pytest

from helpers import assert_user_error, run

TRAINING = ("estimate", "training", "--model", "llama-3.1-8b", "--gpu", "h100-sxm")


def test_a_run_shorter_than_one_sequence_says_so() -> None:
    """The help's example with 100 tokens: 300 tokens over 3 epochs fill less than one
    sequence of 4,096 tokens, so one GPU (the fewest that hold a LoRA of an 8B model)."""
    code, out, err = run(
        *TRAINING, "--method", "lora", "--tokens", "100", "--epochs", "3", "--gpus", "2"
    )
    assert_user_error(
        code,
        out,
        err,
        "error: --gpus 2: at most 1 for this run, the one GPU that holds it: data parallelism "
        "gives each GPU at least one sequence of 4,096 tokens a step, and the run's 300 tokens "
        "(tokens × epochs) fill less than one such sequence",
    )
    assert "has 0" not in err
    code, out, err = run(
        *TRAINING, "--method", "lora", "--tokens", "100", "--epochs", "3", "--gpus", "1"
    )
    assert code == 0, err


def test_a_run_its_memory_spreads_past_its_sequences_names_both() -> None:
    """A full fine-tuning of a 70B model needs 32 H100s to hold it; 5,000 tokens make one
    whole sequence of 4,096: the 32 are the most, for its memory."""
    args = ("estimate", "training", "--model", "llama-3.1-70b", "--gpu", "h100-sxm")
    args += ("--epochs", "1")
    code, out, err = run(*args, "--method", "full", "--tokens", "5000", "--gpus", "100")
    assert_user_error(
        code,
        out,
        err,
        "error: --gpus 100: at most 32 for this run, the 32 GPUs that hold it: data "
        "parallelism gives each GPU at least one sequence of 4,096 tokens a step, and the "
        "run's 5,000 tokens (tokens × epochs) fill only 1 such sequence",
    )
    code, out, err = run(*args, "--method", "full", "--tokens", "5000", "--json")
    assert code == 0, err
    assert (json.loads(out)["gpus"], json.loads(out)["max_gpus"]) == (32, 32)


def test_a_run_of_seconds_is_said_in_seconds() -> None:
    """48M tokens of full fine-tuning of llama-3.1-8b on 1,000 H100s: 6 x 8.03e9 x 48e6 =
    2.31e18 FLOPs at 1,000 x 989 TFLOP/s x the MFU, 8.78 s and 2.44 GPU-hours."""
    args = (*TRAINING, "--method", "full", "--tokens", "16e6", "--epochs", "3", "--gpus", "1000")
    code, out, err = run(*args, "--json")
    assert code == 0, err
    data = json.loads(out)
    seconds = 6 * 8.03e9 * 48e6 / (1000 * 989e12 * data["mfu"])
    assert round(seconds, 2) == 8.78
    assert data["hours"] * 3600 == pytest.approx(seconds)
    code, out, err = run(*args)
    assert code == 0, err
    assert "time per run        8.78 s (2.44 GPU-hours)" in out
    assert "0.00 h" not in out


def test_a_duration_keeps_its_digits_in_the_unit_it_fills() -> None:
    from payback.cli._durations import duration_text as _duration

    assert _duration(1.7567) == "1.76 h"
    assert _duration(1.7567, "GPU-") == "1.76 GPU-hours"
    assert _duration(2.19 / 60) == "2.19 min"
    assert _duration(0.5, "GPU-") == "30 GPU-minutes"
    assert _duration(1 / 60, "GPU-") == "1 GPU-minute"
    assert _duration(8.78 / 3600) == "8.78 s"
    assert _duration(0.5 / 3600) == "500 ms"
    assert _duration(0.99999) == "1.00 h"  # not "60 min"
    assert _duration(1e-12) == "3.6×10⁻⁶ ms"
    assert _duration(36.5) == "36.50 h"
    assert _duration(48.0) == "2 days"
    assert _duration(3000.0) == "125 days"
    assert _duration(8760.0) == "1 year"
    assert _duration(36_582_012.34) == "4,176 years"
    assert _duration(36_582_012.34, "GPU-") == "36,582,012.34 GPU-hours"  # the rent's unit


def test_a_run_of_years_is_said_in_years_and_cautioned() -> None:
    """--tokens 1e15 (a dataset's tokens mistyped): a LoRA of llama-3.1-8b on one H100 at
    7,593 tokens a second takes 1e15 / 7,593 / 3,600 = 36.6M hours, 4,176 years of 8,760
    hours; it printed "time per run 36,582,012.34 h" without a word."""
    args = (*TRAINING, "--tokens", "1e15", "--epochs", "1")
    code, out, err = run(*args, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["hours"] == pytest.approx(1e15 / data["tokens_per_s"] / 3600)
    assert round(data["hours"] / 8760) == 4176
    caution = (
        "a run takes 4,176 years on 1 GPU (--tokens 1e+15): more than a year; --tokens is the "
        "dataset's tokens (examples × tokens per example), e.g. 16e6 for 20,000 examples of 800"
    )
    assert data["cautions"][0] == caution
    code, out, err = run(*args)
    assert code == 0, err
    assert "time per run        4,176 years (36,582,012.34 GPU-hours)" in out
    assert f"Caution: {caution}" in " ".join(out.split())
    code, out, err = run(*TRAINING, "--tokens", "1e11", "--epochs", "3", "--json")
    assert code == 0, err
    assert json.loads(out)["cautions"][0].startswith(
        "a run takes 1.25 years on 1 GPU (--tokens 1e+11, --epochs 3): more than a year"
    )


def test_a_run_under_a_year_has_no_caution() -> None:
    """16e9 tokens on one H100: 24.4 days (585 hours), said in days, without a caution."""
    code, out, err = run(*TRAINING, "--tokens", "16e9", "--epochs", "1")
    assert code == 0, err
    assert "time per run        24.4 days (585.31 GPU-hours)" in out
    assert "more than a year" not in out
