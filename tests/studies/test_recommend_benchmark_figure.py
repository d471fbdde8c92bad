"""recommend's line on a calibration's serving benchmark quotes the capacity analyze
prices (the measured 17.52 requests/s scaled to the scenario's 2,000/400 tokens: 6.864),
not the measured figure at the benchmark's own lengths; one GPU is "1 GPU"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import run

HUNT = Path(__file__).resolve().parents[1] / "data" / "hunt"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("s2.toml", "h100.toml"):
        shutil.copy(HUNT / name, tmp_path / name)


def test_recommend_quotes_the_scaled_figure_analyze_uses() -> None:
    code, out, err = run("analyze", "s2.toml")
    assert code == 0, err
    # analyze: 17.52 × 0.392 (the estimate at 2,000/400 over the one at 1,000/201)
    assert "replica_requests_per_s  6.864  benchmark" in out
    code, _, err = run("recommend", "s2.toml")
    assert code == 0, err
    assert (
        "warning: alternatives.0.calibration is a serving benchmark of llama-3.1-8b bf16 on 1 × "
        "h100-sxm (1 GPU per replica assumed: the benchmark does not say): analyze prices that "
        "configuration with 6.86 req/s (the measured 17.5 scaled to the scenario's token "
        "lengths), not the estimate ranked here (11.6 req/s)"
    ) in err


def test_at_the_benchmarks_lengths_the_measured_figure_is_quoted_unscaled() -> None:
    text = Path("s2.toml").read_text()
    Path("s2.toml").write_text(
        text.replace("input_tokens = 2000", "input_tokens = 1000").replace(
            "output_tokens = 400", "output_tokens = 200"
        )
    )
    code, _, err = run("recommend", "s2.toml")
    assert code == 0, err
    assert "analyze prices that configuration with the measured 17.5 req/s, not" in err
