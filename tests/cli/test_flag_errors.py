"""A number the library refuses is told by the flag it was typed with: one line naming the
flag, the value as typed (-5, not -5.0) and what is allowed, exit code 2, never the library's parameter name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import DATA, EXAMPLES, run

SERVING = ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm")
TRAINING = ("estimate", "training", "--model", "llama-3.1-8b", "--gpu", "h100-sxm")
TOKENS = ("--tokens", "1e6")
QUICK = {"--hosted-per-1k": "15", "--self-hosted-per-1k": "2", "--one-time": "400"}


def _quick(flag: str, value: str) -> tuple[str, ...]:
    given = QUICK | {flag: value}
    return ("quick", *(part for pair in given.items() for part in pair))


CASES = [
    (("--tokens", "-5"), (*TRAINING, "--tokens", "-5"), "-5", "must be a finite number > 0"),
    (("--tokens", "nan"), (*TRAINING, "--tokens", "nan"), "nan", "must be a finite number"),
    (("--epochs", "0"), (*TRAINING, *TOKENS, "--epochs", "0"), "0", "a finite number > 0"),
    (("--runs", "0"), (*TRAINING, *TOKENS, "--runs", "0"), "0", "must be ≥ 1"),
    (("--gpus", "0"), (*TRAINING, *TOKENS, "--gpus", "0"), "0", "must be ≥ 1"),
    (
        ("--usd-per-gpu-hour", "-1"),
        (*TRAINING, *TOKENS, "--usd-per-gpu-hour", "-1"),
        "-1",
        "must be a finite number from 0 to 1,000",
    ),
    (("--input-tokens", "-5"), (*SERVING, "--input-tokens", "-5"), "-5", "number ≥ 0"),
    (("--output-tokens", "0"), (*SERVING, "--output-tokens", "0"), "0", "number ≥ 1"),
    (("--context", "nan"), (*SERVING, "--context", "nan"), "nan", "must be a finite number"),
    (("--tpot-ms", "0"), (*SERVING, "--tpot-ms", "0"), "0", "a finite number > 0"),
    (("--batch", "0"), (*SERVING, "--batch", "0"), "0", "must be ≥ 1"),
    (
        ("--gpus-per-replica", "3"),
        (*SERVING, "--gpus-per-replica", "3"),
        "3",
        "splits over 1, 2, 4, 8 GPUs in one node",
    ),
    *[
        ((flag, "-5"), _quick(flag, "-5"), "-5", "must be a finite number ≥ 0 (USD)")
        for flag in QUICK
    ],
    *[((flag, "nan"), _quick(flag, "nan"), "nan", "must be a finite number") for flag in QUICK],
    (
        ("--one-time", "1e308"),
        _quick("--one-time", "1e308"),
        "1e308",  # as typed (it read 1e+308)
        "must be a finite number ≥ 0 (USD), at most 1,000,000,000,000",
    ),
    (
        ("--samples", "0"),
        ("analyze", EXAMPLES / "quarter-uncertain.toml", "--samples", "0"),
        "0",
        "must be a whole number from 1 to 2,000,000",
    ),
    (
        ("--seed", "-1"),
        ("analyze", EXAMPLES / "quarter-uncertain.toml", "--samples", "10", "--seed", "-1"),
        "-1",
        "must be a whole number from 0 to 9,223,372,036,854,775,807",
    ),
    (
        ("--swing", "2"),
        ("sensitivity", EXAMPLES / "seed.toml", "--swing", "2"),
        "2",
        "at least 0.001 and less than 1",
    ),
    (("--top", "0"), ("sensitivity", EXAMPLES / "seed.toml", "--top", "0"), "0", "must be ≥ 1"),
    (
        ("--samples", "2"),
        ("sensitivity", EXAMPLES / "seed.toml", "--method", "sobol", "--samples", "2"),
        "2",
        "from 8 to 1,048,576 for Sobol indices",
    ),
]


@pytest.mark.parametrize(
    ("typed", "args", "shown", "allowed"), CASES, ids=[" ".join(c[0]) for c in CASES]
)
def test_a_refused_number_names_its_flag(
    typed: tuple[str, str], args: tuple[str, ...], shown: str, allowed: str
) -> None:
    code, out, err = run(*args)
    assert (code, out) == (2, ""), err
    (line,) = err.strip().splitlines()
    flag = typed[0]
    assert line.startswith(f"error: {flag} {shown}: "), line
    assert allowed in line, line
    library_name = flag.removeprefix("--").replace("-", "_")
    assert library_name not in line.replace(flag, ""), line  # the library's name is not shown


def test_a_number_from_a_file_keeps_the_librarys_name_when_no_flag_gave_it(
    tmp_path: Path,
) -> None:
    """import-benchmark has no --output-tokens: a benchmark whose requests averaged half a
    token out is refused by the estimate's own name for it, not by a flag it lacks."""
    data = json.loads((DATA / "vllm_save_result.json").read_text())
    path = tmp_path / "bench.json"
    half = {"total_output_tokens": 500, "output_throughput": 500 / data["duration"]}
    path.write_text(json.dumps(data | half))  # 1,000 requests
    code, out, err = run("import-benchmark", path, "--gpu", "h100-sxm")
    assert (code, out) == (2, "")
    assert err == "error: output_tokens 0.5: must be a finite number ≥ 1\n"


@pytest.mark.parametrize("typed", ["1_000", "1e3", "+1000.0"])
def test_a_number_is_quoted_as_typed(typed: str) -> None:
    """``quick --growth 1_000`` was quoted ``--growth 1000``: the line quotes the user."""
    code, out, err = run(*_quick("--requests-per-month", "1000"), "--growth", typed)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: --growth {typed}: must be > -1 and ≤ 1 (a fraction: ")
    negative = typed.replace("1", "-1", 1).lstrip("+")  # -1_000, -1e3, -1000.0
    code, _, err = run(*TRAINING, "--tokens", negative)
    assert code == 2
    assert err == f"error: --tokens {negative}: must be a finite number > 0\n"
