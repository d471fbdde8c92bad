"""Factors far below a GPU's, measured on the catalog GPU the estimate is for, were said to
be "measured on NVIDIA H200, not the GPU served on" on h200: the GPU is named as the one
measured, and the factor as too low for it."""

from __future__ import annotations

from pathlib import Path

from helpers import run

SLOW = Path(__file__).resolve().parents[1] / "data" / "hunt" / "h200_slow.toml"


def test_a_slow_measurement_on_the_gpu_served_on_is_not_said_to_be_another() -> None:
    code, _, err = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h200", "--calibration", SLOW
    )
    assert code == 0, err
    assert "not the GPU served on" not in err
    assert (
        f"warning: --calibration {SLOW}: its bandwidth_efficiency 0.0112 is far below a GPU's "
        "0.5-0.95, though it was measured on NVIDIA H200: estimates with it take h200 to be that "
        "slow (was the GPU busy with other work or throttled while it was measured?); "
        "calibrate again"
    ) in err
