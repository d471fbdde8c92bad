"""payback calibrate's caps said, tried as a new user would: a one-second calibration on a
CPU measured prefill at 1.23 of the peak the estimate takes (the matrix-product speed
it measured in that second was low) and wrote prefill_mfu = 1 without a word, where a
decode at the bandwidth bound says its cap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from payback.catalog import default_catalog
from payback.hardware.serving import VLLM


@pytest.mark.slow  # times a tiny model on the CPU
def test_a_prefill_above_the_peak_says_its_mfu_is_capped(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from payback.measure import timing
    from payback.measure.calibrate import run_calibration

    real = timing.prefill_seconds

    def fast(*args: Any, **kwargs: Any) -> float:  # far above the peak (the tiny model: ~1%)
        return float(real(*args, **kwargs)) / 10_000

    monkeypatch.setattr(timing, "prefill_seconds", fast)
    catalog = default_catalog()
    cal = run_calibration(
        catalog.model(str(tiny_model)),
        catalog=catalog,
        device="cpu",
        context=64,
        batches=(1,),
        seconds=2.0,
    )
    m, f = cal.measured, cal.factors
    assert m is not None
    assert f is not None
    assert m.prefill_tokens_per_s is not None
    assert m.prefill_estimated_tokens_per_s is not None
    mfu = VLLM.prefill_mfu * m.prefill_tokens_per_s / m.prefill_estimated_tokens_per_s
    assert mfu > 1
    assert f.prefill_mfu == 1.0
    assert (
        f"prefill ran at {mfu:.2f} of the peak the estimate takes for this device (its "
        "matrix-product speed, measured or listed, is below what prefill reached): "
        "prefill_mfu capped at 1"
    ) in m.notes
