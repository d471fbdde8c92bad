"""A number typed with a unit says the number to write. Tried as a new user would:
'--tokens 10M', '--growth 5%', '--hosted-per-1k $15' and a file's '$0.80' or '200k' each
said only 'must be a number'."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import QUARTER, run

QUICK = ("quick", "--hosted-per-1k", "15", "--self-hosted-per-1k", "2", "--one-time", "400")


def one_error(code: int, out: str, err: str) -> str:
    assert (code, out) == (2, ""), (out, err)
    (line,) = err.strip().splitlines()
    return line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("estimate", "training", "--model", "qwen2.5-7b", "--gpu", "l4", "--tokens", "10M"),
            "error: --tokens 10M: must be a number; write 10000000",
        ),
        ((*QUICK, "--requests-per-month", "20000", "--growth", "5%"), "error: --growth 5%: must be a number; write 0.05"),
        ((*QUICK[:2], "$15", *QUICK[3:]), "error: --hosted-per-1k $15: must be a number; write 15"),
        ((*QUICK[:6], "1,400"), "error: --one-time 1,400: must be a number; write 1400"),
        (("analyze", QUARTER, "--samples", "2k"), "error: --samples 2k: must be a whole number; write 2000"),
        # nothing to suggest: a decimal comma is 1.5 or 15, a fraction is no whole number
        ((*QUICK[:6], "1,5"), "error: --one-time 1,5: must be a number"),
        (("recommend", QUARTER, "--top", "2.5"), "error: --top 2.5: must be a whole number"),
        ((*QUICK[:2], "abc", *QUICK[3:]), "error: --hosted-per-1k abc: must be a number"),
    ],
)  # fmt: skip
def test_a_flags_number_with_a_unit_says_what_to_write(
    args: tuple[str | Path, ...], expected: str
) -> None:
    assert one_error(*run(*args)) == expected


def test_a_files_number_with_a_unit_says_what_to_write(tmp_path: Path) -> None:
    text = QUARTER.read_text(encoding="utf-8")
    assert "usd_per_gpu_hour = 0.80 " in text
    path = tmp_path / "typo.toml"
    path.write_text(text.replace("usd_per_gpu_hour = 0.80 ", 'usd_per_gpu_hour = "$0.80" '))
    assert one_error(*run("analyze", path)) == (
        f'error: {path}: alternatives.0.usd_per_gpu_hour = "$0.80": must be a number; write '
        "0.8, without quotes or units"
    )
