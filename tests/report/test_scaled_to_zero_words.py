"""A fleet scaled to zero, tried as a new user would: quarter-200k.toml with ``always_on =
false`` showed "GPUs (average busy) 0.115" beside "the GPU-hours paid are 70% busy". It
serves 180,000 requests in month 1 (10% escalated) at 0.85 requests/s: 180,000 / (0.85 ×
3,600) = 58.82 busy GPU-hours, 0.0806 GPUs busy on average; planned at 70% busy it pays
58.82 / 0.7 = 84.03 GPU-hours, 84.03 / 730 = 0.115 GPUs paid for on average, $67.23 at
$0.80. The row names what it counts (GPUs paid for); explain says it pays for the
GPU-hours it runs, half of them idle at 50%, where it said it paid "only for busy
GPU-hours" and then that half of them paid for idle capacity."""

from __future__ import annotations

import tomllib
from pathlib import Path

from helpers import EXAMPLES, QUARTER, run


def _scaled_to_zero(tmp_path: Path) -> Path:
    text = QUARTER.read_text().replace("always_on = true ", "always_on = false ")
    assert tomllib.loads(text)["alternatives"][0]["always_on"] is False
    path = tmp_path / "zero.toml"
    path.write_text(text)
    return path


def test_the_gpu_row_counts_gpus_paid_for(tmp_path: Path) -> None:
    code, out, err = run("analyze", _scaled_to_zero(tmp_path))
    assert code == 0, err
    row = next(line for line in out.splitlines() if line.lstrip().startswith("GPUs ("))
    assert row.split() == ["GPUs", "(average", "paid", "for)", "0.115", "0.115"]
    assert "average busy" not in out
    assert "the GPU-hours paid are 70% busy" in " ".join(out.split())


def test_explain_says_it_pays_for_the_gpu_hours_it_runs() -> None:
    code, out, err = run("explain", EXAMPLES / "growth.toml")
    assert code == 0, err
    words = " ".join(out.split())
    assert (
        "Scaled to zero, it pays only for the GPU-hours it runs, planned at 50% busy, so 50% "
        "of its $189 of GPU time in month 1 pays for idle capacity." in words
    )
    assert "pays only for busy GPU-hours" not in words


def test_the_scale_lever_says_the_gpu_hours_it_runs() -> None:
    code, out, err = run("explain", QUARTER)
    assert code == 0, err
    words = " ".join(out.split())
    assert (
        "scaled to zero (only the GPU-hours it runs: $67 of GPU time in month 1 instead of "
        "$584) it would pay back in month 8.5" in words
    )
    assert "busy GPU-hours only" not in words
