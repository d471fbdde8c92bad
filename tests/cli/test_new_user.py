"""The commands tried as a demanding new user would: odd but valid inputs give readable
answers, bad ones one line naming the field, the value and what is allowed (exit code 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import QUARTER, assert_user_error, run


def _quarter(tmp_path: Path, old: str, new: str) -> Path:
    text = QUARTER.read_text()
    assert old in text
    path = tmp_path / "edited.toml"
    path.write_text(text.replace(old, new))
    return path


def test_a_trillion_requests_a_month_reads_without_exponents(tmp_path: Path) -> None:
    # 1e12 requests a month on 0.85 requests/s replicas planned at 70%, peak 4×:
    # 1e12 × 4 / (730 × 3600) / (0.85 × 0.7) = 2,302,291 replicas (rounded up)
    path = _quarter(tmp_path, "requests_per_month = 200000 ", "requests_per_month = 1e12 ")
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert not re.search(r"\de[+-]\d", out), out  # 2.3e+06 GPUs, $2.04e+05M
    gpus = next(line for line in out.splitlines() if line.startswith(" GPUs "))
    assert gpus.split()[1:] == ["2,302,291", "2,302,291"]
    assert "→ $204B" in out  # cumulative savings by month 24: $204 billion


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("estimate", "serving", "--model", "lama-3.1-8b", "--gpu", "l4"),
            "error: --model lama-3.1-8b: unknown model 'lama-3.1-8b'; did you mean llama-3.1-8b,",
        ),
        (
            ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100"),
            "error: --gpu h100: unknown GPU 'h100'; did you mean h100-sxm,",
        ),
        (
            ("estimate", "training", "--model", "llama-3.1-8b", "--gpu", "h10", "--tokens", "1e6"),
            "error: --gpu h10: unknown GPU 'h10'; did you mean h100-sxm,",
        ),
        (
            ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l4", "--precision", "fp4"),
            "error: --precision fp4: unknown; allowed: bf16, fp8, int8, int4, mxfp4",
        ),
        (
            ("estimate", "training", "--model", "llama-3.1-8b", "--gpu", "l4", "--tokens", "1e6",
             "--method", "sft"),
            "error: --method sft: unknown; allowed: full, lora, qlora",
        ),
        (
            ("quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "-400"),
            "error: --one-time -400: must be a finite number ≥ 0 (USD)",
        ),
        (
            ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l4", "--input-tokens",
             "-5"),
            "error: --input-tokens -5: must be a finite number ≥ 0",
        ),
    ],
)  # fmt: skip
def test_a_bad_flag_is_named_with_the_value_as_typed(args: tuple[str, ...], line: str) -> None:
    code, out, err = run(*args)
    assert_user_error(code, out, err)
    assert len(err.splitlines()) == 1
    assert err.startswith(line), err
