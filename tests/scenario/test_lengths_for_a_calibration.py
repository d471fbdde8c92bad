"""A self-hosted option whose capacity comes from a calibration was told its traffic token
lengths are required because it "is estimated from token lengths" (tests/data/hunt/s5.toml):
the words say why a measured capacity needs them (scaled to the scenario's lengths), and
with no model or GPU, where nothing can be scaled, they are not required."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import run

HUNT = Path(__file__).resolve().parents[1] / "data" / "hunt"
WHY = (
    "takes its capacity from its calibration: a benchmark's, measured at its own token "
    "lengths, is scaled to the scenario's (utilisation factors estimate at them)"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(HUNT / "h100.toml", "h100.toml")
    text = (HUNT / "s2.toml").read_text()
    text = text.replace("input_tokens = 2000\n", "").replace("output_tokens = 400\n", "")
    Path("s5.toml").write_text(text)


def test_a_measured_capacity_says_it_needs_the_lengths_to_be_scaled() -> None:
    code, out, err = run("analyze", "s5.toml")
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        "error: s5.toml: traffic.input_tokens: is required because alternatives.0 ('llama on "
        f"h100 (bench)') {WHY}",
        "error: s5.toml: traffic.output_tokens: is required because alternatives.0 ('llama on "
        f"h100 (bench)') {WHY}",
    ]


def test_without_a_model_nothing_is_scaled_and_no_length_is_required() -> None:
    text = Path("s5.toml").read_text().replace('model = "llama-3.1-8b"\n', "")
    Path("s6.toml").write_text(text)
    code, out, err = run("analyze", "s6.toml")
    assert code == 0, err
    assert "is required" not in err
    assert "replica_requests_per_s  17.52" in out  # the benchmark's, unscaled


def test_an_estimate_still_says_it_is_estimated_from_token_lengths() -> None:
    text = Path("s5.toml").read_text().replace('calibration = "h100.toml"\n', "")
    Path("s7.toml").write_text(text)
    code, _, err = run("analyze", "s7.toml")
    assert code == 2
    assert "is required because alternatives.0 ('llama on h100 (bench)') is estimated" in err
